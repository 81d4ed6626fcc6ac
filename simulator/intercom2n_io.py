"""The simulated 2N intercom's switches and calls, which report themselves in the event log.

Switches (2N HTTP API manual 5.4): monostable ones (door lock releases) switch off by
themselves after `switchOnDuration` seconds, bistable ones stay as set; `trigger` is "on for
the duration" or "toggle" respectively; lock / hold block or force them. Every change emits
`SwitchStateChanged`, whoever caused it (the API, a code on the keypad: `set_active`).

Calls: a visitor pressing call button N emits `KeyPressed` / `KeyReleased` with key "%N", then
the intercom calls its peer: `CallStateChanged` connecting, ringing (direction outgoing), until
it is answered (connected), hung up, or it stops ringing after `ring_timeout` (terminated).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

type Emit = Callable[[str, dict[str, Any]], object]

DEFAULT_PEER = "sip:reception@127.0.0.1"
ACTIONS = ("on", "off", "trigger", "lock", "unlock", "hold", "release")


class SwitchError(ValueError):
    """A control request the device refuses; `param` names the offending parameter."""

    def __init__(self, param: str) -> None:
        super().__init__(param)
        self.param = param


@dataclass
class SimSwitch:
    """One switch of the intercom."""

    switch: int
    mode: str = "monostable"  # or "bistable"
    on_duration: float = 5.0
    enabled: bool = True
    kind: str = "normal"
    active: bool = False
    locked: bool = False
    held: bool = False
    _timer: asyncio.TimerHandle | None = field(default=None, repr=False)

    def caps(self) -> dict[str, Any]:
        """Its `/api/switch/caps` entry (a disabled switch shows only id and flag)."""
        if not self.enabled:
            return {"switch": self.switch, "enabled": False}
        caps: dict[str, Any] = {"switch": self.switch, "enabled": True, "mode": self.mode}
        if self.mode == "monostable":
            caps["switchOnDuration"] = self.on_duration
        caps["type"] = self.kind
        return caps

    def status(self) -> dict[str, Any]:
        """Its `/api/switch/status` entry."""
        return {
            "switch": self.switch,
            "active": self.active,
            "locked": self.locked,
            "held": self.held,
        }


def default_switches() -> list[SimSwitch]:
    """A door lock release (monostable, 5 s), a light relay (bistable), two disabled."""
    return [
        SimSwitch(1, "monostable", 5.0),
        SimSwitch(2, "bistable"),
        SimSwitch(3, enabled=False),
        SimSwitch(4, enabled=False),
    ]


class SwitchBank:
    """The intercom's switches."""

    def __init__(self, switches: list[SimSwitch], emit: Emit) -> None:
        """`emit(event, params)` records an event in the log."""
        self.switches = {s.switch: s for s in switches}
        self._emit = emit

    def get(self, switch: int) -> SimSwitch:
        """An enabled switch, or SwitchError("switch")."""
        sim = self.switches.get(switch)
        if sim is None or not sim.enabled:
            raise SwitchError("switch")
        return sim

    def control(self, switch: int, action: str) -> None:
        """`/api/switch/ctrl`: apply an action as the device does."""
        sim = self.get(switch)
        if action not in ACTIONS:
            raise SwitchError("action")
        if action in ("lock", "unlock"):
            sim.locked = action == "lock"
            if sim.locked:
                self._set(sim, False)
            return
        if action in ("hold", "release"):
            sim.held = action == "hold"
            self._set(sim, sim.held)
            return
        if sim.locked or sim.held:
            return  # a locked or held switch ignores on / off / trigger
        if sim.mode == "monostable":
            if action in ("on", "trigger"):
                self._pulse(sim)
            else:
                self._set(sim, False)
        else:
            self._set(sim, not sim.active if action == "trigger" else action == "on")

    def set_active(self, switch: int, active: bool) -> None:
        """A change from the device's side (a code on the keypad, a card, an exit button)."""
        sim = self.get(switch)
        if active and sim.mode == "monostable":
            self._pulse(sim)
        else:
            self._set(sim, active)

    def _pulse(self, sim: SimSwitch) -> None:
        """Monostable on: (re)start its timer; off by itself after `on_duration`."""
        self._cancel(sim)
        self._set(sim, True)
        loop = asyncio.get_running_loop()
        sim._timer = loop.call_later(sim.on_duration, self._set, sim, False)

    def _set(self, sim: SimSwitch, active: bool) -> None:
        if not active:
            self._cancel(sim)
        if sim.active != active:
            sim.active = active
            self._emit("SwitchStateChanged", {"switch": sim.switch, "state": active})

    @staticmethod
    def _cancel(sim: SimSwitch) -> None:
        if sim._timer is not None:
            sim._timer.cancel()
            sim._timer = None

    def reset(self) -> None:
        """Power off: every switch off without an event, timers cancelled."""
        for sim in self.switches.values():
            self._cancel(sim)
            sim.active = sim.held = False


@dataclass
class SimCall:
    """One call session."""

    session: int
    state: str
    peer: str
    direction: str = "outgoing"
    button: str | None = None
    _timer: asyncio.TimerHandle | None = field(default=None, repr=False)


class CallMachine:
    """The intercom's calls: ring, answer, hang up, stop ringing after a while."""

    def __init__(
        self, emit: Emit, peer: str = DEFAULT_PEER, ring_timeout: float | None = 30.0
    ) -> None:
        """`ring_timeout`: seconds a call rings unanswered before it ends (None: forever)."""
        self._emit = emit
        self.peer = peer
        self.ring_timeout = ring_timeout
        self.sessions: dict[int, SimCall] = {}
        self._next_session = 1

    def ring(self, button: str = "1") -> SimCall:
        """A visitor presses call button `button`: key events, then a new ringing call.

        A call that still rings or talks ends first (the visitor's new press wins).
        """
        key = f"%{button}"
        self._emit("KeyPressed", {"key": key})
        self._emit("KeyReleased", {"key": key})
        for session in list(self.sessions):
            self.hang_up(session)
        call = SimCall(self._next_session, "connecting", self.peer, button=button)
        self._next_session += 1
        self.sessions[call.session] = call
        self._change(call, "connecting")
        self._change(call, "ringing")
        if self.ring_timeout is not None:
            loop = asyncio.get_running_loop()
            call._timer = loop.call_later(self.ring_timeout, self.hang_up, call.session)
        return call

    def answer(self, session: int | None = None) -> bool:
        """The peer answers the (given, else the newest) ringing call."""
        call = self._find(session)
        if call is None or call.state != "ringing":
            return False
        if call._timer is not None:
            call._timer.cancel()
            call._timer = None
        self._change(call, "connected")
        return True

    def hang_up(self, session: int | None = None) -> bool:
        """End the (given, else the newest) call."""
        call = self._find(session)
        if call is None:
            return False
        if call._timer is not None:
            call._timer.cancel()
        del self.sessions[call.session]
        self._change(call, "terminated")
        return True

    def _find(self, session: int | None) -> SimCall | None:
        if session is not None:
            return self.sessions.get(session)
        return self.sessions[max(self.sessions)] if self.sessions else None

    def _change(self, call: SimCall, state: str) -> None:
        call.state = state
        params = {
            "direction": call.direction,
            "state": state,
            "peer": call.peer,
            "session": call.session,
            "call": call.session,
        }
        self._emit("CallStateChanged", params)

    def status(self) -> list[dict[str, Any]]:
        """`/api/call/status` sessions."""
        return [
            {
                "session": call.session,
                "direction": call.direction,
                "state": call.state,
                "calls": [{"id": call.session, "state": call.state, "peer": call.peer}],
            }
            for call in self.sessions.values()
        ]

    def reset(self) -> None:
        """Power off: every call gone without an event."""
        for call in self.sessions.values():
            if call._timer is not None:
                call._timer.cancel()
        self.sessions.clear()
