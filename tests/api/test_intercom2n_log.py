"""`EventLog`: the 2N event log as a push channel, against the simulated intercom.

The promises tested: every event reaches the callback once and in order, within a round trip
of the device's answer; a subscription the device forgot (expiry, restart) is replaced without
losing what happened meanwhile (as far as the device still has it) and without repeating what
was delivered; failures back off; loss and recovery are each reported once.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import AsyncIterator, Callable, Iterable

import aiohttp
import pytest

from custom_components.camhub.api.backoff import Backoff
from custom_components.camhub.api.errors import CamHubError, DeviceError
from custom_components.camhub.api.intercom2n import (
    CallStateChanged,
    DeviceState,
    EventLog,
    EventLogSettings,
    EventReducer,
    Intercom2NClient,
    KeyPressed,
    KeyReleased,
    LogEvent,
    MotionDetected,
    SubscriptionNotFoundError,
)
from simulator import Intercom2N, Simulator


class Recorder:
    """The callbacks: every event with its arrival time, and the connection reports."""

    def __init__(self) -> None:
        self.events: list[tuple[LogEvent, float]] = []
        self.connection: list[tuple[bool, CamHubError | None]] = []
        self.arrived = asyncio.Event()

    def on_event(self, event: LogEvent) -> None:
        self.events.append((event, time.monotonic()))
        self.arrived.set()

    def on_connection(self, connected: bool, error: CamHubError | None) -> None:
        self.connection.append((connected, error))

    def of(self, kind: type[LogEvent]) -> list[LogEvent]:
        return [event for event, _ in self.events if isinstance(event, kind)]

    async def until(self, check: Callable[[], bool], timeout: float = 10) -> None:
        async with asyncio.timeout(timeout):
            while not check():
                self.arrived.clear()
                await self.arrived.wait()


@pytest.fixture
async def sim(socket_enabled: None) -> AsyncIterator[Simulator]:
    async with Simulator() as simulator:
        yield simulator


@pytest.fixture
async def door(sim: Simulator) -> Intercom2N:
    return await sim.add_intercom_2n(ring_timeout=None)


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client_session:
        yield client_session


def fast_backoff() -> Backoff:
    return Backoff(initial=0.05, maximum=0.2, jitter=0)


async def running(pump: EventLog) -> asyncio.Task[None]:
    """Start the pump and wait until its first pull is being held by the device."""
    task = asyncio.create_task(pump.run())
    async with asyncio.timeout(10):
        while pump.subscription is None:
            await asyncio.sleep(0.01)
    await asyncio.sleep(0.1)
    return task


async def stopped(task: asyncio.Task[None]) -> None:
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


def make_pump(
    door: Intercom2N,
    session: aiohttp.ClientSession,
    recorder: Recorder,
    client_type: type[Intercom2NClient] = Intercom2NClient,
    **settings: int,
) -> EventLog:
    client = client_type(session, door.url, door.username, door.password)
    return EventLog(
        client,
        recorder.on_event,
        recorder.on_connection,
        settings=EventLogSettings(**settings),
        backoff=fast_backoff(),
    )


async def test_rings_arrive_once_in_order_and_fast(
    door: Intercom2N, session: aiohttp.ClientSession
) -> None:
    recorder = Recorder()
    pump = make_pump(door, session, recorder, pull_timeout=5)
    task = await running(pump)
    reducer = EventReducer()
    latencies = []
    for i in range(10):
        count = len(recorder.events)
        emitted = time.monotonic()
        door.ring(str(i % 2 + 1))
        await recorder.until(lambda c=count: len(recorder.events) >= c + 4)
        latencies.append(recorder.events[count][1] - emitted)
        await asyncio.sleep(0.05)
    rings = [reducer.apply(event) for event, _ in recorder.events]
    assert len([ring for ring in rings if ring is not None]) == 10
    assert [ring.button for ring in rings if ring is not None] == ["1", "2"] * 5
    ids = [event.id for event, _ in recorder.events]
    assert ids == sorted(set(ids))  # none twice, none out of order
    assert statistics.median(latencies) < 0.25
    assert recorder.connection == [(True, None)]
    assert pump.stats.events == len(recorder.events) == 10 * 4 + 9  # 9 hang-ups between
    await stopped(task)
    await pump.unsubscribe()
    assert door.log.subscriptions == {}
    await pump.unsubscribe()  # nothing left to close


async def test_events_between_pulls_are_not_lost(
    door: Intercom2N, session: aiohttp.ClientSession
) -> None:
    recorder = Recorder()
    pump = make_pump(door, session, recorder, pull_timeout=1)
    task = await running(pump)
    for _ in range(300):  # more than one pull's batch of 128, faster than pulls come
        door.motion(True)
    await recorder.until(lambda: len(recorder.of(MotionDetected)) >= 300)
    assert len(recorder.events) == 300
    assert pump.stats.pulls >= 3
    await stopped(task)


async def test_a_restart_is_recovered_and_the_next_ring_seen(
    door: Intercom2N, session: aiohttp.ClientSession
) -> None:
    recorder = Recorder()
    pump = make_pump(door, session, recorder, pull_timeout=5)
    task = await running(pump)
    first = pump.subscription
    door.ring()
    await recorder.until(lambda: len(recorder.of(CallStateChanged)) == 2)
    await door.restart(down_for=0.3)
    await recorder.until(lambda: bool(recorder.of(DeviceState)))  # replayed from the history
    assert pump.subscription != first
    assert pump.stats.lost_subscriptions == 1
    door.ring()
    await recorder.until(lambda: len(recorder.of(CallStateChanged)) == 4)
    assert [connected for connected, _ in recorder.connection] == [True, False, True]
    assert recorder.connection[1][1] is not None  # the error that broke the channel
    await stopped(task)


async def test_an_expired_subscription_is_replaced_and_the_gap_replayed_once(
    door: Intercom2N, session: aiohttp.ClientSession
) -> None:
    recorder = Recorder()
    pump = make_pump(door, session, recorder, pull_timeout=5)
    task = await running(pump)
    door.motion(True)
    await recorder.until(lambda: len(recorder.events) == 1)
    await stopped(task)  # Home Assistant busy, the network away: nobody pulls ...
    door.motion(False)
    door.ring()
    door.log.subscriptions.clear()  # ... for longer than the subscription's duration
    task = await running(pump)
    await recorder.until(lambda: len(recorder.events) == 6)
    assert [type(e) for e, _ in recorder.events] == [
        MotionDetected,
        MotionDetected,
        KeyPressed,
        KeyReleased,
        CallStateChanged,
        CallStateChanged,
    ]
    assert pump.stats.duplicates >= 1  # the first motion came again with the history: dropped
    assert pump.stats.subscribes == 2
    assert door.log.subscriptions[pump.subscription or 0].events >= {"MotionDetected"}
    await asyncio.sleep(0.2)
    assert len(recorder.events) == 6
    await stopped(task)


async def test_failures_back_off_and_are_reported_once(
    door: Intercom2N, session: aiohttp.ClientSession
) -> None:
    recorder = Recorder()
    door.faults.status = 503
    pump = make_pump(door, session, recorder, pull_timeout=1)
    task = asyncio.create_task(pump.run())
    await asyncio.sleep(0.6)
    failures = pump.stats.failures
    assert 2 <= failures <= 8  # 0.05, 0.1, 0.2, 0.2 ... s apart, not a tight loop
    assert [connected for connected, _ in recorder.connection] == [False]
    assert isinstance(recorder.connection[0][1], DeviceError)
    door.faults.status = None
    async with asyncio.timeout(5):
        while pump.connected is not True:
            await asyncio.sleep(0.02)
    door.motion(True)
    await recorder.until(lambda: len(recorder.events) == 1)
    assert [connected for connected, _ in recorder.connection] == [False, True]
    await stopped(task)


class ForgetfulClient(Intercom2NClient):
    """A device that forgets every subscription at once (a firmware fault)."""

    async def log_pull(self, subscription: int, timeout: int) -> list[LogEvent]:
        raise SubscriptionNotFoundError(12, "invalid parameter value", "id")


async def test_a_subscription_unknown_right_away_backs_off(
    door: Intercom2N, session: aiohttp.ClientSession
) -> None:
    recorder = Recorder()
    pump = make_pump(door, session, recorder, ForgetfulClient)
    task = asyncio.create_task(pump.run())
    await asyncio.sleep(0.5)
    assert 2 <= pump.stats.subscribes <= 8
    assert pump.stats.failures == pump.stats.lost_subscriptions
    assert recorder.connection[0][0] is False
    await stopped(task)


class OldFirmwareClient(Intercom2NClient):
    """No /api/log/caps."""

    async def log_caps(self) -> tuple[str, ...]:
        raise DeviceError(1, "function is not supported")


async def test_it_subscribes_to_the_wanted_events_the_intercom_offers(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    door = await sim.add_intercom_2n(log_events=("MotionDetected", "KeyPressed", "CardEntered"))
    offered = ("KeyPressed", "MotionDetected")
    cases: tuple[tuple[type[Intercom2NClient], tuple[str, ...], tuple[str, ...]], ...] = (
        (Intercom2NClient, ("KeyPressed", "DeviceState", "MotionDetected"), offered),
        (OldFirmwareClient, ("CardEntered", "KeyPressed"), ("CardEntered", "KeyPressed")),
    )
    for client_type, wanted, expected in cases:
        client = client_type(session, door.url, door.username, door.password)
        pump = EventLog(client, Recorder().on_event, settings=EventLogSettings(events=wanted))
        task = await running(pump)
        assert pump.subscribed_events == expected  # without caps: everything wanted
        assert door.log.subscriptions[pump.subscription or 0].events == set(expected)
        await stopped(task)


async def test_idle_pulls_per_minute_follow_the_pull_timeout(
    door: Intercom2N, session: aiohttp.ClientSession
) -> None:
    recorder = Recorder()
    pump = make_pump(door, session, recorder, pull_timeout=1)
    task = await running(pump)
    door.stats.reset()
    await asyncio.sleep(3.2)
    pulls = door.stats.requests["/api/log/pull"]
    assert 2 <= pulls <= 4  # one per pull_timeout: 60 a minute at 1 s, 2 at the default 30 s
    assert recorder.events == []
    await stopped(task)


class ScriptedClient(Intercom2NClient):
    """A device whose pulls answer from a script: lists of events, or errors to raise."""

    def __init__(self, script: list[list[LogEvent] | CamHubError]) -> None:
        self.script = script
        self.includes: list[str] = []
        self.done = asyncio.Event()

    async def log_caps(self) -> tuple[str, ...]:
        return ("MotionDetected",)

    async def log_subscribe(
        self, events: Iterable[str], duration: int, include: str = "new"
    ) -> int:
        self.includes.append(include)
        return len(self.includes)

    async def log_pull(self, subscription: int, timeout: int) -> list[LogEvent]:
        if not self.script:
            self.done.set()
            await asyncio.Event().wait()
        step = self.script.pop(0)
        if isinstance(step, CamHubError):
            raise step
        return step


def motion(event_id: int, boot: int) -> MotionDetected:
    return MotionDetected(event_id, boot + 100 + event_id, 100 + event_id, True)


async def test_replays_drop_repeats_within_a_boot_and_keep_a_new_boots_events() -> None:
    lost = SubscriptionNotFoundError(12, "invalid parameter value", "id")
    client = ScriptedClient(
        [
            [motion(5, boot=1000)],
            lost,
            [motion(5, boot=1000), motion(6, boot=1001)],  # replay: 5 again, then 6 (rounding)
            lost,
            [motion(2, boot=5000)],  # the intercom restarted: ids from 1 again, a new boot
            [motion(1, boot=5000), MotionDetected(7, None, None, True)],  # no replay, any id
        ]
    )
    recorder = Recorder()
    pump = EventLog(client, recorder.on_event)  # no connection callback: fine
    task = asyncio.create_task(pump.run())
    async with asyncio.timeout(5):
        await client.done.wait()
    assert [e.id for e, _ in recorder.events] == [5, 6, 2, 1, 7]
    assert pump.stats.duplicates == 1
    assert client.includes[0] == "new"
    assert all(include.startswith("-") for include in client.includes[1:])
    assert pump.connected is True
    await stopped(task)


async def test_the_measurement_runs(socket_enabled: None) -> None:
    """`python -m benchmarks.intercom_log` at its smallest: every figure is there."""
    from benchmarks.intercom_log import measure

    result = await measure(rings=2, spacing=0.05, idle=1.2, pull_timeout=1)
    assert result.rings_seen == 2 and result.ring_after_restart_seen
    assert result.latency_ms_p50 <= result.latency_ms_p95 <= result.latency_ms_max
    assert result.idle_pulls >= 1


async def test_a_failing_handler_does_not_stop_the_channel(
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = ScriptedClient([[motion(1, boot=10), motion(2, boot=10)]])
    delivered: list[int] = []

    def handler(event: LogEvent) -> None:
        if event.id == 1:
            raise RuntimeError("a bug in the consumer")
        delivered.append(event.id)

    task = asyncio.create_task(EventLog(client, handler).run())
    async with asyncio.timeout(5):
        await client.done.wait()
    assert delivered == [2]
    assert "the handler of MotionDetected(id=1" in caplog.text
    await stopped(task)
