"""The intercom's event log as Home Assistant state: rings, calls, motion, door, switches.

`IntercomEvents` owns the `EventLog` pump (api/intercom2n/log.py) and the `EventReducer`
(api/intercom2n/state.py) of one entry. Each event is folded into the reducer's state and
published with the item it changed (a switch number, or the intercom's serial for the
intercom's own entities), synchronously, in the pump's task: a ring reaches the doorbell
entity within the same event-loop turn as the device's answer. Rings become `EntityEvent`s
with a growing sequence number, which the doorbell event entity fires once each.

The connection is reported once when lost and once when back; while it is down the
coordinator polls (and the poll's seed re-reads call and switch status). A reconnection and
an intercom restart (`DeviceState startup`) re-read the state as well, since events may have
been missed.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from homeassistant.util import dt as dt_util

from ...api.errors import CamHubError
from ...api.intercom2n import (
    HISTORY_MAX_SECONDS,
    DeviceState,
    EventLog,
    EventLogSettings,
    EventReducer,
    LogEvent,
    Ring,
    SwitchStateChanged,
)
from ...descriptions import EntityEvent, EventAttribute, StillImage
from .models import RINGS_KEPT, Intercom2NState, Visitor

if TYPE_CHECKING:
    from .host import Intercom2NHost

_LOGGER = logging.getLogger(__name__)

RING = "ring"  # Home Assistant's standard doorbell event type (DoorbellEventType.RING)


class IntercomEvents:
    """One intercom's event log, folded into the entry's state and published."""

    def __init__(self, host: Intercom2NHost, settings: EventLogSettings | None = None) -> None:
        """Nothing runs until `run()` (the entry's background task)."""
        self.host = host
        self.reducer = EventReducer()
        self.rings: tuple[EntityEvent, ...] = ()
        self.visitor: Visitor | None = None
        self.connections = 0
        self.log = EventLog(host.client, self.on_event, self.on_connection, settings=settings)

    def with_pushed(self, state: Intercom2NState) -> Intercom2NState:
        """`state` with what the events say now."""
        return replace(state, intercom=self.reducer.state, rings=self.rings, visitor=self.visitor)

    async def run(self) -> None:
        """Pull until cancelled (the entry unloads), then close the subscription."""
        try:
            await self.log.run()
        finally:
            await self.log.unsubscribe()

    def on_event(self, event: LogEvent) -> None:
        """Fold one event in; publish it to the entities it concerns, if it changed anything."""
        before = self.reducer.state
        ring = self.reducer.apply(event)
        if ring is not None:
            self._add_ring(ring)
        if isinstance(event, DeviceState) and event.state == "startup":
            self._reread("the intercom restarted")
        if ring is None and self.reducer.state is before:
            return  # a key release, an unknown record: nothing any entity shows
        host = self.host
        changed = {str(event.switch)} if isinstance(event, SwitchStateChanged) else {host.serial}
        host.coordinator.async_publish(self.with_pushed(host.state), changed)

    def _add_ring(self, ring: Ring) -> None:
        seq = self.rings[-1].seq + 1 if self.rings else 1
        attributes: dict[str, EventAttribute] = {}
        if ring.button is not None:
            attributes["button"] = ring.button
        if ring.peer is not None:
            attributes["peer"] = ring.peer
        self.rings = (*self.rings, EntityEvent(seq, RING, attributes))[-RINGS_KEPT:]
        host = self.host
        host.entry.async_create_background_task(
            host.hass,
            self._fetch_visitor(seq, time.monotonic(), dt_util.utcnow()),
            f"camhub 2N visitor {host.entry.title}",
        )

    async def _fetch_visitor(self, seq: int, arrived: float, rang_at: datetime) -> None:
        """The internal camera's frame from the ring's moment, from the intercom's memory.

        Asked for as many seconds back as the ring is old by now (usually 0), so a slow
        answer still shows the visitor at the press of the button.
        """
        host = self.host
        source = next((s for s in host.video_sources(host.state) if s.history), None)
        if source is None or source.history is None:
            return
        seconds_ago = min(math.floor(time.monotonic() - arrived), HISTORY_MAX_SECONDS)
        try:
            jpeg = await source.history(seconds_ago)
        except CamHubError as err:
            _LOGGER.warning("%s: no picture of the visitor: %s", host.entry.title, err)
            return
        if self.visitor is not None and self.visitor.seq > seq:
            return  # a later ring's picture arrived first
        self.visitor = Visitor(seq, StillImage(rang_at, jpeg))
        host.coordinator.async_publish(self.with_pushed(host.state), {host.serial})

    def on_connection(self, connected: bool, error: CamHubError | None) -> None:
        """One log line when the log is lost and one when it is back; polling meanwhile."""
        title = self.host.entry.title
        if connected:
            self.connections += 1
            if self.connections > 1 or self.log.stats.failures:
                _LOGGER.info("%s: the intercom's event log is back", title)
            if self.connections > 1:
                self._reread("the event log reconnected")
        else:
            _LOGGER.warning(
                "%s: the intercom's event log is lost (%s); polling every %s meanwhile",
                title,
                error,
                self.host.update_interval,
            )
        self.host.coordinator.async_set_push_connected(connected)

    def _reread(self, why: str) -> None:
        """Read state and seed again: events may have been missed."""
        _LOGGER.debug("%s: re-reading the intercom: %s", self.host.entry.title, why)
        host = self.host
        host.entry.async_create_background_task(
            host.hass, host.coordinator.async_request_refresh(), f"camhub 2N re-read {why}"
        )
