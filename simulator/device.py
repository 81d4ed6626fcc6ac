"""The base of every simulated device: its own HTTP server, statistics, faults and auth.

Real cameras are separate hosts, so each simulated device runs its own aiohttp server on its
own loopback port: paths of different families never collide, and a device can be restarted
(connections dropped, port refusing, then back on the same port with its state) exactly like a
rebooting camera. Family modules subclass `SimDevice` and only add routes and error formats.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from aiohttp import web

from .auth import Authenticator, AuthScheme, make_authenticator
from .frames import FrameClock, FrameRenderer

HOST = "127.0.0.1"
_SHUTDOWN_TIMEOUT = 1.0  # seconds a handler may take to finish when the device goes down

type Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class Stats:
    """What clients did to a device, for assertions in tests and benchmarks."""

    requests: Counter[str] = field(default_factory=Counter)  # by path, e.g. "/api/camera/caps"
    open_streams: int = 0  # MJPEG responses being served right now
    streams_opened: int = 0  # MJPEG responses ever started
    frames_sent: int = 0  # MJPEG parts written

    def reset(self) -> None:
        """Zero the counters; `open_streams` is live state and is kept."""
        self.requests.clear()
        self.streams_opened = 0
        self.frames_sent = 0


@dataclass
class Faults:
    """Misbehaviour to inject; all off by default, effective from the next request."""

    latency: float = 0.0  # seconds added before answering
    status: int | None = None  # answer every request with this HTTP status
    unauthorized: bool = False  # answer protected paths with 401, whatever the credentials
    malformed: bool = False  # JSON bodies become invalid JSON, JPEGs (and MJPEG parts) truncated
    drop_stream_after: int | None = None  # MJPEG: abort the TCP connection after N frames
    # path -> (content type, body): answered with HTTP 200 instead of the real answer (an HTML
    # login page where a JPEG belongs, 15 MB of JSON, ...): hostile or broken device output.
    bodies: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    # MJPEG bytes that carry no frame for a reader of the declared boundary: "boundary" sends
    # the parts under another boundary, "bare" sends the JPEGs with no multipart framing.
    frameless: Literal["boundary", "bare"] | None = None

    def clear(self) -> None:
        """Switch every fault off."""
        self.latency = 0.0
        self.status = None
        self.unauthorized = False
        self.malformed = False
        self.drop_stream_after = None
        self.bodies.clear()
        self.frameless = None


class SimDevice:
    """One simulated network device on its own loopback port.

    Subclasses set `family`, `realm`, `public_paths`, implement `setup_routes`, and may
    override `error_response` / `unauthorized_response` to answer in the vendor's format.
    """

    family: ClassVar[str] = "generic"
    realm: ClassVar[str] = "camhub-sim"
    public_paths: ClassVar[frozenset[str]] = frozenset()  # served without authentication

    def __init__(
        self,
        name: str,
        *,
        port: int = 0,
        auth: AuthScheme | None = "digest",
        username: str = "admin",
        password: str = "secret",
        clock: FrameClock | None = None,
        executor: Executor | None = None,
    ) -> None:
        self.name = name
        self.host = HOST
        self.port = port  # 0 until started on a free port; kept across restarts
        self.username = username
        self.password = password
        self.stats = Stats()
        self.faults = Faults()
        self.clock = clock or FrameClock()
        self.executor = executor
        self.auth: Authenticator | None = make_authenticator(auth, self.realm) if auth else None
        self._renderers: dict[tuple[str, int, int], FrameRenderer] = {}
        self._runner: web.AppRunner | None = None
        self._lifecycle = asyncio.Lock()
        self._stopped = False

    @property
    def url(self) -> str:
        """Base URL, e.g. http://127.0.0.1:8081."""
        return f"http://{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        """True while the device accepts connections."""
        return self._runner is not None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r} {self.url}>"

    # --- for subclasses -------------------------------------------------------------------

    def setup_routes(self, app: web.Application) -> None:
        """Add the family's routes to a fresh application (called on every (re)start)."""
        raise NotImplementedError

    def error_response(self, status: int, message: str) -> web.Response:
        """A generic error (unknown path, injected status) in the family's format."""
        return web.json_response({"error": message}, status=status)

    def unauthorized_response(self, challenge: str) -> web.Response:
        """The 401 answer; must carry `challenge` as WWW-Authenticate."""
        resp = self.error_response(401, "Unauthorized")
        resp.headers["WWW-Authenticate"] = challenge
        return resp

    def describe(self) -> dict[str, Any]:
        """One JSON-able line about the device, for the CLI and the demo.

        The login only where the device asks for one; families add what their config flow
        needs (a token, the camera ids).
        """
        line: dict[str, Any] = {
            "family": self.family,
            "name": self.name,
            "host": self.host,
            "port": self.port,
        }
        if self.auth is not None:
            line.update(username=self.username, password=self.password)
        return line

    def renderer(self, source: str, width: int, height: int) -> FrameRenderer:
        """The shared renderer of one source at one resolution (created on first use)."""
        key = (source, width, height)
        if key not in self._renderers:
            self._renderers[key] = FrameRenderer(
                self.name, source, width, height, clock=self.clock, executor=self.executor
            )
        return self._renderers[key]

    @contextlib.contextmanager
    def track_stream(self) -> Iterator[None]:
        """Count a long-lived (streaming) response while it runs."""
        self.stats.open_streams += 1
        self.stats.streams_opened += 1
        try:
            yield
        finally:
            self.stats.open_streams -= 1

    # --- lifecycle -----------------------------------------------------------------------

    async def start(self) -> None:
        """Listen on `port` (a free one the first time if 0)."""
        async with self._lifecycle:
            self._stopped = False
            await self._start()

    async def stop(self) -> None:
        """Drop every connection and stop listening."""
        async with self._lifecycle:
            self._stopped = True
            await self._shutdown()

    async def restart(self, down_for: float = 1.0) -> None:
        """Reboot like a real device, keeping port and state.

        Every connection is reset (streams included), connections are refused for
        `down_for` seconds, then the device serves again on the same port.
        """
        async with self._lifecycle:
            await self._shutdown()
        await asyncio.sleep(down_for)  # outside the lock: stop() meanwhile wins at once
        async with self._lifecycle:
            if not self._stopped:
                await self._start()

    async def _start(self) -> None:
        if self._runner is not None:
            return
        app = web.Application(middlewares=[self._middleware])
        self.setup_routes(app)
        # handler_cancellation: a dropped client ends its stream handler at once, so
        # stats.open_streams is accurate and a restart does not wait for idle streams.
        runner = web.AppRunner(
            app,
            handle_signals=False,
            handler_cancellation=True,
            access_log=None,
            shutdown_timeout=_SHUTDOWN_TIMEOUT,
        )
        await runner.setup()
        try:
            await web.TCPSite(runner, self.host, self.port).start()
        except BaseException:
            await runner.cleanup()
            raise
        self.port = runner.addresses[0][1]
        self._runner = runner

    async def _shutdown(self) -> None:
        runner, self._runner = self._runner, None
        if runner is None:
            return
        # A rebooting device does not say goodbye: reset every connection, streams included.
        # With handler_cancellation the handlers (MJPEG loops) are cancelled at once.
        if runner.server is not None:
            for conn in runner.server.connections:
                if conn.transport is not None:
                    conn.transport.abort()
        await runner.cleanup()

    # --- request pipeline ------------------------------------------------------------------

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Count the request, apply faults and authentication, then answer."""
        self.stats.requests[request.path] += 1
        faults = self.faults
        if faults.latency > 0:
            await asyncio.sleep(faults.latency)
        if (injected := self._injected(request)) is not None:
            return injected
        known = request.match_info.http_exception is None
        if known and request.path not in self.public_paths:
            auth = self.auth
            if auth is not None and (
                faults.unauthorized or not auth.check(request, self.username, self.password)
            ):
                return self.unauthorized_response(auth.challenge())
            if auth is None and faults.unauthorized:
                return self.error_response(401, "Unauthorized")
        try:
            response = await handler(request)
        except web.HTTPNotFound:
            return self.error_response(404, "Not Found")
        except web.HTTPMethodNotAllowed:
            return self.error_response(405, "Method Not Allowed")
        if faults.malformed and isinstance(response, web.Response) and not response.prepared:
            _corrupt(response)
        return response

    def _injected(self, request: web.Request) -> web.Response | None:
        """The answer an injected status or body fault gives instead of the real one."""
        faults = self.faults
        if faults.status is not None:
            return self.error_response(faults.status, f"injected HTTP {faults.status}")
        if (body := faults.bodies.get(request.path)) is not None:
            return web.Response(body=body[1], content_type=body[0])
        return None


def _corrupt(response: web.Response) -> None:
    """Make a JSON body invalid JSON, or cut a JPEG short (no EOI)."""
    body = response.body
    if not isinstance(body, bytes | bytearray) or not body:
        return
    if response.content_type == "application/json":
        response.body = bytes(body[: max(1, len(body) // 2)]) + b"\x00<<garbage"
    elif response.content_type == "image/jpeg":
        response.body = bytes(body[: len(body) // 2])
