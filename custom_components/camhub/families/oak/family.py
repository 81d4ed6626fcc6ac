"""The OAK family: recognising a Robopipe controller, its devices, sources and options."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any, ClassVar, Final

import aiohttp
import probatio
from homeassistant.const import Platform
from homeassistant.helpers import selector
from yarl import URL

from ...api.errors import CamHubError, ConnectError
from ...api.oak import OakClient
from ...const import CONF_FPS, DOMAIN
from ...descriptions import CamHubDescription
from ...devices import CamHubDeviceInfo
from ..base import Family, Identity, VideoSource, entry_url
from .discovery import async_scan_local_devices
from .entities import _camera_descriptions, _stream_descriptions
from .host import POLL_MIN, OakConnection, fetch_camera
from .models import OakState, controller_id
from .video import DEFAULT_FPS, FPS_MAX, FPS_MIN, _source

if TYPE_CHECKING:
    from ...coordinator import CamHubCoordinator

PROBE_TIMEOUT: Final = 5.0


class OakFamily(Family[OakConnection, OakState]):
    """Luxonis OAK (DepthAI) cameras behind a Robopipe controller."""

    key: ClassVar[str] = "oak"
    name: ClassVar[str] = "Robopipe controller with Luxonis OAK cameras"
    needs_auth: ClassVar[bool] = False
    platforms: ClassVar[tuple[Platform, ...]] = (
        Platform.CAMERA,
        Platform.SWITCH,
        Platform.NUMBER,
        Platform.SELECT,
        Platform.SENSOR,
    )
    update_interval: ClassVar[timedelta | None] = POLL_MIN

    async def probe(self, session: aiohttp.ClientSession, url: URL) -> Identity | None:
        """`/cameras/` answers a list of DeviceInfos (each with an mxid): only Robopipe does."""
        api = OakClient(session, url, timeout=PROBE_TIMEOUT)
        try:
            cameras = await api.cameras()
        except ConnectError:
            raise
        except CamHubError:
            return None
        return _identity(url, len(cameras))

    def create_client(
        self, session: aiohttp.ClientSession, data: Mapping[str, Any]
    ) -> OakConnection:
        """The controller's API (no credentials)."""
        return OakConnection(OakClient(session, entry_url(self, data)))

    async def validate(self, client: OakConnection) -> Identity:
        """The controller lists its cameras: that is all there is to check."""
        cameras = await client.api.cameras()
        return _identity(client.api.transport.base_url, len(cameras))

    async def fetch_state(self, client: OakConnection) -> OakState:
        """The cameras list, then every running camera's streams, at once."""
        api = client.api
        infos = await api.cameras()
        cameras = await asyncio.gather(*(fetch_camera(api, info) for info in infos))
        state = OakState(
            controller_id=controller_id(api.transport.base_url),
            cameras={camera.info.mxid: camera for camera in cameras},
        )
        previous = client.coordinator.data if client.coordinator is not None else None
        client.next_interval(previous, state)
        return state

    def device_infos(self, state: OakState) -> dict[str, CamHubDeviceInfo]:
        """The controller first (cameras refer to it with `parent`), then every camera."""
        devices = {
            state.controller_id: CamHubDeviceInfo(
                identifiers={(DOMAIN, state.controller_id)},
                manufacturer="Robopipe",
                model="Robopipe controller",
                name="Robopipe controller",
            )
        }
        for mxid, camera in state.cameras.items():
            devices[mxid] = CamHubDeviceInfo(
                identifiers={(DOMAIN, mxid)},
                manufacturer="Luxonis",
                model=camera.info.camera_name,
                name=f"{camera.info.camera_name} {mxid}",
                serial_number=mxid,
                hw_version=camera.info.platform or None,
                parent=state.controller_id,
            )
        return devices

    def video_sources(
        self, client: OakConnection, state: OakState, options: Mapping[str, Any]
    ) -> list[VideoSource]:
        """A camera per active stream of every running camera, MJPEG polled from stills."""
        fps = int(options.get(CONF_FPS, DEFAULT_FPS))
        return [
            _source(client.api, mxid, name, fps)
            for mxid, camera in state.cameras.items()
            if camera.info.running
            for name, stream in camera.streams.items()
            if stream.active
        ]

    def entity_descriptions(
        self, client: OakConnection, state: OakState, options: Mapping[str, Any]
    ) -> list[CamHubDescription]:
        """Per camera: running, IR and statistics; per stream: active, config and controls."""
        found: list[CamHubDescription] = []
        for mxid, camera in state.cameras.items():
            found.extend(_camera_descriptions(mxid, camera))
            for stream in camera.streams.values():
                found.extend(_stream_descriptions(mxid, stream))
        return found

    def push_tasks(
        self, client: OakConnection, coordinator: CamHubCoordinator
    ) -> list[Coroutine[Any, Any, None]]:
        """No event channel: only attach the coordinator (writes patch it, polls back off)."""
        client.coordinator = coordinator
        return []

    async def async_local_devices(self, client: OakConnection) -> list[str] | None:
        """OAK devices `depthai` sees from this host (✓: the controller lists it too)."""
        devices = await async_scan_local_devices()
        if devices is None:
            return None
        try:
            listed = {camera.mxid for camera in await client.api.cameras()}
        except CamHubError:
            listed = set()
        return [
            f"{'✓ ' if d.device_id in listed else ''}{d.device_id} ({d.name}, {d.state}, "
            f"{d.protocol})"
            for d in devices
        ]

    def options_schema(self, state: OakState, options: Mapping[str, Any]) -> probatio.Schema:
        """Frames per second of the MJPEG made from stills."""
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
            }
        )


def _identity(url: URL, count: int) -> Identity:
    return Identity(
        unique_id=controller_id(url),
        title=f"Robopipe controller ({url.host})",
        model=f"Robopipe controller with {count} OAK camera{'s' if count != 1 else ''}",
    )
