"""Event platform: things that happen (a doorbell ring), from the families' descriptions.

An event has no state to read back, so it cannot be a `value_fn`. The family's state keeps
the item's recent events with a growing sequence number (`EntityEvent.seq`); the entity
remembers the last one it fired and, on every update that reaches it (a routed publish or a
full one), fires those after it, in order. An entity fires nothing from before it was
created: a reload does not ring the doorbell again (Home Assistant restores the last event).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.components.event import EventEntity
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .data import CamHubConfigEntry
from .descriptions import CamHubEventDescription, PlacedEntity
from .entity import CamHubDescribedEntity, async_setup_dynamic

if TYPE_CHECKING:
    from .families.base import FamilyHost

PARALLEL_UPDATES = 0  # pushed, nothing to write


async def async_setup_entry(
    hass: HomeAssistant,
    entry: CamHubConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add event entities as the family's state offers them."""
    async_setup_dynamic(entry, CamHubEventDescription, CamHubEvent, async_add_entities)


class CamHubEvent(CamHubDescribedEntity, EventEntity):
    """An event entity that fires its description's new events."""

    entity_description: CamHubEventDescription[Any]

    def __init__(self, host: FamilyHost[Any, Any], placed: PlacedEntity[Any]) -> None:
        """Start after the events the state already has: they happened before this entity."""
        super().__init__(host, placed)
        events = self.entity_description.events_fn(self.state_data, self.item)
        self.fired_seq = events[-1].seq if events else 0

    @callback
    def _on_state(self) -> None:
        """Fire, in order, each event not fired yet; each one is its own state."""
        for event in self.entity_description.events_fn(self.state_data, self.item):
            if event.seq <= self.fired_seq:
                continue
            self.fired_seq = event.seq
            self._trigger_event(event.event_type, dict(event.attributes))
            self.async_write_ha_state()
