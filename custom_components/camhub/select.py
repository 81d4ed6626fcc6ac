"""Select platform: every family's choices (playlists, modes, resolutions).

Options come from the description, or from the device's state through `options_fn`. With
`restore`, a choice the device cannot report shows the last one made, across restarts.
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.select import SelectEntity
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.restore_state import RestoreEntity

from .data import CamHubConfigEntry
from .descriptions import CamHubSelectDescription
from .entity import CamHubDescribedEntity, async_setup_dynamic

PARALLEL_UPDATES = 1


async def async_setup_entry(
    hass: HomeAssistant,
    entry: CamHubConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add selects as the family's state offers them."""
    async_setup_dynamic(entry, CamHubSelectDescription, CamHubSelect, async_add_entities)


class CamHubSelect(CamHubDescribedEntity, SelectEntity, RestoreEntity):
    """A select whose options, value and write come from its description."""

    entity_description: CamHubSelectDescription[Any, Any]
    _last_set: str | None = None

    async def async_added_to_hass(self) -> None:
        """Bring back the last choice, for devices that cannot report it."""
        await super().async_added_to_hass()
        if self.entity_description.restore and (last := await self.async_get_last_state()):
            self._last_set = last.state

    @property
    def options(self) -> list[str]:
        """From the device's state, or fixed by the description."""
        if self.entity_description.options_fn is not None:
            return self.entity_description.options_fn(self.state_data, self.item)
        return list(self.entity_description.options or [])

    @property
    def current_option(self) -> str | None:
        """From the state; the last choice made where the device cannot say."""
        value = self.entity_description.value_fn(self.state_data, self.item)
        if value is None and self.entity_description.restore:
            value = self._last_set
        return value if value in self.options else None

    async def async_select_option(self, option: str) -> None:
        """Write the choice (Home Assistant has already checked it is an option)."""
        await self._async_write(
            lambda: self.entity_description.set_fn(self.host, self.item, option)
        )
        self._last_set = option
        self.async_write_ha_state()
