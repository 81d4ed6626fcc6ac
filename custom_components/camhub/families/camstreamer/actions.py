"""The CamStreamer actions (services): their schemas, their handlers and `ACTIONS`."""

from __future__ import annotations

import json
from typing import Any, Final

import probatio
from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse, SupportsResponse
from homeassistant.helpers import config_validation as cv

from ...actions import Action, entry_host
from ...api.camstreamer import (
    COORD_SYSTEMS,
    URL_SCHEMES,
    App,
    AxisState,
    OverlayService,
    check_hls,
    custom_graphics_image_params,
    custom_graphics_params,
    validate_stream_params,
)
from ...errors import device_call, invalid_value, validation_error
from .channels import refresh_soon
from .const import (
    APP_TITLES,
    ATTR_CONFIG_ENTRY,
    SERVICE_GET_STREAM,
    SERVICE_QUEUE_PLAYLIST,
    SERVICE_REMOVE_STREAM,
    SERVICE_SET_STREAM,
    SERVICE_UPDATE_OVERLAY_IMAGE,
    SERVICE_UPDATE_OVERLAY_TEXT,
)
from .entities import _playlist_by_name
from .host import CamStreamerHost

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
UPDATE_OVERLAY_IMAGE_SCHEMA = probatio.Schema(
    {
        probatio.Required(ATTR_CONFIG_ENTRY): cv.string,
        probatio.Required("service"): probatio.Any(cv.positive_int, cv.string),
        probatio.Optional("image"): cv.string,
        probatio.Optional("coord_system"): probatio.In(list(COORD_SYSTEMS)),
        probatio.Optional("pos_x"): probatio.Coerce(int),
        probatio.Optional("pos_y"): probatio.Coerce(int),
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
    "internal_vapix_parameters": "internalVapixParameters",
    "output_parameters": "outputParameters",
    "output_type": "outputType",
    "av_sync_msec": "avSyncMsec",
    "force_stereo": "forceStereo",
    "stream_delay": "streamDelay",
    "status_led": "statusLed",
    "status_port": "statusPort",
    "call_api": "callApi",
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
        probatio.Optional("internal_vapix_parameters"): cv.string,
        probatio.Optional("output_parameters"): cv.string,
        probatio.Optional("output_type"): probatio.In(["video", "images", "none"]),
        probatio.Optional("av_sync_msec"): probatio.Coerce(int),
        probatio.Optional("force_stereo"): cv.boolean,
        probatio.Optional("stream_delay"): probatio.Any("", probatio.Coerce(int)),
        probatio.Optional("status_led"): cv.boolean,
        probatio.Optional("status_port"): probatio.Any("", probatio.Coerce(int)),
        probatio.Optional("call_api"): cv.boolean,
    }
)
STREAM_SCHEMA = probatio.Schema(
    {
        probatio.Required(ATTR_CONFIG_ENTRY): cv.string,
        probatio.Required("stream_id"): cv.string,
    }
)


def _target(hass: HomeAssistant, call: ServiceCall, app: App) -> tuple[CamStreamerHost, AxisState]:
    """The loaded CamStreamer entry an action targets, with `app` usable on it."""
    host = entry_host(
        hass, call.data[ATTR_CONFIG_ENTRY], "camstreamer", CamStreamerHost, "not_camstreamer_entry"
    )
    state = host.live
    if state is None:
        raise validation_error("entry_not_loaded", entry_id=host.entry.entry_id)
    if not state.usable(app):
        raise validation_error("app_unavailable", app=APP_TITLES[app], camera=host.entry.title)
    return host, state


async def async_queue_playlist(call: ServiceCall) -> None:
    """camhub.queue_playlist: push a playlist to CamSwitcher's queue, or play it now."""
    client, state = _target(call.hass, call, "camswitcher")
    assert state.switcher is not None
    pid = _playlist_by_name(state.switcher, call.data["playlist"])
    if pid is None:
        raise validation_error("unknown_playlist", playlist=call.data["playlist"])
    if call.data["play_now"]:
        await device_call(client.api.playlist_switch(pid))
    else:
        await device_call(client.api.queue_push(pid))
    await device_call(client.read_queue())


def _graphics_service(call: ServiceCall) -> tuple[CamStreamerHost, OverlayService]:
    """The Custom Graphics service an overlay action names (by id or custom name)."""
    client, state = _target(call.hass, call, "camoverlay")
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
        raise validation_error("unknown_overlay_service", service=wanted)
    return client, service


async def async_update_overlay_image(call: ServiceCall) -> None:
    """camhub.update_overlay_image: a Custom Graphics background image and its position."""
    client, service = _graphics_service(call)
    try:
        params = custom_graphics_image_params(
            service.id,
            call.data.get("image"),
            call.data.get("coord_system"),
            call.data.get("pos_x"),
            call.data.get("pos_y"),
        )
    except ValueError as err:
        raise invalid_value(err) from err
    await device_call(client.api.update_custom_graphics(params))


async def async_update_overlay_text(call: ServiceCall) -> None:
    """camhub.update_overlay_text: texts, colours and variants of a Custom Graphics service."""
    client, service = _graphics_service(call)
    try:
        params = custom_graphics_params(
            service.id, call.data["fields"], call.data["colors"], call.data["indexes"]
        )
    except ValueError as err:
        raise invalid_value(err) from err
    await device_call(client.api.update_custom_graphics(params))


async def async_set_stream(call: ServiceCall) -> None:
    """camhub.set_stream: create (id `api...`) or modify a CamStreamer stream."""
    client, state = _target(call.hass, call, "camstreamer")
    stream_id = call.data["stream_id"].strip()
    if stream_id not in (state.streams or {}) and not stream_id.startswith("api"):
        raise validation_error("new_stream_id", stream_id=stream_id)
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
        raise validation_error("nothing_to_set")
    known = stream_id in (state.streams or {})
    stored = await device_call(client.api.stream_params(stream_id)) if known else {}
    try:
        check_hls({**stored, **params})
    except ValueError as err:
        raise invalid_value(err) from err
    await device_call(client.api.set_stream(stream_id, params))
    refresh_soon(client)  # a new stream's entities appear without a reload


def _known_stream(call: ServiceCall) -> tuple[CamStreamerHost, str]:
    """The target host and a stream id its CamStreamer lists (else a translated error)."""
    host, state = _target(call.hass, call, "camstreamer")
    stream_id = call.data["stream_id"].strip()
    if stream_id not in (state.streams or {}):
        raise validation_error("unknown_stream", stream_id=stream_id)
    return host, stream_id


async def async_get_stream(call: ServiceCall) -> ServiceResponse:
    """camhub.get_stream: a stream's stored parameters (`stream/get.cgi`) as response data."""
    host, stream_id = _known_stream(call)
    params = await device_call(host.api.stream_params(stream_id))
    return {"stream_id": stream_id, "parameters": dict(params)}


async def async_remove_stream(call: ServiceCall) -> None:
    """camhub.remove_stream: delete a stream; its entities go without a reload."""
    host, stream_id = _known_stream(call)
    await device_call(host.api.remove_stream(stream_id))
    refresh_soon(host)


ACTIONS: Final = (
    Action(name=SERVICE_QUEUE_PLAYLIST, schema=QUEUE_PLAYLIST_SCHEMA, handler=async_queue_playlist),
    Action(
        name=SERVICE_UPDATE_OVERLAY_TEXT,
        schema=UPDATE_OVERLAY_TEXT_SCHEMA,
        handler=async_update_overlay_text,
    ),
    Action(
        name=SERVICE_UPDATE_OVERLAY_IMAGE,
        schema=UPDATE_OVERLAY_IMAGE_SCHEMA,
        handler=async_update_overlay_image,
    ),
    Action(name=SERVICE_SET_STREAM, schema=SET_STREAM_SCHEMA, handler=async_set_stream),
    Action(
        name=SERVICE_GET_STREAM,
        schema=STREAM_SCHEMA,
        handler=async_get_stream,
        response=SupportsResponse.ONLY,
    ),
    Action(name=SERVICE_REMOVE_STREAM, schema=STREAM_SCHEMA, handler=async_remove_stream),
)
"""The family's actions, registered by `services.async_setup_services`."""
