"""The live-view server client: wire formats, and the client against the simulated server."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import aclosing
from unittest.mock import patch

import aiohttp
import pytest
from aiohttp import web

from custom_components.camhub.api.errors import (
    ConnectError,
    DeviceError,
    DeviceTimeoutError,
    ProtocolError,
)
from custom_components.camhub.api.liveview import (
    LiveViewClient,
    NoFrameError,
    ServerEvent,
    SseParser,
    WebSocketUnavailableError,
    parse_bool,
    parse_cameras,
    parse_error,
    parse_live_view_status,
    parse_notice,
    parse_osd_status,
    parse_recording,
    parse_server_status,
)
from simulator import LiveViewServer, SimCamera, Simulator, parse_frame_tag

CAM = "D10F60149B0C"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, True), (False, False), ("true", True), ("FALSE", False), ("1", True), (0, False)],
)
def test_parse_bool(value: object, expected: bool) -> None:
    assert parse_bool(value, "x") is expected


@pytest.mark.parametrize("value", [None, "maybe", 1.5, []])
def test_parse_bool_rejects(value: object) -> None:
    with pytest.raises(ProtocolError):
        parse_bool(value, "x")


def test_parse_error() -> None:
    err = parse_error(400, b'{"success": false, "message": "Camera not connected"}')
    assert isinstance(err, DeviceError) and err.code == 400
    assert err.description == "Camera not connected"
    assert parse_error(500, b"<html>") is None
    assert parse_error(200, b'{"success": true}') is None
    assert "unknown error" in str(parse_error(400, b'{"success": false}'))


def test_envelopes() -> None:
    with pytest.raises(ProtocolError):
        parse_live_view_status([])
    with pytest.raises(ProtocolError):
        parse_live_view_status({"success": True})
    with pytest.raises(DeviceError, match="busy"):
        parse_live_view_status({"success": False, "message": "busy"})
    with pytest.raises(ProtocolError):
        parse_live_view_status({"data": {}})
    status = parse_live_view_status({"success": True, "data": {"enabled": "true", "streaming": 0}})
    assert status.enabled and not status.streaming
    assert not parse_osd_status({"success": True, "data": {}}).supported


def test_parse_server_status() -> None:
    with pytest.raises(ProtocolError):
        parse_server_status({"success": True, "server": {}, "cameras": {}})
    with pytest.raises(ProtocolError):
        parse_server_status({"success": True, "server": {"version": "3"}})
    status = parse_server_status(
        {"success": True, "server": {"version": "3", "uptime": "x"}, "cameras": {"connected": 1}}
    )
    assert status.uptime is None and status.connected == 1 and status.discovered == 0


def test_parse_cameras() -> None:
    with pytest.raises(ProtocolError):
        parse_cameras({"success": True, "cameras": {}})
    cameras = parse_cameras(
        {
            "success": True,
            "cameras": [
                {"id": "A", "connected": "true"},
                {"id": "A", "model": "dup"},
                {"id": ""},
                "junk",
                {"id": "B", "model": "ILCE-1", "connectionType": "Network", "connected": False},
            ],
        }
    )
    assert [(c.id, c.model, c.connected) for c in cameras] == [
        ("A", "Sony camera", True),
        ("B", "ILCE-1", False),
    ]


@pytest.mark.parametrize(
    ("formatted", "expected"),
    [("Recording", True), ("Not Recording", False), ("Recording Failed", False), ("0x1", True)],
)
def test_parse_recording(formatted: str, expected: bool) -> None:
    assert parse_recording({"success": True, "data": {"formatted": formatted}}) is expected


def test_sse_parser() -> None:
    parser = SseParser()
    lines = [
        ": keepalive",
        "",
        "event: propertyChanged",
        'data: {"cameraId": "A",',
        'data: "codes": [1]}',
        "",
        "data: plain text",
        "",
        "data: [1, 2]",
        "id: 7",
        "",
    ]
    events = [e for line in lines if (e := parser.feed(line)) is not None]
    assert events[0] == ServerEvent("propertyChanged", {"cameraId": "A", "codes": [1]})
    assert events[0].camera_id == "A"
    assert events[1] == ServerEvent("message", {"text": "plain text"})
    assert events[2].data == {"value": [1, 2]} and events[2].camera_id is None


def test_parse_notice() -> None:
    assert parse_notice('{"type": "status", "message": "Live view started"}') == (
        False,
        "Live view started",
    )
    assert parse_notice('{"type": "error", "message": "nope"}') == (True, "nope")
    assert parse_notice('{"success": false, "message": "no"}')[0]
    assert parse_notice("[1]") == (False, "[1]")
    assert parse_notice("Error: camera gone")[0]
    assert not parse_notice("hello")[0]


@pytest.fixture
async def server(socket_enabled: None) -> AsyncIterator[LiveViewServer]:
    async with Simulator() as sim:
        yield await sim.add_liveview(
            cameras=[SimCamera(CAM), SimCamera("OFF", connected=False)], string_status=False
        )


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client_session:
        yield client_session


async def test_client_against_simulator(
    server: LiveViewServer, session: aiohttp.ClientSession
) -> None:
    client = LiveViewClient(session, server.url)
    assert (await client.server_status()).discovered == 2
    assert [c.id for c in await client.cameras()] == [CAM, "OFF"]
    assert await client.priority_key(CAM) == "pc-remote"
    await client.set_priority_key(CAM, "camera-position")
    assert server.cameras[CAM].priority_key == "camera-position"
    with pytest.raises(DeviceError, match="Priority key"):
        await client.af_shutter(CAM)
    with pytest.raises(DeviceError, match="already connected"):
        await client.connect(CAM)
    await client.connect("OFF")
    assert server.cameras["OFF"].connected
    with pytest.raises(NoFrameError):
        await client.frame(CAM)
    await client.set_streaming(CAM, True)
    assert parse_frame_tag(await client.frame(CAM)) is not None
    with pytest.raises(NoFrameError):
        await client.osd_frame(CAM)
    with pytest.raises(DeviceError) as err:
        await client.live_view_status("NOPE")
    assert err.value.code == 404 and err.value.description == "Camera not found"
    server.faults.status = 500
    with pytest.raises(DeviceError) as err:
        await client.frame(CAM)
    assert err.value.code == 500


async def test_ws_frames_start_and_stop(
    server: LiveViewServer, session: aiohttp.ClientSession
) -> None:
    client = LiveViewClient(session, server.url)
    camera = server.cameras[CAM]
    async with aclosing(client.ws_frames(CAM)) as frames:
        received = [await anext(frames) for _ in range(3)]
        assert camera.ws_viewers and camera.live_view_enabled
    assert all(parse_frame_tag(f) is not None for f in received)
    await asyncio.sleep(0.1)
    assert not camera.ws_viewers and server.ws_open == 0


async def test_ws_refused_and_errors(
    server: LiveViewServer, session: aiohttp.ClientSession
) -> None:
    client = LiveViewClient(session, server.url)
    server.cameras[CAM].connected = False
    with pytest.raises(ConnectError, match="not connected"):
        async with aclosing(client.ws_frames(CAM)) as frames:
            await anext(frames)
    server.websocket = False
    await server.restart(down_for=0)
    with pytest.raises(WebSocketUnavailableError):
        async with aclosing(client.ws_frames(CAM)) as frames:
            await anext(frames)
    await server.stop()
    with pytest.raises(ConnectError):
        async with aclosing(client.ws_frames(CAM)) as frames:
            await anext(frames)


async def _odd_ws(request: web.Request) -> web.WebSocketResponse:
    """A WebSocket that misbehaves as its `mode` query says."""
    ws = web.WebSocketResponse()
    await ws.prepare(request)
    await ws.receive()  # start_liveview
    mode = request.query["mode"]
    if mode == "garbage":
        await ws.send_bytes(b"not a jpeg")
    elif mode == "close":
        await ws.close()
    elif mode == "notice":
        await ws.send_str(json.dumps({"type": "status", "message": "hi"}))
        await ws.send_bytes(b"\xff\xd8rest")
    await asyncio.sleep(2)
    return ws


@pytest.mark.parametrize(
    ("mode", "error"),
    [("garbage", ProtocolError), ("close", ConnectError), ("silent", DeviceTimeoutError)],
)
async def test_ws_misbehaving_server(
    socket_enabled: None, session: aiohttp.ClientSession, mode: str, error: type[Exception]
) -> None:
    app = web.Application()
    app.router.add_get("/ws", _odd_ws)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        client = LiveViewClient(session, f"http://127.0.0.1:{port}")
        with (
            patch("custom_components.camhub.api.liveview.client.FRAME_STALL", 0.2),
            patch.object(
                client.transport, "url", lambda path: f"ws://127.0.0.1:{port}/ws?mode={mode}"
            ),
            pytest.raises(error),
        ):
            async with aclosing(client.ws_frames(CAM)) as frames:
                await anext(frames)
        client = LiveViewClient(session, f"http://127.0.0.1:{port}")
        with patch.object(
            client.transport, "url", lambda path: f"ws://127.0.0.1:{port}/ws?mode=notice"
        ):
            async with aclosing(client.ws_frames(CAM)) as frames:
                assert await anext(frames) == b"\xff\xd8rest"
    finally:
        await runner.cleanup()


async def test_events(server: LiveViewServer, session: aiohttp.ClientSession) -> None:
    client = LiveViewClient(session, server.url)
    server.keepalive = 0.05
    async with aclosing(client.events(CAM)) as events:
        first = await anext(events)
        assert first.name == "connected" and first.camera_id == CAM
        await client.set_osd(CAM, True)
        changed = await anext(events)
        assert changed.name == "propertyChanged" and changed.data["codes"] == ["osd"]
        server.set_connected(CAM, False)
        assert (await anext(events)).name == "disconnected"
    with pytest.raises(DeviceError):
        async with aclosing(client.events("NOPE")) as events:
            await anext(events)


async def test_events_end_and_recording(
    server: LiveViewServer, session: aiohttp.ClientSession
) -> None:
    client = LiveViewClient(session, server.url)
    await client.set_recording(CAM, True)
    assert server.cameras[CAM].recording
    await client.set_recording(CAM, True)  # already recording: no toggle
    assert server.cameras[CAM].recording
    with pytest.raises(ConnectError):
        async with aclosing(client.events(CAM)) as events:
            await anext(events)
            await server.stop()
            await anext(events)
