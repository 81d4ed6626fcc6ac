"""Binary sensor platform: every family's read-only on/off states."""

from __future__ import annotations

from typing import Any

from homeassistant.components.binary_sensor import BinarySensorEntity
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .data import CamHubConfigEntry
from .descriptions import CamHubBinarySensorDescription
from .entity import CamHubDescribedEntity, async_setup_dynamic

PARALLEL_UPDATES = 0  # read-only, coordinator-driven


async def async_setup_entry(
    hass: HomeAssistant,
    entry: CamHubConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add binary sensors as the family's state offers them."""
    async_setup_dynamic(
        entry, CamHubBinarySensorDescription, CamHubBinarySensor, async_add_entities
    )


class CamHubBinarySensor(CamHubDescribedEntity, BinarySensorEntity):
    """A binary sensor whose state comes from its description."""

    entity_description: CamHubBinarySensorDescription[Any]

    @property
    def is_on(self) -> bool | None:
        """From the coordinator's state."""
        return self.entity_description.value_fn(self.state_data, self.item)
