"""Camera Remote live-view servers: one entry per server, one device per Sony camera behind it.

The server is recognised by `/api/server/status` plus `/api/cameras` (no authentication); it
has no serial number, so its address is its unique id. Each camera is a device (its id, such
as `D10F60149B0C`, is the unique id) linked to the server with `parent`.

Live MJPEG comes from the server's WebSocket, one socket per camera (the server sends frames
only to the socket that started live view, for one camera); where the WebSocket cannot be
used, frames are polled from `live-view/frame`. State is pushed: a supervisor keeps one
server-sent-event stream per listed camera and re-reads a camera's status when it announces
a change; the coordinator polls only while a stream is down. The supervisor also re-reads the
cameras list now and then (cameras that appear are added without a reload) and, if the
option is on, connects listed cameras that are not connected.

Shooting settings (ISO, aperture, ...) are selects whose options are the camera's live
`available_values`, re-read after every write and on every `propertyChanged` event.

Modules: `flow` (recognising a server), `host` (the per-entry `LiveViewHost`), `events` (the
event supervisor and camera reads), `entities` (descriptions), `settings` (the shooting
settings' selects, zoom and focus buttons), `video` (live view sources), `models` (the
typed state).
"""

from __future__ import annotations

from .events import CONNECT_RETRY, EventSupervisor, fetch_camera
from .flow import PROBE_TIMEOUT, LiveViewFlow
from .host import LiveViewHost
from .models import CameraState, LiveViewState
from .video import (
    DEFAULT_FPS,
    FPS_MAX,
    FPS_MIN,
    SNAPSHOT_POLL,
    _first_frame,
    live_frames,
    polled_frames,
)

FLOW = LiveViewFlow()

__all__ = [
    "CONNECT_RETRY",
    "DEFAULT_FPS",
    "FLOW",
    "FPS_MAX",
    "FPS_MIN",
    "PROBE_TIMEOUT",
    "SNAPSHOT_POLL",
    "CameraState",
    "EventSupervisor",
    "LiveViewFlow",
    "LiveViewHost",
    "LiveViewState",
    "_first_frame",
    "fetch_camera",
    "live_frames",
    "polled_frames",
]
