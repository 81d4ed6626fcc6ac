"""Robopipe controller with Luxonis OAK cameras: the `/cameras/...` part of its REST API.

Follows the real server's OpenAPI spec (vendor-docs/oak-robopipe-openapi.yml): FastAPI error
bodies (404 `{"detail": "Camera not found"}`, 422 HTTPValidationError with `loc`/`msg`/`type`),
path patterns, the spec's ranges and enums, and the server's habits: `GET .../control`
answers placeholders for exposure time, ISO and manual white balance (it cannot read them
back), a depth stream and its two mono sensors are never active together, and a camera that is
shut down (`DELETE /cameras/{mxid}/`) has no streams until it is booted again (`POST`).
No authentication.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from concurrent.futures import Executor
from dataclasses import dataclass, field
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
from .oak_io import SimControllerIO

MXID_RE = re.compile(r"[A-Z0-9]+")
STREAM_RE = re.compile(r"CAM_[A-H]|DEPTH_[A-H]_[A-H]")
AWB_MODES = (
    "AUTO",
    "CLOUDY_DAYLIGHT",
    "DAYLIGHT",
    "FLUORESCENT",
    "INCANDESCENT",
    "OFF",
    "SHADE",
    "TWILIGHT",
    "WARM_FLUORESCENT",
)
AF_MODES = ("OFF", "AUTO", "MACRO", "CONTINUOUS_VIDEO", "CONTINUOUS_PICTURE", "EDOF")
COLOR_RESOLUTIONS = {
    "THE_1080_P": (1920, 1080),
    "THE_1200_P": (1920, 1200),
    "THE_12_MP": (4056, 3040),
    "THE_1352X1012": (1352, 1012),
    "THE_13_MP": (4208, 3120),
    "THE_1440X1080": (1440, 1080),
    "THE_2024X1520": (2024, 1520),
    "THE_4000X3000": (4000, 3000),
    "THE_48_MP": (8000, 6000),
    "THE_4_K": (3840, 2160),
    "THE_5312X6000": (5312, 6000),
    "THE_5_MP": (2592, 1944),
    "THE_720_P": (1280, 720),
    "THE_800_P": (1280, 800),
}
MONO_RESOLUTIONS = {
    "THE_1200_P": (1920, 1200),
    "THE_400_P": (640, 400),
    "THE_480_P": (640, 480),
    "THE_720_P": (1280, 720),
    "THE_800_P": (1280, 800),
}
INT_RANGES: dict[str, tuple[int | None, int | None]] = {
    "exposure_time": (1, 33000),
    "sensitivity_iso": (100, 5000),
    "auto_exposure_compensation": (-9, 9),
    "auto_exposure_limit": (None, None),
    "contrast": (-10, 10),
    "brightness": (-10, 10),
    "saturation": (-10, 10),
    "chroma_denoise": (0, 4),
    "luma_denoise": (0, 4),
    "manual_whitebalance": (1000, 12000),
}
BOOLS = ("auto_exposure_enable", "auto_exposure_lock", "auto_whitebalance_lock")
COLOR_ONLY = frozenset(
    {
        "saturation",
        "chroma_denoise",
        "auto_whitebalance_lock",
        "auto_whitebalance_mode",
        "manual_whitebalance",
    }
)
PLACEHOLDERS = {"exposure_time": 1, "sensitivity_iso": 100, "manual_whitebalance": 1000}
"""What GET control answers for the values the server cannot read back."""
LARGE_RESOLUTIONS = frozenset(
    {"THE_12_MP", "THE_13_MP", "THE_4000X3000", "THE_48_MP", "THE_4_K", "THE_5312X6000"}
)
LARGE_MAX_FPS = 30
RENDER_WIDTH = 320  # stills are rendered small: the aspect ratio is what matters here


@dataclass
class SimStream:
    """One stream of a simulated OAK camera."""

    name: str
    kind: str  # "color", "mono" or "depth"
    active: bool = False
    resolution: str | list[int] = "THE_1080_P"
    fps: float = 30.0
    control: dict[str, Any] = field(default_factory=dict)
    focus: dict[str, Any] | None = None
    focus_target: float = 0.62
    """Where an autofocus sweep (`auto_focus_trigger`) leaves the lens."""
    autofocus_triggers: int = 0

    def config(self) -> dict[str, Any]:
        """The config in the schema of its sensor type."""
        if self.kind == "color":
            size = COLOR_RESOLUTIONS[str(self.resolution)]
            return {
                "resolution": self.resolution,
                "still_size": list(size),
                "preview_size": [300, 300],
                "video_size": list(size),
                "sensor_crop": [0.0, 0.0],
                "fps": self.fps,
            }
        if self.kind == "mono":
            return {"resolution": self.resolution, "fps": self.fps}
        return {
            "resolution": self.resolution,
            "still_size": self.resolution,
            "preview_size": self.resolution,
            "video_size": self.resolution,
            "fps": self.fps,
        }

    def size(self) -> tuple[int, int]:
        """Render size: the resolution's aspect ratio at a small width."""
        if isinstance(self.resolution, list):
            width, height = self.resolution
        else:
            table = COLOR_RESOLUTIONS if self.kind == "color" else MONO_RESOLUTIONS
            width, height = table[self.resolution]
        return RENDER_WIDTH, max(2, round(RENDER_WIDTH * height / width))


def _default_control(kind: str) -> dict[str, Any]:
    control: dict[str, Any] = {
        "exposure_time": 20000,
        "sensitivity_iso": 800,
        "auto_exposure_enable": True,
        "auto_exposure_compensation": 0,
        "auto_exposure_limit": 33000,
        "auto_exposure_lock": False,
        "contrast": 0,
        "brightness": 0,
        "saturation": 0,
        "chroma_denoise": 1,
        "luma_denoise": 1,
        "auto_whitebalance_lock": False,
        "auto_whitebalance_mode": "AUTO",
        "manual_whitebalance": 5000,
    }
    return control


class SimOakCamera:
    """One OAK camera: colour sensor CAM_A, optional stereo pair CAM_B/CAM_C with DEPTH_B_C.

    `stereo` adds the mono pair and the depth stream, `ir` the flood light and dot projector
    (OAK-D Pro), `autofocus` a motorised lens on CAM_A.
    """

    def __init__(
        self,
        mxid: str,
        *,
        name: str = "OAK-1",
        stereo: bool = False,
        ir: bool = False,
        autofocus: bool = True,
        running: bool = True,
    ) -> None:
        self.mxid = mxid
        self.name = name
        self.running = running
        self.ir: dict[str, float] | None = (
            {"flood_light": 0.0, "dot_projector": 0.0} if ir else None
        )
        self.streams: dict[str, SimStream] = {
            "CAM_A": SimStream("CAM_A", "color", active=True, control=_default_control("color"))
        }
        if autofocus:
            self.streams["CAM_A"].focus = {
                "auto_focus_mode": "CONTINUOUS_VIDEO",
                "auto_focus_trigger": False,
                "lens_position": 0.5,
            }
        if stereo:
            for sensor in ("CAM_B", "CAM_C"):
                self.streams[sensor] = SimStream(
                    sensor, "mono", resolution="THE_400_P", control=_default_control("mono")
                )
            self.streams["DEPTH_B_C"] = SimStream("DEPTH_B_C", "depth", resolution=[640, 400])
        self.temperature = 42.0

    def info(self) -> dict[str, Any]:
        """DeviceInfo, as `GET /cameras/` lists it."""
        return {
            "mxid": self.mxid,
            "name": "1.2" if self.running else "1.1",
            "camera_name": self.name,
            "platform": "X_LINK_MYRIAD_X",
            "protocol": "X_LINK_USB_VSC",
            "state": "X_LINK_BOOTED" if self.running else "X_LINK_UNBOOTED",
            "status": "X_LINK_SUCCESS",
        }

    def set_active(self, name: str, active: bool) -> None:
        """Switch a stream; depth and its sensors exclude each other, as on the server."""
        stream = self.streams[name]
        stream.active = active
        if not active:
            return
        for other in self.streams.values():
            if other is stream:
                continue
            if stream.kind == "depth" and other.name[-1] in name[-3::2]:
                other.active = False
            if other.kind == "depth" and name[-1] in other.name[-3::2]:
                other.active = False


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
                _apply_config(stream, body)
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
                _apply_control(stream, await self._json_body(request))
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


def _apply_config(stream: SimStream, body: Any) -> None:
    """Validate a whole config against the stream's schema, then take it."""
    if not isinstance(body, dict):
        raise ValidationFailed([error(["body"], "Input should be an object", "dict")])
    errors: list[dict[str, Any]] = []
    resolution = body.get("resolution")
    if stream.kind == "depth":
        if not (
            isinstance(resolution, list)
            and len(resolution) == 2
            and all(isinstance(v, int) and v > 0 for v in resolution)
        ):
            errors.append(error(["body", "resolution"], "Input should be a pair", "tuple_type"))
    else:
        table = COLOR_RESOLUTIONS if stream.kind == "color" else MONO_RESOLUTIONS
        if resolution not in table:
            allowed = ", ".join(f"'{r}'" for r in table)
            errors.append(error(["body", "resolution"], f"Input should be {allowed}", "enum"))
    fps = body.get("fps")
    if not isinstance(fps, int | float) or not number_in(fps, 0.0001, None):
        errors.append(error(["body", "fps"], "Input should be a valid number", "float_type"))
    elif isinstance(resolution, str) and resolution in LARGE_RESOLUTIONS and fps > LARGE_MAX_FPS:
        # The sensor's modes: above 1080p-class sizes the IMX378 delivers at most 30 fps.
        errors.append(
            error(
                ["body", "fps"],
                f"Input should be less than or equal to {LARGE_MAX_FPS} at {resolution}",
                "less_than_equal",
            )
        )
    if errors:
        raise ValidationFailed(errors)
    stream.resolution = resolution  # type: ignore[assignment]  # checked above
    stream.fps = float(body["fps"])


def _apply_control(stream: SimStream, body: Any) -> None:
    """Validate a SensorControlUpdate (every field optional) for this sensor, then apply it."""
    if not isinstance(body, dict):
        raise ValidationFailed([error(["body"], "Input should be an object", "dict")])
    errors = list(_control_errors(stream, body))
    if errors:
        raise ValidationFailed(errors)
    for key, value in body.items():
        if key == "focus":
            if value is not None and stream.focus is not None:
                _apply_focus(stream, value)
        elif key in stream.control:
            stream.control[key] = value


def _apply_focus(stream: SimStream, focus: dict[str, Any]) -> None:
    """A `SensorFocus` replaces the focus; a trigger sweeps the lens to `focus_target`."""
    assert stream.focus is not None
    stream.focus = {**stream.focus, **focus, "auto_focus_trigger": False}
    if focus.get("auto_focus_trigger") is True:
        stream.autofocus_triggers += 1
        stream.focus["lens_position"] = stream.focus_target


def _control_errors(stream: SimStream, body: Mapping[str, Any]) -> list[dict[str, Any]]:
    errors: list[dict[str, Any]] = []
    for key, value in body.items():
        loc: list[str | int] = ["body", key]
        if key in INT_RANGES:
            low, high = INT_RANGES[key]
            if isinstance(value, bool) or not isinstance(value, int):
                errors.append(error(loc, "Input should be a valid integer", "int_type"))
            elif not number_in(value, low, high):
                errors.append(error(loc, f"Input should be between {low} and {high}", "range"))
        elif key in BOOLS:
            if not isinstance(value, bool):
                errors.append(error(loc, "Input should be a valid boolean", "bool_type"))
        elif key == "auto_whitebalance_mode":
            if value not in AWB_MODES:
                errors.append(error(loc, "Input should be a white balance mode", "enum"))
        elif key == "focus":
            errors.extend(_focus_errors(stream, value))
        else:
            continue  # FastAPI ignores unknown fields
        if key in COLOR_ONLY and stream.kind == "mono" and not errors:
            errors.append(error(loc, "Not supported by a mono sensor", "value_error"))
    return errors


def _focus_errors(stream: SimStream, value: Any) -> list[dict[str, Any]]:
    if value is None:
        return []
    if stream.focus is None:
        return [error(["body", "focus"], "Sensor has a fixed focus", "value_error")]
    if not isinstance(value, dict):
        return [error(["body", "focus"], "Input should be an object", "dict")]
    errors = []
    if "lens_position" in value and not number_in(value["lens_position"], 0.0, 1.0):
        errors.append(error(["body", "focus", "lens_position"], "Input should be <= 1.0", "range"))
    if "auto_focus_mode" in value and value["auto_focus_mode"] not in AF_MODES:
        errors.append(error(["body", "focus", "auto_focus_mode"], "Invalid mode", "enum"))
    if not isinstance(value.get("auto_focus_trigger", False), bool):
        message = "Input should be a valid boolean"
        errors.append(error(["body", "focus", "auto_focus_trigger"], message, "bool_type"))
    return errors


def _to_png(jpeg: bytes) -> bytes:
    buf = io.BytesIO()
    Image.open(io.BytesIO(jpeg)).save(buf, "PNG")
    return buf.getvalue()
