"""Switch platform: every family's on/off controls, from their descriptions."""

from __future__ import annotations

from typing import Any

from homeassistant.components.switch import SwitchEntity
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .data import CamHubConfigEntry
from .descriptions import CamHubSwitchDescription
from .entity import CamHubDescribedEntity, async_setup_dynamic

PARALLEL_UPDATES = 1  # one write at a time per device: cameras handle them serially anyway


async def async_setup_entry(
    hass: HomeAssistant,
    entry: CamHubConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add switches as the family's state offers them."""
    async_setup_dynamic(entry, CamHubSwitchDescription, CamHubSwitch, async_add_entities)


class CamHubSwitch(CamHubDescribedEntity, SwitchEntity):
    """A switch whose state and write come from its description."""

    entity_description: CamHubSwitchDescription[Any, Any]

    @property
    def is_on(self) -> bool | None:
        """From the coordinator's state."""
        return self.entity_description.value_fn(self.state_data, self.item)

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Write on."""
        await self._async_write(lambda: self.entity_description.set_fn(self.host, self.item, True))

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Write off."""
        await self._async_write(lambda: self.entity_description.set_fn(self.host, self.item, False))
