"""Number platform: every family's numeric controls.

With `restore` in the description, a value the device cannot read back (its `value_fn` gives
None) shows the last value set through Home Assistant, kept across restarts.
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.number import RestoreNumber
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .data import CamHubConfigEntry
from .descriptions import CamHubNumberDescription
from .entity import CamHubDescribedEntity, async_setup_dynamic

PARALLEL_UPDATES = 1


async def async_setup_entry(
    hass: HomeAssistant,
    entry: CamHubConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add numbers as the family's state offers them."""
    async_setup_dynamic(entry, CamHubNumberDescription, CamHubNumber, async_add_entities)


class CamHubNumber(CamHubDescribedEntity, RestoreNumber):
    """A number whose value, range and write come from its description."""

    entity_description: CamHubNumberDescription[Any, Any]
    _last_set: float | None = None

    async def async_added_to_hass(self) -> None:
        """Bring back the last value set, for devices that cannot report it."""
        await super().async_added_to_hass()
        if self.entity_description.restore and (data := await self.async_get_last_number_data()):
            self._last_set = data.native_value

    @property
    def native_value(self) -> float | None:
        """From the state; the last value set where the device cannot say."""
        value = self.entity_description.value_fn(self.state_data, self.item)
        if value is None and self.entity_description.restore:
            return self._last_set
        return value

    @property
    def native_min_value(self) -> float:
        """The device's minimum for this item where it reports one."""
        bounds = self._bounds()
        return bounds[0] if bounds is not None else super().native_min_value

    @property
    def native_max_value(self) -> float:
        """The device's maximum for this item where it reports one."""
        bounds = self._bounds()
        return bounds[1] if bounds is not None else super().native_max_value

    @property
    def native_unit_of_measurement(self) -> str | None:
        """The device's unit for this item where it reports one."""
        if (unit_fn := self.entity_description.unit_fn) is not None:
            return unit_fn(self.state_data, self.item)
        return super().native_unit_of_measurement

    def _bounds(self) -> tuple[float, float] | None:
        range_fn = self.entity_description.range_fn
        return range_fn(self.state_data, self.item) if range_fn is not None else None

    async def async_set_native_value(self, value: float) -> None:
        """Write the value (Home Assistant has already checked min/max)."""
        await self._async_write(lambda: self.entity_description.set_fn(self.host, self.item, value))
        self._last_set = value
        self.async_write_ha_state()
