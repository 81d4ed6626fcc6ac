"""CamHub actions, registered once in `async_setup` (action-setup rule)."""

from __future__ import annotations

import voluptuous as vol
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import service
from homeassistant.helpers.typing import VolDictType

from .api.intercom2n import HISTORY_MAX_SECONDS
from .const import ATTR_FILENAME, ATTR_SECONDS_AGO, DOMAIN, SERVICE_SNAPSHOT_HISTORY

SNAPSHOT_HISTORY_SCHEMA: VolDictType = {
    vol.Required(ATTR_SECONDS_AGO): vol.All(
        vol.Coerce(int), vol.Range(min=0, max=HISTORY_MAX_SECONDS)
    ),
    vol.Required(ATTR_FILENAME): cv.string,
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
