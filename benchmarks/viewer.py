"""An MJPEG viewer that records when each frame arrived and what the simulator tagged on it.

It reads `multipart/x-mixed-replace` parts by their Content-Length (both CamHub and the
streams Home Assistant's core cameras pass through carry it), and reads the simulator's
frame tag (sequence number, wall-clock render time) from each JPEG's comment segment, so
latency is measured on the frames themselves, end to end.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from dataclasses import dataclass, field

import aiohttp

from simulator.frames import parse_frame_tag

_LENGTH_RE = re.compile(rb"content-length:\s*(\d+)", re.IGNORECASE)
_CHUNK = 1 << 16


@dataclass(slots=True)
class Arrival:
    """One received frame: when it arrived, and when the simulator rendered it."""

    at: float  # time.time() when the whole frame had been read
    rendered: float  # the simulator's tag time (time.time() in the simulator process)
    seq: int
    size: int


@dataclass
class Viewer:
    """Reads one MJPEG stream until cancelled; `arrivals` grows as frames come in."""

    url: str
    headers: dict[str, str] = field(default_factory=dict)
    auth_middleware: aiohttp.DigestAuthMiddleware | None = None
    arrivals: list[Arrival] = field(default_factory=list)
    error: str | None = None

    async def run(self, session: aiohttp.ClientSession) -> None:
        """Read frames until cancelled; a failure is recorded, not raised."""
        timeout = aiohttp.ClientTimeout(total=None, sock_read=30)
        middlewares = (self.auth_middleware,) if self.auth_middleware else ()
        try:
            async with session.get(
                self.url, headers=self.headers, timeout=timeout, middlewares=middlewares
            ) as resp:
                if resp.status != 200:
                    self.error = f"HTTP {resp.status}"
                    return
                await self._read(resp)
        except asyncio.CancelledError:
            raise
        except (aiohttp.ClientError, TimeoutError) as err:
            self.error = repr(err)

    async def _read(self, resp: aiohttp.ClientResponse) -> None:
        buf = bytearray()
        while True:
            chunk = await resp.content.readany()
            if not chunk:
                self.error = self.error or "stream ended"
                return
            buf += chunk
            self._consume(buf)

    def _consume(self, buf: bytearray) -> None:
        """Take every complete part out of `buf`."""
        while True:
            head_end = buf.find(b"\r\n\r\n")
            if head_end < 0:
                return
            match = _LENGTH_RE.search(buf, 0, head_end)
            if match is None:
                raise ValueError("multipart part without Content-Length")
            start = head_end + 4
            end = start + int(match[1])
            if len(buf) < end:
                return
            now = time.time()
            jpeg = bytes(buf[start:end])
            del buf[:end]
            tag = parse_frame_tag(jpeg)
            if tag is not None:
                self.arrivals.append(Arrival(now, tag.t, tag.seq, len(jpeg)))


class ViewerGroup:
    """N viewers of one URL, started together and stopped together."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        url: str,
        count: int,
        *,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
    ) -> None:
        self.session = session
        self.viewers = [
            Viewer(
                url,
                dict(headers or {}),
                aiohttp.DigestAuthMiddleware(*auth) if auth else None,
            )
            for _ in range(count)
        ]
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        """Connect every viewer."""
        self._tasks = [asyncio.create_task(v.run(self.session)) for v in self.viewers]

    async def stop(self) -> None:
        """Disconnect every viewer."""
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
