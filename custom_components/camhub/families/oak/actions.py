"""The `camhub.capture_still` action: a still of an OAK stream saved to a file."""

from __future__ import annotations

from typing import Any, Final

import probatio
from homeassistant.core import ServiceCall
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.typing import VolDictType

from ...actions import Action
from ...api.errors import CamHubError
from ...api.oak import STILL_FORMATS
from ...camera import CamHubCamera
from ...const import ATTR_FILENAME, DOMAIN
from ...errors import translated_error
from ...files import async_allowed_file
from .host import OakHost

ATTR_FORMAT: Final = "format"
SERVICE_CAPTURE_STILL: Final = "capture_still"


CAPTURE_STILL_SCHEMA: Final[VolDictType] = {
    probatio.Optional(ATTR_FORMAT, default="jpeg"): probatio.In(STILL_FORMATS),
    probatio.Required(ATTR_FILENAME): cv.string,
}


async def async_capture_still(entity: Any, call: ServiceCall) -> None:
    """`camhub.capture_still`: save a still of an OAK stream's camera entity to a file."""
    if not isinstance(entity, CamHubCamera) or not isinstance(entity.host, OakHost):
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="oak_not_an_oak_camera",
            translation_placeholders={"entity_id": entity.entity_id},
        )
    target = await async_allowed_file(entity.hass, str(call.data[ATTR_FILENAME]))
    api = entity.host.api
    try:
        image = await api.still(entity.source.device_id, entity.source.key, call.data[ATTR_FORMAT])
    except CamHubError as err:
        raise translated_error(err) from err
    await target.async_write(entity.hass, image)


ACTIONS: Final = (
    Action(
        name=SERVICE_CAPTURE_STILL, schema=CAPTURE_STILL_SCHEMA, entity_handler=async_capture_still
    ),
)
"""The family's actions, registered by `services.async_setup_services`."""
