"""An MJPEG viewer's HTTP response: the first part through aiohttp, the rest by the hub.

Home Assistant's camera proxy view (`/api/camera_proxy_stream/`, with its auth) calls the
camera's `handle_async_mjpeg_stream`, and the view and its middlewares only read or add
headers; none wraps the body. So once the response is prepared and its first part written
through aiohttp's public `StreamResponse.write` (which sends the status line and headers with
it, and frames that part as an HTTP/1.1 chunk), the bytes that follow are ours to frame: the
hub writes each later frame as one pre-framed chunk straight to `request.transport`
(`FrameHub.stream_to`), for every viewer at once. When aiohttp ends the response it writes
the terminating chunk itself, which follows whole chunks correctly.

Only public aiohttp API is used: `request.version`, `request.transport`,
`StreamResponse.enable_chunked_encoding / prepare / write / chunked / compression`. Where
that path does not apply (HTTP/1.0, a compressed response, no transport) the viewer falls
back to a coroutine that writes each newest frame through `StreamResponse.write`.
"""

from __future__ import annotations

import logging

from aiohttp import web
from aiohttp.http import HttpVersion11

from .streaming import BOUNDARY, FIRST_PART, NEXT_PART, Frame, FrameHub

_LOGGER = logging.getLogger(__name__)

CONTENT_TYPE = f"multipart/x-mixed-replace;boundary={BOUNDARY.decode()}"
VIEWER_HEARTBEAT = 5.0
"""Seconds without a frame after which a viewer checks whether its client is still there."""


async def serve_mjpeg(hub: FrameHub, request: web.Request, name: str) -> web.StreamResponse:
    """Serve the hub's frames to one viewer until it leaves; the device is never contacted."""
    response = web.StreamResponse()
    response.content_type = CONTENT_TYPE
    if request.version == HttpVersion11:
        response.enable_chunked_encoding()  # the framing the hub's shared bytes carry
    await response.prepare(request)
    try:
        async with hub.viewing():
            first = await _first_frame(hub, request)
            if first is None:
                return response
            await response.write(FIRST_PART % len(first.data) + first.data)
            transport = request.transport
            if transport is not None and response.chunked and not response.compression:
                await hub.stream_to(transport, first.seq, VIEWER_HEARTBEAT)
            else:
                await _write_each(hub, request, response, first.seq)
    except ConnectionError:
        _LOGGER.debug("MJPEG viewer of %s disconnected", name)
    return response


def _done(hub: FrameHub, request: web.Request) -> bool:
    """Whether to end a response that has no frame to write: its client or hub has gone."""
    return hub.closed or request.transport is None or request.transport.is_closing()


async def _first_frame(hub: FrameHub, request: web.Request) -> Frame | None:
    """The newest frame for a new viewer (at once if fresh); None if the viewer left."""
    after = hub.start_seq()
    while True:
        frame = await hub.next_frame(after, VIEWER_HEARTBEAT)
        if frame is not None:
            return frame
        if _done(hub, request):  # no frame for a while: is the viewer still there?
            return None


async def _write_each(
    hub: FrameHub, request: web.Request, response: web.StreamResponse, after: int
) -> None:
    """The fallback: one coroutine per viewer, writing each newest frame through aiohttp."""
    part: tuple[Frame | None, bytes] = (None, b"")
    while True:
        frame = await hub.next_frame(after, VIEWER_HEARTBEAT)
        if frame is None:
            if _done(hub, request):
                return
            continue
        after = frame.seq
        if part[0] is not frame:
            part = (frame, NEXT_PART % len(frame.data) + frame.data)
        await response.write(part[1])
