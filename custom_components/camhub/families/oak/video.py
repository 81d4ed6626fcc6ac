"""Camera entities' video: MJPEG synthesised from stills, one `/still` request a frame."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Final

from ...api.oak import OakClient
from ...streaming import poll_frames
from ..base import VideoSource

DEFAULT_FPS: Final = 2
FPS_MIN, FPS_MAX = 1, 10
"""MJPEG from stills: each frame is one `/still` request, so the rate stays modest."""


def _source(api: OakClient, mxid: str, stream: str, fps: int) -> VideoSource:
    async def snapshot() -> bytes:
        return await api.still(mxid, stream)

    def frames() -> AsyncIterator[bytes]:
        return poll_frames(snapshot, 1 / fps)

    return VideoSource(
        key=stream,
        device_id=mxid,
        translation_key="oak_stream",
        translation_placeholders={"stream": stream},
        snapshot=snapshot,
        frames=frames,
        frame_interval=1 / fps,
    )
