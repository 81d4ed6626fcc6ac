"""Scenario 4: many entries, CamHub vs the core `mjpeg` camera, and one very big CamHub entry.

- N simulated 2N intercoms (50 by default), each a config entry of CamHub and, separately,
  of the core `mjpeg` camera, created through the real config flows. Inside the Home
  Assistant process (the benchmark probe), the entries are unloaded and set up again, 10 and
  then all N at once, to time `async_setup` without HTTP around it, and once more under
  tracemalloc for the memory each entry adds; the cost per entry of the first 10 and of the
  rest shows whether it grows linearly.
- One simulated Axis camera with 64 CamStreamer streams, 32 CamOverlay services and 32
  CamSwitcher playlists (several hundred entities): setup time of its entry and its memory.
- With nobody watching, the requests the devices receive per minute, with only one
  integration's entries loaded at a time.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from typing import Any

from .env import BenchEnv, SimDeviceInfo
from .stats import median, percentile

FIRST_BATCH = 10
SETTLE = 5.0  # seconds between the last setup and an idle window


async def create_entries(
    env: BenchEnv, devices: list[SimDeviceInfo], integration: str
) -> tuple[list[str], list[float]]:
    """One entry per device through the config flow; entry ids and flow durations."""
    entry_ids, durations = [], []
    for i, device in enumerate(devices):
        started = time.perf_counter()
        if integration == "camhub":
            cam = await env.add_camhub(device, options=False)
        else:
            cam = await env.add_mjpeg(device, f"Scale MJPEG {i + 1}")
        durations.append(time.perf_counter() - started)
        entry_ids.append(cam.entry_id)
    return entry_ids, durations


async def _entries(env: BenchEnv, action: str, entry_ids: list[str]) -> dict[str, Any]:
    result: dict[str, Any] = await env.client.post(
        "/api/camhub_bench/entries", {"action": action, "entry_ids": entry_ids, "concurrent": True}
    )
    if result["failed"]:
        raise RuntimeError(f"{action} failed for {result['failed']}")
    return result


async def _traced(env: BenchEnv, action: str) -> int:
    result = await env.client.post("/api/camhub_bench/tracemalloc", {"action": action})
    return int(result["current"])


async def setup_and_memory(env: BenchEnv, entry_ids: list[str]) -> dict[str, Any]:
    """Setup wall times for 10 and for all entries, and tracemalloc bytes per entry."""
    first = entry_ids[:FIRST_BATCH]
    await _entries(env, "unload", entry_ids)
    small = await _entries(env, "setup", first)
    await _entries(env, "unload", first)
    full = await _entries(env, "setup", entry_ids)
    await _entries(env, "unload", entry_ids)
    await asyncio.sleep(1)
    base = await _traced(env, "start")
    await _entries(env, "setup", first)
    after_first = await _traced(env, "measure")
    await _entries(env, "setup", entry_ids[FIRST_BATCH:])
    after_all = await _traced(env, "stop")
    rest = len(entry_ids) - len(first)
    each = list(full["each"].values())
    return {
        "entries": len(entry_ids),
        "setup_wall_first_s": small["wall"],
        "setup_wall_all_s": full["wall"],
        "setup_entry_p50_ms": median(each) * 1000,
        "setup_entry_max_ms": max(each) * 1000,
        "memory_first_bytes": after_first - base,
        "memory_all_bytes": after_all - base,
        "memory_per_entry_first_kib": (after_first - base) / len(first) / 1024,
        "memory_per_entry_rest_kib": (after_all - after_first) / max(1, rest) / 1024,
    }


async def idle_requests(
    env: BenchEnv, devices: list[SimDeviceInfo], seconds: float
) -> dict[str, Any]:
    """Requests per minute the devices get while nobody watches (per device kind).

    The window opens a few seconds after the last setup, once event channels are connected.
    """
    await asyncio.sleep(min(SETTLE, seconds))
    await env.sim.reset()
    await asyncio.sleep(seconds)
    stats = await env.sim.stats()
    result: dict[str, Any] = {"window_s": seconds}
    for family in sorted({d.family for d in devices}):
        members = [d for d in devices if d.family == family]
        paths: Counter[str] = Counter()
        for device in members:
            paths.update(stats[device.name]["requests"])
        total = sum(paths.values())
        result[family] = {
            "devices": len(members),
            "requests": total,
            "per_minute": total * 60 / seconds,
            "per_minute_per_device": total * 60 / seconds / len(members),
            "by_path": dict(paths),
        }
    return result


async def big_entry(env: BenchEnv, device: SimDeviceInfo) -> dict[str, Any]:
    """The big Axis camera: flow time, entities, setup time (3 times) and memory."""
    started = time.perf_counter()
    cam = await env.add_camhub(device, options=False)
    flow = time.perf_counter() - started
    await asyncio.sleep(2)
    entities = await env.client.entities_of(cam.entry_id)
    setups = []
    for _ in range(3):
        await _entries(env, "unload", [cam.entry_id])
        setups.append((await _entries(env, "setup", [cam.entry_id]))["wall"])
    await _entries(env, "unload", [cam.entry_id])
    await asyncio.sleep(1)
    base = await _traced(env, "start")
    await _entries(env, "setup", [cam.entry_id])
    after = await _traced(env, "stop")
    return {
        "entry_id": cam.entry_id,
        "entities": len(entities),
        "flow_s": flow,
        "setup_s": setups,
        "setup_median_s": median(setups),
        "memory_kib": (after - base) / 1024,
        "memory_per_entity_kib": (after - base) / 1024 / max(1, len(entities)),
    }


async def run(
    env: BenchEnv, devices: list[SimDeviceInfo], big: list[SimDeviceInfo], *, idle: float
) -> dict[str, Any]:
    """CamHub's entries (2N intercoms and the big Axis), then the core mjpeg ones.

    Each integration's idle requests are counted while only its own entries are loaded.
    """
    result: dict[str, Any] = {"devices": len(devices)}
    camhub_ids, camhub_flows = await create_entries(env, devices, "camhub")
    if big:
        try:
            result["axis"] = await big_entry(env, big[0])
        except Exception as err:  # CamStreamer still being built: report, go on with 2N
            result["axis"] = {"missing": f"{type(err).__name__}: {err}"}
            big = []
    result["camhub_idle"] = await idle_requests(env, devices + big, idle)
    measured = await setup_and_memory(env, camhub_ids)
    measured["flow_p50_ms"] = median(camhub_flows) * 1000
    measured["flow_p95_ms"] = percentile(camhub_flows, 95) * 1000
    result["camhub"] = measured
    await _entries(env, "unload", camhub_ids + ([result["axis"]["entry_id"]] if big else []))
    mjpeg_ids, mjpeg_flows = await create_entries(env, devices, "mjpeg")
    result["mjpeg_idle"] = await idle_requests(env, devices, idle)
    measured = await setup_and_memory(env, mjpeg_ids)
    measured["flow_p50_ms"] = median(mjpeg_flows) * 1000
    measured["flow_p95_ms"] = percentile(mjpeg_flows, 95) * 1000
    result["mjpeg"] = measured
    await _entries(env, "unload", mjpeg_ids)
    return result
