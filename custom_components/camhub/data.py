"""Typed runtime data of a CamHub config entry."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import ConfigEntry

if TYPE_CHECKING:
    from .coordinator import CamHubCoordinator
    from .descriptions import PlacedEntity
    from .families.base import FamilyHost, VideoSource
    from .streaming import FrameHub


@dataclass(slots=True)
class CamHubRuntime:
    """What a loaded entry owns: its family's host and one FrameHub per video source.

    `sources` and `hubs` (keyed by `VideoSource.uid`) only grow while the entry is loaded:
    a source that disappears from the state keeps its (idle) hub; its camera turns unavailable.
    The host is typed per family; here, shared by all of them, its state type is erased.
    """

    host: FamilyHost[Any, Any]
    hub_factory: Callable[[VideoSource], FrameHub]
    sources: dict[str, VideoSource] = field(default_factory=dict)
    hubs: dict[str, FrameHub] = field(default_factory=dict)
    current_sources: frozenset[str] = frozenset()
    _entities: tuple[object, list[PlacedEntity[Any]]] = (None, [])

    @property
    def coordinator(self) -> CamHubCoordinator[Any]:
        """The host's coordinator."""
        return self.host.coordinator

    def entities(self) -> list[PlacedEntity[Any]]:
        """The host's placed descriptions for the current state (computed once per state)."""
        data = self.host.coordinator.data
        if self._entities[0] is not data:
            self._entities = (data, self.host.entities(data))
        return self._entities[1]

    def sync_sources(self) -> list[VideoSource]:
        """Record the video sources of the current state; return the ones not seen before."""
        found = self.host.video_sources(self.host.coordinator.data)
        self.current_sources = frozenset(source.uid for source in found)
        new = [source for source in found if source.uid not in self.sources]
        for source in new:
            self.sources[source.uid] = source
            if source.frames is not None:
                self.hubs[source.uid] = self.hub_factory(source)
        return new


type CamHubConfigEntry = ConfigEntry[CamHubRuntime]
