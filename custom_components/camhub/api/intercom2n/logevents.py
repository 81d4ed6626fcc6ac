"""The 2N event log's records (`/api/log/pull`), as typed events.

Each record is `{"id": N, "utcTime": T, "upTime": U, "tzShift": Z, "event": NAME, "params":
{...}}`. The events CamHub uses get a class each, with their parameters as typed fields, so the
integration matches on types (`case KeyPressed(key=key)`) instead of digging in dicts. A record
of another kind, or a known kind whose parameters do not read (newer firmware, a model with
other values), becomes an `UnknownEvent` that keeps everything: never an exception, never a
lost record. A pull answer whose envelope or records are not objects is a `ProtocolError`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, ClassVar

from ..errors import CamHubError, ProtocolError
from .models import as_bool, as_int, items_of, opt_str, result_of

type ParamValue = str | int | float | bool | None


@dataclass(frozen=True, slots=True)
class LogEvent:
    """What every record has: the device's record id and its clocks.

    `id` counts from 1 after each restart of the intercom; `up_time` is seconds since that
    restart and `utc_time` the device's wall clock, so `utc_time - up_time` (`boot`) is the
    same for every record of one boot and changes when the intercom restarts.
    """

    NAME: ClassVar[str] = ""

    id: int
    utc_time: int | None
    up_time: int | None

    @property
    def name(self) -> str:
        """The device's event name, e.g. "KeyPressed"."""
        return self.NAME

    @property
    def boot(self) -> int | None:
        """The device's boot time (UTC seconds), when the record has both clocks."""
        if self.utc_time is None or self.up_time is None:
            return None
        return self.utc_time - self.up_time


@dataclass(frozen=True, slots=True)
class KeyPressed(LogEvent):
    """A key or button was pressed: "0".."9", "*", "#", or "%1".."%n" for call buttons."""

    NAME: ClassVar[str] = "KeyPressed"
    key: str

    @property
    def call_button(self) -> str | None:
        """The call button's number ("1" for "%1"), or None for a keypad key."""
        return self.key[1:] if self.key.startswith("%") and len(self.key) > 1 else None


@dataclass(frozen=True, slots=True)
class KeyReleased(LogEvent):
    """The key or button was released."""

    NAME: ClassVar[str] = "KeyReleased"
    key: str


@dataclass(frozen=True, slots=True)
class CallStateChanged(LogEvent):
    """A call changed state: connecting, ringing, connected, terminated."""

    NAME: ClassVar[str] = "CallStateChanged"
    state: str
    direction: str  # "outgoing" for a call the intercom places (a visitor rings)
    peer: str | None
    session: int | None
    call: int | None


@dataclass(frozen=True, slots=True)
class MotionDetected(LogEvent):
    """The camera's motion detector: state "in" (motion starts) or "out" (it ends)."""

    NAME: ClassVar[str] = "MotionDetected"
    active: bool


@dataclass(frozen=True, slots=True)
class SwitchStateChanged(LogEvent):
    """A switch (door lock, relay) turned on or off, whoever switched it."""

    NAME: ClassVar[str] = "SwitchStateChanged"
    switch: int
    active: bool


@dataclass(frozen=True, slots=True)
class DoorStateChanged(LogEvent):
    """The door contact reports the door opened or closed."""

    NAME: ClassVar[str] = "DoorStateChanged"
    open: bool


@dataclass(frozen=True, slots=True)
class InputChanged(LogEvent):
    """A logical input (e.g. "input1", a door contact or exit button) changed."""

    NAME: ClassVar[str] = "InputChanged"
    port: str
    active: bool


@dataclass(frozen=True, slots=True)
class DeviceState(LogEvent):
    """The intercom's life cycle; "startup" is the first record after a restart."""

    NAME: ClassVar[str] = "DeviceState"
    state: str


@dataclass(frozen=True, slots=True)
class UnknownEvent(LogEvent):
    """A record CamHub has no class for, or whose parameters did not read: kept whole."""

    event: str
    params: Mapping[str, ParamValue] = field(hash=False)  # read-only, so not hashable

    @property
    def name(self) -> str:
        """The device's event name, as sent."""
        return self.event


DEFAULT_EVENTS: tuple[str, ...] = (
    KeyPressed.NAME,
    KeyReleased.NAME,
    CallStateChanged.NAME,
    MotionDetected.NAME,
    SwitchStateChanged.NAME,
    DoorStateChanged.NAME,
    InputChanged.NAME,
    DeviceState.NAME,
)
"""The events the integration subscribes to (those the intercom lists in `/api/log/caps`)."""

_STATE_WORDS = {"in": True, "out": False, "opened": True, "open": True, "closed": False}


def _state_word(value: Any, what: str) -> bool:
    """A state word: in / out (motion), opened / closed (door), or a boolean."""
    if isinstance(value, str) and value.lower() in _STATE_WORDS:
        return _STATE_WORDS[value.lower()]
    return as_bool(value, what)


def _text(value: Any, what: str) -> str:
    if isinstance(value, str) and value:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # e.g. a key sent as a number
    raise ProtocolError(f"2N {what} is not a string: {value!r}")


def _opt_int(value: Any, what: str) -> int | None:
    return None if value is None else as_int(value, what)


type _Builder = Callable[[int, int | None, int | None, Mapping[str, Any]], LogEvent]

_BUILDERS: dict[str, _Builder] = {
    KeyPressed.NAME: lambda i, t, u, p: KeyPressed(i, t, u, _text(p.get("key"), "key")),
    KeyReleased.NAME: lambda i, t, u, p: KeyReleased(i, t, u, _text(p.get("key"), "key")),
    CallStateChanged.NAME: lambda i, t, u, p: CallStateChanged(
        i,
        t,
        u,
        state=_text(p.get("state"), "call state"),
        direction=str(p.get("direction") or "outgoing"),
        peer=opt_str(p.get("peer")),
        session=_opt_int(p.get("session"), "call session"),
        call=_opt_int(p.get("call"), "call id"),
    ),
    MotionDetected.NAME: lambda i, t, u, p: MotionDetected(
        i, t, u, _state_word(p.get("state"), "motion state")
    ),
    SwitchStateChanged.NAME: lambda i, t, u, p: SwitchStateChanged(
        i, t, u, as_int(p.get("switch"), "switch id"), as_bool(p.get("state"), "switch state")
    ),
    DoorStateChanged.NAME: lambda i, t, u, p: DoorStateChanged(
        i, t, u, _state_word(p.get("state"), "door state")
    ),
    InputChanged.NAME: lambda i, t, u, p: InputChanged(
        i, t, u, _text(p.get("port"), "input port"), as_bool(p.get("state"), "input state")
    ),
    DeviceState.NAME: lambda i, t, u, p: DeviceState(i, t, u, _text(p.get("state"), "state")),
}


def _params(raw: Any) -> Mapping[str, ParamValue]:
    """The record's parameters, read-only, scalars only (nested values as their text)."""
    if not isinstance(raw, dict):
        return MappingProxyType({})
    return MappingProxyType(
        {
            str(key): value
            if value is None or isinstance(value, str | int | float | bool)
            else str(value)
            for key, value in raw.items()
        }
    )


def parse_event(record: Any) -> LogEvent:
    """One pull record; only a record without an object shape, id or name raises."""
    if not isinstance(record, dict):
        raise ProtocolError("2N log record is not an object")
    event_id = as_int(record.get("id"), "log record id")
    name = record.get("event")
    if not isinstance(name, str) or not name:
        raise ProtocolError("2N log record has no event name")
    utc_time = _clock(record.get("utcTime"))
    up_time = _clock(record.get("upTime"))
    params = _params(record.get("params"))
    builder = _BUILDERS.get(name)
    if builder is not None:
        try:
            return builder(event_id, utc_time, up_time, params)
        except CamHubError:
            pass  # kept below as an UnknownEvent: the record is not lost
    return UnknownEvent(event_id, utc_time, up_time, event=name, params=params)


def _clock(value: Any) -> int | None:
    try:
        return None if value is None else as_int(value, "log clock")
    except ProtocolError:
        return None


def parse_pull(data: Any) -> list[LogEvent]:
    """Read `/api/log/pull`: the records in the device's order (oldest first)."""
    return [parse_event(record) for record in items_of(result_of(data), "events")]


def parse_subscribe(data: Any) -> int:
    """Read `/api/log/subscribe`: the new subscription's id."""
    return as_int(result_of(data).get("id"), "subscription id")


def parse_log_caps(data: Any) -> tuple[str, ...]:
    """Read `/api/log/caps`: the event names this intercom can report."""
    events = result_of(data).get("events")
    if not isinstance(events, list):
        raise ProtocolError("2N log caps list no events")
    return tuple(name for name in events if isinstance(name, str) and name)
