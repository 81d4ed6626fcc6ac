"""2N IP intercom wire formats: typed models and the parsers that build them.

Every answer of the 2N HTTP API is an envelope, `{"success": true, "result": {...}}` or
`{"success": false, "error": {"code": N, "param": ..., "description": ...}}` (the latter
sometimes with HTTP 200). Each parser here checks the envelope and the fields it reads, and
raises a typed `CamHubError` on anything else, so a device's bad answer never escapes as a
KeyError or TypeError. Covered: system info, camera caps, switch caps / status, call status
(the event log's formats are in `logevents.py`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from .. import safejson
from ..errors import AccessDeniedError, AuthError, CamHubError, DeviceError, ProtocolError

HISTORY_MAX_SECONDS = 30
HISTORY_MAX_WIDTH = 1280
HISTORY_MAX_HEIGHT = 960
FPS_MIN = 1
FPS_MAX = 15

# 2N HTTP API error codes (manual, "Error codes").
ERROR_NOT_SUPPORTED = 1
ERROR_AUTH_REQUIRED = 9
ERROR_INSUFFICIENT_PRIVILEGES = 10
ERROR_MISSING_PARAMETER = 11
ERROR_INVALID_PARAMETER = 12


@dataclass(frozen=True, slots=True)
class SystemInfo:
    """Identity of an intercom, from `/api/system/info`."""

    serial: str
    variant: str
    name: str
    mac: str | None
    sw_version: str | None
    hw_version: str | None


@dataclass(frozen=True, slots=True, order=True)
class Resolution:
    """A JPEG resolution the camera supports."""

    width: int
    height: int

    def __str__(self) -> str:
        """`640x480`, the form used in options."""
        return f"{self.width}x{self.height}"

    @classmethod
    def parse(cls, text: str) -> Resolution:
        """Inverse of `str()`; raises ValueError on anything else."""
        width, _, height = text.partition("x")
        return cls(int(width), int(height))


@dataclass(frozen=True, slots=True)
class Caps:
    """What the camera service offers, from `/api/camera/caps`."""

    resolutions: tuple[Resolution, ...]
    sources: tuple[str, ...]

    def best_at_most(self, width: int, height: int) -> Resolution:
        """The largest listed resolution within width x height (the smallest if none fits)."""
        fitting = [r for r in self.resolutions if r.width <= width and r.height <= height]
        return max(fitting) if fitting else min(self.resolutions)


def parse_error(status: int, body: bytes) -> CamHubError | None:
    """Map a 2N JSON error body (whatever the HTTP status) to a typed error."""
    try:
        data = safejson.loads(body)
    except ProtocolError:
        return AuthError("HTTP 401") if status == 401 else None
    if not isinstance(data, dict) or data.get("success") is not False:
        return AuthError("HTTP 401") if status == 401 else None
    error = data.get("error")
    if not isinstance(error, dict):
        error = {}
    code = error.get("code", status)
    description = str(error.get("description", "")) or "unknown error"
    if code == ERROR_AUTH_REQUIRED or status == 401:
        return AuthError(f"2N error {code}: {description}")
    if code == ERROR_INSUFFICIENT_PRIVILEGES:
        return AccessDeniedError(f"2N error {code}: {description}")
    param = error.get("param")
    return DeviceError(code, description, str(param) if param is not None else None)


def result_of(data: Any, *, allow_empty: bool = False) -> dict[str, Any]:
    """The `result` object of a successful answer; a JSON error body raises its typed error.

    `allow_empty`: answers that only confirm (`{"success": true}`, e.g. switch control) have
    no result; they give an empty one.
    """
    if not isinstance(data, dict):
        raise ProtocolError("2N answer is not a JSON object")
    if data.get("success") is not True:
        raise parse_error(200, json.dumps(data).encode()) or ProtocolError("2N answer failed")
    result = data.get("result")
    if result is None and allow_empty:
        return {}
    if not isinstance(result, dict):
        raise ProtocolError("2N answer has no result object")
    return result


def parse_system_info(data: Any) -> SystemInfo:
    """Read `/api/system/info`."""
    result = result_of(data)
    serial = result.get("serialNumber")
    if not isinstance(serial, str) or not serial:
        raise ProtocolError("2N system info has no serial number")
    variant = str(result.get("variant") or "2N IP intercom")
    return SystemInfo(
        serial=serial,
        variant=variant,
        name=str(result.get("deviceName") or variant),
        mac=_opt_str(result.get("macAddr")),
        sw_version=_opt_str(result.get("swVersion")),
        hw_version=_opt_str(result.get("hwVersion")),
    )


def parse_caps(data: Any) -> Caps:
    """Read `/api/camera/caps`; entries that are not well formed are skipped."""
    result = result_of(data)
    resolutions = tuple(
        sorted(
            {
                Resolution(item["width"], item["height"])
                for item in result.get("jpegResolution") or []
                if isinstance(item, dict)
                and isinstance(item.get("width"), int)
                and isinstance(item.get("height"), int)
            }
        )
    )
    sources = tuple(
        item["source"]
        for item in result.get("sources") or []
        if isinstance(item, dict) and isinstance(item.get("source"), str)
    )
    if not resolutions:
        raise ProtocolError("2N camera caps list no JPEG resolution")
    return Caps(resolutions=resolutions, sources=sources or ("internal",))


def _opt_str(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def opt_str(value: Any) -> str | None:
    """A string field that may be absent or empty."""
    return _opt_str(value)


def as_bool(value: Any, what: str) -> bool:
    """A boolean field; 2N sends JSON booleans, older firmware sometimes "true"/"1" strings."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "1", "false", "0"):
        return value.lower() in ("true", "1")
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise ProtocolError(f"2N {what} is not a boolean: {value!r}")


def as_int(value: Any, what: str) -> int:
    """An integer field (a bool is not one; a decimal string is, as some firmware sends)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise ProtocolError(f"2N {what} is not an integer: {value!r}")


def items_of(result: dict[str, Any], key: str) -> list[dict[str, Any]]:
    """The list of objects under `key` of a result; anything else is a protocol error."""
    items = result.get(key)
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ProtocolError(f"2N answer has no list of objects in {key!r}")
    return items


# --- errors of the switch and log services -----------------------------------------------


class SubscriptionNotFoundError(DeviceError):
    """`/api/log/pull` names a subscription the device does not have (any more).

    The device forgets a subscription that was not pulled for its `duration`, and all of
    them when it restarts; it then answers code 12 (invalid parameter) for `id`. The event
    pump resubscribes on this error instead of backing off.
    """


class SwitchPrivilegeError(AccessDeniedError):
    """The intercom user lacks the Switch monitoring / Switch control privilege (code 10)."""

    translation_key = "switch_privileges"


# --- switches -------------------------------------------------------------------------------


class SwitchMode(StrEnum):
    """How a switch behaves when activated."""

    MONOSTABLE = "monostable"  # on for `switchOnDuration` seconds, then off by itself (a lock)
    BISTABLE = "bistable"  # stays as set until switched again


class SwitchAction(StrEnum):
    """The `action` values of `/api/switch/ctrl`."""

    ON = "on"
    OFF = "off"
    TRIGGER = "trigger"  # monostable: on for its duration; bistable: toggle
    LOCK = "lock"
    UNLOCK = "unlock"
    HOLD = "hold"
    RELEASE = "release"


@dataclass(frozen=True, slots=True)
class SwitchCaps:
    """One switch's settings, from `/api/switch/caps`."""

    switch: int
    enabled: bool
    mode: SwitchMode | None  # None for a disabled switch (the device omits the mode)
    on_duration: float | None  # seconds a monostable switch stays on
    kind: str | None  # "normal" or "security"

    @property
    def monostable(self) -> bool:
        """A switch that turns itself off (a door lock release): a button, not a switch."""
        return self.mode is SwitchMode.MONOSTABLE


@dataclass(frozen=True, slots=True)
class SwitchStatus:
    """One switch's state, from `/api/switch/status`."""

    switch: int
    active: bool
    locked: bool
    held: bool


def parse_switch_caps(data: Any) -> tuple[SwitchCaps, ...]:
    """Read `/api/switch/caps`; a switch without a well-formed id or flag is a protocol error."""
    caps = []
    for item in items_of(result_of(data), "switches"):
        mode_text = item.get("mode")
        if mode_text is not None and not isinstance(mode_text, str):
            raise ProtocolError(f"2N switch mode is not a string: {mode_text!r}")
        duration = item.get("switchOnDuration")
        if duration is not None and (
            isinstance(duration, bool) or not isinstance(duration, int | float)
        ):
            raise ProtocolError(f"2N switchOnDuration is not a number: {duration!r}")
        caps.append(
            SwitchCaps(
                switch=as_int(item.get("switch"), "switch id"),
                enabled=as_bool(item.get("enabled", False), "switch enabled"),
                mode=SwitchMode(mode_text) if mode_text in tuple(SwitchMode) else None,
                on_duration=float(duration) if duration is not None else None,
                kind=opt_str(item.get("type")),
            )
        )
    return tuple(caps)


def parse_switch_status(data: Any) -> tuple[SwitchStatus, ...]:
    """Read `/api/switch/status` (`locked` / `held` are absent on older firmware: False)."""
    return tuple(
        SwitchStatus(
            switch=as_int(item.get("switch"), "switch id"),
            active=as_bool(item.get("active"), "switch active"),
            locked=as_bool(item.get("locked", False), "switch locked"),
            held=as_bool(item.get("held", False), "switch held"),
        )
        for item in items_of(result_of(data), "switches")
    )


# --- calls ----------------------------------------------------------------------------------


class CallPhase(StrEnum):
    """What a call-state sensor shows: the intercom's calls reduced to one of three phases."""

    IDLE = "idle"
    RINGING = "ringing"  # a call is being set up (connecting) or rings at the peer
    CONNECTED = "connected"  # someone answered


def call_phase(state: str) -> CallPhase:
    """The phase of one 2N call state (`connecting`, `ringing`, `connected`, `terminated`)."""
    if state in ("connecting", "ringing"):
        return CallPhase.RINGING
    if state in ("connected", "holding", "held"):
        return CallPhase.CONNECTED
    return CallPhase.IDLE


@dataclass(frozen=True, slots=True)
class CallSession:
    """One call session, from `/api/call/status`."""

    session: int
    direction: str  # "outgoing" when a visitor calls from the intercom
    state: str  # the device's own word: connecting, ringing, connected, ...
    peer: str | None  # the called (or calling) party, e.g. "sip:2000@10.0.0.5"


@dataclass(frozen=True, slots=True)
class CallStatus:
    """The intercom's calls right now."""

    sessions: tuple[CallSession, ...]

    @property
    def phase(self) -> CallPhase:
        """Connected if any call is, else ringing if any rings, else idle."""
        phases = {call_phase(session.state) for session in self.sessions}
        for phase in (CallPhase.CONNECTED, CallPhase.RINGING):
            if phase in phases:
                return phase
        return CallPhase.IDLE


def parse_call_status(data: Any) -> CallStatus:
    """Read `/api/call/status`; the peer is that of the session's first call."""
    sessions = []
    for item in items_of(result_of(data), "sessions"):
        state = item.get("state")
        if not isinstance(state, str):
            raise ProtocolError(f"2N call state is not a string: {state!r}")
        calls = item.get("calls")
        first = calls[0] if isinstance(calls, list) and calls else None
        sessions.append(
            CallSession(
                session=as_int(item.get("session"), "call session"),
                direction=str(item.get("direction") or "outgoing"),
                state=state,
                peer=opt_str(first.get("peer")) if isinstance(first, dict) else None,
            )
        )
    return CallStatus(tuple(sessions))
