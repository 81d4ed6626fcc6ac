"""Scenario 1: MJPEG fan-out, CamHub vs Home Assistant's core `mjpeg` camera.

For 1, 5 and 20 viewers of `/api/camera_proxy_stream/` (each its own HTTP connection, as
each dashboard card and browser tab is), on a 15 fps 640x480 simulated 2N stream:
upstream connections the simulator saw, frames per second each viewer received, latency from
the simulator rendering a frame to a viewer having read it (from the tag in each JPEG), and
CPU seconds of the Home Assistant process per delivered frame. The two integrations take
turns at each viewer count, so slow drift of the machine hits both alike. A direct viewer of
the simulator gives the latency floor (render + encode + loopback) to subtract.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import asdict, dataclass
from typing import Any

from .env import FPS, BenchEnv, Camera, SimDeviceInfo
from .stats import median, percentile
from .viewer import ViewerGroup


@dataclass
class Phase:
    """What one integration did for one viewer count."""

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
    errors: list[str]


async def measure(
    env: BenchEnv,
    device: SimDeviceInfo,
    name: str,
    url: str,
    viewers: int,
    *,
    warmup: float,
    duration: float,
    direct: bool = False,
) -> Phase:
    """Run `viewers` viewers of `url`; measure inside a window after `warmup` seconds."""
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
        t0, cpu0 = time.time(), await env.client.cpu_seconds()
        await asyncio.sleep(duration / 2)
        upstream_open = (await env.sim.stats(device.name))["open_streams"]
        await asyncio.sleep(duration / 2)
        t1, cpu1 = time.time(), await env.client.cpu_seconds()
    finally:
        await group.stop()
    stats = await env.sim.stats(device.name)
    counts: list[int] = []
    latencies: list[float] = []
    for viewer in group.viewers:
        window = [a for a in viewer.arrivals if t0 <= a.at < t1]
        counts.append(len(window))
        latencies.extend((a.at - a.rendered) * 1000 for a in window)
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
        errors=sorted({v.error for v in group.viewers if v.error}),
    )


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
    """Every viewer count, the core camera(s) then CamHub, plus the direct floor.

    CamHub goes last at each count: its upstream lingers 5 s after the last viewer (by
    design), and the next phase waits for the device to have no stream open.
    """
    phases: list[Phase] = []
    floor = await measure(
        env,
        device,
        "direct (simulator)",
        device.snapshot_url(fps=FPS),
        1,
        warmup=warmup,
        duration=duration,
        direct=True,
    )
    for count in viewer_counts:
        for name, cam, dev in (*anchors, ("camhub", camhub, device)):
            phases.append(
                await measure(
                    env,
                    dev,
                    name,
                    env.stream_url(cam.entity_id),
                    count,
                    warmup=warmup,
                    duration=duration,
                )
            )
    return {
        "source_fps": FPS,
        "floor": asdict(floor),
        "phases": [asdict(p) for p in phases],
    }
