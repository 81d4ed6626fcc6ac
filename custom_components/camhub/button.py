"""Button platform: every family's one-shot actions."""

from __future__ import annotations

from typing import Any

from homeassistant.components.button import ButtonEntity
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .data import CamHubConfigEntry
from .descriptions import CamHubButtonDescription
from .entity import CamHubDescribedEntity, async_setup_dynamic

PARALLEL_UPDATES = 1


async def async_setup_entry(
    hass: HomeAssistant,
    entry: CamHubConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add buttons as the family's state offers them."""
    async_setup_dynamic(entry, CamHubButtonDescription, CamHubButton, async_add_entities)


class CamHubButton(CamHubDescribedEntity, ButtonEntity):
    """A button whose action comes from its description."""

    entity_description: CamHubButtonDescription[Any, Any]

    async def async_press(self) -> None:
        """Run the action."""
        await self._async_write(lambda: self.entity_description.press_fn(self.host, self.item))
