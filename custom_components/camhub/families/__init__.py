"""Device families CamHub supports, by the key stored in each config entry.

Each family is a package with a `FLOW` (the stateless config-flow half, which also creates
the per-entry host) and, where it has actions, `ACTIONS`.
"""

from __future__ import annotations

from typing import Any

from ..actions import Action
from . import aipix, camstreamer, intercom2n, liveview, oak
from .base import FamilyFlow

FAMILIES: dict[str, FamilyFlow[Any]] = {
    family.FLOW.key: family.FLOW for family in (intercom2n, liveview, aipix, camstreamer, oak)
}
"""In probing order: the cheapest and least ambiguous probes first."""

ACTIONS: tuple[Action, ...] = (*camstreamer.ACTIONS, *oak.ACTIONS, *aipix.ACTIONS)
"""Every family's actions, registered once by `services.async_setup_services`."""
