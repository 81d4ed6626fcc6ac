"""`EventReducer`: 2N log events -> call phase, motion, door, switches, inputs, and rings."""

from __future__ import annotations

from custom_components.camhub.api.intercom2n import (
    CallPhase,
    CallSession,
    CallStateChanged,
    CallStatus,
    DeviceState,
    DoorStateChanged,
    EventReducer,
    InputChanged,
    IntercomState,
    KeyPressed,
    KeyReleased,
    MotionDetected,
    Ring,
    SwitchStateChanged,
    SwitchStatus,
    UnknownEvent,
)

PEER = "sip:reception@127.0.0.1"


def call(
    event_id: int, state: str, session: int = 1, direction: str = "outgoing"
) -> CallStateChanged:
    return CallStateChanged(event_id, 1000 + event_id, 50, state, direction, PEER, session, session)


def test_a_button_press_and_the_call_it_starts_is_one_ring() -> None:
    reducer = EventReducer()
    assert reducer.apply(KeyPressed(1, 1001, 50, "%2")) is None
    assert reducer.apply(KeyReleased(2, 1001, 50, "%2")) is None
    ring = reducer.apply(call(3, "connecting"))
    assert ring == Ring(3, 1003, "2", PEER, 1)
    assert reducer.apply(call(4, "ringing")) is None  # the same call: no second ring
    assert reducer.state.call is CallPhase.RINGING
    assert reducer.state.call_peer == PEER
    assert reducer.state.last_ring == ring
    assert reducer.apply(call(5, "connected")) is None
    assert reducer.state.call is CallPhase.CONNECTED
    assert reducer.apply(call(6, "terminated")) is None
    assert reducer.state.call is CallPhase.IDLE and reducer.state.call_peer is None
    # A number dialled on the keypad rings too, without a button.
    reducer.apply(KeyPressed(7, 1007, 50, "5"))
    assert reducer.apply(call(8, "ringing", session=2)) == Ring(8, 1008, None, PEER, 2)


def test_calls_to_the_intercom_do_not_ring_the_doorbell() -> None:
    reducer = EventReducer()
    assert reducer.apply(call(1, "ringing", direction="incoming")) is None
    assert reducer.state.call is CallPhase.RINGING
    assert reducer.apply(call(2, "ringing", direction="incoming")) is None


def test_the_busiest_call_decides_the_phase() -> None:
    reducer = EventReducer()
    reducer.apply(call(1, "connected", session=1))
    reducer.apply(call(2, "ringing", session=2))
    assert reducer.state.call is CallPhase.CONNECTED
    reducer.apply(call(3, "terminated", session=1))
    assert reducer.state.call is CallPhase.RINGING


def test_motion_door_switches_and_inputs() -> None:
    reducer = EventReducer()
    assert reducer.state == IntercomState()
    for event in (
        MotionDetected(1, None, None, True),
        DoorStateChanged(2, None, None, True),
        SwitchStateChanged(3, None, None, 1, True),
        SwitchStateChanged(4, None, None, 2, False),
        InputChanged(5, None, None, "input1", True),
        UnknownEvent(6, None, None, "CardEntered", {}),
    ):
        assert reducer.apply(event) is None
    state = reducer.state
    assert (state.motion, state.door_open) == (True, True)
    assert dict(state.switches) == {1: True, 2: False}
    assert dict(state.inputs) == {"input1": True}


def test_seeded_from_the_device_and_a_restart_ends_the_calls() -> None:
    reducer = EventReducer()
    status = CallStatus(
        (
            CallSession(4, "outgoing", "ringing", PEER),
            CallSession(5, "outgoing", "terminated", None),
        )
    )
    state = reducer.seed(status, [SwitchStatus(1, True, False, False)])
    assert state.call is CallPhase.RINGING and dict(state.switches) == {1: True}
    # The log's record of that call starting still is its ring (the seed came after it).
    assert reducer.apply(call(9, "ringing", session=4)) == Ring(9, 1009, None, PEER, 4)
    assert reducer.apply(call(10, "ringing", session=4)) is None
    assert reducer.seed() is reducer.state  # nothing read: nothing changes
    reducer.apply(DeviceState(1, None, None, "startup"))
    assert reducer.state.call is CallPhase.IDLE
    reducer.apply(DeviceState(2, None, None, "shutdown"))
    assert reducer.state.call is CallPhase.IDLE
