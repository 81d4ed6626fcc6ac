"""Write custom_components/camhub/translations/en.json from strings.json.

Home Assistant core resolves `[%key:common::...%]` references when it builds translations;
custom integrations ship the resolved file themselves. This does the same from the installed
Home Assistant's own strings.json, so en.json never drifts from strings.json (a test checks).

    .venv/bin/python scripts/translations.py          # write en.json
    .venv/bin/python scripts/translations.py --check  # exit 1 if en.json is out of date
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import homeassistant

ROOT = Path(__file__).resolve().parents[1]
STRINGS = ROOT / "custom_components" / "camhub" / "strings.json"
EN = ROOT / "custom_components" / "camhub" / "translations" / "en.json"
REF = re.compile(r"\[%key:([a-z0-9_:]+)%\]")


def _lookup(tree: dict[str, Any], path: str) -> str:
    node: Any = tree
    for part in path.split("::"):
        node = node[part]
    if not isinstance(node, str):
        raise KeyError(path)
    return node


def resolve(strings: dict[str, Any]) -> dict[str, Any]:
    """strings.json with every reference replaced by its text."""
    core = json.loads((Path(homeassistant.__file__).parent / "strings.json").read_text())

    def text(value: str) -> str:
        def sub(match: re.Match[str]) -> str:
            path = match.group(1)
            if path.startswith("common::"):
                return text(_lookup(core, path))
            return text(_lookup(strings, path.removeprefix("component::camhub::")))

        return REF.sub(sub, value)

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            return {key: walk(value) for key, value in node.items()}
        return text(node) if isinstance(node, str) else node

    resolved: dict[str, Any] = walk(strings)
    return resolved


def render() -> str:
    """The en.json text for the current strings.json."""
    resolved = resolve(json.loads(STRINGS.read_text()))
    return json.dumps(resolved, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    """Write en.json, or with --check report whether it is up to date."""
    text = render()
    if "--check" in argv:
        if EN.read_text() != text:
            print("translations/en.json is out of date: run scripts/translations.py")
            return 1
        return 0
    EN.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
