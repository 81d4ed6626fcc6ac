"""Parsing the Camera Remote server's answers: envelopes, status flags, events, notices.

Every error body is `{"success": false, "message": ...}`; status values come as booleans or
as the strings "true"/"false". Both are parsed here, once, so the client and the property
reader (`properties.py`) never look at raw JSON.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .. import safejson
from ..errors import CamHubError, ConnectError, DeviceError, ProtocolError

_TRUE = {"true", "1", "on", "yes"}
_FALSE = {"false", "0", "off", "no", ""}


class NoFrameError(DeviceError):
    """The server has no frame yet (404 before streaming produced one): normal, not a fault."""

    translation_key = "no_frame"


class WebSocketUnavailableError(ConnectError):
    """The server answers HTTP but refuses the WebSocket upgrade: poll frames instead."""


@dataclass(frozen=True, slots=True)
class ServerStatus:
    """`/api/server/status`: what identifies a live-view server."""

    version: str
    sdk_version: str | None
    platform: str | None
    uptime: int | None
    connected: int
    discovered: int


@dataclass(frozen=True, slots=True)
class CameraInfo:
    """One entry of `/api/cameras`."""

    id: str
    model: str
    connection_type: str | None
    connected: bool


@dataclass(frozen=True, slots=True)
class LiveViewStatus:
    """`live-view/status`: enabled on the body, and whether the server captures frames."""

    enabled: bool
    streaming: bool


@dataclass(frozen=True, slots=True)
class OsdStatus:
    """`live-view/osd-status`: whether the body can composite OSD, and whether it does."""

    supported: bool
    enabled: bool


@dataclass(frozen=True, slots=True)
class ServerEvent:
    """One server-sent event: its name and JSON payload (an empty dict if there was none)."""

    name: str
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def camera_id(self) -> str | None:
        """The camera the event concerns, when it says."""
        value = self.data.get("cameraId")
        return value if isinstance(value, str) and value else None


def parse_bool(value: Any, name: str) -> bool:
    """A status flag: a JSON boolean or the strings "true"/"false" (the server sends both)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value != 0
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    raise ProtocolError(f"{name} is not a boolean: {value!r}")


def parse_error(status: int, body: bytes) -> CamHubError | None:
    """`{"success": false, "message": ...}` as a DeviceError carrying the server's message."""
    try:
        data = safejson.loads(body)
    except ProtocolError:
        return None
    if not isinstance(data, dict) or data.get("success") is not False:
        return None
    message = str(data.get("message") or "unknown error")
    return DeviceError(status, message)


def envelope(data: Any) -> dict[str, Any]:
    """A successful answer; `success: false` (even with HTTP 200) raises the server's message."""
    if not isinstance(data, dict):
        raise ProtocolError("answer is not a JSON object")
    if data.get("success") is not True:
        raise parse_error(200, json.dumps(data).encode()) or ProtocolError("answer has no success")
    return data


def answer_data(answer: Any) -> dict[str, Any]:
    data = envelope(answer).get("data")
    if not isinstance(data, dict):
        raise ProtocolError("answer has no data object")
    return data


def parse_server_status(answer: Any) -> ServerStatus:
    """Read `/api/server/status`; a server without `server.version` is not this server."""
    data = envelope(answer)
    server, cameras = data.get("server"), data.get("cameras")
    if not isinstance(server, dict) or not isinstance(server.get("version"), str):
        raise ProtocolError("server status has no server.version")
    if not isinstance(cameras, dict):
        raise ProtocolError("server status has no camera counts")
    return ServerStatus(
        version=server["version"],
        sdk_version=opt_str(server.get("sdkVersion")),
        platform=opt_str(server.get("platform")),
        uptime=server["uptime"] if isinstance(server.get("uptime"), int) else None,
        connected=_int(cameras.get("connected")),
        discovered=_int(cameras.get("discovered")),
    )


def parse_cameras(answer: Any) -> tuple[CameraInfo, ...]:
    """Read `/api/cameras`; entries without an id are skipped, duplicates keep the first."""
    cameras = envelope(answer).get("cameras")
    if not isinstance(cameras, list):
        raise ProtocolError("camera list has no cameras array")
    found: dict[str, CameraInfo] = {}
    for item in cameras:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not item["id"]:
            continue
        if item["id"] in found:
            continue
        found[item["id"]] = CameraInfo(
            id=item["id"],
            model=str(item.get("model") or "Sony camera"),
            connection_type=opt_str(item.get("connectionType")),
            connected=parse_bool(item.get("connected", False), "connected"),
        )
    return tuple(found.values())


def parse_live_view_status(answer: Any) -> LiveViewStatus:
    """Read `live-view/status`."""
    data = answer_data(answer)
    return LiveViewStatus(
        enabled=parse_bool(data.get("enabled"), "enabled"),
        streaming=parse_bool(data.get("streaming"), "streaming"),
    )


def parse_osd_status(answer: Any) -> OsdStatus:
    """Read `live-view/osd-status`; a missing `supported` means not supported."""
    data = answer_data(answer)
    return OsdStatus(
        supported=parse_bool(data.get("supported", False), "supported"),
        enabled=parse_bool(data.get("enabled", False), "enabled"),
    )


def parse_recording(answer: Any) -> bool:
    """`properties/recording-state`: recording unless the formatted value says otherwise.

    The SDK's values are "Not Recording" / "Recording" (and "Recording Failed", "Idle" on
    some bodies); only a value naming active recording counts as on.
    """
    data = answer_data(answer)
    text = str(data.get("formatted") or data.get("value") or "").strip().lower()
    if text in ("0x1", "1", "true"):
        return True
    return text.startswith("recording") and "fail" not in text


def parse_sse_event(name: str, data: str) -> ServerEvent:
    """Decode one event's data; a non-JSON payload is kept as `{"text": ...}`."""
    try:
        payload = safejson.loads(data) if data else {}
    except ProtocolError:
        payload = {"text": data}
    if not isinstance(payload, dict):
        payload = {"value": payload}
    return ServerEvent(name or "message", payload)


class SseParser:
    """Server-sent events framing: `event:` / `data:` lines, a blank line ends an event."""

    def __init__(self) -> None:
        """Start with no pending event."""
        self._name = ""
        self._data: list[str] = []

    def feed(self, line: str) -> ServerEvent | None:
        """One line (without its end of line); returns an event when a blank line ends one."""
        if not line:
            if not self._name and not self._data:
                return None
            event = parse_sse_event(self._name, "\n".join(self._data))
            self._name, self._data = "", []
            return event
        if line.startswith(":"):  # a comment: the keepalive
            return None
        key, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if key == "event":
            self._name = value
        elif key == "data":
            self._data.append(value)
        return None


def parse_notice(text: str) -> tuple[bool, str]:
    """A WebSocket text message: (is it an error?, its message)."""
    try:
        data = safejson.loads(text)
    except ProtocolError:
        return text.lower().startswith("error"), text
    if not isinstance(data, dict):
        return False, text
    message = str(data.get("message") or data.get("status") or data.get("type") or text)
    failed = data.get("success") is False or data.get("type") == "error" or "error" in data
    return failed, message


def opt_str(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0
