"""Recognising a Robopipe controller, and the OAK devices `depthai` sees from this host."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Final

import aiohttp
from homeassistant.core import HomeAssistant
from yarl import URL

from ...api.errors import CamHubError, ConnectError
from ...api.oak import CameraInfo, OakClient
from ..base import FamilyFlow, Identity, entry_url
from .discovery import async_scan_local_devices
from .host import OakHost

if TYPE_CHECKING:
    from ...data import CamHubConfigEntry

PROBE_TIMEOUT: Final = 5.0


class OakFlow(FamilyFlow[OakClient]):
    """Luxonis OAK (DepthAI) cameras behind a Robopipe controller."""

    key: ClassVar[str] = "oak"
    name: ClassVar[str] = "Robopipe controller with Luxonis OAK cameras"
    needs_auth: ClassVar[bool] = False

    async def probe(self, session: aiohttp.ClientSession, url: URL) -> Identity | None:
        """`/cameras/` answers a list of DeviceInfos (each with an mxid): only Robopipe does."""
        api = OakClient(session, url, timeout=PROBE_TIMEOUT)
        try:
            cameras = await api.cameras()
        except ConnectError:
            raise
        except CamHubError:
            return None
        return _identity(url, cameras)

    def create_client(self, session: aiohttp.ClientSession, data: Mapping[str, Any]) -> OakClient:
        """The controller's API (no credentials)."""
        return OakClient(session, entry_url(self, data))

    async def validate(self, client: OakClient) -> Identity:
        """The controller lists its cameras: that is all there is to check."""
        cameras = await client.cameras()
        return _identity(client.transport.base_url, cameras)

    def create_host(
        self, hass: HomeAssistant, entry: CamHubConfigEntry, client: OakClient
    ) -> OakHost:
        """The controller's host."""
        return OakHost(hass, entry, client)

    async def async_local_devices(self, hass: HomeAssistant, client: OakClient) -> list[str] | None:
        """OAK devices `depthai` sees from this host (✓: the controller lists it too)."""
        devices = await async_scan_local_devices(hass)
        if devices is None:
            return None
        try:
            listed = {camera.mxid for camera in await client.cameras()}
        except CamHubError:
            listed = set()
        return [
            f"{'✓ ' if d.device_id in listed else ''}{d.device_id} ({d.name}, {d.state}, "
            f"{d.protocol})"
            for d in devices
        ]


def _identity(url: URL, cameras: Sequence[CameraInfo]) -> Identity:
    """No unique id: the Robopipe API names no controller id (only its mDNS host name does)."""
    count = len(cameras)
    return Identity(
        unique_id=None,
        title=f"Robopipe controller ({url.host})",
        model=f"Robopipe controller with {count} OAK camera{'s' if count != 1 else ''}",
        devices=frozenset(camera.mxid for camera in cameras),
    )
