"""Simulated Axis cameras with the CamStreamer apps, for the event and scale scenarios.

Kept apart from `simproc` (which holds the 2N intercoms the fan-out, snapshot and scale
scenarios share) so the CamStreamer part can be switched off (`--axis-events 0 --axis-big 0`)
while that family is being built.

Control routes (on the simproc control API):
- ``POST /axis/{name}/stream/{sid}`` ``{"enabled": bool}``: start or stop a broadcast;
- ``POST /axis/{name}/playlist/{pid}``: switch the CamSwitcher playlist;
each answers ``{"t": <time.time() just before the event was sent>}``.
"""

from __future__ import annotations

import argparse
import time
from typing import Any, Protocol

from aiohttp import web

from simulator import Simulator
from simulator.camstreamer import AxisCamera, SimService, SimStream
from simulator.device import SimDevice


class _Registry(Protocol):
    by_name: dict[str, SimDevice]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Extra device-count flags."""
    parser.add_argument("--axis-events", type=int, default=1, help="Axis cameras, default apps")
    parser.add_argument("--axis-big", type=int, default=1, help="big Axis cameras (scale)")
    parser.add_argument("--big-streams", type=int, default=64)
    parser.add_argument("--big-services", type=int, default=32)
    parser.add_argument("--big-playlists", type=int, default=32)


def make_big(camera: AxisCamera, *, streams: int, services: int, playlists: int) -> AxisCamera:
    """Fill a simulated Axis camera with many streams, overlay services and playlists."""
    camera.streams = {
        str(100 + i): SimStream(
            str(100 + i), title=f"Stream {i + 1}", platform="rtmp", enabled=i % 2 == 0
        )
        for i in range(streams)
    }
    kinds = ("infoticker", "customGraphics", "images")
    camera.services = {
        i + 1: SimService(
            i + 1,
            kinds[i % 3],
            f"Overlay {i + 1}",
            i % 2 == 0,
            source="text" if kinds[i % 3] == "infoticker" else "",
            fields={"field1": "0:0"} if kinds[i % 3] == "customGraphics" else {},
        )
        for i in range(services)
    }
    camera.playlists = {
        f"p{i:08d}-0000-4000-8000-{i:012d}": {
            "niceName": f"Playlist {i + 1}",
            "kind": "camera" if i % 4 == 0 else "playlist",
        }
        for i in range(playlists)
    }
    camera.current_playlist = next(iter(camera.playlists), None)
    camera.available = {pid: True for pid, p in camera.playlists.items() if p["kind"] == "camera"}
    return camera


async def add_devices(sim: Simulator, args: argparse.Namespace) -> list[SimDevice]:
    """The Axis cameras the event and scale scenarios use."""
    devices: list[SimDevice] = []
    for i in range(args.axis_events):
        devices.append(
            await sim.add_axis_camera(name=f"Axis events {i + 1}", serial=f"ACCC8E10{i:04X}")
        )
    for i in range(args.axis_big):
        camera = await sim.add_axis_camera(name=f"Axis big {i + 1}", serial=f"ACCC8E20{i:04X}")
        devices.append(
            make_big(
                camera,
                streams=args.big_streams,
                services=args.big_services,
                playlists=args.big_playlists,
            )
        )
    return devices


def add_routes(app: web.Application, control: _Registry) -> None:
    """Routes that make a simulated Axis camera change state and send its events."""

    def camera(request: web.Request) -> AxisCamera:
        device = control.by_name.get(request.match_info["name"])
        if not isinstance(device, AxisCamera):
            raise web.HTTPNotFound(text=request.match_info["name"])
        return device

    async def stream(request: web.Request) -> web.Response:
        cam = camera(request)
        body: dict[str, Any] = await request.json()
        sid = request.match_info["sid"]
        if sid not in cam.streams:
            raise web.HTTPNotFound(text=sid)
        t = time.time()
        cam.set_stream_enabled(sid, bool(body["enabled"]))
        return web.json_response({"t": t})

    async def playlist(request: web.Request) -> web.Response:
        cam = camera(request)
        pid = request.match_info["pid"]
        if pid not in cam.playlists:
            raise web.HTTPNotFound(text=pid)
        t = time.time()
        cam.switch_playlist(pid)
        return web.json_response({"t": t})

    async def state(request: web.Request) -> web.Response:
        cam = camera(request)
        return web.json_response(
            {
                "streams": {sid: s.enabled for sid, s in cam.streams.items()},
                "playlists": list(cam.playlists),
                "current_playlist": cam.current_playlist,
                "event_sockets": {app: len(s) for app, s in cam.sockets.items()},
                "events_sent": cam.events_sent,
            }
        )

    app.router.add_post("/axis/{name}/stream/{sid}", stream)
    app.router.add_post("/axis/{name}/playlist/{pid}", playlist)
    app.router.add_get("/axis/{name}", state)
