"""FrameHub: one upstream connection per video source, shared by every viewer.

Home Assistant calls a camera's `handle_async_mjpeg_stream` once per viewer (each dashboard
card, each browser tab). The core MJPEG cameras open a new upstream for each; CamHub opens one
per source however many viewers there are, and hands every viewer the same `bytes` object.

How it works:
- The hub keeps one slot, the newest frame, with a sequence number. A viewer remembers the
  last sequence it sent and waits on an `asyncio.Event` that is replaced on every frame. A slow
  viewer therefore skips frames instead of queueing them: memory is one frame per source, not
  per viewer, and a slow viewer never slows the others.
- The upstream task starts with the first viewer, stops `grace` seconds after the last one
  leaves (a page reload does not reconnect the camera), and on any failure reconnects with
  capped exponential backoff while viewers stay connected: their picture pauses, it never
  freezes for good.
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

from .api.errors import ConnectError

_LOGGER = logging.getLogger(__name__)

FrameSource = Callable[[], AsyncIterator[bytes]]
"""Opens a new upstream and yields JPEG frames until it fails or ends."""

TaskFactory = Callable[[Coroutine[Any, Any, None], str], "asyncio.Task[None]"]


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
        self._task_factory = task_factory or _default_task_factory
        self._on_connection = on_connection
        self._latest: Frame | None = None
        self._new_frame = asyncio.Event()
        self._viewers = 0
        self._task: asyncio.Task[None] | None = None
        self._stop_handle: asyncio.TimerHandle | None = None
        self._connected = False
        self._failing = False
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
    def running(self) -> bool:
        """Whether the upstream task is alive (connected or reconnecting)."""
        return self._task is not None and not self._task.done()

    def fresh_frame(self, max_age: float) -> bytes | None:
        """The newest frame if it arrived within `max_age` seconds, else None."""
        frame = self._latest
        if frame is None or time.monotonic() - frame.received > max_age:
            return None
        return frame.data

    @asynccontextmanager
    async def subscribe(
        self, heartbeat: float | None = None
    ) -> AsyncIterator[AsyncIterator[bytes | None]]:
        """Become a viewer: yields an iterator of the newest frames until the block exits.

        With `heartbeat`, the iterator yields None after that many seconds without a frame,
        so a viewer whose upstream is down can still notice that its own client has gone.
        """
        if self._closed:
            raise ConnectError(f"{self.name}: stream closed")
        self._viewers += 1
        self._cancel_stop()
        self._ensure_running()
        try:
            yield self._frames(heartbeat)
        finally:
            self._viewers -= 1
            if self._viewers == 0 and not self._closed:
                loop = asyncio.get_running_loop()
                self._stop_handle = loop.call_later(self._grace, self._stop_if_idle)

    async def _frames(self, heartbeat: float | None) -> AsyncIterator[bytes | None]:
        # A frame younger than one backoff step is as good as a new one for a new viewer:
        # the picture appears at once instead of after the next frame.
        frame = self._latest
        last_seq = -1
        if frame is None or time.monotonic() - frame.received > self._min_backoff * 4:
            last_seq = frame.seq if frame else -1
        while True:
            frame = self._latest
            if frame is None or frame.seq == last_seq:
                try:
                    async with asyncio.timeout(heartbeat):
                        await self._new_frame.wait()
                except TimeoutError:
                    yield None
                continue
            last_seq = frame.seq
            yield frame.data

    def _publish(self, data: bytes) -> None:
        seq = self._latest.seq + 1 if self._latest else 0
        self._latest = Frame(data, time.monotonic(), seq)
        self.stats.frames_in += 1
        event, self._new_frame = self._new_frame, asyncio.Event()
        event.set()

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
        failures = 0
        while True:
            self.stats.upstream_connects += 1
            try:
                async for data in self._source():
                    self._publish(data)
                    failures = 0
                    self._set_connected(True)
                raise ConnectError("the device ended the stream")
            except asyncio.CancelledError:
                raise
            except Exception as err:  # any upstream failure means: reconnect
                failures += 1
                self.stats.upstream_failures += 1
                self._set_connected(False, err)
                await asyncio.sleep(self._backoff(failures))

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
