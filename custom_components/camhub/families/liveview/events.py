"""Reading the server's cameras, and the event supervisor that keeps the state pushed."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from ...api.backoff import Backoff
from ...api.errors import CamHubError, ConnectError, DeviceError
from ...api.liveview import CameraInfo, LiveViewClient, OsdStatus, ServerEvent
from ...const import CONF_CONNECT_CAMERAS, DOMAIN
from .models import CameraState, LiveViewState

if TYPE_CHECKING:
    from ...coordinator import CamHubCoordinator

_LOGGER = logging.getLogger(__name__)

LIST_INTERVAL = 30.0
"""Seconds between re-reads of the cameras list while events are pushed."""
CONNECT_RETRY = 60.0
"""Seconds before CamHub tries again to connect a camera that refused."""
EVENT_BACKOFF = Backoff(initial=1.0, maximum=30.0)
"""Settings of each camera's reconnect delays (copied per reader: each keeps its own count)."""


async def fetch_camera(client: LiveViewClient, info: CameraInfo) -> CameraState:
    """A camera's status (four reads at once); a camera the server refuses is offline."""
    if not info.connected:
        return CameraState(info)
    cam = info.id
    live, osd, recording, properties = await asyncio.gather(
        client.live_view_status(cam),
        _optional(client.osd_status, cam),
        _optional(client.recording, cam),
        _optional(client.properties, cam),
        return_exceptions=True,
    )
    for result in (live, osd, recording, properties):
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
        properties=properties if isinstance(properties, dict) else {},
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


class EventSupervisor:
    """Keeps the entry's state current from the server's events.

    One server-sent-event reader per listed camera; each change a camera announces queues a
    re-read of that camera's status, and re-reads are coalesced. While every listed camera's
    stream is open, the coordinator does not poll. The cameras list is re-read every
    `LIST_INTERVAL` seconds, so cameras that appear are noticed, and listed-but-disconnected
    cameras are connected if the entry's option says so.
    """

    def __init__(
        self, client: LiveViewClient, coordinator: CamHubCoordinator[LiveViewState]
    ) -> None:
        """Nothing runs until `run`."""
        self.client = client
        self.coordinator = coordinator
        self.readers: dict[str, asyncio.Task[None]] = {}
        self.live: set[str] = set()
        self.pending: set[str] = set()
        self.wake = asyncio.Event()
        self._connect_tried: dict[str, float] = {}
        self._connect_failing: set[str] = set()  # logged once at info, then at debug

    @property
    def state(self) -> LiveViewState:
        """The coordinator's current state (set before push tasks start)."""
        return self.coordinator.data

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
        """One camera's events, reconnecting with capped, jittered backoff (api/backoff.py)."""
        backoff = replace(EVENT_BACKOFF, failures=0)
        while True:
            try:
                async for event in self.client.events(camera_id):
                    if camera_id not in self.live:  # the handshake: the stream is open
                        self.live.add(camera_id)
                        backoff.succeeded()
                        self._update_push()
                        continue
                    self._on_event(camera_id, event)
            except CamHubError as err:
                _LOGGER.debug("Events of %s interrupted: %s", camera_id, err)
            self.live.discard(camera_id)
            self._update_push()
            await asyncio.sleep(backoff.failed())

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
                level = logging.DEBUG if camera.id in self._connect_failing else logging.INFO
                self._connect_failing.add(camera.id)
                _LOGGER.log(level, "Could not connect camera %s: %s", camera.id, err)
                continue
            self._connect_failing.discard(camera.id)
            _LOGGER.info("Connected camera %s", camera.id)
            done = True
        return done
