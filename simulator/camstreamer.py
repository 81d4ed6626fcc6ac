"""An Axis camera with the CamStreamer apps: CamStreamer, CamSwitcher, CamOverlay, CamScripter.

Modelled on the CamStreamer apps' API documentation and on what real cameras answer:
- VAPIX: `basicdeviceinfo.cgi` (JSON; `getAllUnrestrictedProperties` without a login on
  current firmware, everything behind Digest with realm `AXIS_<serial>` on older firmware),
  `applications/list.cgi` (XML with licence and run status), `param.cgi`, JPEG and MJPEG.
- Two API generations per camera (`generation="new"` or `"old"`): CamStreamer's
  `stream_list.cgi` + `set_stream_enabled.cgi` vs `stream/list.cgi` with "1"/"0" strings;
  CamSwitcher paths with or without `/api/`; tokens in `data` vs `message`; events with
  `streamId` and booleans (bare) vs `streamID` and 0/1 (init data wrapped in `{"type":"init"}`).
- Event WebSockets (subprotocol `events`) authorised by single-use tokens that expire after
  `token_lifetime` seconds; init data after authorisation and on `sendInitData`; an event on
  every state change, whoever caused it (an API call or a test calling a `set_*` method).
- Broadcast life (camstreamer_broadcast.py): `automationState` from the stream's trigger,
  `CS_API_SUCCESS` when a YouTube (`callApi`) broadcast starts or ends, and `fail_stream`
  (also `POST /sim/fail?stream_id=..&message=..`, no login) for a broadcast that breaks while
  it should run: `CS_API_ERROR` with the message (API streams), then `isStreaming` 0.
- Changing a stream or overlay configuration restarts the app, which drops its event sockets,
  as the real apps do ("CamStreamer App/stream is restarted every time any parameter is changed").
- Knobs for the event sockets' failure modes: `ws_login` (the upgrade also wants the HTTP
  login, as on firmware that protects every `/local/` path), `ws_auth_delay` (a late answer
  to the token), `ws_greeting` and `emit_raw` (frames that are not valid events).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import time
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, TypedDict
from xml.sax.saxutils import quoteattr

from aiohttp import WSMsgType, web

from .auth import AuthScheme, make_authenticator
from .axis_ptz import AxisVideo
from .camstreamer_broadcast import (
    DEFAULT_FAILURE,
    api_error,
    api_success,
    automation_state,
    calls_api,
    stream_state,
)
from .device import SimDevice
from .frames import FrameClock
from .mjpeg import serve_mjpeg

type Generation = Literal["new", "old"]
type AppName = Literal["camstreamer", "camswitcher", "camoverlay", "camscripter"]

APP_NAMES: tuple[AppName, ...] = ("camstreamer", "camswitcher", "camoverlay", "camscripter")
NICE_NAMES = {
    "camstreamer": ("CamStreamer", "CamStreamer App"),
    "camswitcher": ("CamSwitcher", "CamSwitcher App"),
    "camoverlay": ("CamOverlay", "CamOverlay App"),
    "camscripter": ("CamScripter", "CamScripter App"),
}
EVENT_PATHS: dict[str, AppName] = {
    "/local/camstreamer/events": "camstreamer",
    "/local/camswitcher/events": "camswitcher",
    "/local/camoverlay/service/ws": "camoverlay",
}
TOKEN_LIFETIME = 30.0
STREAM_DEFAULTS = {
    "audioSource": "default",
    "avSyncMsec": "0",
    "internalVapixParameters": "",
    "userVapixParameters": "",
    "outputParameters": "",
    "outputType": "video",
    "mediaServerUrl": "",
    "inputType": "CRS",
    "inputUrl": "",
    "forceStereo": "0",
    "streamDelay": "",
    "statusLed": "0",
    "statusPort": "",
    "callApi": "0",
    "schedule": "[]",
    "prepareAhead": "0",
    "startTime": "0",
    "stopTime": "0",
}
"""The parameters `stream/get.cgi` answers for a stream that never set them (the doc's set)."""
WIDTH, HEIGHT = 640, 360


class AxisCameraOptions(TypedDict, total=False):
    """Keyword arguments of `AxisCamera` (and `Simulator.add_axis_camera`)."""

    serial: str
    name: str
    model: str
    firmware: str
    generation: Generation
    apps: tuple[AppName, ...]
    unrestricted_info: bool
    username: str
    password: str
    auth: AuthScheme
    port: int


@dataclass
class SimApp:
    """One installed ACAP app: licence ("Valid", "Missing", ...) and status ("Running", ...)."""

    license: str = "Valid"
    status: str = "Running"
    version: str = "4.0.0"

    @property
    def usable(self) -> bool:
        """Its API answers."""
        return self.license == "Valid" and self.status == "Running"


@dataclass
class SimStream:
    """A CamStreamer stream; `params` are the app's string parameters."""

    id: str
    title: str = ""
    platform: str = "rtmp"
    enabled: bool = False
    active: bool = True
    params: dict[str, str] = field(default_factory=dict)
    start_count: int = 0
    started_at: float | None = None
    bytes_before: int = 0
    failure: str | None = None  # `fail_stream`: not streaming until switched again

    def trigger(self) -> str:
        """The automation type."""
        return self.params.get("trigger", "none") or "none"


@dataclass
class SimService:
    """A CamOverlay service."""

    id: int
    name: str
    custom_name: str = ""
    enabled: bool = False
    source: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    image: dict[str, str] = field(default_factory=dict)  # update_image: image, position


def _default_streams() -> list[SimStream]:
    return [
        SimStream("11", title="Sunday mass", platform="youtube"),
        SimStream("12", title="", platform="facebook", enabled=True),
    ]


def _default_playlists() -> dict[str, dict[str, Any]]:
    return {
        "c0a1b2c3d-0000-4000-8000-000000000001": {"niceName": "Main camera", "kind": "camera"},
        "c0a1b2c3d-0000-4000-8000-000000000002": {"niceName": "Organ camera", "kind": "camera"},
        "s0a1b2c3d-0000-4000-8000-000000000003": {"niceName": "Intro clip", "kind": "clip"},
        "p0a1b2c3d-0000-4000-8000-000000000004": {"niceName": "Full service", "kind": "playlist"},
    }


def _default_services() -> list[SimService]:
    return [
        SimService(1, "infoticker", "News ticker", True, source="Welcome"),
        SimService(2, "customGraphics", "Scoreboard", False, fields={"field1": "0:0"}),
        SimService(5, "images", "", True),
    ]


def _flag(value: str | None) -> bool | None:
    """0/1/true/false as the apps read them; None for anything else."""
    text = (value or "").strip().lower()
    return {"1": True, "true": True, "0": False, "false": False}.get(text)


class AxisCamera(SimDevice):
    """An Axis camera with (a subset of) the four CamStreamer apps."""

    family: ClassVar[str] = "camstreamer"
    public_paths: ClassVar[frozenset[str]] = frozenset(
        {"/axis-cgi/basicdeviceinfo.cgi", "/sim/fail", *EVENT_PATHS}
    )

    def __init__(
        self,
        *,
        serial: str = "ACCC8E000001",
        name: str = "Church camera",
        model: str = "M1065-L",
        firmware: str = "10.12.220",
        generation: Generation = "new",
        apps: tuple[AppName, ...] = APP_NAMES,
        unrestricted_info: bool = True,
        username: str = "root",
        password: str = "pass",
        auth: AuthScheme = "digest",
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
        self.auth = make_authenticator(auth, f"AXIS_{serial}")  # Axis's realm names the serial
        self.serial = serial
        self.model = model
        self.firmware = firmware
        self.generation: Generation = generation
        self.unrestricted_info = unrestricted_info
        self.apps: dict[str, SimApp] = {app: SimApp() for app in apps}
        self.streams: dict[str, SimStream] = {s.id: s for s in _default_streams()}
        self.playlists = _default_playlists()
        self.current_playlist: str | None = next(iter(self.playlists))
        self.queue: list[str] = []
        self.default_playlist = next(iter(self.playlists))
        self.available: dict[str, bool] = {
            pid: True for pid, p in self.playlists.items() if p["kind"] == "camera"
        }
        self.master_audio: dict[str, str] = {"type": "NONE"}
        self.overlay_enabled = True
        self.services: dict[int, SimService] = {s.id: s for s in _default_services()}
        self.ports: dict[int, bool] = {0: False, 1: False}
        self.network_cameras: list[dict[str, Any]] = []
        self.token_lifetime = TOKEN_LIFETIME
        self.tokens: dict[str, tuple[str, float]] = {}  # token -> (app, issued)
        self.sockets: dict[str, set[web.WebSocketResponse]] = {
            a: set() for a in EVENT_PATHS.values()
        }
        self.events_sent = 0
        self.ws_auth_delay = 0.0  # seconds before the event socket answers the authorization
        self.ws_greeting: list[str | bytes] = []  # raw frames sent before that answer
        self.ws_login = False  # True: the event paths also want the HTTP login (some firmware)
        self.output_links: list[str] = []
        self.video = AxisVideo()  # channels (camera=N) and PTZ presets

    @property
    def mac(self) -> str:
        """Axis serials are the MAC address."""
        s = self.serial.upper()
        return ":".join(s[i : i + 2] for i in range(0, 12, 2))

    def describe(self) -> dict[str, Any]:
        """CLI line: the base fields plus identity and API generation."""
        return {
            **super().describe(),
            "serial": self.serial,
            "model": self.model,
            "generation": self.generation,
        }

    # --- state changes a test (or the API) makes; each emits its events --------------------

    def automation(self, stream: SimStream) -> bool:
        """Whether the stream's automation (trigger) lets it run now (`automationState`)."""
        return automation_state(stream.trigger(), stream.params, self.ports)

    def is_streaming(self, stream: SimStream) -> bool:
        """Enabled, active, the automation allows it, and it has not failed."""
        ok = stream.failure is None
        return stream.enabled and stream.active and self.automation(stream) and ok

    def set_stream_enabled(self, stream_id: str, enabled: bool) -> None:
        """Start or stop a broadcast."""
        self._update_stream(stream_id, enabled=enabled)

    def set_stream_active(self, stream_id: str, active: bool) -> None:
        """Pause or resume a broadcast."""
        self._update_stream(stream_id, active=active)

    def _update_stream(
        self, stream_id: str, enabled: bool | None = None, active: bool | None = None
    ) -> None:
        stream = self.streams[stream_id]
        was = self.is_streaming(stream)
        stream.failure = None  # switching it (again) is a new attempt
        if enabled is not None:
            stream.enabled = enabled
        if active is not None:
            stream.active = active
        self._announce(stream, was)

    def fail_stream(self, stream_id: str, message: str | None = DEFAULT_FAILURE) -> None:
        """The broadcast breaks while it should run (the media server is gone, ...).

        It stays enabled and active but stops streaming until switched again; an API stream
        reports the failing call first (`CS_API_ERROR`, with `message`), as the app does.
        """
        stream = self.streams[stream_id]
        was = self.is_streaming(stream)
        stream.failure = message or DEFAULT_FAILURE
        if message and calls_api(stream.platform, stream.params):
            self.emit("camstreamer", api_error(stream.id, self.generation, message))
        self._track_streaming(stream, was)
        self.emit("camstreamer", self._stream_event(stream))

    def _announce(self, stream: SimStream, was: bool) -> None:
        """The events of a stream's change: the API call's outcome first, then its state."""
        self._track_streaming(stream, was)
        now = self.is_streaming(stream)
        if now != was and calls_api(stream.platform, stream.params):
            self.emit("camstreamer", api_success(stream.id, self.generation, now))
        self.emit("camstreamer", self._stream_event(stream))

    def _track_streaming(self, stream: SimStream, was: bool) -> None:
        now = self.is_streaming(stream)
        if now and not was:
            stream.start_count += 1
            stream.started_at = time.monotonic()
        elif was and not now and stream.started_at is not None:
            stream.bytes_before += self._bytes_since(stream.started_at)
            stream.started_at = None

    @staticmethod
    def _bytes_since(started: float) -> int:
        return int((time.monotonic() - started) * 375_000)  # a 3 Mbit/s broadcast

    def stream_bytes(self, stream: SimStream) -> int:
        """Bytes sent by a stream so far."""
        live = self._bytes_since(stream.started_at) if stream.started_at is not None else 0
        return stream.bytes_before + live

    def set_port(self, port: int, value: bool) -> None:
        """An I/O port changes (input triggers follow)."""
        before = {sid: self.is_streaming(s) for sid, s in self.streams.items()}
        self.ports[port] = value
        self.emit("camstreamer", {"type": "PortChanged", "port": port, "value": int(value)})
        for sid, stream in self.streams.items():
            if self.is_streaming(stream) != before[sid]:
                self._announce(stream, before[sid])

    def add_stream(self, stream: SimStream) -> None:
        """A stream created on the camera (the app restarts)."""
        self.streams[stream.id] = stream
        self.restart_app("camstreamer")

    def remove_stream(self, stream_id: str) -> None:
        """A stream deleted on the camera (the app restarts)."""
        self.streams.pop(stream_id, None)
        self.restart_app("camstreamer")

    def switch_playlist(self, playlist_id: str) -> None:
        """Play a playlist now."""
        self.current_playlist = playlist_id
        if self.generation == "new":
            self.emit("camswitcher", {"type": "PlaylistSwitch", "playlist_name": playlist_id})
        self.emit("camswitcher", self._switch_video_event())
        self.emit("camswitcher", self._switch_audio_event())

    def set_source_available(self, source: str, available: bool) -> None:
        """A CamSwitcher source camera goes away or comes back."""
        self.available[source] = available
        self.emit(
            "camswitcher", {"type": "StreamAvailable", "stream_name": source, "state": available}
        )

    def set_service_enabled(self, service_id: int, enabled: bool) -> None:
        """Show or hide an overlay service."""
        self.services[service_id].enabled = enabled
        self.emit("camoverlay", self._service_event(self.services[service_id]))

    def set_app(
        self, app: AppName, *, license: str | None = None, status: str | None = None
    ) -> None:
        """Change an app's licence or run status (stopping it drops its event sockets)."""
        info = self.apps[app]
        info.license = license or info.license
        info.status = status or info.status
        if not info.usable:
            self.restart_app(app)

    def restart_app(self, app: AppName) -> None:
        """The app restarts: its event sockets close."""
        for ws in list(self.sockets.get(app, ())):
            task = asyncio.get_running_loop().create_task(ws.close())
            task.add_done_callback(lambda t: t.exception())

    async def drop_event_sockets(self) -> None:
        """Abort every event connection (a network glitch)."""
        for sockets in self.sockets.values():
            for ws in list(sockets):
                await ws.close(code=1006)

    # --- events ---------------------------------------------------------------------------

    def _stream_event(self, stream: SimStream) -> dict[str, Any]:
        return stream_state(
            stream.id,
            self.generation,
            enabled=stream.enabled,
            active=stream.active,
            automation=self.automation(stream),
            streaming=self.is_streaming(stream),
        )

    def _switch_video_event(self) -> dict[str, Any]:
        return {
            "playlist_active_stream": 0,
            "stream_name": self.current_playlist,
            "playlist_name": self.current_playlist,
            "type": "StreamSwitchVideo",
        }

    def _switch_audio_event(self) -> dict[str, Any]:
        """Whose audio plays: the master audio stream when set, else the playing source."""
        source = self.current_playlist
        if self.master_audio.get("type") == "STREAM":
            source = self.master_audio.get("stream_name") or source
        return {
            "playlist_active_stream": 0,
            "stream_name": source,
            "playlist_name": source,
            "type": "StreamSwitchAudio",
        }

    def _service_event(self, service: SimService) -> dict[str, Any]:
        kind = "ServiceStart" if service.enabled else "ServiceStop"
        return {"type": kind, "serviceId": service.id}

    def init_data(self, app: str) -> list[dict[str, Any]]:
        """What a freshly authorised client of `app` is sent."""
        events: list[dict[str, Any]] = []
        if app == "camstreamer":
            events = [self._stream_event(s) for s in self.streams.values()]
            events += [
                {"type": "PortChanged", "port": p, "value": int(v)} for p, v in self.ports.items()
            ]
        elif app == "camswitcher":
            events = [{"type": "SwitcherStart", "default_playlist_id": self.default_playlist}]
            if self.current_playlist:
                events += [self._switch_video_event(), self._switch_audio_event()]
            events += [
                {"type": "StreamAvailable", "stream_name": s, "state": v}
                for s, v in self.available.items()
            ]
        elif app == "camoverlay":
            events = [self._service_event(s) for s in self.services.values()]
        if self.generation == "old" or app != "camstreamer":
            return [{"type": "init", "data": e} for e in events]
        return events

    def emit(self, app: str, event: dict[str, Any]) -> None:
        """Send an event to every authorised client of `app`."""
        text = json.dumps(event)
        for ws in list(self.sockets.get(app, ())):
            if not ws.closed:
                self.events_sent += 1
                task = asyncio.get_running_loop().create_task(ws.send_str(text))
                task.add_done_callback(lambda t: t.exception())

    def emit_raw(self, app: str, data: str | bytes) -> None:
        """Send a raw frame (text or binary) to every client of `app`: bad device input."""
        for ws in list(self.sockets.get(app, ())):
            send = ws.send_bytes(data) if isinstance(data, bytes) else ws.send_str(data)
            task = asyncio.get_running_loop().create_task(send)
            task.add_done_callback(lambda t: t.exception())

    # --- routes ---------------------------------------------------------------------------

    def setup_routes(self, app: web.Application) -> None:
        """VAPIX subset and the four apps' APIs in this camera's generation."""
        r = app.router
        r.add_post("/axis-cgi/basicdeviceinfo.cgi", self._basic_device_info)
        r.add_get("/axis-cgi/basicdeviceinfo.cgi", self._basic_device_info)
        r.add_get("/axis-cgi/applications/list.cgi", self._applications)
        r.add_get("/axis-cgi/param.cgi", self._param)
        r.add_get("/axis-cgi/jpg/image.cgi", self._image)
        r.add_get("/axis-cgi/mjpg/video.cgi", self._video)
        r.add_get("/axis-cgi/com/ptz.cgi", self._ptz)
        for path, event_app in EVENT_PATHS.items():
            r.add_get(path, self._events_handler(event_app))
        r.add_post("/sim/fail", self._sim_fail)
        cs = "/local/camstreamer/"
        if self.generation == "new":
            r.add_get(cs + "stream_list.cgi", self._app("camstreamer", self._stream_list))
            for flag in ("enabled", "active"):
                r.add_post(
                    cs + f"set_stream_{flag}.cgi", self._app("camstreamer", self._set_flag(flag))
                )
        else:
            r.add_get(cs + "stream/list.cgi", self._app("camstreamer", self._stream_list))
        r.add_get(cs + "stream/set.cgi", self._app("camstreamer", self._stream_set))
        r.add_get(cs + "stream/get.cgi", self._app("camstreamer", self._stream_get))
        r.add_get(cs + "stream/remove.cgi", self._app("camstreamer", self._stream_remove))
        r.add_get(cs + "get_streamstat.cgi", self._app("camstreamer", self._stream_stat))
        r.add_get(
            cs + "api/ws_authorization.cgi", self._app("camstreamer", self._token("camstreamer"))
        )
        sw = "/local/camswitcher/api/" if self.generation == "new" else "/local/camswitcher/"
        for cgi, handler in (
            ("playlists.cgi", self._playlists),
            ("clips.cgi", self._clips),
            ("playlist_switch.cgi", self._playlist_switch),
            ("playlist_queue_push.cgi", self._queue_push),
            ("playlist_queue_play_next.cgi", self._queue_play_next),
            ("playlist_queue_clear.cgi", self._queue_clear),
            ("playlist_queue_list.cgi", self._queue_list),
            ("ws_authorization.cgi", self._token("camswitcher")),
        ):
            r.add_get(sw + cgi, self._app("camswitcher", handler))
        r.add_get("/local/camswitcher/output_info.cgi", self._app("camswitcher", self._output_info))
        co = "/local/camoverlay/api/"
        r.add_get(co + "services.cgi", self._app("camoverlay", self._services))
        r.add_post(co + "services.cgi", self._app("camoverlay", self._services))
        r.add_get(co + "enabled.cgi", self._app("camoverlay", self._enabled))
        r.add_get(co + "infoticker.cgi", self._app("camoverlay", self._infoticker))
        r.add_get(co + "customGraphics.cgi", self._app("camoverlay", self._custom_graphics))
        r.add_get(co + "ws_authorization.cgi", self._app("camoverlay", self._token("camoverlay")))
        r.add_get(co + "network_camera_list.cgi", self._app("camoverlay", self._camera_list))
        r.add_get(
            "/local/camscripter/network_camera_list.cgi",
            self._app("camscripter", self._camera_list),
        )

    def error_response(self, status: int, message: str) -> web.Response:
        """Axis answers errors as plain text."""
        return web.Response(status=status, text=f"{status} {message}\n")

    def _app(self, app: str, handler: Any) -> Any:
        """Gate an app's handler: 404 not installed, 503 stopped, 403 JSON when unlicensed."""

        async def gated(request: web.Request) -> web.StreamResponse:
            info = self.apps.get(app)
            if info is None:
                return self.error_response(404, "Not Found")
            if info.status != "Running":
                return self.error_response(503, "Service Unavailable")
            if info.license != "Valid":
                return _ok(status=403, message="License is not valid")
            response: web.StreamResponse = await handler(request)
            return response

        return gated

    # VAPIX

    async def _basic_device_info(self, request: web.Request) -> web.Response:
        method = ""
        if request.method == "POST" and request.can_read_body:
            with contextlib.suppress(ValueError):
                body = await request.json()
                method = str(body.get("method", "")) if isinstance(body, dict) else ""
        unrestricted = method == "getAllUnrestrictedProperties" and self.unrestricted_info
        if (
            not unrestricted
            and self.auth is not None
            and (
                self.faults.unauthorized
                or not self.auth.check(request, self.username, self.password)
            )
        ):
            return self.unauthorized_response(self.auth.challenge())
        if method not in ("getAllProperties", "getAllUnrestrictedProperties"):
            return web.json_response(
                {"apiVersion": "1.3", "error": {"code": 2002, "message": "Method not supported"}}
            )
        props = {
            "Brand": "AXIS",
            "ProdNbr": self.model,
            "ProdShortName": f"AXIS {self.model}",
            "ProdFullName": f"AXIS {self.model} Network Camera",
            "ProdType": "Network Camera",
            "SerialNumber": self.serial,
            "Version": self.firmware,
        }
        if method == "getAllProperties":
            props["HardwareID"] = "74F.1"
        return web.json_response({"apiVersion": "1.3", "data": {"propertyList": props}})

    async def _applications(self, request: web.Request) -> web.Response:
        rows: list[str] = []
        for app, info in self.apps.items():
            name, nice = NICE_NAMES[app]
            rows.append(
                f"<application Name={quoteattr(name)} NiceName={quoteattr(nice)} "
                f'Vendor="CamStreamer s.r.o." Version={quoteattr(info.version)} '
                f'ApplicationID="{46000 + len(rows)}" '
                f"License={quoteattr(info.license)} Status={quoteattr(info.status)} "
                f'ConfigurationPage="local/{app}/index.html" VendorHomePage="https://camstreamer.com"/>'
            )
        body = '<reply result="ok">\n' + "\n".join(rows) + "\n</reply>\n"
        return web.Response(text=body, content_type="text/xml")

    def _params(self) -> dict[str, str]:
        return {
            "CamOverlay.Enabled": "1" if self.overlay_enabled else "0",
            "camswitcher.masterAudio": json.dumps(self.master_audio),
            **self.video.params(),
        }

    async def _param(self, request: web.Request) -> web.Response:
        query = dict(request.query)
        action = query.pop("action", "")
        params = self._params()
        if action == "list":
            group = query.get("group", "")
            lines = [
                f"root.{k}={v}" for k, v in params.items() if k.lower().startswith(group.lower())
            ]
            if not lines:
                return web.Response(text=f"# Error: Error -1 getting param in group '{group}'\n")
            return web.Response(text="\n".join(lines) + "\n")
        if action == "update":
            for key, value in query.items():
                if key.lower() == "camoverlay.enabled":
                    self.overlay_enabled = value == "1"
                elif key.lower() == "camswitcher.masteraudio":
                    try:
                        audio = json.loads(value)
                    except ValueError:
                        return web.Response(text="# Error: bad value\n")
                    self.master_audio = {k: str(v) for k, v in audio.items()}
                    self.emit("camswitcher", self._switch_audio_event())
                else:
                    return web.Response(text=f"# Error: Error setting '{key}'\n")
            return web.Response(text="OK\n")
        return web.Response(text="# Error: unknown action\n")

    async def _ptz(self, request: web.Request) -> web.Response:
        return await self.video.ptz(request)  # late-bound: a test may replace `video`

    async def _image(self, request: web.Request) -> web.Response:
        if (channel := self.video.channel(request)) is None:
            return self.error_response(400, "Bad Request")
        jpeg = await self.renderer(_renderer_key(channel), WIDTH, HEIGHT).frame()
        return web.Response(body=jpeg, content_type="image/jpeg")

    async def _video(self, request: web.Request) -> web.StreamResponse:
        if (channel := self.video.channel(request)) is None:
            return self.error_response(400, "Bad Request")
        try:
            fps = float(request.query.get("fps", "15"))
        except ValueError:
            fps = 15.0
        return await serve_mjpeg(
            request,
            self,
            self.renderer(_renderer_key(channel), WIDTH, HEIGHT),
            max(1.0, fps),
            boundary="myboundary",
        )

    # CamStreamer

    async def _sim_fail(self, request: web.Request) -> web.Response:
        """`POST /sim/fail?stream_id=ID[&message=TEXT]`: `fail_stream` (simulator only)."""
        stream_id = request.query.get("stream_id", "")
        if stream_id not in self.streams:
            return _ok(status=400, message="Unknown stream_id")
        self.fail_stream(stream_id, request.query.get("message", DEFAULT_FAILURE))
        return _ok()

    async def _stream_list(self, request: web.Request) -> web.Response:
        if self.generation == "new":
            items = [
                {
                    "streamId": s.id,
                    "enabled": s.enabled,
                    "active": s.active,
                    "title": s.title,
                    "platform": s.platform,
                    "trigger": s.trigger(),
                    "isStreaming": self.is_streaming(s),
                }
                for s in self.streams.values()
            ]
            return _ok(data={"streamList": items})
        return web.json_response(
            {
                s.id: {
                    **s.params,
                    "enabled": "1" if s.enabled else "0",
                    "active": "1" if s.active else "0",
                    "trigger": s.trigger(),
                }
                for s in self.streams.values()
            }
        )

    def _set_flag(self, flag: str) -> Any:
        async def handler(request: web.Request) -> web.Response:
            form = await request.post()
            stream_id, value = str(form.get("stream_id", "")), _flag(str(form.get(flag, "")))
            if stream_id not in self.streams or value is None:
                return _ok(status=400, message=f"Invalid stream_id or {flag}")
            self._update_stream(stream_id, **{flag: value})
            return _ok()

        return handler

    async def _stream_set(self, request: web.Request) -> web.Response:
        query = dict(request.query)
        stream_id = query.pop("stream_id", "")
        if not stream_id:
            return _ok(status=400, message="Missing stream_id")
        stream = self.streams.get(stream_id)
        only_flags = stream is not None and set(query) <= {"enabled", "active"}
        if stream is None:
            stream = SimStream(stream_id, title=query.get("title", ""), platform="rtmp")
            self.streams[stream_id] = stream
        was = self.is_streaming(stream)
        for key, value in query.items():
            if key in ("enabled", "active"):
                setattr(stream, key, bool(_flag(value)))
            else:
                stream.params[key] = value
        stream.title = query.get("title", stream.title)
        if only_flags:
            stream.failure = None
            self._announce(stream, was)
        else:
            self._track_streaming(stream, was)
            self.restart_app("camstreamer")
        return _ok()

    async def _stream_get(self, request: web.Request) -> web.Response:
        stream = self.streams.get(request.query.get("stream_id", ""))
        if stream is None:
            return _ok(status=400, message="Unknown stream_id")
        params = {
            **STREAM_DEFAULTS,
            "title": stream.title,
            **stream.params,
            "enabled": "1" if stream.enabled else "0",
            "active": "1" if stream.active else "0",
            "trigger": stream.trigger(),
        }
        return _ok(data=params)

    async def _stream_remove(self, request: web.Request) -> web.Response:
        stream_id = request.query.get("stream_id", "")
        if stream_id not in self.streams:
            return _ok(status=400, message="Unknown stream_id")
        self.remove_stream(stream_id)
        return _ok()

    async def _stream_stat(self, request: web.Request) -> web.Response:
        stream = self.streams.get(request.query.get("stream_id", ""))
        if stream is None:
            return _ok(status=400, message="Unknown stream_id")
        return _ok(
            data={
                "net_stats": "110779840 1107300413",
                "stream_bytes_time_ms": int(time.time() * 1000),
                "stream_bytes": self.stream_bytes(stream),
                "start_count": stream.start_count,
                "is_streaming": int(self.is_streaming(stream)),
            }
        )

    def _token(self, app: str) -> Any:
        async def handler(request: web.Request) -> web.Response:
            token = secrets.token_urlsafe(15)
            self.tokens[token] = (app, time.monotonic())
            if self.generation == "new" and app != "camoverlay":
                return _ok(data=token)
            return web.json_response({"status": 200, "message": token})

        return handler

    # CamSwitcher

    async def _playlists(self, request: web.Request) -> web.Response:
        data = {
            pid: {
                "niceName": p["niceName"],
                "loop": False,
                "isFavourite": False,
                "stream_list": [],
                "keyboard": {},
                "channel": "av",
            }
            for pid, p in self.playlists.items()
        }
        return _ok(data=data)

    async def _clips(self, request: web.Request) -> web.Response:
        clips = {
            pid: {"niceName": p["niceName"], "channel": "av"}
            for pid, p in self.playlists.items()
            if p["kind"] == "clip"
        }
        return _ok(data=clips)

    def _playlist_param(self, request: web.Request) -> str | None:
        name = request.query.get("playlist_name", "")
        return name if name in self.playlists else None

    async def _playlist_switch(self, request: web.Request) -> web.Response:
        if (pid := self._playlist_param(request)) is None:
            return _ok(status=400, message="Unknown playlist")
        self.queue.clear()
        self.switch_playlist(pid)
        return _ok()

    async def _queue_push(self, request: web.Request) -> web.Response:
        if (pid := self._playlist_param(request)) is None:
            return _ok(status=400, message="Unknown playlist")
        self.queue.append(pid)
        return _ok()

    async def _queue_play_next(self, request: web.Request) -> web.Response:
        if self.queue:
            self.switch_playlist(self.queue.pop(0))
        return _ok()

    async def _queue_clear(self, request: web.Request) -> web.Response:
        self.queue.clear()
        return _ok()

    async def _queue_list(self, request: web.Request) -> web.Response:
        return _ok(data={"playlist_queue_list": list(self.queue)})

    async def _output_info(self, request: web.Request) -> web.Response:
        alias = secrets.token_hex(32)
        self.output_links.append(alias)
        return _ok(
            data={
                "rtsp_url": f"rtsp://127.0.0.1:1554/{alias}",
                "ws": "ws://127.0.0.1/local/camswitcher/video",
                "ws_initial_message": json.dumps({"type": "ALIAS_NAME", "data": alias}),
            }
        )

    # CamOverlay

    async def _services(self, request: web.Request) -> web.Response:
        if request.method == "POST":
            self.restart_app("camoverlay")
            return _ok()
        services = [
            {
                "id": s.id,
                "enabled": int(s.enabled),
                "automationType": "manual",
                "cameraList": [0],
                "schedule": "",
                "name": s.name,
                "customName": s.custom_name,
                **({"sourceType": "text", "source": s.source} if s.name == "infoticker" else {}),
                **({"fields": dict(s.fields)} if s.name == "customGraphics" else {}),
            }
            for s in self.services.values()
        ]
        return web.json_response({"services": services})

    async def _enabled(self, request: web.Request) -> web.Response:
        changes: list[tuple[SimService, bool]] = []
        for key, value in request.query.items():
            service = self._service_by_key(key)
            flag = _flag(value)
            if service is None or flag is None:
                return _ok(status=400, message=f"Invalid parameter {key}")
            changes.append((service, flag))
        for service, flag in changes:
            self.set_service_enabled(service.id, flag)
        return _ok()

    def _service_by_key(self, key: str) -> SimService | None:
        if key.startswith("id_") and key[3:].isdigit():
            return self.services.get(int(key[3:]))
        if key.startswith("name_"):
            return next((s for s in self.services.values() if s.custom_name == key[5:]), None)
        return None

    def _service_param(self, request: web.Request, kind: str) -> SimService | None:
        raw = request.query.get("service_id", "")
        service = self.services.get(int(raw)) if raw.isdigit() else None
        return service if service is not None and service.name == kind else None

    async def _infoticker(self, request: web.Request) -> web.Response:
        service = self._service_param(request, "infoticker")
        if service is None or "text" not in request.query:
            return _ok(status=400, message="Invalid service_id or missing text")
        service.source = request.query["text"]
        return _ok()

    async def _custom_graphics(self, request: web.Request) -> web.Response:
        service = self._service_param(request, "customGraphics")
        action = request.query.get("action")
        if service is None or action not in ("update_text", "update_image"):
            return _ok(status=400, message="Invalid service_id or action")
        target = service.fields if action == "update_text" else service.image
        for key, value in request.query.items():
            if key not in ("action", "service_id"):
                target[key] = value
        return _ok()

    async def _camera_list(self, request: web.Request) -> web.Response:
        return web.json_response({"camera_list": list(self.network_cameras)})

    # Event WebSockets

    def _events_handler(self, app: AppName) -> Any:
        async def handler(request: web.Request) -> web.StreamResponse:
            info = self.apps.get(app)
            if info is None or not info.usable:
                return self.error_response(404, "Not Found")
            if (
                self.ws_login
                and self.auth is not None
                and not self.auth.check(request, self.username, self.password)
            ):
                return self.unauthorized_response(self.auth.challenge())
            ws = web.WebSocketResponse(protocols=("events",), heartbeat=None)
            await ws.prepare(request)
            with self.track_stream():
                await self._serve_events(app, ws)
            return ws

        return handler

    async def _serve_events(self, app: AppName, ws: web.WebSocketResponse) -> None:
        try:
            first = await ws.receive(timeout=10)
        except TimeoutError:
            await ws.close()
            return
        if not self._authorize(app, first):
            await ws.send_json({"type": "authorization", "state": "Error"})
            await ws.close()
            return
        for frame in self.ws_greeting:
            await (ws.send_bytes(frame) if isinstance(frame, bytes) else ws.send_str(frame))
        await asyncio.sleep(self.ws_auth_delay)
        await ws.send_json({"type": "authorization", "state": "OK"})
        await self._send_init(app, ws)
        self.sockets[app].add(ws)
        try:
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    continue
                with contextlib.suppress(ValueError):
                    if json.loads(msg.data).get("command") == "sendInitData":
                        await self._send_init(app, ws)
        finally:
            self.sockets[app].discard(ws)

    async def _send_init(self, app: str, ws: web.WebSocketResponse) -> None:
        for event in self.init_data(app):
            await ws.send_json(event)

    def _authorize(self, app: str, msg: Any) -> bool:
        """A single-use token of this app, younger than `token_lifetime`."""
        if msg.type is not WSMsgType.TEXT:
            return False
        try:
            token = json.loads(msg.data).get("authorization")
        except (ValueError, AttributeError):
            return False
        issued = self.tokens.pop(token, None) if isinstance(token, str) else None
        if issued is None:
            return False
        return issued[0] == app and time.monotonic() - issued[1] <= self.token_lifetime


def _renderer_key(channel: int) -> str:
    """Channel 1 is the camera's picture of old; each other channel renders its own."""
    return "camera" if channel == 1 else f"camera {channel}"


def _ok(*, status: int = 200, message: str = "OK", data: Any = None) -> web.Response:
    """The apps' JSON envelope (HTTP 200 even for errors, like the real apps)."""
    body: dict[str, Any] = {"status": status, "message": message}
    if data is not None:
        body["data"] = data
    return web.json_response(body)
