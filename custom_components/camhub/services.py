"""CamHub actions, registered once in `async_setup` (action-setup rule)."""

from __future__ import annotations

import probatio
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, SupportsResponse, callback
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import service
from homeassistant.helpers.typing import VolDictType

from .api.intercom2n import HISTORY_MAX_SECONDS
from .const import (
    ATTR_FILENAME,
    ATTR_SECONDS_AGO,
    DOMAIN,
    SERVICE_GET_ARCHIVE,
    SERVICE_GET_PREVIEW,
    SERVICE_SNAPSHOT_HISTORY,
)
from .families import aipix, camstreamer, oak

SNAPSHOT_HISTORY_SCHEMA: VolDictType = {
    probatio.Required(ATTR_SECONDS_AGO): probatio.All(
        probatio.Coerce(int), probatio.Range(min=0, max=HISTORY_MAX_SECONDS)
    ),
    probatio.Required(ATTR_FILENAME): cv.string,
}


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register every CamHub action."""
    service.async_register_platform_entity_service(
        hass,
        DOMAIN,
        SERVICE_SNAPSHOT_HISTORY,
        entity_domain=Platform.CAMERA,
        schema=SNAPSHOT_HISTORY_SCHEMA,
        func="async_snapshot_history",
    )
    for name, handler, schema in (
        (SERVICE_GET_PREVIEW, aipix.async_get_preview, aipix.GET_PREVIEW_SCHEMA),
        (SERVICE_GET_ARCHIVE, aipix.async_get_archive, aipix.GET_ARCHIVE_SCHEMA),
    ):
        hass.services.async_register(
            DOMAIN, name, handler, schema=schema, supports_response=SupportsResponse.ONLY
        )
    service.async_register_platform_entity_service(
        hass,
        DOMAIN,
        oak.SERVICE_CAPTURE_STILL,
        entity_domain=Platform.CAMERA,
        schema=oak.CAPTURE_STILL_SCHEMA,
        func=oak.async_capture_still,
    )
    for name, action, action_schema in camstreamer.ACTIONS:
        hass.services.async_register(DOMAIN, name, action, schema=action_schema)
