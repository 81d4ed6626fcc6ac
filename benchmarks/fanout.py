"""Scenario 1: MJPEG fan-out, CamHub vs Home Assistant's core `mjpeg` camera and the raw limit.

For each viewer count (default 1, 5, 20, 50, 100) of `/api/camera_proxy_stream/` (each its own
HTTP connection, as each dashboard card and browser tab is), on a 15 fps 640x480 simulated 2N
stream: upstream connections the simulator saw, frames per second each viewer received,
latency from the simulator rendering a frame to a viewer having read it (from the tag in each
JPEG), CPU seconds of the serving process per delivered frame, and its resident memory added
per viewer. The contenders take turns at each viewer count, so slow drift of the machine hits
all alike: the core `mjpeg` camera (Digest, and Basic when the simulator has a Basic
intercom), the raw baseline (`benchmarks.rawfan`: a plain asyncio process writing the same
bytes to N sockets, the physical limit on this machine), then CamHub. A direct viewer of the
simulator gives the latency floor, and a window with no viewer Home Assistant's idle CPU.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass
from typing import Any

import aiohttp
import psutil  # type: ignore[import-untyped]

from .env import FPS, BenchEnv, Camera, SimDeviceInfo
from .ha import ROOT
from .stats import median, percentile
from .viewer import ViewerGroup

RAW = "raw asyncio"
MEMORY_SKIPS = """The core camera's Digest path (httpx) is left out of the memory pass: a viewer
that leaves soon after it connected can leave that camera's upstream open at the device for
good (seen here), which stalls every later phase."""
_LOGGER = logging.getLogger(__name__)


@dataclass
class Phase:
    """What one contender did for one viewer count."""

    integration: str
    viewers: int
    duration: float
    upstream_open: int  # concurrent upstream streams at the device, sampled mid-window
    upstream_opened: int  # upstream streams opened during the phase
    fps_min: float
    fps_median: float
    latency_p50_ms: float
    latency_p95_ms: float
    frames: int
    cpu_seconds: float
    cpu_ms_per_frame: float
    load_average: float  # 1-minute load average at the end of the window
    frame_bytes: float  # median size of the JPEGs the viewers received
    errors: list[str]


@dataclass(frozen=True)
class Server:
    """How to read the CPU seconds of the process that serves, and its resident memory."""

    cpu: Callable[[], Awaitable[float]]
    rss: Callable[[], int]


async def _streaming(group: ViewerGroup, settle: float, limit: float = 15.0) -> None:
    """Wait `settle` seconds and until every viewer has a frame (or has failed).

    A viewer dropped while its request is still being answered can leave the core camera's
    upstream open for good, which would stall the next phase.
    """
    await asyncio.sleep(settle)
    deadline = time.monotonic() + limit
    while any(not v.arrivals and v.error is None for v in group.viewers):
        if time.monotonic() > deadline:
            return
        await asyncio.sleep(0.05)


async def memory_per_viewer(
    env: BenchEnv, url: str, count: int, server: Server | None, settle: float
) -> float:
    """KiB that `count` more viewers add while one already watches (the upstream is warm).

    Inside Home Assistant (server None) it is tracemalloc's traced memory, through the
    probe, so it counts Python objects and buffers and not the allocator's slack; for the
    raw baseline, the growth of its resident memory.
    """
    _LOGGER.info("fan-out memory: %s, %d viewer(s)", url, count)
    await env.sim.wait_streams_closed()
    first = ViewerGroup(env.session, url, 1, headers=env.auth_headers)
    more = ViewerGroup(env.session, url, count, headers=env.auth_headers)
    rss0 = 0
    first.start()
    try:
        await _streaming(first, settle)
        if server is None:
            await env.client.post("/api/camhub_bench/tracemalloc", {"action": "start"})
        else:
            rss0 = server.rss()
        more.start()
        await _streaming(more, settle)
        if server is None:
            traced = await env.client.post("/api/camhub_bench/tracemalloc", {"action": "stop"})
            added = float(traced["current"])
        else:
            added = float(server.rss() - rss0)
    finally:
        await more.stop()
        await first.stop()
    return added / count / 1024


async def measure(
    env: BenchEnv,
    device: SimDeviceInfo,
    name: str,
    url: str,
    viewers: int,
    server: Server,
    *,
    warmup: float,
    duration: float,
    direct: bool = False,
) -> Phase:
    """Run `viewers` viewers of `url`; measure inside a window after `warmup` seconds."""
    _LOGGER.info("fan-out: %s, %d viewer(s)", name, viewers)
    await env.sim.wait_streams_closed()
    await env.sim.reset()
    group = ViewerGroup(
        env.session,
        url,
        viewers,
        headers=None if direct else env.auth_headers,
        auth=(device.username, device.password) if direct else None,
    )
    group.start()
    try:
        await asyncio.sleep(warmup)
        t0, cpu0 = time.time(), await server.cpu()
        await asyncio.sleep(duration / 2)
        upstream_open = (await env.sim.stats(device.name))["open_streams"]
        await asyncio.sleep(duration / 2)
        t1, cpu1 = time.time(), await server.cpu()
    finally:
        await group.stop()
    stats = await env.sim.stats(device.name)
    counts: list[int] = []
    latencies: list[float] = []
    sizes: list[float] = []
    for viewer in group.viewers:
        window = [a for a in viewer.arrivals if t0 <= a.at < t1]
        counts.append(len(window))
        latencies.extend((a.at - a.rendered) * 1000 for a in window)
        sizes.extend(a.size for a in window)
    frames = sum(counts)
    cpu = cpu1 - cpu0
    return Phase(
        integration=name,
        viewers=viewers,
        duration=t1 - t0,
        upstream_open=upstream_open,
        upstream_opened=stats["streams_opened"],
        fps_min=min(counts) / (t1 - t0),
        fps_median=median(counts) / (t1 - t0),
        latency_p50_ms=percentile(latencies, 50),
        latency_p95_ms=percentile(latencies, 95),
        frames=frames,
        cpu_seconds=cpu,
        cpu_ms_per_frame=cpu / frames * 1000 if frames else float("nan"),
        load_average=round(psutil.getloadavg()[0], 2),
        frame_bytes=median(sizes),
        errors=sorted({v.error for v in group.viewers if v.error}),
    )


@asynccontextmanager
async def raw_server(env: BenchEnv, device: SimDeviceInfo) -> AsyncIterator[tuple[str, Server]]:
    """The raw asyncio baseline process on the same MJPEG URL; yields its URL and meters."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "benchmarks.rawfan",
        f"--url={device.snapshot_url(fps=FPS)}",
        f"--username={device.username}",
        f"--password={device.password}",
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None
        port = json.loads(await asyncio.wait_for(proc.stdout.readline(), 30))["port"]
        base = f"http://127.0.0.1:{port}"
        ps = psutil.Process(proc.pid)

        async def cpu() -> float:
            async with aiohttp.ClientSession() as session, session.get(f"{base}/cpu") as resp:
                return float((await resp.json())["cpu"])

        yield f"{base}/stream", Server(cpu, lambda: int(ps.memory_info().rss))
    finally:
        if proc.returncode is None:
            proc.terminate()
            await proc.wait()


async def idle_cpu(env: BenchEnv, duration: float) -> float:
    """Home Assistant's CPU with nobody watching, in ms per second (a floor under every row)."""
    await env.sim.wait_streams_closed()
    t0, cpu0 = time.monotonic(), await env.client.cpu_seconds()
    await asyncio.sleep(duration)
    return (await env.client.cpu_seconds() - cpu0) / (time.monotonic() - t0) * 1000


async def wake_floor(duration: float) -> dict[str, float]:
    """CPU ms of one wake from idle, over `duration` s in a fresh process (`wakefloor`)."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "benchmarks.wakefloor",
        f"--fps={FPS}",
        f"--wakes={max(15, round(duration * FPS))}",
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await proc.communicate()
    result: dict[str, float] = json.loads(out)
    return result


async def run(
    env: BenchEnv,
    device: SimDeviceInfo,
    camhub: Camera,
    anchors: list[tuple[str, Camera, SimDeviceInfo]],
    *,
    viewer_counts: tuple[int, ...],
    warmup: float,
    duration: float,
) -> dict[str, Any]:
    """Every viewer count: the core camera(s), the raw baseline, then CamHub; plus the floors.

    CamHub goes last at each count: its upstream lingers 5 s after the last viewer (by
    design), and the next phase waits for the device to have no stream open.
    """
    ha = Server(env.client.cpu_seconds, env.ha.rss)
    phases: list[Phase] = []
    floor = await measure(
        env,
        device,
        "direct (simulator)",
        device.snapshot_url(fps=FPS),
        1,
        ha,
        warmup=warmup,
        duration=duration,
        direct=True,
    )
    idle = await idle_cpu(env, duration)
    wake = await wake_floor(duration)
    await env.sim.wait_streams_closed()
    inside = await env.client.post("/api/camhub_bench/wake", {"fps": FPS, "seconds": duration})
    wake["home_assistant_wake_ms"] = float(inside["ms"])
    memory: dict[str, float] = {}
    most = max(viewer_counts)
    async with raw_server(env, device) as (raw_url, raw):
        for count in viewer_counts:
            contenders = [
                *((name, env.stream_url(cam.entity_id), dev, ha) for name, cam, dev in anchors),
                (RAW, raw_url, device, raw),
                ("camhub", env.stream_url(camhub.entity_id), device, ha),
            ]
            for name, url, dev, server in contenders:
                phases.append(
                    await measure(
                        env, dev, name, url, count, server, warmup=warmup, duration=duration
                    )
                )
                if count == most and name != "mjpeg":  # see MEMORY_SKIPS
                    memory[name] = await memory_per_viewer(
                        env, url, count, raw if name == RAW else None, warmup
                    )
    return {
        "source_fps": FPS,
        "floor": asdict(floor),
        "idle_cpu_ms_per_s": idle,
        "wake_floor": wake,
        "memory_viewers": most,
        "memory_per_viewer_kib": memory,
        "phases": [asdict(p) for p in phases],
    }
