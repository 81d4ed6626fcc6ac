"""The live-view server's `/ws` clients: one camera per socket, frames only while subscribed.

A client sends JSON commands (`start_liveview` with a `cameraId`, `stop_liveview`) and gets
JSON notices back (`status`, `error`); after a start the socket receives the camera's JPEG
frames at the clock rate, each slot's frame shared with every other viewer, until it stops,
closes or the camera disconnects. Split out of liveview.py, which accepts the socket and
counts it; the frame size lives here because both the socket and `live-view/frame` use it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import time
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from .liveview import LiveViewServer, SimCamera

WIDTH, HEIGHT = 640, 480


class WsSession:
    """One WebSocket client: at most one camera, frames only while it is subscribed."""

    def __init__(self, server: LiveViewServer, ws: web.WebSocketResponse, socket_id: int):
        self.server = server
        self.ws = ws
        self.socket_id = socket_id
        self.camera: SimCamera | None = None
        self._sender: asyncio.Task[None] | None = None

    async def notice(self, kind: str, message: str, **extra: Any) -> None:
        with contextlib.suppress(ConnectionError, RuntimeError):
            await self.ws.send_str(json.dumps({"type": kind, "message": message, **extra}))

    async def command(self, text: str) -> None:
        try:
            command = json.loads(text)
        except ValueError:
            await self.notice("error", "Invalid JSON command")
            return
        action = command.get("action") if isinstance(command, dict) else None
        if action == "start_liveview":
            await self.start(str(command.get("cameraId") or ""))
        elif action == "stop_liveview":
            await self.stop()
            await self.notice("status", "Live view stopped")
        else:
            await self.notice("error", f"Unknown action: {action}")

    async def start(self, camera_id: str) -> None:
        camera = self.server.cameras.get(camera_id)
        if camera is None or not camera.connected:
            await self.notice("error", f"Camera {camera_id} not connected", cameraId=camera_id)
            return
        if self.camera is not None and self.camera is not camera:
            await self.notice("error", "This socket already streams another camera")
            return
        if self.camera is None:
            self.camera = camera
            camera.live_view_enabled = True  # auto-enable, as live-view/start does
            camera.ws_viewers.add(self.socket_id)
            self.server.changed(camera, "live-view")
            self._sender = asyncio.get_running_loop().create_task(self._send_frames(camera))
        await self.notice("status", "Live view started", cameraId=camera_id)

    async def stop(self) -> None:
        camera, self.camera = self.camera, None
        sender, self._sender = self._sender, None
        if sender is not None:
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sender
        if camera is not None:
            camera.ws_viewers.discard(self.socket_id)
            self.server.changed(camera, "live-view")

    async def _send_frames(self, camera: SimCamera) -> None:
        """Frames at the clock rate, each slot's tick, shared with every other viewer."""
        server = self.server
        renderer = server.renderer(camera.id, WIDTH, HEIGHT)
        clock = renderer.clock
        slot = math.floor(clock.slot_now(clock.hz))
        while True:
            if not camera.connected:
                camera.ws_viewers.discard(self.socket_id)
                self.camera = None
                await self.notice("error", "Camera disconnected", cameraId=camera.id)
                return
            jpeg = await renderer.frame(clock.slot_tick(slot, clock.hz))
            try:
                await self.ws.send_bytes(jpeg)
            except (ConnectionError, RuntimeError):
                return
            server.ws_frames_sent += 1
            slot = max(slot + 1, math.ceil(clock.slot_now(clock.hz)))
            await asyncio.sleep(max(0.0, clock.slot_time(slot, clock.hz) - time.time()))
