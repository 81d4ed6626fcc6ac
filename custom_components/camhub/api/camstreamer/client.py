"""CamStreamer apps: the Axis transport and the camera's client."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any, Literal
from urllib.parse import quote, urlencode

import aiohttp
from yarl import URL

from ..auth import DigestAuth, DigestChallenge, basic_authorization
from ..errors import ConnectError, DeviceError
from ..mjpeg import boundary_from_content_type, iter_frames
from ..transport import MAX_BODY, AuthMode, Reply, Transport, stream_timeout
from .models import (
    EVENT_PATHS,
    MASTER_AUDIO_TYPES,
    MJPEG_FPS_MAX,
    RTSP_PORT,
    App,
    AppInfo,
    AxisInfo,
    MasterAudio,
    NetworkCamera,
    OverlayService,
    Playlist,
    Stream,
    StreamStats,
)
from .parsers import (
    _flag,
    _object,
    _payload,
    parse_applications,
    parse_channels,
    parse_clips,
    parse_device_info,
    parse_error,
    parse_master_audio,
    parse_network_cameras,
    parse_output_info,
    parse_params,
    parse_playlists,
    parse_presets,
    parse_queue,
    parse_services,
    parse_stream_list,
    parse_stream_stats,
    parse_ws_token,
)


def _with_query(path: str, params: Mapping[str, str | int] | None) -> str:
    """`path?query`, every reserved character percent-encoded and spaces as %20 (not `+`).

    The apps decode `+` as a plus on some versions; %20 is a space on all of them.
    """
    if not params:
        return path
    return f"{path}?{urlencode(params, quote_via=quote, safe='')}"


class AxisTransport(Transport):
    """The shared transport with the query folded into the path (encoded as the apps expect)."""

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        json_body: Any = None,
        data: Mapping[str, str] | None = None,
        max_body: int = MAX_BODY,
    ) -> Reply:
        """`Transport.request`, and an app's error envelope in an HTTP 200 is raised too.

        The apps answer `{"status": 400, "message": "Invalid stream_id"}` with HTTP 200, so
        a write that the app refused would otherwise look like a success.
        """
        reply = await super().request(
            method, path, params=params, json_body=json_body, data=data, max_body=max_body
        )
        if reply.body.lstrip()[:1] == b"{" and (err := parse_error(reply.status, reply.body)):
            raise err
        return reply

    @asynccontextmanager
    async def open(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        json_body: Any = None,
        data: Mapping[str, str] | None = None,
        client_timeout: aiohttp.ClientTimeout | None = None,
    ) -> AsyncIterator[aiohttp.ClientResponse]:
        """`Transport.open` with the parameters already in the (raw) target."""
        async with super().open(
            method,
            _with_query(path, params),
            json_body=json_body,
            data=data,
            client_timeout=client_timeout,
        ) as resp:
            yield resp


# --- the client -----------------------------------------------------------------------------


class AxisCamStreamerClient:
    """An Axis camera and its CamStreamer apps."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: str | URL,
        username: str | None = None,
        password: str | None = None,
        *,
        timeout: float = 10.0,
    ) -> None:
        """Digest with Basic fallback (AUTO) when there is a login; none for probing."""
        self.session = session
        self.username = username or ""
        self.password = password or ""
        self.transport = AxisTransport(
            session,
            base_url,
            auth=AuthMode.AUTO if username else AuthMode.NONE,
            username=username,
            password=password,
            timeout=timeout,
            error_parser=parse_error,
        )
        self.streamer_generation: Literal["new", "old"] | None = None
        self.switcher_prefix: str | None = None

    @property
    def base_url(self) -> URL:
        """The camera's base URL."""
        return self.transport.base_url

    # Identity and apps

    async def unrestricted_info(self) -> AxisInfo:
        """Identity without a login (`getAllUnrestrictedProperties`, firmware 8.40+)."""
        return await self._device_info("getAllUnrestrictedProperties")

    async def device_info(self) -> AxisInfo:
        """Identity with the login (so it also checks the credentials)."""
        return await self._device_info("getAllProperties")

    async def _device_info(self, method: str) -> AxisInfo:
        reply = await self.transport.request(
            "POST",
            "/axis-cgi/basicdeviceinfo.cgi",
            json_body={"apiVersion": "1.0", "method": method},
        )
        return parse_device_info(reply.json())

    async def challenge(self) -> str | None:
        """The WWW-Authenticate header a protected Axis path answers without credentials."""
        try:
            async with self.session.get(
                self.transport.url("/axis-cgi/basicdeviceinfo.cgi"),
                timeout=aiohttp.ClientTimeout(total=self.transport.timeout),
                allow_redirects=False,
            ) as resp:
                return resp.headers.get("WWW-Authenticate") if resp.status == 401 else None
        except (aiohttp.ClientError, OSError, TimeoutError) as err:
            raise ConnectError(f"GET basicdeviceinfo.cgi: {err}") from err

    async def applications(self) -> dict[str, AppInfo]:
        """Installed ACAP apps with their licence and run status."""
        reply = await self.transport.request("GET", "/axis-cgi/applications/list.cgi")
        return parse_applications(reply.body)

    async def params(self, group: str) -> dict[str, str]:
        """VAPIX parameters of a group, without the `root.` prefix."""
        reply = await self.transport.request(
            "GET", "/axis-cgi/param.cgi", params={"action": "list", "group": group}
        )
        return parse_params(reply.body)

    async def set_param(self, name: str, value: str) -> None:
        """Update one VAPIX parameter."""
        reply = await self.transport.request(
            "GET", "/axis-cgi/param.cgi", params={"action": "update", name: value}
        )
        if not reply.body.strip().upper().startswith(b"OK"):
            raise DeviceError(400, reply.body.decode("utf-8", "replace").strip()[:200])

    # Video

    async def snapshot(self, channel: int = 1) -> bytes:
        """A JPEG from the camera (`channel` of a multi-sensor camera, from 1)."""
        params = {"camera": channel} if channel > 1 else None
        return await self.transport.get_image("/axis-cgi/jpg/image.cgi", params)

    async def mjpeg(self, fps: int, channel: int = 1) -> AsyncIterator[bytes]:
        """The camera's MJPEG stream at `fps`, frame by frame, until it breaks."""
        params = {"fps": max(1, min(fps, MJPEG_FPS_MAX))}
        if channel > 1:
            params["camera"] = channel
        async with self.transport.open(
            "GET", "/axis-cgi/mjpg/video.cgi", params=params, client_timeout=stream_timeout()
        ) as resp:
            boundary = boundary_from_content_type(resp.headers.get("Content-Type", ""))
            async for frame in iter_frames(resp.content.iter_any(), boundary):
                yield frame

    def rtsp_url(self, channel: int = 1) -> str:
        """The camera's RTSP stream, credentials in the URL (for go2rtc / stream)."""
        path = "/axis-media/media.amp" + (f"?camera={channel}" if channel > 1 else "")
        return self._rtsp(self.base_url.host or "", RTSP_PORT, path)

    async def channels(self) -> int:
        """How many video channels (sensors or view areas) the camera has."""
        try:
            return parse_channels(await self.params("ImageSource.NbrOfSources"))
        except DeviceError:
            return 1  # firmware without the parameter: one channel

    async def ptz_presets(self) -> dict[int, tuple[str, ...]]:
        """PTZ presets by channel; empty for a camera without PTZ (`ptz.cgi` answers 404)."""
        try:
            reply = await self.transport.request(
                "GET", "/axis-cgi/com/ptz.cgi", params={"query": "presetposall"}
            )
        except DeviceError as err:
            if err.code in (400, 404):
                return {}
            raise
        return parse_presets(reply.body)

    async def goto_preset(self, channel: int, name: str) -> None:
        """Move channel `channel` to the server preset called `name` (case-sensitive)."""
        await self.transport.request(
            "GET",
            "/axis-cgi/com/ptz.cgi",
            params={"camera": channel, "gotoserverpresetname": name},
        )

    def _rtsp(self, host: str, port: int | None, path_qs: str) -> str:
        cred = ""
        if self.username:
            cred = f"{quote(self.username, safe='')}:{quote(self.password, safe='')}@"
        hostpart = f"[{host}]" if ":" in host else host
        return f"rtsp://{cred}{hostpart}{f':{port}' if port else ''}{path_qs}"

    async def switcher_output_url(self) -> str:
        """A fresh single-use CamSwitcher RTSP link, pointing at the camera (not 127.0.0.1)."""
        url = parse_output_info(await self.transport.get_json("/local/camswitcher/output_info.cgi"))
        return self._rtsp(self.base_url.host or "", url.port, url.raw_path_qs)

    # CamStreamer

    async def streams(self) -> dict[str, Stream]:
        """All streams, from whichever list endpoint this app version has."""
        if self.streamer_generation != "old":
            try:
                data = await self.transport.get_json(
                    "/local/camstreamer/stream_list.cgi", {"action": "get"}
                )
            except DeviceError as err:
                if err.code != 404 or self.streamer_generation == "new":
                    raise
                self.streamer_generation = "old"
            else:
                self.streamer_generation = "new"
                return parse_stream_list(data)
        data = await self.transport.get_json(
            "/local/camstreamer/stream/list.cgi", {"action": "get"}
        )
        return parse_stream_list(data)

    async def set_stream_flag(
        self, stream_id: str, flag: Literal["enabled", "active"], on: bool
    ) -> None:
        """Start/stop (`enabled`) or pause/resume (`active`) a stream."""
        if self.streamer_generation is None:
            await self.streams()
        if self.streamer_generation == "new":
            await self.transport.request(
                "POST",
                f"/local/camstreamer/set_stream_{flag}.cgi",
                data={"stream_id": stream_id, flag: "1" if on else "0"},
            )
        else:
            await self.set_stream(stream_id, {flag: "1" if on else "0"})

    async def set_stream(self, stream_id: str, params: Mapping[str, str]) -> None:
        """Create or modify a stream (`stream/set.cgi`); params must be validated already."""
        await self.transport.request(
            "GET", "/local/camstreamer/stream/set.cgi", params={"stream_id": stream_id, **params}
        )

    async def stream_params(self, stream_id: str) -> dict[str, str]:
        """One stream's parameters as the app stores them (`stream/get.cgi`)."""
        data = _payload(
            await self.transport.get_json(
                "/local/camstreamer/stream/get.cgi", {"stream_id": stream_id}
            ),
            "stream",
        )
        obj = _object(data, "stream")
        obj = obj.get(stream_id, obj) if isinstance(obj.get(stream_id), dict) else obj
        return {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in obj.items()}

    async def remove_stream(self, stream_id: str) -> None:
        """Delete a stream (`stream/remove.cgi`; the app restarts)."""
        await self.transport.request(
            "GET", "/local/camstreamer/stream/remove.cgi", params={"stream_id": stream_id}
        )

    async def stream_stats(self, stream_id: str) -> StreamStats:
        """Bytes sent and starts of one stream."""
        data = await self.transport.get_json(
            "/local/camstreamer/get_streamstat.cgi", {"stream_id": stream_id}
        )
        return parse_stream_stats(data)

    # CamSwitcher

    async def _switcher_json(self, name: str, params: Mapping[str, str] | None = None) -> Any:
        """GET a CamSwitcher endpoint at `/local/camswitcher/api/<name>` or without `/api/`."""
        prefixes = ["api/", ""] if self.switcher_prefix is None else [self.switcher_prefix]
        for prefix in prefixes[:-1]:
            try:
                data = await self.transport.get_json(f"/local/camswitcher/{prefix}{name}", params)
            except DeviceError as err:
                if err.code != 404:
                    raise
                continue
            self.switcher_prefix = prefix
            return data
        data = await self.transport.get_json(f"/local/camswitcher/{prefixes[-1]}{name}", params)
        self.switcher_prefix = prefixes[-1]
        return data

    async def _switcher(self, name: str, params: Mapping[str, str] | None = None) -> Any:
        return _payload(await self._switcher_json(name, params), name)

    async def playlists(self) -> dict[str, Playlist]:
        """Playlists by id."""
        return parse_playlists(await self._switcher("playlists.cgi", {"action": "get"}))

    async def clips(self) -> dict[str, str]:
        """Clips by id."""
        return parse_clips(await self._switcher("clips.cgi", {"action": "get"}))

    async def playlist_switch(self, playlist_id: str) -> None:
        """Play a playlist now (clears the queue)."""
        await self._switcher("playlist_switch.cgi", {"playlist_name": playlist_id})

    async def queue_push(self, playlist_id: str) -> None:
        """Append a playlist to the queue."""
        await self._switcher("playlist_queue_push.cgi", {"playlist_name": playlist_id})

    async def queue_play_next(self) -> None:
        """Play the next playlist of the queue."""
        await self._switcher("playlist_queue_play_next.cgi")

    async def queue_clear(self) -> None:
        """Empty the queue."""
        await self._switcher("playlist_queue_clear.cgi")

    async def queue(self) -> list[str]:
        """Playlist ids waiting in the queue, next first."""
        return parse_queue(await self._switcher("playlist_queue_list.cgi"))

    async def master_audio(self) -> MasterAudio:
        """The master audio setting."""
        params = await self.params("camswitcher.masterAudio")
        value = next((v for k, v in params.items() if k.lower().endswith("masteraudio")), None)
        return parse_master_audio(value)

    async def set_master_audio(self, audio: MasterAudio) -> None:
        """Change the master audio (a VAPIX parameter, no event follows)."""
        if audio.type not in MASTER_AUDIO_TYPES:
            raise ValueError(f"master audio type must be one of {MASTER_AUDIO_TYPES}")
        value: dict[str, str] = {"type": audio.type}
        if audio.type == "STREAM":
            value["stream_name"] = audio.stream_name
        elif audio.type == "CLIP":
            value["clip_name"] = audio.clip_name
        await self.set_param("camswitcher.masterAudio", json.dumps(value, separators=(",", ":")))

    # CamOverlay

    async def services(self) -> dict[int, OverlayService]:
        """Overlay services by id."""
        data = await self.transport.get_json(
            "/local/camoverlay/api/services.cgi", {"action": "get"}
        )
        return parse_services(data)

    async def overlay_enabled(self) -> bool:
        """The global `CamOverlay.Enabled` parameter."""
        params = await self.params("CamOverlay.Enabled")
        value = next((v for k, v in params.items() if k.lower() == "camoverlay.enabled"), "0")
        return _flag(value, "CamOverlay.Enabled")

    async def set_overlay_enabled(self, on: bool) -> None:
        """Show or hide all overlays."""
        await self.set_param("CamOverlay.Enabled", "1" if on else "0")

    async def set_service_enabled(self, service_id: int, on: bool) -> None:
        """Show or hide one overlay service (a ServiceStart/ServiceStop event follows)."""
        await self.transport.request(
            "GET", "/local/camoverlay/api/enabled.cgi", params={f"id_{service_id}": int(on)}
        )

    async def set_infoticker_text(self, service_id: int, text: str) -> None:
        """Replace an Info Ticker's text."""
        await self.transport.request(
            "GET",
            "/local/camoverlay/api/infoticker.cgi",
            params={"service_id": service_id, "text": text},
        )

    async def update_custom_graphics(self, params: Mapping[str, str]) -> None:
        """`customGraphics.cgi` with parameters from `custom_graphics_params`."""
        await self.transport.request(
            "GET", "/local/camoverlay/api/customGraphics.cgi", params=params
        )

    # CamScripter / CamOverlay: other cameras on the network

    async def network_cameras(self, app: App = "camscripter") -> list[NetworkCamera]:
        """Cameras the app found by mDNS."""
        path = {
            "camscripter": "/local/camscripter/network_camera_list.cgi",
            "camoverlay": "/local/camoverlay/api/network_camera_list.cgi",
        }.get(app)
        if path is None:
            raise ValueError(f"{app} has no camera list")
        return parse_network_cameras(await self.transport.get_json(path))

    # Events

    async def ws_token(self, app: App) -> str:
        """A fresh single-use token for `app`'s event channel (valid 30 s)."""
        if app == "camswitcher":
            return parse_ws_token(await self._switcher_json("ws_authorization.cgi"))
        return parse_ws_token(
            await self.transport.get_json(f"/local/{app}/api/ws_authorization.cgi")
        )

    def event_headers(self, app: App, challenge: str | None) -> dict[str, str]:
        """HTTP auth for `app`'s event socket upgrade (`EventChannel`'s `handshake_headers`).

        Before any challenge: Basic if the camera is known to want Basic, else nothing (a
        camera that leaves the event path open needs none); then the answer to the
        camera's Digest or Basic challenge.
        """
        if not self.username:
            return {}
        basic = {"Authorization": basic_authorization(self.username, self.password)}
        if challenge is None:
            return basic if self.transport.auth_mode is AuthMode.BASIC else {}
        if challenge.strip().lower().startswith("basic"):
            return basic
        path = self.event_url(app).raw_path
        signer = DigestAuth(self.username, self.password)
        parsed = DigestChallenge.parse(challenge)
        return {"Authorization": signer.authorization(parsed, "GET", path)}

    def event_url(self, app: App) -> URL:
        """ws:// or wss:// URL of `app`'s event channel."""
        base = self.base_url
        scheme = "wss" if base.scheme == "https" else "ws"
        return base.with_scheme(scheme).join(URL(EVENT_PATHS[app]))
