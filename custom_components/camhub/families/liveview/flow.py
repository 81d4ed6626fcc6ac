"""Recognising a Camera Remote live-view server (it has no login)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import aiohttp
from homeassistant.core import HomeAssistant
from yarl import URL

from ...api.errors import CamHubError, ConnectError
from ...api.liveview import DEFAULT_PORT, LiveViewClient, ServerStatus
from ..base import FamilyFlow, Identity, entry_url
from .host import LiveViewHost
from .models import server_id

if TYPE_CHECKING:
    from ...data import CamHubConfigEntry

PROBE_TIMEOUT = 5.0


class LiveViewFlow(FamilyFlow[LiveViewClient]):
    """Sony cameras behind a Camera Remote live-view server."""

    key: ClassVar[str] = "liveview"
    name: ClassVar[str] = "Camera Remote live-view server"
    needs_auth: ClassVar[bool] = False

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

    def create_host(
        self, hass: HomeAssistant, entry: CamHubConfigEntry, client: LiveViewClient
    ) -> LiveViewHost:
        """The server's host."""
        return LiveViewHost(hass, entry, client)


def _identity(url: URL, status: ServerStatus) -> Identity:
    return Identity(
        unique_id=server_id(url),
        title=f"Camera Remote server ({url.host})",
        model=f"Camera Remote server {status.version}",
    )
