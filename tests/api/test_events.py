"""The token-authorised WebSocket event channel against the simulated CamStreamer apps.

Everything runs over loopback against `simulator.AxisCamera`: real tokens (single-use, 30 s),
the `events` subprotocol, init data, dropped sockets, refused tokens, malformed frames.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from custom_components.camhub.api.camstreamer import (
    App,
    AxisCamStreamerClient,
    Event,
    PlaylistEvent,
    PortEvent,
    ServiceEvent,
    StreamStateEvent,
    parse_events,
)
from custom_components.camhub.api.events import (
    ChannelSettings,
    EventChannel,
    authorization_message,
    is_authorized,
)
from simulator import AxisCamera, Simulator

FAST = ChannelSettings(backoff_min=0.01, backoff_max=0.05, auth_timeout=2.0)
PLAYLIST_2 = "c0a1b2c3d-0000-4000-8000-000000000002"


class Recorder:
    """Collects what a channel delivers, parsed as the integration parses it."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.raw: list[Any] = []
        self.events: list[Event] = []
        self.connected: list[bool] = []
        self._changed = asyncio.Event()

    def on_message(self, message: Any) -> None:
        """Parse like the family does (a ProtocolError goes back to the channel)."""
        self.raw.append(message)
        self.events += parse_events(self.app, message)
        self._changed.set()

    def on_connected(self, up: bool) -> None:
        """Record each connection change."""
        self.connected.append(up)
        self._changed.set()

    async def wait(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        """Until `predicate()` holds."""
        async with asyncio.timeout(timeout):
            while not predicate():
                self._changed.clear()
                with contextlib.suppress(TimeoutError):  # also poll: failures are no callback
                    await asyncio.wait_for(self._changed.wait(), 0.02)


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    """The client session."""
    async with aiohttp.ClientSession() as client_session:
        yield client_session


@pytest.fixture(params=["new", "old"])
async def camera(sim: Simulator, request: pytest.FixtureRequest) -> AxisCamera:
    """A camera of each API generation."""
    return await sim.add_axis_camera(generation=request.param)


@pytest.fixture
def client(camera: AxisCamera, session: aiohttp.ClientSession) -> AxisCamStreamerClient:
    """The camera's API client."""
    return AxisCamStreamerClient(session, camera.url, camera.username, camera.password)


class Running:
    """An EventChannel running in a task, cancelled at the end of the test."""

    def __init__(
        self,
        client: AxisCamStreamerClient,
        app: App,
        token_fn: Callable[[], Any] | None = None,
        settings: ChannelSettings = FAST,
        login: bool = False,
    ) -> None:
        self.recorder = Recorder(app)
        self.channel = EventChannel(
            client.session,
            client.event_url(app),
            token_fn or (lambda: client.ws_token(app)),
            self.recorder.on_message,
            self.recorder.on_connected,
            settings=settings,
            name=app,
            handshake_headers=functools.partial(client.event_headers, app) if login else None,
        )
        self.task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Running:
        self.task = asyncio.create_task(self.channel.run())
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.task is not None
        self.task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await self.task
        assert not self.channel.connected


def _streams(recorder: Recorder) -> dict[str, StreamStateEvent]:
    return {e.stream_id: e for e in recorder.events if isinstance(e, StreamStateEvent)}


async def test_camstreamer_channel(camera: AxisCamera, client: AxisCamStreamerClient) -> None:
    """Authorised with a fresh token, init data, then an event for every change."""
    async with Running(client, "camstreamer") as run:
        rec = run.recorder
        await rec.wait(lambda: len(_streams(rec)) == 2)
        assert rec.connected == [True] and run.channel.stats.sessions == 1
        assert PortEvent(0, False) in rec.events
        if camera.generation == "old":
            assert rec.raw[0]["type"] == "init"  # the wrapper of the older apps
        camera.set_stream_enabled("11", True)
        await rec.wait(lambda: _streams(rec)["11"].enabled)
        assert _streams(rec)["11"].is_streaming
        camera.set_port(0, True)
        await rec.wait(lambda: PortEvent(0, True) in rec.events)
    assert rec.connected == [True, False]
    assert camera.tokens == {}  # the one token was spent


async def test_switcher_and_overlay_channels(
    camera: AxisCamera, client: AxisCamStreamerClient
) -> None:
    """CamSwitcher's token comes from its own path prefix; CamOverlay's from `message`."""
    async with Running(client, "camswitcher") as switcher, Running(client, "camoverlay") as overlay:
        await switcher.recorder.wait(lambda: bool(switcher.channel.connected))
        await overlay.recorder.wait(lambda: ServiceEvent(1, True) in overlay.recorder.events)
        camera.switch_playlist(PLAYLIST_2)
        await switcher.recorder.wait(lambda: PlaylistEvent(PLAYLIST_2) in switcher.recorder.events)
        camera.set_service_enabled(2, True)
        await overlay.recorder.wait(lambda: ServiceEvent(2, True) in overlay.recorder.events)


async def test_reconnect_catches_up(camera: AxisCamera, client: AxisCamStreamerClient) -> None:
    """A dropped socket: a new token, a new session, and init data with what changed meanwhile."""
    async with Running(client, "camstreamer") as run:
        rec = run.recorder
        await rec.wait(lambda: len(_streams(rec)) == 2)
        await camera.stop()
        camera.streams["11"].enabled = True  # changed while nobody listened
        await rec.wait(lambda: rec.connected == [True, False])
        await camera.start()
        await rec.wait(lambda: rec.connected == [True, False, True])
        await rec.wait(lambda: _streams(rec)["11"].enabled)
        assert run.channel.stats.sessions == 2
        await camera.drop_event_sockets()
        await rec.wait(
            lambda: rec.connected[-3:] == [True, False, True] and len(rec.connected) == 5
        )
        assert camera.stats.requests["/local/camstreamer/api/ws_authorization.cgi"] >= 3


async def test_app_restart_reconnects(sim: Simulator, session: aiohttp.ClientSession) -> None:
    """A new stream restarts the app (sockets closed); the channel is back with the stream."""
    camera = await sim.add_axis_camera()
    client = AxisCamStreamerClient(session, camera.url, "root", "pass")
    async with Running(client, "camstreamer") as run:
        rec = run.recorder
        await rec.wait(lambda: len(_streams(rec)) == 2)
        await client.set_stream("api_01", {"enabled": "1", "mediaServerUrl": "rtmp://x/y"})
        await rec.wait(lambda: "api_01" in _streams(rec))
        assert run.channel.stats.sessions == 2
        await run.channel.close()  # closing the socket ourselves: it reconnects too
        await rec.wait(lambda: run.channel.stats.sessions == 3)


async def test_refused_token(
    camera: AxisCamera, client: AxisCamStreamerClient, caplog: pytest.LogCaptureFixture
) -> None:
    """A token the app refuses: authorization error, never connected, retried quietly."""

    async def bogus() -> str:
        return "not-a-token"

    caplog.set_level(logging.DEBUG, logger="custom_components.camhub.api.events")
    async with Running(client, "camstreamer", token_fn=bogus) as run:
        rec = run.recorder
        await rec.wait(lambda: run.channel.stats.failures >= 3, timeout=5)
        assert rec.connected == [] and run.channel.stats.sessions == 0
        assert run.channel.stats.last_error == "event channel refused the token"
    levels = [r.levelno for r in caplog.records if "failed" in r.getMessage()]
    assert levels[0] == logging.INFO and set(levels[1:]) == {logging.DEBUG}


async def test_expired_and_foreign_tokens(sim: Simulator, session: aiohttp.ClientSession) -> None:
    """Tokens live `token_lifetime` seconds and belong to one app."""
    camera = await sim.add_axis_camera()
    client = AxisCamStreamerClient(session, camera.url, "root", "pass")
    overlay_token = await client.ws_token("camoverlay")

    async def foreign() -> str:
        return overlay_token

    async with Running(client, "camstreamer", token_fn=foreign) as run:
        await run.recorder.wait(lambda: run.channel.stats.failures >= 1)
        assert run.channel.stats.sessions == 0
    camera.token_lifetime = 0.0
    async with Running(client, "camstreamer") as run:
        await run.recorder.wait(lambda: run.channel.stats.failures >= 2)
        assert run.channel.stats.sessions == 0


async def test_handshake_refused(sim: Simulator, session: aiohttp.ClientSession) -> None:
    """No app behind the path: ConnectError; a 401 on the upgrade: AuthError."""
    camera = await sim.add_axis_camera()
    client = AxisCamStreamerClient(session, camera.url, "root", "pass")
    token = await client.ws_token("camstreamer")

    async def same_token() -> str:
        return token

    camera.set_app("camstreamer", status="Stopped")
    async with Running(client, "camstreamer", token_fn=same_token) as run:
        await run.recorder.wait(lambda: run.channel.stats.failures >= 1)
        assert run.channel.stats.last_error == "event channel handshake failed: HTTP 404"
    camera.faults.status = 401
    async with Running(client, "camstreamer", token_fn=same_token) as run:
        await run.recorder.wait(lambda: run.channel.stats.failures >= 1)
        assert run.channel.stats.last_error == "event channel refused: HTTP 401"


async def test_token_request_fails(sim: Simulator, session: aiohttp.ClientSession) -> None:
    """An unlicensed app cannot hand out tokens: a typed error, retried with backoff."""
    camera = await sim.add_axis_camera()
    camera.set_app("camoverlay", license="Missing")
    client = AxisCamStreamerClient(session, camera.url, "root", "pass")
    async with Running(client, "camoverlay") as run:
        await run.recorder.wait(lambda: run.channel.stats.failures >= 2)
        assert "License is not valid" in (run.channel.stats.last_error or "")


async def test_bad_frames_never_end_the_session(
    camera: AxisCamera, client: AxisCamStreamerClient
) -> None:
    """Invalid JSON, binary frames and events the parser rejects are skipped and counted."""
    camera.ws_greeting = ["{broken", b"\x00\x01", '{"type":"PortChanged","port":1,"value":1}']
    async with Running(client, "camstreamer") as run:
        rec = run.recorder
        await rec.wait(lambda: len(_streams(rec)) == 2)
        assert rec.events[0] == PortEvent(1, True)  # sent before the authorization answer
        camera.emit_raw("camstreamer", "not json")
        camera.emit_raw("camstreamer", b"\xff\xd8")
        camera.emit("camstreamer", {"type": "StreamState", "enabled": 1, "active": 1})
        camera.emit("camstreamer", {"type": "Unknown"})
        camera.set_stream_enabled("11", True)
        await rec.wait(lambda: _streams(rec)["11"].enabled)
        assert run.channel.stats.sessions == 1 and rec.connected == [True]
        assert run.channel.stats.malformed == 3  # two bad JSON texts, one rejected event


async def test_authorization_timeout(sim: Simulator, session: aiohttp.ClientSession) -> None:
    """A camera that never answers the token: the attempt times out and is retried."""
    camera = await sim.add_axis_camera()
    camera.ws_auth_delay = 5.0
    client = AxisCamStreamerClient(session, camera.url, "root", "pass")
    settings = ChannelSettings(backoff_min=0.01, backoff_max=0.02, auth_timeout=0.05)
    async with Running(client, "camstreamer", settings=settings) as run:
        await run.recorder.wait(lambda: run.channel.stats.failures >= 2)
        assert run.channel.stats.sessions == 0
        assert run.channel.stats.last_error == "TimeoutError"


def test_backoff() -> None:
    """Exponential from backoff_min, capped, jittered; soon after a clean close."""
    channel = EventChannel(
        None,  # type: ignore[arg-type]  # backoff() never touches the session
        "ws://127.0.0.1/x",
        lambda: asyncio.sleep(0, "t"),
        lambda _message: None,
        settings=ChannelSettings(backoff_min=1.0, backoff_max=8.0, jitter=0.25),
    )
    assert all(0.5 <= channel.backoff(0) <= 1.0 for _ in range(50))
    assert all(0.75 <= channel.backoff(1) <= 1.25 for _ in range(50))
    assert all(3.0 <= channel.backoff(3) <= 5.0 for _ in range(50))
    assert all(6.0 <= channel.backoff(30) <= 10.0 for _ in range(50))
    assert len({round(channel.backoff(4), 6) for _ in range(20)}) > 1  # jittered


def test_authorization_messages() -> None:
    """The token message, and how an authorization answer is recognised."""
    assert authorization_message("tok") == {"authorization": "tok"}
    assert is_authorized({"type": "authorization", "state": "OK"}) is True
    assert is_authorized({"type": "authorization", "state": "Error"}) is False
    assert is_authorized({"type": "StreamState"}) is None
    assert is_authorized(["authorization"]) is None


async def test_close_without_socket() -> None:
    """close() before any session is harmless."""
    async with aiohttp.ClientSession() as session:
        channel = EventChannel(
            session, "ws://127.0.0.1:9/x", lambda: asyncio.sleep(0, "t"), lambda _m: None
        )
        await channel.close()
        assert not channel.connected and channel.stats.sessions == 0


async def test_without_connection_callback(sim: Simulator, session: aiohttp.ClientSession) -> None:
    """`on_connected` is optional; `connected` tells the state."""
    camera = await sim.add_axis_camera()
    client = AxisCamStreamerClient(session, camera.url, "root", "pass")
    received: list[Any] = []
    channel = EventChannel(
        session,
        client.event_url("camoverlay"),
        lambda: client.ws_token("camoverlay"),
        received.append,
        settings=FAST,
    )
    task = asyncio.create_task(channel.run())
    try:
        async with asyncio.timeout(5):
            while len(received) < 3:
                await asyncio.sleep(0.01)
        assert channel.connected
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    assert not channel.connected


@pytest.mark.parametrize("auth", ["digest", "basic"])
async def test_upgrade_with_login(
    sim: Simulator, session: aiohttp.ClientSession, auth: Any
) -> None:
    """Firmware that protects the event path: the upgrade answers the HTTP challenge."""
    camera = await sim.add_axis_camera(auth=auth)
    camera.ws_login = True
    client = AxisCamStreamerClient(session, camera.url, "root", "pass")
    await client.streams()  # a Basic camera is known as one from here on
    async with Running(client, "camstreamer") as run:
        await run.recorder.wait(lambda: run.channel.stats.failures >= 1)
        assert run.channel.stats.last_error == "event channel refused: HTTP 401"
    async with Running(client, "camstreamer", login=True) as run:
        await run.recorder.wait(lambda: len(_streams(run.recorder)) == 2)
    wrong = AxisCamStreamerClient(session, camera.url, "root", "wrong")
    token = functools.partial(client.ws_token, "camstreamer")  # a good token, a bad login
    async with Running(wrong, "camstreamer", token_fn=token, login=True) as run:
        await run.recorder.wait(lambda: run.channel.stats.failures >= 1)
        assert run.channel.stats.last_error == "event channel refused: HTTP 401"


class KeepAliveServer:
    """A WebSocket peer that accepts any token, pings us, and answers pings only if told to."""

    def __init__(self, answer_pings: bool) -> None:
        self.answer_pings = answer_pings
        self.pings_seen = 0
        self.pong_seen = asyncio.Event()
        self.url = ""

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(protocols=("events",), autoping=False)
        await ws.prepare(request)
        await ws.receive()  # the token
        await ws.send_json({"type": "authorization", "state": "OK"})
        await ws.ping(b"from-device")
        async for msg in ws:
            if msg.type is aiohttp.WSMsgType.PONG and msg.data == b"from-device":
                self.pong_seen.set()
            if msg.type is aiohttp.WSMsgType.PING:
                self.pings_seen += 1
                if self.answer_pings:
                    await ws.pong(msg.data)
        return ws


@pytest.fixture(params=[True, False], ids=["answers", "silent"])
async def keepalive_server(
    socket_enabled: None, request: pytest.FixtureRequest
) -> AsyncIterator[KeepAliveServer]:
    server = KeepAliveServer(answer_pings=request.param)
    app = web.Application()
    app.router.add_get("/events", server.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    server.url = f"ws://127.0.0.1:{runner.addresses[0][1]}/events"
    yield server
    await runner.cleanup()


async def test_keepalive(keepalive_server: KeepAliveServer, session: aiohttp.ClientSession) -> None:
    """Silence brings a ping; a peer that answers keeps its session, a silent one is dropped.

    The device's own pings are answered (aiohttp's autoping is off: keep-alive is ours).
    """
    server = keepalive_server

    async def token() -> str:
        return "t"

    rec = Recorder("camstreamer")
    settings = ChannelSettings(heartbeat=0.1, backoff_min=5.0, backoff_max=5.0, init_messages=())
    channel = EventChannel(
        session, server.url, token, rec.on_message, rec.on_connected, settings=settings
    )
    task = asyncio.create_task(channel.run())
    try:
        async with asyncio.timeout(5):
            await server.pong_seen.wait()
        await asyncio.sleep(0.5)  # five heartbeats
        if server.answer_pings:
            assert server.pings_seen >= 3 and rec.connected == [True]
            assert channel.stats.failures == 0
        else:
            assert server.pings_seen == 1 and rec.connected == [True, False]
            assert channel.stats.last_error == "event channel silent: no answer to a ping"
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
