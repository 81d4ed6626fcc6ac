"""CamStreamer broadcast events: `automationState` and `CS_API_*` parsed, and what happened.

The parser part: `StreamState` keeps `automationState` and says whether it came as init data;
`CS_API_SUCCESS` / `CS_API_ERROR` (documented by the app, and with `code` in the vendor's own
client library) become `ApiMessageEvent`s. The tracker part: `BroadcastTracker` turns a
session's messages into started / stopped / failed, never from a snapshot or a repeat;
hypothesis checks that against a plain model of the rules for any message sequence.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custom_components.camhub.api.camstreamer import (
    ApiMessageEvent,
    AxisInfo,
    AxisState,
    BroadcastTracker,
    Stream,
    StreamStateEvent,
    apply_event,
    is_unknown_item,
    parse_events,
)
from custom_components.camhub.api.camstreamer.broadcasts import is_running
from custom_components.camhub.api.errors import ProtocolError

PROPERTIES = settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)


def _ss(
    sid: str = "11",
    streaming: bool | None = True,
    *,
    enabled: bool = True,
    active: bool = True,
    automation: bool | None = True,
    init: bool = False,
) -> StreamStateEvent:
    return StreamStateEvent(sid, enabled, active, streaming, automation, init)


def _error(message: str = "The YouTube broadcast ended", sid: str = "11") -> ApiMessageEvent:
    return ApiMessageEvent(sid, False, "startBroadcast", message, "ERR_STREAM")


# --- parsing ----------------------------------------------------------------------------------


def test_stream_state_keeps_automation_state_and_init() -> None:
    old = {"type": "StreamState", "streamID": "7", "enabled": 1, "active": 1}
    assert parse_events("camstreamer", {**old, "automationState": 0}) == [
        StreamStateEvent("7", True, True, None, automation_state=False)
    ]
    new = {"type": "StreamState", "streamId": 7, "enabled": True, "active": True}
    assert parse_events("camstreamer", {**new, "automationState": True}) == [
        StreamStateEvent("7", True, True, None, automation_state=True)
    ]
    # An odd automationState is unknown; the stream state itself still counts.
    assert parse_events("camstreamer", {**new, "automationState": 2}) == [
        StreamStateEvent("7", True, True, None)
    ]
    wrapped = parse_events("camstreamer", [{"type": "init", "data": [new]}, new])
    assert [e.init for e in wrapped if isinstance(e, StreamStateEvent)] == [True, False]


def test_api_messages_both_kinds() -> None:
    """The docs' CS_API_SUCCESS, and CS_API_ERROR with its code (text or number)."""
    success = {
        "type": "CS_API_SUCCESS",
        "streamID": "117930",
        "apiCall": "startBroadcast",
        "message": "Broadcast started.",
    }
    assert parse_events("camstreamer", success) == [
        ApiMessageEvent("117930", True, "startBroadcast", "Broadcast started.")
    ]
    error = {**success, "type": "CS_API_ERROR", "streamId": "api_1", "code": 403}
    error["message"] = "Live streaming is not enabled"
    assert parse_events("camstreamer", {"type": "init", "data": error}) == [
        ApiMessageEvent("api_1", False, "startBroadcast", "Live streaming is not enabled", "403")
    ]
    bare = parse_events("camstreamer", {"type": "CS_API_ERROR", "streamId": "1", "code": True})
    assert bare == [ApiMessageEvent("1", False, None, None, None)]
    # Another app's socket never carries them.
    assert parse_events("camswitcher", success) == []


@pytest.mark.parametrize(
    "message",
    [
        {"type": "CS_API_SUCCESS", "message": "no stream"},
        {"type": "CS_API_ERROR", "streamId": ""},
        {"type": "CS_API_ERROR", "streamId": True},
        {"type": "CS_API_SUCCESS", "streamID": {"id": 1}},
        {"type": "StreamState", "streamId": 1.5, "enabled": 1, "active": 1},
    ],
)
def test_api_messages_without_a_stream_are_protocol_errors(message: dict[str, Any]) -> None:
    with pytest.raises(ProtocolError):
        parse_events("camstreamer", message)


def test_apply_event_keeps_automation_state_and_ignores_api_messages() -> None:
    state = AxisState(
        info=AxisInfo("ACCC8E000001", "M1065-L", "AXIS M1065-L"),
        apps={},
        streams={"11": Stream("11", "Sunday mass", False, True)},
    )
    after = apply_event(state, _ss(automation=False))
    assert after.streams is not None and after.streams["11"].automation_state is False
    assert apply_event(state, _error()) is state
    assert not is_unknown_item(state, _error())
    assert is_unknown_item(state, _error(sid="99"))


# --- what happened ----------------------------------------------------------------------------


def kinds(tracker: BroadcastTracker, sid: str = "11") -> list[str]:
    return [e.kind for e in tracker.events.get(sid, ())]


def test_started_stopped_and_a_failure_by_stream_state() -> None:
    tracker = BroadcastTracker()
    assert tracker.observe(_ss(streaming=False, enabled=False)) is None  # baseline
    assert tracker.observe(_ss(streaming=False, enabled=False)) is None  # a repeat
    started = tracker.observe(_ss())
    assert started is not None and (started.seq, started.kind) == (1, "started")
    assert tracker.observe(_ss()) is None
    assert tracker.observe(_ss(streaming=False, enabled=False)) is not None  # switched off
    tracker.observe(_ss())
    assert tracker.observe(_ss(streaming=False, active=False)) is not None  # paused
    tracker.observe(_ss())
    assert tracker.observe(_ss(streaming=False, automation=False)) is not None  # schedule over
    tracker.observe(_ss())
    lost = tracker.observe(_ss(streaming=False))  # enabled, active, automation on: lost
    assert lost is not None and lost.kind == "failed" and lost.message is None
    assert tracker.observe(_ss(streaming=False)) is None
    assert kinds(tracker) == [
        "started", "stopped", "started", "stopped", "started", "stopped", "started", "failed"
    ]  # fmt: skip
    assert [e.seq for e in tracker.events["11"]] == list(range(1, 9))


def test_an_api_error_is_a_failure_with_the_apps_words() -> None:
    tracker = BroadcastTracker()
    tracker.observe(_ss())
    failed = tracker.observe(_error("Stream key is invalid"))
    assert failed is not None and failed.kind == "failed"
    assert (failed.message, failed.api_call, failed.code) == (
        "Stream key is invalid",
        "startBroadcast",
        "ERR_STREAM",
    )
    assert tracker.observe(_ss(streaming=False)) is None  # the drop the error announced
    assert tracker.observe(_error("Stream key is invalid")) is None  # the app retrying
    assert tracker.observe(_error("Quota exceeded")) is not None  # news
    tracker.observe(_ss(streaming=False, enabled=False))  # switched off: nothing ran
    assert tracker.observe(_error("Quota exceeded")) is not None  # a new attempt's failure
    assert kinds(tracker) == ["failed", "failed", "failed"]


def test_success_messages_ride_on_the_next_start_or_stop() -> None:
    tracker = BroadcastTracker()
    tracker.observe(_ss(streaming=False, enabled=False))
    ok = ApiMessageEvent("11", True, "startBroadcast", "Broadcast started.")
    assert tracker.observe(ok) is None
    started = tracker.observe(_ss())
    assert started is not None and started.message == "Broadcast started."
    assert started.api_call == "startBroadcast" and started.code is None
    tracker.observe(ApiMessageEvent("11", True, "createBroadcast", "Broadcast created."))
    lost = tracker.observe(_ss(streaming=False))
    assert lost is not None and lost.kind == "failed" and lost.message is None
    tracker.observe(_ss())
    stopped = tracker.observe(_ss(streaming=False, enabled=False))
    assert stopped is not None and stopped.message is None  # consumed by nothing since


def test_snapshots_fire_nothing() -> None:
    """After a reconnection the init data is a baseline, even if the stream changed."""
    tracker = BroadcastTracker()
    tracker.observe(_ss(streaming=False))
    tracker.observe(_ss())
    tracker.new_session()
    assert tracker.observe(_ss(streaming=False, enabled=False)) is None  # changed meanwhile
    assert tracker.observe(_ss(streaming=True, init=True)) is None  # sendInitData
    assert tracker.observe(_ss(streaming=False, enabled=False)) is not None
    assert kinds(tracker) == ["started", "stopped"]


def test_bounded_and_forgotten() -> None:
    tracker = BroadcastTracker(kept=3)
    tracker.observe(_ss(streaming=False, sid="12"))
    tracker.observe(_ss(streaming=False))
    for _ in range(5):
        tracker.observe(_ss())
        tracker.observe(_ss(streaming=False, enabled=False))
    tracker.observe(_ss(sid="12"))
    assert [e.seq for e in tracker.events["11"]] == [8, 9, 10]
    assert len(tracker.events["12"]) == 1
    tracker.keep_only(["12"])
    assert list(tracker.events) == ["12"]
    assert tracker.observe(_ss(streaming=False)) is None  # "11" has no baseline any more


# --- properties -------------------------------------------------------------------------------

STREAM_STATES = st.builds(
    _ss,
    sid=st.sampled_from(["11", "12"]),
    streaming=st.none() | st.booleans(),
    enabled=st.booleans(),
    active=st.booleans(),
    automation=st.none() | st.booleans(),
    init=st.booleans(),
)
API_MESSAGES = st.builds(
    ApiMessageEvent,
    stream_id=st.sampled_from(["11", "12"]),
    ok=st.booleans(),
    api_call=st.none() | st.sampled_from(["startBroadcast", "stopBroadcast"]),
    message=st.none() | st.sampled_from(["Broadcast started.", "Quota exceeded"]),
    code=st.none() | st.just("ERR"),
)
SESSIONS = st.lists(st.lists(STREAM_STATES | API_MESSAGES, max_size=25), min_size=1, max_size=4)


@PROPERTIES
@given(SESSIONS)
def test_events_follow_real_changes_only(sessions: list[list[Any]]) -> None:
    """Each started is a rise of streaming, each stopped or lost-stream failure a fall,
    within one session and outside init data; seqs grow by one; each stream keeps 8."""
    tracker = BroadcastTracker()
    fired: list[tuple[str, str]] = []
    expected_edges: list[tuple[str, str]] = []
    last_seq = 0
    for session in sessions:
        tracker.new_session()
        running: dict[str, bool] = {}
        for message in session:
            event = tracker.observe(message)
            if event is not None:
                assert event.seq == last_seq + 1
                last_seq = event.seq
                fired.append((message.stream_id, event.kind))
            if isinstance(message, ApiMessageEvent):
                assert event is None or (not message.ok and event.kind == "failed")
                continue
            now, was = is_running(message), running.get(message.stream_id)
            running[message.stream_id] = now
            if message.init or was is None or now == was:
                assert event is None  # a snapshot, a baseline or a repeat
            elif now:
                assert event is not None and event.kind == "started"
                expected_edges.append((message.stream_id, "started"))
            elif event is not None:
                assert event.kind in ("stopped", "failed")
    for sid in ("11", "12"):
        assert len(tracker.events.get(sid, ())) <= 8
        seqs = [e.seq for e in tracker.events.get(sid, ())]
        assert seqs == sorted(seqs)
    assert [f for f in fired if f[1] == "started"] == expected_edges


@PROPERTIES
@given(st.lists(STREAM_STATES, min_size=1, max_size=20), st.booleans())
def test_the_same_snapshot_again_fires_nothing(
    history: list[StreamStateEvent], wrapped: bool
) -> None:
    """A reconnection's init data (each stream's last state), bare or wrapped, fires nothing,
    and neither does the same snapshot sent twice."""
    tracker = BroadcastTracker()
    for message in history:
        tracker.observe(message)
    before = tracker.events
    snapshot = [
        StreamStateEvent(
            m.stream_id, m.enabled, m.active, m.is_streaming, m.automation_state, wrapped
        )
        for m in {m.stream_id: m for m in history}.values()
    ]
    tracker.new_session()
    assert [tracker.observe(m) for m in snapshot] == [None] * len(snapshot)
    assert [tracker.observe(m) for m in snapshot] == [None] * len(snapshot)
    assert tracker.events == before
