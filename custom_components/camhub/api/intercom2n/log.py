"""`EventLog`: the intercom's event log as a push channel (subscribe, then long-poll).

2N has no WebSocket: a client subscribes (`/api/log/subscribe`), and then pulls
(`/api/log/pull?timeout=T`) in a loop. The device holds an idle pull for T seconds and answers
the moment an event is queued, so an event reaches the client within one round trip, while an
idle intercom costs 60/T requests a minute. Between two pulls the device queues the events for
the subscription, so a pull loop loses none.

What can go wrong, and what this does about it:
- The subscription is forgotten: not pulled for `duration` seconds (the client was away), or
  the intercom restarted. The pull then answers "invalid parameter" for `id`; the pump
  subscribes again at once, with `include=-N` to take the device's history of the N seconds
  since the last good pull, and drops what it already delivered (by record id, within one
  boot of the device: `LogEvent.boot`). After a restart the device's history starts with the
  restart, so only what happened while it was down is gone.
- The network or the device fails: capped exponential backoff with jitter (`backoff.py`),
  the same subscription is pulled again when it answers.
- `on_connection(True/False, error)` is called on changes only (and once for a first failure),
  so the integration logs one line when the channel is lost and one when it is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..backoff import Backoff
from ..errors import CamHubError, DeviceError
from .client import Intercom2NClient
from .logevents import DEFAULT_EVENTS, DeviceState, LogEvent
from .models import SubscriptionNotFoundError

_LOGGER = logging.getLogger(__name__)

CATCH_UP_MAX = 3600  # seconds of device history asked for after a lost subscription
BOOT_SLACK = 3  # seconds two records' `boot` may differ and still be one boot (rounding)
UNSUBSCRIBE_TIMEOUT = 2.0

type EventCallback = Callable[[LogEvent], None]
type ConnectionCallback = Callable[[bool, CamHubError | None], None]


@dataclass(frozen=True, slots=True)
class EventLogSettings:
    """How the pump uses the log service.

    `pull_timeout` is how long the device holds an idle pull (idle cost: 60 / pull_timeout
    pulls a minute; the latency of an event does not depend on it). `duration` is how long
    the device keeps a subscription nobody pulls: several pull timeouts, so one slow pull
    never loses it, and short enough that a subscription left behind (Home Assistant killed)
    soon goes away.
    """

    pull_timeout: int = 30
    duration: int = 120
    events: tuple[str, ...] = DEFAULT_EVENTS


@dataclass(slots=True)
class EventLogStats:
    """Counters for diagnostics, tests and benchmarks."""

    pulls: int = 0  # answered pulls (empty ones included)
    events: int = 0  # events delivered to the callback
    duplicates: int = 0  # records dropped because they were delivered before
    subscribes: int = 0
    lost_subscriptions: int = 0  # pulls answered "no such subscription"
    failures: int = 0  # requests that failed (network, device)
    last_event: float | None = field(default=None)  # time.monotonic() of the last delivery


class EventLog:
    """Pulls a 2N intercom's event log and hands each event, in order, to a callback."""

    def __init__(
        self,
        client: Intercom2NClient,
        on_event: EventCallback,
        on_connection: ConnectionCallback | None = None,
        *,
        settings: EventLogSettings | None = None,
        backoff: Backoff | None = None,
    ) -> None:
        """Nothing happens until `run()`; the callbacks are called from its task."""
        self.client = client
        self.settings = settings or EventLogSettings()
        self.stats = EventLogStats()
        self.subscription: int | None = None
        self.connected: bool | None = None  # None until the first pull answered or failed
        self.subscribed_events: tuple[str, ...] = ()
        self._on_event = on_event
        self._on_connection = on_connection
        self._backoff = backoff or Backoff(initial=1.0, maximum=60.0)
        self._last_pull: float | None = None  # monotonic time of the last answered pull
        self._last_id = 0  # the last record id delivered ...
        self._boot: int | None = None  # ... in this boot of the device
        self._catching_up = False  # the current subscription replays history: drop repeats
        self._fresh = False  # subscribed, not pulled successfully yet

    async def run(self) -> None:
        """Subscribe and pull until cancelled; failures are retried, never raised."""
        while True:
            try:
                await self._cycle()
            except CamHubError as err:
                self.stats.failures += 1
                self._set_connected(False, err)
                delay = self._backoff.failed()
                _LOGGER.debug("2N event log: %s; retrying in %.1f s", err, delay)
                await asyncio.sleep(delay)

    async def unsubscribe(self) -> None:
        """Close the subscription, if any (at unload, after cancelling `run`); best effort."""
        subscription, self.subscription = self.subscription, None
        if subscription is None:
            return
        with contextlib.suppress(CamHubError, TimeoutError):
            async with asyncio.timeout(UNSUBSCRIBE_TIMEOUT):
                await self.client.log_unsubscribe(subscription)

    async def _cycle(self) -> None:
        """One pull (subscribing first when there is no subscription)."""
        if self.subscription is None:
            await self._subscribe()
        assert self.subscription is not None
        # Until the channel is known to work (at start, after a failure) a pull answers at once:
        # recovery is noticed and reported now, not one pull timeout later.
        timeout = self.settings.pull_timeout if self.connected else 0
        try:
            events = await self.client.log_pull(self.subscription, timeout)
        except SubscriptionNotFoundError:
            self.stats.lost_subscriptions += 1
            self.subscription = None
            if self._fresh:
                raise  # unknown right after subscribing: a device fault, not an expiry
            _LOGGER.debug("2N event log: the subscription is gone; subscribing again")
            return
        self._fresh = False
        self._last_pull = time.monotonic()
        self.stats.pulls += 1
        self._backoff.succeeded()
        self._set_connected(True, None)
        self._deliver(events)

    async def _subscribe(self) -> None:
        if not self.subscribed_events:
            self.subscribed_events = await self._event_names()
        include = "new"
        if self._last_pull is not None:  # a lost subscription: replay what was missed
            gap = math.ceil(time.monotonic() - self._last_pull) + 1
            include = f"-{min(gap, CATCH_UP_MAX)}"
        self.subscription = await self.client.log_subscribe(
            self.subscribed_events, self.settings.duration, include=include
        )
        self.stats.subscribes += 1
        self._catching_up = include != "new"
        self._fresh = True

    async def _event_names(self) -> tuple[str, ...]:
        """The wanted events this intercom reports (a subscription to others is refused)."""
        wanted = self.settings.events
        try:
            offered = set(await self.client.log_caps())
        except DeviceError:  # an older firmware without log caps: ask for all of them
            return wanted
        names = tuple(name for name in wanted if name in offered)
        return names or wanted

    def _deliver(self, events: Sequence[LogEvent]) -> None:
        for event in events:
            if self._is_repeat(event):
                self.stats.duplicates += 1
                continue
            self._last_id = event.id
            self._catching_up = False  # ids only grow from here: nothing later repeats
            self.stats.events += 1
            self.stats.last_event = time.monotonic()
            try:
                self._on_event(event)
            except Exception:  # a consumer's bug must not stop the channel for every event
                _LOGGER.exception("2N event log: the handler of %s failed", event)
        if not events:
            self._catching_up = False

    def _is_repeat(self, event: LogEvent) -> bool:
        """Whether a record was delivered before (only a replay after a loss repeats any)."""
        boot = event.boot
        new_boot = (
            boot is not None and self._boot is not None and abs(boot - self._boot) > BOOT_SLACK
        )
        if new_boot or (isinstance(event, DeviceState) and event.state == "startup"):
            self._last_id = 0  # the device restarted: its ids count from 1 again
        if boot is not None:
            self._boot = boot
        return self._catching_up and event.id <= self._last_id

    def _set_connected(self, connected: bool, error: CamHubError | None) -> None:
        if self.connected is connected:
            return
        self.connected = connected
        if self._on_connection is not None:
            self._on_connection(connected, error)
