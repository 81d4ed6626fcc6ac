"""FrameHub: one upstream per source, newest-frame fan-out, reconnect, grace stop, watchdog."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable

import pytest

from custom_components.camhub import streaming
from custom_components.camhub.api.errors import ConnectError
from custom_components.camhub.api.mjpeg import MjpegParser
from custom_components.camhub.streaming import (
    FIRST_PART,
    HIGH_WATER,
    FrameHub,
    frame_timeout,
    poll_frames,
    wire_bytes,
)


class FakeUpstream:
    """A frame source whose frames the test releases one by one."""

    def __init__(self) -> None:
        self.opened = 0
        self.open_now = 0
        self.queue: asyncio.Queue[bytes | Exception] = asyncio.Queue()

    async def frames(self) -> AsyncIterator[bytes]:
        self.opened += 1
        self.open_now += 1
        try:
            while True:
                item = await self.queue.get()
                if isinstance(item, Exception):
                    raise item
                yield item
        finally:
            self.open_now -= 1


def frame(n: int) -> bytes:
    return b"\xff\xd8" + str(n).encode() + b"\xff\xd9"


async def next_frame(frames: AsyncIterator[bytes | None]) -> bytes | None:
    return await asyncio.wait_for(anext(frames), 2)


async def test_many_viewers_share_one_upstream_and_the_same_bytes() -> None:
    up = FakeUpstream()
    hub = FrameHub("test", up.frames, grace=0.05)
    async with hub.subscribe() as a, hub.subscribe() as b, hub.subscribe() as c:
        await asyncio.sleep(0)
        assert up.opened == 1 and hub.viewers == 3
        sent = frame(1)
        up.queue.put_nowait(sent)
        got = [await next_frame(it) for it in (a, b, c)]
        assert all(g is sent for g in got)  # the very same object: no copies
        assert hub.connected
    assert hub.viewers == 0
    await asyncio.sleep(0.1)
    assert up.open_now == 0 and not hub.running
    await hub.async_close()


async def test_slow_viewer_skips_to_the_newest_frame() -> None:
    up = FakeUpstream()
    hub = FrameHub("test", up.frames)
    async with hub.subscribe() as fast, hub.subscribe() as slow:
        up.queue.put_nowait(frame(1))
        assert await next_frame(fast) == frame(1)
        assert await next_frame(slow) == frame(1)
        for n in range(2, 12):  # the slow viewer reads none of these while they arrive
            up.queue.put_nowait(frame(n))
            assert await next_frame(fast) == frame(n)
        assert await next_frame(slow) == frame(11)
        assert hub.stats.frames_in == 11
    await hub.async_close()


async def test_viewer_returning_within_grace_keeps_the_upstream() -> None:
    up = FakeUpstream()
    hub = FrameHub("test", up.frames, grace=0.2)
    async with hub.subscribe() as it:
        up.queue.put_nowait(frame(1))
        await next_frame(it)
    async with hub.subscribe() as it:
        # the newest frame is fresh: a new viewer gets it at once
        assert await next_frame(it) == frame(1)
    assert up.opened == 1
    await asyncio.sleep(0.3)
    assert not hub.running
    async with hub.subscribe():
        await asyncio.sleep(0)
        assert up.opened == 2
    await hub.async_close()


async def test_upstream_failure_reconnects_while_viewers_wait(
    caplog: pytest.LogCaptureFixture,
) -> None:
    up = FakeUpstream()
    states: list[bool] = []
    hub = FrameHub("test", up.frames, min_backoff=0.01, on_connection=states.append)
    caplog.set_level(logging.DEBUG)
    async with hub.subscribe() as it:
        up.queue.put_nowait(frame(1))
        assert await next_frame(it) == frame(1)
        for _ in range(3):  # three failures in a row: one info line, then debug
            up.queue.put_nowait(ConnectError("gone"))
            await asyncio.sleep(0.05)
        assert not hub.connected
        up.queue.put_nowait(frame(2))
        assert await next_frame(it) == frame(2)
        assert hub.connected
    assert up.opened == 4
    assert hub.stats.upstream_failures == 3
    assert states == [True, False, True]
    lost = [r.levelno for r in caplog.records if "interrupted" in r.getMessage()]
    retries = [r.levelno for r in caplog.records if "still unavailable" in r.getMessage()]
    recovered = [r.levelno for r in caplog.records if "recovered" in r.getMessage()]
    assert lost == [logging.INFO] and recovered == [logging.INFO]
    assert retries == [logging.DEBUG] * 2
    await hub.async_close()


async def test_source_that_ends_is_reopened() -> None:
    opened = 0

    async def short() -> AsyncIterator[bytes]:
        nonlocal opened
        opened += 1
        yield frame(opened)

    hub = FrameHub("test", short, min_backoff=0.01)
    async with hub.subscribe() as it:
        assert await next_frame(it) == frame(1)
        assert await next_frame(it) == frame(2)
    await hub.async_close()


async def test_heartbeat_yields_none_without_frames() -> None:
    up = FakeUpstream()
    hub = FrameHub("test", up.frames)
    async with hub.subscribe(heartbeat=0.01) as it:
        assert await next_frame(it) is None
    await hub.async_close()


async def test_fresh_frame_and_close() -> None:
    up = FakeUpstream()
    hub = FrameHub("test", up.frames)
    assert hub.fresh_frame(10) is None
    async with hub.subscribe() as it:
        up.queue.put_nowait(frame(1))
        await next_frame(it)
    assert hub.fresh_frame(10) == frame(1)
    assert hub.fresh_frame(-1) is None
    assert hub.latest is not None and hub.latest.seq == 0
    await hub.async_close()
    assert not hub.running and up.open_now == 0
    with pytest.raises(ConnectError):
        async with hub.subscribe():
            pass


async def test_poll_frames_paces_fetches() -> None:
    calls = 0

    async def fetch() -> bytes:
        nonlocal calls
        calls += 1
        return frame(calls)

    loop = asyncio.get_running_loop()
    started = loop.time()
    got = []
    async for data in poll_frames(fetch, 0.02):
        got.append(data)
        if len(got) == 4:
            break
    assert got == [frame(n) for n in range(1, 5)]
    assert loop.time() - started >= 0.05


class FakeTransport(asyncio.WriteTransport):
    """A viewer's socket: records what the hub wrote, with a settable unsent backlog."""

    def __init__(self) -> None:
        super().__init__()
        self.written: list[bytes] = []
        self.backlog = 0
        self.closing = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        assert isinstance(data, bytes)
        self.written.append(data)

    def get_write_buffer_size(self) -> int:
        return self.backlog

    def is_closing(self) -> bool:
        return self.closing


def dechunk(data: bytes) -> bytes:
    """The body of HTTP/1.1 chunks, checking the framing on the way."""
    body = b""
    while data:
        size_line, _, data = data.partition(b"\r\n")
        size = int(size_line, 16)
        assert data[size : size + 2] == b"\r\n"
        body, data = body + data[:size], data[size + 2 :]
    return body


async def until(condition: Callable[[], bool]) -> None:
    async with asyncio.timeout(2):
        while not condition():
            await asyncio.sleep(0.001)


async def test_direct_viewers_get_one_shared_prebuilt_write_per_frame() -> None:
    up = FakeUpstream()
    hub = FrameHub("test", up.frames)
    a, b = FakeTransport(), FakeTransport()
    async with hub.viewing():
        tasks = [asyncio.create_task(hub.stream_to(t, -1, 5)) for t in (a, b)]
        await until(lambda: hub.wire_viewers == 2)
        for n in (1, 2, 3):
            up.queue.put_nowait(frame(n))
            await until(lambda n=n: len(a.written) == n and len(b.written) == n)  # type: ignore[misc]
        # The very same bytes object for both viewers, built once per frame.
        assert all(x is y for x, y in zip(a.written, b.written, strict=True))
        assert a.written[0] == wire_bytes(frame(1))
        # What a client decodes: the first part (aiohttp's), then the hub's chunks.
        stream = FIRST_PART % 0 + dechunk(b"".join(a.written))
        assert MjpegParser("camhubframe").feed(stream + b"\r\n--camhubframe") == [
            frame(n) for n in (1, 2, 3)
        ]
        a.closing = True  # a closed transport unsubscribes at the next frame
        up.queue.put_nowait(frame(4))
        await until(lambda: hub.wire_viewers == 1)
        await asyncio.wait_for(tasks[0], 2)
        assert len(b.written) == 4 and len(a.written) == 3
        assert hub.stats.wire_writes == 7
        await hub.async_close()  # the hub closing ends the remaining viewer's response
        await asyncio.wait_for(tasks[1], 2)


async def test_slow_direct_viewer_skips_frames_and_never_queues() -> None:
    up = FakeUpstream()
    hub = FrameHub("test", up.frames)
    fast, slow = FakeTransport(), FakeTransport()
    async with hub.viewing():
        tasks = [asyncio.create_task(hub.stream_to(t, -1, 5)) for t in (fast, slow)]
        await until(lambda: hub.wire_viewers == 2)
        slow.backlog = HIGH_WATER + 1  # its socket is not draining
        for n in range(1, 6):
            up.queue.put_nowait(frame(n))
            await until(lambda n=n: len(fast.written) == n)  # type: ignore[misc]
        assert slow.written == [] and hub.stats.wire_skipped == 5
        slow.backlog = 0  # drained: it continues with the newest frame, not the backlog
        up.queue.put_nowait(frame(6))
        await until(lambda: len(slow.written) == 1)
        assert slow.written[0] == wire_bytes(frame(6)) and len(fast.written) == 6
        for transport in (fast, slow):
            transport.closing = True
        up.queue.put_nowait(frame(7))
        await asyncio.wait_for(asyncio.gather(*tasks), 2)
    await hub.async_close()


async def test_direct_viewer_gets_a_frame_that_came_meanwhile_and_heartbeat_ends_it() -> None:
    up = FakeUpstream()
    hub = FrameHub("test", up.frames)
    async with hub.viewing():
        up.queue.put_nowait(frame(1))
        await until(lambda: hub.latest is not None)
        viewer = FakeTransport()
        # The caller wrote frame number -1 (none): frame 0 is newer and goes out at once.
        task = asyncio.create_task(hub.stream_to(viewer, -1, 0.01))
        await until(lambda: len(viewer.written) == 1)
        viewer.closing = True  # no frames are coming: the heartbeat notices
        await asyncio.wait_for(task, 2)
        assert hub.wire_viewers == 0
    await hub.async_close()


def test_frame_timeout_follows_slow_sources() -> None:
    assert frame_timeout(1 / 15) == streaming.FRAME_WATCHDOG_MIN
    assert frame_timeout(None) == streaming.FRAME_WATCHDOG_MIN
    assert frame_timeout(10) == 10 * streaming.FRAME_WATCHDOG_INTERVALS


async def test_watchdog_reconnects_a_stream_without_frames(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bytes but no frames look like a healthy connection to the reader: only time tells."""
    monkeypatch.setattr(streaming, "FRAME_WATCHDOG_MIN", 0.05)
    opened = 0

    async def source() -> AsyncIterator[bytes]:
        nonlocal opened
        opened += 1
        if opened in (2, 3):  # connected, but nothing that parses as a frame arrives
            await asyncio.sleep(3600)
        yield frame(opened)
        await asyncio.sleep(3600)

    states: list[bool] = []
    hub = FrameHub("test", source, min_backoff=0.01, on_connection=states.append)
    caplog.set_level(logging.DEBUG)
    async with hub.subscribe() as it:
        assert await next_frame(it) == frame(1)
        assert await next_frame(it) == frame(4)  # two silent connections, then frames again
    assert opened == 4 and hub.stats.upstream_failures == 3
    assert states == [True, False, True]
    lost = [r for r in caplog.records if "interrupted" in r.getMessage()]
    assert [r.levelno for r in lost] == [logging.INFO]
    assert "no frame for 0.05 s" in lost[0].getMessage()
    assert [r.levelno for r in caplog.records if "recovered" in r.getMessage()] == [logging.INFO]
    await hub.async_close()


async def test_watchdog_leaves_other_timeouts_alone() -> None:
    """A TimeoutError of the source itself (a read timeout) is an ordinary failure."""
    calls = 0

    async def source() -> AsyncIterator[bytes]:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise TimeoutError("read timed out")
        yield frame(calls)

    hub = FrameHub("test", source, min_backoff=0.01)
    async with hub.subscribe() as it:
        assert await next_frame(it) == frame(2)
    assert hub.stats.upstream_failures >= 1
    await hub.async_close()
