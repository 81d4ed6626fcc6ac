"""`results.md` from the results of a run: one table per scenario, then the machine.

Every table has the same columns: the figure, CamHub, the anchor (what Home Assistant's own
integration did on the same simulated source in the same run), the ratio as "times better"
(anchor / CamHub where lower is better, CamHub / anchor where higher is better), and the
issue's target with whether CamHub met it. A scenario that could not run says why.

Each scenario's section lives in its own module (`report_fanout`, `report_events`,
`report_snapshot`, `report_scale`), the shared table helpers in `report_tables`; this module
puts them in order and adds the heading and the machine table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .report_events import events
from .report_fanout import FANOUT_CONTENDERS, fanout
from .report_scale import scale
from .report_snapshot import snapshot
from .report_tables import Row, load_line
from .stats import fmt

__all__ = [
    "FANOUT_CONTENDERS",
    "SECTIONS",
    "Row",
    "events",
    "fanout",
    "markdown",
    "scale",
    "snapshot",
]


SECTIONS: tuple[tuple[str, str, Callable[[dict[str, Any]], list[str]]], ...] = (
    ("fanout", "1. MJPEG fan-out", fanout),
    ("events", "2. Event to state", events),
    ("snapshot", "3. Snapshot", snapshot),
    ("scale", "4. Scale", lambda r: scale(r, ["64", "32", "32"])),
)


def markdown(results: dict[str, Any]) -> str:
    """The whole `results.md`."""
    machine = results["machine"]
    lines = [
        "# CamHub benchmark results",
        "",
        f"Run of `python -m benchmarks --size {results['size']}` on {machine['date']} "
        "(UTC), CamHub and Home Assistant's own cameras side by side, in the same Home "
        "Assistant, on the same simulated sources, in the same run. Ratios are "
        '"times better" for CamHub (> 1: CamHub better). Written by the benchmark; do not '
        "edit by hand.",
        "",
    ]
    for key, title, render in SECTIONS:
        lines += [f"## {title}", ""]
        result = results.get(key)
        if result is None:
            lines += ["Not run (not chosen with `--only`).", ""]
            continue
        try:
            if key == "scale":
                sizes = str(results["parameters"].get("axis_size", "64,32,32")).split(",")
                lines += scale(result, sizes)
            else:
                lines += render(result)
        except (KeyError, TypeError, ValueError, IndexError) as err:
            lines += [f"**Missing**: the results are incomplete ({type(err).__name__}: {err}).", ""]
        if "load" in result:
            lines += [load_line(result), ""]
        if "from_run" in result:
            earlier = result["from_run"]
            lines += [
                f"(Carried over from the run of {earlier['date']}, CamHub {earlier['commit']}.)",
                "",
            ]
    load = results.get("load", {})
    lines += [
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        f"| CPU | {machine['cpu']}, {machine['cores']} cores (shared with other users) |",
        f"| memory | {machine['memory_gib']} GiB |",
        f"| OS | {machine['os']} |",
        f"| Python | {machine['python']} |",
        f"| Home Assistant | {machine['homeassistant']} (started in "
        f"{fmt(machine.get('home_assistant_started_s'))} s) |",
        f"| aiohttp / httpx | {machine['aiohttp']} / {machine['httpx']} |",
        f"| CamHub | {machine['camhub']} ({machine['commit']}) |",
        f"| date | {machine['date']} to {results.get('finished')} |",
        f"| load average at start | {machine['load_average_at_start']} |",
        f"| whole run | {load.get('cores_busy')} of {load.get('cores')} cores busy on average; "
        f"by others {load.get('cores_busy_others')} |",
        "",
        "Parameters: " + ", ".join(f"{k} {v}" for k, v in results["parameters"].items()) + ".",
        "",
    ]
    return "\n".join(lines)
