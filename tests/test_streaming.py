"""FrameHub: one upstream per source, newest-frame fan-out, reconnect, grace stop."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import pytest

from custom_components.camhub.api.errors import ConnectError
from custom_components.camhub.streaming import FrameHub, poll_frames


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
