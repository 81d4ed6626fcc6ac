"""The simulated 2N intercom's event log: subscriptions, long-poll pulls, expiry, restarts.

Modelled on the 2N HTTP API manual (5.10 api/log): every subscription has its own queue, into
which each new matching event goes; a pull returns the queue (at most 128 records) at once if
it holds any, else waits up to `timeout` seconds for the next event; a subscription that is not
pulled for `duration` seconds is closed as if unsubscribed; the device keeps a history of the
last events, which `include=all` / `include=-N` copy into a new subscription's queue. A restart
forgets subscriptions and history, and record ids count from 1 again.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

HISTORY_SIZE = 500
PULL_BATCH = 128
DURATION_DEFAULT = 90
DURATION_MAX = 3600
TIMEOUT_MAX = 3600


class UnknownSubscriptionError(Exception):
    """No subscription with this id (never made, expired, or forgotten in a restart)."""


class InvalidIncludeError(ValueError):
    """`include` is not "new", "all" or "-N"."""


@dataclass(frozen=True, slots=True)
class Record:
    """One event record, as the device stores it."""

    id: int
    utc_time: int
    up_time: int
    event: str
    params: dict[str, Any]
    emitted: float  # time.monotonic() when it happened: for latency measurements in tests
    wall: float  # time.time() when it happened: for `include=-N`

    def to_json(self) -> dict[str, Any]:
        """The record as `/api/log/pull` sends it."""
        return {
            "id": self.id,
            "tzShift": 0,
            "utcTime": self.utc_time,
            "upTime": self.up_time,
            "event": self.event,
            "params": self.params,
        }


@dataclass(eq=False)
class Subscription:
    """One channel: its filter, its queue, and when it was last pulled."""

    id: int
    events: frozenset[str]
    duration: float
    last_access: float
    queue: deque[Record] = field(default_factory=deque)
    wakeup: asyncio.Event = field(default_factory=asyncio.Event)
    pulling: int = 0  # pulls waiting right now: a subscription being pulled never expires


class EventLogService:
    """The log service of one intercom."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        """`clock` (monotonic seconds) decides expiry; tests may move it."""
        self._clock = clock
        self.history: deque[Record] = deque(maxlen=HISTORY_SIZE)
        self.subscriptions: dict[int, Subscription] = {}
        self.boot_wall = time.time()
        self._next_id = 1

    def reboot(self) -> None:
        """A restart: subscriptions, history and record ids are gone; waiting pulls end."""
        for sub in self.subscriptions.values():
            sub.wakeup.set()
        self.subscriptions.clear()
        self.history.clear()
        self._next_id = 1
        self.boot_wall = time.time()

    def emit(self, event: str, params: dict[str, Any]) -> Record:
        """Something happened: record it, queue it for every subscription that wants it."""
        self.expire()
        now = time.time()
        record = Record(
            id=self._next_id,
            utc_time=int(now),
            up_time=int(now - self.boot_wall),
            event=event,
            params=params,
            emitted=time.monotonic(),
            wall=now,
        )
        self._next_id += 1
        self.history.append(record)
        for sub in self.subscriptions.values():
            if event in sub.events:
                sub.queue.append(record)
                sub.wakeup.set()
        return record

    def subscribe(self, events: Iterable[str], include: str, duration: float) -> int:
        """A new subscription (a random 32-bit id, as the device gives)."""
        self.expire()
        wanted = frozenset(events)
        sub = Subscription(self._new_id(), wanted, duration, self._clock())
        sub.queue.extend(r for r in self._included(include) if r.event in wanted)
        self.subscriptions[sub.id] = sub
        return sub.id

    def _included(self, include: str) -> list[Record]:
        if include == "new":
            return []
        if include == "all":
            return list(self.history)
        if include.startswith("-") and include[1:].isdigit():
            since = time.time() - int(include[1:])
            return [r for r in self.history if r.wall >= since]
        raise InvalidIncludeError(include)

    def _new_id(self) -> int:
        while True:
            sub_id = random.randint(1, 2**32 - 1)
            if sub_id not in self.subscriptions:
                return sub_id

    def unsubscribe(self, sub_id: int) -> None:
        """Close a subscription; an unknown id raises UnknownSubscriptionError."""
        self.expire()
        sub = self.subscriptions.pop(sub_id, None)
        if sub is None:
            raise UnknownSubscriptionError(sub_id)
        sub.wakeup.set()

    async def pull(self, sub_id: int, wait: float) -> list[Record]:
        """The queued records (at most 128), waiting up to `wait` s for the first one."""
        self.expire()
        sub = self.subscriptions.get(sub_id)
        if sub is None:
            raise UnknownSubscriptionError(sub_id)
        sub.pulling += 1
        try:
            if not sub.queue and wait > 0:
                sub.wakeup.clear()
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(wait):
                        await sub.wakeup.wait()
            count = min(len(sub.queue), PULL_BATCH)
            return [sub.queue.popleft() for _ in range(count)]
        finally:
            sub.pulling -= 1
            sub.last_access = self._clock()

    def expire(self) -> None:
        """Close the subscriptions nobody pulled for their `duration`."""
        now = self._clock()
        for sub_id, sub in list(self.subscriptions.items()):
            if sub.pulling == 0 and now - sub.last_access > sub.duration:
                del self.subscriptions[sub_id]
