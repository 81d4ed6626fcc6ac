"""A token-authorised WebSocket event channel that never gives up.

Several device apps (CamStreamer, CamSwitcher, CamOverlay, ...) push their state over a
WebSocket that works the same way: fetch a short-lived, single-use token over authenticated
HTTP, open the socket with a subprotocol, send the token as the first message, wait for the
device to accept it, ask for the initial state, then read JSON events until the socket dies.

`EventChannel.run()` does exactly that in a loop: a fresh token on every connect (a token is
spent by the first connection and expires after ~30 s), keep-alive pings so a silently dead
socket is noticed, and reconnects with capped exponential backoff plus jitter so a fleet of
cameras rebooting together is not hammered in lock-step. Malformed messages are logged at
debug level and skipped; only the socket breaking ends a session. Nothing a device sends can
end `run()`: a message that breaks the parser in an unforeseen way is logged once and skipped,
and an unforeseen failure of a session is logged with its traceback and retried like any
other, so an event channel never dies until its owner cancels it.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from yarl import URL

from . import safejson
from .errors import AuthError, CamHubError, ConnectError, ProtocolError

_LOGGER = logging.getLogger(__name__)

TokenFn = Callable[[], Awaitable[str]]
MessageFn = Callable[[Any], None]
ConnectedFn = Callable[[bool], None]
HeadersFn = Callable[[str | None], Mapping[str, str]]
"""HTTP headers for the upgrade request: given None first, then the server's 401 challenge."""


def authorization_message(token: str) -> dict[str, Any]:
    """The first message of a session: the token (CamStreamer apps' format)."""
    return {"authorization": token}


def is_authorized(message: Any) -> bool | None:
    """True/False for an authorization answer, None for any other message."""
    if isinstance(message, Mapping) and message.get("type") == "authorization":
        return str(message.get("state", "")).upper() == "OK"
    return None


@dataclass(kw_only=True)
class ChannelSettings:
    """How a channel connects, authorises, keeps alive and backs off."""

    protocols: Sequence[str] = ("events",)
    auth_message: Callable[[str], Any] = authorization_message
    auth_reply: Callable[[Any], bool | None] = is_authorized
    init_messages: Sequence[Any] = ({"command": "sendInitData"},)
    heartbeat: float = 20.0
    auth_timeout: float = 10.0
    backoff_min: float = 1.0
    backoff_max: float = 60.0
    jitter: float = 0.25
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass
class ChannelStats:
    """What a channel has done, for diagnostics and tests."""

    sessions: int = 0
    messages: int = 0
    malformed: int = 0
    failures: int = 0
    last_error: str | None = None


class EventChannel:
    """One device event WebSocket, reconnected forever by `run()`.

    `on_message` gets every decoded JSON message except the authorization answer;
    `on_connected(True)` once a session is authorised, `on_connected(False)` when it ends.
    `handshake_headers`, when given, authenticates the HTTP upgrade itself (the Axis web
    server protects `/local/*` event paths with Digest or Basic on some firmware): it is
    asked for headers before the first attempt, and once more with the `WWW-Authenticate`
    challenge of a 401.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        url: URL | str,
        token_fn: TokenFn,
        on_message: MessageFn,
        on_connected: ConnectedFn | None = None,
        settings: ChannelSettings | None = None,
        name: str = "events",
        handshake_headers: HeadersFn | None = None,
    ) -> None:
        """Keep the (not owned) session and the callbacks; nothing connects until `run()`."""
        self.session = session
        self.url = URL(url)
        self.name = name
        self.settings = settings or ChannelSettings()
        self.stats = ChannelStats()
        self.connected = False
        self._token_fn = token_fn
        self._on_message = on_message
        self._on_connected = on_connected
        self._handshake_headers = handshake_headers
        self._ws: aiohttp.ClientWebSocketResponse | None = None

    async def run(self) -> None:
        """Connect, read, reconnect with backoff; returns only when cancelled."""
        failures = 0
        while True:
            was_up = False
            try:
                await self._session()
            except (CamHubError, aiohttp.ClientError, OSError, TimeoutError) as err:
                was_up = self.connected
                # A session that got authorised resets the backoff: the device works.
                failures = 1 if was_up else failures + 1
                self.stats.failures += 1
                self._log_failure(err, failures, was_up)
            except Exception as err:  # a bug must not end the channel for good
                was_up = self.connected
                failures = 1 if was_up else failures + 1
                self.stats.failures += 1
                self.stats.last_error = f"{type(err).__name__}: {err}"
                _LOGGER.exception("%s event channel: unexpected failure, reconnecting", self.name)
            finally:
                self._set_connected(False)
            await asyncio.sleep(self.backoff(0 if was_up else failures))

    def backoff(self, failures: int) -> float:
        """Delay before the next attempt: exponential from backoff_min, capped, jittered."""
        s = self.settings
        if failures <= 0:
            return s.backoff_min * random.uniform(0.5, 1.0)  # a clean close: reconnect soon
        base: float = min(s.backoff_max, s.backoff_min * 2.0 ** (failures - 1))
        return max(0.0, base * random.uniform(1 - s.jitter, 1 + s.jitter))

    async def close(self) -> None:
        """Close the current socket (the `run()` loop then reconnects unless cancelled)."""
        if self._ws is not None:
            await self._ws.close()

    def _log_failure(self, err: BaseException, failures: int, was_up: bool) -> None:
        self.stats.last_error = str(err) or type(err).__name__
        # Once at info level when a working channel breaks, then quietly while it retries.
        level = logging.INFO if was_up or failures == 1 else logging.DEBUG
        # The address stays out of info lines (logs get shared); debug has it.
        _LOGGER.log(level, "%s event channel failed: %s", self.name, err)
        _LOGGER.debug("%s event channel URL: %s", self.name, self.url.with_query(None))

    async def _connect(self) -> aiohttp.ClientWebSocketResponse:
        """The WebSocket upgrade, answering one HTTP auth challenge if it can."""
        s = self.settings
        challenge: str | None = None
        while True:
            headers = dict(s.headers)
            if self._handshake_headers is not None:
                headers.update(self._handshake_headers(challenge))
            try:
                # Keep-alive is ours (`_receive`), not aiohttp's `heartbeat=`: aiohttp 3.14
                # re-arms its heartbeat timer when the peer's close frame arrives after
                # close(), leaving a timer behind every cleanly closed socket.
                return await self.session.ws_connect(
                    self.url, protocols=tuple(s.protocols), headers=headers, autoping=False
                )
            except aiohttp.WSServerHandshakeError as err:
                offered = err.headers.get("WWW-Authenticate") if err.headers else None
                if err.status == 401 and challenge is None and offered and self._handshake_headers:
                    challenge = offered
                    continue
                if err.status in (401, 403):
                    raise AuthError(f"event channel refused: HTTP {err.status}") from err
                raise ConnectError(f"event channel handshake failed: HTTP {err.status}") from err

    async def _session(self) -> None:
        token = await self._token_fn()
        s = self.settings
        ws = await self._connect()
        self._ws = ws
        try:
            await ws.send_json(s.auth_message(token))
            await asyncio.wait_for(self._await_authorized(ws), s.auth_timeout)
            self.stats.sessions += 1
            self._set_connected(True)
            for message in s.init_messages:
                await ws.send_json(message)
            await self._read(ws)
        finally:
            self._ws = None
            await ws.close()

    async def _await_authorized(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        """Read until the device accepts the token; messages before that are passed on."""
        while True:
            message = await self._receive(ws)
            if message is _SKIP:
                continue
            verdict = self.settings.auth_reply(message)
            if verdict is True:
                return
            if verdict is False:
                raise AuthError("event channel refused the token")
            self._dispatch(message)

    async def _read(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        while True:
            message = await self._receive(ws)
            if message is not _SKIP and self.settings.auth_reply(message) is None:
                self._dispatch(message)

    async def _receive(self, ws: aiohttp.ClientWebSocketResponse) -> Any:
        """The next decoded JSON message, `_SKIP` for one to ignore; raise when closed.

        Keep-alive: after `heartbeat` seconds of silence a ping goes out, and a socket that
        stays silent for another `heartbeat` seconds is dead (a camera that lost power sends
        no close frame). The device's pings are answered here too.
        """
        pinged = False
        while True:
            try:
                msg = await ws.receive(timeout=self.settings.heartbeat)
            except TimeoutError:
                if pinged:
                    raise ConnectError("event channel silent: no answer to a ping") from None
                await ws.ping()
                pinged = True
                continue
            if msg.type is aiohttp.WSMsgType.PING:
                await ws.pong(msg.data)
            elif msg.type is not aiohttp.WSMsgType.PONG:
                return self._decode(ws, msg)
            pinged = False

    def _decode(self, ws: aiohttp.ClientWebSocketResponse, msg: aiohttp.WSMessage) -> Any:
        """A received frame as JSON, `_SKIP`, or the end of the session."""
        if msg.type in (
            aiohttp.WSMsgType.CLOSE,
            aiohttp.WSMsgType.CLOSING,
            aiohttp.WSMsgType.CLOSED,
        ):
            raise ConnectError(f"event channel closed ({ws.close_code})")
        if msg.type is aiohttp.WSMsgType.ERROR:
            raise ConnectError(f"event channel error: {ws.exception()}")
        if msg.type is not aiohttp.WSMsgType.TEXT:
            return _SKIP
        try:
            return safejson.loads(msg.data)
        except ProtocolError:
            self.stats.malformed += 1
            _LOGGER.debug("%s: ignoring malformed event %.200r", self.name, msg.data)
            return _SKIP

    def _dispatch(self, message: Any) -> None:
        self.stats.messages += 1
        try:
            self._on_message(message)
        except ProtocolError as err:  # a message the parser rejects never ends the session
            self.stats.malformed += 1
            _LOGGER.debug("%s: ignoring event %.200r: %s", self.name, message, err)
        except Exception:  # nor does one that breaks it unexpectedly
            self.stats.malformed += 1
            _LOGGER.exception("%s: event broke its handler, skipped: %.200r", self.name, message)

    def _set_connected(self, connected: bool) -> None:
        if connected == self.connected:
            return
        self.connected = connected
        if self._on_connected is not None:
            self._on_connected(connected)


_SKIP: Any = object()
