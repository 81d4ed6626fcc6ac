"""Recognising a 2N intercom and checking its login."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import aiohttp
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant
from yarl import URL

from ...api.errors import CamHubError, ConnectError
from ...api.intercom2n import Intercom2NClient, SystemInfo
from ..base import FamilyFlow, Identity, entry_url
from .host import Intercom2NHost

if TYPE_CHECKING:
    from ...data import CamHubConfigEntry


def _identity(info: SystemInfo) -> Identity:
    return Identity(
        unique_id=info.serial,
        title=info.name or info.variant,  # no serial: titles reach logs; the device shows it
        model=info.variant,
        mac=info.mac,
    )


class Intercom2NFlow(FamilyFlow[Intercom2NClient]):
    """2N IP intercoms (IP Verso, IP Style, IP One, ...)."""

    key: ClassVar[str] = "intercom_2n"
    name: ClassVar[str] = "2N IP intercom"

    async def probe(self, session: aiohttp.ClientSession, url: URL) -> Identity | None:
        """A 2N device answers `/api/system/info` with a serial number, without a login."""
        client = Intercom2NClient(session, str(url))
        try:
            info = await client.system_info()
        except ConnectError:
            raise
        except CamHubError:  # an HTTP server, but not a 2N one
            return None
        return _identity(info)

    def create_client(
        self, session: aiohttp.ClientSession, data: Mapping[str, Any]
    ) -> Intercom2NClient:
        """A client with the entry's credentials (Digest, or Basic where the device wants it)."""
        return Intercom2NClient(
            session, str(entry_url(self, data)), data.get(CONF_USERNAME), data.get(CONF_PASSWORD)
        )

    async def validate(self, client: Intercom2NClient) -> Identity:
        """Caps need the Camera Monitoring privilege: exactly what CamHub will use."""
        info = await client.system_info()
        await client.caps()
        return _identity(info)

    def create_host(
        self, hass: HomeAssistant, entry: CamHubConfigEntry, client: Intercom2NClient
    ) -> Intercom2NHost:
        """The intercom's host."""
        return Intercom2NHost(hass, entry, client)
