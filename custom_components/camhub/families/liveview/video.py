"""Camera entities' video: the live view's WebSocket, else frames polled, and snapshots."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from contextlib import aclosing

from ...api.errors import CamHubError, ConnectError
from ...api.liveview import FRAME_STALL, LiveViewClient, NoFrameError, WebSocketUnavailableError
from ...streaming import poll_frames
from ..base import VideoSource

_LOGGER = logging.getLogger(__name__)

DEFAULT_FPS = 15  # the server's own rate: "poll this endpoint at ~15 fps"
FPS_MIN, FPS_MAX = 1, 15
SNAPSHOT_POLL = 0.1


def _live_source(client: LiveViewClient, camera_id: str, fps: int) -> VideoSource:
    interval = 1 / fps

    async def snapshot() -> bytes:
        try:
            return await client.frame(camera_id)
        except NoFrameError:  # nobody streams: capture one frame, then put things back
            _LOGGER.debug("No live-view frame of %s yet; capturing one", camera_id)
            return await _one_frame(client, camera_id, client.frame, osd=False)

    def frames() -> AsyncIterator[bytes]:
        return live_frames(client, camera_id, interval)

    return VideoSource(
        key="live_view",
        device_id=camera_id,
        translation_key="live_view",
        snapshot=snapshot,
        frames=frames,
        frame_interval=1 / FPS_MAX,
    )


def _osd_source(client: LiveViewClient, camera_id: str, fps: int) -> VideoSource:
    interval = 1 / fps

    async def snapshot() -> bytes:
        try:
            return await client.osd_frame(camera_id)
        except NoFrameError:
            _LOGGER.debug("No OSD frame of %s yet; capturing one", camera_id)
            return await _one_frame(client, camera_id, client.osd_frame, osd=True)

    def frames() -> AsyncIterator[bytes]:
        return polled_frames(client, camera_id, client.osd_frame, interval, osd=True)

    return VideoSource(
        key="live_view_osd",
        device_id=camera_id,
        translation_key="live_view_osd",
        snapshot=snapshot,
        frames=frames,
        frame_interval=interval,
        enabled_default=False,
    )


async def live_frames(
    client: LiveViewClient, camera_id: str, interval: float
) -> AsyncIterator[bytes]:
    """The FrameHub upstream of a camera's live view: its own WebSocket, else polling.

    `start_liveview` enables live view on the body, as `live-view/start` does; if it was
    disabled before, CamHub disables it again when the hub stops (this generator closes).
    """
    was_enabled = (await client.live_view_status(camera_id)).enabled
    try:
        try:
            async for frame in client.ws_frames(camera_id):
                yield frame
        except WebSocketUnavailableError as err:
            _LOGGER.debug("Live view of %s: %s; polling frames instead", camera_id, err)
            async for frame in polled_frames(client, camera_id, client.frame, interval):
                yield frame
    finally:
        if not was_enabled:
            await _quietly(client.set_live_view(camera_id, False))


async def polled_frames(
    client: LiveViewClient,
    camera_id: str,
    fetch: Callable[[str], Awaitable[bytes]],
    interval: float,
    *,
    osd: bool = False,
) -> AsyncGenerator[bytes]:
    """Frames polled at `interval`: streaming (and OSD) started first, put back when done."""
    status = await client.live_view_status(camera_id)
    started = not status.streaming
    osd_enabled = False
    try:
        if started:
            await client.set_streaming(camera_id, True)
        if osd and not (await client.osd_status(camera_id)).enabled:
            await client.set_osd(camera_id, True)
            osd_enabled = True

        async def next_frame() -> bytes:
            return await _first_frame(fetch, camera_id, interval)

        async for frame in poll_frames(next_frame, interval):
            yield frame
    finally:
        if osd_enabled:
            await _quietly(client.set_osd(camera_id, False))
        if started:
            await _quietly(client.set_streaming(camera_id, False))
            if not status.enabled:
                await _quietly(client.set_live_view(camera_id, False))


async def _first_frame(
    fetch: Callable[[str], Awaitable[bytes]], camera_id: str, interval: float
) -> bytes:
    """A frame, waiting while the server has none yet (404) for up to FRAME_STALL seconds."""
    deadline = time.monotonic() + FRAME_STALL
    while True:
        try:
            return await fetch(camera_id)
        except NoFrameError:
            if time.monotonic() >= deadline:
                raise
            await asyncio.sleep(interval)


async def _one_frame(
    client: LiveViewClient,
    camera_id: str,
    fetch: Callable[[str], Awaitable[bytes]],
    *,
    osd: bool,
) -> bytes:
    """A snapshot when nothing streams: start, take one frame, restore."""
    async with aclosing(polled_frames(client, camera_id, fetch, SNAPSHOT_POLL, osd=osd)) as it:
        async for frame in it:
            return frame
    raise ConnectError(f"no frame from {camera_id}")  # pragma: no cover - poll never ends


async def _quietly(request: Awaitable[None]) -> None:
    """A clean-up request: its failure (camera gone) is no news."""
    try:
        await request
    except CamHubError as err:
        _LOGGER.debug("Live-view clean-up failed: %s", err)
