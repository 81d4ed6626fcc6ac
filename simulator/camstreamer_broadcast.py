"""What a simulated CamStreamer broadcast says about itself: `StreamState` and `CS_API_*`.

The real app reports each stream's state on every change and in its init data
(`StreamState`: enabled, active, `automationState`, `isStreaming`), and, for a stream whose
platform API it calls (`callApi`, e.g. YouTube: create, start and end the broadcast), each
call's outcome: `CS_API_SUCCESS` with its message ("Broadcast started."), or `CS_API_ERROR`
with a message and a code (the app's WebSocket docs and the vendor's client library).
`automationState` is whether the stream's automation lets it run now: always for trigger
`none`, the input's state for `inputN`, the interval for `time` (unix `startTime` to
`stopTime`); a `recurrent` schedule is not modelled (always on). Generation `new` names the
stream `streamId` with booleans, `old` `streamID` with 0/1 (the docs' spelling).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any, Literal

type Generation = Literal["new", "old"]

API_PLATFORMS = frozenset({"youtube"})  # platforms the app creates broadcasts on itself
DEFAULT_FAILURE = "Connection to the media server was lost"


def automation_state(
    trigger: str, params: Mapping[str, str], ports: Mapping[int, bool], now: float | None = None
) -> bool:
    """Whether the stream's automation (trigger) lets it run now."""
    if trigger.startswith("input"):
        return ports.get(int(trigger[5:] or 0), False)
    if trigger == "time":
        moment = time.time() if now is None else now
        return _number(params.get("startTime")) <= moment < _number(params.get("stopTime"))
    return True  # none, recurrent (not modelled)


def _number(text: str | None) -> float:
    try:
        return float(text or 0)
    except ValueError:
        return 0.0


def calls_api(platform: str, params: Mapping[str, str]) -> bool:
    """Whether the app calls the platform's API for this stream (and reports each call)."""
    return platform in API_PLATFORMS or params.get("callApi") == "1"


def _flag(value: bool, generation: Generation) -> bool | int:
    return value if generation == "new" else int(value)


def _id_key(generation: Generation) -> str:
    return "streamId" if generation == "new" else "streamID"


def stream_state(
    stream_id: str,
    generation: Generation,
    *,
    enabled: bool,
    active: bool,
    automation: bool,
    streaming: bool,
) -> dict[str, Any]:
    """A `StreamState` message in the camera's generation."""
    return {
        "type": "StreamState",
        _id_key(generation): stream_id,
        "enabled": _flag(enabled, generation),
        "active": _flag(active, generation),
        "automationState": _flag(automation, generation),
        "isStreaming": _flag(streaming, generation),
    }


def api_success(stream_id: str, generation: Generation, started: bool) -> dict[str, Any]:
    """The app's report that it started or ended the platform's broadcast."""
    return {
        "type": "CS_API_SUCCESS",
        _id_key(generation): stream_id,
        "apiCall": "startBroadcast" if started else "stopBroadcast",
        "message": "Broadcast started." if started else "Broadcast stopped.",
    }


def api_error(
    stream_id: str, generation: Generation, message: str, code: str = "ERR_BROADCAST"
) -> dict[str, Any]:
    """The app's report that a call to the platform's API failed."""
    return {
        "type": "CS_API_ERROR",
        _id_key(generation): stream_id,
        "apiCall": "startBroadcast",
        "message": message,
        "code": code,
    }
