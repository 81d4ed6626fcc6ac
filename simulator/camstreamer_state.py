"""The CamStreamer camera's state, what changes it, and the events each change emits.

`AxisCameraState` is the device without its HTTP routes (camstreamer.py adds VAPIX and the
routing table, the camstreamer_*.py mixins the apps' routes and the event WebSocket): the
apps, streams, playlists and services; the `set_*` methods a test (or a route) calls; and the
events they send to every authorised client (`emit`, `init_data`), so that an API call and a
test changing the state directly announce it the same way.
"""

from __future__ import annotations

import asyncio
import json
import time
from concurrent.futures import Executor
from typing import Any

from aiohttp import web

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
from .camstreamer_models import (
    APP_NAMES,
    EVENT_PATHS,
    TOKEN_LIFETIME,
    AppName,
    Generation,
    SimApp,
    SimService,
    SimStream,
    default_playlists,
    default_services,
    default_streams,
)
from .device import SimDevice
from .frames import FrameClock


class AxisCameraState(SimDevice):
    """The Axis camera's and its apps' state, and the events its changes emit."""

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
        self.streams: dict[str, SimStream] = {s.id: s for s in default_streams()}
        self.playlists = default_playlists()
        self.current_playlist: str | None = next(iter(self.playlists))
        self.queue: list[str] = []
        self.default_playlist = next(iter(self.playlists))
        self.available: dict[str, bool] = {
            pid: True for pid, p in self.playlists.items() if p["kind"] == "camera"
        }
        self.master_audio: dict[str, str] = {"type": "NONE"}
        self.overlay_enabled = True
        self.services: dict[int, SimService] = {s.id: s for s in default_services()}
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

    def error_response(self, status: int, message: str) -> web.Response:
        """Axis answers errors as plain text."""
        return web.Response(status=status, text=f"{status} {message}\n")
