"""Axis cameras with the CamStreamer apps: one device per camera, state pushed by WebSockets.

Recognising the host: current Axis firmware answers `basicdeviceinfo.cgi`'s
`getAllUnrestrictedProperties` without a login; older firmware protects everything, but its
401 Digest challenge names the camera (`realm="AXIS_<serial>"`). Either way the serial (the
camera's MAC) is the unique id. A 2N intercom answers neither (its realm is "HTTP API").

State: `fetch_state` reads every app's list endpoints (used at start-up, after a channel
reconnects, and as polling while a channel is down). Each app with an event channel
(CamStreamer, CamSwitcher, CamOverlay) pushes its changes: an event becomes a new immutable
`AxisState` through `apply_event`, handed to the coordinator without any HTTP request.
Writes that the apps do not announce by an event (overlays on/off, master audio, ticker
text) update the state themselves once the camera accepted them.

The package's modules, one concern each: `flow` (recognising a camera), `host` (the per-entry
`CamStreamerHost`), `fetch` (reading the state), `channels` (event-channel supervision),
`entities` (entity descriptions), `actions` (the action schemas and handlers), `discovery`
(cameras CamScripter lists on the LAN), `repairs` (issues for apps that need fixing), `const`.
"""

from __future__ import annotations

from ...api.camstreamer import MJPEG_FPS_MAX, AxisCamStreamerClient
from .actions import (
    ACTIONS,
    QUEUE_PLAYLIST_SCHEMA,
    SET_STREAM_FIELDS,
    SET_STREAM_SCHEMA,
    UPDATE_OVERLAY_TEXT_SCHEMA,
    async_queue_playlist,
    async_set_stream,
    async_update_overlay_text,
)
from .channels import slow_update, stats_shown
from .const import (
    APP_TITLES,
    ATTR_CONFIG_ENTRY,
    DEFAULT_MJPEG_FPS,
    SERVICE_QUEUE_PLAYLIST,
    SERVICE_SET_STREAM,
    SERVICE_UPDATE_OVERLAY_TEXT,
)
from .discovery import _discovery_data, discover_cameras
from .entities import (
    _audio_choice,
    _audio_value,
    _trigger_kind,
    camera_entities,
    mac_of,
    service_name,
)
from .fetch import fetch_axis_state
from .flow import CamStreamerFlow
from .host import CamStreamerHost

FLOW = CamStreamerFlow()

__all__ = [
    "ACTIONS",
    "APP_TITLES",
    "ATTR_CONFIG_ENTRY",
    "DEFAULT_MJPEG_FPS",
    "FLOW",
    "MJPEG_FPS_MAX",
    "QUEUE_PLAYLIST_SCHEMA",
    "SERVICE_QUEUE_PLAYLIST",
    "SERVICE_SET_STREAM",
    "SERVICE_UPDATE_OVERLAY_TEXT",
    "SET_STREAM_FIELDS",
    "SET_STREAM_SCHEMA",
    "UPDATE_OVERLAY_TEXT_SCHEMA",
    "AxisCamStreamerClient",
    "CamStreamerFlow",
    "CamStreamerHost",
    "_audio_choice",
    "_audio_value",
    "_discovery_data",
    "_trigger_kind",
    "async_queue_playlist",
    "async_set_stream",
    "async_update_overlay_text",
    "camera_entities",
    "discover_cameras",
    "fetch_axis_state",
    "mac_of",
    "service_name",
    "slow_update",
    "stats_shown",
]
