"""What a release (and HACS) reads from the repository agrees with itself.

HACS shows the version from the git tag and the README (`render_readme`); Home Assistant
shows the manifest's `version`. README's *Releasing* says the tag is `v<manifest version>` and
that CHANGELOG.md's newest version is that same one: this test holds the files to it, so a
version bump cannot forget one of them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "custom_components" / "camhub" / "manifest.json"
VERSION_HEADING = re.compile(r"^## \[(?P<version>\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}$", re.M)


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """These tests need no Home Assistant (overrides the conftest's autouse fixture)."""


def test_manifest_version_is_the_changelogs_newest() -> None:
    version = json.loads(MANIFEST.read_text(encoding="utf-8"))["version"]
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    released = [m["version"] for m in VERSION_HEADING.finditer(changelog)]
    assert released, "CHANGELOG.md has no '## [X.Y.Z] - YYYY-MM-DD' heading"
    assert released[0] == version
    assert f"[{version}]: " in changelog  # its link to the tag
    assert changelog.index("## [Unreleased]") < changelog.index(f"## [{version}]")


def test_hacs_renders_the_readme_and_names_the_minimum() -> None:
    hacs = json.loads((ROOT / "hacs.json").read_text(encoding="utf-8"))
    assert hacs["name"] == "CamHub"
    assert hacs["render_readme"] is True
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"Home Assistant {hacs['homeassistant']} or newer" in readme
    brand = ROOT / "custom_components" / "camhub" / "brand"
    for image in ("icon.png", "icon@2x.png", "logo.png", "logo@2x.png"):
        assert (brand / image).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", image
