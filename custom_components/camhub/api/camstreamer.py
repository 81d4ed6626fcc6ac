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
"""

from __future__ import annotations

import json
import logging
import re
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from typing import Any, Literal
from urllib.parse import quote, urlencode

import aiohttp
from yarl import URL

from .auth import DigestAuth, DigestChallenge, basic_authorization
from .errors import AuthError, CamHubError, ConnectError, DeviceError, ProtocolError
from .mjpeg import boundary_from_content_type, iter_frames
from .transport import MAX_BODY, AuthMode, Reply, Transport, stream_timeout

_LOGGER = logging.getLogger(__name__)

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

    def usable(self, app: App) -> bool:
        """Whether `app` is installed, licensed and running."""
        info = self.apps.get(app)
        return info is not None and info.usable


# --- events ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StreamStateEvent:
    """CamStreamer `StreamState`."""

    stream_id: str
    enabled: bool
    active: bool
    is_streaming: bool | None


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
class AvailabilityEvent:
    """CamSwitcher `StreamAvailable`: a source came or went."""

    source: str
    available: bool


@dataclass(frozen=True, slots=True)
class ServiceEvent:
    """CamOverlay `ServiceStart` / `ServiceStop`."""

    service_id: int
    running: bool


Event = StreamStateEvent | PortEvent | PlaylistEvent | AvailabilityEvent | ServiceEvent


def _flag(value: Any, what: str) -> bool:
    """0/1, "0"/"1", booleans: the two generations' ways of saying on/off."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("0", "1", "true", "false"):
        return value.strip().lower() in ("1", "true")
    raise ProtocolError(f"{what}: not an on/off value: {value!r}")


def _opt_flag(value: Any, what: str) -> bool | None:
    return None if value is None else _flag(value, what)


def _unwrap(message: Any) -> list[Mapping[str, Any]]:
    """The event objects in a message: bare, `{"type":"init","data":{...}}`, or a list."""
    if isinstance(message, list):
        return [m for item in message for m in _unwrap(item)]
    if not isinstance(message, Mapping):
        raise ProtocolError("event is not a JSON object")
    if message.get("type") == "init" or (
        "type" not in message and isinstance(message.get("data"), Mapping | list)
    ):
        return _unwrap(message.get("data"))
    return [message]


def _parse_one(app: App, data: Mapping[str, Any]) -> Event | None:
    kind = data.get("type")
    if app == "camstreamer" and kind == "StreamState":
        stream_id = data.get("streamId", data.get("streamID"))
        if stream_id in (None, ""):
            raise ProtocolError("StreamState without a stream id")
        return StreamStateEvent(
            stream_id=str(stream_id),
            enabled=_flag(data.get("enabled"), "enabled"),
            active=_flag(data.get("active"), "active"),
            is_streaming=_opt_flag(data.get("isStreaming"), "isStreaming"),
        )
    if app == "camstreamer" and kind == "PortChanged":
        port = data.get("port")
        if not isinstance(port, int):
            raise ProtocolError("PortChanged without a port number")
        return PortEvent(port=port, value=_flag(data.get("value"), "value"))
    if app == "camswitcher" and kind in ("PlaylistSwitch", "StreamSwitchVideo"):
        playlist = data.get("playlist_name", data.get("playlist_id"))
        if not isinstance(playlist, str) or not playlist:
            raise ProtocolError(f"{kind} without a playlist")
        return PlaylistEvent(playlist)
    if app == "camswitcher" and kind == "StreamAvailable":
        source = data.get("stream_name")
        if not isinstance(source, str) or not source:
            raise ProtocolError("StreamAvailable without a stream name")
        return AvailabilityEvent(source, _flag(data.get("state"), "state"))
    if app == "camoverlay" and kind in ("ServiceStart", "ServiceStop"):
        service_id = data.get("serviceId", data.get("serviceID"))
        try:
            return ServiceEvent(int(service_id), kind == "ServiceStart")
        except (TypeError, ValueError) as err:
            raise ProtocolError(f"{kind} without a service id") from err
    _LOGGER.debug("%s: ignoring event of type %r", app, kind)
    return None


def parse_events(app: App, message: Any) -> list[Event]:
    """Every event a message of `app`'s channel carries; unknown types are skipped.

    Raises ProtocolError for a message of a known type with unusable fields.
    """
    events = (_parse_one(app, data) for data in _unwrap(message))
    return [event for event in events if event is not None]


def apply_event(state: AxisState, event: Event) -> AxisState:
    """The state after `event` (a new object; `state` is not changed)."""
    if isinstance(event, StreamStateEvent):
        streams = dict(state.streams or {})
        old = streams.get(event.stream_id)
        base = old or Stream(event.stream_id, event.stream_id, False, False)
        streams[event.stream_id] = replace(
            base, enabled=event.enabled, active=event.active, is_streaming=event.is_streaming
        )
        return replace(state, streams=streams)
    if isinstance(event, PortEvent):
        return replace(state, ports={**state.ports, event.port: event.value})
    if isinstance(event, PlaylistEvent | AvailabilityEvent):
        return _apply_switcher(state, event) if state.switcher is not None else state
    if state.overlay is None:
        return state
    services = dict(state.overlay.services)
    old_service = services.get(event.service_id)
    if old_service is None:
        old_service = OverlayService(event.service_id, "service", "", event.running)
    services[event.service_id] = replace(old_service, enabled=event.running)
    return replace(state, overlay=replace(state.overlay, services=services))


def _apply_switcher(state: AxisState, event: PlaylistEvent | AvailabilityEvent) -> AxisState:
    assert state.switcher is not None
    if isinstance(event, PlaylistEvent):
        switcher = replace(state.switcher, current_playlist=event.playlist_id)
    else:
        available = {**state.switcher.available, event.source: event.available}
        switcher = replace(state.switcher, available=available)
    return replace(state, switcher=switcher)


def is_unknown_item(state: AxisState, event: Event) -> bool:
    """An event about a stream, service or playlist the state does not list (yet)."""
    if isinstance(event, StreamStateEvent):
        return state.streams is not None and event.stream_id not in state.streams
    if isinstance(event, ServiceEvent):
        return state.overlay is not None and event.service_id not in state.overlay.services
    if isinstance(event, PlaylistEvent):
        return state.switcher is not None and event.playlist_id not in state.switcher.playlists
    return False


# --- parsers --------------------------------------------------------------------------------


def parse_error(status: int, body: bytes) -> CamHubError | None:
    """The apps' JSON errors (`{"status": 400, "message": ...}`) and VAPIX JSON errors."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict):
        return None
    if isinstance(data.get("error"), dict):  # VAPIX JSON APIs
        error = data["error"]
        return DeviceError(error.get("code", status), str(error.get("message", "")))
    code = data.get("status")
    if isinstance(code, int) and code >= 400:
        message = str(data.get("message", ""))
        return AuthError(message) if code == 401 else DeviceError(code, message)
    return None


def _object(data: Any, what: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ProtocolError(f"{what}: expected a JSON object")
    return data


def _payload(data: Any, what: str) -> Any:
    """The `data` of an app answer `{"status":200,"message":"OK","data":...}`."""
    obj = _object(data, what)
    status = obj.get("status", 200)
    if isinstance(status, int) and status >= 400:
        raise DeviceError(status, str(obj.get("message", "")))
    return obj.get("data", obj)


def parse_device_info(data: Any) -> AxisInfo:
    """`basicdeviceinfo.cgi` (getAllProperties or getAllUnrestrictedProperties)."""
    obj = _object(data, "basicdeviceinfo")
    if isinstance(obj.get("error"), dict):
        raise DeviceError(obj["error"].get("code", 0), str(obj["error"].get("message", "")))
    props = _object(_object(obj.get("data"), "basicdeviceinfo data").get("propertyList"), "props")
    serial = props.get("SerialNumber")
    if not isinstance(serial, str) or not serial:
        raise ProtocolError("basicdeviceinfo has no serial number")
    model = str(props.get("ProdNbr") or props.get("ProdShortName") or "Axis camera")
    name = str(props.get("ProdShortName") or props.get("ProdFullName") or f"AXIS {model}")
    version = props.get("Version")
    return AxisInfo(
        serial=serial.upper(),
        model=model,
        name=name,
        firmware=str(version) if version else None,
        brand=str(props.get("Brand") or "AXIS"),
    )


def parse_applications(body: bytes) -> dict[str, AppInfo]:
    """`applications/list.cgi` XML; keys are lower-case app names (`camstreamer`, ...)."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError as err:
        raise ProtocolError(f"applications list is not XML: {err}") from err
    if root.tag != "reply" or root.get("result", "ok") != "ok":
        raise ProtocolError("applications list: unexpected reply")
    apps: dict[str, AppInfo] = {}
    for node in root.iter("application"):
        name = node.get("Name")
        if not name:
            continue
        apps[name.lower()] = AppInfo(
            name=name,
            nice_name=node.get("NiceName") or name,
            version=node.get("Version"),
            license=node.get("License") or "None",
            status=node.get("Status") or "Stopped",
        )
    return apps


def _stream_name(item: Mapping[str, Any], stream_id: str) -> str:
    for key in ("title", "name", "platform", "platformType"):
        value = item.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return stream_id


def _stream(stream_id: str, item: Mapping[str, Any]) -> Stream:
    trigger = item.get("trigger", "none")
    return Stream(
        id=stream_id,
        name=_stream_name(item, stream_id),
        enabled=_flag(item.get("enabled", 0), "enabled"),
        active=_flag(item.get("active", 1), "active"),
        is_streaming=_opt_flag(item.get("isStreaming"), "isStreaming"),
        trigger=str(trigger) if trigger else "none",
    )


def parse_stream_list(data: Any) -> dict[str, Stream]:
    """Both generations: `{"data":{"streamList":[...]}}` or `{"<id>": {...}, ...}`."""
    obj = _object(data, "stream list")
    payload = obj.get("data")
    if isinstance(payload, dict) and isinstance(payload.get("streamList"), list):
        items = [i for i in payload["streamList"] if isinstance(i, dict)]
        pairs = [(str(i.get("streamId", i.get("id", ""))), i) for i in items]
    else:
        pairs = [(str(k), v) for k, v in obj.items() if isinstance(v, dict)]
    streams = {sid: _stream(sid, item) for sid, item in pairs if sid}
    return _deduplicate_names(streams)


def _deduplicate_names(streams: dict[str, Stream]) -> dict[str, Stream]:
    """Two streams called "youtube" become "youtube 12" and "youtube 13"."""
    counts: dict[str, int] = {}
    for stream in streams.values():
        counts[stream.name] = counts.get(stream.name, 0) + 1
    return {
        sid: replace(s, name=f"{s.name} {sid}") if counts[s.name] > 1 and s.name != sid else s
        for sid, s in streams.items()
    }


def parse_stream_stats(data: Any) -> StreamStats:
    """`get_streamstat.cgi`."""
    payload = _object(_payload(data, "stream stats"), "stream stats data")

    def number(key: str) -> int | None:
        value = payload.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    return StreamStats(
        bytes_sent=number("stream_bytes"),
        start_count=number("start_count"),
        is_streaming=_flag(payload.get("is_streaming", 0), "is_streaming"),
    )


def parse_playlists(data: Any) -> dict[str, Playlist]:
    """`playlists.cgi?action=get`: playlists keyed by id, each with a `niceName`."""
    payload = _object(_payload(data, "playlists"), "playlists data")
    return {
        pid: Playlist(pid, str(item.get("niceName") or pid))
        for pid, item in payload.items()
        if isinstance(item, dict)
    }


def parse_clips(data: Any) -> dict[str, str]:
    """`clips.cgi?action=get`: clip id -> display name."""
    payload = _payload(data, "clips")
    if isinstance(payload, list):
        return {
            str(c.get("id")): str(c.get("niceName") or c.get("id"))
            for c in payload
            if isinstance(c, dict) and c.get("id")
        }
    payload = _object(payload, "clips data")
    return {
        cid: str(item.get("niceName") or cid) if isinstance(item, dict) else cid
        for cid, item in payload.items()
    }


def parse_queue(payload: Any) -> list[str]:
    """`playlist_queue_list.cgi`: a list of playlist ids, bare or under `playlist_queue_list`."""
    if isinstance(payload, dict):
        payload = payload.get("playlist_queue_list", payload.get("queue"))
    if not isinstance(payload, list) or not all(isinstance(p, str) for p in payload):
        raise ProtocolError("playlist queue is not a list of playlist names")
    return list(payload)


def parse_params(body: bytes) -> dict[str, str]:
    """VAPIX `param.cgi?action=list`: `root.Group.Name=value` lines."""
    text = body.decode("utf-8", "replace")
    if text.lstrip().startswith("# Error"):
        raise DeviceError(400, text.strip()[:200])
    params: dict[str, str] = {}
    for line in text.splitlines():
        name, sep, value = line.partition("=")
        if sep:
            params[name.strip().removeprefix("root.")] = value.strip()
    return params


def parse_master_audio(value: str | None) -> MasterAudio:
    """`camswitcher.masterAudio` JSON (bare or under `master_audio`); empty means NONE."""
    if not value:
        return MasterAudio()
    try:
        data = json.loads(value)
    except ValueError as err:
        raise ProtocolError(f"master audio is not JSON: {value[:100]!r}") from err
    data = _object(data, "master audio")
    data = data.get("master_audio", data) if isinstance(data.get("master_audio"), dict) else data
    kind = str(data.get("type") or "NONE").upper()
    if kind not in MASTER_AUDIO_TYPES:
        raise ProtocolError(f"unknown master audio type {kind!r}")
    return MasterAudio(kind, str(data.get("stream_name") or ""), str(data.get("clip_name") or ""))


def parse_services(data: Any) -> dict[int, OverlayService]:
    """`services.cgi?action=get`: `{"services": [...]}`."""
    obj = _object(_payload(data, "services"), "services data")
    services: dict[int, OverlayService] = {}
    for item in obj.get("services") or []:
        if not isinstance(item, dict) or not isinstance(item.get("id"), int):
            continue
        kind = str(item.get("name") or "service")
        text = None
        if kind == "infoticker" and item.get("sourceType", "text") == "text":
            text = str(item.get("source") or "")
        services[item["id"]] = OverlayService(
            id=item["id"],
            type=kind,
            custom_name=str(item.get("customName") or ""),
            enabled=_flag(item.get("enabled", 0), "enabled"),
            text=text,
        )
    return services


def parse_output_info(data: Any) -> URL:
    """`output_info.cgi`: the single-use RTSP link of CamSwitcher's output."""
    payload = _object(_payload(data, "output_info"), "output_info data")
    link = payload.get("rtsp_url")
    if not isinstance(link, str) or not link.startswith("rtsp://"):
        raise ProtocolError("output_info has no rtsp_url")
    return URL(link)


def parse_ws_token(data: Any) -> str:
    """`ws_authorization.cgi`: the token in `data` (newer) or `message` (older apps)."""
    obj = _object(data, "ws_authorization")
    status = obj.get("status", 200)
    if isinstance(status, int) and status >= 400:
        raise (AuthError if status == 401 else DeviceError)(status, str(obj.get("message")))
    for key in ("data", "message"):
        value = obj.get(key)
        if isinstance(value, str) and value and value.upper() != "OK":
            return value
    raise ProtocolError("ws_authorization returned no token")


def parse_network_cameras(data: Any) -> list[NetworkCamera]:
    """`network_camera_list.cgi`: names like "AXIS M1065-L - ACCC8E123456" with an IP."""
    obj = _object(_payload(data, "camera list"), "camera list data")
    cameras = []
    for item in obj.get("camera_list") or []:
        if not isinstance(item, dict) or not isinstance(item.get("ip"), str):
            continue
        name = str(item.get("name") or item["ip"])
        match = SERIAL_IN_NAME.search(name)
        port = item.get("port")
        cameras.append(
            NetworkCamera(
                name=name,
                host=item["ip"],
                serial=match[1].upper() if match else None,
                port=port if isinstance(port, int) else None,
            )
        )
    return cameras


def realm_serial(challenge: str) -> str | None:
    """The serial in an Axis Digest challenge (`realm="AXIS_ACCC8E123456"`)."""
    match = AXIS_REALM.search(challenge)
    return match[1].upper() if match else None


# --- validation of writes -------------------------------------------------------------------


def validate_stream_params(params: Mapping[str, Any]) -> dict[str, str]:
    """Check and encode a `stream/set.cgi` parameter set; raise ValueError with the reason."""
    out: dict[str, str] = {}
    for key, value in params.items():
        if value is None:
            continue
        out[key] = ("1" if value else "0") if isinstance(value, bool) else str(value)
    protocol = out.pop("protocol", None)
    url = out.get("mediaServerUrl")
    if url is not None:
        schemes = URL_SCHEMES.get(protocol or "") or tuple(
            s for group in URL_SCHEMES.values() for s in group
        )
        if not url.lower().startswith(schemes):
            raise ValueError(f"mediaServerUrl must start with {' or '.join(schemes)}")
    trigger = out.get("trigger")
    if trigger is not None and trigger not in TRIGGERS and not TRIGGER_INPUT.match(trigger):
        raise ValueError("trigger must be none, time, recurrent or inputN")
    if "schedule" in out:
        out["schedule"] = _validate_schedule(out["schedule"])
    for key in ("startTime", "stopTime", "prepareAhead", "avSyncMsec"):
        if key in out and not re.fullmatch(r"-?\d+", out[key]):
            raise ValueError(f"{key} must be a whole number")
    if (
        trigger == "time"
        and "startTime" in out
        and "stopTime" in out
        and int(out["startTime"]) >= int(out["stopTime"])
    ):
        raise ValueError("startTime must be before stopTime")
    return out


_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$")


def _validate_schedule(text: str) -> str:
    """The recurrent schedule: a JSON list of {day_from, day_to, time_from, time_to}."""
    try:
        items = json.loads(text)
    except ValueError as err:
        raise ValueError(f"schedule is not JSON: {err}") from err
    if not isinstance(items, list):
        raise ValueError("schedule must be a JSON list")
    for item in items:
        if not isinstance(item, dict):
            raise ValueError("schedule entries must be objects")
        for key in ("day_from", "day_to"):
            day = item.get(key)
            if not isinstance(day, int) or isinstance(day, bool) or not 0 <= day <= 6:
                raise ValueError(f"schedule {key} must be 0..6 (0 is Monday)")
        for key in ("time_from", "time_to"):
            if not isinstance(item.get(key), str) or not _TIME.match(item[key]):
                raise ValueError(f"schedule {key} must be HH:MM:SS")
    return json.dumps(items, separators=(",", ":"))


def _color(value: str) -> str:
    """A CamOverlay colour: 9 or 12 digits (RRRGGGBBB[AAA]) or "r,g,b[,a]"."""
    text = value.strip()
    if re.fullmatch(r"\d{9}(\d{3})?", text):
        return text
    parts = text.split(",")
    if len(parts) in (3, 4) and all(p.strip().isdigit() and int(p) <= 255 for p in parts):
        return "".join(f"{int(p):03d}" for p in parts)
    raise ValueError(f"colour {value!r} must be r,g,b[,a] (0..255) or RRRGGGBBB[AAA]")


def custom_graphics_params(
    service_id: int,
    texts: Mapping[str, str],
    colors: Mapping[str, str] | None = None,
    indexes: Mapping[str, int] | None = None,
) -> dict[str, str]:
    """`customGraphics.cgi?action=update_text` parameters; raise ValueError on bad input."""
    if not texts and not colors and not indexes:
        raise ValueError("give at least one field text, colour or variant index")
    params = {"action": "update_text", "service_id": str(service_id)}
    for name, text in texts.items():
        params[_field_name(name)] = str(text)
    for name, color in (colors or {}).items():
        params[f"{_field_name(name)}_color"] = _color(color)
    for name, index in (indexes or {}).items():
        if not isinstance(index, int) or isinstance(index, bool) or index < 0:
            raise ValueError(f"variant index of {name} must be 0 or more")
        params[f"{_field_name(name)}_index"] = str(index)
    return params


def _field_name(name: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_\-]+", name) or name in ("action", "service_id"):
        raise ValueError(f"invalid field name {name!r}")
    return name


def _with_query(path: str, params: Mapping[str, str | int] | None) -> str:
    """`path?query`, every reserved character percent-encoded and spaces as %20 (not `+`).

    The apps decode `+` as a plus on some versions; %20 is a space on all of them.
    """
    if not params:
        return path
    return f"{path}?{urlencode(params, quote_via=quote, safe='')}"


class AxisTransport(Transport):
    """The shared transport with the query folded into the path (encoded as the apps expect)."""

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        json_body: Any = None,
        data: Mapping[str, str] | None = None,
        max_body: int = MAX_BODY,
    ) -> Reply:
        """`Transport.request`, and an app's error envelope in an HTTP 200 is raised too.

        The apps answer `{"status": 400, "message": "Invalid stream_id"}` with HTTP 200, so
        a write that the app refused would otherwise look like a success.
        """
        reply = await super().request(
            method, path, params=params, json_body=json_body, data=data, max_body=max_body
        )
        if reply.body.lstrip()[:1] == b"{" and (err := parse_error(reply.status, reply.body)):
            raise err
        return reply

    @asynccontextmanager
    async def open(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        json_body: Any = None,
        data: Mapping[str, str] | None = None,
        client_timeout: aiohttp.ClientTimeout | None = None,
    ) -> AsyncIterator[aiohttp.ClientResponse]:
        """`Transport.open` with the parameters already in the (raw) target."""
        async with super().open(
            method,
            _with_query(path, params),
            json_body=json_body,
            data=data,
            client_timeout=client_timeout,
        ) as resp:
            yield resp


# --- the client -----------------------------------------------------------------------------


class AxisCamStreamerClient:
    """An Axis camera and its CamStreamer apps."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: str | URL,
        username: str | None = None,
        password: str | None = None,
        *,
        timeout: float = 10.0,
    ) -> None:
        """Digest with Basic fallback (AUTO) when there is a login; none for probing."""
        self.session = session
        self.username = username or ""
        self.password = password or ""
        self.transport = AxisTransport(
            session,
            base_url,
            auth=AuthMode.AUTO if username else AuthMode.NONE,
            username=username,
            password=password,
            timeout=timeout,
            error_parser=parse_error,
        )
        self.streamer_generation: Literal["new", "old"] | None = None
        self.switcher_prefix: str | None = None

    @property
    def base_url(self) -> URL:
        """The camera's base URL."""
        return self.transport.base_url

    # Identity and apps

    async def unrestricted_info(self) -> AxisInfo:
        """Identity without a login (`getAllUnrestrictedProperties`, firmware 8.40+)."""
        return await self._device_info("getAllUnrestrictedProperties")

    async def device_info(self) -> AxisInfo:
        """Identity with the login (so it also checks the credentials)."""
        return await self._device_info("getAllProperties")

    async def _device_info(self, method: str) -> AxisInfo:
        reply = await self.transport.request(
            "POST",
            "/axis-cgi/basicdeviceinfo.cgi",
            json_body={"apiVersion": "1.0", "method": method},
        )
        return parse_device_info(reply.json())

    async def challenge(self) -> str | None:
        """The WWW-Authenticate header a protected Axis path answers without credentials."""
        try:
            async with self.session.get(
                self.transport.url("/axis-cgi/basicdeviceinfo.cgi"),
                timeout=aiohttp.ClientTimeout(total=self.transport.timeout),
                allow_redirects=False,
            ) as resp:
                return resp.headers.get("WWW-Authenticate") if resp.status == 401 else None
        except (aiohttp.ClientError, OSError, TimeoutError) as err:
            raise ConnectError(f"GET basicdeviceinfo.cgi: {err}") from err

    async def applications(self) -> dict[str, AppInfo]:
        """Installed ACAP apps with their licence and run status."""
        reply = await self.transport.request("GET", "/axis-cgi/applications/list.cgi")
        return parse_applications(reply.body)

    async def params(self, group: str) -> dict[str, str]:
        """VAPIX parameters of a group, without the `root.` prefix."""
        reply = await self.transport.request(
            "GET", "/axis-cgi/param.cgi", params={"action": "list", "group": group}
        )
        return parse_params(reply.body)

    async def set_param(self, name: str, value: str) -> None:
        """Update one VAPIX parameter."""
        reply = await self.transport.request(
            "GET", "/axis-cgi/param.cgi", params={"action": "update", name: value}
        )
        if not reply.body.strip().upper().startswith(b"OK"):
            raise DeviceError(400, reply.body.decode("utf-8", "replace").strip()[:200])

    # Video

    async def snapshot(self) -> bytes:
        """A JPEG from the camera."""
        return await self.transport.get_image("/axis-cgi/jpg/image.cgi")

    async def mjpeg(self, fps: int) -> AsyncIterator[bytes]:
        """The camera's MJPEG stream at `fps`, frame by frame, until it breaks."""
        params = {"fps": max(1, min(fps, MJPEG_FPS_MAX))}
        async with self.transport.open(
            "GET", "/axis-cgi/mjpg/video.cgi", params=params, client_timeout=stream_timeout()
        ) as resp:
            boundary = boundary_from_content_type(resp.headers.get("Content-Type", ""))
            async for frame in iter_frames(resp.content.iter_any(), boundary):
                yield frame

    def rtsp_url(self) -> str:
        """The camera's RTSP stream, credentials in the URL (for go2rtc / stream)."""
        return self._rtsp(self.base_url.host or "", RTSP_PORT, "/axis-media/media.amp")

    def _rtsp(self, host: str, port: int | None, path_qs: str) -> str:
        cred = ""
        if self.username:
            cred = f"{quote(self.username, safe='')}:{quote(self.password, safe='')}@"
        hostpart = f"[{host}]" if ":" in host else host
        return f"rtsp://{cred}{hostpart}{f':{port}' if port else ''}{path_qs}"

    async def switcher_output_url(self) -> str:
        """A fresh single-use CamSwitcher RTSP link, pointing at the camera (not 127.0.0.1)."""
        url = parse_output_info(await self.transport.get_json("/local/camswitcher/output_info.cgi"))
        return self._rtsp(self.base_url.host or "", url.port, url.raw_path_qs)

    # CamStreamer

    async def streams(self) -> dict[str, Stream]:
        """All streams, from whichever list endpoint this app version has."""
        if self.streamer_generation != "old":
            try:
                data = await self.transport.get_json(
                    "/local/camstreamer/stream_list.cgi", {"action": "get"}
                )
            except DeviceError as err:
                if err.code != 404 or self.streamer_generation == "new":
                    raise
                self.streamer_generation = "old"
            else:
                self.streamer_generation = "new"
                return parse_stream_list(data)
        data = await self.transport.get_json(
            "/local/camstreamer/stream/list.cgi", {"action": "get"}
        )
        return parse_stream_list(data)

    async def set_stream_flag(
        self, stream_id: str, flag: Literal["enabled", "active"], on: bool
    ) -> None:
        """Start/stop (`enabled`) or pause/resume (`active`) a stream."""
        if self.streamer_generation is None:
            await self.streams()
        if self.streamer_generation == "new":
            await self.transport.request(
                "POST",
                f"/local/camstreamer/set_stream_{flag}.cgi",
                data={"stream_id": stream_id, flag: "1" if on else "0"},
            )
        else:
            await self.set_stream(stream_id, {flag: "1" if on else "0"})

    async def set_stream(self, stream_id: str, params: Mapping[str, str]) -> None:
        """Create or modify a stream (`stream/set.cgi`); params must be validated already."""
        await self.transport.request(
            "GET", "/local/camstreamer/stream/set.cgi", params={"stream_id": stream_id, **params}
        )

    async def stream_params(self, stream_id: str) -> dict[str, str]:
        """One stream's parameters as the app stores them (`stream/get.cgi`)."""
        data = _payload(
            await self.transport.get_json(
                "/local/camstreamer/stream/get.cgi", {"stream_id": stream_id}
            ),
            "stream",
        )
        obj = _object(data, "stream")
        obj = obj.get(stream_id, obj) if isinstance(obj.get(stream_id), dict) else obj
        return {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in obj.items()}

    async def remove_stream(self, stream_id: str) -> None:
        """Delete a stream (`stream/remove.cgi`; the app restarts)."""
        await self.transport.request(
            "GET", "/local/camstreamer/stream/remove.cgi", params={"stream_id": stream_id}
        )

    async def stream_stats(self, stream_id: str) -> StreamStats:
        """Bytes sent and starts of one stream."""
        data = await self.transport.get_json(
            "/local/camstreamer/get_streamstat.cgi", {"stream_id": stream_id}
        )
        return parse_stream_stats(data)

    # CamSwitcher

    async def _switcher_json(self, name: str, params: Mapping[str, str] | None = None) -> Any:
        """GET a CamSwitcher endpoint at `/local/camswitcher/api/<name>` or without `/api/`."""
        prefixes = ["api/", ""] if self.switcher_prefix is None else [self.switcher_prefix]
        for prefix in prefixes[:-1]:
            try:
                data = await self.transport.get_json(f"/local/camswitcher/{prefix}{name}", params)
            except DeviceError as err:
                if err.code != 404:
                    raise
                continue
            self.switcher_prefix = prefix
            return data
        data = await self.transport.get_json(f"/local/camswitcher/{prefixes[-1]}{name}", params)
        self.switcher_prefix = prefixes[-1]
        return data

    async def _switcher(self, name: str, params: Mapping[str, str] | None = None) -> Any:
        return _payload(await self._switcher_json(name, params), name)

    async def playlists(self) -> dict[str, Playlist]:
        """Playlists by id."""
        return parse_playlists(await self._switcher("playlists.cgi", {"action": "get"}))

    async def clips(self) -> dict[str, str]:
        """Clips by id."""
        return parse_clips(await self._switcher("clips.cgi", {"action": "get"}))

    async def playlist_switch(self, playlist_id: str) -> None:
        """Play a playlist now (clears the queue)."""
        await self._switcher("playlist_switch.cgi", {"playlist_name": playlist_id})

    async def queue_push(self, playlist_id: str) -> None:
        """Append a playlist to the queue."""
        await self._switcher("playlist_queue_push.cgi", {"playlist_name": playlist_id})

    async def queue_play_next(self) -> None:
        """Play the next playlist of the queue."""
        await self._switcher("playlist_queue_play_next.cgi")

    async def queue_clear(self) -> None:
        """Empty the queue."""
        await self._switcher("playlist_queue_clear.cgi")

    async def queue(self) -> list[str]:
        """Playlist ids waiting in the queue, next first."""
        return parse_queue(await self._switcher("playlist_queue_list.cgi"))

    async def master_audio(self) -> MasterAudio:
        """The master audio setting."""
        params = await self.params("camswitcher.masterAudio")
        value = next((v for k, v in params.items() if k.lower().endswith("masteraudio")), None)
        return parse_master_audio(value)

    async def set_master_audio(self, audio: MasterAudio) -> None:
        """Change the master audio (a VAPIX parameter, no event follows)."""
        if audio.type not in MASTER_AUDIO_TYPES:
            raise ValueError(f"master audio type must be one of {MASTER_AUDIO_TYPES}")
        value: dict[str, str] = {"type": audio.type}
        if audio.type == "STREAM":
            value["stream_name"] = audio.stream_name
        elif audio.type == "CLIP":
            value["clip_name"] = audio.clip_name
        await self.set_param("camswitcher.masterAudio", json.dumps(value, separators=(",", ":")))

    # CamOverlay

    async def services(self) -> dict[int, OverlayService]:
        """Overlay services by id."""
        data = await self.transport.get_json(
            "/local/camoverlay/api/services.cgi", {"action": "get"}
        )
        return parse_services(data)

    async def overlay_enabled(self) -> bool:
        """The global `CamOverlay.Enabled` parameter."""
        params = await self.params("CamOverlay.Enabled")
        value = next((v for k, v in params.items() if k.lower() == "camoverlay.enabled"), "0")
        return _flag(value, "CamOverlay.Enabled")

    async def set_overlay_enabled(self, on: bool) -> None:
        """Show or hide all overlays."""
        await self.set_param("CamOverlay.Enabled", "1" if on else "0")

    async def set_service_enabled(self, service_id: int, on: bool) -> None:
        """Show or hide one overlay service (a ServiceStart/ServiceStop event follows)."""
        await self.transport.request(
            "GET", "/local/camoverlay/api/enabled.cgi", params={f"id_{service_id}": int(on)}
        )

    async def set_infoticker_text(self, service_id: int, text: str) -> None:
        """Replace an Info Ticker's text."""
        await self.transport.request(
            "GET",
            "/local/camoverlay/api/infoticker.cgi",
            params={"service_id": service_id, "text": text},
        )

    async def update_custom_graphics(self, params: Mapping[str, str]) -> None:
        """`customGraphics.cgi` with parameters from `custom_graphics_params`."""
        await self.transport.request(
            "GET", "/local/camoverlay/api/customGraphics.cgi", params=params
        )

    # CamScripter / CamOverlay: other cameras on the network

    async def network_cameras(self, app: App = "camscripter") -> list[NetworkCamera]:
        """Cameras the app found by mDNS."""
        path = {
            "camscripter": "/local/camscripter/network_camera_list.cgi",
            "camoverlay": "/local/camoverlay/api/network_camera_list.cgi",
        }.get(app)
        if path is None:
            raise ValueError(f"{app} has no camera list")
        return parse_network_cameras(await self.transport.get_json(path))

    # Events

    async def ws_token(self, app: App) -> str:
        """A fresh single-use token for `app`'s event channel (valid 30 s)."""
        if app == "camswitcher":
            return parse_ws_token(await self._switcher_json("ws_authorization.cgi"))
        return parse_ws_token(
            await self.transport.get_json(f"/local/{app}/api/ws_authorization.cgi")
        )

    def event_headers(self, app: App, challenge: str | None) -> dict[str, str]:
        """HTTP auth for `app`'s event socket upgrade (`EventChannel`'s `handshake_headers`).

        Before any challenge: Basic if the camera is known to want Basic, else nothing (a
        camera that leaves the event path open needs none); then the answer to the
        camera's Digest or Basic challenge.
        """
        if not self.username:
            return {}
        basic = {"Authorization": basic_authorization(self.username, self.password)}
        if challenge is None:
            return basic if self.transport.auth_mode is AuthMode.BASIC else {}
        if challenge.strip().lower().startswith("basic"):
            return basic
        path = self.event_url(app).raw_path
        signer = DigestAuth(self.username, self.password)
        parsed = DigestChallenge.parse(challenge)
        return {"Authorization": signer.authorization(parsed, "GET", path)}

    def event_url(self, app: App) -> URL:
        """ws:// or wss:// URL of `app`'s event channel."""
        base = self.base_url
        scheme = "wss" if base.scheme == "https" else "ws"
        return base.with_scheme(scheme).join(URL(EVENT_PATHS[app]))
