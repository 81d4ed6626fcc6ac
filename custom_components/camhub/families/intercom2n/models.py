"""The typed state of one 2N intercom entry."""

from __future__ import annotations

from dataclasses import dataclass, field

from ...api.intercom2n import DEFAULT_EVENTS, Caps, IntercomState, SwitchCaps, SystemInfo
from ...descriptions import EntityEvent, StillImage

RINGS_KEPT = 16
"""Rings kept in the state for the doorbell entity: more than one pull ever brings at once."""


@dataclass(frozen=True, slots=True)
class Visitor:
    """The internal camera's frame from the moment of a ring (from the intercom's memory)."""

    seq: int  # the ring's `EntityEvent.seq`
    picture: StillImage


@dataclass(frozen=True, slots=True)
class Intercom2NState:
    """Identity and camera caps (read), the events' state and the rings (pushed).

    `log_events` are the events the intercom reports (`/api/log/caps`): entities exist only
    for what it can tell. `switches` are the enabled switches (`/api/switch/caps`; none when
    the user lacks the Switch monitoring privilege). `intercom` is what the event log adds up
    to (`EventReducer`), `rings` the last doorbell rings as entity events, `visitor` the frame
    of the last ring whose picture could be read.
    """

    info: SystemInfo
    caps: Caps
    log_events: frozenset[str] = frozenset(DEFAULT_EVENTS)
    switches: tuple[SwitchCaps, ...] = ()
    intercom: IntercomState = field(default_factory=IntercomState)
    rings: tuple[EntityEvent, ...] = ()
    visitor: Visitor | None = None

    def switch(self, item: str) -> SwitchCaps | None:
        """The switch an entity's item names (its number as text)."""
        return next((s for s in self.switches if str(s.switch) == item), None)
