"""Server-push MJPEG (multipart/x-mixed-replace) from a `FrameRenderer`.

Each stream sends slot n of its rate at ``clock.slot_time(n, fps)`` and shows the clock tick
computed from n, so every viewer of a source at the same rate asks for the same tick and gets
the same bytes from the renderer's cache: 20 viewers cost one rendering per tick plus 20
socket writes. A viewer that cannot keep up only delays itself (its writes wait for its own
socket) and then skips to the current slot rather than queueing old frames.
"""

from __future__ import annotations

import asyncio
import math
import time

from aiohttp import web

from .device import SimDevice
from .frames import FrameRenderer

BOUNDARY = "camhubsimboundary"


WRONG_BOUNDARY = "notthedeclaredboundary"


def multipart_part(jpeg: bytes, boundary: str = BOUNDARY) -> bytes:
    """One part: boundary line, headers, the JPEG, CRLF."""
    head = (
        f"--{boundary}\r\nContent-Type: image/jpeg\r\nContent-Length: {len(jpeg)}\r\n\r\n"
    ).encode()
    return head + jpeg + b"\r\n"


def _wire(device: SimDevice, jpeg: bytes, boundary: str) -> bytes:
    """A part as sent: normally under the declared boundary, or frameless as faulted."""
    if device.faults.frameless == "bare":
        return jpeg
    if device.faults.frameless == "boundary":
        return multipart_part(jpeg, WRONG_BOUNDARY)
    return multipart_part(jpeg, boundary)


async def serve_mjpeg(
    request: web.Request,
    device: SimDevice,
    renderer: FrameRenderer,
    fps: float,
    *,
    boundary: str = BOUNDARY,
) -> web.StreamResponse:
    """Stream `renderer` at `fps` (capped at the clock rate).

    Runs until the client leaves, the device restarts, or `device.faults.drop_stream_after`
    frames have been sent (then the connection is aborted, as a crashing camera would).
    """
    clock = renderer.clock
    fps = min(fps, clock.hz)
    resp = web.StreamResponse(
        headers={
            "Content-Type": f"multipart/x-mixed-replace; boundary={boundary}",
            "Cache-Control": "no-cache, no-store",
            "Pragma": "no-cache",
        }
    )
    with device.track_stream():
        await resp.prepare(request)
        slot = math.floor(clock.slot_now(fps))  # first frame at once, later ones on the beat
        sent = 0
        try:
            while True:
                jpeg = await renderer.frame(clock.slot_tick(slot, fps))
                if device.faults.malformed:
                    jpeg = jpeg[: len(jpeg) // 2]
                await resp.write(_wire(device, jpeg, boundary))
                sent += 1
                device.stats.frames_sent += 1
                limit = device.faults.drop_stream_after
                if limit is not None and sent >= limit and request.transport is not None:
                    request.transport.abort()  # abrupt: no final boundary, no chunk trailer
                    return resp
                slot = max(slot + 1, math.ceil(clock.slot_now(fps)))
                await asyncio.sleep(max(0.0, clock.slot_time(slot, fps) - time.time()))
        except ConnectionError:  # the client went away (aiohttp raises a ConnectionResetError)
            pass
    return resp
