"""Benchmark probe loaded into the benchmark's Home Assistant (never shipped with CamHub).

Some figures can only be taken inside the Home Assistant process: memory added by config
entries (tracemalloc) and the time `async_setup` of an entry takes, without the HTTP and
config-flow overhead around it. This integration exposes exactly that over authenticated
REST views on loopback.
"""

from __future__ import annotations

import asyncio
import gc
import time
import tracemalloc
from typing import Any

from aiohttp import web
from homeassistant.core import HomeAssistant
from homeassistant.helpers.http import KEY_HASS, HomeAssistantView
from homeassistant.helpers.typing import ConfigType

DOMAIN = "camhub_bench"


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the views."""
    hass.http.register_view(MemoryView())
    hass.http.register_view(EntriesView())
    hass.http.register_view(CpuView())
    hass.http.register_view(TasksView())
    hass.http.register_view(WakeView())
    return True


def _traced() -> dict[str, int]:
    gc.collect()
    current, peak = tracemalloc.get_traced_memory()
    return {"current": current, "peak": peak}


class CpuView(HomeAssistantView):
    """GET: CPU seconds of the whole process (all threads), at nanosecond resolution.

    `/proc/<pid>/stat` counts in 10 ms ticks, too coarse for a few hundred frames.
    """

    url = "/api/camhub_bench/cpu"
    name = "api:camhub_bench:cpu"

    async def get(self, request: web.Request) -> web.Response:
        """CLOCK_PROCESS_CPUTIME_ID."""
        return self.json({"cpu": time.process_time()})


class WakeView(HomeAssistantView):
    """POST {"fps", "seconds"}: CPU ms per wake of Home Assistant's loop from idle.

    Sleeps one frame interval at a time on Home Assistant's own loop and divides the process
    CPU by the wakes: what a frame costs Home Assistant before anyone reads it (the same
    wake `benchmarks/wakefloor.py` measures in a bare process). Includes the idle CPU of
    the window, which the fan-out report gives separately.
    """

    url = "/api/camhub_bench/wake"
    name = "api:camhub_bench:wake"

    async def post(self, request: web.Request) -> web.Response:
        """Run the wakes, answer with the figure."""
        body = await request.json()
        interval = 1 / float(body["fps"])
        wakes = max(1, round(float(body["seconds"]) / interval))
        cpu0 = time.process_time()
        for _ in range(wakes):
            await asyncio.sleep(interval)
        return self.json({"wakes": wakes, "ms": (time.process_time() - cpu0) / wakes * 1000})


class TasksView(HomeAssistantView):
    """GET: the number of asyncio tasks, and those running CamHub code (for the soak)."""

    url = "/api/camhub_bench/tasks"
    name = "api:camhub_bench:tasks"

    async def get(self, request: web.Request) -> web.Response:
        """All tasks but this request's own; CamHub's by the file their coroutine runs."""
        current = asyncio.current_task()
        tasks = [t for t in asyncio.all_tasks() if t is not current]
        camhub = []
        for task in tasks:
            code = getattr(task.get_coro(), "cr_code", None)
            filename = code.co_filename if code is not None else ""
            if "custom_components/camhub" in filename or "camhub" in task.get_name():
                camhub.append(task.get_name())
        return self.json({"total": len(tasks), "camhub": sorted(camhub)})


class MemoryView(HomeAssistantView):
    """POST {"action": "start" | "measure" | "stop"}: tracemalloc's traced memory."""

    url = "/api/camhub_bench/tracemalloc"
    name = "api:camhub_bench:tracemalloc"

    async def post(self, request: web.Request) -> web.Response:
        """Start, read or stop tracing."""
        action = (await request.json())["action"]
        if action == "start":
            tracemalloc.start()
        result = _traced()
        if action == "stop":
            tracemalloc.stop()
        return self.json(result)


class EntriesView(HomeAssistantView):
    """POST {"action": "setup" | "unload", "entry_ids": [...], "concurrent": bool}.

    Answers each entry's duration (seconds) and the wall time of the whole batch.
    """

    url = "/api/camhub_bench/entries"
    name = "api:camhub_bench:entries"

    async def post(self, request: web.Request) -> web.Response:
        """Set up or unload entries, timing each."""
        hass = request.app[KEY_HASS]
        body: dict[str, Any] = await request.json()
        entries = hass.config_entries
        action = entries.async_setup if body["action"] == "setup" else entries.async_unload

        async def timed(entry_id: str) -> tuple[str, float, bool]:
            started = time.perf_counter()
            ok = await action(entry_id)
            return entry_id, time.perf_counter() - started, bool(ok)

        started = time.perf_counter()
        if body.get("concurrent", True):
            results = await asyncio.gather(*(timed(e) for e in body["entry_ids"]))
        else:
            results = [await timed(e) for e in body["entry_ids"]]
        wall = time.perf_counter() - started
        return self.json(
            {
                "wall": wall,
                "each": {e: t for e, t, _ in results},
                "failed": [e for e, _, ok in results if not ok],
            }
        )
