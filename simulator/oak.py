"""Robopipe controller with Luxonis OAK cameras: the `/cameras/...` part of its REST API.

Follows the real server's OpenAPI spec (vendor-docs/oak-robopipe-openapi.yml): FastAPI error
bodies (404 `{"detail": "Camera not found"}`, 422 HTTPValidationError with `loc`/`msg`/`type`),
path patterns, the spec's ranges and enums, and the server's habits: `GET .../control`
answers placeholders for exposure time, ISO and manual white balance (it cannot read them
back), a depth stream and its two mono sensors are never active together, and a camera that is
shut down (`DELETE /cameras/{mxid}/`) has no streams until it is booted again (`POST`).
No authentication.

The camera model lives in oak_camera.py, the config and control validation in
oak_settings.py, the controller's own I/O in oak_io.py; this module is the controller and its
`/cameras/...` routes, and re-exports the names imported from here.
"""

from __future__ import annotations

import io
from concurrent.futures import Executor
from typing import Any, ClassVar, TypedDict

from aiohttp import web
from PIL import Image

from .device import SimDevice
from .fastapi import (
    Answer,
    ValidationFailed,
    detail_response,
    error,
    guard,
    number_in,
)
from .frames import FrameClock
from .oak_camera import (
    AF_MODES,
    AWB_MODES,
    BOOLS,
    COLOR_ONLY,
    COLOR_RESOLUTIONS,
    INT_RANGES,
    LARGE_MAX_FPS,
    LARGE_RESOLUTIONS,
    MONO_RESOLUTIONS,
    MXID_RE,
    PLACEHOLDERS,
    RENDER_WIDTH,
    STREAM_RE,
    SimOakCamera,
    SimStream,
)
from .oak_io import SimControllerIO
from .oak_settings import apply_config, apply_control

__all__ = [
    "AF_MODES",
    "AWB_MODES",
    "BOOLS",
    "COLOR_ONLY",
    "COLOR_RESOLUTIONS",
    "INT_RANGES",
    "LARGE_MAX_FPS",
    "LARGE_RESOLUTIONS",
    "MONO_RESOLUTIONS",
    "MXID_RE",
    "PLACEHOLDERS",
    "RENDER_WIDTH",
    "STREAM_RE",
    "OakController",
    "OakControllerOptions",
    "SimOakCamera",
    "SimStream",
]


class OakControllerOptions(TypedDict, total=False):
    """Keyword arguments of `OakController` (and `Simulator.add_oak`)."""

    name: str
    cameras: list[SimOakCamera]
    port: int
    controller_io: bool


class OakController(SimDevice):
    """A Robopipe controller serving OAK cameras."""

    family: ClassVar[str] = "oak"

    def __init__(
        self,
        *,
        name: str = "Robopipe controller",
        cameras: list[SimOakCamera] | None = None,
        port: int = 0,
        controller_io: bool = True,
        clock: FrameClock | None = None,
        executor: Executor | None = None,
    ) -> None:
        super().__init__(name, port=port, auth=None, clock=clock, executor=executor)
        self.io: SimControllerIO | None = SimControllerIO() if controller_io else None
        """The controller's own I/O; None for a Robopipe server without one (404s)."""
        if cameras is None:
            cameras = [SimOakCamera("18443010D1E8AB1200", name="OAK-D-PRO", stereo=True, ir=True)]
        self.cameras: dict[str, SimOakCamera] = {c.mxid: c for c in cameras}

    def describe(self) -> dict[str, Any]:
        """CLI line: no credentials; the cameras' mxids."""
        return {**super().describe(), "cameras": list(self.cameras)}

    def add_camera(self, camera: SimOakCamera) -> None:
        """Plug a camera in."""
        self.cameras[camera.mxid] = camera

    def remove_camera(self, mxid: str) -> None:
        """Unplug a camera."""
        del self.cameras[mxid]

    def error_response(self, status: int, message: str) -> web.Response:
        """FastAPI's `{"detail": ...}`."""
        return detail_response(status, message)

    def setup_routes(self, app: web.Application) -> None:
        """The `/cameras/...` routes of the spec, and `/controller/...` where it has I/O."""
        r = app.router
        r.add_get("/cameras/", self._list)
        r.add_route("*", "/cameras/{mxid}/", self._camera)
        r.add_get("/cameras/{mxid}/stats", self._stats)
        r.add_route("*", "/cameras/{mxid}/ir", self._ir)
        r.add_get("/cameras/{mxid}/streams/", self._streams)
        r.add_route("*", "/cameras/{mxid}/streams/{stream}/", self._activation)
        r.add_route("*", "/cameras/{mxid}/streams/{stream}/config", self._config)
        r.add_route("*", "/cameras/{mxid}/streams/{stream}/control", self._control)
        r.add_get("/cameras/{mxid}/streams/{stream}/still", self._still)
        if self.io is not None:
            self.io.setup_routes(app)

    # --- lookups (raise web responses as exceptions) -----------------------------------

    def _lookup(self, request: web.Request, *, running: bool = True) -> SimOakCamera:
        mxid = request.match_info["mxid"]
        if not MXID_RE.fullmatch(mxid):
            raise ValidationFailed(
                [error(["path", "mxid"], "String should match pattern '[A-Z0-9]+'", "pattern")]
            )
        camera = self.cameras.get(mxid)
        if camera is None or (running and not camera.running):
            raise Answer(detail_response(404, "Camera not found"))
        return camera

    def _lookup_stream(self, request: web.Request) -> tuple[SimOakCamera, SimStream]:
        name = request.match_info["stream"]
        errors = []
        if not STREAM_RE.fullmatch(name):
            errors.append(
                error(
                    ["path", "stream_name"],
                    "String should match pattern 'CAM_[A-H]|DEPTH_[A-H]_[A-H]'",
                    "string_pattern_mismatch",
                )
            )
        if not MXID_RE.fullmatch(request.match_info["mxid"]):
            errors.append(
                error(["path", "mxid"], "String should match pattern '[A-Z0-9]+'", "pattern")
            )
        if errors:
            raise ValidationFailed(errors)
        camera = self._lookup(request)
        stream = camera.streams.get(name)
        if stream is None:
            raise Answer(detail_response(404, "Stream not found"))
        return camera, stream

    async def _json_body(self, request: web.Request) -> Any:
        try:
            return await request.json()
        except ValueError:
            raise ValidationFailed([error(["body"], "JSON decode error", "json_invalid")]) from None

    # --- handlers ------------------------------------------------------------------------

    async def _list(self, request: web.Request) -> web.Response:
        return web.json_response([c.info() for c in self.cameras.values()])

    async def _camera(self, request: web.Request) -> web.StreamResponse:
        return await guard(self._camera_impl, request)

    async def _camera_impl(self, request: web.Request) -> web.Response:
        camera = self._lookup(request, running=False)
        if request.method == "POST":
            camera.running = True
        elif request.method == "DELETE":
            camera.running = False
        elif request.method != "GET":
            return detail_response(405, "Method Not Allowed")
        return web.json_response(camera.info())

    async def _stats(self, request: web.Request) -> web.StreamResponse:
        async def impl(request: web.Request) -> web.Response:
            camera = self._lookup(request)
            t = camera.temperature
            memory = {"total": 536870912, "used": 134217728, "remaining": 402653184}
            cmx = {"total": 2097152, "used": 1048576, "remaining": 1048576}
            return web.json_response(
                {
                    "chip_temperature": {
                        "average": t,
                        "css": t + 1.5,
                        "dss": t - 0.5,
                        "mss": t + 0.5,
                        "upa": t - 1.0,
                    },
                    "cmx_memory_usage": cmx,
                    "ddr_memory_usage": memory,
                }
            )

        return await guard(impl, request)

    async def _ir(self, request: web.Request) -> web.StreamResponse:
        async def impl(request: web.Request) -> web.Response:
            camera = self._lookup(request)
            if request.method == "POST":
                body = await self._json_body(request)
                if not isinstance(body, dict):
                    raise ValidationFailed([error(["body"], "Input should be an object", "dict")])
                errors = [
                    error(["body", key], "Input should be between 0.0 and 1.0", "range")
                    for key in ("flood_light", "dot_projector")
                    if not number_in(body.get(key, 0.0), 0.0, 1.0)
                ]
                if errors:
                    raise ValidationFailed(errors)
                if camera.ir is not None:  # the model's defaults: a missing value is 0.0
                    camera.ir = {
                        "flood_light": float(body.get("flood_light", 0.0)),
                        "dot_projector": float(body.get("dot_projector", 0.0)),
                    }
            elif request.method != "GET":
                return detail_response(405, "Method Not Allowed")
            return web.json_response(camera.ir)

        return await guard(impl, request)

    async def _streams(self, request: web.Request) -> web.StreamResponse:
        async def impl(request: web.Request) -> web.Response:
            camera = self._lookup(request)
            return web.json_response({n: {"active": s.active} for n, s in camera.streams.items()})

        return await guard(impl, request)

    async def _activation(self, request: web.Request) -> web.StreamResponse:
        async def impl(request: web.Request) -> web.Response:
            camera, stream = self._lookup_stream(request)
            if request.method == "POST":
                camera.set_active(stream.name, True)
                return web.json_response(None, status=201)
            if request.method == "DELETE":
                camera.set_active(stream.name, False)
                return web.json_response(None, status=202)
            return detail_response(405, "Method Not Allowed")

        return await guard(impl, request)

    async def _config(self, request: web.Request) -> web.StreamResponse:
        async def impl(request: web.Request) -> web.Response:
            _, stream = self._lookup_stream(request)
            if request.method == "POST":
                body = await self._json_body(request)
                apply_config(stream, body)
            elif request.method != "GET":
                return detail_response(405, "Method Not Allowed")
            return web.json_response(stream.config())

        return await guard(impl, request)

    async def _control(self, request: web.Request) -> web.StreamResponse:
        async def impl(request: web.Request) -> web.Response:
            _, stream = self._lookup_stream(request)
            if stream.kind == "depth":
                raise ValidationFailed(
                    [error(["path", "stream_name"], "Stream has no sensor control", "value_error")]
                )
            if request.method == "POST":
                apply_control(stream, await self._json_body(request))
            elif request.method != "GET":
                return detail_response(405, "Method Not Allowed")
            answer = {**stream.control, **PLACEHOLDERS, "focus": stream.focus}
            return web.json_response(answer)

        return await guard(impl, request)

    async def _still(self, request: web.Request) -> web.StreamResponse:
        async def impl(request: web.Request) -> web.Response:
            _, stream = self._lookup_stream(request)
            fmt = request.query.get("format", "jpeg")
            if fmt not in ("jpeg", "png"):
                message = f"Unsupported image format {fmt!r}"
                raise ValidationFailed([error(["query", "format"], message, "value_error")])
            if not stream.active:
                return detail_response(404, "Stream not active")
            width, height = stream.size()
            jpeg = await self.renderer(stream.name, width, height).frame()
            if fmt == "png":
                return web.Response(body=_to_png(jpeg), content_type="image/png")
            return web.Response(body=jpeg, content_type="image/jpeg")

        return await guard(impl, request)


def _to_png(jpeg: bytes) -> bytes:
    buf = io.BytesIO()
    Image.open(io.BytesIO(jpeg)).save(buf, "PNG")
    return buf.getvalue()
