"""The per-entry host of an Axis camera with the CamStreamer apps.

It owns the API client and the live state that fetches, events and writes share: an event
becomes a new immutable `AxisState` through `apply_event` and is published at once, routed
to the entities of the item it names (a stream, a port, an overlay service); a fetch replays
the events that arrived while it ran, so none is lost.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

import probatio
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.device_registry import CONNECTION_NETWORK_MAC
from homeassistant.helpers.event import async_track_time_interval

from ...api.camstreamer import (
    EVENT_APPS,
    MJPEG_FPS_MAX,
    ApiMessageEvent,
    App,
    AudioEvent,
    AvailabilityEvent,
    AxisCamStreamerClient,
    AxisState,
    BroadcastTracker,
    Event,
    PlaylistEvent,
    PortEvent,
    StreamStateEvent,
    SwitcherStartEvent,
    apply_event,
    is_unknown_item,
    parse_events,
)
from ...api.errors import CamHubError
from ...api.events import EventChannel
from ...const import CONF_FPS, DOMAIN
from ...descriptions import PlacedEntity
from ...devices import CamHubDeviceInfo
from ..base import FamilyHost, VideoSource, fps_option
from .channels import run_channel, slow_update, sync_push
from .const import (
    DEFAULT_MJPEG_FPS,
    DISCOVERY_INTERVAL,
    POLL_INTERVAL,
    RECENT_EVENTS,
    STATS_INTERVAL,
)
from .discovery import discover_cameras
from .entities import camera_entities, mac_of
from .fetch import fetch_axis_state
from .ptz import channel_sources, ptz_entities
from .repairs import _RepairSync

if TYPE_CHECKING:
    from ...data import CamHubConfigEntry

_LOGGER = logging.getLogger(__name__)


class CamStreamerHost(FamilyHost[AxisCamStreamerClient, AxisState]):
    """One camera: its apps' state, their event channels, and the writes entities make."""

    platforms: ClassVar[tuple[Platform, ...]] = (
        Platform.BINARY_SENSOR,
        Platform.BUTTON,
        Platform.CAMERA,
        Platform.EVENT,
        Platform.SELECT,
        Platform.SENSOR,
        Platform.SWITCH,
        Platform.TEXT,
    )
    update_interval: ClassVar[timedelta | None] = POLL_INTERVAL
    remove_stale_entities: ClassVar[bool] = True

    def __init__(
        self, hass: HomeAssistant, entry: CamHubConfigEntry, client: AxisCamStreamerClient
    ) -> None:
        """No state until the first fetch; channels start in `async_start`."""
        super().__init__(hass, entry, client)
        self.fps = int({**entry.options, **entry.data}.get(CONF_FPS, DEFAULT_MJPEG_FPS))
        self.live: AxisState | None = None
        self.connected: dict[App, bool] = {}
        self.sessions: dict[App, int] = {}
        self.channels: dict[App, EventChannel] = {}
        self.refresh_wanted = False
        self.refresher: asyncio.Task[None] | None = None
        self.seq = 0  # events applied so far
        self.broadcasts = BroadcastTracker()  # started / stopped / failed, per stream
        self._recent: deque[tuple[int, Event]] = deque(maxlen=RECENT_EVENTS)
        self._changed = asyncio.Event()
        self._started = False

    @property
    def api(self) -> AxisCamStreamerClient:
        """The camera's API client."""
        return self.client

    # --- the live state -------------------------------------------------------------------

    def adopt(self, state: AxisState) -> None:
        """Take a new state; wake the channels waiting for their app to become usable."""
        self.live = state
        self._changed.set()
        self._changed = asyncio.Event()

    def set_state(self, state: AxisState, changed: set[str] | None = None) -> None:
        """Adopt a new state and publish it (to the entities of `changed`, or to all)."""
        self.adopt(state)
        if self._started:
            self.coordinator.async_publish(state, changed)
            sync_push(self)

    def update(self, change: Callable[[AxisState], AxisState]) -> None:
        """Apply a change the camera accepted but announces by no event."""
        if self.live is not None:
            self.set_state(change(self.live))

    async def read_queue(self) -> None:
        """Re-read CamSwitcher's queue: no event tells when it changes (a push, a switch)."""
        queue = tuple(await self.api.queue())

        def change(s: AxisState) -> AxisState:
            return replace(s, switcher=replace(s.switcher, queue=queue)) if s.switcher else s

        self.update(change)

    def read_queue_soon(self) -> None:
        """`read_queue` in the background, after a playlist switch the queue may have caused."""

        async def read() -> None:
            try:
                await self.read_queue()
            except CamHubError as err:
                _LOGGER.debug("Reading the CamSwitcher queue failed: %s", err)

        self.entry.async_create_background_task(self.hass, read(), f"{DOMAIN} queue")

    async def wait_usable(self, app: App) -> None:
        """Return once `app` is installed, licensed and running (checked on every change)."""
        while self.live is None or not self.live.usable(app):
            await self._changed.wait()

    def on_message(self, app: App, message: Any) -> bool:
        """Apply an event message; True if it names an item the state does not list yet."""
        events: list[Event] = parse_events(app, message)
        state = self.live
        if state is None or not events:
            return False
        unknown, applied = False, 0
        changed: set[str] | None = set()
        for event in events:
            if is_unknown_item(state, event):
                unknown = True
                if not isinstance(event, PlaylistEvent):
                    # Only the lists know a new stream's or service's name: an entity made
                    # from the event alone would be named (and get an entity id) from its id.
                    continue
            if isinstance(event, PlaylistEvent) and state.switcher and state.switcher.queue:
                self.read_queue_soon()  # the switch may have been the queue's next
            if self.broadcasts.observe(event) is not None:
                state = replace(state, broadcasts=self.broadcasts.events)
            elif isinstance(event, ApiMessageEvent):
                continue  # a success message waits for the stream's next event
            route = _route(state, event)
            changed = None if route is None or changed is None else {*changed, route}
            state = apply_event(state, event)
            self.seq += 1
            applied += 1
            self._recent.append((self.seq, event))
        if applied:
            self.set_state(state, changed)
        return unknown

    def replay(self, state: AxisState, since: int) -> AxisState:
        """`state` (read from the lists) with the events that arrived after `since` on top.

        A fetch takes a few requests; an event in the meantime (a playlist switched, a port
        changed) must not be lost when the fetched state replaces the current one. Events
        carry absolute values, so applying one twice is harmless.
        """
        for seq, event in self._recent:
            if seq > since:
                state = apply_event(state, event)
        return state

    # --- the family contract --------------------------------------------------------------

    async def fetch_state(self) -> AxisState:
        """Everything, from the list endpoints (start-up, reconnects, fallback polling)."""
        since = self.seq
        state = self.replay(await fetch_axis_state(self.api, self.live), since)
        if state.streams is not None:
            self.broadcasts.keep_only(state.streams)
        state = replace(state, broadcasts=self.broadcasts.events)  # events are not in lists
        self.adopt(state)
        return state

    def device_infos(self, state: AxisState) -> Mapping[str, CamHubDeviceInfo]:
        """One device: the camera."""
        info = state.info
        device = CamHubDeviceInfo(
            identifiers={(DOMAIN, info.serial)},
            manufacturer="Axis Communications",
            model=info.model,
            name=info.name,
            serial_number=info.serial,
            sw_version=info.firmware,
            configuration_url=str(self.api.base_url),
        )
        if mac := mac_of(info.serial):
            device["connections"] = {(CONNECTION_NETWORK_MAC, mac)}
        return {info.serial: device}

    def video_sources(self, state: AxisState) -> list[VideoSource]:
        """The camera itself, and CamSwitcher's output when CamSwitcher runs."""
        api = self.api
        fps = max(1, min(int(self.options.get(CONF_FPS, self.fps)), MJPEG_FPS_MAX))

        async def rtsp() -> str:
            return api.rtsp_url()

        sources = [
            VideoSource(
                key="camera",
                device_id=state.info.serial,
                translation_key="camera",
                snapshot=api.snapshot,
                frames=lambda: api.mjpeg(fps),
                stream_source=rtsp,
                frame_interval=1 / fps,
            )
        ]
        sources += channel_sources(api, state, fps)
        if state.switcher is not None:
            sources.append(
                VideoSource(
                    key="camswitcher_output",
                    device_id=state.info.serial,
                    translation_key="camswitcher_output",
                    snapshot=_no_still,
                    stream_source=api.switcher_output_url,
                )
            )
        return sources

    def entities(self, state: AxisState) -> list[PlacedEntity[AxisState]]:
        """Per stream, CamSwitcher, CamOverlay and I/O port entities."""
        return camera_entities(state) + ptz_entities(state)

    async def async_start(self) -> None:
        """An event channel per app, the slow timers, repairs and network discovery."""
        hass, entry = self.hass, self.entry
        self._started = True
        entry.async_on_unload(self._stop)
        repairs = _RepairSync(hass, entry.entry_id)
        entry.async_on_unload(self.coordinator.async_add_listener(lambda: repairs(self.state)))
        repairs(self.state)

        async def slow(_now: datetime) -> None:
            await slow_update(self)

        async def discover(_now: datetime) -> None:
            await discover_cameras(hass, self)

        entry.async_on_unload(async_track_time_interval(hass, slow, STATS_INTERVAL))
        entry.async_on_unload(async_track_time_interval(hass, discover, DISCOVERY_INTERVAL))
        for app in EVENT_APPS:
            self.start_task(run_channel(self, app), f"events {app}")
        self.start_task(discover_cameras(hass, self), "discovery")

    def _stop(self) -> None:
        self._started = False

    def options_schema(self) -> probatio.Schema:
        """The live view frame rate."""
        return fps_option(self.options, DEFAULT_MJPEG_FPS, 1, MJPEG_FPS_MAX)


def _route(state: AxisState, event: Event) -> str | None:
    """The entities' item an event changes; None where entities may appear (route to all)."""
    if isinstance(event, StreamStateEvent | ApiMessageEvent):
        return event.stream_id
    if isinstance(event, PortEvent):
        return str(event.port) if event.port in state.ports else None
    if isinstance(event, PlaylistEvent | AudioEvent | SwitcherStartEvent):
        return state.info.serial  # the playlist select and sensors are on the device itself
    if isinstance(event, AvailabilityEvent):
        known = state.switcher is not None and event.source in state.switcher.available
        return event.source if known else None
    return str(event.service_id)  # a ServiceEvent


async def _no_still() -> bytes:
    """CamSwitcher's output is a stream only; there is no JPEG endpoint for it."""
    raise CamHubError("the CamSwitcher output has no still images; open its live stream")
