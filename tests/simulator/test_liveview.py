"""The simulated Camera Remote live-view server: REST envelopes, WebSocket rules, SSE."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
import pytest_asyncio

from simulator import LiveViewServer, SimCamera, Simulator, parse_frame_tag
from simulator.__main__ import FAMILIES, parse_args

A, B = "D10F60149B0C", "D06CE05E3323"


@pytest_asyncio.fixture
async def server(socket_enabled: None) -> AsyncIterator[LiveViewServer]:
    async with Simulator() as sim:
        yield await sim.add_liveview(
            cameras=[SimCamera(A), SimCamera(B, osd_supported=False, movie_supported=False)]
        )


async def test_rest_envelopes(server: LiveViewServer) -> None:
    async with aiohttp.ClientSession(server.url) as http:
        async with http.get(f"/api/cameras/{A}/live-view/status") as resp:
            assert await resp.json() == {
                "success": True,
                "data": {"enabled": "false", "streaming": "false"},
            }
        async with http.post(f"/api/cameras/{B}/live-view/osd-enable") as resp:
            assert resp.status == 400
            assert (await resp.json())["message"] == "OSD is not supported on this camera"
        async with http.post(f"/api/cameras/{B}/actions/movie-rec") as resp:
            assert resp.status == 400
        async with http.get(f"/api/cameras/{B}/properties/recording-state") as resp:
            assert resp.status == 400
        async with http.post(f"/api/cameras/{A}/actions/rewind") as resp:
            assert resp.status == 404
        async with http.get(f"/api/cameras/{A}/live-view/enable") as resp:
            assert resp.status == 405
        async with http.post(f"/api/cameras/{A}/live-view/rewind") as resp:
            assert resp.status == 404
        async with http.get(f"/api/cameras/{A}/connection") as resp:
            assert (await resp.json())["data"] == {"mode": "remote"}
        async with http.post(f"/api/cameras/{A}/connection", json={"mode": "bad"}) as resp:
            assert resp.status == 400
        async with http.post(f"/api/cameras/{A}/connection", data="{") as resp:
            assert (await resp.json())["message"] == "Failed to parse JSON body"
        async with http.post(f"/api/cameras/{A}/connection", json=[1]) as resp:
            assert resp.status == 400
        async with http.put(f"/api/cameras/{A}/connection") as resp:
            assert resp.status == 405
        async with http.put(f"/api/cameras/{A}/priority-key", json={"setting": "x"}) as resp:
            assert resp.status == 400
        async with http.delete(f"/api/cameras/{A}/connection") as resp:
            assert resp.status == 200 and not server.cameras[A].connected
        async with http.get(f"/api/cameras/{A}/live-view/status") as resp:
            assert (await resp.json())["message"] == "Camera not connected"
        async with http.get("/api/cameras/NOPE/events") as resp:
            assert resp.status == 404
        async with http.get("/nothing") as resp:
            assert (await resp.json()) == {"success": False, "message": "Not Found"}


async def _frames(ws: aiohttp.ClientWebSocketResponse, count: int) -> list[bytes]:
    frames: list[bytes] = []
    while len(frames) < count:
        msg = await ws.receive(timeout=5)
        if msg.type is aiohttp.WSMsgType.BINARY:
            frames.append(msg.data)
    return frames


async def test_websocket_rules(server: LiveViewServer) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.ws_connect(f"{server.url}/ws") as ws,
        http.ws_connect(f"{server.url}/ws") as idle,
    ):
        await ws.send_json({"action": "start_liveview", "cameraId": A})
        started = time.monotonic()
        frames = await _frames(ws, 30)
        rate = 30 / (time.monotonic() - started)
        assert 12 < rate < 18
        assert {parse_frame_tag(f).src for f in frames} == {f"{server.name}/{A}"}  # type: ignore[union-attr]
        # Only the socket that started live view gets frames.
        with pytest.raises(TimeoutError):
            await idle.receive(timeout=0.3)
        # One camera per socket: a second camera is refused with a text notice.
        await ws.send_json({"action": "start_liveview", "cameraId": B})
        notices = []
        while not notices:
            msg = await ws.receive(timeout=5)
            if msg.type is aiohttp.WSMsgType.TEXT and json.loads(msg.data)["type"] == "error":
                notices.append(json.loads(msg.data))
        assert "another camera" in notices[0]["message"]
        await ws.send_str("not json")
        await ws.send_json({"action": "dance"})
        await ws.send_json({"action": "stop_liveview"})
        await asyncio.sleep(0.1)
        assert not server.cameras[A].ws_viewers
        assert server.ws_opened == 2 and server.ws_open == 2
        # A camera that drops mid-stream ends the subscription with an error notice.
        await ws.send_json({"action": "start_liveview", "cameraId": A})
        await _frames(ws, 1)
        server.set_connected(A, False)
        while True:
            msg = await ws.receive(timeout=5)
            if msg.type is aiohttp.WSMsgType.TEXT and "disconnected" in msg.data:
                break
    await asyncio.sleep(0.1)
    assert server.ws_open == 0


async def test_sse_keepalive_and_events(server: LiveViewServer) -> None:
    server.keepalive = 0.05
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"{server.url}/api/cameras/{A}/events") as resp,
    ):
        assert resp.headers["Content-Type"] == "text/event-stream"
        assert await resp.content.readline() == b"event: connected\n"
        await resp.content.readline()
        await resp.content.readline()
        assert await resp.content.readline() == b": keepalive\n"
        server.add_camera(SimCamera("NEW"))
        server.set_connected(A, True)
        lines = [await resp.content.readline() for _ in range(4)]
        assert b"event: connected\n" in lines


def test_cli_family() -> None:
    family = next(f for f in FAMILIES if f.flag == "liveview")
    assert parse_args(["--liveview", "2"]).liveview == 2
    assert family.default == 1


async def test_cli_adds_two_cameras(socket_enabled: None) -> None:
    family = next(f for f in FAMILIES if f.flag == "liveview")
    async with Simulator() as sim:
        device = await family.add(sim, 0, 0)
        described = device.describe()
    assert described["family"] == "liveview" and len(described["cameras"]) == 2
    assert isinstance(device, LiveViewServer)
    assert [c.osd_supported for c in device.cameras.values()] == [True, False]
