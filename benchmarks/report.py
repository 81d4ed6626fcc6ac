"""`results.md` from the results of a run: one table per scenario, then the machine.

Every table has the same columns: the figure, CamHub, the anchor (what Home Assistant's own
integration did on the same simulated source in the same run), the ratio as "times better"
(anchor / CamHub where lower is better, CamHub / anchor where higher is better), and the
issue's target with whether CamHub met it. A scenario that could not run says why.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from .stats import fmt

type Row = tuple[str, float | int | None, float | int | None, bool, str, bool | None]
#            figure, camhub, anchor, lower_is_better, target, met


def _ratio(camhub: float | int | None, anchor: float | int | None, lower: bool) -> str:
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


def _num(value: float | int | None) -> str:
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


def _table(anchor: str, rows: list[Row]) -> list[str]:
    lines = [
        f"| figure | CamHub | {anchor} | ratio (x better) | target | met |",
        "|---|---:|---:|---:|---|:-:|",
    ]
    for figure, camhub, anch, lower, target, met in rows:
        mark = "-" if met is None else ("yes" if met else "**no**")
        lines.append(
            f"| {figure} | {_num(camhub)} | {_num(anch)} | {_ratio(camhub, anch, lower)} "
            f"| {target} | {mark} |"
        )
    return lines


def _load(result: dict[str, Any]) -> str:
    load = result.get("load") or {}
    by = load.get("cores_busy_by", {})
    parts = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in by.items())
    return (
        f"Load while it ran: load average {load.get('load_average')}, "
        f"{load.get('cores_busy')} of {load.get('cores')} cores busy ({parts}, "
        f"other users {load.get('cores_busy_others')}); took {result.get('seconds', 0):.0f} s."
    )


def _missing(result: dict[str, Any]) -> list[str] | None:
    if "missing" in result:
        return [f"**Missing**: {result['missing']}", ""]
    return None


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
    ms = wake["asyncio_wake_ms"]
    parts = []
    for n in counts:
        basic = (phases.get(("mjpeg_basic", n)) or {}).get("cpu_ms_per_frame")
        if (ratio := _div(ms / n, basic)) is not None:
            parts.append(f"{ratio:.2f} at {n}")
    lines = [
        f"Waking an idle asyncio loop once per frame ({wake['fps']:g} a second) costs "
        f"{ms:.3f} ms of CPU per wake on this machine, measured in a fresh process "
        f"(`benchmarks/wakefloor.py`; a bare `epoll.poll`: {wake['epoll_wake_ms']:.3f} ms). "
        "Any server pays it once per frame, shared by its viewers, before reading or writing "
        "a byte."
    ]
    if parts:
        lines[0] += (
            " That wake alone, as a fraction of core `mjpeg` (Basic)'s whole cost per "
            "delivered frame: " + ", ".join(parts) + " viewers."
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
                f"| {_num(p['fps_min'])} / {_num(p['fps_median'])} "
                f"| {_num(p['latency_p50_ms'])} / {_num(p['latency_p95_ms'])} "
                f"| {p['cpu_ms_per_frame']:.3f} | {_num(p.get('load_average'))} |"
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
    if (missing := _missing(result)) is not None:
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
        f"sees p50 {_num(floor['latency_p50_ms'])} ms / p95 {_num(floor['latency_p95_ms'])} "
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
    if (missing := _missing(result)) is not None:
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
        *_table("core `generic`", rows),
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


def events(result: dict[str, Any]) -> list[str]:
    """Scenario 2."""
    if (missing := _missing(result)) is not None:
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
        *_table(f"polling every {anchor['poll_interval_s']:g} s", rows),
        "",
        f"By kind (p50 / p95 ms to `state_changed`): stream "
        f"{_num(kinds['stream']['state_changed']['p50_ms'])} / "
        f"{_num(kinds['stream']['state_changed']['p95_ms'])}, playlist "
        f"{_num(kinds['playlist']['state_changed']['p50_ms'])} / "
        f"{_num(kinds['playlist']['state_changed']['p95_ms'])}.",
        "",
    ]


def scale(result: dict[str, Any], axis_size: list[str]) -> list[str]:
    """Scenario 4."""
    if (missing := _missing(result)) is not None:
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
        *_table("core `mjpeg`", rows),
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
        *_table("target", arows),
        "",
        f"Idle requests to the Axis camera in {ci['window_s']:g} s: {paths or 'none'}. "
        "State arrives over the apps' event channels; `get_streamstat.cgi` is read once a "
        "minute per broadcasting stream only while one of its bytes-sent / start-count "
        "sensors (which the events do not carry; disabled by default) is enabled.",
        "",
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
            lines += [_load(result), ""]
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
