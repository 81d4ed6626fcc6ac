"""Broadcast events: a CamStreamer stream's StreamState messages turned into what happened.

The app says how each stream *is* (`StreamState`: enabled, active, `automationState`,
`isStreaming`) on every change and in the init data after each (re)connection, and what its
calls to a platform's API did (`CS_API_SUCCESS`, `CS_API_ERROR`). Automations want what
*happened*: a broadcast started, stopped, or failed. `BroadcastTracker` derives that from
consecutive messages of one event-socket session, so:

- the first `StreamState` of a stream in a session (and any in init data) is only a
  baseline: a reconnection's snapshot fires nothing, even if the stream changed meanwhile;
- a repeated `StreamState` with the same streaming state fires nothing;
- `isStreaming` rising is `started`; falling is `stopped` when the stream was switched off,
  paused or its automation (trigger) ended, and `failed` when it should still run (enabled,
  active, automation on);
- `CS_API_ERROR` is `failed`, with the app's message, call and code; a failure already
  reported (the same message again, or the stream dropping after the error) fires once;
- `CS_API_SUCCESS` is no event of its own: its message and call ride on the stream's next
  `started` / `stopped` (the app reports the call before the stream state it leads to).

Each event gets the camera's next `seq` (never reused, so an event entity fires each once)
and a stream keeps its last `BROADCAST_EVENTS_KEPT`. No I/O and no Home Assistant here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .models import ApiMessageEvent, BroadcastEvent, BroadcastKind, Event, StreamStateEvent

BROADCAST_EVENTS_KEPT = 8


@dataclass(slots=True)
class _Seen:
    """What one session said about a stream so far."""

    running: bool | None = None  # None: no StreamState yet in this session (no baseline)
    failed: str | None = None  # the failure reported since it last ran ("" without message)
    pending: ApiMessageEvent | None = None  # a CS_API_SUCCESS for the next started/stopped


def is_running(event: StreamStateEvent) -> bool:
    """Streaming, by `isStreaming`, or (apps that omit it) by what should make it stream."""
    if event.is_streaming is not None:
        return event.is_streaming
    return _expected(event)


def _expected(event: StreamStateEvent) -> bool:
    """The stream should stream: enabled, active, and its automation allows it (or unknown)."""
    return event.enabled and event.active and event.automation_state is not False


class BroadcastTracker:
    """One camera's broadcast events, per stream, derived from its CamStreamer messages."""

    def __init__(self, kept: int = BROADCAST_EVENTS_KEPT) -> None:
        """No events; the first session starts with baselines."""
        self.kept = kept
        self.seq = 0
        self.events: dict[str, tuple[BroadcastEvent, ...]] = {}
        self._seen: dict[str, _Seen] = {}

    def new_session(self) -> None:
        """The event socket (re)connected or closed: what comes next is a snapshot."""
        self._seen.clear()

    def keep_only(self, stream_ids: Iterable[str]) -> None:
        """Forget streams the camera no longer lists (their entities are gone)."""
        keep = set(stream_ids)
        self._seen = {sid: seen for sid, seen in self._seen.items() if sid in keep}
        self.events = {sid: events for sid, events in self.events.items() if sid in keep}

    def observe(self, event: Event) -> BroadcastEvent | None:
        """Take the next message of the session; the broadcast event it makes, if any."""
        if isinstance(event, StreamStateEvent):
            return self._stream_state(event)
        if isinstance(event, ApiMessageEvent):
            return self._api_message(event)
        return None

    def _stream_state(self, event: StreamStateEvent) -> BroadcastEvent | None:
        seen = self._seen.setdefault(event.stream_id, _Seen())
        running, was = is_running(event), seen.running
        seen.running = running
        if not _expected(event):
            seen.failed = None  # switched off or paused: a later failure is news again
        if event.init or was is None or running == was:
            return None
        if running:
            seen.failed = None
            return self._add(event.stream_id, "started", seen)
        if not _expected(event):
            return self._add(event.stream_id, "stopped", seen)
        if seen.failed is not None:
            return None  # the app's error said so already
        seen.failed, seen.pending = "", None  # a success message does not explain a failure
        return self._add(event.stream_id, "failed", seen)

    def _api_message(self, event: ApiMessageEvent) -> BroadcastEvent | None:
        seen = self._seen.setdefault(event.stream_id, _Seen())
        if event.ok:
            seen.pending = event
            return None
        if seen.failed is not None and seen.failed == (event.message or ""):
            return None  # the app retrying the same failing call
        seen.failed = event.message or ""
        seen.pending = event
        return self._add(event.stream_id, "failed", seen)

    def _add(self, stream_id: str, kind: BroadcastKind, seen: _Seen) -> BroadcastEvent:
        message, seen.pending = seen.pending, None
        self.seq += 1
        found = BroadcastEvent(
            self.seq,
            kind,
            message=message.message if message else None,
            api_call=message.api_call if message else None,
            code=message.code if message else None,
        )
        kept = (*self.events.get(stream_id, ()), found)[-self.kept :]
        self.events = {**self.events, stream_id: kept}
        return found
