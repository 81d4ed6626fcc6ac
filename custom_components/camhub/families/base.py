"""The contract every device family implements.

A family says how to recognise a host (`probe`, no credentials), how to build and verify its
client, how its state is fetched and how often (or that it is pushed), which Home Assistant
devices and video sources it has, and what its options are. The platforms (`camera.py`, ...)
and the config flow are generic and only ever talk to this interface, so adding a family is a
new module here plus a client in `api/`, never a new entity class.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

import aiohttp
import probatio
from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_SSL,
    CONF_USERNAME,
    Platform,
)
from homeassistant.helpers import selector
from yarl import URL

from ..api.transport import build_url
from ..devices import CamHubDeviceInfo, entity_unique_id
from ..streaming import FrameSource

if TYPE_CHECKING:
    from ..coordinator import CamHubCoordinator
    from ..descriptions import CamHubDescription


@dataclass(frozen=True, slots=True)
class Identity:
    """Who a device is: what the config flow learns before creating an entry."""

    unique_id: str
    title: str
    model: str | None = None
    mac: str | None = None


SnapshotFn = Callable[[], Awaitable[bytes]]


@dataclass(frozen=True, kw_only=True, slots=True)
class VideoSource:
    """One camera entity's worth of video.

    `snapshot` fetches a still from the device; `frames` opens the live upstream a FrameHub
    shares between viewers; `stream_source` gives an RTSP/HLS URL for go2rtc/WebRTC;
    `history` (2N) fetches a still from N seconds ago. `stream_renew_at` says when the URL
    `stream_source` last gave must be replaced (AIPIX links expire): a running stream is
    handed a new one then, as Home Assistant's stream asks for its source only once.
    """

    key: str
    device_id: str
    translation_key: str
    snapshot: SnapshotFn
    translation_placeholders: Mapping[str, str] | None = None
    frames: FrameSource | None = None
    stream_source: Callable[[], Awaitable[str | None]] | None = None
    history: Callable[[int], Awaitable[bytes]] | None = None
    stream_renew_at: Callable[[], datetime | None] | None = None
    frame_interval: float = 0.5
    enabled_default: bool = True

    @property
    def uid(self) -> str:
        """Unique within Home Assistant: the camera entity's unique id and the hub's key."""
        return entity_unique_id(self.device_id, self.key)


USERNAME_PASSWORD = probatio.Schema(
    {
        probatio.Required(CONF_USERNAME): selector.TextSelector(),
        probatio.Required(CONF_PASSWORD): selector.TextSelector(
            selector.TextSelectorConfig(type=selector.TextSelectorType.PASSWORD)
        ),
    }
)


class Family[ClientT, StateT](ABC):
    """One device family. Subclasses are stateless singletons registered in `FAMILIES`."""

    key: ClassVar[str]
    """Stored in the config entry (`family`); never change it."""
    name: ClassVar[str]
    needs_auth: ClassVar[bool] = True
    prefers_https: ClassVar[bool] = False
    """Probe HTTPS first when the user gives neither a port nor HTTPS (servers on 443 only)."""
    credentials_schema: ClassVar[probatio.Schema] = USERNAME_PASSWORD
    """What the credentials and reauth steps ask for (field names are stored in the entry)."""
    platforms: ClassVar[tuple[Platform, ...]] = (Platform.CAMERA,)
    update_interval: ClassVar[timedelta | None] = timedelta(seconds=30)
    """Poll interval; None for a family whose state is pushed by an event channel."""

    def default_port(self, ssl: bool) -> int:
        """The port used when the user leaves it empty."""
        return 443 if ssl else 80

    @abstractmethod
    async def probe(self, session: aiohttp.ClientSession, url: URL) -> Identity | None:
        """Recognise this family at `url` without credentials; None if it is not one.

        Raise `ConnectError` when nothing answers at all, so the flow can tell "cannot
        connect" from "not a supported device".
        """

    @abstractmethod
    def create_client(self, session: aiohttp.ClientSession, data: Mapping[str, Any]) -> ClientT:
        """Build the client from a config entry's data (url parts and credentials).

        A loaded entry's options are merged in too (data wins), for families whose state
        depends on a choice the user made (AIPIX: which cameras).
        """

    @abstractmethod
    async def validate(self, client: ClientT) -> Identity:
        """Check the credentials with a request that needs them, and return the identity."""

    @abstractmethod
    async def fetch_state(self, client: ClientT) -> StateT:
        """Everything the entities show, in one typed object."""

    @abstractmethod
    def device_infos(self, state: StateT) -> dict[str, CamHubDeviceInfo]:
        """Home Assistant devices by device id (the id entities refer to)."""

    @abstractmethod
    def video_sources(
        self, client: ClientT, state: StateT, options: Mapping[str, Any]
    ) -> list[VideoSource]:
        """The camera entities this state offers, with the options applied."""

    remove_stale_entities: ClassVar[bool] = False
    """True where an item that leaves the state is deleted for good (a CamStreamer stream),
    so its entities are removed (and, at setup, devices the state no longer has); False where
    it may come back (an unplugged camera)."""

    def entity_descriptions(
        self, client: ClientT, state: StateT, options: Mapping[str, Any]
    ) -> list[CamHubDescription]:
        """Every non-camera entity, as descriptions (see `descriptions.py`)."""
        return []

    def push_tasks(
        self, client: ClientT, coordinator: CamHubCoordinator
    ) -> list[Coroutine[Any, Any, None]]:
        """Long-running coroutines that push state (event channels), run per loaded entry.

        Each calls `coordinator.async_set_updated_data(...)` on events and
        `coordinator.async_set_push_connected(...)` as its channel comes and goes.
        """
        return []

    def options_schema(self, state: StateT, options: Mapping[str, Any]) -> probatio.Schema:
        """The family's own options (the shared ones are added by the flow)."""
        return probatio.Schema({})

    async def async_validate_options(
        self, client: ClientT, state: StateT, user_input: Mapping[str, Any]
    ) -> dict[str, str]:
        """Check options against the device before they are saved: errors by field key."""
        return {}

    async def async_local_devices(self, client: ClientT) -> list[str] | None:
        """Devices of this family visible from the Home Assistant host, one line each.

        The config flow shows them (a step without fields) so the user can match them to
        what the device lists (OAK cameras found with `depthai`). None (the default, or where
        the optional library is missing) means no such step.
        """
        return None

    async def extra_step_schema(
        self, client: ClientT, data: Mapping[str, Any]
    ) -> probatio.Schema | None:
        """A form the config flow shows after the credentials (AIPIX: which cameras).

        None (the default) means no such step: the entry is created right away.
        """
        return None

    async def async_extra_step(
        self, client: ClientT, user_input: Mapping[str, Any]
    ) -> tuple[dict[str, Any], dict[str, str]]:
        """Check the extra step's input: (the new entry's options, errors by field key)."""
        return dict(user_input), {}


def entry_url(family: Family[Any, Any], data: Mapping[str, Any]) -> URL:
    """The base URL of an entry's device from its host, port and ssl settings."""
    ssl = bool(data.get(CONF_SSL, False))
    port = data.get(CONF_PORT) or family.default_port(ssl)
    return build_url(data[CONF_HOST], int(port), ssl)
