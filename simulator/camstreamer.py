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

Where it lives: camstreamer_models.py (names, records, defaults), camstreamer_state.py (the
state, its `set_*` changes and the events they emit), one module of routes per app
(camstreamer_streams.py, camstreamer_switcher.py, camstreamer_overlay.py, which also answers
CamScripter), camstreamer_events.py (the event WebSockets) and camstreamer_broadcast.py (what
a broadcast says). This module is the device itself: the VAPIX subset, the routing table, the
app gate and the event tokens; it re-exports the records tests and benchmarks import from here.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import time
from typing import Any, ClassVar
from xml.sax.saxutils import quoteattr

from aiohttp import web

from .camstreamer_events import EventSockets
from .camstreamer_models import (
    APP_NAMES,
    EVENT_PATHS,
    HEIGHT,
    NICE_NAMES,
    STREAM_DEFAULTS,
    TOKEN_LIFETIME,
    WIDTH,
    AppName,
    AxisCameraOptions,
    Generation,
    SimApp,
    SimService,
    SimStream,
    app_json,
)
from .camstreamer_overlay import CamOverlayRoutes
from .camstreamer_streams import CamStreamerRoutes
from .camstreamer_switcher import CamSwitcherRoutes
from .mjpeg import serve_mjpeg

__all__ = [
    "APP_NAMES",
    "EVENT_PATHS",
    "NICE_NAMES",
    "STREAM_DEFAULTS",
    "TOKEN_LIFETIME",
    "AppName",
    "AxisCamera",
    "AxisCameraOptions",
    "Generation",
    "SimApp",
    "SimService",
    "SimStream",
]


class AxisCamera(CamStreamerRoutes, CamSwitcherRoutes, CamOverlayRoutes, EventSockets):
    """An Axis camera with (a subset of) the four CamStreamer apps."""

    family: ClassVar[str] = "camstreamer"
    public_paths: ClassVar[frozenset[str]] = frozenset(
        {"/axis-cgi/basicdeviceinfo.cgi", "/sim/fail", *EVENT_PATHS}
    )

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

    def _app(self, app: str, handler: Any) -> Any:
        """Gate an app's handler: 404 not installed, 503 stopped, 403 JSON when unlicensed."""

        async def gated(request: web.Request) -> web.StreamResponse:
            info = self.apps.get(app)
            if info is None:
                return self.error_response(404, "Not Found")
            if info.status != "Running":
                return self.error_response(503, "Service Unavailable")
            if info.license != "Valid":
                return app_json(status=403, message="License is not valid")
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

    def _token(self, app: str) -> Any:
        async def handler(request: web.Request) -> web.Response:
            token = secrets.token_urlsafe(15)
            self.tokens[token] = (app, time.monotonic())
            if self.generation == "new" and app != "camoverlay":
                return app_json(data=token)
            return web.json_response({"status": 200, "message": token})

        return handler


def _renderer_key(channel: int) -> str:
    """Channel 1 is the camera's picture of old; each other channel renders its own."""
    return "camera" if channel == 1 else f"camera {channel}"
