"""The Camera Remote live-view server's API (Sony Camera Remote SDK behind REST).

`client` has `LiveViewClient`; `parse` reads the server's envelopes, status flags, events and
WebSocket notices; `properties` reads camera properties (value, `writable`,
`available_values`) and checks a value before it is written. Everything is re-exported here.
"""

from __future__ import annotations

from .client import (
    DEFAULT_PORT,
    FOCUS_STEP_MAX,
    FRAME_STALL,
    JPEG_SOI,
    PRIORITY_PC_REMOTE,
    RECORDING_PROPERTY,
    SSE_STALL,
    ZOOM_SPEED_MAX,
    LiveViewClient,
)
from .parse import (
    CameraInfo,
    LiveViewStatus,
    NoFrameError,
    OsdStatus,
    ServerEvent,
    ServerStatus,
    SseParser,
    WebSocketUnavailableError,
    parse_bool,
    parse_cameras,
    parse_error,
    parse_live_view_status,
    parse_notice,
    parse_osd_status,
    parse_recording,
    parse_server_status,
    parse_sse_event,
)
from .properties import (
    CameraProperty,
    PropertyOption,
    PropertyValueError,
    choose_value,
    parse_all_properties,
    parse_property,
)

__all__ = [
    "DEFAULT_PORT",
    "FOCUS_STEP_MAX",
    "FRAME_STALL",
    "JPEG_SOI",
    "PRIORITY_PC_REMOTE",
    "RECORDING_PROPERTY",
    "SSE_STALL",
    "ZOOM_SPEED_MAX",
    "CameraInfo",
    "CameraProperty",
    "LiveViewClient",
    "LiveViewStatus",
    "NoFrameError",
    "OsdStatus",
    "PropertyOption",
    "PropertyValueError",
    "ServerEvent",
    "ServerStatus",
    "SseParser",
    "WebSocketUnavailableError",
    "choose_value",
    "parse_all_properties",
    "parse_bool",
    "parse_cameras",
    "parse_error",
    "parse_live_view_status",
    "parse_notice",
    "parse_osd_status",
    "parse_property",
    "parse_recording",
    "parse_server_status",
    "parse_sse_event",
]
