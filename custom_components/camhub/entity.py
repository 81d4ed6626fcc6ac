"""Base entities and the dynamic set-up every platform shares.

Entities are added as the family's state offers them, not only at start-up: each coordinator
update places the host's descriptions again and adds entities for new ones (a stream created
on the camera, an OAK camera plugged in). An entity whose item is gone turns unavailable;
hosts whose items are deleted for good (`remove_stale_entities`) have them removed.

Each described entity also subscribes to its item and device on the coordinator, so a pushed
change routed to them (`CamHubCoordinator.async_publish(..., changed=...)`) updates only them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, Any

from homeassistant.core import callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .api.errors import CamHubError
from .const import DOMAIN
from .coordinator import CamHubCoordinator
from .data import CamHubConfigEntry
from .descriptions import CamHubDescription, PlacedEntity
from .devices import entity_unique_id, registry_device_info
from .errors import invalid_value, translated_error

if TYPE_CHECKING:
    # Types only: the families import the platforms' entity classes (OAK's action).
    from .families.base import FamilyHost


class CamHubEntity(CoordinatorEntity[CamHubCoordinator[Any]]):
    """An entity of one device of a CamHub entry.

    `unique_id` is `<device id>_<key>`: device ids are serials, mxids or UUIDs, stable across
    IP changes and reinstalls. Names come from translation keys (`has_entity_name`).
    """

    _attr_has_entity_name = True

    def __init__(self, host: FamilyHost[Any, Any], device_id: str, key: str) -> None:
        """Attach to the device `device_id` of this entry's state."""
        super().__init__(host.coordinator)
        self.host = host
        self.device_id = device_id
        self._attr_unique_id = entity_unique_id(device_id, key)
        info = host.coordinator.device_infos.get(device_id)
        self._attr_device_info = (
            DeviceInfo()
            if info is None
            else registry_device_info(host.hass, host.entry.entry_id, info)
        )

    @property
    def available(self) -> bool:
        """Unavailable when the last update failed or the device left the state."""
        return super().available and self.device_id in self.coordinator.device_ids


class CamHubDescribedEntity(CamHubEntity):
    """An entity defined by a family's description, placed on one item."""

    entity_description: CamHubDescription[Any]

    def __init__(self, host: FamilyHost[Any, Any], placed: PlacedEntity[Any]) -> None:
        """Bind the placed description; its functions read the coordinator's state."""
        super().__init__(host, placed.device_id, placed.key)
        self.entity_description = placed.description
        self.item = placed.item
        if placed.placeholders is not None:
            self._attr_translation_placeholders = placed.placeholders

    async def async_added_to_hass(self) -> None:
        """Also follow changes routed to this entity's item or device."""
        await super().async_added_to_hass()
        for key in {self.item or self.device_id, self.device_id}:
            self.async_on_remove(self.coordinator.async_subscribe(key, self._routed))

    @callback
    def _routed(self) -> None:
        self._on_state()
        self.async_write_ha_state()

    @callback
    def _handle_coordinator_update(self) -> None:
        """A full update (a poll, a broadcast publish): CoordinatorEntity's documented hook."""
        self._on_state()
        super()._handle_coordinator_update()

    @callback
    def _on_state(self) -> None:
        """Before the state is written, on a routed or a full update: follow the new state.

        Entities that act on a new state (an event entity fires, an image entity renews its
        token) override this one method; most have nothing to do.
        """

    @property
    def state_data(self) -> Any:
        """The family's typed state (typed in the family's descriptions, erased here)."""
        return self.coordinator.data

    @property
    def available(self) -> bool:
        """Also unavailable when the item behind the entity is gone or cannot be used now."""
        data, item = self.coordinator.data, self.item
        description = self.entity_description
        return (
            super().available
            and description.exists_fn(data, item)
            and description.available_fn(data, item)
        )

    async def _async_write(self, write: Callable[[], Awaitable[None]]) -> None:
        """Run a write with translated errors, then make sure the state follows."""
        try:
            await write()
        except ValueError as err:
            raise invalid_value(err) from err
        except CamHubError as err:
            raise translated_error(err) from err
        await self.coordinator.async_after_write()


@callback
def async_setup_dynamic[D: CamHubDescription[Any]](
    entry: CamHubConfigEntry,
    description_type: type[D],
    factory: Callable[[FamilyHost[Any, Any], PlacedEntity[Any]], Entity],
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add an entity per placed description of this type now and whenever new ones appear."""
    runtime = entry.runtime_data
    host = runtime.host
    coordinator = host.coordinator
    known: set[str] = set()

    @callback
    def add_new() -> None:
        data = coordinator.data
        placed = [p for p in runtime.entities() if isinstance(p.description, description_type)]
        present = {p.unique_id for p in placed if p.exists(data)}
        new = [p for p in placed if p.unique_id in present and p.unique_id not in known]
        if host.remove_stale_entities:
            _remove(host, known - present)
            known.intersection_update(present)
        known.update(p.unique_id for p in new)
        if new:
            async_add_entities(factory(host, p) for p in new)

    add_new()
    entry.async_on_unload(coordinator.async_add_listener(add_new))


def _remove(host: FamilyHost[Any, Any], unique_ids: Iterable[str]) -> None:
    registry = er.async_get(host.hass)
    for uid in unique_ids:
        for platform in host.platforms:
            if entity_id := registry.async_get_entity_id(platform, DOMAIN, uid):
                registry.async_remove(entity_id)
