"""The Axis / CamStreamer apps client: wire formats, and the client against the simulator.

Parsers are tested with the documented bodies of both API generations and with broken
device input (which must become a typed error); the client is tested over loopback against
`simulator.AxisCamera` in both generations, with Digest and Basic auth.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from custom_components.camhub.api.camstreamer import (
    App,
    AppInfo,
    AudioEvent,
    AvailabilityEvent,
    AxisCamStreamerClient,
    AxisInfo,
    AxisState,
    MasterAudio,
    OverlayService,
    OverlayState,
    Playlist,
    PlaylistEvent,
    PortEvent,
    ServiceEvent,
    Stream,
    StreamStateEvent,
    SwitcherStartEvent,
    SwitcherState,
    apply_event,
    custom_graphics_params,
    is_unknown_item,
    parse_applications,
    parse_clips,
    parse_device_info,
    parse_error,
    parse_events,
    parse_master_audio,
    parse_network_cameras,
    parse_output_info,
    parse_params,
    parse_playlists,
    parse_queue,
    parse_services,
    parse_stream_list,
    parse_stream_stats,
    parse_ws_token,
    realm_serial,
    validate_stream_params,
)
from custom_components.camhub.api.errors import (
    AuthError,
    ConnectError,
    DeviceError,
    ProtocolError,
)
from simulator import AxisCamera, Simulator, parse_frame_tag
from simulator.camstreamer import SimStream

PLAYLIST_1 = "c0a1b2c3d-0000-4000-8000-000000000001"
PLAYLIST_2 = "c0a1b2c3d-0000-4000-8000-000000000002"
CLIP = "s0a1b2c3d-0000-4000-8000-000000000003"


# --- events -----------------------------------------------------------------------------------


def test_stream_state_both_generations() -> None:
    """`streamID` with 0/1 in an init wrapper, `streamId` with booleans bare: the same event."""
    old = {
        "type": "init",
        "data": {
            "type": "StreamState",
            "streamID": "117930",
            "enabled": 0,
            "active": 1,
            "automationState": 1,
            "isStreaming": 0,
        },
    }
    new = {
        "type": "StreamState",
        "streamId": "117930",
        "enabled": False,
        "active": True,
        "isStreaming": False,
    }
    expected = [StreamStateEvent("117930", enabled=False, active=True, is_streaming=False)]
    assert parse_events("camstreamer", old) == [  # the docs' init data: a snapshot
        StreamStateEvent("117930", False, True, False, automation_state=True, init=True)
    ]
    assert parse_events("camstreamer", new) == expected
    bare_data = {"data": [new, {"type": "PortChanged", "port": 0, "value": "1"}]}
    assert parse_events("camstreamer", bare_data) == [*expected, PortEvent(0, True)]
    assert parse_events("camstreamer", [new]) == expected
    no_streaming = {k: v for k, v in new.items() if k != "isStreaming"}
    assert parse_events("camstreamer", no_streaming)[0].is_streaming is None  # type: ignore[union-attr]


def test_switcher_and_overlay_events() -> None:
    """CamSwitcher's playlist and availability events, CamOverlay's service start/stop."""
    assert parse_events(
        "camswitcher",
        {"type": "init", "data": {"type": "StreamSwitchVideo", "playlist_name": "c1"}},
    ) == [PlaylistEvent("c1")]
    assert parse_events("camswitcher", {"type": "PlaylistSwitch", "playlist_id": "p2"}) == [
        PlaylistEvent("p2")
    ]
    assert parse_events(
        "camswitcher", {"type": "StreamAvailable", "stream_name": "c1", "state": False}
    ) == [AvailabilityEvent("c1", False)]
    audio = {"type": "StreamSwitchAudio", "stream_name": "c2", "playlist_name": "c2"}
    assert parse_events("camswitcher", {"type": "init", "data": audio}) == [AudioEvent("c2")]
    start = {"type": "SwitcherStart", "default_playlist_id": "c1"}
    assert parse_events("camswitcher", start) == [SwitcherStartEvent("c1")]
    assert parse_events("camswitcher", {"type": "SwitcherStart"}) == [SwitcherStartEvent(None)]
    assert parse_events("camoverlay", {"type": "ServiceStart", "serviceId": 2}) == [
        ServiceEvent(2, True)
    ]
    assert parse_events("camoverlay", {"type": "ServiceStop", "serviceID": "3"}) == [
        ServiceEvent(3, False)
    ]


def test_unknown_events_are_skipped() -> None:
    """Types the integration does not use, or of another app, are no events (and no error)."""
    assert parse_events("camoverlay", {"type": "StreamState", "streamId": "1"}) == []
    assert parse_events("camstreamer", {"type": "authorization", "state": "OK"}) == []


@pytest.mark.parametrize(
    ("app", "message"),
    [
        ("camstreamer", "not an object"),
        ("camstreamer", {"type": "StreamState", "enabled": 1, "active": 1}),
        ("camstreamer", {"type": "StreamState", "streamId": "", "enabled": 1, "active": 1}),
        ("camstreamer", {"type": "StreamState", "streamId": "1", "enabled": 2, "active": 1}),
        ("camstreamer", {"type": "StreamState", "streamId": "1", "enabled": "yes", "active": 1}),
        ("camstreamer", {"type": "StreamState", "streamId": "1", "enabled": None, "active": 1}),
        ("camstreamer", {"type": "PortChanged", "port": "0", "value": 1}),
        ("camswitcher", {"type": "StreamSwitchVideo"}),
        ("camswitcher", {"type": "StreamAvailable", "state": True}),
        ("camswitcher", {"type": "StreamSwitchAudio"}),
        ("camswitcher", {"type": "StreamAvailable", "stream_name": "c", "state": "maybe"}),
        ("camoverlay", {"type": "ServiceStart"}),
        ("camoverlay", {"type": "ServiceStop", "serviceId": "x"}),
    ],
)
def test_bad_events_raise_protocol_error(app: Any, message: Any) -> None:
    """A known event type with unusable fields is the device's error, typed."""
    with pytest.raises(ProtocolError):
        parse_events(app, message)


def _state(**kwargs: Any) -> AxisState:
    info = AxisInfo("ACCC8E000001", "M1065-L", "AXIS M1065-L")
    return AxisState(info=info, apps={}, **kwargs)


def test_apply_event() -> None:
    """Each event makes a new state; the old one is unchanged."""
    stream = Stream("11", "Sunday mass", enabled=False, active=True)
    state = _state(
        streams={"11": stream},
        switcher=SwitcherState({"c1": Playlist("c1", "Main")}, {}, MasterAudio()),
        overlay=OverlayState(True, {1: OverlayService(1, "infoticker", "", False, "hi")}),
    )
    after = apply_event(state, StreamStateEvent("11", True, True, True))
    assert after.streams is not None and after.streams["11"].enabled
    assert after.streams["11"].name == "Sunday mass"
    assert state.streams is not None and not state.streams["11"].enabled
    new_stream = apply_event(state, StreamStateEvent("99", True, False, None))
    assert new_stream.streams is not None and new_stream.streams["99"].name == "99"
    assert apply_event(state, PortEvent(1, True)).ports == {1: True}
    switched = apply_event(state, PlaylistEvent("c1"))
    assert switched.switcher is not None and switched.switcher.current_playlist == "c1"
    gone = apply_event(state, AvailabilityEvent("c1", False))
    assert gone.switcher is not None and gone.switcher.available == {"c1": False}
    started = apply_event(state, ServiceEvent(1, True))
    assert started.overlay is not None and started.overlay.services[1].enabled
    assert started.overlay.services[1].text == "hi"
    new_service = apply_event(state, ServiceEvent(7, True))
    assert new_service.overlay is not None and new_service.overlay.services[7].type == "service"
    bare = _state()
    assert apply_event(bare, PlaylistEvent("c1")) is bare
    assert apply_event(bare, ServiceEvent(1, True)) is bare
    from_nothing = apply_event(bare, StreamStateEvent("1", True, True, True))
    assert from_nothing.streams is not None and "1" in from_nothing.streams


def test_is_unknown_item() -> None:
    """Events naming things the state does not list (yet) ask for a refresh."""
    state = _state(
        streams={},
        switcher=SwitcherState({}, {}, MasterAudio()),
        overlay=OverlayState(True, {}),
    )
    assert is_unknown_item(state, StreamStateEvent("1", True, True, None))
    assert is_unknown_item(state, ServiceEvent(1, True))
    assert is_unknown_item(state, PlaylistEvent("c1"))
    assert not is_unknown_item(state, PortEvent(0, True))
    assert not is_unknown_item(_state(), StreamStateEvent("1", True, True, None))


# --- parsers ----------------------------------------------------------------------------------


def test_parse_error() -> None:
    """The apps' JSON envelope and VAPIX JSON errors become typed errors; others are not."""
    err = parse_error(200, b'{"status": 400, "message": "Invalid stream_id"}')
    assert isinstance(err, DeviceError) and err.code == 400
    assert isinstance(parse_error(401, b'{"status": 401, "message": "no"}'), AuthError)
    vapix = parse_error(200, b'{"error": {"code": 2002, "message": "Method not supported"}}')
    assert isinstance(vapix, DeviceError) and vapix.code == 2002
    assert parse_error(500, b"<html>") is None
    assert parse_error(500, b"[1]") is None
    assert parse_error(200, b'{"status": 200, "message": "OK"}') is None


def _device_info(**props: Any) -> dict[str, Any]:
    return {"apiVersion": "1.3", "data": {"propertyList": props}}


def test_parse_device_info() -> None:
    """Serial (upper-cased), model and name from basicdeviceinfo; fallbacks for missing names."""
    info = parse_device_info(
        _device_info(SerialNumber="accc8e000001", ProdNbr="M1065-L", Version="10.12")
    )
    assert info == AxisInfo("ACCC8E000001", "M1065-L", "AXIS M1065-L", "10.12", "AXIS")
    bare = parse_device_info(_device_info(SerialNumber="B8A44F000001"))
    assert (bare.model, bare.name, bare.firmware) == ("Axis camera", "AXIS Axis camera", None)
    with pytest.raises(DeviceError):
        parse_device_info({"error": {"code": 2002, "message": "no"}})
    bad: Any
    for bad in ([], {"data": []}, {"data": {"propertyList": "x"}}, _device_info(SerialNumber="")):
        with pytest.raises(ProtocolError):
            parse_device_info(bad)


def test_parse_applications() -> None:
    """Apps by lower-case name with licence and status; broken XML is a protocol error."""
    body = (
        b'<reply result="ok"><application Name="CamStreamer" NiceName="CamStreamer App" '
        b'Version="4.1" License="Valid" Status="Running"/>'
        b'<application Name="CamOverlay" License="Missing" Status="Stopped"/>'
        b'<application NiceName="nameless"/><application Name="camswitcher" '
        b'License="Custom" Status="Idle"/></reply>'
    )
    apps = parse_applications(body)
    assert set(apps) == {"camstreamer", "camoverlay", "camswitcher"}
    assert apps["camstreamer"].usable
    assert apps["camoverlay"].nice_name == "CamOverlay"
    assert not apps["camoverlay"].licensed and not apps["camoverlay"].running
    assert apps["camswitcher"].licensed and not apps["camswitcher"].usable
    assert AppInfo("x", "x", None, "None", "Stopped").license == "None"
    with pytest.raises(ProtocolError):
        parse_applications(b"<reply")
    with pytest.raises(ProtocolError):
        parse_applications(b'<reply result="error"/>')


def test_parse_stream_list() -> None:
    """Both list generations; names from title/platform, duplicates told apart by id."""
    new = {
        "status": 200,
        "data": {
            "streamList": [
                {"streamId": "11", "enabled": True, "active": False, "title": " Mass "},
                {"streamId": 12, "enabled": False, "platform": "youtube", "trigger": "input0"},
                {"streamId": "13", "enabled": False, "platform": "youtube", "trigger": ""},
                {"enabled": True},
                "junk",
            ]
        },
    }
    streams = parse_stream_list(new)
    assert list(streams) == ["11", "12", "13"]
    assert streams["11"].name == "Mass" and streams["11"].enabled and not streams["11"].active
    assert streams["12"].name == "youtube 12" and streams["13"].name == "youtube 13"
    assert streams["12"].trigger == "input0" and streams["13"].trigger == "none"
    old = {"3577": {"enabled": "1", "active": "0"}, "3578": {"enabled": "0"}, "x": "junk"}
    streams = parse_stream_list(old)
    assert streams["3577"] == Stream("3577", "3577", True, False)
    assert streams["3578"].active  # missing `active` means not paused
    with pytest.raises(ProtocolError):
        parse_stream_list([])
    with pytest.raises(ProtocolError):
        parse_stream_list({"1": {"enabled": "on"}})


def test_parse_stream_stats() -> None:
    """The documented get_streamstat.cgi answer; non-numbers become None."""
    doc = {
        "status": 200,
        "message": "OK",
        "data": {
            "net_stats": "110779840 1107300413",
            "stream_bytes_time_ms": 1600092179717,
            "stream_bytes": 568335,
            "start_count": 1,
            "is_streaming": 1,
        },
    }
    stats = parse_stream_stats(doc)
    assert (stats.bytes_sent, stats.start_count, stats.is_streaming) == (568335, 1, True)
    odd = parse_stream_stats({"data": {"stream_bytes": True, "start_count": "2"}})
    assert (odd.bytes_sent, odd.start_count, odd.is_streaming) == (None, None, False)
    with pytest.raises(DeviceError):
        parse_stream_stats({"status": 400, "message": "Unknown stream_id"})
    with pytest.raises(ProtocolError):
        parse_stream_stats({"data": []})


def test_parse_playlists_clips_queue() -> None:
    """CamSwitcher lists: playlists by id, clips as an object or a list, the queue."""
    playlists = parse_playlists(
        {"status": 200, "data": {"c1": {"niceName": "Main"}, "p2": {}, "junk": 1}}
    )
    assert playlists == {"c1": Playlist("c1", "Main"), "p2": Playlist("p2", "p2")}
    assert parse_clips({"data": {"s1": {"niceName": "Intro"}, "s2": "x"}}) == {
        "s1": "Intro",
        "s2": "s2",
    }
    assert parse_clips({"data": [{"id": "s1"}, {"id": ""}, "junk"]}) == {"s1": "s1"}
    assert parse_queue({"playlist_queue_list": ["p1", "c2"]}) == ["p1", "c2"]
    assert parse_queue(["p1"]) == ["p1"]
    for bad in ({"playlist_queue_list": "p1"}, [1], None):
        with pytest.raises(ProtocolError):
            parse_queue(bad)
    with pytest.raises(ProtocolError):
        parse_playlists({"data": []})


def test_parse_params_and_master_audio() -> None:
    """VAPIX param lines; master audio JSON bare or wrapped; errors typed."""
    body = b'root.CamOverlay.Enabled=1\nroot.camswitcher.masterAudio={"type":"CLIP"}\njunk\n'
    assert parse_params(body) == {
        "CamOverlay.Enabled": "1",
        "camswitcher.masterAudio": '{"type":"CLIP"}',
    }
    with pytest.raises(DeviceError):
        parse_params(b"# Error: Error -1 getting param in group 'x'\n")
    assert parse_master_audio(None) == MasterAudio()
    assert parse_master_audio('{"type":"stream","stream_name":"c1"}') == MasterAudio("STREAM", "c1")
    wrapped = '{"master_audio":{"type":"CLIP","stream_name":"","clip_name":"s1"}}'
    assert parse_master_audio(wrapped) == MasterAudio("CLIP", clip_name="s1")
    for bad in ("{", "[]", '{"type":"LOUD"}'):
        with pytest.raises(ProtocolError):
            parse_master_audio(bad)


def test_parse_services() -> None:
    """Overlay services; an Info Ticker's text only when its source is text."""
    services = parse_services(
        {
            "services": [
                {"id": 1, "enabled": 1, "name": "infoticker", "source": "Hi"},
                {"id": 2, "enabled": 0, "name": "infoticker", "sourceType": "rss"},
                {"id": 3, "enabled": True, "name": "images", "customName": "Logo"},
                {"id": "4", "enabled": 1},
                "junk",
            ]
        }
    )
    assert services[1] == OverlayService(1, "infoticker", "", True, "Hi")
    assert services[2].text is None and not services[2].enabled
    assert services[3].custom_name == "Logo" and services[3].text is None
    assert set(services) == {1, 2, 3}
    assert parse_services({"services": None}) == {}
    with pytest.raises(ProtocolError):
        parse_services({"services": [{"id": 1, "enabled": "sometimes"}]})


def test_parse_ws_token() -> None:
    """The token in `data` (newer) or `message` (older, and CamOverlay)."""
    assert parse_ws_token({"status": 200, "message": "OK", "data": "tok1"}) == "tok1"
    assert parse_ws_token({"status": 200, "message": "YZWG1nBG7HtRc8Owy61P"}) == (
        "YZWG1nBG7HtRc8Owy61P"
    )
    with pytest.raises(AuthError):
        parse_ws_token({"status": 401, "message": "Unauthorized"})
    with pytest.raises(DeviceError):
        parse_ws_token({"status": 403, "message": "License is not valid"})
    with pytest.raises(ProtocolError):
        parse_ws_token({"status": 200, "message": "OK"})
    with pytest.raises(ProtocolError):
        parse_ws_token("token")


def test_parse_output_info() -> None:
    """The documented output_info answer; no RTSP link is a protocol error."""
    url = parse_output_info(
        {
            "status": 200,
            "message": "OK",
            "data": {"rtsp_url": "rtsp://127.0.0.1:1554/6da0c0", "ws": "ws://127.0.0.1/x"},
        }
    )
    assert (url.port, url.path) == (1554, "/6da0c0")
    bad: Any
    for bad in ({"data": {"rtsp_url": "http://x"}}, {"data": {}}, {"data": "x"}):
        with pytest.raises(ProtocolError):
            parse_output_info(bad)


def test_state_usable() -> None:
    """An app is usable when it is listed, licensed and running."""
    running = AppInfo("CamStreamer", "CamStreamer App", "4", "Valid", "Running")
    stopped = AppInfo("CamOverlay", "CamOverlay App", "4", "Valid", "Stopped")
    state = _state_with_apps({"camstreamer": running, "camoverlay": stopped})
    assert state.usable("camstreamer")
    assert not state.usable("camoverlay") and not state.usable("camswitcher")


def _state_with_apps(apps: dict[str, AppInfo]) -> AxisState:
    return AxisState(info=AxisInfo("ACCC8E000001", "M1065-L", "AXIS M1065-L"), apps=apps)


def test_parse_network_cameras_and_realm() -> None:
    """Serials from mDNS names; the Digest realm names the serial too."""
    cameras = parse_network_cameras(
        {
            "camera_list": [
                {"name": "AXIS A8207-VE - ACCC8EBFD3E5", "ip": "192.168.91.211"},
                {"name": "Some NVR", "ip": "192.168.91.5", "port": 8080},
                {"ip": "192.168.91.6"},
                {"name": "no ip"},
                "junk",
            ]
        }
    )
    assert [(c.serial, c.host, c.port) for c in cameras] == [
        ("ACCC8EBFD3E5", "192.168.91.211", None),
        (None, "192.168.91.5", 8080),
        (None, "192.168.91.6", None),
    ]
    assert cameras[2].name == "192.168.91.6"
    assert parse_network_cameras({"camera_list": None}) == []
    assert realm_serial('Digest realm="AXIS_accc8e000001", nonce="x"') == "ACCC8E000001"
    assert realm_serial('Digest realm="camhub-sim"') is None


async def test_event_headers(session: aiohttp.ClientSession) -> None:
    """Nothing before a challenge (unless the camera wants Basic), then the right answer."""
    client = AxisCamStreamerClient(session, "http://127.0.0.1:9", "root", "pass")
    assert client.event_headers("camstreamer", None) == {}
    assert client.event_headers("camoverlay", 'Basic realm="x"') == {
        "Authorization": "Basic cm9vdDpwYXNz"
    }
    digest = client.event_headers("camoverlay", 'Digest realm="x", nonce="n", qop="auth"')
    assert 'uri="/local/camoverlay/service/ws"' in digest["Authorization"]
    assert (
        AxisCamStreamerClient(session, "http://127.0.0.1:9").event_headers(
            "camstreamer", 'Basic realm="x"'
        )
        == {}
    )


# --- validation -------------------------------------------------------------------------------


def test_validate_stream_params() -> None:
    """Booleans become 0/1, None is dropped, the protocol picks the URL schemes."""
    params = validate_stream_params(
        {
            "enabled": True,
            "active": False,
            "audioSource": "default",
            "protocol": "rtmp",
            "mediaServerUrl": "rtmp://a.rtmp.youtube.com/live2/key",
            "trigger": "recurrent",
            "schedule": '[{"day_from": 0, "day_to": 0, "time_from": "08:00:00",'
            ' "time_to": "09:30:00"}]',
            "avSyncMsec": -40,
            "statusPort": None,
        }
    )
    assert params["enabled"] == "1" and params["active"] == "0"
    assert "protocol" not in params and "statusPort" not in params
    assert params["schedule"] == (
        '[{"day_from":0,"day_to":0,"time_from":"08:00:00","time_to":"09:30:00"}]'
    )
    assert params["avSyncMsec"] == "-40"
    assert validate_stream_params({"mediaServerUrl": "srt://:9000", "trigger": "input1"})
    timed = {"trigger": "time", "startTime": 1551694200, "stopTime": 1551705000}
    assert validate_stream_params(timed)["stopTime"] == "1551705000"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"protocol": "rtmp", "mediaServerUrl": "srt://x:1"}, "rtmp://"),
        ({"mediaServerUrl": "http://x"}, "mediaServerUrl"),
        ({"trigger": "sometimes"}, "trigger"),
        ({"trigger": "inputX"}, "trigger"),
        ({"schedule": "["}, "not JSON"),
        ({"schedule": "{}"}, "JSON list"),
        ({"schedule": "[1]"}, "objects"),
        ({"schedule": '[{"day_from": 7}]'}, "day_from"),
        ({"schedule": '[{"day_from": 0, "day_to": true}]'}, "day_to"),
        (
            {"schedule": '[{"day_from": 0, "day_to": 1, "time_from": "24:00:00"}]'},
            "time_from",
        ),
        ({"startTime": "soon"}, "startTime"),
        ({"trigger": "time", "startTime": 10, "stopTime": 10}, "before"),
    ],
)
def test_validate_stream_params_rejects(params: dict[str, Any], message: str) -> None:
    """Bad user input is a ValueError that says what is wrong."""
    with pytest.raises(ValueError, match=message):
        validate_stream_params(params)


def test_custom_graphics_params() -> None:
    """update_text with texts, colours (two notations) and variant indexes."""
    params = custom_graphics_params(
        2,
        {"field1": "3:1"},
        colors={"field1": "255, 0,0", "field2": "255255255255"},
        indexes={"field3": 0},
    )
    assert params == {
        "action": "update_text",
        "service_id": "2",
        "field1": "3:1",
        "field1_color": "255000000",
        "field2_color": "255255255255",
        "field3_index": "0",
    }
    for texts, colors, indexes, message in (
        ({}, None, None, "at least one"),
        ({"bad name": "x"}, None, None, "field name"),
        ({"action": "x"}, None, None, "field name"),
        ({}, {"f": "red"}, None, "colour"),
        ({}, {"f": "256,0,0"}, None, "colour"),
        ({}, None, {"f": -1}, "index"),
        ({}, None, {"f": True}, "index"),
    ):
        with pytest.raises(ValueError, match=message):
            custom_graphics_params(1, texts, colors, indexes)


# --- the client against the simulator ---------------------------------------------------------


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    """A client session of the test's own (Home Assistant's in the integration)."""
    async with aiohttp.ClientSession() as client_session:
        yield client_session


@pytest.fixture(params=["new", "old"])
async def camera(sim: Simulator, request: pytest.FixtureRequest) -> AxisCamera:
    """A simulated Axis camera with all four apps, in each API generation."""
    return await sim.add_axis_camera(generation=request.param)


@pytest.fixture
def client(camera: AxisCamera, session: aiohttp.ClientSession) -> AxisCamStreamerClient:
    """A logged-in client of the camera."""
    return AxisCamStreamerClient(session, camera.url, camera.username, camera.password)


async def test_identity_and_apps(camera: AxisCamera, client: AxisCamStreamerClient) -> None:
    """basicdeviceinfo with and without login, the app list, the Digest realm's serial."""
    info = await client.device_info()
    assert (info.serial, info.model) == (camera.serial, camera.model)
    assert (await client.unrestricted_info()).serial == camera.serial
    apps = await client.applications()
    assert set(apps) == {"camstreamer", "camswitcher", "camoverlay", "camscripter"}
    assert all(a.usable for a in apps.values())
    anonymous = AxisCamStreamerClient(client.session, camera.url)
    assert realm_serial(await anonymous.challenge() or "") == camera.serial
    assert await client.challenge() is not None  # challenge() never sends the login
    with pytest.raises(AuthError):
        await anonymous.applications()


async def test_old_firmware_needs_login(sim: Simulator, session: aiohttp.ClientSession) -> None:
    """Firmware without getAllUnrestrictedProperties: identity only with the login."""
    camera = await sim.add_axis_camera(unrestricted_info=False)
    with pytest.raises(AuthError):
        await AxisCamStreamerClient(session, camera.url).unrestricted_info()
    client = AxisCamStreamerClient(session, camera.url, "root", "pass")
    assert (await client.device_info()).serial == camera.serial


async def test_wrong_password_and_basic_fallback(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    """A refused login is AuthError; a Basic-only camera is served after the fallback."""
    digest = await sim.add_axis_camera()
    with pytest.raises(AuthError):
        await AxisCamStreamerClient(session, digest.url, "root", "wrong").streams()
    basic = await sim.add_axis_camera(auth="basic", serial="ACCC8E000002")
    client = AxisCamStreamerClient(session, basic.url, "root", "pass")
    assert "11" in await client.streams()
    assert client.transport.auth_mode == "basic"


async def test_video(camera: AxisCamera, client: AxisCamStreamerClient) -> None:
    """Snapshot, MJPEG frames, the RTSP link with credentials, the CamSwitcher output."""
    jpeg = await client.snapshot()
    assert parse_frame_tag(jpeg) is not None
    frames = client.mjpeg(100)
    try:
        first = await anext(frames)
        second = await anext(frames)
    finally:
        await frames.aclose()  # type: ignore[attr-defined]
    assert first.startswith(b"\xff\xd8") and second.startswith(b"\xff\xd8")
    assert client.rtsp_url() == "rtsp://root:pass@127.0.0.1:554/axis-media/media.amp"
    link = await client.switcher_output_url()
    assert link == f"rtsp://root:pass@127.0.0.1:1554/{camera.output_links[-1]}"
    assert await client.switcher_output_url() != link  # single-use: a fresh one each time
    odd = AxisCamStreamerClient(client.session, "http://[::1]:9", "us er", "p@ss")
    assert odd.rtsp_url() == "rtsp://us%20er:p%40ss@[::1]:554/axis-media/media.amp"
    anonymous = AxisCamStreamerClient(client.session, "http://cam.local")
    assert anonymous.rtsp_url() == "rtsp://cam.local:554/axis-media/media.amp"


async def test_streams(camera: AxisCamera, client: AxisCamStreamerClient) -> None:
    """List, start, pause, statistics and create/modify/remove in either generation."""
    streams = await client.streams()
    assert client.streamer_generation == camera.generation
    assert set(streams) == {"11", "12"} and streams["12"].enabled
    assert await client.streams() == streams  # the learnt generation's path at once
    if camera.generation == "new":
        assert streams["11"].name == "Sunday mass" and streams["12"].name == "facebook"
    await client.set_stream_flag("11", "enabled", True)
    await client.set_stream_flag("12", "active", False)
    assert camera.streams["11"].enabled and not camera.streams["12"].active
    stats = await client.stream_stats("11")
    assert stats.is_streaming and stats.start_count == 1 and stats.bytes_sent is not None
    schedule = '[{"day_from":0,"day_to":0,"time_from":"08:00:00","time_to":"09:30:00"}]'
    params = validate_stream_params(
        {
            "enabled": True,
            "mediaServerUrl": "rtmp://a.rtmp.youtube.com/live2/k ey",
            "trigger": "recurrent",
            "schedule": schedule,
            "title": 'The "big" match',
        }
    )
    await client.set_stream("api_01", params)
    created = camera.streams["api_01"]
    assert created.params["schedule"] == schedule  # quotes survive Digest
    assert created.params["mediaServerUrl"] == "rtmp://a.rtmp.youtube.com/live2/k ey"
    assert (await client.stream_params("api_01"))["trigger"] == "recurrent"
    await client.remove_stream("api_01")
    assert "api_01" not in camera.streams
    with pytest.raises(DeviceError):
        await client.stream_stats("nope")
    with pytest.raises(DeviceError):
        await client.remove_stream("nope")


async def test_stream_flag_learns_generation(
    camera: AxisCamera, session: aiohttp.ClientSession
) -> None:
    """A write before any list asks the camera which generation it runs."""
    client = AxisCamStreamerClient(session, camera.url, "root", "pass")
    await client.set_stream_flag("11", "enabled", True)
    assert client.streamer_generation == camera.generation
    assert camera.streams["11"].enabled


async def test_stream_params_keyed_by_id(camera: AxisCamera, client: AxisCamStreamerClient) -> None:
    """get.cgi's parameters may come keyed by the stream id; non-strings stay JSON."""
    camera.streams["11"].params["schedule"] = "[]"
    params = await client.stream_params("11")
    assert params["enabled"] == "0" and params["schedule"] == "[]"


async def test_switcher(camera: AxisCamera, client: AxisCamStreamerClient) -> None:
    """Playlists, clips, switch, queue and master audio, with or without `/api/`."""
    playlists = await client.playlists()
    assert client.switcher_prefix == ("api/" if camera.generation == "new" else "")
    assert playlists[PLAYLIST_1].nice_name == "Main camera"
    assert await client.clips() == {CLIP: "Intro clip"}
    await client.playlist_switch(PLAYLIST_2)
    assert camera.current_playlist == PLAYLIST_2
    await client.queue_push(PLAYLIST_1)
    await client.queue_push(CLIP)
    assert await client.queue() == [PLAYLIST_1, CLIP]
    await client.queue_play_next()
    assert camera.current_playlist == PLAYLIST_1 and await client.queue() == [CLIP]
    await client.queue_clear()
    assert await client.queue() == []
    with pytest.raises(DeviceError):
        await client.playlist_switch("nope")
    assert await client.master_audio() == MasterAudio()
    await client.set_master_audio(MasterAudio("CLIP", "ignored", CLIP))
    assert camera.master_audio == {"type": "CLIP", "clip_name": CLIP}
    await client.set_master_audio(MasterAudio("STREAM", PLAYLIST_1))
    assert await client.master_audio() == MasterAudio("STREAM", PLAYLIST_1)
    await client.set_master_audio(MasterAudio("SILENCE"))
    assert camera.master_audio == {"type": "SILENCE"}
    with pytest.raises(ValueError, match="master audio"):
        await client.set_master_audio(MasterAudio("LOUD"))


async def test_switcher_prefix_is_remembered(
    camera: AxisCamera, client: AxisCamStreamerClient
) -> None:
    """Once learnt, the path prefix is used directly; a 404 then is the device's error."""
    await client.playlists()
    requests = sum(camera.stats.requests.values())
    await client.clips()
    assert sum(camera.stats.requests.values()) == requests + 1
    client.switcher_prefix = "nowhere/"
    with pytest.raises(DeviceError) as err:
        await client.clips()
    assert err.value.code == 404


async def test_overlay(camera: AxisCamera, client: AxisCamStreamerClient) -> None:
    """Services, the global switch, per-service switch, ticker text, custom graphics."""
    services = await client.services()
    assert services[1].text == "Welcome" and services[2].custom_name == "Scoreboard"
    assert await client.overlay_enabled()
    await client.set_overlay_enabled(False)
    assert not camera.overlay_enabled and not await client.overlay_enabled()
    await client.set_service_enabled(2, True)
    assert camera.services[2].enabled
    await client.set_infoticker_text(1, 'Goal! "3:1" & more')
    assert camera.services[1].source == 'Goal! "3:1" & more'
    await client.update_custom_graphics(
        custom_graphics_params(2, {"field1": "3 : 1"}, colors={"field1": "0,0,0"})
    )
    assert camera.services[2].fields == {"field1": "3 : 1", "field1_color": "000000000"}
    with pytest.raises(DeviceError):
        await client.set_infoticker_text(2, "not a ticker")
    with pytest.raises(DeviceError):
        await client.set_param("Nope.Param", "1")


async def test_network_cameras(camera: AxisCamera, client: AxisCamStreamerClient) -> None:
    """CamScripter's and CamOverlay's camera lists."""
    camera.network_cameras = [
        {"name": "AXIS M1065-L - ACCC8E000099", "ip": "127.0.0.1", "port": 8080}
    ]
    apps: tuple[App, ...] = ("camscripter", "camoverlay")
    for app in apps:
        cameras = await client.network_cameras(app)
        assert [(c.serial, c.port) for c in cameras] == [("ACCC8E000099", 8080)]
    with pytest.raises(ValueError, match="camera list"):
        await client.network_cameras("camstreamer")


async def test_ws_tokens(camera: AxisCamera, client: AxisCamStreamerClient) -> None:
    """A token per app (in `data` or `message`), and each app's event URL."""
    apps: tuple[App, ...] = ("camstreamer", "camswitcher", "camoverlay")
    tokens = {app: await client.ws_token(app) for app in apps}
    assert len(set(tokens.values())) == 3
    assert {camera.tokens[t][0] for t in tokens.values()} == set(tokens)
    assert str(client.event_url("camoverlay")) == (
        f"ws://127.0.0.1:{camera.port}/local/camoverlay/service/ws"
    )
    secure = AxisCamStreamerClient(client.session, "https://cam.local:8443")
    assert str(secure.event_url("camstreamer")) == "wss://cam.local:8443/local/camstreamer/events"


async def test_app_states(sim: Simulator, session: aiohttp.ClientSession) -> None:
    """Not installed: 404; stopped: 503; unlicensed: the app's 403 in a 200 envelope."""
    camera = await sim.add_axis_camera(apps=("camstreamer", "camswitcher"))
    client = AxisCamStreamerClient(session, camera.url, "root", "pass")
    with pytest.raises(DeviceError) as err:
        await client.services()
    assert err.value.code == 404
    camera.set_app("camstreamer", status="Stopped")
    with pytest.raises(DeviceError) as err:
        await client.streams()
    assert err.value.code == 503
    camera.set_app("camswitcher", license="Missing")
    with pytest.raises(DeviceError) as err:
        await client.playlists()
    assert err.value.code == 403
    apps = await client.applications()
    assert not apps["camstreamer"].running and not apps["camswitcher"].licensed


async def test_bad_device_input(camera: AxisCamera, client: AxisCamStreamerClient) -> None:
    """Garbled JSON is a ProtocolError; a camera that is gone is a ConnectError."""
    camera.faults.malformed = True
    with pytest.raises(ProtocolError):
        await client.streams()
    with pytest.raises(ProtocolError):
        await client.ws_token("camoverlay")
    camera.faults.malformed = False
    await camera.stop()
    with pytest.raises(ConnectError):
        await client.device_info()
    with pytest.raises(ConnectError):
        await client.challenge()


async def test_new_generation_flag_errors(sim: Simulator, session: aiohttp.ClientSession) -> None:
    """The new list path answering 404 after it worked is an error, not a generation switch."""
    camera = await sim.add_axis_camera()
    client = AxisCamStreamerClient(session, camera.url, "root", "pass")
    await client.streams()
    camera.faults.status = 404
    with pytest.raises(DeviceError):
        await client.streams()
    assert client.streamer_generation == "new"
    camera.faults.status = 500
    fresh = AxisCamStreamerClient(session, camera.url, "root", "pass")
    with pytest.raises(DeviceError):
        await fresh.streams()
    assert fresh.streamer_generation is None


async def test_added_stream_keeps_its_title(
    camera: AxisCamera, client: AxisCamStreamerClient
) -> None:
    """A stream created on the camera shows up in the next list."""
    camera.add_stream(SimStream("20", title="Choir", params={"title": "Choir"}))
    streams = await client.streams()
    assert streams["20"].name == "Choir"
    assert json.loads(json.dumps(sorted(streams))) == ["11", "12", "20"]


def test_playlists_and_clips_sharing_a_name_get_unique_names() -> None:
    """Select options must be unique: the shortest id prefix that tells them apart is added."""
    data = {
        "data": {
            "c0a1b2c3d-1": {"niceName": "Main camera"},
            "c0a1b2c3d-2": {"niceName": "Main camera"},
            "c9f8e7d6c-3": {"niceName": "Organ"},
        }
    }
    names = [p.nice_name for p in parse_playlists(data).values()]
    assert names == ["Main camera (c0a1b2c3d-1)", "Main camera (c0a1b2c3d-2)", "Organ"]
    clips = parse_clips(
        {"data": [{"id": "s1aaaaaaa", "niceName": "Bell"}, {"id": "s2", "niceName": "Bell"}]}
    )
    assert clips == {"s1aaaaaaa": "Bell (s1aaaaaa)", "s2": "Bell (s2)"}


def test_switcher_audio_and_start_events_reduce_into_state() -> None:
    state = AxisState(
        info=AxisInfo("ACCC8E000001", "M1065-L", "cam"),
        apps={},
        switcher=SwitcherState({}, {}, MasterAudio()),
    )
    state = apply_event(state, AudioEvent("c2"))
    state = apply_event(state, SwitcherStartEvent("c1"))
    assert state.switcher is not None
    assert (state.switcher.audio_source, state.switcher.default_playlist) == ("c2", "c1")


@pytest.mark.parametrize(
    ("parse", "data"),
    [
        (parse_services, {"services": True}),
        (parse_network_cameras, {"camera_list": True}),
        (parse_network_cameras, {"camera_list": {"name": "x"}}),
    ],
)
def test_lists_that_are_not_lists_are_protocol_errors(parse: Any, data: Any) -> None:
    """Found by the fuzz tests: a truthy non-list was iterated (a TypeError, not typed)."""
    with pytest.raises(ProtocolError):
        parse(data)
