"""Recognising an Axis camera (with or without a login) and checking its login."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import aiohttp
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant
from yarl import URL

from ...api.camstreamer import AxisCamStreamerClient, AxisInfo, realm_serial
from ...api.errors import CamHubError, ConnectError
from ..base import FamilyFlow, Identity, entry_url
from .const import PROBE_TIMEOUT
from .entities import mac_of
from .host import CamStreamerHost

if TYPE_CHECKING:
    from ...data import CamHubConfigEntry


def _identity(info: AxisInfo) -> Identity:
    return Identity(
        unique_id=info.serial,
        title=info.name,  # no serial: titles reach logs; the device shows it
        model=info.model,
        mac=mac_of(info.serial),
    )


class CamStreamerFlow(FamilyFlow[AxisCamStreamerClient]):
    """Axis cameras with CamStreamer, CamSwitcher, CamOverlay and CamScripter."""

    key: ClassVar[str] = "camstreamer"
    name: ClassVar[str] = "Axis camera with CamStreamer apps"

    async def probe(self, session: aiohttp.ClientSession, url: URL) -> Identity | None:
        """Axis identity without a login, or the serial in the Digest realm."""
        api = AxisCamStreamerClient(session, url, timeout=PROBE_TIMEOUT)
        try:
            return _identity(await api.unrestricted_info())
        except ConnectError:
            raise
        except CamHubError:
            pass
        serial = realm_serial(await api.challenge() or "")
        if serial is None:
            return None
        return Identity(unique_id=serial, title=f"AXIS {serial}", mac=mac_of(serial))

    def create_client(
        self, session: aiohttp.ClientSession, data: Mapping[str, Any]
    ) -> AxisCamStreamerClient:
        """The API client with the entry's login (Digest, Basic where the camera wants it)."""
        return AxisCamStreamerClient(
            session, entry_url(self, data), data.get(CONF_USERNAME), data.get(CONF_PASSWORD)
        )

    async def validate(self, client: AxisCamStreamerClient) -> Identity:
        """The full device info needs the login; the apps list proves it may read VAPIX."""
        info = await client.device_info()
        await client.applications()
        return _identity(info)

    def create_host(
        self, hass: HomeAssistant, entry: CamHubConfigEntry, client: AxisCamStreamerClient
    ) -> CamStreamerHost:
        """The camera's host."""
        return CamStreamerHost(hass, entry, client)
