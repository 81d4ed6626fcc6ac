"""The per-entry host of a Camera Remote server: its state, devices, cameras and options."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import replace
from datetime import timedelta
from typing import ClassVar

import probatio
from homeassistant.const import Platform
from homeassistant.helpers import selector

from ...api.errors import CamHubError
from ...api.liveview import LiveViewClient
from ...const import CONF_CONNECT_CAMERAS, CONF_FPS, DOMAIN
from ...descriptions import PlacedEntity, place
from ...devices import CamHubDeviceInfo
from ..base import FamilyHost, VideoSource, fps_option
from .entities import CAMERA_ENTITIES, SERVER_ENTITIES
from .events import EventSupervisor, fetch_camera
from .models import LiveViewState
from .settings import SETTING_ENTITIES, ZOOM_NUDGE
from .video import DEFAULT_FPS, FPS_MAX, FPS_MIN, _live_source, _osd_source

_LOGGER = logging.getLogger(__name__)


class LiveViewHost(FamilyHost[LiveViewClient, LiveViewState]):
    """One server and the Sony cameras behind it; state pushed by server-sent events."""

    platforms: ClassVar[tuple[Platform, ...]] = (
        Platform.CAMERA,
        Platform.SWITCH,
        Platform.SELECT,
        Platform.BUTTON,
        Platform.SENSOR,
    )
    update_interval: ClassVar[timedelta | None] = timedelta(seconds=30)
    has_login: ClassVar[bool] = False

    async def fetch_state(self) -> LiveViewState:
        """Server status, the cameras list, and the status of every connected camera."""
        client = self.client
        status, cameras = await asyncio.gather(client.server_status(), client.cameras())
        states = await asyncio.gather(*(fetch_camera(client, info) for info in cameras))
        return LiveViewState(
            server_id=self.entry.entry_id,
            server=status,
            cameras={state.info.id: state for state in states},
        )

    def device_infos(self, state: LiveViewState) -> Mapping[str, CamHubDeviceInfo]:
        """The server first (cameras refer to it with `parent`), then every camera."""
        devices = {
            state.server_id: CamHubDeviceInfo(
                identifiers={(DOMAIN, state.server_id)},
                manufacturer="Sony",
                model="Camera Remote live-view server",
                translation_key="liveview_server",
                configuration_url=str(self.client.transport.base_url),
                sw_version=state.server.version,
                hw_version=state.server.platform,
            )
        }
        for camera_id, camera in state.cameras.items():
            devices[camera_id] = CamHubDeviceInfo(
                identifiers={(DOMAIN, camera_id)},
                manufacturer="Sony",
                model=camera.info.model,
                name=camera.info.model,  # the id is the serial number, shown apart
                serial_number=camera_id,
                parent=state.server_id,
            )
        return devices

    def video_sources(self, state: LiveViewState) -> list[VideoSource]:
        """Per connected camera: live view, and live view with OSD where the body has OSD."""
        fps = int(self.options.get(CONF_FPS, DEFAULT_FPS))
        sources: list[VideoSource] = []
        for camera_id, camera in state.cameras.items():
            if not camera.online:
                continue
            sources.append(_live_source(self.client, camera_id, fps))
            if camera.osd is not None and camera.osd.supported:
                sources.append(_osd_source(self.client, camera_id, fps))
        return sources

    def entities(self, state: LiveViewState) -> list[PlacedEntity[LiveViewState]]:
        """The server's camera count; each camera's switches, buttons and shooting settings."""
        found = place(SERVER_ENTITIES, state.server_id)
        for camera_id in state.cameras:
            found += place(CAMERA_ENTITIES, camera_id, item=camera_id)
            found += place(SETTING_ENTITIES, camera_id, item=camera_id)
        return found

    # --- writes (settings.py's descriptions call these) ------------------------------------

    async def set_property(self, camera_id: str, name: str, label: str) -> None:
        """Write a property (checked against a fresh read), then re-read them all.

        One setting moves others (the program gates the aperture, the focus mode the
        Tracking areas), so the options shown follow at once, event or not.
        """
        await self.client.set_property(camera_id, name, label)
        await self.reread_properties(camera_id)

    async def zoom(self, camera_id: str, speed: int) -> None:
        """Run the power zoom for a moment, then show where it stopped."""
        await self.client.zoom_nudge(camera_id, speed, ZOOM_NUDGE)
        await self.reread_properties(camera_id)

    async def focus(self, camera_id: str, step: int) -> None:
        """One focus step near (negative) or far."""
        await self.client.focus_near_far(camera_id, step)

    async def reread_properties(self, camera_id: str) -> None:
        """Read a camera's properties again and publish them to that camera's entities.

        The write itself succeeded, so a failed read is not the user's error: it is logged
        and a full refresh is asked for instead.
        """
        try:
            properties = await self.client.properties(camera_id)
        except CamHubError as err:
            _LOGGER.debug("Re-reading the properties of %s failed: %s", camera_id, err)
            await self.coordinator.async_request_refresh()
            return
        state = self.coordinator.data
        camera = state.camera(camera_id)
        if camera is None:  # left the list meanwhile: the next list read handles it
            return
        fresh = state.with_camera(replace(camera, properties=properties))
        self.coordinator.async_publish(fresh, changed={camera_id})

    async def async_start(self) -> None:
        """The event supervisor (server-sent events, list re-reads, auto-connect)."""
        self.start_task(EventSupervisor(self.client, self.coordinator).run(), "events")

    def options_schema(self) -> probatio.Schema:
        """Polling rate of the fallback, and whether CamHub connects listed cameras."""
        options = self.options
        return fps_option(options, DEFAULT_FPS, FPS_MIN, FPS_MAX).extend(
            {
                probatio.Required(
                    CONF_CONNECT_CAMERAS, default=bool(options.get(CONF_CONNECT_CAMERAS, False))
                ): selector.BooleanSelector(),
            }
        )
