"""Sensor platform: every family's read-only values."""

from __future__ import annotations

from typing import Any

from homeassistant.components.sensor import SensorEntity
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .data import CamHubConfigEntry
from .descriptions import CamHubSensorDescription, StateValue
from .entity import CamHubDescribedEntity, async_setup_dynamic

PARALLEL_UPDATES = 0  # read-only, coordinator-driven


async def async_setup_entry(
    hass: HomeAssistant,
    entry: CamHubConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add sensors as the family's state offers them."""
    async_setup_dynamic(entry, CamHubSensorDescription, CamHubSensor, async_add_entities)


class CamHubSensor(CamHubDescribedEntity, SensorEntity):
    """A sensor whose value comes from its description."""

    entity_description: CamHubSensorDescription[Any]

    @property
    def native_value(self) -> StateValue:
        """From the coordinator's state."""
        return self.entity_description.value_fn(self.state_data, self.item)
