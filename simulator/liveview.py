"""Camera Remote live-view server: a REST server in front of Sony cameras, with a WebSocket.

Modelled on the server's OpenAPI spec (vendor-docs/camera-remote-alpha-openapi.yaml) and the
seed doc (camera-remote-liveview.txt): `{success, message}` envelopes (HTTP 400 for refused
operations, 404 for an unknown camera or "no frame yet"), status flags as the strings
"true"/"false" (or booleans with `string_status=False`), the cameras list, server status,
connection, priority key, `af-shutter`, `movie-rec`, properties, zoom and focus near/far (the
camera's settings: `liveview_camera.py`), server-sent events per camera, and `/ws`:
one camera per socket, frames (~15 fps, the clock rate) only to the socket that started live
view, text messages as JSON notices. No authentication, like the real server.

The `/ws` sessions (commands, notices, frames) live in liveview_ws.py.
"""

from __future__ import annotations

import asyncio
import json
import time
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypedDict

from aiohttp import WSMsgType, web

from . import liveview_camera as shooting
from .device import SimDevice
from .frames import FrameClock
from .liveview_camera import CameraRefused, SimProperty, SimSettings
from .liveview_ws import HEIGHT, WIDTH, WsSession

KEEPALIVE = 30.0  # seconds between SSE keepalive comments, as the real server


@dataclass
class SimCamera:
    """One camera behind the server; tests flip its fields to change what the server says."""

    id: str
    model: str = "ILCE-7M4"
    connection_type: str = "USB"
    connected: bool = True
    osd_supported: bool = True
    connectable: bool = True  # False: the SDK connect fails (camera busy elsewhere)
    movie_supported: bool = True
    priority_key: str = "pc-remote"
    live_view_enabled: bool = False
    rest_streaming: bool = False  # started by live-view/start
    osd_enabled: bool = False
    recording: bool = False
    photos: int = 0  # af-shutter presses that took a picture
    settings: SimSettings = field(default_factory=SimSettings)  # properties (liveview_camera)
    ws_viewers: set[int] = field(default_factory=set)  # sockets subscribed to this camera

    @property
    def streaming(self) -> bool:
        """Capturing frames: started over REST or by a WebSocket subscriber."""
        return self.connected and (self.rest_streaming or bool(self.ws_viewers))


class LiveViewServerOptions(TypedDict, total=False):
    """Keyword arguments of `LiveViewServer` (and `Simulator.add_liveview`)."""

    name: str
    cameras: list[SimCamera]
    string_status: bool
    websocket: bool
    port: int


def envelope(success: bool, message: str = "", **extra: Any) -> dict[str, Any]:
    """The server's response envelope."""
    body: dict[str, Any] = {"success": success}
    if message:
        body["message"] = message
    body.update(extra)
    return body


class LiveViewServer(SimDevice):
    """A live-view server with any number of cameras."""

    family: ClassVar[str] = "liveview"

    def __init__(
        self,
        *,
        name: str = "Camera Remote server",
        cameras: list[SimCamera] | None = None,
        string_status: bool = True,
        websocket: bool = True,
        port: int = 0,
        clock: FrameClock | None = None,
        executor: Executor | None = None,
    ) -> None:
        super().__init__(name, port=port, auth=None, clock=clock, executor=executor)
        default = [SimCamera("D10F60149B0C")]
        self.cameras: dict[str, SimCamera] = {c.id: c for c in (cameras or default)}
        self.string_status = string_status
        self.websocket = websocket
        self.version = "3.0.0"  # the server's version; tests change it as an upgrade would
        self.keepalive = KEEPALIVE
        self.started_at = time.monotonic()
        self.ws_opened = 0  # WebSockets ever accepted
        self.ws_open = 0  # WebSockets open now
        self.ws_frames_sent = 0
        self._subscribers: dict[str, list[asyncio.Queue[tuple[str, dict[str, Any]]]]] = {}
        self._next_socket = 0

    # --- for tests -------------------------------------------------------------------------

    def add_camera(self, camera: SimCamera) -> SimCamera:
        """A camera appears in the list (plugged in, found on the network)."""
        self.cameras[camera.id] = camera
        if camera.connected:
            self.emit(camera.id, "connected", self._camera_json(camera))
        return camera

    def set_connected(self, camera_id: str, connected: bool) -> None:
        """The camera connects or drops (cable pulled, powered off)."""
        camera = self.cameras[camera_id]
        camera.connected = connected
        if connected:
            self.emit(camera_id, "connected", self._camera_json(camera))
        else:
            camera.rest_streaming = False
            self.emit(camera_id, "disconnected", {"cameraId": camera_id, "reason": "lost"})

    def emit(self, camera_id: str, name: str, data: dict[str, Any]) -> None:
        """Send a server-sent event to every subscriber of the camera."""
        for queue in self._subscribers.get(camera_id, []):
            queue.put_nowait((name, data))

    def describe(self) -> dict[str, Any]:
        """CLI line: no credentials (the server has none), the camera ids."""
        return {**super().describe(), "cameras": list(self.cameras)}

    # --- wiring -----------------------------------------------------------------------------

    def setup_routes(self, app: web.Application) -> None:
        """The REST API subset, SSE and (unless disabled) the WebSocket."""
        r = app.router
        r.add_get("/api/server/status", self._server_status)
        r.add_get("/api/cameras", self._list)
        base = "/api/cameras/{id}"
        r.add_route("*", base + "/connection", self._connection)
        r.add_route("*", base + "/priority-key", self._priority_key)
        r.add_route("*", base + "/properties/{name}", self._property)
        r.add_post(base + "/actions/{action}", self._action)
        r.add_route("*", base + "/live-view/{op}", self._live_view)
        r.add_get(base + "/events", self._events)
        if self.websocket:
            r.add_get("/ws", self._ws)

    def error_response(self, status: int, message: str) -> web.Response:
        """Every error as `{success: false, message}`."""
        return web.json_response(envelope(False, message), status=status)

    def _flag(self, value: bool) -> bool | str:
        """Status values as the server formats them: strings by default."""
        return ("true" if value else "false") if self.string_status else value

    def _camera_json(self, camera: SimCamera) -> dict[str, Any]:
        return {"id": camera.id, "model": camera.model, "connected": camera.connected}

    def _camera(self, request: web.Request, *, connected: bool = True) -> SimCamera:
        camera = self.cameras.get(request.match_info["id"])
        if camera is None:
            raise CameraRefused("Camera not found", 404)
        if connected and not camera.connected:
            raise CameraRefused("Camera not connected")
        return camera

    def changed(self, camera: SimCamera, *codes: str) -> None:
        self.emit(camera.id, "propertyChanged", {"cameraId": camera.id, "codes": list(codes)})

    @staticmethod
    async def _answer(handler: Any) -> web.Response:
        try:
            result: dict[str, Any] = await handler()
        except CameraRefused as err:
            return web.json_response(envelope(False, err.message), status=err.status)
        return web.json_response(result)

    # --- server and connection --------------------------------------------------------------

    async def _server_status(self, request: web.Request) -> web.Response:
        connected = sum(c.connected for c in self.cameras.values())
        return web.json_response(
            {
                "success": True,
                "server": {
                    "version": self.version,
                    "sdkVersion": "V2.02.00",
                    "uptime": int(time.monotonic() - self.started_at),
                    "platform": "linux-x64",
                },
                "cameras": {"connected": connected, "discovered": len(self.cameras)},
            }
        )

    async def _list(self, request: web.Request) -> web.Response:
        cameras = [
            {
                "id": c.id,
                "model": c.model,
                "connectionType": c.connection_type,
                "connected": c.connected,
            }
            for c in self.cameras.values()
        ]
        return web.json_response({"success": True, "cameras": cameras})

    async def _connection(self, request: web.Request) -> web.StreamResponse:
        async def handle() -> dict[str, Any]:
            camera = self._camera(request, connected=False)
            if request.method == "GET":
                data = {"mode": "remote"} if camera.connected else None
                return envelope(True, camera=self._camera_json(camera), data=data)
            if request.method == "POST":
                body = await _json_body(request)
                if body.get("mode", "remote") not in ("remote", "remote-transfer", "contents"):
                    raise CameraRefused("Invalid connection mode")
                if camera.connected:
                    raise CameraRefused("Camera already connected")
                if not camera.connectable:
                    raise CameraRefused("SDK connect failed (0x8215)")
                self.set_connected(camera.id, True)
                return envelope(True, "Camera connected", camera=self._camera_json(camera))
            if request.method == "DELETE":
                self.set_connected(camera.id, False)
                return envelope(True, "Camera disconnected", camera=self._camera_json(camera))
            raise CameraRefused("Method not allowed. Use POST, DELETE, or GET.", 405)

        return await self._answer(handle)

    async def _priority_key(self, request: web.Request) -> web.StreamResponse:
        async def handle() -> dict[str, Any]:
            camera = self._camera(request)
            if request.method == "PUT":
                setting = (await _json_body(request)).get("setting")
                if setting not in ("pc-remote", "camera-position"):
                    raise CameraRefused("Invalid priority key setting")
                before = self.properties(camera)
                camera.priority_key = setting
                self._announce(camera, before)
                return envelope(True, "Priority key set")
            return envelope(True, data={"setting": camera.priority_key, "rawValue": "0x1"})

        return await self._answer(handle)

    def properties(self, camera: SimCamera) -> dict[str, SimProperty]:
        """The camera's properties now (`liveview_camera`: settings that depend on each other)."""
        recording = camera.recording if camera.movie_supported else None
        return shooting.camera_properties(
            camera.settings, camera.priority_key == "pc-remote", recording
        )

    async def _property(self, request: web.Request) -> web.StreamResponse:
        async def handle() -> dict[str, Any]:
            camera = self._camera(request)
            name = request.match_info["name"]
            before = self.properties(camera)
            if request.method == "GET":
                return envelope(True, data=shooting.answer_property(before, name, self._flag))
            if request.method != "PUT":
                raise CameraRefused("Method not allowed. Use GET or PUT.", 405)
            body = await _json_body(request)
            shooting.put_property(before, camera.settings, name, body)
            self._announce(camera, before)
            return envelope(True, f"Property '{name}' set")

        return await self._answer(handle)

    def _announce(self, camera: SimCamera, before: dict[str, SimProperty]) -> None:
        """A `propertyChanged` event naming every property whose value, flag or list moved."""
        if codes := shooting.changed_codes(before, self.properties(camera)):
            self.changed(camera, *codes)

    # --- actions ----------------------------------------------------------------------------

    async def _action(self, request: web.Request) -> web.StreamResponse:
        async def handle() -> dict[str, Any]:
            camera = self._camera(request)
            action = request.match_info["action"]
            motors = {"zoom": shooting.zoom, "focus-near-far": shooting.focus_near_far}
            if action not in ("af-shutter", "movie-rec", *motors):
                raise CameraRefused(f"Unknown action: {action}", 404)
            if camera.priority_key != "pc-remote":
                raise CameraRefused("Priority key must be set to pc-remote")
            if action in motors:
                before = self.properties(camera)
                motors[action](camera.settings, await _json_body(request))
                self._announce(camera, before)
                return envelope(True, f"{action} executed")
            if action == "af-shutter":
                if camera.settings.focus_mode == shooting.MF:
                    raise CameraRefused("AF + shutter needs an AF focus mode (focus_mode_not_af)")
                camera.photos += 1
                return envelope(True, "AF + shutter executed")
            if not camera.movie_supported:
                raise CameraRefused("Camera is not in a movie shooting mode")
            camera.recording = not camera.recording
            self.changed(camera, "recording-state")
            return envelope(True, "Movie recording toggled")

        return await self._answer(handle)

    # --- live view --------------------------------------------------------------------------

    async def _live_view(self, request: web.Request) -> web.StreamResponse:
        op = request.match_info["op"]
        try:
            camera = self._camera(request)
            if op in ("frame", "osd-frame") and request.method == "GET":
                return await self._frame(camera, osd=op == "osd-frame")
            if op in ("status", "osd-status") and request.method == "GET":
                return web.json_response(self._status(camera, osd=op == "osd-status"))
            if request.method != "POST":
                raise CameraRefused("Method not allowed", 405)
            message = self._control(camera, op)
        except CameraRefused as err:
            return web.json_response(envelope(False, err.message), status=err.status)
        return web.json_response(envelope(True, message))

    def _status(self, camera: SimCamera, *, osd: bool) -> dict[str, Any]:
        if osd:
            data = {
                "supported": self._flag(camera.osd_supported),
                "enabled": self._flag(camera.osd_enabled),
            }
        else:
            data = {
                "enabled": self._flag(camera.live_view_enabled),
                "streaming": self._flag(camera.streaming),
            }
        return envelope(True, data=data)

    def _control(self, camera: SimCamera, op: str) -> str:
        """A POST to live-view/<op>: change the camera, announce it, return the message."""
        if op in ("osd-enable", "osd-disable"):
            if not camera.osd_supported:
                raise CameraRefused("OSD is not supported on this camera")
            camera.osd_enabled = op == "osd-enable"
            self.changed(camera, "osd")
            return f"OSD {'enabled' if camera.osd_enabled else 'disabled'}"
        if op == "enable":
            camera.live_view_enabled = True
        elif op == "disable":
            camera.live_view_enabled = False
            camera.rest_streaming = False
        elif op == "start":
            camera.live_view_enabled = True  # auto-enables, as the server does
            camera.rest_streaming = True
        elif op == "stop":
            camera.rest_streaming = False
        else:
            raise CameraRefused(f"Unknown live view operation: {op}", 404)
        self.changed(camera, "live-view")
        return f"Live view {op} done"

    async def _frame(self, camera: SimCamera, *, osd: bool) -> web.Response:
        if not camera.streaming:
            raise CameraRefused("No frame available. Start live view streaming first.", 404)
        if osd and not (camera.osd_supported and camera.osd_enabled):
            raise CameraRefused("No OSD frame available. Enable OSD first.", 404)
        source = f"{camera.id}/osd" if osd else camera.id
        jpeg = await self.renderer(source, WIDTH, HEIGHT).frame()
        return web.Response(body=jpeg, content_type="image/jpeg")

    # --- server-sent events -----------------------------------------------------------------

    async def _events(self, request: web.Request) -> web.StreamResponse:
        try:
            camera = self._camera(request, connected=False)
        except CameraRefused as err:
            return web.json_response(envelope(False, err.message), status=err.status)
        resp = web.StreamResponse(
            headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
        )
        queue: asyncio.Queue[tuple[str, dict[str, Any]]] = asyncio.Queue()
        subscribers = self._subscribers.setdefault(camera.id, [])
        subscribers.append(queue)
        with self.track_stream():
            try:
                await resp.prepare(request)
                await resp.write(_sse("connected", {"cameraId": camera.id}))
                while True:
                    try:
                        async with asyncio.timeout(self.keepalive):
                            name, data = await queue.get()
                    except TimeoutError:
                        await resp.write(b": keepalive\n\n")
                        continue
                    await resp.write(_sse(name, data))
            except ConnectionError:
                pass
            finally:
                subscribers.remove(queue)
        return resp

    # --- WebSocket --------------------------------------------------------------------------

    async def _ws(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(max_msg_size=64 * 1024)
        await ws.prepare(request)
        self._next_socket += 1
        socket_id = self._next_socket
        self.ws_opened += 1
        self.ws_open += 1
        session = WsSession(self, ws, socket_id)
        try:
            async for msg in ws:
                if msg.type is WSMsgType.TEXT:
                    await session.command(str(msg.data))
        finally:
            await session.stop()
            self.ws_open -= 1
        return ws


def _sse(name: str, data: dict[str, Any]) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data)}\n\n".encode()


async def _json_body(request: web.Request) -> dict[str, Any]:
    if not request.body_exists:
        return {}
    try:
        body = await request.json()
    except ValueError:
        raise CameraRefused("Failed to parse JSON body") from None
    if not isinstance(body, dict):
        raise CameraRefused("JSON body must be an object")
    return body
