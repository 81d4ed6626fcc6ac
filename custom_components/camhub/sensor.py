"""Sensor platform: every family's read-only values."""

from __future__ import annotations

from typing import Any

from homeassistant.components.sensor import SensorDeviceClass, SensorEntity
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

    @property
    def native_unit_of_measurement(self) -> str | None:
        """The unit the device reports (an analog input's mode), else the description's."""
        if (unit_fn := self.entity_description.unit_fn) is not None:
            return unit_fn(self.state_data, self.item)
        return super().native_unit_of_measurement

    @property
    def device_class(self) -> SensorDeviceClass | None:
        """The device class that goes with the reported unit, else the description's."""
        if (device_class_fn := self.entity_description.device_class_fn) is not None:
            return device_class_fn(self.state_data, self.item)
        return super().device_class
