"""Recognising a Camera Remote live-view server (it has no login)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import aiohttp
from homeassistant.core import HomeAssistant
from yarl import URL

from ...api.errors import CamHubError, ConnectError
from ...api.liveview import DEFAULT_PORT, CameraInfo, LiveViewClient, ServerStatus
from ..base import FamilyFlow, Identity, entry_url
from .host import LiveViewHost

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
            cameras = await client.cameras()
        except ConnectError:
            raise
        except CamHubError:
            return None
        return _identity(url, status, cameras)

    def create_client(
        self, session: aiohttp.ClientSession, data: Mapping[str, Any]
    ) -> LiveViewClient:
        """A client for the entry's server (no credentials)."""
        return LiveViewClient(session, entry_url(self, data))

    async def validate(self, client: LiveViewClient) -> Identity:
        """The server answers its status: that is all there is to check."""
        status = await client.server_status()
        return _identity(client.transport.base_url, status, await client.cameras())

    def create_host(
        self, hass: HomeAssistant, entry: CamHubConfigEntry, client: LiveViewClient
    ) -> LiveViewHost:
        """The server's host."""
        return LiveViewHost(hass, entry, client)


def _identity(url: URL, status: ServerStatus, cameras: tuple[CameraInfo, ...]) -> Identity:
    """No unique id: the server's API names no id of its own (its cameras have theirs)."""
    return Identity(
        unique_id=None,
        title=f"Camera Remote server ({url.host})",
        model=f"Camera Remote server {status.version}",
        devices=frozenset(camera.id for camera in cameras),
    )
