"""Section 1 of `results.md`, the MJPEG fan-out: CPU per frame against the core cameras.

The fan-out has more to say than the other scenarios (the summary against the target, the raw
asyncio limit, the wake floor, memory per viewer, the per-contender detail), so it has its own
module; its helpers work on the phases keyed by (contender, viewer count).
"""

from __future__ import annotations

import math
from typing import Any

from .report_tables import missing_section, number

FANOUT_CONTENDERS = (
    ("camhub", "CamHub"),
    ("mjpeg_basic", "core `mjpeg` (Basic)"),
    ("mjpeg", "core `mjpeg` (Digest)"),
    ("raw asyncio", "raw asyncio (limit)"),
)


def _div(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or math.isnan(a) or math.isnan(b) or b == 0:
        return None
    return a / b


def _kb(size: float | None) -> str:
    return "-" if size is None or math.isnan(size) else f"{size / 1000:.1f} KB"


def _fanout_limit(phases: dict[tuple[str, int], dict[str, Any]], counts: list[int]) -> list[str]:
    """What the physical limit allows: the raw baseline's own ratio to core Basic."""
    parts = []
    for n in counts:
        raw = (phases.get(("raw asyncio", n)) or {}).get("cpu_ms_per_frame")
        basic = (phases.get(("mjpeg_basic", n)) or {}).get("cpu_ms_per_frame")
        if (ratio := _div(raw, basic)) is not None:
            parts.append(f"{ratio:.2f} at {n}")
    if not parts:
        return []
    return [
        "The raw asyncio baseline itself, as a fraction of core `mjpeg` (Basic): "
        + ", ".join(parts)
        + " viewers. It does the least work a server can (one read and parse per frame, one "
        "write per viewer) and carries none of Home Assistant's own CPU: where it is near or "
        "above 0.5, so is the target for any integration inside Home Assistant.",
        "",
    ]


def _fanout_wake(
    wake: dict[str, float] | None, phases: dict[tuple[str, int], dict[str, Any]], counts: list[int]
) -> list[str]:
    """Why few viewers cannot share much: the wake from idle each frame costs anyway.

    Every contender is woken once per source frame; that wake is split between the viewers,
    so at n viewers it alone is `wake / n` per delivered frame, before any read or write.
    """
    if not wake:
        return []
    inside = wake.get("home_assistant_wake_ms")
    ms = inside if inside is not None else wake["asyncio_wake_ms"]
    parts = []
    for n in counts:
        basic = (phases.get(("mjpeg_basic", n)) or {}).get("cpu_ms_per_frame")
        if (ratio := _div(ms / n, basic)) is not None:
            parts.append(f"{ratio:.2f} at {n}")
    lines = [
        f"Waking an idle asyncio loop once per frame ({wake['fps']:g} a second) costs "
        f"{wake['asyncio_wake_ms']:.3f} ms of CPU per wake on this machine, measured in a "
        "fresh process (`benchmarks/wakefloor.py`; a bare `epoll.poll`: "
        f"{wake['epoll_wake_ms']:.3f} ms)"
        + (f", and {inside:.3f} ms on Home Assistant's own loop. " if inside else ". ")
        + "Any server pays it once per frame, shared by its viewers, before reading or "
        "writing a byte."
    ]
    if parts:
        lines[0] += (
            f" That wake{' in Home Assistant' if inside else ''} alone, as a fraction of "
            "core `mjpeg` (Basic)'s whole cost per delivered frame: "
            + ", ".join(parts)
            + " viewers."
        )
    return [*lines, ""]


def _fanout_memory(result: dict[str, Any]) -> list[str]:
    memory = result.get("memory_per_viewer_kib") or {}
    if not memory:
        return []
    cells = [
        f"{label} {memory[key]:.1f} KiB"
        for key, label in FANOUT_CONTENDERS
        if key in memory and not math.isnan(memory[key])
    ]
    return [
        f"Memory per viewer ({result.get('memory_viewers')} viewers added to one already "
        "watching; inside Home Assistant tracemalloc's traced memory, for the raw baseline "
        "its resident memory): " + ", ".join(cells) + ".",
        "",
    ]


def _fanout_detail(phases: dict[tuple[str, int], dict[str, Any]], counts: list[int]) -> list[str]:
    lines = [
        "| viewers | contender | upstreams | fps min / median | latency p50 / p95 (ms) "
        "| CPU per delivered frame (ms) | load |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for n in counts:
        for key, label in FANOUT_CONTENDERS:
            p = phases.get((key, n))
            if p is None:
                continue
            lines.append(
                f"| {n} | {label} | {p['upstream_open']} "
                f"| {number(p['fps_min'])} / {number(p['fps_median'])} "
                f"| {number(p['latency_p50_ms'])} / {number(p['latency_p95_ms'])} "
                f"| {p['cpu_ms_per_frame']:.3f} | {number(p.get('load_average'))} |"
            )
    return lines


def _fanout_summary(
    phases: dict[tuple[str, int], dict[str, Any]], counts: list[int], fps: float
) -> list[str]:
    lines = [
        "| viewers | CamHub CPU per frame (ms) | ÷ core Basic | ÷ core Digest | ÷ raw asyncio "
        "| target: ≤ 0.5 x core Basic at 5 and 20 | every viewer ≥ 95 % of "
        f"{fps:g} fps |",
        "|---:|---:|---:|---:|---:|:-:|:-:|",
    ]
    for n in counts:
        c = phases.get(("camhub", n))
        if c is None:
            continue
        cpu = c["cpu_ms_per_frame"]
        ratios = [
            _div(cpu, (phases.get((k, n)) or {}).get("cpu_ms_per_frame"))
            for k in ("mjpeg_basic", "mjpeg", "raw asyncio")
        ]
        basic = ratios[0]
        met = "-" if n not in (5, 20) or basic is None else ("yes" if basic <= 0.5 else "**no**")
        fps_ok = "yes" if c["fps_min"] >= 0.95 * fps else "**no**"
        cells = " | ".join("-" if r is None else f"{r:.2f}" for r in ratios)
        lines.append(f"| {n} | {cpu:.3f} | {cells} | {met} | {fps_ok} |")
    return lines


def fanout(result: dict[str, Any]) -> list[str]:
    """Scenario 1."""
    if (missing := missing_section(result)) is not None:
        return missing
    fps = float(result["source_fps"])
    phases: dict[tuple[str, int], dict[str, Any]] = {
        (p["integration"], p["viewers"]): p for p in result["phases"]
    }
    counts = sorted({n for _, n in phases})
    floor = result["floor"]
    idle = result.get("idle_cpu_ms_per_s")
    lines = [
        f"Source: simulated 2N intercom, {result['source_fps']:g} fps, 640x480, "
        f"{_kb(floor.get('frame_bytes'))} per frame; viewers read "
        "`/api/camera_proxy_stream/` over HTTP, each its own "
        f"connection, for {floor['duration']:.0f} s after a warm-up. Contenders, taking turns "
        "at each viewer count: Home Assistant's core `mjpeg` camera on the same MJPEG and "
        "still URLs, on an intercom set to Basic (its aiohttp byte pipe, the cheapest core "
        "case) and on the Digest one (its httpx path, `aiter_bytes` in 100 KiB chunks); the "
        "raw asyncio baseline (`benchmarks/rawfan.py`: one upstream, one parse per frame, "
        "one `transport.write` of the same pre-framed chunk per viewer, no framework: the "
        "physical limit on this machine); and CamHub. CPU is the serving process's CPU time "
        "(all threads; Home Assistant's read inside it) over the window, divided by the "
        "frames all viewers received. Latency runs from the simulator rendering a frame "
        "(time tag inside the JPEG) to a viewer having read all of it; a viewer reading the "
        "simulator directly "
        f"sees p50 {number(floor['latency_p50_ms'])} ms / p95 {number(floor['latency_p95_ms'])} "
        "ms (the floor: render, encode, loopback), included in every column. Load is the "
        "1-minute load average at the end of each window (2 cores shared with other users).",
        "",
    ]
    if idle is not None:
        lines += [
            f"Home Assistant with nobody watching spends {idle:.2f} ms of CPU per second; "
            "every Home Assistant row includes it (at 5 viewers of 15 fps that is "
            f"{idle / (5 * fps):.3f} ms per delivered frame).",
            "",
        ]
    lines += [
        *_fanout_summary(phases, counts, fps),
        "",
        *_fanout_limit(phases, counts),
        *_fanout_wake(result.get("wake_floor"), phases, counts),
        *_fanout_memory(result),
        *_fanout_detail(phases, counts),
        "",
    ]
    errors = sorted({e for p in result["phases"] for e in p["errors"]})
    if errors:
        lines += [f"Viewer errors: {'; '.join(errors)}", ""]
    return lines
