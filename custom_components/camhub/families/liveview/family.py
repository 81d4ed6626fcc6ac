"""The live-view family: recognising a server, its devices, sources and options."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any, ClassVar

import aiohttp
import probatio
from homeassistant.const import EntityCategory, Platform
from homeassistant.helpers import selector
from yarl import URL

from ...api.errors import CamHubError, ConnectError
from ...api.liveview import DEFAULT_PORT, LiveViewClient, ServerStatus
from ...const import CONF_CONNECT_CAMERAS, CONF_FPS, DOMAIN
from ...descriptions import CamHubDescription, CamHubSensorDescription
from ...devices import CamHubDeviceInfo
from ..base import Family, Identity, VideoSource, entry_url
from .entities import _camera_descriptions
from .host import EventSupervisor, fetch_camera
from .models import LiveViewState, server_id
from .video import DEFAULT_FPS, FPS_MAX, FPS_MIN, _live_source, _osd_source

if TYPE_CHECKING:
    from ...coordinator import CamHubCoordinator

PROBE_TIMEOUT = 5.0


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
