"""The pieces every section of `results.md` shares: the figure table, its cells, the load line.

Every scenario's table has the same columns: the figure, CamHub, the anchor (what Home
Assistant's own integration did on the same simulated source in the same run), the ratio as
"times better" (anchor / CamHub where lower is better, CamHub / anchor where higher is better),
and the issue's target with whether CamHub met it. Kept apart from the sections so that each
section's module holds only its scenario's wording and rows, and all format numbers alike.
"""

from __future__ import annotations

import math
from typing import Any

type Row = tuple[str, float | int | None, float | int | None, bool, str, bool | None]
#            figure, camhub, anchor, lower_is_better, target, met


def ratio_cell(camhub: float | int | None, anchor: float | int | None, lower: bool) -> str:
    """The "times better" cell: > 1 where CamHub is better, whichever way the figure runs."""
    if camhub is None or anchor is None:
        return "-"
    c, a = float(camhub), float(anchor)
    if math.isnan(c) or math.isnan(a):
        return "-"
    if lower:
        if c == 0:
            return "∞" if a > 0 else "1.0x"
        return f"{a / c:.1f}x"
    if a == 0:
        return "∞" if c > 0 else "1.0x"
    return f"{c / a:.1f}x"


def number(value: float | int | None) -> str:
    """A figure at three significant digits or so; "-" where it was not measured."""
    if value is None:
        return "-"
    if isinstance(value, int):
        return str(value)
    if math.isnan(value):
        return "-"
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def figure_table(anchor: str, rows: list[Row]) -> list[str]:
    """The markdown table of a scenario, its anchor column headed `anchor`."""
    lines = [
        f"| figure | CamHub | {anchor} | ratio (x better) | target | met |",
        "|---|---:|---:|---:|---|:-:|",
    ]
    for figure, camhub, anch, lower, target, met in rows:
        mark = "-" if met is None else ("yes" if met else "**no**")
        lines.append(
            f"| {figure} | {number(camhub)} | {number(anch)} | {ratio_cell(camhub, anch, lower)} "
            f"| {target} | {mark} |"
        )
    return lines


def load_line(result: dict[str, Any]) -> str:
    """How busy the machine was during a scenario (its figures mean little on a busy one)."""
    load = result.get("load") or {}
    by = load.get("cores_busy_by", {})
    parts = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in by.items())
    return (
        f"Load while it ran: load average {load.get('load_average')}, "
        f"{load.get('cores_busy')} of {load.get('cores')} cores busy ({parts}, "
        f"other users {load.get('cores_busy_others')}); took {result.get('seconds', 0):.0f} s."
    )


def missing_section(result: dict[str, Any]) -> list[str] | None:
    """The section of a scenario that could not run (with why), else None."""
    if "missing" in result:
        return [f"**Missing**: {result['missing']}", ""]
    return None
