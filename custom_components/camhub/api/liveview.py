"""Client for the Camera Remote live-view server (Sony Camera Remote SDK behind a REST API).

One server fronts one or more cameras (`GET /api/cameras`), each addressed by its id such as
`D10F60149B0C`. Per camera it offers live-view control and single JPEG frames
(`live-view/frame`, 404 until a frame exists), an OSD composite (`live-view/osd-frame`),
actions (`af-shutter`, `movie-rec`), and server-sent events (`/api/cameras/{id}/events`).
A WebSocket at `/ws` pushes ~15 fps binary JPEG frames, but only to the socket that sent
`start_liveview`, and for one camera per socket: `ws_frames` therefore opens its own socket.

Every error body is `{"success": false, "message": ...}`; status values come as booleans or
as the strings "true"/"false". Both are parsed here, once.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from yarl import URL

from . import safejson
from .errors import CamHubError, ConnectError, DeviceError, DeviceTimeoutError, ProtocolError
from .transport import DEFAULT_TIMEOUT, Transport, network_error, stream_timeout

_LOGGER = logging.getLogger(__name__)

DEFAULT_PORT = 8080
FRAME_STALL = 10.0
"""Seconds without a WebSocket frame before the socket counts as broken."""
SSE_STALL = 75.0
"""The server sends a keepalive comment every 30 s; this much silence means a dead stream."""
PRIORITY_PC_REMOTE = "pc-remote"
RECORDING_PROPERTY = "recording-state"
JPEG_SOI = b"\xff\xd8"
_TRUE = {"true", "1", "on", "yes"}
_FALSE = {"false", "0", "off", "no", ""}


class NoFrameError(DeviceError):
    """The server has no frame yet (404 before streaming produced one): normal, not a fault."""

    translation_key = "no_frame"


class WebSocketUnavailableError(ConnectError):
    """The server answers HTTP but refuses the WebSocket upgrade: poll frames instead."""


@dataclass(frozen=True, slots=True)
class ServerStatus:
    """`/api/server/status`: what identifies a live-view server."""

    version: str
    sdk_version: str | None
    platform: str | None
    uptime: int | None
    connected: int
    discovered: int


@dataclass(frozen=True, slots=True)
class CameraInfo:
    """One entry of `/api/cameras`."""

    id: str
    model: str
    connection_type: str | None
    connected: bool


@dataclass(frozen=True, slots=True)
class LiveViewStatus:
    """`live-view/status`: enabled on the body, and whether the server captures frames."""

    enabled: bool
    streaming: bool


@dataclass(frozen=True, slots=True)
class OsdStatus:
    """`live-view/osd-status`: whether the body can composite OSD, and whether it does."""

    supported: bool
    enabled: bool


@dataclass(frozen=True, slots=True)
class ServerEvent:
    """One server-sent event: its name and JSON payload (an empty dict if there was none)."""

    name: str
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def camera_id(self) -> str | None:
        """The camera the event concerns, when it says."""
        value = self.data.get("cameraId")
        return value if isinstance(value, str) and value else None


def parse_bool(value: Any, name: str) -> bool:
    """A status flag: a JSON boolean or the strings "true"/"false" (the server sends both)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value != 0
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    raise ProtocolError(f"{name} is not a boolean: {value!r}")


def parse_error(status: int, body: bytes) -> CamHubError | None:
    """`{"success": false, "message": ...}` as a DeviceError carrying the server's message."""
    try:
        data = safejson.loads(body)
    except ProtocolError:
        return None
    if not isinstance(data, dict) or data.get("success") is not False:
        return None
    message = str(data.get("message") or "unknown error")
    return DeviceError(status, message)


def _envelope(data: Any) -> dict[str, Any]:
    """A successful answer; `success: false` (even with HTTP 200) raises the server's message."""
    if not isinstance(data, dict):
        raise ProtocolError("answer is not a JSON object")
    if data.get("success") is not True:
        raise parse_error(200, json.dumps(data).encode()) or ProtocolError("answer has no success")
    return data


def _data(answer: Any) -> dict[str, Any]:
    data = _envelope(answer).get("data")
    if not isinstance(data, dict):
        raise ProtocolError("answer has no data object")
    return data


def parse_server_status(answer: Any) -> ServerStatus:
    """Read `/api/server/status`; a server without `server.version` is not this server."""
    data = _envelope(answer)
    server, cameras = data.get("server"), data.get("cameras")
    if not isinstance(server, dict) or not isinstance(server.get("version"), str):
        raise ProtocolError("server status has no server.version")
    if not isinstance(cameras, dict):
        raise ProtocolError("server status has no camera counts")
    return ServerStatus(
        version=server["version"],
        sdk_version=_opt_str(server.get("sdkVersion")),
        platform=_opt_str(server.get("platform")),
        uptime=server["uptime"] if isinstance(server.get("uptime"), int) else None,
        connected=_int(cameras.get("connected")),
        discovered=_int(cameras.get("discovered")),
    )


def parse_cameras(answer: Any) -> tuple[CameraInfo, ...]:
    """Read `/api/cameras`; entries without an id are skipped, duplicates keep the first."""
    cameras = _envelope(answer).get("cameras")
    if not isinstance(cameras, list):
        raise ProtocolError("camera list has no cameras array")
    found: dict[str, CameraInfo] = {}
    for item in cameras:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not item["id"]:
            continue
        if item["id"] in found:
            continue
        found[item["id"]] = CameraInfo(
            id=item["id"],
            model=str(item.get("model") or "Sony camera"),
            connection_type=_opt_str(item.get("connectionType")),
            connected=parse_bool(item.get("connected", False), "connected"),
        )
    return tuple(found.values())


def parse_live_view_status(answer: Any) -> LiveViewStatus:
    """Read `live-view/status`."""
    data = _data(answer)
    return LiveViewStatus(
        enabled=parse_bool(data.get("enabled"), "enabled"),
        streaming=parse_bool(data.get("streaming"), "streaming"),
    )


def parse_osd_status(answer: Any) -> OsdStatus:
    """Read `live-view/osd-status`; a missing `supported` means not supported."""
    data = _data(answer)
    return OsdStatus(
        supported=parse_bool(data.get("supported", False), "supported"),
        enabled=parse_bool(data.get("enabled", False), "enabled"),
    )


def parse_recording(answer: Any) -> bool:
    """`properties/recording-state`: recording unless the formatted value says otherwise.

    The SDK's values are "Not Recording" / "Recording" (and "Recording Failed", "Idle" on
    some bodies); only a value naming active recording counts as on.
    """
    data = _data(answer)
    text = str(data.get("formatted") or data.get("value") or "").strip().lower()
    if text in ("0x1", "1", "true"):
        return True
    return text.startswith("recording") and "fail" not in text


def parse_sse_event(name: str, data: str) -> ServerEvent:
    """Decode one event's data; a non-JSON payload is kept as `{"text": ...}`."""
    try:
        payload = safejson.loads(data) if data else {}
    except ProtocolError:
        payload = {"text": data}
    if not isinstance(payload, dict):
        payload = {"value": payload}
    return ServerEvent(name or "message", payload)


class SseParser:
    """Server-sent events framing: `event:` / `data:` lines, a blank line ends an event."""

    def __init__(self) -> None:
        """Start with no pending event."""
        self._name = ""
        self._data: list[str] = []

    def feed(self, line: str) -> ServerEvent | None:
        """One line (without its end of line); returns an event when a blank line ends one."""
        if not line:
            if not self._name and not self._data:
                return None
            event = parse_sse_event(self._name, "\n".join(self._data))
            self._name, self._data = "", []
            return event
        if line.startswith(":"):  # a comment: the keepalive
            return None
        key, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if key == "event":
            self._name = value
        elif key == "data":
            self._data.append(value)
        return None


def parse_notice(text: str) -> tuple[bool, str]:
    """A WebSocket text message: (is it an error?, its message)."""
    try:
        data = safejson.loads(text)
    except ProtocolError:
        return text.lower().startswith("error"), text
    if not isinstance(data, dict):
        return False, text
    message = str(data.get("message") or data.get("status") or data.get("type") or text)
    failed = data.get("success") is False or data.get("type") == "error" or "error" in data
    return failed, message


def _opt_str(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


class LiveViewClient:
    """The parts of the live-view server's API that CamHub uses. No authentication."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: URL | str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        """Plain HTTP to the server; its JSON error bodies are parsed by `parse_error`."""
        self.transport = Transport(session, base_url, timeout=timeout, error_parser=parse_error)

    @property
    def session(self) -> aiohttp.ClientSession:
        """The shared HTTP session."""
        return self.transport.session

    def _camera(self, camera_id: str, path: str) -> str:
        return f"/api/cameras/{camera_id}/{path}"

    async def _post(self, camera_id: str, path: str, body: Any = None) -> None:
        reply = await self.transport.request("POST", self._camera(camera_id, path), json_body=body)
        _envelope(reply.json())

    # --- server -----------------------------------------------------------------------------

    async def server_status(self) -> ServerStatus:
        """Health, version and camera counts."""
        return parse_server_status(await self.transport.get_json("/api/server/status"))

    async def cameras(self) -> tuple[CameraInfo, ...]:
        """Every camera the server enumerates, connected or not."""
        return parse_cameras(await self.transport.get_json("/api/cameras"))

    # --- connection -------------------------------------------------------------------------

    async def connect(self, camera_id: str, mode: str = "remote") -> None:
        """Connect a listed camera in `mode` (remote: control and live view)."""
        await self._post(camera_id, "connection", {"mode": mode})

    async def priority_key(self, camera_id: str) -> str | None:
        """`pc-remote` or `camera-position` (None on bodies that do not implement it)."""
        data = _data(await self.transport.get_json(self._camera(camera_id, "priority-key")))
        return _opt_str(data.get("setting"))

    async def set_priority_key(self, camera_id: str, setting: str = PRIORITY_PC_REMOTE) -> None:
        """Give the server (pc-remote) or the body (camera-position) control."""
        reply = await self.transport.request(
            "PUT", self._camera(camera_id, "priority-key"), json_body={"setting": setting}
        )
        _envelope(reply.json())

    # --- live view --------------------------------------------------------------------------

    async def live_view_status(self, camera_id: str) -> LiveViewStatus:
        """Whether live view is enabled and streaming."""
        return parse_live_view_status(
            await self.transport.get_json(self._camera(camera_id, "live-view/status"))
        )

    async def osd_status(self, camera_id: str) -> OsdStatus:
        """Whether OSD is supported and enabled."""
        return parse_osd_status(
            await self.transport.get_json(self._camera(camera_id, "live-view/osd-status"))
        )

    async def set_live_view(self, camera_id: str, enabled: bool) -> None:
        """Enable or disable live view on the body (disable also stops streaming)."""
        await self._post(camera_id, "live-view/enable" if enabled else "live-view/disable")

    async def set_streaming(self, camera_id: str, streaming: bool) -> None:
        """Start (auto-enables live view) or stop the server's frame capture."""
        await self._post(camera_id, "live-view/start" if streaming else "live-view/stop")

    async def set_osd(self, camera_id: str, enabled: bool) -> None:
        """Enable or disable the OSD overlay."""
        await self._post(camera_id, "live-view/osd-enable" if enabled else "live-view/osd-disable")

    async def frame(self, camera_id: str) -> bytes:
        """The latest live-view JPEG; `NoFrameError` while there is none."""
        return await self._image(self._camera(camera_id, "live-view/frame"))

    async def osd_frame(self, camera_id: str) -> bytes:
        """The latest OSD composite JPEG; `NoFrameError` while there is none."""
        return await self._image(self._camera(camera_id, "live-view/osd-frame"))

    async def _image(self, path: str) -> bytes:
        try:
            return await self.transport.get_image(path)
        except DeviceError as err:
            if err.code == 404:
                raise NoFrameError(404, err.description) from err
            raise

    # --- actions ----------------------------------------------------------------------------

    async def af_shutter(self, camera_id: str) -> None:
        """Autofocus, then take a photo."""
        await self._post(camera_id, "actions/af-shutter")

    async def movie_rec(self, camera_id: str) -> None:
        """Toggle movie recording (the server tracks the state and flips it)."""
        await self._post(camera_id, "actions/movie-rec")

    async def recording(self, camera_id: str) -> bool:
        """Whether the camera records a movie now (its `recording-state` property)."""
        path = self._camera(camera_id, f"properties/{RECORDING_PROPERTY}")
        return parse_recording(await self.transport.get_json(path))

    async def set_recording(self, camera_id: str, recording: bool) -> None:
        """Start or stop recording: `movie-rec` only toggles, so read the state first."""
        if await self.recording(camera_id) != recording:
            await self.movie_rec(camera_id)

    # --- streams ----------------------------------------------------------------------------

    async def ws_frames(self, camera_id: str) -> AsyncIterator[bytes]:
        """Live JPEG frames of one camera over a WebSocket of its own.

        Sends `start_liveview` (the server auto-enables live view), yields each binary
        message, logs text notices, and raises `ConnectError` when the socket closes, stalls
        or reports an error. Closing the generator sends `stop_liveview` first.
        """
        ws = await self._ws_connect()
        try:
            await ws.send_json({"action": "start_liveview", "cameraId": camera_id})
            while True:
                yield await self._ws_frame(ws, camera_id)
        finally:
            if not ws.closed:
                try:
                    await ws.send_json({"action": "stop_liveview"})
                except (aiohttp.ClientError, OSError, RuntimeError):
                    _LOGGER.debug("Could not send stop_liveview for %s", camera_id)
            await ws.close()

    async def _ws_connect(self) -> aiohttp.ClientWebSocketResponse:
        url = self.transport.url("/ws")
        try:
            return await self.session.ws_connect(
                url,
                timeout=aiohttp.ClientWSTimeout(ws_receive=None, ws_close=5.0),
                autoping=True,
                max_msg_size=32 * 1024 * 1024,
            )
        except aiohttp.WSServerHandshakeError as err:
            raise WebSocketUnavailableError(f"WebSocket refused: HTTP {err.status}") from err
        except TimeoutError as err:
            raise DeviceTimeoutError("WebSocket connect timed out") from err
        except (aiohttp.ClientError, OSError) as err:
            raise ConnectError(f"WebSocket: {network_error(err)}") from err

    async def _ws_frame(self, ws: aiohttp.ClientWebSocketResponse, camera_id: str) -> bytes:
        """The next binary frame; text notices in between are logged (errors raise)."""
        while True:
            try:
                async with asyncio.timeout(FRAME_STALL):
                    msg = await ws.receive()
            except TimeoutError as err:
                raise DeviceTimeoutError(f"no frame from {camera_id} for {FRAME_STALL} s") from err
            if msg.type is aiohttp.WSMsgType.BINARY:
                data: bytes = msg.data
                if not data.startswith(JPEG_SOI):
                    raise ProtocolError("WebSocket frame is not a JPEG")
                return data
            if msg.type is aiohttp.WSMsgType.TEXT:
                failed, message = parse_notice(str(msg.data))
                if failed:
                    raise ConnectError(f"live view of {camera_id}: {message}")
                _LOGGER.debug("Live-view server notice for %s: %s", camera_id, message)
                continue
            raise ConnectError(f"WebSocket closed ({msg.type.name})")

    async def events(self, camera_id: str) -> AsyncIterator[ServerEvent]:
        """Server-sent events of one camera until the stream ends (then `ConnectError`)."""
        path = self._camera(camera_id, "events")
        async with self.transport.open(
            "GET", path, client_timeout=stream_timeout(read=SSE_STALL)
        ) as resp:
            parser = SseParser()
            try:
                while True:
                    raw = await resp.content.readuntil(b"\n")
                    if not raw:
                        break
                    event = parser.feed(raw.decode("utf-8", "replace").rstrip("\r\n"))
                    if event is not None:
                        yield event
            except TimeoutError as err:
                raise DeviceTimeoutError(f"events of {camera_id}: silent") from err
            except ValueError as err:  # aiohttp's own line-length limit
                raise ProtocolError(f"events of {camera_id}: {err}") from err
            except (aiohttp.ClientError, OSError) as err:
                raise ConnectError(f"events of {camera_id}: {network_error(err)}") from err
        raise ConnectError(f"events of {camera_id}: stream ended")
