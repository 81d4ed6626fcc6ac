"""Write custom_components/camhub/translations/en.json from strings.json.

Home Assistant core resolves `[%key:common::...%]` references when it builds translations;
custom integrations ship the resolved file themselves. This does the same from the installed
Home Assistant's own strings.json, so en.json never drifts from strings.json (a test checks).

    .venv/bin/python scripts/translations.py          # write en.json
    .venv/bin/python scripts/translations.py --check  # exit 1 if en.json is out of date
    .venv/bin/python scripts/translations.py --missing  # keys cs.json, de.json, ... lack

`--missing` lists, per shipped language, the key paths en.json has and it lacks (and the
ones it has that en.json no longer does), so a new string in strings.json is easy to
translate; it exits 1 if any language differs. It never writes anything.
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
TRANSLATIONS = ROOT / "custom_components" / "camhub" / "translations"
EN = TRANSLATIONS / "en.json"
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


def key_paths(tree: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """Every string of a translation tree by its dotted key path (how HA flattens them)."""
    flat: dict[str, str] = {}
    for key, value in tree.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(key_paths(value, f"{path}."))
        else:
            flat[path] = value
    return flat


def missing() -> dict[str, tuple[list[str], list[str]]]:
    """Per language other than English: (paths it lacks, paths en.json does not have)."""
    english = set(key_paths(json.loads(EN.read_text())))
    report: dict[str, tuple[list[str], list[str]]] = {}
    for path in sorted(TRANSLATIONS.glob("*.json")):
        if path == EN:
            continue
        have = set(key_paths(json.loads(path.read_text())))
        report[path.stem] = (sorted(english - have), sorted(have - english))
    return report


def _print_missing() -> int:
    differs = False
    for language, (lacking, extra) in missing().items():
        for path in lacking:
            print(f"{language}: missing {path}")
        for path in extra:
            print(f"{language}: not in en.json {path}")
        differs = differs or bool(lacking or extra)
    return 1 if differs else 0


def main(argv: list[str]) -> int:
    """Write en.json, or with --check report whether it is up to date."""
    if "--missing" in argv:
        return _print_missing()
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
