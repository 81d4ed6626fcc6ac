"""The physical limit of MJPEG fan-out on this machine: a plain asyncio server.

    python -m benchmarks.rawfan --url URL --username U --password P

One upstream (aiohttp with Digest, as CamHub's), one parse per frame (by Content-Length, the
least work a multipart stream allows), and for each frame one pre-framed HTTP/1.1 chunk
written with one `transport.write` to every viewer's socket; a viewer whose transport holds
more than 64 KiB unsent skips the frame. No framework on the viewer side: an
`asyncio.Protocol` that answers any GET with the stream, and `/cpu` with this process's CPU
seconds. The upstream runs while anyone watches. Prints `{"port": N}` once listening on
127.0.0.1. Nothing here is CamHub: it is what CamHub's fan-out is measured against.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import re
import sys
import time

import aiohttp

BOUNDARY = b"rawfanframe"
HEAD = (
    b"HTTP/1.1 200 OK\r\nContent-Type: multipart/x-mixed-replace;boundary=rawfanframe\r\n"
    b"Transfer-Encoding: chunked\r\nCache-Control: no-cache\r\n\r\n"
)
PART = b"\r\n--" + BOUNDARY + b"\r\nContent-Type: image/jpeg\r\nContent-Length: %d\r\n\r\n"
HIGH_WATER = 64 * 1024
_LENGTH_RE = re.compile(rb"content-length:\s*(\d+)", re.IGNORECASE)


def wire(jpeg: bytes) -> bytes:
    """One chunk holding one multipart part."""
    part = PART % len(jpeg)
    return b"".join((b"%x\r\n" % (len(part) + len(jpeg)), part, jpeg, b"\r\n"))


class Hub:
    """The viewers' transports, the newest frame's bytes, and the upstream task."""

    def __init__(self, url: str, username: str, password: str) -> None:
        self.url = url
        self.auth = aiohttp.DigestAuthMiddleware(username, password)
        self.viewers: set[asyncio.WriteTransport] = set()
        self.latest = b""
        self.task: asyncio.Task[None] | None = None

    def add(self, transport: asyncio.WriteTransport) -> None:
        """A new viewer: headers and the newest frame at once."""
        transport.write(HEAD + self.latest)
        self.viewers.add(transport)
        if self.task is None:
            self.task = asyncio.get_running_loop().create_task(self.upstream())

    def remove(self, transport: asyncio.WriteTransport) -> None:
        """A viewer left; the last one takes the upstream with it."""
        self.viewers.discard(transport)
        if not self.viewers and self.task is not None:
            self.task.cancel()
            self.task = None

    def publish(self, jpeg: bytes) -> None:
        """The whole fan-out: one loop, one write of the same bytes per viewer."""
        data = self.latest = wire(jpeg)
        for transport in self.viewers:
            if transport.get_write_buffer_size() <= HIGH_WATER:
                transport.write(data)

    async def upstream(self) -> None:
        """Read the device's multipart stream, parse by Content-Length, publish."""
        timeout = aiohttp.ClientTimeout(total=None, sock_read=30)
        async with (
            aiohttp.ClientSession(middlewares=(self.auth,), timeout=timeout) as session,
            session.get(self.url) as resp,
        ):
            buf = bytearray()
            async for chunk in resp.content.iter_any():
                buf += chunk
                while (head_end := buf.find(b"\r\n\r\n")) >= 0:
                    match = _LENGTH_RE.search(buf, 0, head_end)
                    if match is None:
                        raise ValueError("part without Content-Length")
                    end = head_end + 4 + int(match[1])
                    if len(buf) < end:
                        break
                    jpeg = bytes(buf[head_end + 4 : end])
                    del buf[:end]
                    self.publish(jpeg)


class ViewerProtocol(asyncio.Protocol):
    """Reads one request line and headers, then becomes a viewer (or answers /cpu)."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.transport: asyncio.WriteTransport | None = None
        self.request = b""
        self.viewing = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Remember the transport."""
        assert isinstance(transport, asyncio.WriteTransport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        """Wait for the end of the request's headers, then serve it."""
        if self.viewing or self.transport is None:
            return
        self.request += data
        if b"\r\n\r\n" not in self.request:
            return
        path = self.request.split(b" ", 2)[1]
        if path == b"/cpu":
            body = json.dumps({"cpu": time.process_time()}).encode()
            self.transport.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body)
            )
            self.transport.close()
            return
        self.viewing = True
        self.hub.add(self.transport)

    def connection_lost(self, exc: Exception | None) -> None:
        """A viewer left."""
        if self.viewing and self.transport is not None:
            self.hub.remove(self.transport)


async def main(args: argparse.Namespace) -> None:
    """Listen on loopback until killed."""
    hub = Hub(args.url, args.username, args.password)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: ViewerProtocol(hub), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    print(json.dumps({"port": port}), flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m benchmarks.rawfan", description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--username", required=True)
    parser.add_argument("--password", required=True)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main(parser.parse_args()))
    sys.exit(0)
