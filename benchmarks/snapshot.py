"""Scenario 3: snapshot latency through `/api/camera_proxy/`, CamHub vs the core `generic` camera.

The frontend refreshes every camera thumbnail through `/api/camera_proxy/` (about every 10 s
per card), so snapshot latency is what a dashboard feels. Measured on the same simulated 2N
still URL, for CamHub and `generic`:

- **no stream**: nobody watches. CamHub reuses a still (or live frame) for up to
  `snapshot_max_age` (2 s), so requests are spaced wider than that (as thumbnail refreshes
  are) and the row starts once every frame CamHub holds is older: every snapshot is then a
  request to the device, for both integrations. The two integrations take turns request by
  request, so drift of the machine hits both alike.
- **stream running**: one viewer reads the same entity's MJPEG stream meanwhile. CamHub
  answers from the newest live frame; `generic`'s MJPEG stream is its own still poller at
  its frame rate, whose cached image (1/15 s) answers when fresh. Requests every 0.1 s.

Each row also records the age of the image served (from the simulator's tag in the JPEG) and
how many requests per second the device got meanwhile.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from simulator.frames import parse_frame_tag

from .env import BenchEnv, Camera, SimDeviceInfo
from .stats import median, percentile
from .viewer import ViewerGroup

SPACING = 0.1  # seconds between requests with a stream running (> generic's 1/15 s cache)
IDLE_SPACING = 2.2  # seconds between requests without a stream (> CamHub's 2 s reuse)
SNAPSHOT_PATH = "/api/camera/snapshot"
SLOW_DEVICE = 0.1  # seconds a slow device takes per answer: a real camera's JPEG encode
TICK_GAP = 0.15  # seconds between the two integrations' requests: > two 15 fps frame ticks


@dataclass
class _Samples:
    latencies: list[float] = field(default_factory=list)
    ages: list[float] = field(default_factory=list)
    errors: int = 0


@dataclass
class SnapshotRow:
    """Latency of one integration in one condition."""

    integration: str
    stream_running: bool
    requests: int
    spacing_s: float
    p50_ms: float
    p95_ms: float
    max_ms: float
    device_requests: int  # snapshot requests the device saw during the row (any cause)
    device_requests_per_s: float
    errors: int
    image_age_p50_ms: float  # how old the image was (its render time) when it arrived
    image_age_max_ms: float


async def _one(env: BenchEnv, url: str, samples: _Samples) -> None:
    started = time.perf_counter()
    async with env.session.get(url, headers=env.auth_headers) as resp:
        body = await resp.read()
    elapsed = (time.perf_counter() - started) * 1000
    if resp.status == 200 and body.startswith(b"\xff\xd8"):
        samples.latencies.append(elapsed)
        if (tag := parse_frame_tag(body)) is not None:
            samples.ages.append((time.time() - tag.t) * 1000)
    else:
        samples.errors += 1


async def _device_requests(env: BenchEnv, device: SimDeviceInfo) -> int:
    return int((await env.sim.stats(device.name))["requests"].get(SNAPSHOT_PATH, 0))


def _row(
    name: str,
    stream: bool,
    count: int,
    spacing: float,
    samples: _Samples,
    device_requests: int,
    seconds: float,
) -> SnapshotRow:
    return SnapshotRow(
        integration=name,
        stream_running=stream,
        requests=count,
        spacing_s=spacing,
        p50_ms=percentile(samples.latencies, 50),
        p95_ms=percentile(samples.latencies, 95),
        max_ms=max(samples.latencies, default=float("nan")),
        device_requests=device_requests,
        device_requests_per_s=device_requests / seconds if seconds else float("nan"),
        errors=samples.errors,
        image_age_p50_ms=median(samples.ages),
        image_age_max_ms=max(samples.ages, default=float("nan")),
    )


async def without_stream(
    env: BenchEnv, device: SimDeviceInfo, cams: dict[str, Camera], count: int
) -> list[SnapshotRow]:
    """`count` snapshots of each camera, taking turns, nobody watching."""
    await env.sim.wait_streams_closed()
    await asyncio.sleep(IDLE_SPACING)  # every frame CamHub holds is now too old to reuse
    samples = {name: _Samples() for name in cams}
    requests = dict.fromkeys(cams, 0)
    seconds = dict.fromkeys(cams, 0.0)
    for _ in range(count):
        for name, cam in cams.items():
            before, started = await _device_requests(env, device), time.monotonic()
            await _one(env, env.snapshot_url(cam.entity_id), samples[name])
            seconds[name] += time.monotonic() - started
            requests[name] += await _device_requests(env, device) - before
            # The simulator caches the JPEG of the current frame tick: without a gap, whoever
            # asks second gets the first one's render for free.
            await asyncio.sleep(TICK_GAP)
        await asyncio.sleep(IDLE_SPACING)
    # Device requests per second are meaningless here (one per snapshot at most): NaN.
    return [
        _row(name, False, count, IDLE_SPACING, samples[name], requests[name], 0.0) for name in cams
    ]


async def with_stream(
    env: BenchEnv, device: SimDeviceInfo, name: str, cam: Camera, *, count: int, warmup: float
) -> SnapshotRow:
    """`count` snapshots while one viewer watches the same camera."""
    await env.sim.wait_streams_closed()
    viewers = ViewerGroup(env.session, env.stream_url(cam.entity_id), 1, headers=env.auth_headers)
    viewers.start()
    samples = _Samples()
    try:
        await asyncio.sleep(warmup)
        before, started = await _device_requests(env, device), time.monotonic()
        for _ in range(count):
            await _one(env, env.snapshot_url(cam.entity_id), samples)
            await asyncio.sleep(SPACING)
        after, seconds = await _device_requests(env, device), time.monotonic() - started
    finally:
        await viewers.stop()
    return _row(name, True, count, SPACING, samples, after - before, seconds)


async def run(
    env: BenchEnv,
    device: SimDeviceInfo,
    camhub: Camera,
    anchor: Camera,
    *,
    count: int,
    idle_count: int,
    warmup: float,
) -> dict[str, Any]:
    """Both integrations, without a stream (taking turns), then each with its stream."""
    cams = {"camhub": camhub, "generic": anchor}
    rows = await without_stream(env, device, cams, idle_count)
    for name, cam in cams.items():
        rows.append(await with_stream(env, device, name, cam, count=count, warmup=warmup))
    # The simulator answers in ~5 ms; a real camera takes ~100 ms to encode a still.
    await env.sim.set_latency(device.name, SLOW_DEVICE)
    try:
        slow = await without_stream(env, device, cams, max(1, idle_count // 3))
        slow.append(await with_stream(env, device, "camhub", camhub, count=count, warmup=warmup))
    finally:
        await env.sim.set_latency(device.name, 0.0)
    return {
        "slow_device_s": SLOW_DEVICE,
        "slow_rows": [asdict(r) for r in slow],
        "rows": [asdict(r) for r in rows],
        "spacing_s": SPACING,
        "idle_spacing_s": IDLE_SPACING,
    }
