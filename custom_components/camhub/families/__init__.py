"""Device families CamHub supports, by the key stored in each config entry."""

from __future__ import annotations

from typing import Any

from .base import Family
from .intercom2n import Intercom2NFamily

FAMILIES: dict[str, Family[Any, Any]] = {family.key: family for family in (Intercom2NFamily(),)}
