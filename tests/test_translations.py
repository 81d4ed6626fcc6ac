"""strings.json and the shipped translations agree, and every key the code uses exists."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]
COMPONENT = ROOT / "custom_components" / "camhub"
sys.path.insert(0, str(ROOT / "scripts"))

import translations  # noqa: E402


def test_en_json_is_generated_from_strings() -> None:
    assert translations.main(["--check"]) == 0
    resolved = translations.resolve({"a": "[%key:common::config_flow::data::host%]"})
    assert resolved == {"a": "Host"}


def test_every_error_translation_key_exists() -> None:
    strings = json.loads((COMPONENT / "strings.json").read_text())
    used = set()
    for path in COMPONENT.rglob("*.py"):
        used.update(re.findall(r'translation_key\s*=\s*"([a-z_]+)"', path.read_text()))
    sections = (strings["exceptions"], strings["entity"].get("camera", {}))
    known = set().union(*sections)
    for platform in strings["entity"].values():
        known.update(platform)
    assert used - known == set()
