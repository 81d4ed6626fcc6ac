"""Device families CamHub supports, by the key stored in each config entry."""

from __future__ import annotations

from typing import Any

from .aipix import AipixFamily
from .base import Family
from .camstreamer import CamStreamerFamily
from .intercom2n import Intercom2NFamily
from .liveview import LiveViewFamily
from .oak import OakFamily

FAMILIES: dict[str, Family[Any, Any]] = {
    family.key: family
    for family in (
        Intercom2NFamily(),
        LiveViewFamily(),
        AipixFamily(),
        CamStreamerFamily(),
        OakFamily(),
    )
}
