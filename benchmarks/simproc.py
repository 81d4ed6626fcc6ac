"""The simulator in its own process, with a small loopback control API for the benchmark.

Home Assistant, the simulator and the benchmark's viewers each get their own process (and
event loop), so none of them steals the others' loop time and the CPU that is measured is
Home Assistant's alone. The control API lets the benchmark read a device's counters
(upstream streams, requests by path), reset them, and trigger device-side changes.

    python -m benchmarks.simproc --intercoms N [--fps 15]

prints one JSON line ``{"control": port, "devices": [...]}`` once everything listens.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import sys
from typing import Any

from aiohttp import web

from simulator import Simulator
from simulator.device import SimDevice

from . import simext


def device_stats(device: SimDevice) -> dict[str, Any]:
    """The counters of one device as JSON."""
    stats = device.stats
    return {
        "open_streams": stats.open_streams,
        "streams_opened": stats.streams_opened,
        "frames_sent": stats.frames_sent,
        "requests": dict(stats.requests),
    }


class Control:
    """HTTP control API over a running `Simulator`."""

    def __init__(self, sim: Simulator) -> None:
        self.sim = sim
        self.by_name: dict[str, SimDevice] = {}

    def register(self, device: SimDevice) -> None:
        self.by_name[device.name] = device

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/stats", self._all_stats)
        app.router.add_get("/stats/{name}", self._stats)
        app.router.add_post("/reset", self._reset)
        app.router.add_post("/latency/{name}", self._latency)
        simext.add_routes(app, self)
        return app

    def _device(self, request: web.Request) -> SimDevice:
        name = request.match_info["name"]
        if name not in self.by_name:
            raise web.HTTPNotFound(text=name)
        return self.by_name[name]

    async def _stats(self, request: web.Request) -> web.Response:
        return web.json_response(device_stats(self._device(request)))

    async def _all_stats(self, request: web.Request) -> web.Response:
        return web.json_response({n: device_stats(d) for n, d in self.by_name.items()})

    async def _latency(self, request: web.Request) -> web.Response:
        """Make a device slow to answer (a real camera's JPEG encode), or fast again."""
        self._device(request).faults.latency = float((await request.json())["seconds"])
        return web.json_response({"ok": True})

    async def _reset(self, request: web.Request) -> web.Response:
        for device in self.by_name.values():
            device.stats.reset()
        return web.json_response({"ok": True})


async def main(args: argparse.Namespace) -> None:
    """Start the devices and the control API, print where they listen, run until stopped."""
    async with Simulator(fps=args.fps, render_threads=2) as sim:
        control = Control(sim)
        for i in range(args.intercoms):
            device = await sim.add_intercom_2n(
                name=f"Intercom {i + 1}",
                serial=f"54-9000-{i + 1:04d}",
                mac=f"7C:1E:B3:90:{(i + 1) // 256:02X}:{(i + 1) % 256:02X}",
                external_camera=False,
            )
            control.register(device)
        if args.basic_intercom:
            # Same intercom with Basic auth: the core mjpeg camera's other (aiohttp) path.
            basic = await sim.add_intercom_2n(
                name="Intercom basic",
                serial="54-9000-9999",
                mac="7C:1E:B3:90:FF:FF",
                auth="basic",
                external_camera=False,
            )
            control.register(basic)
        for extra in await simext.add_devices(sim, args):
            control.register(extra)
        runner = web.AppRunner(control.app(), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        devices = [d.describe() for d in control.by_name.values()]
        print(json.dumps({"control": port, "devices": devices}), flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        await runner.cleanup()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.simproc")
    parser.add_argument("--intercoms", type=int, default=1)
    parser.add_argument("--fps", type=float, default=15.0)
    parser.add_argument("--basic-intercom", action="store_true", help="one more, Basic auth")
    simext.add_arguments(parser)
    return parser.parse_args(argv)


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main(parse_args(sys.argv[1:])))
