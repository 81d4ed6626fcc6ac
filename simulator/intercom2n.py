"""2N IP intercom (HTTP API): identity, camera, event log, switches and calls.

Modelled on the 2N HTTP API manual (5.8.2 api/camera/snapshot, 5.10 api/log, 5.4 api/switch,
api/call/status) and what 2N devices really answer: JSON envelopes
``{"success": ..., "result" | "error": ...}``, parameter errors with HTTP 200 and codes 11
(missing) / 12 (invalid) / 10 (a privilege missing), and code 9 with HTTP 401 plus a challenge
when authentication fails. `/api/system/info` is public, which is how the integration
identifies a 2N host before asking for credentials.

The event log (`intercom2n_log.py`) long-polls for real; switches and calls
(`intercom2n_io.py`) report their changes in it. Tests, the demo and people drive what a
visitor would do through methods (`ring()`, `motion()`, ...) or the simulator-only control
paths `POST /sim/<action>` (no login; see `CONTROL_PATHS` and `python -m simulator.control`).
A `restart()` forgets subscriptions, history, calls and switch states, like a reboot.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any, ClassVar, TypedDict

from aiohttp import web

from .auth import AuthScheme
from .device import SimDevice
from .frames import FrameClock
from .intercom2n_io import CallMachine, SimSwitch, SwitchBank, SwitchError, default_switches
from .intercom2n_log import (
    DURATION_DEFAULT,
    DURATION_MAX,
    TIMEOUT_MAX,
    EventLogService,
    InvalidIncludeError,
    Record,
    UnknownSubscriptionError,
)
from .mjpeg import serve_mjpeg

JPEG_RESOLUTIONS: tuple[tuple[int, int], ...] = ((160, 120), (320, 240), (640, 480), (1280, 960))
HISTORY_MAX = (1280, 960)  # frames from memory (`time`) are never larger than this
HISTORY_SECONDS = 30
MAX_FPS = 15

LOG_EVENTS: tuple[str, ...] = (
    "DeviceState",
    "KeyPressed",
    "KeyReleased",
    "CallStateChanged",
    "MotionDetected",
    "SwitchStateChanged",
    "DoorStateChanged",
    "InputChanged",
    "CodeEntered",
    "CardEntered",
    "RegistrationStateChanged",
)
# Which privilege a user needs to see an event (manual, 5.10.2); the others need none.
EVENT_PRIVILEGES = {
    "KeyPressed": "keypad_monitoring",
    "KeyReleased": "keypad_monitoring",
    "CodeEntered": "keypad_monitoring",
    "CardEntered": "uid_monitoring",
    "CallStateChanged": "call_monitoring",
    "RegistrationStateChanged": "call_monitoring",
    "SwitchStateChanged": "io_monitoring",
    "InputChanged": "io_monitoring",
}
PRIVILEGES = frozenset(
    {"switch_monitoring", "switch_control", "call_monitoring", "io_monitoring"}
    | set(EVENT_PRIVILEGES.values())
)
CONTROL_ACTIONS = ("ring", "answer", "hangup", "motion", "door", "input", "switch")
CONTROL_PATHS = frozenset(f"/sim/{action}" for action in CONTROL_ACTIONS)

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
    privileges: frozenset[str]
    switches: list[SimSwitch]
    log_events: tuple[str, ...]
    ring_timeout: float | None
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
    public_paths: ClassVar[frozenset[str]] = frozenset({"/api/system/info"}) | CONTROL_PATHS

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
        privileges: frozenset[str] = PRIVILEGES,
        switches: list[SimSwitch] | None = None,
        log_events: tuple[str, ...] = LOG_EVENTS,
        ring_timeout: float | None = 30.0,
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
        self.privileges = set(privileges)  # settable: the user's other privileges
        self.log_events = log_events  # what /api/log/caps lists
        self.log_caps_supported = True  # settable: False is a firmware without /api/log/caps
        self.log = EventLogService()
        self.switches = SwitchBank(switches or default_switches(), self.emit)
        self.calls = CallMachine(self.emit, ring_timeout=ring_timeout)

    # --- what happens at the door (tests, the demo, /sim/<action>) ----------------------------

    def emit(self, event: str, params: dict[str, Any]) -> Record:
        """Record an event in the log (queued for every subscription that wants it)."""
        return self.log.emit(event, params)

    def ring(self, button: str = "1") -> int:
        """A visitor presses call button `button`; returns the new call's session."""
        return self.calls.ring(button).session

    def motion(self, active: bool = True) -> None:
        """The camera's motion detector starts (or stops) seeing motion."""
        self.emit("MotionDetected", {"state": "in" if active else "out"})

    def door(self, is_open: bool) -> None:
        """The door contact reports the door opened or closed."""
        self.emit("DoorStateChanged", {"state": "opened" if is_open else "closed"})

    def set_input(self, port: str, active: bool) -> None:
        """A logical input (e.g. "input1") changes."""
        self.emit("InputChanged", {"port": port, "state": active})

    async def stop(self) -> None:
        """Power off: no call or switch timer outlives the device."""
        self.calls.reset()
        self.switches.reset()
        await super().stop()

    async def restart(self, down_for: float = 1.0) -> None:
        """Reboot: subscriptions, history, calls and switch states are forgotten."""
        self.log.reboot()
        self.calls.reset()
        self.switches.reset()
        await super().restart(down_for)
        self.emit("DeviceState", {"state": "startup"})

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
        services = {
            "/api/log/caps": self._log_caps,
            "/api/log/subscribe": self._log_subscribe,
            "/api/log/pull": self._log_pull,
            "/api/log/unsubscribe": self._log_unsubscribe,
            "/api/switch/caps": self._switch_caps,
            "/api/switch/status": self._switch_status,
            "/api/switch/ctrl": self._switch_ctrl,
            "/api/call/status": self._call_status,
        }
        for path, handler in services.items():
            app.router.add_route("GET", path, _answering(handler))
            app.router.add_route("POST", path, _answering(handler))
        for path in CONTROL_PATHS:
            app.router.add_post(path, _answering(self._control))

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

    # --- log, switch and call services --------------------------------------------------------

    def _visible_events(self) -> frozenset[str]:
        """The events the user's privileges let it see."""
        return frozenset(
            name
            for name in self.log_events
            if EVENT_PRIVILEGES.get(name) in (None, *self.privileges)
        )

    async def _log_caps(self, request: web.Request, params: dict[str, str]) -> Result:
        if not self.log_caps_supported:
            raise ApiError(ERR_NOT_SUPPORTED)
        return {"events": list(self.log_events)}

    async def _log_subscribe(self, request: web.Request, params: dict[str, str]) -> Result:
        names = [n for n in params.get("filter", "").split(",") if n.strip()]
        if any(name.strip() not in self.log_events for name in names):
            raise ApiError(ERR_INVALID_PARAM, "filter")
        wanted = {name.strip() for name in names} or set(self.log_events)
        duration = _int_param(params, "duration") if "duration" in params else DURATION_DEFAULT
        if not 1 <= duration <= DURATION_MAX:
            raise ApiError(ERR_INVALID_PARAM, "duration")
        try:
            sub_id = self.log.subscribe(
                wanted & self._visible_events(), params.get("include", "new"), duration
            )
        except InvalidIncludeError:
            raise ApiError(ERR_INVALID_PARAM, "include") from None
        return {"id": sub_id}

    async def _log_pull(self, request: web.Request, params: dict[str, str]) -> Result:
        sub_id = _int_param(params, "id")
        timeout = _int_param(params, "timeout") if "timeout" in params else 0
        if not 0 <= timeout <= TIMEOUT_MAX:
            raise ApiError(ERR_INVALID_PARAM, "timeout")
        try:
            records = await self.log.pull(sub_id, timeout)
        except UnknownSubscriptionError:
            raise ApiError(ERR_INVALID_PARAM, "id") from None
        return {"events": [record.to_json() for record in records]}

    async def _log_unsubscribe(self, request: web.Request, params: dict[str, str]) -> Result:
        try:
            self.log.unsubscribe(_int_param(params, "id"))
        except UnknownSubscriptionError:
            raise ApiError(ERR_INVALID_PARAM, "id") from None
        return None

    def _require(self, privilege: str) -> None:
        if privilege not in self.privileges:
            raise ApiError(ERR_PRIVILEGES)

    def _selected(self, params: dict[str, str]) -> list[SimSwitch]:
        """Every switch, or the one `switch` names."""
        if "switch" not in params:
            return list(self.switches.switches.values())
        sim = self.switches.switches.get(_int_param(params, "switch"))
        if sim is None:
            raise ApiError(ERR_INVALID_PARAM, "switch")
        return [sim]

    async def _switch_caps(self, request: web.Request, params: dict[str, str]) -> Result:
        self._require("switch_monitoring")
        return {"switches": [sim.caps() for sim in self._selected(params)]}

    async def _switch_status(self, request: web.Request, params: dict[str, str]) -> Result:
        self._require("switch_monitoring")
        return {"switches": [sim.status() for sim in self._selected(params)]}

    async def _switch_ctrl(self, request: web.Request, params: dict[str, str]) -> Result:
        self._require("switch_control")
        switch = _int_param(params, "switch")
        if "action" not in params:
            raise ApiError(ERR_MISSING_PARAM, "action")
        try:
            self.switches.control(switch, params["action"])
        except SwitchError as err:
            raise ApiError(ERR_INVALID_PARAM, err.param) from None
        return None

    async def _call_status(self, request: web.Request, params: dict[str, str]) -> Result:
        self._require("call_monitoring")
        return {"sessions": self.calls.status()}

    async def _control(self, request: web.Request, params: dict[str, str]) -> Result:
        """`POST /sim/<action>`: what a visitor or the door does (simulator only)."""
        action = request.path.removeprefix("/sim/")
        state = params.get("state", "1").lower() in ("1", "true", "in", "on", "opened", "open")
        try:
            if action == "ring":
                return {"session": self.ring(params.get("button", "1"))}
            if action in ("answer", "hangup"):
                method = self.calls.answer if action == "answer" else self.calls.hang_up
                return {"done": method()}
            if action == "switch":
                self.switches.set_active(_int_param(params, "switch"), state)
            elif action == "input":
                self.set_input(params.get("port", "input1"), state)
            else:
                (self.motion if action == "motion" else self.door)(state)
        except SwitchError as err:
            raise ApiError(ERR_INVALID_PARAM, err.param) from None
        return None


type Result = dict[str, Any] | None
type ServiceHandler = Callable[[web.Request, dict[str, str]], Awaitable[Result]]


def _answering(handler: ServiceHandler) -> Callable[[web.Request], Awaitable[web.Response]]:
    """An aiohttp handler: parameters from query and form, the result in a 2N envelope."""

    async def answer(request: web.Request) -> web.Response:
        params: dict[str, str] = dict(request.query)
        if request.method == "POST" and request.body_exists:
            form = await request.post()
            params.update({k: v for k, v in form.items() if isinstance(v, str)})
        try:
            result = await handler(request, params)
        except ApiError as err:
            return api_error(err.code, err.param)
        body: dict[str, Any] = {"success": True}
        if result is not None:
            body["result"] = result
        return web.json_response(body)

    return answer
