"""2N IP intercom (HTTP API): identity, camera capabilities, JPEG snapshots, MJPEG and history.

Modelled on the 2N HTTP API manual (5.8.2 api/camera/snapshot) and what 2N devices really
answer: JSON envelopes ``{"success": ..., "result" | "error": ...}``, parameter errors with
HTTP 200 and codes 11 (missing) / 12 (invalid) / 10 (no Camera Monitoring privilege), and
code 9 with HTTP 401 plus a challenge when authentication fails. `/api/system/info` is
public, which is how the integration identifies a 2N host before asking for credentials.
"""

from __future__ import annotations

import time
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any, ClassVar, TypedDict

from aiohttp import web

from .auth import AuthScheme
from .device import SimDevice
from .frames import FrameClock
from .mjpeg import serve_mjpeg

JPEG_RESOLUTIONS: tuple[tuple[int, int], ...] = ((160, 120), (320, 240), (640, 480), (1280, 960))
HISTORY_MAX = (1280, 960)  # frames from memory (`time`) are never larger than this
HISTORY_SECONDS = 30
MAX_FPS = 15

# 2N API error codes (HTTP API manual, "Error codes").
ERR_NOT_SUPPORTED = 1
ERR_INVALID_METHOD = 3
ERR_AUTH_REQUIRED = 9
ERR_PRIVILEGES = 10
ERR_MISSING_PARAM = 11
ERR_INVALID_PARAM = 12
ERR_PROCESSING = 14
_DESCRIPTIONS = {
    ERR_NOT_SUPPORTED: "function is not supported",
    ERR_INVALID_METHOD: "invalid request method",
    ERR_AUTH_REQUIRED: "authorization required",
    ERR_PRIVILEGES: "insufficient user privileges",
    ERR_MISSING_PARAM: "missing mandatory parameter",
    ERR_INVALID_PARAM: "invalid parameter value",
    ERR_PROCESSING: "unspecified processing error",
}


class Intercom2NOptions(TypedDict, total=False):
    """Keyword arguments of `Intercom2N` (and `Simulator.add_intercom_2n`)."""

    serial: str
    name: str
    variant: str
    mac: str
    sw_version: str
    username: str
    password: str
    auth: AuthScheme
    external_camera: bool
    camera_privilege: bool
    port: int


def api_error(code: int, param: str | None = None, status: int = 200) -> web.Response:
    """A 2N error envelope."""
    error: dict[str, Any] = {"code": code}
    if param is not None:
        error["param"] = param
    error["description"] = _DESCRIPTIONS.get(code, "error")
    return web.json_response({"success": False, "error": error}, status=status)


class ApiError(Exception):
    """A request the device refuses with a 2N error code."""

    def __init__(self, code: int, param: str | None = None) -> None:
        super().__init__(code, param)
        self.code = code
        self.param = param


@dataclass(frozen=True, slots=True)
class SnapshotRequest:
    """A validated /api/camera/snapshot request."""

    width: int
    height: int
    source: str
    fps: int | None  # server-push MJPEG at this rate
    history: int | None  # seconds back in the device's memory (-30..0)


def _int_param(params: dict[str, str], name: str) -> int:
    """A mandatory integer parameter: code 11 if missing, 12 if not an integer."""
    if name not in params:
        raise ApiError(ERR_MISSING_PARAM, name)
    try:
        return int(params[name].strip(), 10)
    except ValueError:
        raise ApiError(ERR_INVALID_PARAM, name) from None


class Intercom2N(SimDevice):
    """A 2N IP intercom with an internal and an optional external camera."""

    family: ClassVar[str] = "intercom_2n"
    realm: ClassVar[str] = "HTTP API"
    public_paths: ClassVar[frozenset[str]] = frozenset({"/api/system/info"})

    def __init__(
        self,
        *,
        serial: str = "54-0000-0001",
        name: str = "2N IP Verso",
        variant: str = "2N IP Verso",
        mac: str = "7C:1E:B3:00:00:01",
        sw_version: str = "2.41.0.62.3",
        username: str = "admin",
        password: str = "secret",
        auth: AuthScheme = "digest",
        external_camera: bool = True,
        camera_privilege: bool = True,
        port: int = 0,
        clock: FrameClock | None = None,
        executor: Executor | None = None,
    ) -> None:
        super().__init__(
            name,
            port=port,
            auth=auth,
            username=username,
            password=password,
            clock=clock,
            executor=executor,
        )
        self.serial = serial
        self.variant = variant
        self.mac = mac
        self.sw_version = sw_version
        self.external_camera = external_camera  # settable: the external camera comes and goes
        self.camera_privilege = camera_privilege  # False: user lacks Camera Monitoring

    @property
    def sources(self) -> list[str]:
        """Video sources as listed by /api/camera/caps right now."""
        return ["internal", "external"] if self.external_camera else ["internal"]

    def describe(self) -> dict[str, Any]:
        """CLI line: the base fields plus the serial number."""
        return {**super().describe(), "serial": self.serial}

    def setup_routes(self, app: web.Application) -> None:
        """The 2N HTTP API subset the integration uses."""
        app.router.add_get("/api/system/info", self._system_info)
        app.router.add_get("/api/camera/caps", self._caps)
        app.router.add_route("GET", "/api/camera/snapshot", self._snapshot)
        app.router.add_route("POST", "/api/camera/snapshot", self._snapshot)

    def error_response(self, status: int, message: str) -> web.Response:
        """Unknown path, wrong method or an injected status, as a 2N envelope."""
        code = {404: ERR_NOT_SUPPORTED, 405: ERR_INVALID_METHOD, 401: ERR_AUTH_REQUIRED}
        return api_error(code.get(status, ERR_PROCESSING), status=status)

    def unauthorized_response(self, challenge: str) -> web.Response:
        """HTTP 401, the challenge, and error code 9 in the body."""
        resp = api_error(ERR_AUTH_REQUIRED, status=401)
        resp.headers["WWW-Authenticate"] = challenge
        return resp

    async def _system_info(self, request: web.Request) -> web.Response:
        return web.json_response(
            {
                "success": True,
                "result": {
                    "variant": self.variant,
                    "serialNumber": self.serial,
                    "hwVersion": "535v1",
                    "swVersion": self.sw_version,
                    "buildType": "release",
                    "deviceName": self.name,
                    "macAddr": self.mac,
                },
            }
        )

    async def _caps(self, request: web.Request) -> web.Response:
        if not self.camera_privilege:
            return api_error(ERR_PRIVILEGES)
        return web.json_response(
            {
                "success": True,
                "result": {
                    "jpegResolution": [{"width": w, "height": h} for w, h in JPEG_RESOLUTIONS],
                    "sources": [{"source": s} for s in self.sources],
                },
            }
        )

    async def _snapshot(self, request: web.Request) -> web.StreamResponse:
        """Validate like the device, then answer a JPEG, an MJPEG stream or a history frame."""
        try:
            req = await self._parse_snapshot(request)
        except ApiError as err:
            return api_error(err.code, err.param)
        renderer = self.renderer(req.source, req.width, req.height)
        if req.history is not None:
            at = time.time() + req.history
            jpeg = await renderer.render_async(
                self.clock.tick_at(at), label=f"history {req.history} s", at=at
            )
        elif req.fps is not None:
            return await serve_mjpeg(request, self, renderer, req.fps)
        else:
            jpeg = await renderer.frame()
        return web.Response(body=jpeg, content_type="image/jpeg")

    async def _parse_snapshot(self, request: web.Request) -> SnapshotRequest:
        """Check privilege and parameters in the device's order; raise ApiError."""
        if not self.camera_privilege:
            raise ApiError(ERR_PRIVILEGES)
        params: dict[str, str] = dict(request.query)
        if request.method == "POST" and request.body_exists:
            form = await request.post()
            params.update({k: v for k, v in form.items() if isinstance(v, str)})
        width, height = _int_param(params, "width"), _int_param(params, "height")
        source = params.get("source", "internal")
        if source not in self.sources:
            raise ApiError(ERR_INVALID_PARAM, "source")
        history = fps = None
        if "time" in params:  # history: fps ignored, at most 1280x960 (larger is clamped)
            history = _int_param(params, "time")
            if not -HISTORY_SECONDS <= history <= 0:
                raise ApiError(ERR_INVALID_PARAM, "time")
            if width > HISTORY_MAX[0] or height > HISTORY_MAX[1]:
                width, height = HISTORY_MAX
        elif "fps" in params:
            fps = _int_param(params, "fps")
            if not 1 <= fps <= MAX_FPS:
                raise ApiError(ERR_INVALID_PARAM, "fps")
        if (width, height) not in JPEG_RESOLUTIONS:
            raise ApiError(ERR_INVALID_PARAM, "width")
        return SnapshotRequest(width, height, source, fps, history)
