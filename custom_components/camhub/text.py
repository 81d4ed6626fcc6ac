"""Text platform: every family's free-text controls."""

from __future__ import annotations

from typing import Any

from homeassistant.components.text import TextEntity
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .data import CamHubConfigEntry
from .descriptions import CamHubTextDescription
from .entity import CamHubDescribedEntity, async_setup_dynamic

PARALLEL_UPDATES = 1


async def async_setup_entry(
    hass: HomeAssistant,
    entry: CamHubConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add text entities as the family's state offers them."""
    async_setup_dynamic(entry, CamHubTextDescription, CamHubText, async_add_entities)


class CamHubText(CamHubDescribedEntity, TextEntity):
    """A text entity whose value and write come from its description."""

    entity_description: CamHubTextDescription[Any, Any]

    @property
    def native_value(self) -> str | None:
        """From the coordinator's state."""
        return self.entity_description.value_fn(self.state_data, self.item)

    async def async_set_value(self, value: str) -> None:
        """Write the text."""
        await self._async_write(lambda: self.entity_description.set_fn(self.host, self.item, value))
