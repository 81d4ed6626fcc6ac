"""Constants of the CamStreamer family: timings, app titles, option prefixes, action names."""

from datetime import timedelta

from ...api.events import ChannelSettings

PROBE_TIMEOUT = 5.0
DEFAULT_MJPEG_FPS = 10
POLL_INTERVAL = timedelta(seconds=30)
STATS_INTERVAL = timedelta(seconds=60)
STATS_KEYS = ("bytes_sent", "start_count")
RECENT_EVENTS = 256
DISCOVERY_INTERVAL = timedelta(hours=1)
CHANNEL_SETTINGS = ChannelSettings(heartbeat=20.0, backoff_min=1.0, backoff_max=60.0)
APP_TITLES = {
    "camstreamer": "CamStreamer",
    "camswitcher": "CamSwitcher",
    "camoverlay": "CamOverlay",
    "camscripter": "CamScripter",
}
SERVICE_TYPES = {
    "infoticker": "Info ticker",
    "customGraphics": "Custom graphics",
    "images": "Images",
    "ptzCompass": "PTZ compass",
    "screenSharing": "Screen sharing",
    "pip": "Picture in picture",
    "accuweather": "Weather",
    "scripter": "Scripter",
}
AUDIO_NONE = "none"
AUDIO_SILENCE = "silence"
STREAM_PREFIX = "Stream: "
CLIP_PREFIX = "Clip: "

SERVICE_QUEUE_PLAYLIST = "queue_playlist"
SERVICE_UPDATE_OVERLAY_TEXT = "update_overlay_text"
SERVICE_UPDATE_OVERLAY_IMAGE = "update_overlay_image"
SERVICE_SET_STREAM = "set_stream"
SERVICE_GET_STREAM = "get_stream"
SERVICE_REMOVE_STREAM = "remove_stream"
ATTR_CONFIG_ENTRY = "config_entry_id"
