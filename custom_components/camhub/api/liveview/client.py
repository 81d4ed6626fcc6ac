"""Client for the Camera Remote live-view server (Sony Camera Remote SDK behind a REST API).

One server fronts one or more cameras (`GET /api/cameras`), each addressed by its id such as
`D10F60149B0C`. Per camera it offers live-view control and single JPEG frames
(`live-view/frame`, 404 until a frame exists), an OSD composite (`live-view/osd-frame`),
actions (`af-shutter`, `movie-rec`), and server-sent events (`/api/cameras/{id}/events`).
A WebSocket at `/ws` pushes ~15 fps binary JPEG frames, but only to the socket that sent
`start_liveview`, and for one camera per socket: `ws_frames` therefore opens its own socket.

Per camera it also has properties (`properties/all`, `properties/{name}`: ISO, aperture,
shutter speed, ... with `writable` and `available_values` that change with other settings and
the priority key; see `properties.py`) and the zoom and focus motors (`actions/zoom`,
`actions/focus-near-far`). Answers are parsed in `parse.py`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
from yarl import URL

from ..errors import ConnectError, DeviceError, DeviceTimeoutError, ProtocolError
from ..transport import DEFAULT_TIMEOUT, Transport, network_error, stream_timeout
from .parse import (
    CameraInfo,
    LiveViewStatus,
    NoFrameError,
    OsdStatus,
    ServerEvent,
    ServerStatus,
    SseParser,
    WebSocketUnavailableError,
    answer_data,
    envelope,
    opt_str,
    parse_cameras,
    parse_error,
    parse_live_view_status,
    parse_notice,
    parse_osd_status,
    parse_recording,
    parse_server_status,
)
from .properties import CameraProperty, choose_value, parse_all_properties, parse_property

_LOGGER = logging.getLogger(__name__)

DEFAULT_PORT = 8080
FRAME_STALL = 10.0
"""Seconds without a WebSocket frame before the socket counts as broken."""
SSE_STALL = 75.0
"""The server sends a keepalive comment every 30 s; this much silence means a dead stream."""
PRIORITY_PC_REMOTE = "pc-remote"
RECORDING_PROPERTY = "recording-state"
JPEG_SOI = b"\xff\xd8"
ZOOM_SPEED_MAX = 10
FOCUS_STEP_MAX = 7


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
        envelope(reply.json())

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
        data = answer_data(await self.transport.get_json(self._camera(camera_id, "priority-key")))
        return opt_str(data.get("setting"))

    async def set_priority_key(self, camera_id: str, setting: str = PRIORITY_PC_REMOTE) -> None:
        """Give the server (pc-remote) or the body (camera-position) control."""
        reply = await self.transport.request(
            "PUT", self._camera(camera_id, "priority-key"), json_body={"setting": setting}
        )
        envelope(reply.json())

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

    # --- properties and motors --------------------------------------------------------------

    async def properties(self, camera_id: str) -> dict[str, CameraProperty]:
        """Every property the camera reports now, by name (`properties/all`)."""
        path = self._camera(camera_id, "properties/all")
        return parse_all_properties(await self.transport.get_json(path))

    async def camera_property(self, camera_id: str, name: str) -> CameraProperty:
        """One property as the camera reports it now."""
        path = self._camera(camera_id, f"properties/{name}")
        return parse_property(await self.transport.get_json(path))

    async def set_property(self, camera_id: str, name: str, label: str) -> None:
        """Set a property to one of its labels (or hex values), checked against a fresh read.

        The available values change with other settings, so the property is re-read first
        and a value the camera does not accept now raises `PropertyValueError` without a
        write; the hex value of the chosen option is what is sent.
        """
        value = choose_value(await self.camera_property(camera_id, name), label)
        reply = await self.transport.request(
            "PUT", self._camera(camera_id, f"properties/{name}"), json_body={"value": value}
        )
        envelope(reply.json())

    async def zoom(self, camera_id: str, speed: int) -> None:
        """Run the power zoom: -10..-1 out, 1..10 in (magnitude = speed), 0 stops."""
        if not -ZOOM_SPEED_MAX <= speed <= ZOOM_SPEED_MAX:
            raise ValueError(f"zoom speed must be -{ZOOM_SPEED_MAX}..{ZOOM_SPEED_MAX}: {speed}")
        await self._post(camera_id, "actions/zoom", {"speed": speed})

    async def zoom_nudge(self, camera_id: str, speed: int, seconds: float) -> None:
        """Zoom for `seconds`, then stop: the motor runs until told to, even if cancelled."""
        await self.zoom(camera_id, speed)
        try:
            await asyncio.sleep(seconds)
        finally:
            await self.zoom(camera_id, 0)

    async def focus_near_far(self, camera_id: str, step: int) -> None:
        """Move focus: -7..-1 nearer, 1..7 farther (magnitude = speed); 0 is not a step."""
        if step == 0 or not -FOCUS_STEP_MAX <= step <= FOCUS_STEP_MAX:
            raise ValueError(f"focus step must be ±1..{FOCUS_STEP_MAX}: {step}")
        await self._post(camera_id, "actions/focus-near-far", {"step": step})

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
