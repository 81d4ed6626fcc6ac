"""CamStreamer apps: parsing of event-socket messages and the state reducer `apply_event`."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from ..errors import ProtocolError
from .models import (
    ApiMessageEvent,
    App,
    AudioEvent,
    AvailabilityEvent,
    AxisState,
    Event,
    OverlayService,
    PlaylistEvent,
    PortEvent,
    ServiceEvent,
    Stream,
    StreamStateEvent,
    SwitcherEvent,
    SwitcherStartEvent,
)
from .parsers import _flag, _opt_flag

_LOGGER = logging.getLogger(__name__)


MAX_WRAPPING = 8
"""Lists and `data` wrappers around one event: real messages use two at most."""


def _unwrap(message: Any, depth: int = 0, init: bool = False) -> list[Unwrapped]:
    """The event objects in a message: bare, `{"type":"init","data":{...}}`, or a list.

    Each comes with whether an `init` wrapper held it: init data is the app's snapshot after
    authorisation (or `sendInitData`), not a change. Depth is capped so a hostile message
    (lists nested thousands deep) is refused as a ProtocolError instead of exhausting the
    recursion limit.
    """
    if depth > MAX_WRAPPING:
        raise ProtocolError("event message nested too deeply")
    if isinstance(message, list):
        return [m for item in message for m in _unwrap(item, depth + 1, init)]
    if not isinstance(message, Mapping):
        raise ProtocolError("event is not a JSON object")
    if message.get("type") == "init":
        return _unwrap(message.get("data"), depth + 1, True)
    if "type" not in message and isinstance(message.get("data"), Mapping | list):
        return _unwrap(message.get("data"), depth + 1, init)
    return [(message, init)]


type Unwrapped = tuple[Mapping[str, Any], bool]


def _stream_id(kind: str, data: Mapping[str, Any]) -> str:
    """`streamId` (new apps) or `streamID` (old apps and the docs); a number or text."""
    stream_id = data.get("streamId", data.get("streamID"))
    if isinstance(stream_id, bool) or not isinstance(stream_id, str | int) or stream_id == "":
        raise ProtocolError(f"{kind} without a stream id")
    return str(stream_id)


def _text(value: Any) -> str | None:
    """An optional text field of the app's messages; anything but non-empty text is None."""
    return value if isinstance(value, str) and value else None


def _lenient_flag(value: Any) -> bool | None:
    """An on/off field CamHub read nothing from before: an odd value is unknown, not an error.

    (CamHub ignored `automationState` at first; a firmware sending, say, 2 must not lose its
    stream states now.)
    """
    try:
        return _opt_flag(value, "")
    except ProtocolError:
        return None


def _parse_one(app: App, data: Mapping[str, Any], init: bool = False) -> Event | None:
    kind = data.get("type")
    if app == "camstreamer" and kind == "StreamState":
        return StreamStateEvent(
            stream_id=_stream_id(kind, data),
            enabled=_flag(data.get("enabled"), "enabled"),
            active=_flag(data.get("active"), "active"),
            is_streaming=_opt_flag(data.get("isStreaming"), "isStreaming"),
            automation_state=_lenient_flag(data.get("automationState")),
            init=init,
        )
    if app == "camstreamer" and kind in ("CS_API_SUCCESS", "CS_API_ERROR"):
        code = data.get("code")
        return ApiMessageEvent(
            stream_id=_stream_id(kind, data),
            ok=kind == "CS_API_SUCCESS",
            api_call=_text(data.get("apiCall")),
            message=_text(data.get("message")),
            code=str(code) if isinstance(code, str | int) and not isinstance(code, bool) else None,
        )
    if app == "camstreamer" and kind == "PortChanged":
        port = data.get("port")
        if not isinstance(port, int):
            raise ProtocolError("PortChanged without a port number")
        return PortEvent(port=port, value=_flag(data.get("value"), "value"))
    if app == "camswitcher" and isinstance(kind, str) and kind in _SWITCHER_KINDS:
        return _parse_switcher(kind, data)
    if app == "camoverlay" and kind in ("ServiceStart", "ServiceStop"):
        service_id = data.get("serviceId", data.get("serviceID"))
        try:
            return ServiceEvent(int(service_id), kind == "ServiceStart")
        except (TypeError, ValueError, OverflowError) as err:  # OverflowError: Infinity
            raise ProtocolError(f"{kind} without a service id") from err
    _LOGGER.debug("%s: ignoring event of type %r", app, kind)
    return None


_SWITCHER_KINDS = frozenset(
    {"PlaylistSwitch", "StreamSwitchVideo", "StreamSwitchAudio", "SwitcherStart", "StreamAvailable"}
)


def _parse_switcher(kind: str, data: Mapping[str, Any]) -> Event:
    """CamSwitcher's events: what plays (video, audio), the start, a source's availability."""
    if kind in ("PlaylistSwitch", "StreamSwitchVideo"):
        playlist = data.get("playlist_name", data.get("playlist_id"))
        if not isinstance(playlist, str) or not playlist:
            raise ProtocolError(f"{kind} without a playlist")
        return PlaylistEvent(playlist)
    if kind == "StreamSwitchAudio":
        source = data.get("stream_name", data.get("playlist_name"))
        if not isinstance(source, str) or not source:
            raise ProtocolError("StreamSwitchAudio without a stream")
        return AudioEvent(source)
    if kind == "SwitcherStart":
        default = data.get("default_playlist_id")
        return SwitcherStartEvent(default if isinstance(default, str) and default else None)
    source = data.get("stream_name")  # StreamAvailable
    if not isinstance(source, str) or not source:
        raise ProtocolError("StreamAvailable without a stream name")
    return AvailabilityEvent(source, _flag(data.get("state"), "state"))


def parse_events(app: App, message: Any) -> list[Event]:
    """Every event a message of `app`'s channel carries; unknown types are skipped.

    Raises ProtocolError for a message of a known type with unusable fields.
    """
    events = (_parse_one(app, data, init) for data, init in _unwrap(message))
    return [event for event in events if event is not None]


def apply_event(state: AxisState, event: Event) -> AxisState:
    """The state after `event` (a new object; `state` is not changed).

    An `ApiMessageEvent` changes no state: what it means for a broadcast's events is the
    `BroadcastTracker`'s (broadcasts.py), which sees the messages in order.
    """
    if isinstance(event, StreamStateEvent):
        streams = dict(state.streams or {})
        old = streams.get(event.stream_id)
        base = old or Stream(event.stream_id, event.stream_id, False, False)
        streams[event.stream_id] = replace(
            base,
            enabled=event.enabled,
            active=event.active,
            is_streaming=event.is_streaming,
            automation_state=event.automation_state,
        )
        return replace(state, streams=streams)
    if isinstance(event, ApiMessageEvent):
        return state
    if isinstance(event, PortEvent):
        return replace(state, ports={**state.ports, event.port: event.value})
    if isinstance(event, PlaylistEvent | AudioEvent | SwitcherStartEvent | AvailabilityEvent):
        return _apply_switcher(state, event) if state.switcher is not None else state
    if state.overlay is None:
        return state
    services = dict(state.overlay.services)
    old_service = services.get(event.service_id)
    if old_service is None:
        old_service = OverlayService(event.service_id, "service", "", event.running)
    services[event.service_id] = replace(old_service, enabled=event.running)
    return replace(state, overlay=replace(state.overlay, services=services))


def _apply_switcher(state: AxisState, event: SwitcherEvent) -> AxisState:
    assert state.switcher is not None
    if isinstance(event, PlaylistEvent):
        switcher = replace(state.switcher, current_playlist=event.playlist_id)
    elif isinstance(event, AudioEvent):
        switcher = replace(state.switcher, audio_source=event.source)
    elif isinstance(event, SwitcherStartEvent):
        switcher = replace(state.switcher, default_playlist=event.default_playlist)
    else:
        available = {**state.switcher.available, event.source: event.available}
        switcher = replace(state.switcher, available=available)
    return replace(state, switcher=switcher)


def is_unknown_item(state: AxisState, event: Event) -> bool:
    """An event about a stream, service or playlist the state does not list (yet)."""
    if isinstance(event, StreamStateEvent | ApiMessageEvent):
        return state.streams is not None and event.stream_id not in state.streams
    if isinstance(event, ServiceEvent):
        return state.overlay is not None and event.service_id not in state.overlay.services
    if isinstance(event, PlaylistEvent):
        return state.switcher is not None and event.playlist_id not in state.switcher.playlists
    return False
