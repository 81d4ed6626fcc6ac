"""Client for Axis cameras with the CamStreamer apps; the one place their formats are parsed.

The apps are CamStreamer, CamSwitcher, CamOverlay and CamScripter.

Real cameras run two generations of each app's API, and the client supports both:
- CamStreamer: `stream_list.cgi` (`{"data":{"streamList":[...]}}`, booleans) with
  `set_stream_enabled.cgi` / `set_stream_active.cgi`, or the older `stream/list.cgi` (an object
  keyed by stream id, string values "1"/"0") with `stream/set.cgi`. The generation is learnt
  from the first list request (a 404 on the new path means the old one).
- CamSwitcher: the same endpoints with or without an `/api/` path segment.
- `ws_authorization.cgi` answers the token in `data` or in `message`.
- Events: `streamID` with 0/1 or `streamId` with booleans, with or without the
  `{"type":"init","data":{...}}` wrapper.

The Axis web server protects everything under `/local/` and `/axis-cgi/` with Digest (Basic on
some firmware), so the transport runs in AUTO mode, with two Axis-specific fixes
(`AxisTransport`): the Digest `uri` is the raw request target (aiohttp's decoded one breaks on
a `"` in the query, e.g. JSON parameters), and an app's error envelope in an HTTP 200 answer is
raised like an HTTP error. The event socket's upgrade can answer an HTTP challenge too
(`event_headers`, for `EventChannel(handshake_headers=...)`). `AxisState` is the typed, immutable
picture of one camera; events produce a new state through `apply_event`, which is what makes
pushed state cheap to hand to Home Assistant.

The package is split by concern: `models` (typed wire formats, events, constants), `parsers`
(HTTP answers), `events` (event-socket messages and `apply_event`), `validation` (writes) and
`client` (`AxisTransport`, `AxisCamStreamerClient`). Import from the package itself.
"""

from __future__ import annotations

from .broadcasts import BROADCAST_EVENTS_KEPT, BroadcastTracker
from .client import AxisCamStreamerClient, AxisTransport
from .events import apply_event, is_unknown_item, parse_events
from .models import (
    APPS,
    AXIS_MAC_PREFIXES,
    AXIS_REALM,
    BROADCAST_KINDS,
    EVENT_APPS,
    EVENT_PATHS,
    MASTER_AUDIO_TYPES,
    MJPEG_FPS_MAX,
    RTSP_PORT,
    SERIAL_IN_NAME,
    TRIGGER_INPUT,
    TRIGGERS,
    URL_SCHEMES,
    ApiMessageEvent,
    App,
    AppInfo,
    AudioEvent,
    AvailabilityEvent,
    AxisInfo,
    AxisState,
    BroadcastEvent,
    BroadcastKind,
    Event,
    MasterAudio,
    NetworkCamera,
    OverlayService,
    OverlayState,
    Playlist,
    PlaylistEvent,
    PortEvent,
    ServiceEvent,
    Stream,
    StreamStateEvent,
    StreamStats,
    SwitcherStartEvent,
    SwitcherState,
)
from .parsers import (
    parse_applications,
    parse_channels,
    parse_clips,
    parse_device_info,
    parse_error,
    parse_master_audio,
    parse_network_cameras,
    parse_output_info,
    parse_params,
    parse_playlists,
    parse_presets,
    parse_queue,
    parse_services,
    parse_stream_list,
    parse_stream_stats,
    parse_ws_token,
    realm_serial,
)
from .validation import (
    COORD_SYSTEMS,
    check_hls,
    custom_graphics_image_params,
    custom_graphics_params,
    validate_stream_params,
)

__all__ = [
    "APPS",
    "AXIS_MAC_PREFIXES",
    "AXIS_REALM",
    "BROADCAST_EVENTS_KEPT",
    "BROADCAST_KINDS",
    "COORD_SYSTEMS",
    "EVENT_APPS",
    "EVENT_PATHS",
    "MASTER_AUDIO_TYPES",
    "MJPEG_FPS_MAX",
    "RTSP_PORT",
    "SERIAL_IN_NAME",
    "TRIGGERS",
    "TRIGGER_INPUT",
    "URL_SCHEMES",
    "ApiMessageEvent",
    "App",
    "AppInfo",
    "AudioEvent",
    "AvailabilityEvent",
    "AxisCamStreamerClient",
    "AxisInfo",
    "AxisState",
    "AxisTransport",
    "BroadcastEvent",
    "BroadcastKind",
    "BroadcastTracker",
    "Event",
    "MasterAudio",
    "NetworkCamera",
    "OverlayService",
    "OverlayState",
    "Playlist",
    "PlaylistEvent",
    "PortEvent",
    "ServiceEvent",
    "Stream",
    "StreamStateEvent",
    "StreamStats",
    "SwitcherStartEvent",
    "SwitcherState",
    "apply_event",
    "check_hls",
    "custom_graphics_image_params",
    "custom_graphics_params",
    "is_unknown_item",
    "parse_applications",
    "parse_channels",
    "parse_clips",
    "parse_device_info",
    "parse_error",
    "parse_events",
    "parse_master_audio",
    "parse_network_cameras",
    "parse_output_info",
    "parse_params",
    "parse_playlists",
    "parse_presets",
    "parse_queue",
    "parse_services",
    "parse_stream_list",
    "parse_stream_stats",
    "parse_ws_token",
    "realm_serial",
    "validate_stream_params",
]
