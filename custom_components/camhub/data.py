"""Typed runtime data of a CamHub config entry."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import ConfigEntry

if TYPE_CHECKING:
    from .coordinator import CamHubCoordinator
    from .families.base import Family, VideoSource
    from .streaming import FrameHub


@dataclass(slots=True)
class CamHubRuntime:
    """What a loaded entry owns: its family, client, coordinator and one FrameHub per source."""

    family: Family[Any, Any]
    client: Any
    coordinator: CamHubCoordinator
    sources: dict[str, VideoSource] = field(default_factory=dict)
    hubs: dict[str, FrameHub] = field(default_factory=dict)


type CamHubConfigEntry = ConfigEntry[CamHubRuntime]
