"""Section 3 of `results.md`, the snapshot: CamHub against the core `generic` camera.

Rows with and without a stream running, and the same comparison on a device as slow as a real
camera; the notes say why `generic` answers from memory too while a stream runs.
"""

from __future__ import annotations

from typing import Any

from .report_tables import Row, figure_table, missing_section


def _slow_rows(result: dict[str, Any]) -> list[Row]:
    """The same comparison on a device as slow as a real camera (`slow_device_s` per still)."""
    slow = {(r["integration"], r["stream_running"]): r for r in result.get("slow_rows", [])}
    delay = result.get("slow_device_s", 0) * 1000
    rows: list[Row] = []
    c, a = slow.get(("camhub", False)), slow.get(("generic", False))
    if c is not None and a is not None:
        rows.append((f"{delay:g} ms device, no stream: p50 (ms)", c["p50_ms"], a["p50_ms"],
                     True, "-", None))  # fmt: skip
    live = slow.get(("camhub", True))
    if live is not None and a is not None:
        rows.append(
            (
                f"{delay:g} ms device: CamHub with a stream vs `generic` without, p50 (ms)",
                live["p50_ms"],
                a["p50_ms"],
                True,
                "< 5 ms and ≥ 10x anchor",
                live["p50_ms"] < 5 and a["p50_ms"] >= 10 * live["p50_ms"],
            )
        )
    return rows


def snapshot(result: dict[str, Any]) -> list[str]:
    """Scenario 3."""
    if (missing := missing_section(result)) is not None:
        return missing
    by = {(r["integration"], r["stream_running"]): r for r in result["rows"]}
    rows: list[Row] = []
    for stream in (True, False):
        c, a = by.get(("camhub", stream)), by.get(("generic", stream))
        if c is None or a is None:
            continue
        label = "stream running" if stream else "no stream"
        rows += [
            (
                f"{label}: p50 (ms)",
                c["p50_ms"],
                a["p50_ms"],
                True,
                "< 5 ms and ≥ 10x anchor" if stream else "-",
                (c["p50_ms"] < 5 and a["p50_ms"] >= 10 * c["p50_ms"]) if stream else None,
            ),
            (f"{label}: p95 (ms)", c["p95_ms"], a["p95_ms"], True, "-", None),
            (f"{label}: max (ms)", c["max_ms"], a["max_ms"], True, "-", None),
            (
                f"{label}: age of the image served, p50 (ms)",
                c["image_age_p50_ms"],
                a["image_age_p50_ms"],
                True,
                "-",
                None,
            ),
        ]
        if stream:
            rows.append(
                (
                    f"{label}: snapshot requests/s to the device",
                    c["device_requests_per_s"],
                    a["device_requests_per_s"],
                    True,
                    "-",
                    None,
                )
            )
        else:
            rows.append(
                (
                    f"{label}: device requests per snapshot",
                    c["device_requests"] / max(1, c["requests"]),
                    a["device_requests"] / max(1, a["requests"]),
                    True,
                    "-",
                    None,
                )
            )
    c, a = by.get(("camhub", True)), by.get(("generic", False))
    if c is not None and a is not None:
        rows.append(
            (
                "CamHub with a stream vs `generic` without: p50 (ms)",
                c["p50_ms"],
                a["p50_ms"],
                True,
                "≥ 10x anchor",
                a["p50_ms"] >= 10 * c["p50_ms"],
            )
        )
    rows += _slow_rows(result)
    errors = sum(r["errors"] for r in result["rows"])
    idle = by.get(("camhub", False), {})
    live = by.get(("camhub", True), {})
    return [
        "Through `/api/camera_proxy/`. Anchor: Home Assistant's core `generic` camera on the "
        "same simulated 2N still URL (Digest, 15 fps). No stream: "
        f"{idle.get('requests')} snapshots each, the two taking turns, one every "
        f"{result['idle_spacing_s']:g} s (wider than CamHub's 2 s reuse of a recent frame, as "
        "the frontend's ~10 s thumbnail refreshes are), so each is a request to the device. "
        f"Stream running: one viewer reads the same entity's MJPEG meanwhile; "
        f"{live.get('requests')} snapshots, one every {result['spacing_s']:g} s (wider than "
        "`generic`'s 1/15 s image cache); `generic`'s stream is its own still poller, so its "
        f"snapshots may come from that poller's cache. Failed snapshots: {errors}.",
        "",
        *figure_table("core `generic`", rows),
        "",
        "Notes: with a stream running, `generic` answers from memory too (its stream polls "
        "the still URL at 15 fps, and a snapshot within 1/15 s of a poll gets that image), so "
        "CamHub's frame reuse saves the device those polls rather than latency; the 10x "
        "target is missed against `generic` on the simulator, which answers a still in "
        "about 5 ms. The last rows make the same device take "
        f"{result.get('slow_device_s', 0) * 1000:g} ms per answer, as a real camera's JPEG "
        "encode does: there a snapshot served from the running stream stays at about 1 ms "
        "while every still request waits for the device. Without a stream "
        "both make one request to the device per snapshot, so both wait for the device; the "
        "two requests of a turn are 0.15 s apart because the simulator caches the JPEG of "
        "its current frame tick, which would otherwise serve the second one for free.",
        "",
    ]
