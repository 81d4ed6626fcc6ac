"""Camera platform: one entity per video source a family offers.

Nothing here talks to a device directly. Live MJPEG comes from the source's FrameHub (one
upstream however many viewers), snapshots come from the hub's newest frame when it is fresh,
and otherwise from the family's snapshot function.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from aiohttp import web
from homeassistant.components.camera import Camera
from homeassistant.components.camera.const import CameraEntityFeature
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.event import async_call_later, async_track_point_in_utc_time

from .api.errors import CamHubError, DeviceTimeoutError
from .const import CONF_SNAPSHOT_MAX_AGE, DEFAULT_SNAPSHOT_MAX_AGE, DOMAIN
from .data import CamHubConfigEntry
from .entity import CamHubEntity
from .errors import translated_error
from .files import async_allowed_file
from .mjpeg_response import serve_mjpeg
from .streaming import FrameHub

if TYPE_CHECKING:
    # Types only: at run time the platform must not import the families, whose OAK
    # action imports this module (`CamHubCamera`).
    from .families.base import FamilyHost, VideoSource

_LOGGER = logging.getLogger(__name__)

PARALLEL_UPDATES = 0  # coordinator-driven; image requests are not entity updates

STREAM_RENEW_RETRY = timedelta(seconds=10)
SNAPSHOT_TIMEOUT = 8.0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: CamHubConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a camera per video source of the entry."""
    runtime = entry.runtime_data
    max_age = float(entry.options.get(CONF_SNAPSHOT_MAX_AGE, DEFAULT_SNAPSHOT_MAX_AGE))

    @callback
    def add_new() -> None:
        new = runtime.sync_sources()
        if new:
            async_add_entities(
                CamHubCamera(runtime.host, source, runtime.hubs.get(source.uid), max_age)
                for source in new
            )

    # Listen before adding: entities are added eagerly and register their own listeners, and
    # `current_sources` (their availability) must be updated before they write their state.
    entry.async_on_unload(runtime.coordinator.async_add_listener(add_new))
    add_new()


class CamHubCamera(CamHubEntity, Camera):
    """A camera entity backed by a VideoSource and, for live view, its FrameHub."""

    def __init__(
        self,
        host: FamilyHost[Any, Any],
        source: VideoSource,
        hub: FrameHub | None,
        snapshot_max_age: float,
    ) -> None:
        """Bind the source; the hub is None for sources without live frames."""
        CamHubEntity.__init__(self, host, source.device_id, source.key)
        Camera.__init__(self)
        self.source = source
        self.hub = hub
        self._snapshot_max_age = snapshot_max_age
        self._attr_translation_key = source.translation_key
        if source.translation_placeholders:
            self._attr_translation_placeholders = dict(source.translation_placeholders)
        self._attr_entity_registry_enabled_default = source.enabled_default
        self._attr_frame_interval = source.frame_interval
        if source.stream_source is not None:
            self._attr_supported_features = CameraEntityFeature.STREAM
        self._cancel_renewal: CALLBACK_TYPE | None = None
        self._snapshot_failing = False

    async def async_will_remove_from_hass(self) -> None:
        """Stop renewing the stream's URL."""
        await super().async_will_remove_from_hass()
        self._unschedule_renewal()

    @property
    def available(self) -> bool:
        """Unavailable once the source is no longer offered (a camera unplugged, ...)."""
        runtime = self.coordinator.config_entry.runtime_data
        return super().available and self.source.uid in runtime.current_sources

    async def async_camera_image(
        self, width: int | None = None, height: int | None = None
    ) -> bytes | None:
        """The live frame if one is fresh, else a still from the device."""
        if self.hub is not None and (frame := self.hub.fresh_frame(self._snapshot_max_age)):
            return frame
        try:
            # Our own deadline, shorter than the camera view's 10 s: a stalled device is then
            # our logged timeout rather than Home Assistant's silent one.
            async with asyncio.timeout(SNAPSHOT_TIMEOUT):
                image = await self.source.snapshot()
        except TimeoutError as err:
            raise self._snapshot_failed(DeviceTimeoutError("no snapshot in time")) from err
        except CamHubError as err:
            raise self._snapshot_failed(err) from err
        if self._snapshot_failing:
            self._snapshot_failing = False
            _LOGGER.info("Snapshots of %s work again", self.entity_id)
        return image

    def _snapshot_failed(self, err: CamHubError) -> HomeAssistantError:
        """Log a failing snapshot once at warning (then at debug until one works again)."""
        level = logging.DEBUG if self._snapshot_failing else logging.WARNING
        self._snapshot_failing = True
        _LOGGER.log(level, "Snapshot of %s failed: %s", self.entity_id, err)
        return translated_error(err)

    async def stream_source(self) -> str | None:
        """RTSP/HLS URL for Home Assistant's stream / go2rtc, where the device has one."""
        if self.source.stream_source is None:
            return None
        try:
            url = await self.source.stream_source()
        except CamHubError as err:
            raise translated_error(err) from err
        self._schedule_renewal()
        return url

    @callback
    def _schedule_renewal(self) -> None:
        """For expiring URLs: hand the running stream a new one before the old one ends."""
        if self.source.stream_renew_at is None or (when := self.source.stream_renew_at()) is None:
            return
        self._unschedule_renewal()
        self._cancel_renewal = async_track_point_in_utc_time(self.hass, self._async_renew, when)

    @callback
    def _unschedule_renewal(self) -> None:
        if self._cancel_renewal is not None:
            self._cancel_renewal()
            self._cancel_renewal = None

    async def _async_renew(self, _now: datetime) -> None:
        """Home Assistant's stream asks for its source once; give it the new URL."""
        self._cancel_renewal = None
        if self.stream is None:  # no stream yet: it will ask for a fresh URL when it starts
            return
        try:
            url = await self.stream_source()
        except HomeAssistantError as err:
            _LOGGER.warning("Renewing the stream URL of %s failed: %s", self.entity_id, err)
            self._cancel_renewal = async_call_later(
                self.hass, STREAM_RENEW_RETRY, self._async_renew
            )
            return
        if url is not None and url != self.stream.source:
            self.stream.update_source(url)

    async def handle_async_mjpeg_stream(self, request: web.Request) -> web.StreamResponse | None:
        """Serve the hub's frames (mjpeg_response.py); the device is never contacted here."""
        if self.hub is None:
            return await super().handle_async_mjpeg_stream(request)
        return await serve_mjpeg(self.hub, request, self.entity_id)

    async def async_snapshot_history(self, seconds_ago: int, filename: str) -> None:
        """Save the frame from `seconds_ago` seconds back (2N memory) to `filename`."""
        if self.source.history is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="history_not_supported",
                translation_placeholders={"entity_id": self.entity_id},
            )
        target = await async_allowed_file(self.hass, filename)  # before asking the device
        try:
            image = await self.source.history(seconds_ago)
        except CamHubError as err:
            raise translated_error(err) from err
        await target.async_write(self.hass, image)
