"""How a CamHub action is declared, registered and finds its target.

One way to find a target: an action about a camera is an entity service on the camera
platform (the target picker), or names a camera entity; an action about a whole device names
its config entry. Either way the entry must be loaded (`ConfigEntryState.LOADED`: an unloaded
entry keeps its `runtime_data`, but its event channels and session are gone) and be of the
family the action is for.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import probatio
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse, SupportsResponse
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import service
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.typing import VolDictType

from .const import CONF_FAMILY, DOMAIN
from .errors import validation_error

if TYPE_CHECKING:
    from .families.base import FamilyHost, VideoSource

ServiceHandler = Callable[[ServiceCall], Coroutine[Any, Any, ServiceResponse]]
EntityHandler = Callable[[Entity, ServiceCall], Awaitable[None]]


@dataclass(frozen=True, kw_only=True, slots=True)
class Action:
    """One action: either a `handler` of calls, or an `entity_handler` on camera entities."""

    name: str
    schema: probatio.Schema | VolDictType
    handler: ServiceHandler | None = None
    entity_handler: EntityHandler | str | None = None
    response: SupportsResponse = SupportsResponse.NONE

    def register(self, hass: HomeAssistant) -> None:
        """Register the action with Home Assistant (once, in `async_setup`)."""
        if self.entity_handler is not None:
            assert isinstance(self.schema, dict)
            service.async_register_platform_entity_service(
                hass,
                DOMAIN,
                self.name,
                entity_domain=Platform.CAMERA,
                schema=self.schema,
                func=self.entity_handler,
            )
            return
        assert self.handler is not None and isinstance(self.schema, probatio.Schema)
        hass.services.async_register(
            DOMAIN, self.name, self.handler, schema=self.schema, supports_response=self.response
        )


def entry_host[H: FamilyHost[Any, Any]](
    hass: HomeAssistant, entry_id: str, family: str, host_type: type[H], wrong_entry: str
) -> H:
    """The host of a loaded entry of `family`; else `wrong_entry` (translated)."""
    entry = hass.config_entries.async_get_entry(entry_id)
    if entry is None or entry.domain != DOMAIN or entry.data.get(CONF_FAMILY) != family:
        raise validation_error(wrong_entry, entry_id=entry_id)
    if entry.state is not ConfigEntryState.LOADED:
        raise validation_error("entry_not_loaded", entry_id=entry.entry_id)
    host = entry.runtime_data.host
    if not isinstance(host, host_type):
        raise validation_error(wrong_entry, entry_id=entry_id)
    return host


def camera_host[H: FamilyHost[Any, Any]](
    hass: HomeAssistant, entity_id: str, host_type: type[H], wrong_camera: str
) -> tuple[H, VideoSource]:
    """The host and video source of a camera entity of a loaded entry of that family."""
    entity = er.async_get(hass).async_get(entity_id)
    entry = (
        hass.config_entries.async_get_entry(entity.config_entry_id)
        if entity is not None and entity.platform == DOMAIN and entity.config_entry_id
        else None
    )
    if entity is None or entry is None or entry.state is not ConfigEntryState.LOADED:
        raise validation_error(wrong_camera, entity_id=entity_id)
    runtime = entry.runtime_data
    source = runtime.sources.get(entity.unique_id)
    if not isinstance(runtime.host, host_type) or source is None:
        raise validation_error(wrong_camera, entity_id=entity_id)
    return runtime.host, source
