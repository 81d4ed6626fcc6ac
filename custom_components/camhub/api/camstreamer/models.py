"""CamStreamer apps: the typed wire formats, events and constants (no I/O, no parsing)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

App = Literal["camstreamer", "camswitcher", "camoverlay", "camscripter"]
APPS: tuple[App, ...] = ("camstreamer", "camswitcher", "camoverlay", "camscripter")
EVENT_APPS: tuple[App, ...] = ("camstreamer", "camswitcher", "camoverlay")
EVENT_PATHS: dict[App, str] = {
    "camstreamer": "/local/camstreamer/events",
    "camswitcher": "/local/camswitcher/events",
    "camoverlay": "/local/camoverlay/service/ws",
}
AXIS_MAC_PREFIXES = ("00408C", "ACCC8E", "B8A44F", "E82725")
AXIS_REALM = re.compile(r'realm="AXIS_([0-9A-Fa-f]{12})"')
SERIAL_IN_NAME = re.compile(r"\b([0-9A-Fa-f]{12})\s*$")
RTSP_PORT = 554
MJPEG_FPS_MAX = 30

TRIGGERS = ("none", "time", "recurrent")
TRIGGER_INPUT = re.compile(r"^input\d+$")
URL_SCHEMES = {
    "rtmp": ("rtmp://", "rtmps://"),
    "mpegts_tcp": ("tcp://",),
    "mpegts_udp": ("udp://",),
    "hls_pull": ("hls://",),
    "hls_push": ("ftp://", "ftps://"),
    "srt": ("srt://",),
}
"""Media server URL schemes the CamStreamer app accepts, per output protocol."""

MASTER_AUDIO_TYPES = ("NONE", "SILENCE", "STREAM", "CLIP")


# --- typed wire formats ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AxisInfo:
    """Identity from `basicdeviceinfo.cgi`."""

    serial: str
    model: str
    name: str
    firmware: str | None = None
    brand: str = "AXIS"


@dataclass(frozen=True, slots=True)
class AppInfo:
    """One installed ACAP application, from `applications/list.cgi`."""

    name: str
    nice_name: str
    version: str | None
    license: str
    status: str

    @property
    def licensed(self) -> bool:
        """Valid (or Custom, for bundled licences); Missing, Invalid and None are not."""
        return self.license.lower() in ("valid", "custom")

    @property
    def running(self) -> bool:
        """The app runs (not "Stopped" or "Idle")."""
        return self.status.lower() == "running"

    @property
    def usable(self) -> bool:
        """Its API answers: installed, licensed and running."""
        return self.licensed and self.running


@dataclass(frozen=True, slots=True)
class StreamStats:
    """`get_streamstat.cgi`: what a live broadcast has done."""

    bytes_sent: int | None
    start_count: int | None
    is_streaming: bool


@dataclass(frozen=True, slots=True)
class Stream:
    """One CamStreamer output stream."""

    id: str
    name: str
    enabled: bool
    active: bool
    is_streaming: bool | None = None
    trigger: str = "none"
    stats: StreamStats | None = None
    automation_state: bool | None = None  # `StreamState.automationState`: the trigger allows it


@dataclass(frozen=True, slots=True)
class Playlist:
    """A CamSwitcher playlist (a camera, a clip or a true playlist)."""

    id: str
    nice_name: str


@dataclass(frozen=True, slots=True)
class MasterAudio:
    """CamSwitcher's master audio (`camswitcher.masterAudio`)."""

    type: str = "NONE"
    stream_name: str = ""
    clip_name: str = ""


@dataclass(frozen=True, slots=True)
class SwitcherState:
    """CamSwitcher: playlists, clips, what plays, which sources are available."""

    playlists: dict[str, Playlist]
    clips: dict[str, str]
    master_audio: MasterAudio
    current_playlist: str | None = None
    available: dict[str, bool] = field(default_factory=dict)
    audio_source: str | None = None  # `StreamSwitchAudio`: the source whose audio plays
    default_playlist: str | None = None  # `SwitcherStart`: what the app plays on start
    queue: tuple[str, ...] = ()  # `playlist_queue_list.cgi`: playlist ids, next first


@dataclass(frozen=True, slots=True)
class OverlayService:
    """A CamOverlay service (widget)."""

    id: int
    type: str
    custom_name: str
    enabled: bool
    text: str | None = None  # Info Ticker text (`source` when `sourceType` is text)


@dataclass(frozen=True, slots=True)
class OverlayState:
    """CamOverlay: the global switch and the services."""

    enabled: bool
    services: dict[int, OverlayService]


@dataclass(frozen=True, slots=True)
class NetworkCamera:
    """A camera another camera found on its network (`network_camera_list.cgi`)."""

    name: str
    host: str
    serial: str | None
    port: int | None = None  # only the simulator sends it; real lists mean port 80


@dataclass(frozen=True, slots=True)
class AxisState:
    """Everything CamHub shows about one camera."""

    info: AxisInfo
    apps: dict[str, AppInfo]
    streams: dict[str, Stream] | None = None  # None: CamStreamer not usable
    switcher: SwitcherState | None = None
    overlay: OverlayState | None = None
    ports: dict[int, bool] = field(default_factory=dict)
    channels: int = 1  # video channels (`camera=N`, from `ImageSource.NbrOfSources`)
    presets: dict[int, tuple[str, ...]] = field(default_factory=dict)  # PTZ, per channel
    at_preset: dict[int, str] = field(default_factory=dict)  # the preset CamHub went to
    broadcasts: dict[str, tuple[BroadcastEvent, ...]] = field(default_factory=dict)
    """Per stream id, its last broadcast events (oldest first), for the event entities."""

    def usable(self, app: App) -> bool:
        """Whether `app` is installed, licensed and running."""
        info = self.apps.get(app)
        return info is not None and info.usable


BroadcastKind = Literal["started", "stopped", "failed"]
BROADCAST_KINDS: tuple[BroadcastKind, ...] = ("started", "stopped", "failed")


@dataclass(frozen=True, slots=True)
class BroadcastEvent:
    """A broadcast started, stopped or failed; `seq` only grows (one counter per camera).

    `message`, `api_call` and `code` are the app's own words where it sent any
    (`CS_API_SUCCESS` / `CS_API_ERROR`), e.g. "Broadcast started." for `startBroadcast`.
    """

    seq: int
    kind: BroadcastKind
    message: str | None = None
    api_call: str | None = None
    code: str | None = None


# --- events ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StreamStateEvent:
    """CamStreamer `StreamState`; `init` when it came in the app's init data (a snapshot)."""

    stream_id: str
    enabled: bool
    active: bool
    is_streaming: bool | None
    automation_state: bool | None = None
    init: bool = False


@dataclass(frozen=True, slots=True)
class ApiMessageEvent:
    """CamStreamer `CS_API_SUCCESS` (`ok`) / `CS_API_ERROR`: the app called a platform's API.

    The app calls e.g. YouTube's API to create, start and end a broadcast (`callApi`);
    `api_call` names the call, `message` is the app's text, `code` the error's code.
    """

    stream_id: str
    ok: bool
    api_call: str | None
    message: str | None
    code: str | None = None


@dataclass(frozen=True, slots=True)
class PortEvent:
    """CamStreamer `PortChanged`: an I/O port's value."""

    port: int
    value: bool


@dataclass(frozen=True, slots=True)
class PlaylistEvent:
    """CamSwitcher `PlaylistSwitch` / `StreamSwitchVideo`: what plays now."""

    playlist_id: str


@dataclass(frozen=True, slots=True)
class AudioEvent:
    """CamSwitcher `StreamSwitchAudio`: whose audio plays now."""

    source: str


@dataclass(frozen=True, slots=True)
class SwitcherStartEvent:
    """CamSwitcher `SwitcherStart`: the app (re)started with its default playlist."""

    default_playlist: str | None


@dataclass(frozen=True, slots=True)
class AvailabilityEvent:
    """CamSwitcher `StreamAvailable`: a source came or went."""

    source: str
    available: bool


@dataclass(frozen=True, slots=True)
class ServiceEvent:
    """CamOverlay `ServiceStart` / `ServiceStop`."""

    service_id: int
    running: bool


type SwitcherEvent = PlaylistEvent | AudioEvent | SwitcherStartEvent | AvailabilityEvent
Event = StreamStateEvent | ApiMessageEvent | PortEvent | SwitcherEvent | ServiceEvent
