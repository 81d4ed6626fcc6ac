"""Base entities and the dynamic set-up every platform shares.

Entities are added as the family's state offers them, not only at start-up: each coordinator
update recomputes the descriptions and adds entities for new ones (a stream created on the
camera, an OAK camera plugged in). An entity whose item is gone turns unavailable; families
whose items are deleted for good (`remove_stale_entities`) have them removed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from homeassistant.core import callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .api.errors import CamHubError
from .const import DOMAIN
from .coordinator import CamHubCoordinator
from .data import CamHubConfigEntry
from .descriptions import CamHubDescription
from .devices import entity_unique_id, registry_device_info


def translated_error(err: CamHubError) -> HomeAssistantError:
    """A device failure as the user-facing, translated error of an action or request."""
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key=err.translation_key,
        translation_placeholders={"error": str(err)},
    )


def invalid_value(err: ValueError) -> ServiceValidationError:
    """A value the device would refuse, caught before any request."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key="invalid_value",
        translation_placeholders={"error": str(err)},
    )


class CamHubEntity(CoordinatorEntity[CamHubCoordinator]):
    """An entity of one device of a CamHub entry.

    `unique_id` is `<device id>_<key>`: device ids are serials, mxids or UUIDs, stable across
    IP changes and reinstalls. Names come from translation keys (`has_entity_name`).
    """

    _attr_has_entity_name = True

    def __init__(self, coordinator: CamHubCoordinator, device_id: str, key: str) -> None:
        """Attach to the device `device_id` of this entry's state."""
        super().__init__(coordinator)
        self.device_id = device_id
        self._attr_unique_id = entity_unique_id(device_id, key)
        info = coordinator.family.device_infos(coordinator.data).get(device_id)
        self._attr_device_info = (
            DeviceInfo()
            if info is None
            else registry_device_info(coordinator.hass, coordinator.config_entry.entry_id, info)
        )

    @property
    def available(self) -> bool:
        """Unavailable when the last update failed or the device left the state."""
        return super().available and self.device_id in self.coordinator.device_ids


class CamHubDescribedEntity(CamHubEntity):
    """An entity defined by a family's description."""

    entity_description: CamHubDescription

    def __init__(self, coordinator: CamHubCoordinator, description: CamHubDescription) -> None:
        """Bind the description; its functions read the coordinator's state."""
        super().__init__(coordinator, description.device_id, description.key)
        self.entity_description = description

    @property
    def state_data(self) -> Any:
        """The family's typed state."""
        return self.coordinator.data

    @property
    def client(self) -> Any:
        """The family's device client, passed to `set_fn` / `press_fn`."""
        return self.coordinator.client

    @property
    def available(self) -> bool:
        """Also unavailable when the item behind the entity is gone or cannot be used now."""
        data = self.coordinator.data
        description = self.entity_description
        return super().available and description.exists_fn(data) and description.available_fn(data)

    async def _async_write(self, write: Callable[[], Awaitable[None]]) -> None:
        """Run a write with translated errors, then make sure the state follows."""
        try:
            await write()
        except ValueError as err:
            raise invalid_value(err) from err
        except CamHubError as err:
            raise translated_error(err) from err
        await self.coordinator.async_after_write()


def unique_id(description: CamHubDescription) -> str:
    """The unique id an entity of this description gets."""
    return entity_unique_id(description.device_id, description.key)


@callback
def async_setup_dynamic[D: CamHubDescription](
    entry: CamHubConfigEntry,
    description_type: type[D],
    factory: Callable[[CamHubCoordinator, D], Entity],
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add an entity per description of this type now and whenever new ones appear."""
    runtime = entry.runtime_data
    coordinator = runtime.coordinator
    known: set[str] = set()

    @callback
    def add_new() -> None:
        descriptions = [d for d in runtime.descriptions() if isinstance(d, description_type)]
        present = {unique_id(d) for d in descriptions if d.exists_fn(coordinator.data)}
        new = [d for d in descriptions if unique_id(d) in present and unique_id(d) not in known]
        if runtime.family.remove_stale_entities:
            _remove(coordinator, known - present)
            known.intersection_update(present)
        known.update(unique_id(d) for d in new)
        if new:
            async_add_entities(factory(coordinator, d) for d in new)

    add_new()
    entry.async_on_unload(coordinator.async_add_listener(add_new))


def _remove(coordinator: CamHubCoordinator, unique_ids: Iterable[str]) -> None:
    registry = er.async_get(coordinator.hass)
    for uid in unique_ids:
        for platform in coordinator.family.platforms:
            if entity_id := registry.async_get_entity_id(platform, DOMAIN, uid):
                registry.async_remove(entity_id)
