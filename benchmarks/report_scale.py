"""Section 4 of `results.md`, scale: many 2N entries against core `mjpeg`, and one big Axis entry.

The 2N table compares set-up time, memory and idle requests per entry; the big CamStreamer
camera has no core counterpart, so its anchor column holds the issue's target.
"""

from __future__ import annotations

from typing import Any

from .report_tables import Row, figure_table, missing_section


def scale(result: dict[str, Any], axis_size: list[str]) -> list[str]:
    """Scenario 4."""
    if (missing := missing_section(result)) is not None:
        return missing
    c, m = result["camhub"], result["mjpeg"]
    n = result["devices"]
    ci, mi = result["camhub_idle"], result["mjpeg_idle"]
    c2n, m2n = ci.get("intercom_2n", {}), mi.get("intercom_2n", {})
    first_n = min(10, n)
    linear = c["memory_per_entry_rest_kib"] <= 1.5 * c["memory_per_entry_first_kib"]
    rows: list[Row] = [
        (
            f"{n} 2N entries: setup wall time, all at once (s)",
            c["setup_wall_all_s"],
            m["setup_wall_all_s"],
            True,
            "-",
            None,
        ),
        (
            f"{first_n} 2N entries: setup wall time (s)",
            c["setup_wall_first_s"],
            m["setup_wall_first_s"],
            True,
            "-",
            None,
        ),
        (
            "2N entry setup p50 (ms)",
            c["setup_entry_p50_ms"],
            m["setup_entry_p50_ms"],
            True,
            "-",
            None,
        ),
        (
            f"memory per 2N entry, first {first_n} (KiB)",
            c["memory_per_entry_first_kib"],
            m["memory_per_entry_first_kib"],
            True,
            "-",
            None,
        ),
        (
            f"memory per 2N entry, next {n - first_n} (KiB)",
            c["memory_per_entry_rest_kib"],
            m["memory_per_entry_rest_kib"],
            True,
            "linear",
            linear,
        ),
        ("config flow p50 (ms)", c["flow_p50_ms"], m["flow_p50_ms"], True, "-", None),
        (
            "idle requests / min per 2N device",
            c2n.get("per_minute_per_device"),
            m2n.get("per_minute_per_device"),
            True,
            "-",
            None,
        ),
    ]
    notes = [
        "Notes: a CamHub 2N entry reads the intercom's identity and camera capabilities "
        "while it sets up (its entities depend on them); a core `mjpeg` entry contacts "
        "nothing until someone watches, hence the per-entry setup ratio. While idle, a "
        "CamHub 2N entry holds the intercom's event log: one long pull (`/api/log/pull`, "
        "30 s) after another, which also tells it at once when the intercom goes away; "
        "the core camera never asks anything, and so never notices a dead camera until "
        "viewed.",
        "",
    ]
    lines = [
        f"{n} simulated 2N intercoms, each a config entry of CamHub and, separately, of the core "
        "`mjpeg` camera (created through the real config flows); setup and memory measured "
        "inside Home Assistant by the benchmark probe (`async_setup` of the entries, "
        "concurrently; tracemalloc over a second setup, so imports are not counted). Idle "
        f"requests counted over {ci['window_s']:g} s with nobody watching, each integration's "
        "entries loaded alone.",
        "",
        *figure_table("core `mjpeg`", rows),
        "",
        *notes,
    ]
    axis = result.get("axis")
    if axis is None:
        return lines
    if "missing" in axis:
        return [*lines, f"Big Axis / CamStreamer entry: **missing**: {axis['missing']}", ""]
    ax_idle = ci.get("camstreamer", {})
    arows: list[Row] = [
        ("entities", axis["entities"], None, False, "several hundred", axis["entities"] >= 200),
        (
            "entry setup, median of 3 (s)",
            axis["setup_median_s"],
            2.0,
            True,
            "< 2 s",
            axis["setup_median_s"] < 2,
        ),
        ("memory added (KiB)", axis["memory_kib"], None, True, "-", None),
        ("memory per entity (KiB)", axis["memory_per_entity_kib"], None, True, "-", None),
        (
            "idle requests / min (event channels connected)",
            ax_idle.get("per_minute"),
            None,
            True,
            "0",
            (ax_idle.get("per_minute") == 0) if ax_idle else None,
        ),
    ]
    paths = ", ".join(f"`{p}` {v}" for p, v in sorted(ax_idle.get("by_path", {}).items()))
    return [
        *lines,
        f"One simulated Axis camera with {axis_size[0]} CamStreamer streams, {axis_size[1]} "
        f"CamOverlay services and {axis_size[2]} CamSwitcher playlists, one CamHub entry. No "
        "core integration exists for it, so the "
        "anchor column holds the issue's target.",
        "",
        *figure_table("target", arows),
        "",
        f"Idle requests to the Axis camera in {ci['window_s']:g} s: {paths or 'none'}. "
        "State arrives over the apps' event channels; `get_streamstat.cgi` is read once a "
        "minute per broadcasting stream only while one of its bytes-sent / start-count "
        "sensors (which the events do not carry; disabled by default) is enabled.",
        "",
    ]
