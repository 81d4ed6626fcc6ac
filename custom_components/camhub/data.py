"""Typed runtime data of a CamHub config entry."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import ConfigEntry

if TYPE_CHECKING:
    from .coordinator import CamHubCoordinator
    from .descriptions import CamHubDescription
    from .families.base import Family, VideoSource
    from .streaming import FrameHub


@dataclass(slots=True)
class CamHubRuntime:
    """What a loaded entry owns: its family, client, coordinator and one FrameHub per source.

    `sources` and `hubs` (keyed by `VideoSource.uid`) only grow while the entry is loaded:
    a source that disappears from the state keeps its (idle) hub; its camera turns unavailable.
    """

    family: Family[Any, Any]
    client: Any
    coordinator: CamHubCoordinator
    options: Mapping[str, Any]
    hub_factory: Callable[[VideoSource], FrameHub]
    sources: dict[str, VideoSource] = field(default_factory=dict)
    hubs: dict[str, FrameHub] = field(default_factory=dict)
    current_sources: frozenset[str] = frozenset()
    _descriptions: tuple[Any, list[CamHubDescription]] = (None, [])

    def descriptions(self) -> list[CamHubDescription]:
        """The family's entity descriptions for the current state (computed once per state)."""
        data = self.coordinator.data
        if self._descriptions[0] is not data:
            found = self.family.entity_descriptions(self.client, data, self.options)
            self._descriptions = (data, found)
        return self._descriptions[1]

    def sync_sources(self) -> list[VideoSource]:
        """Record the video sources of the current state; return the ones not seen before."""
        found = self.family.video_sources(self.client, self.coordinator.data, self.options)
        self.current_sources = frozenset(source.uid for source in found)
        new = [source for source in found if source.uid not in self.sources]
        for source in new:
            self.sources[source.uid] = source
            if source.frames is not None:
                self.hubs[source.uid] = self.hub_factory(source)
        return new


type CamHubConfigEntry = ConfigEntry[CamHubRuntime]
