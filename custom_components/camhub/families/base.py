"""The contract every device family implements: a stateless flow and a host per entry.

`FamilyFlow` is what the config flow needs before an entry exists: how to recognise a host
(`probe`, no credentials), how to build and verify a client, and the extra steps some families
ask for. It is a stateless singleton registered in `families.FAMILIES`.

`FamilyHost` is created once per loaded entry (reolink's `ReolinkHost`, unifiprotect's
`ProtectData`): it owns the client, the typed coordinator and every long-running task, and
says which devices, video sources and entities the current state has. Entities, actions and
the options flow talk to the host; nothing else keeps per-entry state.
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
from homeassistant.core import HomeAssistant
from homeassistant.helpers import selector
from yarl import URL

from ..api.transport import build_url
from ..const import CONF_FPS
from ..coordinator import CamHubCoordinator
from ..devices import CamHubDeviceInfo, entity_unique_id
from ..streaming import FrameSource

if TYPE_CHECKING:
    from ..data import CamHubConfigEntry
    from ..descriptions import PlacedEntity


@dataclass(frozen=True, slots=True)
class Identity:
    """Who a device is: what the config flow learns before creating an entry.

    `unique_id` is a serial or MAC; None for a server whose API names no id of its own
    (Robopipe, Camera Remote, AIPIX): such an entry has no unique id, a second entry for the
    same address is refused, and its own device is identified by the entry id. `devices` are
    the ids of the devices it reaches (OAK mxids, Sony camera ids): a reconfigure that finds
    none of the entry's devices reached another server.
    """

    unique_id: str | None
    title: str
    model: str | None = None
    mac: str | None = None
    devices: frozenset[str] = frozenset()


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


def fps_option(options: Mapping[str, Any], default: int, low: int, high: int) -> probatio.Schema:
    """The live-view frame rate option every family with MJPEG has (`fps`, a whole number)."""
    return probatio.Schema(
        {
            probatio.Required(CONF_FPS, default=options.get(CONF_FPS, default)): probatio.All(
                selector.NumberSelector(
                    selector.NumberSelectorConfig(
                        min=low, max=high, step=1, mode=selector.NumberSelectorMode.BOX
                    )
                ),
                probatio.Coerce(int),
            )
        }
    )


class FamilyHost[ClientT, StateT](ABC):
    """Everything one loaded entry owns: client, typed coordinator, tasks and entity model.

    Subclasses set the class attributes and implement `fetch_state`, `device_infos` and
    `video_sources`; families with an event channel start it in `async_start`.
    """

    platforms: ClassVar[tuple[Platform, ...]] = (Platform.CAMERA,)
    update_interval: ClassVar[timedelta | None] = timedelta(seconds=30)
    """Poll interval while no event channel pushes the state."""
    has_login: ClassVar[bool] = True
    """False where the device takes no credentials: a refusal is then a repair, not a reauth."""
    remove_stale_entities: ClassVar[bool] = False
    """True where an item that leaves the state is deleted for good (a CamStreamer stream),
    so its entities are removed (and, at setup, devices the state no longer has); False where
    it may come back (an unplugged camera)."""

    def __init__(self, hass: HomeAssistant, entry: CamHubConfigEntry, client: ClientT) -> None:
        """Bind the entry's client; the coordinator is created here, fetched by setup."""
        self.hass = hass
        self.entry = entry
        self.client = client
        self.coordinator: CamHubCoordinator[StateT] = CamHubCoordinator(
            hass,
            entry,
            self.fetch_state,
            self.update_interval,
            self.device_infos,
            has_login=self.has_login,
        )

    @property
    def options(self) -> Mapping[str, Any]:
        """The entry's options (an options change reloads the entry)."""
        return self.entry.options

    @property
    def state(self) -> StateT:
        """The current state (set by the first refresh, before anything else runs)."""
        return self.coordinator.data

    @abstractmethod
    async def fetch_state(self) -> StateT:
        """Everything the entities show, in one typed object."""

    @abstractmethod
    def device_infos(self, state: StateT) -> Mapping[str, CamHubDeviceInfo]:
        """Home Assistant devices by device id (the id entities refer to)."""

    @abstractmethod
    def video_sources(self, state: StateT) -> list[VideoSource]:
        """The camera entities this state offers, with the options applied."""

    def entities(self, state: StateT) -> list[PlacedEntity[StateT]]:
        """Every non-camera entity of this state: static descriptions placed on items."""
        return []

    async def async_start(self) -> None:  # noqa: B027 - most hosts have nothing to start
        """Start event channels and timers, after the first state has been read."""

    def start_task(self, coro: Coroutine[Any, Any, None], name: str) -> None:
        """A long-running task that ends when the entry unloads."""
        self.entry.async_create_background_task(
            self.hass, coro, f"camhub {name} {self.entry.title}"
        )

    def options_schema(self) -> probatio.Schema:
        """The family's own options (the shared ones are added by the flow)."""
        return probatio.Schema({})

    async def async_validate_options(self, user_input: Mapping[str, Any]) -> dict[str, str]:
        """Check options against the device before they are saved: errors by field key."""
        return {}


class FamilyFlow[ClientT](ABC):
    """How the config flow finds, checks and sets up one device family (stateless)."""

    key: ClassVar[str]
    """Stored in the config entry (`family`); never change it."""
    name: ClassVar[str]
    needs_auth: ClassVar[bool] = True
    prefers_https: ClassVar[bool] = False
    """Probe HTTPS first when the user gives neither a port nor HTTPS (servers on 443 only)."""
    credentials_schema: ClassVar[probatio.Schema] = USERNAME_PASSWORD
    """What the credentials and reauth steps ask for (field names are stored in the entry)."""

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

        A loaded entry's options are merged in too (data wins), for families whose client
        depends on a choice the user made (AIPIX: which cameras).
        """

    @abstractmethod
    async def validate(self, client: ClientT) -> Identity:
        """Check the credentials with a request that needs them, and return the identity."""

    @abstractmethod
    def create_host(
        self, hass: HomeAssistant, entry: CamHubConfigEntry, client: ClientT
    ) -> FamilyHost[ClientT, Any]:
        """The per-entry host (its class is the family's `host.py`)."""

    async def async_local_devices(self, hass: HomeAssistant, client: ClientT) -> list[str] | None:
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


def entry_url(family: FamilyFlow[Any], data: Mapping[str, Any]) -> URL:
    """The base URL of an entry's device from its host, port and ssl settings."""
    ssl = bool(data.get(CONF_SSL, False))
    port = data.get(CONF_PORT) or family.default_port(ssl)
    return build_url(data[CONF_HOST], int(port), ssl)
