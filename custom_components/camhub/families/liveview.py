"""Camera Remote live-view servers: one entry per server, one device per Sony camera behind it.

The server is recognised by `/api/server/status` plus `/api/cameras` (no authentication); it
has no serial number, so its address is its unique id. Each camera is a device (its id, such
as `D10F60149B0C`, is the unique id) linked to the server with `parent`.

Live MJPEG comes from the server's WebSocket, one socket per camera (the server sends frames
only to the socket that started live view, for one camera); where the WebSocket cannot be
used, frames are polled from `live-view/frame`. State is pushed: a supervisor keeps one
server-sent-event stream per listed camera and re-reads a camera's status when it announces
a change; the coordinator polls only while a stream is down. The supervisor also re-reads the
cameras list now and then (cameras that appear are added without a reload) and, if the
option is on, connects listed cameras that are not connected.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import (
    AsyncGenerator,
    AsyncIterator,
    Awaitable,
    Callable,
    Coroutine,
    Mapping,
)
from contextlib import aclosing
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any, ClassVar

import aiohttp
import probatio
from homeassistant.const import EntityCategory, Platform
from homeassistant.helpers import selector
from yarl import URL

from ..api.errors import CamHubError, ConnectError, DeviceError
from ..api.liveview import (
    DEFAULT_PORT,
    FRAME_STALL,
    CameraInfo,
    LiveViewClient,
    LiveViewStatus,
    NoFrameError,
    OsdStatus,
    ServerEvent,
    ServerStatus,
    WebSocketUnavailableError,
)
from ..const import CONF_CONNECT_CAMERAS, CONF_FPS, DOMAIN
from ..descriptions import (
    CamHubButtonDescription,
    CamHubDescription,
    CamHubSensorDescription,
    CamHubSwitchDescription,
)
from ..devices import CamHubDeviceInfo
from ..streaming import poll_frames
from .base import Family, Identity, VideoSource, entry_url

if TYPE_CHECKING:
    from ..coordinator import CamHubCoordinator

_LOGGER = logging.getLogger(__name__)

DEFAULT_FPS = 15  # the server's own rate: "poll this endpoint at ~15 fps"
FPS_MIN, FPS_MAX = 1, 15
PROBE_TIMEOUT = 5.0
LIST_INTERVAL = 30.0
"""Seconds between re-reads of the cameras list while events are pushed."""
CONNECT_RETRY = 60.0
"""Seconds before CamHub tries again to connect a camera that refused."""
EVENT_BACKOFF = (1.0, 2.0, 5.0, 10.0, 30.0)
SNAPSHOT_POLL = 0.1


@dataclass(frozen=True, slots=True)
class CameraState:
    """One camera: its list entry and, while connected, its live-view, OSD and movie state.

    `recording` is None where the camera has no `recording-state` (no movie recording).
    """

    info: CameraInfo
    live_view: LiveViewStatus | None = None
    osd: OsdStatus | None = None
    recording: bool | None = None

    @property
    def online(self) -> bool:
        """Connected, with a status read since."""
        return self.info.connected and self.live_view is not None


@dataclass(frozen=True, slots=True)
class LiveViewState:
    """The server and every camera it lists, by camera id."""

    server_id: str
    server: ServerStatus
    cameras: Mapping[str, CameraState]

    def camera(self, camera_id: str) -> CameraState | None:
        """A camera's state, if the server lists it."""
        return self.cameras.get(camera_id)

    def with_camera(self, camera: CameraState) -> LiveViewState:
        """A copy with one camera's state replaced (a pushed change)."""
        return replace(self, cameras={**self.cameras, camera.info.id: camera})


def server_id(url: URL) -> str:
    """The server's unique id: it has no serial number, so its address."""
    return f"{url.host}:{url.port}"


async def fetch_camera(client: LiveViewClient, info: CameraInfo) -> CameraState:
    """A camera's status (three reads at once); a camera the server refuses is offline."""
    if not info.connected:
        return CameraState(info)
    cam = info.id
    live, osd, recording = await asyncio.gather(
        client.live_view_status(cam),
        _optional(client.osd_status, cam),
        _optional(client.recording, cam),
        return_exceptions=True,
    )
    for result in (live, osd, recording):
        if isinstance(result, ConnectError):
            raise result
    if isinstance(live, BaseException):
        if _refused(live):  # "Camera not connected": it dropped meanwhile
            return CameraState(replace(info, connected=False))
        raise live
    return CameraState(
        info,
        live_view=live,
        osd=osd if isinstance(osd, OsdStatus) else OsdStatus(supported=False, enabled=False),
        recording=recording if isinstance(recording, bool) else None,
    )


def _refused(err: BaseException) -> bool:
    """The server's answer about the camera (4xx), not a failure of the server itself (5xx)."""
    return isinstance(err, DeviceError) and not (isinstance(err.code, int) and err.code >= 500)


async def _optional[T](read: Callable[[str], Awaitable[T]], camera_id: str) -> T | None:
    """A capability read: a refusal (400: not available on this body) means None."""
    try:
        return await read(camera_id)
    except DeviceError:
        return None


class LiveViewFamily(Family[LiveViewClient, LiveViewState]):
    """Sony cameras behind a Camera Remote live-view server."""

    key: ClassVar[str] = "liveview"
    name: ClassVar[str] = "Camera Remote live-view server"
    needs_auth: ClassVar[bool] = False
    platforms: ClassVar[tuple[Platform, ...]] = (
        Platform.CAMERA,
        Platform.SWITCH,
        Platform.BUTTON,
        Platform.SENSOR,
    )
    update_interval: ClassVar[timedelta | None] = timedelta(seconds=30)

    def default_port(self, ssl: bool) -> int:
        """The server's default port."""
        return DEFAULT_PORT

    async def probe(self, session: aiohttp.ClientSession, url: URL) -> Identity | None:
        """Server status with `server.version`, and a cameras list: nothing else has both."""
        client = LiveViewClient(session, url, timeout=PROBE_TIMEOUT)
        try:
            status = await client.server_status()
            await client.cameras()
        except ConnectError:
            raise
        except CamHubError:
            return None
        return _identity(url, status)

    def create_client(
        self, session: aiohttp.ClientSession, data: Mapping[str, Any]
    ) -> LiveViewClient:
        """A client for the entry's server (no credentials)."""
        return LiveViewClient(session, entry_url(self, data))

    async def validate(self, client: LiveViewClient) -> Identity:
        """The server answers its status: that is all there is to check."""
        return _identity(client.transport.base_url, await client.server_status())

    async def fetch_state(self, client: LiveViewClient) -> LiveViewState:
        """Server status, the cameras list, and the status of every connected camera."""
        status, cameras = await asyncio.gather(client.server_status(), client.cameras())
        states = await asyncio.gather(*(fetch_camera(client, info) for info in cameras))
        return LiveViewState(
            server_id=server_id(client.transport.base_url),
            server=status,
            cameras={state.info.id: state for state in states},
        )

    def device_infos(self, state: LiveViewState) -> dict[str, CamHubDeviceInfo]:
        """The server first (cameras refer to it with `parent`), then every camera."""
        devices = {
            state.server_id: CamHubDeviceInfo(
                identifiers={(DOMAIN, state.server_id)},
                manufacturer="Sony",
                model="Camera Remote live-view server",
                name="Camera Remote server",
                sw_version=state.server.version,
                hw_version=state.server.platform,
            )
        }
        for camera_id, camera in state.cameras.items():
            devices[camera_id] = CamHubDeviceInfo(
                identifiers={(DOMAIN, camera_id)},
                manufacturer="Sony",
                model=camera.info.model,
                name=f"{camera.info.model} {camera_id}",
                serial_number=camera_id,
                parent=state.server_id,
            )
        return devices

    def video_sources(
        self, client: LiveViewClient, state: LiveViewState, options: Mapping[str, Any]
    ) -> list[VideoSource]:
        """Per connected camera: live view, and live view with OSD where the body has OSD."""
        fps = int(options.get(CONF_FPS, DEFAULT_FPS))
        sources: list[VideoSource] = []
        for camera_id, camera in state.cameras.items():
            if not camera.online:
                continue
            sources.append(_live_source(client, camera_id, fps))
            if camera.osd is not None and camera.osd.supported:
                sources.append(_osd_source(client, camera_id, fps))
        return sources

    def entity_descriptions(
        self, client: LiveViewClient, state: LiveViewState, options: Mapping[str, Any]
    ) -> list[CamHubDescription]:
        """The server's camera count, and each camera's switches and shutter button."""
        found: list[CamHubDescription] = [
            CamHubSensorDescription(
                key="connected_cameras",
                translation_key="connected_cameras",
                device_id=state.server_id,
                entity_category=EntityCategory.DIAGNOSTIC,
                value_fn=lambda s: sum(c.info.connected for c in s.cameras.values()),
            )
        ]
        for camera_id in state.cameras:
            found.extend(_camera_descriptions(camera_id))
        return found

    def push_tasks(
        self, client: LiveViewClient, coordinator: CamHubCoordinator
    ) -> list[Coroutine[Any, Any, None]]:
        """The event supervisor (server-sent events, list re-reads, auto-connect)."""
        return [EventSupervisor(client, coordinator).run()]

    def options_schema(self, state: LiveViewState, options: Mapping[str, Any]) -> probatio.Schema:
        """Polling rate of the fallback, and whether CamHub connects listed cameras."""
        return probatio.Schema(
            {
                probatio.Required(
                    CONF_FPS, default=options.get(CONF_FPS, DEFAULT_FPS)
                ): probatio.All(
                    selector.NumberSelector(
                        selector.NumberSelectorConfig(
                            min=FPS_MIN, max=FPS_MAX, step=1, mode=selector.NumberSelectorMode.BOX
                        )
                    ),
                    probatio.Coerce(int),
                ),
                probatio.Required(
                    CONF_CONNECT_CAMERAS, default=bool(options.get(CONF_CONNECT_CAMERAS, False))
                ): selector.BooleanSelector(),
            }
        )


def _identity(url: URL, status: ServerStatus) -> Identity:
    return Identity(
        unique_id=server_id(url),
        title=f"Camera Remote server ({url.host})",
        model=f"Camera Remote server {status.version}",
    )


# --- entities -------------------------------------------------------------------------------


def _camera_descriptions(camera_id: str) -> list[CamHubDescription]:
    """Switches and the shutter of one camera; each exists while the camera is connected."""

    def online(state: LiveViewState) -> CameraState | None:
        camera = state.camera(camera_id)
        return camera if camera is not None and camera.online else None

    def live(state: LiveViewState) -> LiveViewStatus | None:
        camera = online(state)
        return camera.live_view if camera else None

    def osd(state: LiveViewState) -> OsdStatus | None:
        camera = online(state)
        return camera.osd if camera and camera.osd and camera.osd.supported else None

    def recording(state: LiveViewState) -> bool | None:
        camera = online(state)
        return camera.recording if camera else None

    return [
        CamHubSwitchDescription(
            key="live_view",
            translation_key="live_view",
            device_id=camera_id,
            entity_category=EntityCategory.CONFIG,
            exists_fn=lambda s: live(s) is not None,
            value_fn=lambda s: (status := live(s)) is not None and status.enabled,
            set_fn=lambda client, on: client.set_live_view(camera_id, on),
        ),
        CamHubSwitchDescription(
            key="live_view_streaming",
            translation_key="live_view_streaming",
            device_id=camera_id,
            entity_category=EntityCategory.CONFIG,
            exists_fn=lambda s: live(s) is not None,
            value_fn=lambda s: (status := live(s)) is not None and status.streaming,
            set_fn=lambda client, on: client.set_streaming(camera_id, on),
        ),
        CamHubSwitchDescription(
            key="osd",
            translation_key="osd",
            device_id=camera_id,
            entity_category=EntityCategory.CONFIG,
            exists_fn=lambda s: osd(s) is not None,
            value_fn=lambda s: (status := osd(s)) is not None and status.enabled,
            set_fn=lambda client, on: client.set_osd(camera_id, on),
        ),
        CamHubSwitchDescription(
            key="movie_recording",
            translation_key="movie_recording",
            device_id=camera_id,
            exists_fn=lambda s: recording(s) is not None,
            value_fn=recording,
            set_fn=lambda client, on: client.set_recording(camera_id, on),
        ),
        CamHubButtonDescription(
            key="shutter",
            translation_key="shutter",
            device_id=camera_id,
            exists_fn=lambda s: online(s) is not None,
            press_fn=lambda client: client.af_shutter(camera_id),
        ),
    ]


# --- video ----------------------------------------------------------------------------------


def _live_source(client: LiveViewClient, camera_id: str, fps: int) -> VideoSource:
    interval = 1 / fps

    async def snapshot() -> bytes:
        try:
            return await client.frame(camera_id)
        except NoFrameError:  # nobody streams: capture one frame, then put things back
            _LOGGER.debug("No live-view frame of %s yet; capturing one", camera_id)
            return await _one_frame(client, camera_id, client.frame, osd=False)

    def frames() -> AsyncIterator[bytes]:
        return live_frames(client, camera_id, interval)

    return VideoSource(
        key="live_view",
        device_id=camera_id,
        translation_key="live_view",
        snapshot=snapshot,
        frames=frames,
        frame_interval=1 / FPS_MAX,
    )


def _osd_source(client: LiveViewClient, camera_id: str, fps: int) -> VideoSource:
    interval = 1 / fps

    async def snapshot() -> bytes:
        try:
            return await client.osd_frame(camera_id)
        except NoFrameError:
            _LOGGER.debug("No OSD frame of %s yet; capturing one", camera_id)
            return await _one_frame(client, camera_id, client.osd_frame, osd=True)

    def frames() -> AsyncIterator[bytes]:
        return polled_frames(client, camera_id, client.osd_frame, interval, osd=True)

    return VideoSource(
        key="live_view_osd",
        device_id=camera_id,
        translation_key="live_view_osd",
        snapshot=snapshot,
        frames=frames,
        frame_interval=interval,
        enabled_default=False,
    )


async def live_frames(
    client: LiveViewClient, camera_id: str, interval: float
) -> AsyncIterator[bytes]:
    """The FrameHub upstream of a camera's live view: its own WebSocket, else polling.

    `start_liveview` enables live view on the body, as `live-view/start` does; if it was
    disabled before, CamHub disables it again when the hub stops (this generator closes).
    """
    was_enabled = (await client.live_view_status(camera_id)).enabled
    try:
        try:
            async for frame in client.ws_frames(camera_id):
                yield frame
        except WebSocketUnavailableError as err:
            _LOGGER.debug("Live view of %s: %s; polling frames instead", camera_id, err)
            async for frame in polled_frames(client, camera_id, client.frame, interval):
                yield frame
    finally:
        if not was_enabled:
            await _quietly(client.set_live_view(camera_id, False))


async def polled_frames(
    client: LiveViewClient,
    camera_id: str,
    fetch: Callable[[str], Awaitable[bytes]],
    interval: float,
    *,
    osd: bool = False,
) -> AsyncGenerator[bytes]:
    """Frames polled at `interval`: streaming (and OSD) started first, put back when done."""
    status = await client.live_view_status(camera_id)
    started = not status.streaming
    osd_enabled = False
    try:
        if started:
            await client.set_streaming(camera_id, True)
        if osd and not (await client.osd_status(camera_id)).enabled:
            await client.set_osd(camera_id, True)
            osd_enabled = True

        async def next_frame() -> bytes:
            return await _first_frame(fetch, camera_id, interval)

        async for frame in poll_frames(next_frame, interval):
            yield frame
    finally:
        if osd_enabled:
            await _quietly(client.set_osd(camera_id, False))
        if started:
            await _quietly(client.set_streaming(camera_id, False))
            if not status.enabled:
                await _quietly(client.set_live_view(camera_id, False))


async def _first_frame(
    fetch: Callable[[str], Awaitable[bytes]], camera_id: str, interval: float
) -> bytes:
    """A frame, waiting while the server has none yet (404) for up to FRAME_STALL seconds."""
    deadline = time.monotonic() + FRAME_STALL
    while True:
        try:
            return await fetch(camera_id)
        except NoFrameError:
            if time.monotonic() >= deadline:
                raise
            await asyncio.sleep(interval)


async def _one_frame(
    client: LiveViewClient,
    camera_id: str,
    fetch: Callable[[str], Awaitable[bytes]],
    *,
    osd: bool,
) -> bytes:
    """A snapshot when nothing streams: start, take one frame, restore."""
    async with aclosing(polled_frames(client, camera_id, fetch, SNAPSHOT_POLL, osd=osd)) as it:
        async for frame in it:
            return frame
    raise ConnectError(f"no frame from {camera_id}")  # pragma: no cover - poll never ends


async def _quietly(request: Awaitable[None]) -> None:
    """A clean-up request: its failure (camera gone) is no news."""
    try:
        await request
    except CamHubError as err:
        _LOGGER.debug("Live-view clean-up failed: %s", err)


# --- push -----------------------------------------------------------------------------------


class EventSupervisor:
    """Keeps the entry's state current from the server's events.

    One server-sent-event reader per listed camera; each change a camera announces queues a
    re-read of that camera's status, and re-reads are coalesced. While every listed camera's
    stream is open, the coordinator does not poll. The cameras list is re-read every
    `LIST_INTERVAL` seconds, so cameras that appear are noticed, and listed-but-disconnected
    cameras are connected if the entry's option says so.
    """

    def __init__(self, client: LiveViewClient, coordinator: CamHubCoordinator) -> None:
        """Nothing runs until `run`."""
        self.client = client
        self.coordinator = coordinator
        self.readers: dict[str, asyncio.Task[None]] = {}
        self.live: set[str] = set()
        self.pending: set[str] = set()
        self.wake = asyncio.Event()
        self._connect_tried: dict[str, float] = {}

    @property
    def state(self) -> LiveViewState:
        """The coordinator's current state (set before push tasks start)."""
        data: LiveViewState = self.coordinator.data
        return data

    async def run(self) -> None:
        """Until the entry unloads."""
        unsubscribe = self.coordinator.async_add_listener(self._sync)
        try:
            self._sync()
            await self._check_list()
            while True:
                try:
                    async with asyncio.timeout(LIST_INTERVAL):
                        await self.wake.wait()
                except TimeoutError:
                    await self._check_list()
                    continue
                self.wake.clear()
                await self._refresh_pending()
        finally:
            unsubscribe()
            readers = list(self.readers.values())
            for task in readers:
                task.cancel()
            await asyncio.gather(*readers, return_exceptions=True)

    def _sync(self) -> None:
        """Follow the cameras list: a reader per listed camera; recompute the push state."""
        listed = self.state.cameras
        entry = self.coordinator.config_entry
        for camera_id in list(self.readers):
            if camera_id not in listed:  # gone from the list: stop following it
                self.readers.pop(camera_id).cancel()
                self.live.discard(camera_id)
        for camera_id in listed:
            if camera_id not in self.readers:
                self.readers[camera_id] = entry.async_create_background_task(
                    self.coordinator.hass, self._read(camera_id), f"{DOMAIN} events {camera_id}"
                )
        self._update_push()

    def _update_push(self) -> None:
        self.coordinator.async_set_push_connected(set(self.state.cameras) <= self.live)

    async def _read(self, camera_id: str) -> None:
        """One camera's events, reconnecting with backoff."""
        failures = 0
        while True:
            try:
                async for event in self.client.events(camera_id):
                    if camera_id not in self.live:  # the handshake: the stream is open
                        self.live.add(camera_id)
                        failures = 0
                        self._update_push()
                        continue
                    self._on_event(camera_id, event)
            except CamHubError as err:
                _LOGGER.debug("Events of %s interrupted: %s", camera_id, err)
            self.live.discard(camera_id)
            self._update_push()
            await asyncio.sleep(EVENT_BACKOFF[min(failures, len(EVENT_BACKOFF) - 1)])
            failures += 1

    def _on_event(self, camera_id: str, event: ServerEvent) -> None:
        """A disconnect applies at once; anything else queues a re-read of the camera."""
        camera = self.state.camera(camera_id)
        if camera is None:  # no longer listed; its reader is being stopped
            return
        if event.name == "disconnected":
            offline = CameraState(replace(camera.info, connected=False))
            self.coordinator.async_set_updated_data(self.state.with_camera(offline))
            return
        self.pending.add(camera_id)
        self.wake.set()

    async def _refresh_pending(self) -> None:
        """Re-read each camera that announced a change; a failure re-reads everything."""
        ids, self.pending = self.pending, set()
        for camera_id in ids:
            camera = self.state.camera(camera_id)
            try:
                if camera is None:
                    raise ConnectError(f"{camera_id} is no longer listed")
                fresh = await fetch_camera(self.client, replace(camera.info, connected=True))
            except CamHubError as err:
                _LOGGER.debug("Reading %s after an event failed: %s", camera_id, err)
                await self.coordinator.async_request_refresh()
                continue
            self.coordinator.async_set_updated_data(self.state.with_camera(fresh))

    async def _check_list(self) -> None:
        """Re-read the cameras list; refresh on any change; connect cameras if wanted."""
        try:
            cameras = await self.client.cameras()
        except CamHubError as err:
            _LOGGER.debug("Reading the cameras list failed: %s", err)
            return
        connected = await self._connect_listed(cameras)
        listed = {(c.id, c.connected) for c in cameras}
        known = {(i, c.info.connected) for i, c in self.state.cameras.items()}
        if connected or listed != known:
            await self.coordinator.async_request_refresh()

    async def _connect_listed(self, cameras: tuple[CameraInfo, ...]) -> bool:
        """With the option on: connect (remote mode, pc-remote) listed, unconnected cameras."""
        if not self.coordinator.config_entry.options.get(CONF_CONNECT_CAMERAS, False):
            return False
        done = False
        now = time.monotonic()
        for camera in cameras:
            tried = self._connect_tried.get(camera.id)
            if camera.connected or (tried is not None and now - tried < CONNECT_RETRY):
                continue
            self._connect_tried[camera.id] = now
            try:
                await self.client.connect(camera.id, "remote")
                await self.client.set_priority_key(camera.id)
            except CamHubError as err:
                _LOGGER.warning("Could not connect camera %s: %s", camera.id, err)
                continue
            _LOGGER.info("Connected camera %s", camera.id)
            done = True
        return done
