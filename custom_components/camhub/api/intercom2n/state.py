"""What the intercom's events mean: the state they add up to, and the rings among them.

The event log reports low-level facts (a key went down, call session 3 is ringing, switch 1
is on). Home Assistant wants a doorbell that rings once per visitor, a call state, motion, the
door and the switches. `EventReducer` turns the one into the other in one place, so the
integration only reads `state` and reacts to the `Ring`s that `apply` returns. It can be seeded
from `/api/call/status` and `/api/switch/status` (at start, and after a lost subscription,
when events may have been missed).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from .logevents import (
    CallStateChanged,
    DeviceState,
    DoorStateChanged,
    InputChanged,
    KeyPressed,
    LogEvent,
    MotionDetected,
    SwitchStateChanged,
)
from .models import CallPhase, CallStatus, SwitchStatus, call_phase

_EMPTY: Mapping[int, bool] = MappingProxyType({})
_NO_INPUTS: Mapping[str, bool] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Ring:
    """A visitor rang: the intercom started a call (a call button, or a number dialled).

    One per call: the first `connecting` / `ringing` of an outgoing call session. `button`
    is the call button pressed just before ("1" for the device's key "%1"), when there was
    one; `utc_time` is the device's clock at the ring, for the snapshot from that moment.
    """

    event_id: int
    utc_time: int | None
    button: str | None
    peer: str | None
    session: int | None


@dataclass(frozen=True, slots=True)
class IntercomState:
    """The intercom as its events describe it; None where it has reported nothing yet."""

    call: CallPhase = CallPhase.IDLE
    call_peer: str | None = None
    motion: bool | None = None
    door_open: bool | None = None
    switches: Mapping[int, bool] = field(default=_EMPTY, hash=False)
    inputs: Mapping[str, bool] = field(default=_NO_INPUTS, hash=False)
    last_ring: Ring | None = None


class EventReducer:
    """Applies log events, in order, to an `IntercomState`; spots the rings."""

    def __init__(self, state: IntercomState | None = None) -> None:
        """Start from `state` (the empty state: idle, nothing known)."""
        self.state = state or IntercomState()
        self._sessions: dict[int | None, tuple[CallPhase, str | None]] = {}
        self._button: str | None = None  # a call button pressed and not yet followed by a call
        self._rung: set[int | None] = set()  # sessions already reported as a ring

    def seed(
        self, call: CallStatus | None = None, switches: Iterable[SwitchStatus] = ()
    ) -> IntercomState:
        """Take the call and switch state read from the device (it replaces what events said)."""
        state = self.state
        if call is not None:
            self._sessions = {
                s.session: (call_phase(s.state), s.peer)
                for s in call.sessions
                if call_phase(s.state) is not CallPhase.IDLE
            }
            state = self._with_calls(state)
        switch_map = {status.switch: status.active for status in switches}
        if switch_map:
            state = replace(state, switches=MappingProxyType(switch_map))
        self.state = state
        return state

    def apply(self, event: LogEvent) -> Ring | None:
        """Fold one event into `state`; a `Ring` when the event is a visitor ringing."""
        ring: Ring | None = None
        state = self.state
        match event:
            case KeyPressed():
                self._button = event.call_button
            case CallStateChanged():
                ring = self._call(event)
                state = self._with_calls(state)
                if ring is not None:
                    state = replace(state, last_ring=ring)
            case MotionDetected(active=active):
                state = replace(state, motion=active)
            case DoorStateChanged(open=is_open):
                state = replace(state, door_open=is_open)
            case SwitchStateChanged(switch=switch, active=active):
                state = replace(state, switches=_with(state.switches, switch, active))
            case InputChanged(port=port, active=active):
                state = replace(state, inputs=_with(state.inputs, port, active))
            case DeviceState(state="startup"):
                self._sessions.clear()  # a restart ends every call
                self._rung.clear()
                state = self._with_calls(state)
            case _:
                pass
        self.state = state
        return ring

    def _call(self, event: CallStateChanged) -> Ring | None:
        phase = call_phase(event.state)
        if phase is CallPhase.IDLE:
            self._sessions.pop(event.session, None)
            self._rung.discard(event.session)
            return None
        self._sessions[event.session] = (phase, event.peer)
        # The log only holds what happened after the subscription (or a replay that the pump
        # de-duplicates), so a session's first connecting / ringing record is a new call,
        # whatever `seed` read: a ring is never lost to a seed that already saw the call.
        if phase is not CallPhase.RINGING or event.session in self._rung:
            return None
        self._rung.add(event.session)
        if event.direction != "outgoing":
            return None  # a call *to* the intercom is not a visitor at the door
        button, self._button = self._button, None
        return Ring(event.id, event.utc_time, button, event.peer, event.session)

    def _with_calls(self, state: IntercomState) -> IntercomState:
        phases = [phase for phase, _ in self._sessions.values()]
        phase = CallPhase.IDLE
        for candidate in (CallPhase.CONNECTED, CallPhase.RINGING):
            if candidate in phases:
                phase = candidate
                break
        peer = next((p for ph, p in self._sessions.values() if ph is phase), None)
        return replace(state, call=phase, call_peer=peer)


def _with[K](mapping: Mapping[K, bool], key: K, value: bool) -> Mapping[K, bool]:
    return MappingProxyType({**mapping, key: value})
