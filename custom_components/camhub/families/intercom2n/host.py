"""The per-entry host of a 2N intercom: its state, device, cameras, entities and event log.

Identity, camera caps, log caps and switch caps are read (at start, and every 30 s while the
event log is down). Everything else is pushed: the host runs the intercom's event log
(`events.IntercomEvents`) as the entry's background task, folds each event into the state
and publishes it routed to the entities it concerns; the coordinator stops polling while
the log is up.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any, ClassVar

import probatio
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import selector
from homeassistant.helpers.device_registry import CONNECTION_NETWORK_MAC

from ...api.errors import AccessDeniedError, DeviceError
from ...api.intercom2n import (
    DEFAULT_EVENTS,
    FPS_MAX,
    FPS_MIN,
    HISTORY_MAX_HEIGHT,
    HISTORY_MAX_WIDTH,
    CallStatus,
    Caps,
    Intercom2NClient,
    Resolution,
    SwitchCaps,
    SwitchStatus,
)
from ...const import CONF_FPS, CONF_RESOLUTION, DEFAULT_FPS, DOMAIN
from ...descriptions import PlacedEntity
from ...devices import CamHubDeviceInfo
from ..base import FamilyHost, VideoSource, fps_option
from .entities import intercom_entities
from .events import IntercomEvents
from .models import Intercom2NState

if TYPE_CHECKING:
    from ...data import CamHubConfigEntry

_LOGGER = logging.getLogger(__name__)

DEFAULT_RESOLUTION = Resolution(640, 480)
KNOWN_SOURCES = ("internal", "external")


class Intercom2NHost(FamilyHost[Intercom2NClient, Intercom2NState]):
    """One intercom: identity and caps read, calls, rings, motion, door and switches pushed."""

    platforms: ClassVar[tuple[Platform, ...]] = (
        Platform.BINARY_SENSOR,
        Platform.BUTTON,
        Platform.CAMERA,
        Platform.EVENT,
        Platform.IMAGE,
        Platform.SENSOR,
        Platform.SWITCH,
    )
    update_interval: ClassVar[timedelta | None] = timedelta(seconds=30)

    def __init__(
        self, hass: HomeAssistant, entry: CamHubConfigEntry, client: Intercom2NClient
    ) -> None:
        """The event log's consumer exists from the start: `fetch_state` seeds its reducer."""
        super().__init__(hass, entry, client)
        self.events = IntercomEvents(self)
        self._privilege_warned = False

    @property
    def serial(self) -> str:
        """The intercom's serial number: its device id, the item of its own entities."""
        return self.state.info.serial

    async def fetch_state(self) -> Intercom2NState:
        """Identity and caps (caps also prove the credentials still work), then the seed.

        The seed (call and switch status) replaces what events said: a read happens at start
        and while the event log is down, exactly when events may have been missed.
        """
        client = self.client
        info, caps = await client.system_info(), await client.caps()
        log_events = await self._log_events()
        switches, status = await self._switches()
        self.events.reducer.seed(await self._call_status(), status)
        return self.events.with_pushed(
            Intercom2NState(info=info, caps=caps, log_events=log_events, switches=switches)
        )

    async def _log_events(self) -> frozenset[str]:
        try:
            return frozenset(await self.client.log_caps())
        except DeviceError:  # older firmware without log caps: assume the usual events
            return frozenset(DEFAULT_EVENTS)

    async def _switches(self) -> tuple[tuple[SwitchCaps, ...], tuple[SwitchStatus, ...]]:
        """The enabled switches and their states; none without the Switch monitoring right."""
        try:
            caps = await self.client.switch_caps()
            status = await self.client.switch_status()
        except AccessDeniedError as err:
            if not self._privilege_warned:
                self._privilege_warned = True
                _LOGGER.warning("%s: no switch entities: %s", self.entry.title, err)
            return (), ()
        return tuple(c for c in caps if c.enabled), status

    async def _call_status(self) -> CallStatus | None:
        try:
            return await self.client.call_status()
        except AccessDeniedError:  # no Call monitoring: the call state comes from events only
            return None

    async def async_start(self) -> None:
        """Run the event log until the entry unloads (then close its subscription)."""
        self.start_task(self.events.run(), "2N event log")

    def entities(self, state: Intercom2NState) -> list[PlacedEntity[Intercom2NState]]:
        """Doorbell, call state, motion, door, and each enabled switch's entities."""
        return intercom_entities(state)

    def device_infos(self, state: Intercom2NState) -> dict[str, CamHubDeviceInfo]:
        """One device: the intercom."""
        info = state.info
        device = CamHubDeviceInfo(
            identifiers={(DOMAIN, info.serial)},
            manufacturer="2N",
            model=info.variant,
            name=info.name,
            serial_number=info.serial,
            sw_version=info.sw_version,
            hw_version=info.hw_version,
            configuration_url=str(self.client.transport.base_url),
        )
        if info.mac:
            device["connections"] = {(CONNECTION_NETWORK_MAC, info.mac.lower())}
        return {info.serial: device}

    def video_sources(self, state: Intercom2NState) -> list[VideoSource]:
        """One camera per source the caps list, at the chosen resolution and frame rate."""
        options, client = self.options, self.client
        resolution = _resolution(state.caps, options)
        fps = int(options.get(CONF_FPS, DEFAULT_FPS))
        history = state.caps.best_at_most(
            min(resolution.width, HISTORY_MAX_WIDTH), min(resolution.height, HISTORY_MAX_HEIGHT)
        )
        return [
            _source(client, state.info.serial, name, resolution, history, fps)
            for name in state.caps.sources
        ]

    def options_schema(self) -> probatio.Schema:
        """Resolution from the caps; MJPEG frame rate within what the intercom allows."""
        state, options = self.state, self.options
        return probatio.Schema(
            {
                probatio.Required(
                    CONF_RESOLUTION, default=str(_resolution(state.caps, options))
                ): selector.SelectSelector(
                    selector.SelectSelectorConfig(
                        options=[str(r) for r in state.caps.resolutions],
                        mode=selector.SelectSelectorMode.DROPDOWN,
                    )
                ),
            }
        ).extend(fps_option(options, DEFAULT_FPS, FPS_MIN, FPS_MAX).schema)


def _resolution(caps: Caps, options: Mapping[str, Any]) -> Resolution:
    """The chosen resolution if the camera still offers it, else the best up to 640x480."""
    try:
        chosen = Resolution.parse(str(options[CONF_RESOLUTION]))
    except (KeyError, ValueError):
        chosen = DEFAULT_RESOLUTION
    if chosen in caps.resolutions:
        return chosen
    return caps.best_at_most(DEFAULT_RESOLUTION.width, DEFAULT_RESOLUTION.height)


def _source(
    client: Intercom2NClient,
    serial: str,
    source: str,
    resolution: Resolution,
    history: Resolution,
    fps: int,
) -> VideoSource:
    async def snapshot() -> bytes:
        return await client.snapshot(source, resolution)

    def frames() -> AsyncIterator[bytes]:
        return client.mjpeg(source, resolution, fps)

    async def from_history(seconds_ago: int) -> bytes:
        return await client.snapshot(source, history, seconds_ago)

    return VideoSource(
        key=source,
        device_id=serial,
        translation_key=source if source in KNOWN_SOURCES else "camera",
        snapshot=snapshot,
        frames=frames,
        history=from_history,
        frame_interval=1 / fps,
    )
