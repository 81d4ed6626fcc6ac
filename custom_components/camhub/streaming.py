"""FrameHub: one upstream connection per video source, shared by every viewer.

Home Assistant calls a camera's `handle_async_mjpeg_stream` once per viewer (each dashboard
card, each browser tab). The core MJPEG cameras open a new upstream for each; CamHub opens one
per source however many viewers there are, and hands every viewer the same `bytes` object.

How it works:
- The hub keeps one slot, the newest frame, with a sequence number. Memory is one frame per
  source, not per viewer.
- Fan-out (the fast path, `stream_to`): a viewer whose HTTP response is a plain chunked byte
  stream hands the hub its transport. On every frame the hub builds the bytes on the wire
  once (multipart part and HTTP/1.1 chunk framing, `wire_bytes`) and writes that one object
  to every such viewer's transport in one synchronous loop: per extra viewer the cost is one
  `transport.write`, with no coroutine woken, no timer and no copy. Backpressure is per
  viewer: a transport whose buffer is above `HIGH_WATER` skips the frame (it never queues
  frames), so a slow viewer never slows the others; a closing transport unsubscribes.
- Fallback (`subscribe`): an async iterator per viewer that waits on an `asyncio.Event`
  replaced on every frame and yields the newest frame, skipping what it missed.
- The upstream task starts with the first viewer, stops `grace` seconds after the last one
  leaves (a page reload does not reconnect the camera), and on any failure reconnects with
  capped exponential backoff while viewers stay connected: their picture pauses, it never
  freezes for good. A frame watchdog makes "bytes but no frames" (a wrong boundary, JPEGs
  without delimiters) a failure too: no frame within `frame_timeout()` seconds reconnects.
- `fresh_frame(max_age)` lets snapshots reuse the newest frame instead of asking the device.

This module has no Home Assistant import; the integration passes a task factory so the
upstream task belongs to the config entry.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from typing import Any

from .api.errors import ConnectError, ProtocolError

_LOGGER = logging.getLogger(__name__)

FrameSource = Callable[[], AsyncIterator[bytes]]
"""Opens a new upstream and yields JPEG frames until it fails or ends."""

TaskFactory = Callable[[Coroutine[Any, Any, None], str], "asyncio.Task[None]"]

BOUNDARY = b"camhubframe"
FIRST_PART = b"--" + BOUNDARY + b"\r\nContent-Type: image/jpeg\r\nContent-Length: %d\r\n\r\n"
NEXT_PART = b"\r\n" + FIRST_PART

HIGH_WATER = 64 * 1024
"""Bytes a viewer's transport may hold unsent before it skips frames (asyncio's default
high-water mark): about ten 640x480 frames, one large one."""

FRAME_WATCHDOG_MIN = 10.0
"""Seconds without a frame after which an upstream counts as failed, however fast the
source's nominal rate (a read stall is caught by the client's own timeout; this catches a
stream whose bytes carry no frame)."""
FRAME_WATCHDOG_INTERVALS = 4.0
"""A slow source (stills every few seconds) gets this many of its intervals instead."""


def frame_timeout(frame_interval: float | None) -> float:
    """How long the watchdog waits for a frame from a source with this nominal interval."""
    return max(FRAME_WATCHDOG_MIN, FRAME_WATCHDOG_INTERVALS * (frame_interval or 0.0))


def wire_bytes(data: bytes) -> bytes:
    """A frame as it goes on an HTTP/1.1 chunked MJPEG response, after the first part.

    One chunk holding one multipart part: built once per frame, written to every viewer.
    """
    part = NEXT_PART % len(data)
    return b"".join((b"%x\r\n" % (len(part) + len(data)), part, data, b"\r\n"))


@dataclass(frozen=True, slots=True)
class Frame:
    """One JPEG frame as received, with when it arrived (monotonic) and its number."""

    data: bytes
    received: float
    seq: int


@dataclass(slots=True)
class HubStats:
    """Counters for diagnostics and benchmarks."""

    upstream_connects: int = 0
    upstream_failures: int = 0
    frames_in: int = 0
    wire_writes: int = 0
    wire_skipped: int = 0


class WireViewer:
    """A viewer the hub writes to directly: its transport, and a future for when it is gone."""

    __slots__ = ("gone", "last_seq", "transport")

    def __init__(self, transport: asyncio.WriteTransport, last_seq: int) -> None:
        """Take over writing to `transport` after the frame numbered `last_seq`."""
        self.transport = transport
        self.last_seq = last_seq
        self.gone: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def offer(self, frame: Frame, wire: bytes, stats: HubStats) -> bool:
        """Write the frame unless the viewer is behind; False once the viewer has gone."""
        transport = self.transport
        if transport.is_closing():
            self.close()
            return False
        if transport.get_write_buffer_size() > HIGH_WATER:
            stats.wire_skipped += 1  # behind: skip this frame, the next may fit
            return True
        transport.write(wire)
        self.last_seq = frame.seq
        stats.wire_writes += 1
        return True

    def close(self) -> None:
        """Release whoever waits in `FrameHub.stream_to`."""
        if not self.gone.done():
            self.gone.set_result(None)


def _default_task_factory(coro: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None]:
    return asyncio.get_running_loop().create_task(coro, name=name)


class FrameHub:
    """Fan-out of one video source to any number of viewers."""

    def __init__(
        self,
        name: str,
        source: FrameSource,
        *,
        grace: float = 5.0,
        min_backoff: float = 0.5,
        max_backoff: float = 30.0,
        frame_interval: float | None = None,
        task_factory: TaskFactory | None = None,
        on_connection: Callable[[bool], None] | None = None,
    ) -> None:
        """Describe the source; nothing connects until the first viewer subscribes."""
        self.name = name
        self.stats = HubStats()
        self._source = source
        self._grace = grace
        self._min_backoff = min_backoff
        self._max_backoff = max_backoff
        self._frame_interval = frame_interval
        self._task_factory = task_factory or _default_task_factory
        self._on_connection = on_connection
        self._latest: Frame | None = None
        self._wire: tuple[Frame, bytes] | None = None
        self._new_frame = asyncio.Event()
        self._wire_viewers: dict[WireViewer, None] = {}
        self._viewers = 0
        self._task: asyncio.Task[None] | None = None
        self._stop_handle: asyncio.TimerHandle | None = None
        self._connected = False
        self._failing = False
        self._failures = 0
        self._closed = False

    @property
    def latest(self) -> Frame | None:
        """The newest frame received, however old."""
        return self._latest

    @property
    def connected(self) -> bool:
        """Whether the upstream is delivering frames right now."""
        return self._connected

    @property
    def viewers(self) -> int:
        """How many viewers are subscribed."""
        return self._viewers

    @property
    def wire_viewers(self) -> int:
        """How many of them the hub writes to directly."""
        return len(self._wire_viewers)

    @property
    def closed(self) -> bool:
        """Whether the hub has stopped for good (its entry unloaded)."""
        return self._closed

    @property
    def running(self) -> bool:
        """Whether the upstream task is alive (connected or reconnecting)."""
        return self._task is not None and not self._task.done()

    def fresh_frame(self, max_age: float) -> bytes | None:
        """The newest frame if it arrived within `max_age` seconds, else None."""
        frame = self._latest
        if frame is None or time.monotonic() - frame.received > max_age:
            return None
        return frame.data

    def wire_for(self, frame: Frame) -> bytes:
        """`wire_bytes` of a frame, built once however many viewers write it."""
        cached = self._wire
        if cached is None or cached[0] is not frame:
            cached = self._wire = (frame, wire_bytes(frame.data))
        return cached[1]

    @asynccontextmanager
    async def viewing(self) -> AsyncIterator[None]:
        """Count as a viewer for the block: the upstream runs while anyone views."""
        if self._closed:
            raise ConnectError(f"{self.name}: stream closed")
        self._viewers += 1
        self._cancel_stop()
        self._ensure_running()
        try:
            yield
        finally:
            self._viewers -= 1
            if self._viewers == 0 and not self._closed:
                loop = asyncio.get_running_loop()
                self._stop_handle = loop.call_later(self._grace, self._stop_if_idle)

    @asynccontextmanager
    async def subscribe(
        self, heartbeat: float | None = None
    ) -> AsyncIterator[AsyncIterator[bytes | None]]:
        """Become a viewer: yields an iterator of the newest frames until the block exits.

        With `heartbeat`, the iterator yields None after that many seconds without a frame,
        so a viewer whose upstream is down can still notice that its own client has gone.
        """
        async with self.viewing():
            yield self._frames(heartbeat)

    def start_seq(self) -> int:
        """The frame number a new viewer starts after.

        A frame younger than one backoff step is as good as a new one for a new viewer: the
        picture appears at once instead of after the next frame.
        """
        frame = self._latest
        if frame is None:
            return -1
        if time.monotonic() - frame.received > self._min_backoff * 4:
            return frame.seq
        return frame.seq - 1

    async def next_frame(self, after: int, within: float | None) -> Frame | None:
        """The newest frame numbered above `after`; None if none comes `within` seconds."""
        frame = self._latest
        if frame is not None and frame.seq > after:
            return frame
        try:
            async with asyncio.timeout(within):
                while True:
                    await self._new_frame.wait()
                    frame = self._latest
                    if frame is not None and frame.seq > after:
                        return frame
        except TimeoutError:
            return None

    async def _frames(self, heartbeat: float | None) -> AsyncIterator[bytes | None]:
        last_seq = self.start_seq()
        while True:
            frame = await self.next_frame(last_seq, heartbeat)
            if frame is None:
                yield None
                continue
            last_seq = frame.seq
            yield frame.data

    async def stream_to(
        self, transport: asyncio.WriteTransport, after: int, heartbeat: float
    ) -> None:
        """Write every frame after number `after` to `transport` until it closes.

        The caller has written the response's headers and first part (and counts as a viewer
        through `viewing`). Returns when the transport closes, the hub closes, or, checked
        every `heartbeat` seconds while no frame comes, the client has gone.
        """
        viewer = WireViewer(transport, after)
        self._wire_viewers[viewer] = None
        try:
            frame = self._latest  # a frame may have come while the first part was written
            if frame is not None and frame.seq > after:
                viewer.offer(frame, self.wire_for(frame), self.stats)
            while not self._closed and not viewer.gone.done():
                await asyncio.wait((viewer.gone,), timeout=heartbeat)
                if transport.is_closing():
                    break
        finally:
            self._wire_viewers.pop(viewer, None)

    def _publish(self, data: bytes) -> None:
        seq = self._latest.seq + 1 if self._latest else 0
        frame = self._latest = Frame(data, time.monotonic(), seq)
        self.stats.frames_in += 1
        event, self._new_frame = self._new_frame, asyncio.Event()
        event.set()
        if self._wire_viewers:
            self._fan_out(frame)

    def _fan_out(self, frame: Frame) -> None:
        """One synchronous loop: the same bytes to every direct viewer, none awaited."""
        wire = self.wire_for(frame)
        stats = self.stats
        gone = [v for v in self._wire_viewers if not v.offer(frame, wire, stats)]
        for viewer in gone:
            self._wire_viewers.pop(viewer, None)

    def _ensure_running(self) -> None:
        if not self.running:
            self._task = self._task_factory(self._run(), f"camhub frames {self.name}")

    def _cancel_stop(self) -> None:
        if self._stop_handle is not None:
            self._stop_handle.cancel()
            self._stop_handle = None

    def _stop_if_idle(self) -> None:
        self._stop_handle = None
        if self._viewers == 0 and self._task is not None:
            self._task.cancel()
            self._task = None
            self._connected = False

    async def _run(self) -> None:
        self._failures = 0
        while True:
            self.stats.upstream_connects += 1
            try:
                await self._pump()
                raise ConnectError("the device ended the stream")
            except asyncio.CancelledError:
                raise
            except Exception as err:  # any upstream failure means: reconnect
                self._failures += 1
                self.stats.upstream_failures += 1
                self._set_connected(False, err)
                await asyncio.sleep(self._backoff(self._failures))

    async def _pump(self) -> None:
        """Publish the source's frames until it ends; no frame in time is a failure.

        The watchdog is one deadline per connection: a stream that delivers bytes but no
        frames (a boundary other than the declared one, JPEGs without delimiters) would
        otherwise leave every viewer waiting for as long as it lasts. A timer moves the
        deadline on a few times per window, from the newest frame's arrival, so frames
        themselves cost no timer work.
        """
        window = frame_timeout(self._frame_interval)
        loop = asyncio.get_running_loop()
        started = loop.time()  # the same clock as Frame.received (time.monotonic)
        deadline = asyncio.timeout(window)
        handle: asyncio.TimerHandle | None = None

        def move_deadline() -> None:
            nonlocal handle
            if deadline.expired():  # fired already: the pump is being cancelled
                return
            latest = self._latest
            last = max(started, latest.received if latest is not None else started)
            deadline.reschedule(last + window)
            handle = loop.call_later(window / 4, move_deadline)

        try:
            async with deadline:
                handle = loop.call_later(window / 4, move_deadline)
                async for data in self._source():
                    self._publish(data)
                    self._failures = 0
                    self._set_connected(True)
        except TimeoutError:
            if deadline.expired():
                raise ProtocolError(f"no frame for {window:g} s") from None
            raise
        finally:
            if handle is not None:
                handle.cancel()

    def _backoff(self, failures: int) -> float:
        delay = min(self._max_backoff, self._min_backoff * 2.0 ** (failures - 1))
        jitter: float = random.uniform(0.8, 1.0)  # spreads reconnects of many cameras
        return delay * jitter

    def _set_connected(self, connected: bool, err: Exception | None = None) -> None:
        """Track the upstream; log a loss once at info, retries at debug, one line when back.

        A camera that reboots every night must not fill the log with warnings; the entity's
        availability already tells the user.
        """
        if connected:
            if self._connected:
                return
            self._connected = True
            if self._failing:
                _LOGGER.info("Video stream %s recovered", self.name)
            self._failing = False
        elif self._failing:
            _LOGGER.debug("Video stream %s still unavailable (%s); retrying", self.name, err)
            return
        else:
            self._connected = False
            self._failing = True
            _LOGGER.info("Video stream %s interrupted (%s); reconnecting", self.name, err)
        if self._on_connection is not None:
            self._on_connection(connected)

    async def async_close(self) -> None:
        """Stop for good: cancel the upstream and any pending stop timer."""
        self._closed = True
        self._cancel_stop()
        for viewer in self._wire_viewers:
            viewer.close()  # their responses end: the entry is going away
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task
        self._connected = False


async def poll_frames(
    fetch: Callable[[], Awaitable[bytes]], interval: float
) -> AsyncIterator[bytes]:
    """A frame source for devices without a stream: fetch a still every `interval` seconds.

    Runs only while a FrameHub has viewers, so one poller serves every viewer and none runs
    when nobody watches. A failed fetch ends the iterator with the error, and the hub's
    backoff takes over.
    """
    loop = asyncio.get_running_loop()
    while True:
        started = loop.time()
        yield await fetch()
        await asyncio.sleep(max(0.0, interval - (loop.time() - started)))
