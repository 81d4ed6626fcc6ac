"""2N client: the log, switch and call services against the simulator, and their parsers."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from custom_components.camhub.api.errors import (
    AccessDeniedError,
    AuthError,
    ConnectError,
    DeviceError,
    ProtocolError,
)
from custom_components.camhub.api.intercom2n import (
    CallPhase,
    CallStateChanged,
    DeviceState,
    DoorStateChanged,
    InputChanged,
    Intercom2NClient,
    KeyPressed,
    KeyReleased,
    MotionDetected,
    SubscriptionNotFoundError,
    SwitchAction,
    SwitchCaps,
    SwitchMode,
    SwitchPrivilegeError,
    SwitchStateChanged,
    SwitchStatus,
    UnknownEvent,
    call_phase,
    parse_call_status,
    parse_event,
    parse_log_caps,
    parse_pull,
    parse_subscribe,
    parse_switch_caps,
    parse_switch_status,
)
from custom_components.camhub.api.intercom2n import client as client_module
from custom_components.camhub.api.intercom2n.models import as_bool, as_int, result_of
from simulator import Intercom2N, Simulator
from simulator.intercom2n_io import SimSwitch


@pytest.fixture
async def door(socket_enabled: None) -> AsyncIterator[Intercom2N]:
    async with Simulator() as sim:
        yield await sim.add_intercom_2n(
            switches=[SimSwitch(1, "monostable", 0.2), SimSwitch(2, "bistable")]
        )


@pytest.fixture
async def client(door: Intercom2N) -> AsyncIterator[Intercom2NClient]:
    async with aiohttp.ClientSession() as session:
        yield Intercom2NClient(session, door.url, door.username, door.password)


def ok(result: Any) -> dict[str, Any]:
    return {"success": True, "result": result}


# --- the client against the simulator -------------------------------------------------------


async def test_subscribe_pull_and_unsubscribe(client: Intercom2NClient, door: Intercom2N) -> None:
    assert "CallStateChanged" in await client.log_caps()
    sub = await client.log_subscribe(["KeyPressed", "CallStateChanged"], duration=30)
    assert door.log.subscriptions[sub].events == {"KeyPressed", "CallStateChanged"}
    pending = asyncio.create_task(client.log_pull(sub, timeout=10))
    await asyncio.sleep(0.2)
    started = time.monotonic()
    door.ring("1")
    events = await pending
    assert time.monotonic() - started < 1  # answered at the event, not at the timeout
    assert isinstance(events[0], KeyPressed) and events[0].call_button == "1"
    # The pull answered with what was queued at that moment; the rest waits for the next one.
    events += await client.log_pull(sub, timeout=0)
    assert [type(e) for e in events] == [KeyPressed, CallStateChanged, CallStateChanged]
    assert [e.state for e in events if isinstance(e, CallStateChanged)] == [
        "connecting",
        "ringing",
    ]
    await client.log_unsubscribe(sub)
    with pytest.raises(SubscriptionNotFoundError):
        await client.log_pull(sub, timeout=0)
    with pytest.raises(SubscriptionNotFoundError):
        await client.log_unsubscribe(sub)


async def test_a_pull_may_outlast_the_ordinary_request_timeout(
    client: Intercom2NClient, door: Intercom2N
) -> None:
    client.transport.timeout = 0.5  # ordinary requests: half a second
    sub = await client.log_subscribe(["MotionDetected"], duration=30, include="all")
    started = time.monotonic()
    assert await client.log_pull(sub, timeout=1) == []
    assert time.monotonic() - started >= 0.9


async def test_log_arguments_are_checked_before_any_request(client: Intercom2NClient) -> None:
    with pytest.raises(ValueError, match="at least one"):
        await client.log_subscribe([], duration=30)
    with pytest.raises(ValueError, match="duration"):
        await client.log_subscribe(["KeyPressed"], duration=0)
    with pytest.raises(ValueError, match="include"):
        await client.log_subscribe(["KeyPressed"], duration=30, include="-x")
    with pytest.raises(ValueError, match="timeout"):
        await client.log_pull(1, timeout=3601)
    with pytest.raises(ValueError, match="switch"):
        await client.switch_ctrl(0, SwitchAction.ON)


async def test_device_errors_of_the_log_service(client: Intercom2NClient, door: Intercom2N) -> None:
    with pytest.raises(DeviceError) as err:
        await client.log_subscribe(["NoSuchEvent"], duration=30)
    assert not isinstance(err.value, SubscriptionNotFoundError)
    assert (err.value.code, err.value.param) == (12, "filter")
    door.faults.malformed = True
    with pytest.raises(ProtocolError):
        await client.log_caps()
    door.faults.malformed = False
    door.faults.unauthorized = True
    with pytest.raises(AuthError):
        await client.log_pull(1, timeout=0)
    door.faults.unauthorized = False
    await door.stop()
    with pytest.raises(ConnectError):
        await client.log_pull(1, timeout=0)


async def test_a_pull_cut_off_by_a_restart_is_a_connection_error(
    client: Intercom2NClient, door: Intercom2N
) -> None:
    sub = await client.log_subscribe(["MotionDetected"], duration=30)
    pending = asyncio.create_task(client.log_pull(sub, timeout=10))
    await asyncio.sleep(0.2)
    await door.restart(down_for=0.1)
    with pytest.raises(ConnectError):
        await pending
    with pytest.raises(SubscriptionNotFoundError):  # the restarted device forgot it
        await client.log_pull(sub, timeout=0)


async def test_oversized_and_failed_log_answers(
    client: Intercom2NClient, door: Intercom2N, monkeypatch: pytest.MonkeyPatch
) -> None:
    sub = await client.log_subscribe(["MotionDetected"], duration=30)
    for _ in range(5):
        door.motion(True)
    monkeypatch.setattr(client_module, "PULL_BODY_MAX", 200)
    with pytest.raises(ProtocolError, match="exceeds"):
        await client.log_pull(sub, timeout=0)
    door.faults.status = 503
    for request in (client.log_unsubscribe(sub), client.log_pull(sub, timeout=0)):
        with pytest.raises(DeviceError) as err:
            await request
        assert not isinstance(err.value, SubscriptionNotFoundError)


async def test_switches(client: Intercom2NClient, door: Intercom2N) -> None:
    caps = await client.switch_caps()
    assert caps == (
        SwitchCaps(1, True, SwitchMode.MONOSTABLE, 0.2, "normal"),
        SwitchCaps(2, True, SwitchMode.BISTABLE, None, "normal"),
    )
    assert caps[0].monostable and not caps[1].monostable
    await client.switch_ctrl(2, SwitchAction.ON)
    await client.switch_ctrl(1, SwitchAction.TRIGGER)
    assert await client.switch_status() == (
        SwitchStatus(1, True, False, False),
        SwitchStatus(2, True, False, False),
    )
    await asyncio.sleep(0.3)  # the lock release switched itself off
    assert [s.active for s in await client.switch_status()] == [False, True]
    with pytest.raises(DeviceError) as err:
        await client.switch_ctrl(7, SwitchAction.ON)
    assert err.value.param == "switch"


async def test_missing_switch_privileges_are_their_own_error(
    client: Intercom2NClient, door: Intercom2N
) -> None:
    door.privileges.discard("switch_control")
    with pytest.raises(SwitchPrivilegeError) as err:
        await client.switch_ctrl(1, SwitchAction.TRIGGER)
    assert isinstance(err.value, AccessDeniedError)
    assert err.value.translation_key == "switch_privileges"
    door.privileges.discard("switch_monitoring")
    with pytest.raises(SwitchPrivilegeError):
        await client.switch_caps()
    with pytest.raises(SwitchPrivilegeError):
        await client.switch_status()


async def test_call_status(client: Intercom2NClient, door: Intercom2N) -> None:
    assert (await client.call_status()).phase is CallPhase.IDLE
    door.ring()
    status = await client.call_status()
    assert status.phase is CallPhase.RINGING
    assert status.sessions[0].peer == door.calls.peer
    door.calls.answer()
    assert (await client.call_status()).phase is CallPhase.CONNECTED
    door.privileges.discard("call_monitoring")
    with pytest.raises(AccessDeniedError):
        await client.call_status()


# --- parsers --------------------------------------------------------------------------------


def record(event: str, **params: Any) -> dict[str, Any]:
    return {"id": 7, "utcTime": 1000, "upTime": 40, "event": event, "params": params}


def test_each_log_event_becomes_its_type() -> None:
    assert parse_event(record("KeyPressed", key="%2")) == KeyPressed(7, 1000, 40, "%2")
    assert parse_event(record("KeyPressed", key=5)) == KeyPressed(7, 1000, 40, "5")
    assert KeyPressed(1, None, None, "5").call_button is None
    assert parse_event(record("KeyReleased", key="#")) == KeyReleased(7, 1000, 40, "#")
    call = parse_event(record("CallStateChanged", state="ringing", peer="sip:1@x", session=3))
    assert call == CallStateChanged(7, 1000, 40, "ringing", "outgoing", "sip:1@x", 3, None)
    assert parse_event(record("MotionDetected", state="in")) == MotionDetected(7, 1000, 40, True)
    assert parse_event(record("MotionDetected", state="out")) == MotionDetected(7, 1000, 40, False)
    assert parse_event(record("SwitchStateChanged", switch=2, state=True)) == SwitchStateChanged(
        7, 1000, 40, 2, True
    )
    assert parse_event(record("DoorStateChanged", state="opened")) == DoorStateChanged(
        7, 1000, 40, True
    )
    assert parse_event(record("DoorStateChanged", state=False)) == DoorStateChanged(
        7, 1000, 40, False
    )
    assert parse_event(record("InputChanged", port="input1", state=False)) == InputChanged(
        7, 1000, 40, "input1", False
    )
    startup = parse_event(record("DeviceState", state="startup"))
    assert startup == DeviceState(7, 1000, 40, "startup")
    assert startup.name == "DeviceState" and startup.boot == 960


def test_records_that_do_not_read_are_kept_as_unknown_events() -> None:
    other = parse_event(record("CardEntered", uid="AB", nested={"a": 1}))
    assert isinstance(other, UnknownEvent)
    assert other.name == "CardEntered"
    assert other.params == {"uid": "AB", "nested": "{'a': 1}"}
    bad = parse_event(record("SwitchStateChanged", switch="one", state=True))
    assert isinstance(bad, UnknownEvent) and bad.params["switch"] == "one"
    no_params = parse_event({"id": 1, "event": "KeyPressed", "utcTime": "soon"})
    assert isinstance(no_params, UnknownEvent)
    assert no_params.params == {} and no_params.utc_time is None and no_params.boot is None
    for broken in ("x", {"event": "KeyPressed"}, {"id": 1}, {"id": True, "event": "X"}):
        with pytest.raises(ProtocolError):
            parse_event(broken)


def test_pull_subscribe_and_caps_envelopes() -> None:
    events = parse_pull(ok({"events": [record("KeyPressed", key="1"), record("X")]}))
    assert [e.name for e in events] == ["KeyPressed", "X"]
    assert parse_pull(ok({"events": []})) == []
    for broken in (ok({}), ok({"events": ["x"]}), {"success": True}, [1]):
        with pytest.raises(ProtocolError):
            parse_pull(broken)
    with pytest.raises(DeviceError) as err:
        parse_pull({"success": False, "error": {"code": 12, "param": "id"}})
    assert (err.value.code, err.value.param) == (12, "id")
    assert parse_subscribe(ok({"id": 42})) == 42
    with pytest.raises(ProtocolError):
        parse_subscribe(ok({"id": "x"}))
    assert parse_log_caps(ok({"events": ["KeyPressed", 3, ""]})) == ("KeyPressed",)
    with pytest.raises(ProtocolError):
        parse_log_caps(ok({}))
    assert result_of({"success": True}, allow_empty=True) == {}
    with pytest.raises(ProtocolError):
        result_of({"success": True})


def test_switch_parsers() -> None:
    caps = parse_switch_caps(
        ok({"switches": [{"switch": "1", "enabled": "true", "mode": "pulse"}, {"switch": 2}]})
    )
    assert caps == (SwitchCaps(1, True, None, None, None), SwitchCaps(2, False, None, None, None))
    for item in (
        {"switch": None, "enabled": True},
        {"switch": 1, "enabled": "maybe"},
        {"switch": 1, "mode": 3},
        {"switch": 1, "switchOnDuration": "5"},
        {"switch": 1, "switchOnDuration": True},
    ):
        with pytest.raises(ProtocolError):
            parse_switch_caps(ok({"switches": [item]}))
    assert parse_switch_status(ok({"switches": [{"switch": 1, "active": 1}]})) == (
        SwitchStatus(1, True, False, False),
    )
    with pytest.raises(ProtocolError):
        parse_switch_status(ok({"switches": [{"switch": 1}]}))
    with pytest.raises(ProtocolError):
        parse_switch_status(ok({"switches": {}}))


def test_call_parsers_and_phases() -> None:
    status = parse_call_status(
        ok(
            {
                "sessions": [
                    {"session": 1, "state": "ringing", "calls": [{"peer": "sip:a"}]},
                    {"session": 2, "direction": "incoming", "state": "connected", "calls": []},
                ]
            }
        )
    )
    assert status.phase is CallPhase.CONNECTED
    assert [(s.direction, s.peer) for s in status.sessions] == [
        ("outgoing", "sip:a"),
        ("incoming", None),
    ]
    assert parse_call_status(ok({"sessions": []})).phase is CallPhase.IDLE
    with pytest.raises(ProtocolError):
        parse_call_status(ok({"sessions": [{"session": 1}]}))
    assert [call_phase(s) for s in ("connecting", "holding", "terminated", "odd")] == [
        CallPhase.RINGING,
        CallPhase.CONNECTED,
        CallPhase.IDLE,
        CallPhase.IDLE,
    ]


def test_scalar_readers() -> None:
    assert [as_bool(v, "x") for v in (True, "false", "1", 0)] == [True, False, True, False]
    assert as_int(" 12 ", "x") == 12
    for value in (None, 2, "yes"):
        with pytest.raises(ProtocolError):
            as_bool(value, "x")
    for value in (True, 1.5, "-3"):
        with pytest.raises(ProtocolError):
            as_int(value, "x")
