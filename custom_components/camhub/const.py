"""Constants shared across CamHub."""

from __future__ import annotations

from typing import Final

DOMAIN: Final = "camhub"

CONF_FAMILY: Final = "family"
CONF_MAC: Final = "mac"

# Options shared by every family
CONF_SNAPSHOT_MAX_AGE: Final = "snapshot_max_age"
DEFAULT_SNAPSHOT_MAX_AGE: Final = 2.0
"""A live frame younger than this (seconds) answers a snapshot request without a device call."""

# 2N intercom options
CONF_RESOLUTION: Final = "resolution"
CONF_FPS: Final = "fps"
DEFAULT_FPS: Final = 10

ATTR_SECONDS_AGO: Final = "seconds_ago"
ATTR_FILENAME: Final = "filename"
SERVICE_SNAPSHOT_HISTORY: Final = "snapshot_history"

AUTH_FAILURES_BEFORE_REAUTH: Final = 3
"""Consecutive refused logins before Home Assistant asks the user for new credentials.

A camera that reboots can refuse a login or two while its web server comes up; asking the user
to re-enter a password that is still right is the most annoying failure an integration has.
"""

# AIPIX VMS
CONF_API_TOKEN: Final = "api_token"
CONF_CAMERAS: Final = "cameras"
CONF_STREAM_TYPES: Final = "stream_types"
CONF_LIVE_SOURCE: Final = "live_source"
CONF_LINK_TTL: Final = "link_ttl"
CONF_IMAGE_MAX_AGE: Final = "image_max_age"
CONF_MJPEG_INTERVAL: Final = "mjpeg_interval"
SERVICE_GET_PREVIEW: Final = "get_preview"
SERVICE_GET_ARCHIVE: Final = "get_archive"
ATTR_CAMERA: Final = "camera"
ATTR_SOURCE: Final = "source"
ATTR_DATE: Final = "date"
ATTR_TTL: Final = "ttl"
ATTR_FROM: Final = "from"
ATTR_TO: Final = "to"

# Camera Remote live-view server options
CONF_CONNECT_CAMERAS: Final = "connect_cameras"
"""Whether CamHub connects cameras the server lists but has not connected (off by default)."""
