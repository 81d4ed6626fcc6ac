"""The AIPIX family's typed state, settings and constants."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import probatio
from homeassistant.helpers import selector

from ...api.aipix import DEFAULT_TTL
from ...const import (
    CONF_API_TOKEN,
    CONF_CAMERAS,
    CONF_IMAGE_MAX_AGE,
    CONF_LINK_TTL,
    CONF_LIVE_SOURCE,
    CONF_MJPEG_INTERVAL,
    CONF_STREAM_TYPES,
)

STREAM_TYPES = ("high", "low")
DEFAULT_STREAM_TYPES = ("high",)
DEFAULT_LIVE_SOURCE = "hls"
DEFAULT_IMAGE_MAX_AGE = 5.0
DEFAULT_MJPEG_INTERVAL = 1.0
CAMERA_REFUSED = (403, 404, 422)
"""Statuses with which the server refuses a request because of a camera, not the token."""
MAX_ARCHIVE = timedelta(days=1)

TOKEN_SCHEMA = probatio.Schema(
    {
        probatio.Required(CONF_API_TOKEN): selector.TextSelector(
            selector.TextSelectorConfig(type=selector.TextSelectorType.PASSWORD)
        )
    }
)


def parse_uuids(values: Any) -> list[str]:
    """Camera UUIDs from a selector's list (or pasted text): split, trimmed, deduplicated."""
    if isinstance(values, str):
        values = [values]
    found: list[str] = []
    for value in values or ():
        for part in re.split(r"[\s,;]+", str(value)):
            uuid = part.strip().lower()
            if uuid and uuid not in found:
                found.append(uuid)
    return found


@dataclass(frozen=True, slots=True)
class AipixSettings:
    """What an entry shows (cameras, stream types) and how it asks for links."""

    cameras: tuple[str, ...]
    stream_types: tuple[str, ...] = DEFAULT_STREAM_TYPES
    live_source: str = DEFAULT_LIVE_SOURCE
    ttl: int = DEFAULT_TTL
    image_max_age: float = DEFAULT_IMAGE_MAX_AGE
    mjpeg_interval: float = DEFAULT_MJPEG_INTERVAL

    @classmethod
    def from_entry(cls, data: Mapping[str, Any]) -> AipixSettings:
        """From an entry's options and data (merged, data wins)."""
        streams = tuple(s for s in data.get(CONF_STREAM_TYPES) or () if s in STREAM_TYPES)
        return cls(
            cameras=tuple(parse_uuids(data.get(CONF_CAMERAS))),
            stream_types=streams or DEFAULT_STREAM_TYPES,
            live_source=str(data.get(CONF_LIVE_SOURCE, DEFAULT_LIVE_SOURCE)),
            ttl=int(data.get(CONF_LINK_TTL, DEFAULT_TTL)),
            image_max_age=float(data.get(CONF_IMAGE_MAX_AGE, DEFAULT_IMAGE_MAX_AGE)),
            mjpeg_interval=float(data.get(CONF_MJPEG_INTERVAL, DEFAULT_MJPEG_INTERVAL)),
        )


@dataclass(frozen=True, slots=True)
class AipixCamera:
    """A configured camera and whether the server gives links for it."""

    uuid: str
    available: bool = True
    error: str | None = None


@dataclass(frozen=True, slots=True)
class AipixState:
    """The server (by its unique id) and its configured cameras."""

    unique_id: str
    cameras: tuple[AipixCamera, ...]
