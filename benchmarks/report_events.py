"""Section 2 of `results.md`, event to state: CamStreamer / CamSwitcher events to `state_changed`.

The anchor is stated, not measured: Home Assistant has no core CamStreamer integration, so it
is a polling integration at the default scan interval.
"""

from __future__ import annotations

from typing import Any

from .report_tables import Row, figure_table, missing_section, number


def events(result: dict[str, Any]) -> list[str]:
    """Scenario 2."""
    if (missing := missing_section(result)) is not None:
        return missing
    anchor = result["anchor"]
    fired, seen = result["state_changed"], result["client_saw"]
    missed = result["missed"]
    rows: list[Row] = [
        ("event → `state_changed` p50 (ms)", fired["p50_ms"], anchor["p50_ms"], True, "-", None),
        (
            "event → `state_changed` p95 (ms)",
            fired["p95_ms"],
            anchor["p95_ms"],
            True,
            "< 50 ms",
            fired["p95_ms"] < 50,
        ),
        ("event → `state_changed` max (ms)", fired["max_ms"], anchor["max_ms"], True, "-", None),
        ("event → client saw it p50 (ms)", seen["p50_ms"], anchor["p50_ms"], True, "-", None),
        ("event → client saw it p95 (ms)", seen["p95_ms"], anchor["p95_ms"], True, "-", None),
        (
            "changes never seen (of " + str(result["changes"]) + ")",
            missed["stream"] + missed["playlist"],
            None,
            True,
            "0",
            missed["stream"] + missed["playlist"] == 0,
        ),
    ]
    kinds = result["by_kind"]
    return [
        f"{result['changes']} changes on a simulated Axis camera, alternately a CamStreamer "
        "stream switched on/off and a CamSwitcher playlist switch, each sent as the apps' "
        "WebSocket event; timed from just before the simulator sends it to Home Assistant's "
        "`state_changed` (`time_fired`) and to the benchmark's WebSocket client reading it. "
        "Anchor: Home Assistant has no core CamStreamer integration, so the anchor is a "
        f"polling integration at Home Assistant's default {anchor['poll_interval_s']:g} s scan "
        "interval: half the interval on average, 95 % of it at p95, all of it at worst "
        "(stated, not measured).",
        "",
        *figure_table(f"polling every {anchor['poll_interval_s']:g} s", rows),
        "",
        f"By kind (p50 / p95 ms to `state_changed`): stream "
        f"{number(kinds['stream']['state_changed']['p50_ms'])} / "
        f"{number(kinds['stream']['state_changed']['p95_ms'])}, playlist "
        f"{number(kinds['playlist']['state_changed']['p50_ms'])} / "
        f"{number(kinds['playlist']['state_changed']['p95_ms'])}.",
        "",
    ]
