"""CamStreamer apps: parsers of the HTTP answers (JSON, XML, VAPIX parameters)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from defusedxml import ElementTree as defused_et
from defusedxml.common import DefusedXmlException
from yarl import URL

from .. import safejson
from ..errors import AuthError, CamHubError, DeviceError, ProtocolError
from .models import (
    AXIS_REALM,
    MASTER_AUDIO_TYPES,
    SERIAL_IN_NAME,
    AppInfo,
    AxisInfo,
    MasterAudio,
    NetworkCamera,
    OverlayService,
    Playlist,
    Stream,
    StreamStats,
)


def _flag(value: Any, what: str) -> bool:
    """0/1, "0"/"1", booleans: the two generations' ways of saying on/off."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("0", "1", "true", "false"):
        return value.strip().lower() in ("1", "true")
    raise ProtocolError(f"{what}: not an on/off value: {value!r}")


def _list(value: Any, what: str) -> list[Any]:
    """A list field; absent (or empty) is an empty list, anything else not a list an error."""
    if not value:
        return []
    if not isinstance(value, list):
        raise ProtocolError(f"{what}: not a list")
    return value


def _opt_flag(value: Any, what: str) -> bool | None:
    return None if value is None else _flag(value, what)


def parse_error(status: int, body: bytes) -> CamHubError | None:
    """The apps' JSON errors (`{"status": 400, "message": ...}`) and VAPIX JSON errors."""
    try:
        data = safejson.loads(body)
    except ProtocolError:
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
        # defusedxml: the camera's XML is untrusted (no entities, no DTD, no external refs).
        root = defused_et.fromstring(body, forbid_dtd=True)
    except (ET.ParseError, DefusedXmlException) as err:
        raise ProtocolError(f"applications list is not usable XML: {err}") from err
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
    names = {
        pid: str(item.get("niceName") or pid)
        for pid, item in payload.items()
        if isinstance(item, dict)
    }
    return {pid: Playlist(pid, name) for pid, name in unique_names(names).items()}


def unique_names(names: Mapping[str, str]) -> dict[str, str]:
    """Names that may repeat, made unique with the shortest id prefix that tells them apart.

    Two playlists called "Main camera" become "Main camera (c0a1b2c3)" and "Main camera
    (c9f8e7d6)": a select's options must be unique, and a choice must map back to one id.
    """
    groups: dict[str, list[str]] = {}
    for key, name in names.items():
        groups.setdefault(name, []).append(key)
    out = dict(names)
    for name, keys in groups.items():
        if len(keys) < 2:
            continue
        width = 8
        while len({key[:width] for key in keys}) < len(keys) and width < max(map(len, keys)):
            width += 1
        for key in keys:
            out[key] = f"{name} ({key[:width]})"
    return out


def parse_clips(data: Any) -> dict[str, str]:
    """`clips.cgi?action=get`: clip id -> display name."""
    payload = _payload(data, "clips")
    if isinstance(payload, list):
        return unique_names(
            {
                str(c.get("id")): str(c.get("niceName") or c.get("id"))
                for c in payload
                if isinstance(c, dict) and c.get("id")
            }
        )
    payload = _object(payload, "clips data")
    return unique_names(
        {
            cid: str(item.get("niceName") or cid) if isinstance(item, dict) else cid
            for cid, item in payload.items()
        }
    )


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


def parse_presets(body: bytes) -> dict[int, tuple[str, ...]]:
    """`ptz.cgi?query=presetposall`: "Preset Positions for camera N" then `presetposnoK=Name`.

    Presets are listed in preset-number order; an unnamed one is skipped (it cannot be
    reached by `gotoserverpresetname`).
    """
    presets: dict[int, dict[int, str]] = {}
    camera = 1
    for raw in body.decode("utf-8", "replace").splitlines():
        line = raw.strip()
        header = re.fullmatch(r"Preset Positions for camera (\d+)", line, re.IGNORECASE)
        if header:
            camera = int(header[1])
            presets.setdefault(camera, {})
            continue
        match = re.fullmatch(r"presetposno(\d+)=(.*)", line)
        if match and match[2].strip():
            presets.setdefault(camera, {})[int(match[1])] = match[2].strip()
    return {cam: tuple(names[k] for k in sorted(names)) for cam, names in presets.items() if names}


def parse_channels(params: Mapping[str, str]) -> int:
    """`ImageSource.NbrOfSources`: how many video channels; 1 when absent or unreadable."""
    value = next((v for k, v in params.items() if k.lower() == "imagesource.nbrofsources"), "")
    return int(value) if value.strip().isdigit() and int(value) > 0 else 1


def parse_master_audio(value: str | None) -> MasterAudio:
    """`camswitcher.masterAudio` JSON (bare or under `master_audio`); empty means NONE."""
    if not value:
        return MasterAudio()
    try:
        data = safejson.loads(value)
    except ProtocolError as err:
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
    for item in _list(obj.get("services"), "services"):
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
    for item in _list(obj.get("camera_list"), "camera_list"):
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
