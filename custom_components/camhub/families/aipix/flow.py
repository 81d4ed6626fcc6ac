"""Recognising an AIPIX VMS, checking its token and choosing cameras."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import aiohttp
import probatio
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from yarl import URL

from ...api.aipix import AipixClient
from ...const import CONF_API_TOKEN, CONF_CAMERAS, CONF_STREAM_TYPES
from ..base import FamilyFlow, Identity, entry_url
from .host import AipixHost, check_cameras, uuid_selector
from .models import DEFAULT_STREAM_TYPES, TOKEN_SCHEMA, parse_uuids

if TYPE_CHECKING:
    from ...data import CamHubConfigEntry


def _identity(url: URL) -> Identity:
    """No unique id: the integration API names no server id."""
    return Identity(unique_id=None, title=f"AIPIX VMS ({url.host})", model="AIPIX VMS")


class AipixFlow(FamilyFlow[AipixClient]):
    """AIPIX video management systems (integration API)."""

    key: ClassVar[str] = "aipix"
    name: ClassVar[str] = "AIPIX VMS"
    credentials_schema: ClassVar[probatio.Schema] = TOKEN_SCHEMA
    prefers_https: ClassVar[bool] = True

    async def probe(self, session: aiohttp.ClientSession, url: URL) -> Identity | None:
        """An anonymous preview request: AIPIX answers 401 with a JSON `message`."""
        if not await AipixClient(session, url, None).probe():
            return None
        return _identity(url)

    def create_client(self, session: aiohttp.ClientSession, data: Mapping[str, Any]) -> AipixClient:
        """The API client with the token (the entry's cameras and settings are the host's)."""
        return AipixClient(
            session, entry_url(self, data), data.get(CONF_API_TOKEN), clock=dt_util.utcnow
        )

    async def validate(self, client: AipixClient) -> Identity:
        """A preview request with the token: 401 means the token is wrong."""
        await client.check_token()
        return _identity(client.transport.base_url)

    def create_host(
        self, hass: HomeAssistant, entry: CamHubConfigEntry, client: AipixClient
    ) -> AipixHost:
        """The server's host."""
        return AipixHost(hass, entry, client)

    async def extra_step_schema(
        self, client: AipixClient, data: Mapping[str, Any]
    ) -> probatio.Schema | None:
        """After the token: which cameras (UUIDs) to add."""
        return probatio.Schema({probatio.Required(CONF_CAMERAS): uuid_selector([])})

    async def async_extra_step(
        self, client: AipixClient, user_input: Mapping[str, Any]
    ) -> tuple[dict[str, Any], dict[str, str]]:
        """Check each camera with a preview request; they become the entry's options."""
        uuids = parse_uuids(user_input.get(CONF_CAMERAS))
        errors = await check_cameras(client, uuids, uuids)
        return {CONF_CAMERAS: uuids, CONF_STREAM_TYPES: list(DEFAULT_STREAM_TYPES)}, errors
