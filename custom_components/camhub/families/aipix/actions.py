"""The AIPIX actions: `camhub.get_preview` and `camhub.get_archive` (links as response data)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Final

import probatio
from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse, SupportsResponse
from homeassistant.helpers import config_validation as cv
from homeassistant.util import dt as dt_util

from ...actions import Action, camera_host
from ...api.aipix import PREVIEW_SOURCES, TTL_MAX, TTL_MIN, VIDEO_SOURCES, CameraRef, Link
from ...const import (
    ATTR_CAMERA,
    ATTR_DATE,
    ATTR_FROM,
    ATTR_SOURCE,
    ATTR_TO,
    ATTR_TTL,
    SERVICE_GET_ARCHIVE,
    SERVICE_GET_PREVIEW,
)
from ...errors import device_call, validation_error
from .host import AipixHost
from .models import MAX_ARCHIVE

GET_PREVIEW_SCHEMA = probatio.Schema(
    {
        probatio.Required(ATTR_CAMERA): cv.entity_id,
        probatio.Optional(ATTR_SOURCE, default="jpg"): probatio.In(PREVIEW_SOURCES),
        probatio.Optional(ATTR_DATE): cv.datetime,
        probatio.Optional(ATTR_TTL): probatio.Coerce(int),
    }
)
GET_ARCHIVE_SCHEMA = probatio.Schema(
    {
        probatio.Required(ATTR_CAMERA): cv.entity_id,
        probatio.Required(ATTR_FROM): cv.datetime,
        probatio.Required(ATTR_TO): cv.datetime,
        probatio.Optional(ATTR_SOURCE, default="hls"): probatio.In(VIDEO_SOURCES),
        probatio.Optional(ATTR_TTL): probatio.Coerce(int),
    }
)


def _camera(hass: HomeAssistant, entity_id: str) -> tuple[AipixHost, CameraRef]:
    """The host and camera behind an AIPIX camera entity of a loaded entry."""
    host, source = camera_host(hass, entity_id, AipixHost, "not_aipix_camera")
    return host, CameraRef(source.device_id, source.key)


def _ttl(call: ServiceCall, host: AipixHost) -> int:
    ttl = int(call.data.get(ATTR_TTL, host.settings.ttl))
    if not TTL_MIN <= ttl <= TTL_MAX:
        raise validation_error("invalid_ttl", min=str(TTL_MIN), max=str(TTL_MAX))
    return ttl


TIME_MIN = datetime(1970, 1, 1, tzinfo=UTC)
TIME_MAX = datetime(9000, 1, 1, tzinfo=UTC)


def _utc(value: datetime) -> datetime:
    """A time from the action: naive means Home Assistant's time zone.

    Years 1 and 9999 overflow when moved to UTC (and no recording is that old): anything
    outside 1970..9000 is refused as an invalid time instead of crashing the action.
    """
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt_util.get_default_time_zone())
    try:
        utc = dt_util.as_utc(value)
    except OverflowError:
        utc = None
    if utc is None or not TIME_MIN <= utc <= TIME_MAX:
        raise validation_error("invalid_time", time=value.isoformat())
    return utc


def _not_future(value: datetime) -> datetime:
    if value > dt_util.utcnow():
        raise validation_error("time_in_future", time=value.isoformat())
    return value


def _response(link: Link) -> ServiceResponse:
    response: dict[str, Any] = {"url": link.url, "expired_at": link.expired_at.isoformat()}
    if link.move_to is not None:
        response["move_to"] = link.move_to.isoformat()
    return response


async def async_get_preview(call: ServiceCall) -> ServiceResponse:
    """`camhub.get_preview`: a new jpg / mp4 preview link, live or at `date`."""
    host, ref = _camera(call.hass, call.data[ATTR_CAMERA])
    ttl = _ttl(call, host)
    date = _not_future(_utc(call.data[ATTR_DATE])) if ATTR_DATE in call.data else None
    ref = CameraRef(ref.uuid, ref.stream_type, date)
    links = await device_call(host.client.preview([ref], call.data[ATTR_SOURCE], ttl))
    return _response(links[0])


async def async_get_archive(call: ServiceCall) -> ServiceResponse:
    """`camhub.get_archive`: an HLS / RTSP link to the recording from `from` to `to`."""
    host, ref = _camera(call.hass, call.data[ATTR_CAMERA])
    ttl = _ttl(call, host)
    start, end = _not_future(_utc(call.data[ATTR_FROM])), _utc(call.data[ATTR_TO])
    if end <= start or end - start > MAX_ARCHIVE:
        raise validation_error(
            "invalid_time_range", hours=str(int(MAX_ARCHIVE.total_seconds() // 3600))
        )
    links = await device_call(host.client.archive([ref], start, end, call.data[ATTR_SOURCE], ttl))
    return _response(links[0])


ACTIONS: Final = (
    Action(
        name=SERVICE_GET_PREVIEW,
        schema=GET_PREVIEW_SCHEMA,
        handler=async_get_preview,
        response=SupportsResponse.ONLY,
    ),
    Action(
        name=SERVICE_GET_ARCHIVE,
        schema=GET_ARCHIVE_SCHEMA,
        handler=async_get_archive,
        response=SupportsResponse.ONLY,
    ),
)
"""The family's actions, registered by `services.async_setup_services`."""
