"""The simulated 2N intercom's log, switch and call services, over HTTP as a client sees them.

These pin the device behaviour the integration relies on: a pull that waits for the next event
and answers at once when one comes, events kept between pulls, subscriptions that expire and
that a restart forgets, the switch modes, the call state machine, privileges and error codes.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from simulator import Intercom2N, Simulator
from simulator.control import control_url, main, parse_args
from simulator.intercom2n_io import SimSwitch


@pytest_asyncio.fixture
async def sim(socket_enabled: None) -> AsyncIterator[Simulator]:
    """A running simulator, stopped after the test."""
    async with Simulator() as simulator:
        yield simulator


@pytest_asyncio.fixture
async def door(sim: Simulator) -> Intercom2N:
    """An intercom with a fast monostable lock (0.3 s), a bistable relay and a disabled one."""
    return await sim.add_intercom_2n(
        name="Front door",
        switches=[
            SimSwitch(1, "monostable", 0.3),
            SimSwitch(2, "bistable"),
            SimSwitch(3, enabled=False),
        ],
    )


@pytest_asyncio.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    """A client with the intercom's Digest login."""
    async with aiohttp.ClientSession(
        middlewares=(aiohttp.DigestAuthMiddleware("admin", "secret"),)
    ) as session:
        yield session


async def call(
    http: aiohttp.ClientSession, door: Intercom2N, path: str, **params: str | int
) -> dict[str, Any]:
    async with http.get(f"{door.url}{path}", params=params) as resp:
        assert resp.status == 200
        body: dict[str, Any] = await resp.json()
        return body


async def ok(http: aiohttp.ClientSession, door: Intercom2N, path: str, **params: str | int) -> Any:
    body = await call(http, door, path, **params)
    assert body["success"] is True, body
    return body.get("result")


async def error(
    http: aiohttp.ClientSession, door: Intercom2N, path: str, **params: str | int
) -> tuple[int, str | None]:
    body = await call(http, door, path, **params)
    assert body["success"] is False, body
    return body["error"]["code"], body["error"].get("param")


async def subscribe(http: aiohttp.ClientSession, door: Intercom2N, **params: str | int) -> int:
    result = await ok(http, door, "/api/log/subscribe", **params)
    sub_id: int = result["id"]
    assert 0 < sub_id < 2**32
    return sub_id


async def pull(
    http: aiohttp.ClientSession, door: Intercom2N, sub_id: int, timeout: int = 0
) -> list[dict[str, Any]]:
    result = await ok(http, door, "/api/log/pull", id=sub_id, timeout=timeout)
    events: list[dict[str, Any]] = result["events"]
    return events


def names(events: list[dict[str, Any]]) -> list[str]:
    return [event["event"] for event in events]


# --- event log ------------------------------------------------------------------------------


async def test_log_caps_and_a_pull_that_answers_as_soon_as_an_event_comes(
    http: aiohttp.ClientSession, door: Intercom2N
) -> None:
    caps = await ok(http, door, "/api/log/caps")
    assert {"KeyPressed", "CallStateChanged", "SwitchStateChanged"} <= set(caps["events"])
    sub_id = await subscribe(http, door, filter="MotionDetected", duration=30)
    started = time.monotonic()
    waiting = asyncio.create_task(pull(http, door, sub_id, timeout=10))
    await asyncio.sleep(0.3)
    assert not waiting.done()  # the device holds the pull while nothing happens
    door.motion(True)
    events = await waiting
    assert time.monotonic() - started < 2
    assert names(events) == ["MotionDetected"]
    record = events[0]
    assert record["params"] == {"state": "in"}
    assert {"id", "utcTime", "upTime", "tzShift"} <= set(record)


async def test_an_idle_pull_waits_for_its_timeout_and_returns_nothing(
    http: aiohttp.ClientSession, door: Intercom2N
) -> None:
    sub_id = await subscribe(http, door)
    started = time.monotonic()
    assert await pull(http, door, sub_id, timeout=1) == []
    assert 0.9 < time.monotonic() - started < 3
    assert await pull(http, door, sub_id) == []  # timeout 0: answers at once


async def test_events_between_pulls_are_kept_in_order_and_filtered(
    http: aiohttp.ClientSession, door: Intercom2N
) -> None:
    sub_id = await subscribe(http, door, filter="KeyPressed,CallStateChanged")
    door.ring("2")
    door.motion(True)  # not in the filter
    events = await pull(http, door, sub_id, timeout=5)
    assert names(events) == ["KeyPressed", "CallStateChanged", "CallStateChanged"]
    assert events[0]["params"] == {"key": "%2"}
    assert [e["params"]["state"] for e in events[1:]] == ["connecting", "ringing"]
    assert [e["id"] for e in events] == sorted(e["id"] for e in events)
    assert await pull(http, door, sub_id) == []


async def test_include_replays_the_history(http: aiohttp.ClientSession, door: Intercom2N) -> None:
    door.motion(True)
    door.motion(False)
    assert await pull(http, door, await subscribe(http, door)) == []  # include=new
    everything = await pull(http, door, await subscribe(http, door, include="all"))
    assert names(everything) == ["MotionDetected", "MotionDetected"]
    recent = await pull(http, door, await subscribe(http, door, include="-60"))
    assert len(recent) == 2


async def test_a_subscription_not_pulled_for_its_duration_expires(
    http: aiohttp.ClientSession, door: Intercom2N
) -> None:
    sub_id = await subscribe(http, door, duration=1)
    assert await pull(http, door, sub_id, timeout=2) == []  # a pull in progress keeps it
    await asyncio.sleep(1.3)
    assert await error(http, door, "/api/log/pull", id=sub_id) == (12, "id")
    assert door.log.subscriptions == {}


async def test_a_restart_forgets_subscriptions_and_starts_a_new_history(
    http: aiohttp.ClientSession, door: Intercom2N
) -> None:
    sub_id = await subscribe(http, door)
    door.motion(True)
    await door.restart(down_for=0.1)
    assert await error(http, door, "/api/log/pull", id=sub_id) == (12, "id")
    history = await pull(http, door, await subscribe(http, door, include="all"))
    assert names(history) == ["DeviceState"]
    assert history[0]["params"] == {"state": "startup"}
    assert history[0]["id"] == 1 and history[0]["upTime"] <= 1


async def test_unsubscribe_and_bad_log_parameters(
    http: aiohttp.ClientSession, door: Intercom2N
) -> None:
    sub_id = await subscribe(http, door)
    assert await ok(http, door, "/api/log/unsubscribe", id=sub_id) is None
    assert await error(http, door, "/api/log/unsubscribe", id=sub_id) == (12, "id")
    assert await error(http, door, "/api/log/pull") == (11, "id")
    assert await error(http, door, "/api/log/pull", id="x") == (12, "id")
    assert await error(http, door, "/api/log/pull", id=1, timeout=4000) == (12, "timeout")
    assert await error(http, door, "/api/log/subscribe", duration=0) == (12, "duration")
    assert await error(http, door, "/api/log/subscribe", include="soon") == (12, "include")
    assert await error(http, door, "/api/log/subscribe", filter="Nonsense") == (12, "filter")


async def test_events_the_user_may_not_see_are_not_queued(
    http: aiohttp.ClientSession, door: Intercom2N
) -> None:
    door.privileges.discard("keypad_monitoring")
    sub_id = await subscribe(http, door, filter="KeyPressed,CallStateChanged")
    door.ring()
    assert set(names(await pull(http, door, sub_id, timeout=5))) == {"CallStateChanged"}


async def test_log_requests_can_be_posted(http: aiohttp.ClientSession, door: Intercom2N) -> None:
    async with http.post(f"{door.url}/api/log/subscribe", data={"duration": "5"}) as resp:
        sub_id = (await resp.json())["result"]["id"]
    assert door.log.subscriptions[sub_id].duration == 5


# --- switches -------------------------------------------------------------------------------


async def test_switch_caps_and_status(http: aiohttp.ClientSession, door: Intercom2N) -> None:
    caps = await ok(http, door, "/api/switch/caps")
    assert caps["switches"] == [
        {"switch": 1, "enabled": True, "mode": "monostable", "switchOnDuration": 0.3,
         "type": "normal"},
        {"switch": 2, "enabled": True, "mode": "bistable", "type": "normal"},
        {"switch": 3, "enabled": False},
    ]  # fmt: skip
    status = await ok(http, door, "/api/switch/status", switch=2)
    assert status["switches"] == [{"switch": 2, "active": False, "locked": False, "held": False}]
    assert await error(http, door, "/api/switch/status", switch=9) == (12, "switch")


async def test_a_monostable_switch_switches_itself_off_and_reports_both_changes(
    http: aiohttp.ClientSession, door: Intercom2N
) -> None:
    sub_id = await subscribe(http, door, filter="SwitchStateChanged")
    assert await ok(http, door, "/api/switch/ctrl", switch=1, action="trigger") is None
    assert door.switches.switches[1].active
    on = await pull(http, door, sub_id, timeout=5)
    off = await pull(http, door, sub_id, timeout=5)  # after switchOnDuration (0.3 s)
    assert [e["params"] for e in on + off] == [
        {"switch": 1, "state": True},
        {"switch": 1, "state": False},
    ]
    assert not door.switches.switches[1].active


async def test_a_bistable_switch_stays_until_switched_and_lock_and_hold_win(
    http: aiohttp.ClientSession, door: Intercom2N
) -> None:
    relay = door.switches.switches[2]
    for action, expected in (("on", True), ("off", False), ("trigger", True), ("trigger", False)):
        await ok(http, door, "/api/switch/ctrl", switch=2, action=action)
        assert relay.active is expected
    await ok(http, door, "/api/switch/ctrl", switch=2, action="lock")
    await ok(http, door, "/api/switch/ctrl", switch=2, action="on")
    assert relay.locked and not relay.active  # a locked switch ignores "on"
    await ok(http, door, "/api/switch/ctrl", switch=2, action="unlock")
    await ok(http, door, "/api/switch/ctrl", switch=2, action="hold")
    assert relay.held and relay.active
    await ok(http, door, "/api/switch/ctrl", switch=2, action="off")
    assert relay.active  # held
    await ok(http, door, "/api/switch/ctrl", switch=2, action="release")
    assert not relay.active
    await ok(http, door, "/api/switch/ctrl", switch=1, action="on")
    await ok(http, door, "/api/switch/ctrl", switch=1, action="off")  # before its timer
    assert not door.switches.switches[1].active


async def test_switch_control_errors_and_privileges(
    http: aiohttp.ClientSession, door: Intercom2N
) -> None:
    assert await error(http, door, "/api/switch/ctrl", action="on") == (11, "switch")
    assert await error(http, door, "/api/switch/ctrl", switch=1) == (11, "action")
    assert await error(http, door, "/api/switch/ctrl", switch=3, action="on") == (12, "switch")
    assert await error(http, door, "/api/switch/ctrl", switch=1, action="open") == (12, "action")
    door.privileges.discard("switch_control")
    assert await error(http, door, "/api/switch/ctrl", switch=1, action="on") == (10, None)
    door.privileges.discard("switch_monitoring")
    assert await error(http, door, "/api/switch/caps") == (10, None)
    assert await error(http, door, "/api/switch/status") == (10, None)


async def test_a_switch_flipped_at_the_device_reports_itself(
    http: aiohttp.ClientSession, door: Intercom2N
) -> None:
    sub_id = await subscribe(http, door, filter="SwitchStateChanged")
    door.switches.set_active(2, True)
    door.switches.set_active(2, True)  # no change, no event
    door.switches.set_active(1, True)  # monostable: a pulse
    events = await pull(http, door, sub_id, timeout=5)
    assert [e["params"] for e in events] == [
        {"switch": 2, "state": True},
        {"switch": 1, "state": True},
    ]


# --- calls ----------------------------------------------------------------------------------


async def test_ring_answer_and_hang_up(http: aiohttp.ClientSession, door: Intercom2N) -> None:
    assert await ok(http, door, "/api/call/status") == {"sessions": []}
    sub_id = await subscribe(http, door, filter="CallStateChanged")
    session = door.ring()
    status = await ok(http, door, "/api/call/status")
    assert status["sessions"][0]["state"] == "ringing"
    assert status["sessions"][0]["direction"] == "outgoing"
    assert status["sessions"][0]["calls"][0]["peer"].startswith("sip:")
    assert door.calls.answer(session)
    assert not door.calls.answer(session)  # already connected
    assert door.calls.hang_up()
    assert not door.calls.hang_up()
    states = [e["params"]["state"] for e in await pull(http, door, sub_id, timeout=5)]
    assert states == ["connecting", "ringing", "connected", "terminated"]
    door.privileges.discard("call_monitoring")
    assert await error(http, door, "/api/call/status") == (10, None)


async def test_a_new_ring_ends_the_ringing_call_and_an_unanswered_one_stops(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    door = await sim.add_intercom_2n(ring_timeout=0.3)
    sub_id = await subscribe(http, door, filter="CallStateChanged")
    first = door.ring()
    second = door.ring()
    events = await pull(http, door, sub_id, timeout=5)
    assert [(e["params"]["session"], e["params"]["state"]) for e in events] == [
        (first, "connecting"),
        (first, "ringing"),
        (first, "terminated"),
        (second, "connecting"),
        (second, "ringing"),
    ]
    later = await pull(http, door, sub_id, timeout=5)
    assert [e["params"]["state"] for e in later] == ["terminated"]
    assert door.calls.sessions == {}


# --- control paths and the command line ---------------------------------------------------


async def test_control_paths_need_no_login(door: Intercom2N) -> None:
    sub_id = door.log.subscribe(door.log_events, "new", 60)
    async with aiohttp.ClientSession() as anonymous:

        async def control(action: str, **params: str) -> dict[str, Any]:
            async with anonymous.post(f"{door.url}/sim/{action}", params=params) as resp:
                body: dict[str, Any] = await resp.json()
                return body

        assert (await control("ring", button="2"))["result"]["session"] == 1
        assert (await control("answer"))["result"] == {"done": True}
        assert (await control("hangup"))["result"] == {"done": True}
        for action, params in (
            ("motion", {"state": "in"}),
            ("door", {"state": "opened"}),
            ("input", {"port": "input2", "state": "1"}),
            ("switch", {"switch": "2", "state": "on"}),
        ):
            assert (await control(action, **params))["success"] is True
        assert (await control("switch", switch="3"))["error"]["code"] == 12
        assert (await control("explode"))["error"]["code"] == 1
    records = await door.log.pull(sub_id, 0)
    assert [r.event for r in records][-4:] == [
        "MotionDetected",
        "DoorStateChanged",
        "InputChanged",
        "SwitchStateChanged",
    ]
    assert records[-2].params == {"port": "input2", "state": True}


async def test_the_command_line_rings_the_bell(door: Intercom2N) -> None:
    sub_id = door.log.subscribe(["KeyPressed"], "new", 60)
    code = await asyncio.to_thread(main, ["ring", "--port", str(door.port), "--button", "3"])
    assert code == 0
    assert [r.params for r in await door.log.pull(sub_id, 0)] == [{"key": "%3"}]
    args = ["switch", "on", "--port", str(door.port), "--switch", "9"]
    code = await asyncio.to_thread(main, args)
    assert code == 1  # the device refused: no switch 9


def test_control_urls() -> None:
    assert control_url(parse_args(["ring"])) == "http://127.0.0.1:18000/sim/ring?button=1"
    assert control_url(parse_args(["motion", "off", "--port", "18001"])) == (
        "http://127.0.0.1:18001/sim/motion?state=0"
    )
    assert control_url(parse_args(["input", "--input", "input2"])) == (
        "http://127.0.0.1:18000/sim/input?state=1&port=input2"
    )
    assert control_url(parse_args(["hangup"])) == "http://127.0.0.1:18000/sim/hangup"


def test_the_command_line_reports_an_intercom_that_is_not_there(
    socket_enabled: None, unused_tcp_port: int, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["answer", "--port", str(unused_tcp_port)]) == 1
    assert "/sim/answer" in capsys.readouterr().err
