"""Luxonis OAK cameras behind a Robopipe controller: one entry per controller.

The controller is recognised by `GET /cameras/` answering a list of DepthAI `DeviceInfo`s (no
authentication). It has no serial number of its own, so its address is the entry's unique
id; each OAK camera is a device (its mxid) linked to the controller with `parent`.

Every stream a running camera has (`CAM_A`..`CAM_H`, `DEPTH_X_Y`) gets an Active switch, its
config (resolution, fps) and, for sensor streams, the image controls; an active stream gets a
camera entity whose live MJPEG is synthesised from `/still` by one poller per stream
(FrameHub), whatever the number of viewers.

The controller has no event channel: the state is polled, every `POLL_MIN` while it changes,
backing off to `POLL_MAX` while it does not, and re-read at once after every write (the write
patches the state from the controller's answer first, so entities follow immediately). A
camera that is shut down is listed but never asked for more.

Modules: `flow` (recognising a controller), `host` (the per-entry `OakHost`: state, devices,
video sources, writes), `entities` (descriptions), `actions` (`camhub.capture_still`),
`discovery` (depthai's local scan), `video` (MJPEG from stills), `models` (the typed state).
"""

from __future__ import annotations

from .actions import (
    ACTIONS,
    ATTR_FORMAT,
    CAPTURE_STILL_SCHEMA,
    SERVICE_CAPTURE_STILL,
    async_capture_still,
)
from .discovery import LocalDevice, async_scan_local_devices, scan_local_devices
from .flow import PROBE_TIMEOUT, OakFlow
from .host import POLL_MAX, POLL_MIN, OakHost, _optional, fetch_camera
from .models import OakCameraState, OakState, StreamState
from .video import DEFAULT_FPS, FPS_MAX, FPS_MIN

FLOW = OakFlow()

__all__ = [
    "ACTIONS",
    "ATTR_FORMAT",
    "CAPTURE_STILL_SCHEMA",
    "DEFAULT_FPS",
    "FLOW",
    "FPS_MAX",
    "FPS_MIN",
    "POLL_MAX",
    "POLL_MIN",
    "PROBE_TIMEOUT",
    "SERVICE_CAPTURE_STILL",
    "LocalDevice",
    "OakCameraState",
    "OakFlow",
    "OakHost",
    "OakState",
    "StreamState",
    "_optional",
    "async_capture_still",
    "async_scan_local_devices",
    "fetch_camera",
    "scan_local_devices",
]
