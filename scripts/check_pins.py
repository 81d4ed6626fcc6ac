"""Check that .venv holds the requirements of the Home Assistant components CamHub uses.

The homeassistant wheel does not install its components' own requirements (camera needs
turbojpeg, stream needs av and numpy, ...); requirements_test.txt pins them by hand. When the
pinned Home Assistant moves, this says which pin to change instead of letting Home Assistant
pip-install a different version at start-up. Run by scripts/setup.
"""

from __future__ import annotations

import json
import sys
from importlib import metadata
from pathlib import Path

import homeassistant.components

COMPONENTS = (
    "camera",
    "stream",
    "recorder",
    "frontend",
    "conversation",
    "ffmpeg",
    "tts",
    "assist_pipeline",
    "infrared",
    "radio_frequency",
)


def main() -> int:
    """Exit 1 and name each mismatch."""
    base = Path(homeassistant.components.__file__).parent
    wrong = []
    for component in COMPONENTS:
        manifest = json.loads((base / component / "manifest.json").read_text())
        for requirement in manifest.get("requirements", []):
            name, _, version = requirement.partition("==")
            try:
                installed = metadata.version(name)
            except metadata.PackageNotFoundError:
                installed = "missing"
            if installed != version:
                wrong.append(f"{component} needs {requirement}, .venv has {installed}")
    for line in wrong:
        print(f"setup: pin mismatch: {line} (fix requirements_test.txt)", file=sys.stderr)
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
