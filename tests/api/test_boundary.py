"""api/ is a library: no module below it may import Home Assistant."""

from __future__ import annotations

import ast
from pathlib import Path

API = Path(__file__).parents[2] / "custom_components" / "camhub" / "api"


def imported_modules(path: Path, depth: int = 0) -> set[str]:
    """Absolute imports, and relative ones that climb out of api/ (`depth`: sub-package level)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.ImportFrom) and node.level > depth + 1:
            names.add("." * node.level + (node.module or ""))
    return names


def test_api_modules_do_not_import_homeassistant() -> None:
    modules = sorted(API.rglob("*.py"))
    assert len(modules) >= 5
    assert API / "camstreamer" / "client.py" in modules  # sub-packages are checked too
    for path in modules:
        depth = len(path.relative_to(API).parts) - 1
        bad = {
            name
            for name in imported_modules(path, depth)
            if name.split(".")[0] == "homeassistant" or name.startswith("..")
        }
        assert not bad, f"{path.name} imports {bad}"


def test_boundary_check_catches_an_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from homeassistant.core import HomeAssistant\nfrom .. import const\n")
    assert imported_modules(bad) == {"homeassistant.core", ".."}
    # One level down, `..` is api/ itself and fine; `...` leaves it.
    nested = tmp_path / "nested.py"
    nested.write_text("from ..transport import Transport\nfrom ...const import DOMAIN\n")
    assert imported_modules(nested, depth=1) == {"...const"}
