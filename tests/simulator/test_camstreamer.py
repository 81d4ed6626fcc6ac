"""The simulated Axis camera with the CamStreamer apps, checked over raw HTTP and WebSocket.

These tests speak the wire formats directly (no CamHub client), so they pin down what the
simulator promises: the vendor docs' paths per API generation, Axis-style auth and app
gating, single-use tokens, init data, and an event for every state change.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from simulator import AxisCamera, Simulator
from simulator.camstreamer import SimStream

PLAYLIST_1 = "c0a1b2c3d-0000-4000-8000-000000000001"
CAMERA_2 = "c0a1b2c3d-0000-4000-8000-000000000002"


@pytest_asyncio.fixture
async def sim(socket_enabled: None) -> AsyncIterator[Simulator]:
    """A running simulator, stopped after the test."""
    async with Simulator() as simulator:
        yield simulator


@pytest_asyncio.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    """A Basic-auth session for cameras started with auth="basic"."""
    async with aiohttp.ClientSession(
        headers={"Authorization": aiohttp.encode_basic_auth("root", "pass")}
    ) as session:
        yield session


async def _camera(sim: Simulator, **kwargs: Any) -> AxisCamera:
    return await sim.add_axis_camera(auth="basic", **kwargs)


async def _json(http: aiohttp.ClientSession, url: str, **params: Any) -> Any:
    async with http.get(url, params=params) as resp:
        assert resp.status == 200
        return await resp.json(content_type=None)


async def _text(http: aiohttp.ClientSession, url: str, **params: Any) -> str:
    async with http.get(url, params=params) as resp:
        return await resp.text()


class EventClient:
    """A raw client of one app's event WebSocket."""

    def __init__(self, http: aiohttp.ClientSession, camera: AxisCamera, app: str) -> None:
        self.http, self.camera, self.app = http, camera, app
        self.ws: aiohttp.ClientWebSocketResponse | None = None

    async def token(self) -> str:
        prefix = "api/" if self.app != "camswitcher" or self.camera.generation == "new" else ""
        body = await _json(
            self.http, f"{self.camera.url}/local/{self.app}/{prefix}ws_authorization.cgi"
        )
        token = body.get("data") or body["message"]
        assert isinstance(token, str)
        return token

    async def connect(self, token: str | None = None) -> dict[str, Any]:
        path = {"camoverlay": "/local/camoverlay/service/ws"}.get(
            self.app, f"/local/{self.app}/events"
        )
        self.ws = await self.http.ws_connect(self.camera.url + path, protocols=("events",))
        assert self.ws.protocol == "events"
        await self.ws.send_json({"authorization": token or await self.token()})
        return await self.receive()

    async def receive(self) -> dict[str, Any]:
        assert self.ws is not None
        msg = await asyncio.wait_for(self.ws.receive(), 5)
        assert msg.type is aiohttp.WSMsgType.TEXT, msg
        data: dict[str, Any] = json.loads(msg.data)
        return data

    async def until(self, kind: str, **fields: Any) -> dict[str, Any]:
        """The next event of `kind` with these `fields` (unwrapped from an init wrapper)."""
        while True:
            message = await self.receive()
            event = message["data"] if message.get("type") == "init" else message
            if event.get("type") == kind and all(event.get(k) == v for k, v in fields.items()):
                return event

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()


def test_identity(socket_enabled: None) -> None:
    """The MAC is the serial; the CLI line names serial, model and generation."""
    camera = AxisCamera(serial="accc8e00000a", generation="old")
    assert camera.mac == "AC:CC:8E:00:00:0A"
    line = camera.describe()
    assert (line["serial"], line["model"], line["generation"]) == ("accc8e00000a", "M1065-L", "old")
    assert line["family"] == "camstreamer" and line["username"] == "root"


async def test_digest_realm_and_basicdeviceinfo(sim: Simulator) -> None:
    """Digest realm AXIS_<serial>; unrestricted identity without a login; unknown method."""
    camera = await sim.add_axis_camera(serial="ACCC8E0000AB")
    async with aiohttp.ClientSession() as anonymous:
        url = f"{camera.url}/axis-cgi/basicdeviceinfo.cgi"
        async with anonymous.post(url, json={"method": "getAllProperties"}) as resp:
            assert resp.status == 401
            assert 'realm="AXIS_ACCC8E0000AB"' in resp.headers["WWW-Authenticate"]
        async with anonymous.post(url, json={"method": "getAllUnrestrictedProperties"}) as resp:
            props = (await resp.json())["data"]["propertyList"]
            assert props["SerialNumber"] == "ACCC8E0000AB" and "HardwareID" not in props
    digest = aiohttp.DigestAuthMiddleware("root", "pass")
    async with aiohttp.ClientSession(middlewares=(digest,)) as session:
        async with session.post(url, json={"method": "getAllProperties"}) as resp:
            assert (await resp.json())["data"]["propertyList"]["HardwareID"] == "74F.1"
        async with session.get(url) as resp:
            assert (await resp.json())["error"]["code"] == 2002


async def test_app_gating(sim: Simulator, http: aiohttp.ClientSession) -> None:
    """Not installed 404, stopped 503, unlicensed 403 envelope; the app list says why."""
    camera = await _camera(sim, apps=("camstreamer", "camoverlay"))
    async with http.get(f"{camera.url}/local/camswitcher/api/playlists.cgi") as resp:
        assert resp.status == 404
    camera.set_app("camstreamer", status="Stopped")
    async with http.get(f"{camera.url}/local/camstreamer/stream_list.cgi") as resp:
        assert resp.status == 503
    camera.set_app("camoverlay", license="Missing")
    body = await _json(http, f"{camera.url}/local/camoverlay/api/services.cgi")
    assert body == {"status": 403, "message": "License is not valid"}
    camera.set_app("camoverlay", license="Valid")  # usable again: nothing to restart
    xml = await _text(http, f"{camera.url}/axis-cgi/applications/list.cgi")
    assert 'Name="CamStreamer"' in xml and 'Status="Stopped"' in xml
    assert "CamSwitcher" not in xml


async def test_generations_have_their_own_paths(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    """New: stream_list.cgi + set_stream_*.cgi, switcher under /api/; old: the others."""
    new = await _camera(sim)
    old = await _camera(sim, generation="old", serial="ACCC8E000002")
    body = await _json(http, f"{new.url}/local/camstreamer/stream_list.cgi", action="get")
    first = body["data"]["streamList"][0]
    assert first["streamId"] == "11" and first["enabled"] is False
    body = await _json(http, f"{old.url}/local/camstreamer/stream/list.cgi", action="get")
    assert body["12"]["enabled"] == "1"
    for camera, path in (
        (new, "/local/camstreamer/stream/list.cgi"),
        (old, "/local/camstreamer/stream_list.cgi"),
        (new, "/local/camswitcher/playlists.cgi"),
        (old, "/local/camswitcher/api/playlists.cgi"),
    ):
        async with http.get(camera.url + path) as resp:
            assert resp.status == 404, path
    token_new = await _json(http, f"{new.url}/local/camstreamer/api/ws_authorization.cgi")
    token_old = await _json(http, f"{old.url}/local/camstreamer/api/ws_authorization.cgi")
    assert token_new["message"] == "OK" and isinstance(token_new["data"], str)
    assert "data" not in token_old and len(token_old["message"]) == 20


async def test_stream_writes(sim: Simulator, http: aiohttp.ClientSession) -> None:
    """set_stream_*.cgi, stream/set.cgi, get.cgi, remove.cgi, and their refusals."""
    camera = await _camera(sim)
    url = f"{camera.url}/local/camstreamer/"
    async with http.post(
        url + "set_stream_enabled.cgi", data={"stream_id": "11", "enabled": "1"}
    ) as r:
        assert (await r.json())["status"] == 200
    assert camera.streams["11"].enabled and camera.streams["11"].start_count == 1
    async with http.post(
        url + "set_stream_active.cgi", data={"stream_id": "11", "active": "x"}
    ) as r:
        assert (await r.json())["status"] == 400
    assert (await _json(http, url + "stream/set.cgi", enabled="1"))["status"] == 400
    body = await _json(http, url + "stream/set.cgi", stream_id="12", active="0")
    assert body["status"] == 200 and not camera.streams["12"].active
    await _json(http, url + "stream/set.cgi", stream_id="api_1", title="New", trigger="input0")
    assert camera.streams["api_1"].title == "New"
    got = await _json(http, url + "stream/get.cgi", stream_id="api_1")
    assert got["data"]["trigger"] == "input0" and got["data"]["enabled"] == "0"
    assert (await _json(http, url + "stream/get.cgi", stream_id="x"))["status"] == 400
    assert (await _json(http, url + "get_streamstat.cgi", stream_id="x"))["status"] == 400
    assert (await _json(http, url + "stream/remove.cgi", stream_id="api_1"))["status"] == 200
    assert "api_1" not in camera.streams
    assert (await _json(http, url + "stream/remove.cgi", stream_id="api_1"))["status"] == 400


async def test_input_trigger_and_statistics(sim: Simulator) -> None:
    """A stream triggered by input 0 runs while the port is on; bytes and starts add up."""
    camera = await _camera(sim)
    stream = SimStream("30", enabled=True, params={"trigger": "input0"})
    camera.add_stream(stream)
    assert not camera.is_streaming(stream)
    camera.set_port(0, True)
    assert camera.is_streaming(stream) and stream.start_count == 1
    await asyncio.sleep(0.02)
    camera.set_port(0, False)
    assert not camera.is_streaming(stream) and stream.started_at is None
    assert camera.stream_bytes(stream) == stream.bytes_before > 0
    camera.set_stream_active("30", False)
    camera.set_port(0, True)
    assert not camera.is_streaming(stream) and stream.start_count == 1
    camera.set_stream_enabled("12", False)
    assert camera.stream_bytes(camera.streams["12"]) == 0


async def test_vapix_params_and_video(sim: Simulator, http: aiohttp.ClientSession) -> None:
    """param.cgi list/update with Axis's `# Error` answers; JPEG; MJPEG with a bad fps."""
    camera = await _camera(sim)
    url = f"{camera.url}/axis-cgi/param.cgi"
    assert (
        await _text(http, url, action="list", group="CamOverlay") == "root.CamOverlay.Enabled=1\n"
    )
    assert (await _text(http, url, action="list", group="Nope")).startswith("# Error")
    assert await _text(http, url, action="update", **{"camswitcher.masterAudio": "{"}) == (
        "# Error: bad value\n"
    )
    assert (await _text(http, url, action="update", **{"Nope.X": "1"})).startswith("# Error")
    assert (await _text(http, url, action="remove")).startswith("# Error")
    assert await _text(http, url, action="update", **{"CamOverlay.Enabled": "0"}) == "OK\n"
    assert not camera.overlay_enabled
    async with http.get(f"{camera.url}/axis-cgi/jpg/image.cgi") as resp:
        assert resp.content_type == "image/jpeg"
    async with http.get(f"{camera.url}/axis-cgi/mjpg/video.cgi", params={"fps": "x"}) as resp:
        assert "boundary=myboundary" in resp.headers["Content-Type"]
        assert (await resp.content.readline()).startswith(b"--myboundary")


async def test_switcher(sim: Simulator, http: aiohttp.ClientSession) -> None:
    """Playlists, clips, queue and switching; unknown playlists refused; fresh output links."""
    camera = await _camera(sim)
    api = f"{camera.url}/local/camswitcher/api/"
    playlists = (await _json(http, api + "playlists.cgi", action="get"))["data"]
    assert playlists[PLAYLIST_1]["niceName"] == "Main camera"
    assert len((await _json(http, api + "clips.cgi", action="get"))["data"]) == 1
    assert (await _json(http, api + "playlist_queue_push.cgi", playlist_name="x"))["status"] == 400
    assert (await _json(http, api + "playlist_switch.cgi", playlist_name="x"))["status"] == 400
    await _json(http, api + "playlist_queue_play_next.cgi")  # empty queue: nothing happens
    assert camera.current_playlist == PLAYLIST_1
    await _json(http, api + "playlist_queue_push.cgi", playlist_name=CAMERA_2)
    queue = await _json(http, api + "playlist_queue_list.cgi")
    assert queue["data"]["playlist_queue_list"] == [CAMERA_2]
    await _json(http, api + "playlist_queue_clear.cgi")
    assert camera.queue == []
    links = [
        (await _json(http, f"{camera.url}/local/camswitcher/output_info.cgi"))["data"]["rtsp_url"]
        for _ in range(2)
    ]
    assert links[0] != links[1] and links[0].startswith("rtsp://127.0.0.1:1554/")


async def test_overlay(sim: Simulator, http: aiohttp.ClientSession) -> None:
    """Services get/set, enabled.cgi by id or name, ticker and custom graphics validation."""
    camera = await _camera(sim)
    api = f"{camera.url}/local/camoverlay/api/"
    services = (await _json(http, api + "services.cgi", action="get"))["services"]
    assert services[0]["source"] == "Welcome" and services[1]["fields"] == {"field1": "0:0"}
    async with http.post(api + "services.cgi", params={"action": "set"}, json={}) as resp:
        assert (await resp.json())["status"] == 200
    assert (await _json(http, api + "enabled.cgi", name_Scoreboard="1"))["status"] == 200
    assert camera.services[2].enabled
    assert (await _json(http, api + "enabled.cgi", id_9="1"))["status"] == 400
    assert (await _json(http, api + "enabled.cgi", id_1="maybe"))["status"] == 400
    assert (await _json(http, api + "enabled.cgi", name_Nope="1"))["status"] == 400
    assert (await _json(http, api + "infoticker.cgi", service_id="1"))["status"] == 400
    assert (await _json(http, api + "infoticker.cgi", service_id="x", text="a"))["status"] == 400
    bad = await _json(http, api + "customGraphics.cgi", service_id="2", action="update_logo")
    assert bad["status"] == 400
    moved = await _json(
        http, api + "customGraphics.cgi", service_id="2", action="update_image", pos_x="5"
    )
    assert moved["status"] == 200 and camera.services[2].image == {"pos_x": "5"}
    camera.network_cameras = [{"name": "AXIS Q3515 - ACCC8EBE6D6F", "ip": "10.0.0.8"}]
    listed = await _json(http, f"{camera.url}/local/camscripter/network_camera_list.cgi")
    assert listed == {"camera_list": camera.network_cameras}


async def test_tokens_are_single_use_and_expire(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    """A token works once, for its own app, within its lifetime; anything else is refused."""
    camera = await _camera(sim)
    client = EventClient(http, camera, "camstreamer")
    token = await client.token()
    assert await client.connect(token) == {"type": "authorization", "state": "OK"}
    await client.close()
    assert (await client.connect(token))["state"] == "Error"  # spent
    await client.close()
    overlay_token = await EventClient(http, camera, "camoverlay").token()
    assert (await client.connect(overlay_token))["state"] == "Error"  # another app's
    await client.close()
    camera.token_lifetime = 0.0
    assert (await client.connect())["state"] == "Error"  # expired
    await client.close()


async def test_bad_first_messages(sim: Simulator, http: aiohttp.ClientSession) -> None:
    """A binary or non-JSON first message is an authorization error."""
    camera = await _camera(sim)
    url = f"{camera.url}/local/camstreamer/events"
    for first in (b"\x00", "not json", "[1]"):
        async with http.ws_connect(url, protocols=("events",)) as ws:
            if isinstance(first, bytes):
                await ws.send_bytes(first)
            else:
                await ws.send_str(first)
            assert (await ws.receive_json(timeout=5))["state"] == "Error"
    camera.set_app("camstreamer", status="Stopped")
    with pytest.raises(aiohttp.WSServerHandshakeError) as err:
        await http.ws_connect(url, protocols=("events",))
    assert err.value.status == 404


@pytest.mark.parametrize("generation", ["new", "old"])
async def test_camstreamer_events(
    sim: Simulator, http: aiohttp.ClientSession, generation: str
) -> None:
    """Init data after authorization and on sendInitData; events for every change."""
    camera = await _camera(sim, generation=generation)
    client = EventClient(http, camera, "camstreamer")
    await client.connect()
    first = await client.receive()
    key = "streamId" if generation == "new" else "streamID"
    event = first.get("data", first)
    assert event["type"] == "StreamState" and event[key] == "11"
    assert ("data" in first) == (generation == "old")
    assert (await client.until("PortChanged"))["port"] == 0
    assert client.ws is not None
    await client.ws.send_bytes(b"ignored")
    await client.ws.send_str("not json either")
    await client.ws.send_json({"command": "sendInitData"})
    assert (await client.until("StreamState"))[key] == "11"
    camera.set_stream_enabled("11", True)
    changed = await client.until("StreamState", **{key: "11", "enabled": True})
    assert changed["isStreaming"] in (True, 1)
    camera.set_port(1, True)
    assert (await client.until("PortChanged")) == {"type": "PortChanged", "port": 1, "value": 1}
    sent = camera.events_sent
    camera.remove_stream("12")  # the app restarts: the socket closes
    assert client.ws is not None
    msg = await asyncio.wait_for(client.ws.receive(), 5)
    while msg.type is aiohttp.WSMsgType.TEXT:
        msg = await asyncio.wait_for(client.ws.receive(), 5)
    assert msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
    assert camera.events_sent == sent


async def test_switcher_and_overlay_events(sim: Simulator, http: aiohttp.ClientSession) -> None:
    """CamSwitcher: SwitcherStart, the playing playlist, sources; CamOverlay: services."""
    camera = await _camera(sim, generation="old")
    switcher = EventClient(http, camera, "camswitcher")
    await switcher.connect()
    assert (await switcher.until("SwitcherStart"))["default_playlist_id"] == PLAYLIST_1
    assert (await switcher.until("StreamSwitchVideo"))["playlist_name"] == PLAYLIST_1
    camera.set_source_available(CAMERA_2, False)
    assert await switcher.until("StreamAvailable", stream_name=CAMERA_2, state=False)
    camera.switch_playlist(CAMERA_2)  # old apps: StreamSwitchVideo only
    assert (await switcher.until("StreamSwitchVideo"))["playlist_name"] == CAMERA_2
    camera.current_playlist = None
    assert camera.init_data("camswitcher")[1]["data"]["type"] == "StreamAvailable"
    assert camera.init_data("camscripter") == []
    overlay = EventClient(http, camera, "camoverlay")
    await overlay.connect()
    assert (await overlay.until("ServiceStart"))["serviceId"] == 1
    camera.set_service_enabled(1, False)
    assert await overlay.until("ServiceStop", serviceId=1)
    await camera.drop_event_sockets()
    assert overlay.ws is not None
    msg = await asyncio.wait_for(overlay.ws.receive(), 5)
    while msg.type is aiohttp.WSMsgType.TEXT:
        msg = await asyncio.wait_for(overlay.ws.receive(), 5)
    assert msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
    await switcher.close()


async def test_new_switcher_sends_playlist_switch(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    """Newer CamSwitcher versions also send PlaylistSwitch, bare (no init wrapper)."""
    camera = await _camera(sim)
    switcher = EventClient(http, camera, "camswitcher")
    await switcher.connect()
    camera.switch_playlist(CAMERA_2)
    assert (await switcher.until("PlaylistSwitch"))["playlist_name"] == CAMERA_2
    await switcher.close()
