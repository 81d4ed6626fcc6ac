"""The CamStreamer actions (services): their schemas, their handlers and `ACTIONS`."""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Any

import probatio
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv

from ...api.camstreamer import (
    URL_SCHEMES,
    App,
    AxisState,
    custom_graphics_params,
    validate_stream_params,
)
from ...api.errors import CamHubError
from ...const import DOMAIN
from ...entity import invalid_value, translated_error
from .const import (
    APP_TITLES,
    ATTR_CONFIG_ENTRY,
    SERVICE_QUEUE_PLAYLIST,
    SERVICE_SET_STREAM,
    SERVICE_UPDATE_OVERLAY_TEXT,
)
from .entities import _playlist_by_name
from .family import CamStreamerFamily
from .host import CamStreamerDevice

QUEUE_PLAYLIST_SCHEMA = probatio.Schema(
    {
        probatio.Required(ATTR_CONFIG_ENTRY): cv.string,
        probatio.Required("playlist"): cv.string,
        probatio.Optional("play_now", default=False): cv.boolean,
    }
)
UPDATE_OVERLAY_TEXT_SCHEMA = probatio.Schema(
    {
        probatio.Required(ATTR_CONFIG_ENTRY): cv.string,
        probatio.Required("service"): probatio.Any(cv.positive_int, cv.string),
        probatio.Optional("fields", default=dict): {cv.string: cv.string},
        probatio.Optional("colors", default=dict): {cv.string: cv.string},
        probatio.Optional("indexes", default=dict): {cv.string: probatio.Coerce(int)},
    }
)
SET_STREAM_FIELDS = {
    "enabled": "enabled",
    "active": "active",
    "title": "title",
    "media_server_url": "mediaServerUrl",
    "audio_source": "audioSource",
    "input_type": "inputType",
    "input_url": "inputUrl",
    "trigger": "trigger",
    "schedule": "schedule",
    "start_time": "startTime",
    "stop_time": "stopTime",
    "prepare_ahead": "prepareAhead",
    "user_vapix_parameters": "userVapixParameters",
}
SET_STREAM_SCHEMA = probatio.Schema(
    {
        probatio.Required(ATTR_CONFIG_ENTRY): cv.string,
        probatio.Required("stream_id"): cv.string,
        probatio.Optional("protocol"): probatio.In(list(URL_SCHEMES)),
        probatio.Optional("enabled"): cv.boolean,
        probatio.Optional("active"): cv.boolean,
        probatio.Optional("title"): cv.string,
        probatio.Optional("media_server_url"): cv.string,
        probatio.Optional("audio_source"): cv.string,
        probatio.Optional("input_type"): probatio.In(["CRS", "CSw", "RTSP_URL"]),
        probatio.Optional("input_url"): cv.string,
        probatio.Optional("trigger"): cv.string,
        probatio.Optional("schedule"): probatio.Any(cv.string, list),
        probatio.Optional("start_time"): probatio.Coerce(int),
        probatio.Optional("stop_time"): probatio.Coerce(int),
        probatio.Optional("prepare_ahead"): probatio.Coerce(int),
        probatio.Optional("user_vapix_parameters"): cv.string,
    }
)


def _validation_error(key: str, **placeholders: str) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN, translation_key=key, translation_placeholders=placeholders
    )


def _target(
    hass: HomeAssistant, call: ServiceCall, app: App
) -> tuple[Any, CamStreamerDevice, AxisState]:
    """The loaded CamStreamer entry an action targets, with `app` usable on it."""
    entry = hass.config_entries.async_get_entry(call.data[ATTR_CONFIG_ENTRY])
    if entry is None or entry.domain != DOMAIN or entry.data.get("family") != CamStreamerFamily.key:
        raise _validation_error("not_camstreamer_entry", entry_id=call.data[ATTR_CONFIG_ENTRY])
    # The entry's state, not the presence of runtime_data: an unloaded entry keeps its
    # runtime_data, and its event channels and session are gone.
    if entry.state is not ConfigEntryState.LOADED:
        raise _validation_error("entry_not_loaded", entry_id=entry.entry_id)
    runtime = entry.runtime_data
    client = runtime.client
    if not isinstance(client, CamStreamerDevice) or client.state is None:
        raise _validation_error("entry_not_loaded", entry_id=entry.entry_id)
    if not client.state.usable(app):
        raise _validation_error("app_unavailable", app=APP_TITLES[app], camera=entry.title)
    return runtime, client, client.state


async def _device_call(write: Coroutine[Any, Any, None]) -> None:
    try:
        await write
    except ValueError as err:
        raise invalid_value(err) from err
    except CamHubError as err:
        raise translated_error(err) from err


async def async_queue_playlist(call: ServiceCall) -> None:
    """camhub.queue_playlist: push a playlist to CamSwitcher's queue, or play it now."""
    _runtime, client, state = _target(call.hass, call, "camswitcher")
    assert state.switcher is not None
    pid = _playlist_by_name(state.switcher, call.data["playlist"])
    if pid is None:
        raise _validation_error("unknown_playlist", playlist=call.data["playlist"])
    if call.data["play_now"]:
        await _device_call(client.api.playlist_switch(pid))
    else:
        await _device_call(client.api.queue_push(pid))


async def async_update_overlay_text(call: ServiceCall) -> None:
    """camhub.update_overlay_text: texts, colours and variants of a Custom Graphics service."""
    _runtime, client, state = _target(call.hass, call, "camoverlay")
    assert state.overlay is not None
    wanted = str(call.data["service"])
    service = next(
        (
            s
            for s in state.overlay.services.values()
            if wanted in (str(s.id), s.custom_name) and s.type == "customGraphics"
        ),
        None,
    )
    if service is None:
        raise _validation_error("unknown_overlay_service", service=wanted)
    try:
        params = custom_graphics_params(
            service.id, call.data["fields"], call.data["colors"], call.data["indexes"]
        )
    except ValueError as err:
        raise invalid_value(err) from err
    await _device_call(client.api.update_custom_graphics(params))


async def async_set_stream(call: ServiceCall) -> None:
    """camhub.set_stream: create (id `api...`) or modify a CamStreamer stream."""
    runtime, client, state = _target(call.hass, call, "camstreamer")
    stream_id = call.data["stream_id"].strip()
    if stream_id not in (state.streams or {}) and not stream_id.startswith("api"):
        raise _validation_error("new_stream_id", stream_id=stream_id)
    raw: dict[str, Any] = {
        wire: call.data[field] for field, wire in SET_STREAM_FIELDS.items() if field in call.data
    }
    if isinstance(raw.get("schedule"), list):
        raw["schedule"] = json.dumps(raw["schedule"])
    if "protocol" in call.data:
        raw["protocol"] = call.data["protocol"]
    try:
        params = validate_stream_params(raw)
    except ValueError as err:
        raise invalid_value(err) from err
    if not params:
        raise _validation_error("nothing_to_set")
    await _device_call(client.api.set_stream(stream_id, params))
    await runtime.coordinator.async_request_refresh()


ACTIONS: tuple[
    tuple[str, Callable[[ServiceCall], Coroutine[Any, Any, None]], probatio.Schema], ...
] = (
    (SERVICE_QUEUE_PLAYLIST, async_queue_playlist, QUEUE_PLAYLIST_SCHEMA),
    (SERVICE_UPDATE_OVERLAY_TEXT, async_update_overlay_text, UPDATE_OVERLAY_TEXT_SCHEMA),
    (SERVICE_SET_STREAM, async_set_stream, SET_STREAM_SCHEMA),
)
"""The family's actions, registered by `services.async_setup_services`."""
