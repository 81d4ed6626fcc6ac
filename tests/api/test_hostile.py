"""Hostile device input at the API layer: the findings of issue 15, each pinned by a test.

Every test here failed before the fix it names: an event message that killed its channel for
good, JSON that blew memory or the recursion limit, XML bombs, credentials no header can
carry, hosts that are URLs.
"""

from __future__ import annotations

import asyncio
import time
import tracemalloc
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from custom_components.camhub.api import safejson
from custom_components.camhub.api.camstreamer import (
    AxisCamStreamerClient,
    ServiceEvent,
    parse_applications,
    parse_events,
)
from custom_components.camhub.api.errors import (
    AuthError,
    ConnectError,
    InvalidCredentialsError,
    InvalidHostError,
    ProtocolError,
)
from custom_components.camhub.api.events import ChannelSettings, EventChannel
from custom_components.camhub.api.transport import (
    AuthMode,
    Transport,
    build_url,
    check_credentials,
    network_error,
    validate_host,
)
from simulator import AxisCamera, Simulator

from .test_events import FAST, Running, _streams

TINY_OBJECTS = b"[" + b"{}," * 5_000_000 + b"{}]"  # 15 MB, under the 16 MB body cap


# --- JSON --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 100_000,
        b"[" * 60_000 + b"]" * 60_000,
        b'{"serviceId": Infinity}',
        b"[NaN]",
        b"\xff\xfe{",
        b"",
        TINY_OBJECTS,
    ],
    ids=["open-brackets", "deep-list", "infinity", "nan", "bad-utf8", "empty", "tiny"],
)
def test_hostile_json_is_a_protocol_error(body: bytes) -> None:
    with pytest.raises(ProtocolError):
        safejson.loads(body)


@pytest.mark.parametrize(
    "body",
    [b"[" * 40_000 + b"]" * 40_000, b'{"a":' * 40_000 + b"1" + b"}" * 40_000],
    ids=["list", "object"],
)
def test_deep_nesting_decodes_or_is_a_protocol_error(body: bytes) -> None:
    """Whether the interpreter's decoder recurses (RecursionError) or not, no bare error."""
    try:
        decoded = safejson.loads(body, max_containers=10**6)
    except ProtocolError:
        return
    assert isinstance(decoded, list | dict)


def test_hostile_json_memory_is_bounded() -> None:
    """15 MB of `{}` was +346 MB as Python dicts; refused now, it costs almost nothing."""
    tracemalloc.start()
    try:
        with pytest.raises(ProtocolError):
            safejson.loads(TINY_OBJECTS)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024  # the body's own copy, not hundreds of MB of objects


def test_ordinary_json_still_decodes() -> None:
    doc = {"streams": [{"id": str(i), "enabled": True, "title": "{[x]}"} for i in range(500)]}
    import json

    assert safejson.loads(json.dumps(doc)) == doc
    assert safejson.loads(b'{"x": 1.5e3}') == {"x": 1500.0}


def test_many_elements_are_refused_quickly() -> None:
    """2 million numbers (4 MB) were ~250 MB of objects and 60 ms of decoding; now 1 ms."""
    body = b"[" + b"1," * 2_000_000 + b"1]"
    started = time.perf_counter()
    with pytest.raises(ProtocolError, match="elements"):
        safejson.loads(body)
    assert time.perf_counter() - started < 0.05


async def big_body(request: web.Request) -> web.StreamResponse:
    """15 MB of tiny JSON objects, chunked (no Content-Length to refuse it by)."""
    resp = web.StreamResponse(headers={"Content-Type": "application/json"})
    await resp.prepare(request)
    for start in range(0, len(TINY_OBJECTS), 1 << 20):
        await resp.write(TINY_OBJECTS[start : start + (1 << 20)])
    return resp


async def deep_body(request: web.Request) -> web.Response:
    return web.Response(body=b"[" * 100_000, content_type="application/json")


@pytest.fixture
async def hostile_server(socket_enabled: None) -> AsyncIterator[str]:
    app = web.Application()
    app.router.add_get("/big", big_body)
    app.router.add_get("/deep", deep_body)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    await runner.cleanup()


async def test_transport_refuses_hostile_json(hostile_server: str) -> None:
    async with aiohttp.ClientSession() as session:
        transport = Transport(session, hostile_server)
        with pytest.raises(ProtocolError, match="objects/arrays"):
            await transport.get_json("/big")
        with pytest.raises(ProtocolError):
            await transport.get_json("/deep")


# --- event channels ----------------------------------------------------------------------


async def test_event_flood_of_brackets_does_not_kill_the_channel(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    """`[` x 100,000 on the CamStreamer socket was a RecursionError that ended the task."""
    camera = await sim.add_axis_camera()
    client = AxisCamStreamerClient(session, camera.url, camera.username, camera.password)
    async with Running(client, "camstreamer") as run:
        rec = run.recorder
        await rec.wait(lambda: len(_streams(rec)) == 2)
        camera.emit_raw("camstreamer", "[" * 100_000)
        camera.emit_raw("camstreamer", "[" * 900 + "]" * 900)  # decodes, then nests too deep
        camera.set_stream_enabled("11", True)
        await rec.wait(lambda: _streams(rec)["11"].enabled)
        assert run.channel.stats.sessions == 1 and rec.connected == [True]
        assert run.channel.stats.malformed == 2


async def test_infinite_service_id_does_not_kill_the_overlay_channel(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    """`serviceId: Infinity` on the CamOverlay socket was an OverflowError."""
    camera = await sim.add_axis_camera()
    client = AxisCamStreamerClient(session, camera.url, camera.username, camera.password)
    async with Running(client, "camoverlay") as run:
        rec = run.recorder
        await rec.wait(lambda: any(isinstance(e, ServiceEvent) for e in rec.events))
        before = len(rec.events)
        camera.emit_raw("camoverlay", '{"type": "ServiceStart", "serviceId": Infinity}')
        camera.emit_raw("camoverlay", '{"type": "ServiceStart", "serviceId": 1e400}')
        camera.emit("camoverlay", {"type": "ServiceStop", "serviceId": 5})
        await rec.wait(lambda: ServiceEvent(5, False) in rec.events[before:])
        assert run.channel.stats.sessions == 1
        assert run.channel.stats.malformed == 2


def test_parser_refuses_overflowing_and_deep_events() -> None:
    with pytest.raises(ProtocolError):
        parse_events("camoverlay", {"type": "ServiceStart", "serviceId": float("inf")})
    deep: Any = {"type": "PortChanged", "port": 1, "value": 1}
    for _ in range(50):
        deep = [deep]
    with pytest.raises(ProtocolError, match="nested"):
        parse_events("camstreamer", deep)


async def test_a_handler_that_breaks_never_ends_the_session(
    camera: AxisCamera, client: AxisCamStreamerClient, caplog: pytest.LogCaptureFixture
) -> None:
    """Anything the callback raises is logged and skipped, the socket stays up."""
    seen: list[Any] = []

    def on_message(message: Any) -> None:
        if message == {"boom": True}:
            raise KeyError("a bug in a parser")
        seen.append(message)

    channel = EventChannel(
        client.session,
        client.event_url("camstreamer"),
        lambda: client.ws_token("camstreamer"),
        on_message,
        settings=FAST,
        name="camstreamer",
    )
    task = asyncio.create_task(channel.run())
    try:
        async with asyncio.timeout(5):
            while not channel.connected:
                await asyncio.sleep(0.01)
            camera.emit("camstreamer", {"boom": True})
            camera.emit("camstreamer", {"type": "PortChanged", "port": 1, "value": 1})
            while {"type": "PortChanged", "port": 1, "value": 1} not in seen:
                await asyncio.sleep(0.01)
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert channel.stats.sessions == 1 and channel.stats.malformed == 1
    assert any("broke its handler" in r.getMessage() for r in caplog.records)


async def test_an_unexpected_failure_is_retried_not_fatal(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    """A token function that raises something unforeseen: logged, backed off, retried."""
    camera = await sim.add_axis_camera()
    client = AxisCamStreamerClient(session, camera.url, camera.username, camera.password)
    calls = 0

    async def token() -> str:
        nonlocal calls
        calls += 1
        if calls <= 2:
            raise RuntimeError("unforeseen")
        return await client.ws_token("camstreamer")

    async with Running(client, "camstreamer", token_fn=token) as run:
        await run.recorder.wait(lambda: run.channel.connected)
        assert run.channel.stats.failures == 2
        assert "RuntimeError" in (run.channel.stats.last_error or "")


async def test_info_lines_carry_no_address(
    sim: Simulator, session: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    camera = await sim.add_axis_camera()
    client = AxisCamStreamerClient(session, camera.url, camera.username, camera.password)
    caplog.set_level("DEBUG", logger="custom_components.camhub")
    settings = ChannelSettings(backoff_min=0.01, backoff_max=0.02)
    async with Running(client, "camstreamer", settings=settings) as run:
        await run.recorder.wait(lambda: run.channel.connected)
        await camera.drop_event_sockets()
        await run.recorder.wait(lambda: run.channel.stats.failures >= 1)
    info = [
        r.getMessage()
        for r in caplog.records
        if r.levelname == "INFO" and r.name.startswith("custom_components.camhub")
    ]
    assert info and not any(f"{camera.port}" in line or "127.0.0.1" in line for line in info)


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client_session:
        yield client_session


@pytest.fixture
async def camera(sim: Simulator) -> AxisCamera:
    return await sim.add_axis_camera()


@pytest.fixture
def client(camera: AxisCamera, session: aiohttp.ClientSession) -> AxisCamStreamerClient:
    return AxisCamStreamerClient(session, camera.url, camera.username, camera.password)


# --- XML ---------------------------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<reply result="ok"><application Name="&lol3;"/></reply>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<reply result="ok"><application Name="&x;"/></reply>"""
DTD_ONLY = b"""<?xml version="1.0"?><!DOCTYPE reply SYSTEM "http://127.0.0.1:1/x.dtd">
<reply result="ok"><application Name="CamStreamer"/></reply>"""


@pytest.mark.parametrize("body", [BILLION_LAUGHS, XXE, DTD_ONLY, b"<reply", b"\x00"])
def test_hostile_xml_is_refused(body: bytes) -> None:
    with pytest.raises(ProtocolError):
        parse_applications(body)


def test_plain_application_list_still_parses() -> None:
    body = b'<reply result="ok"><application Name="CamStreamer" Status="Running"/></reply>'
    assert parse_applications(body)["camstreamer"].status == "Running"


# --- hosts and credentials ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", "127.0.0.1"),
        (" camera.local ", "camera.local"),
        ("robopipe-1.local.", "robopipe-1.local"),
        ("::1", "::1"),
        ("[::1]", "::1"),
        ("FE80::1", "fe80::1"),
        ("kamera-ü.local", "kamera-ü.local"),
        ("my_camera", "my_camera"),
    ],
)
def test_validate_host_accepts_addresses(host: str, expected: str) -> None:
    assert validate_host(host) == expected
    assert build_url(validate_host(host), 80, False).host is not None


@pytest.mark.parametrize(
    "host",
    [
        "",
        "   ",
        "http://evil",
        "127.0.0.1/../",
        "[::1",
        "::1]",
        "a@b",
        "host:80",
        "host name",
        "host?x=1",
        "host#frag",
        "-leading.example",
        "a..b",
        "x" * 64 + ".example",
        "a\r\nb",
        "a\x00b",
        "a" * 254,
    ],
)
def test_validate_host_refuses_what_is_not_a_host(host: str) -> None:
    with pytest.raises(InvalidHostError):
        validate_host(host)


@pytest.mark.parametrize(
    ("username", "password", "token", "basic"),
    [
        ("ad:min", "pw", "", True),
        ("admin\r\nX-Evil: 1", "pw", "", False),
        ("admin", "pw\n", "", False),
        ("", "", "tok\r\nen", False),
        ("admin\x00", "pw", "", True),
    ],
)
def test_credentials_no_header_can_carry(
    username: str, password: str, token: str, basic: bool
) -> None:
    with pytest.raises(InvalidCredentialsError) as err:
        check_credentials(username, password, token, basic)
    assert isinstance(err.value, AuthError)  # the flow shows a login error, not a crash


def test_colon_is_fine_for_digest() -> None:
    check_credentials("dom:user", "p:w", "", basic=False)


async def test_transport_refuses_bad_credentials_before_any_request(sim: Simulator) -> None:
    intercom = await sim.add_intercom_2n(auth="basic")
    async with aiohttp.ClientSession() as session:
        for auth, user, password in (
            (AuthMode.BASIC, "ad:min", "pw"),
            (AuthMode.DIGEST, "admin\r\nX: 1", "pw"),
            (AuthMode.AUTO, "admin", "p\nw"),
        ):
            transport = Transport(
                session, intercom.url, auth=auth, username=user, password=password
            )
            with pytest.raises(InvalidCredentialsError):
                await transport.get_json("/api/system/info")
        bearer = Transport(session, intercom.url, auth=AuthMode.BEARER, token="a\r\nb")
        with pytest.raises(InvalidCredentialsError):
            await bearer.get_json("/api/system/info")
    assert sum(intercom.stats.requests.values()) == 0


async def test_basic_fallback_refuses_a_colon_user(sim: Simulator) -> None:
    """AUTO may sign a ':' user with Digest, but once the device wants Basic it cannot."""
    intercom = await sim.add_intercom_2n(auth="basic")
    async with aiohttp.ClientSession() as session:
        transport = Transport(
            session, intercom.url, auth=AuthMode.AUTO, username="a:b", password="pw"
        )
        with pytest.raises(InvalidCredentialsError):
            await transport.get_json("/api/camera/caps")
    assert sum(intercom.stats.requests.values()) == 1  # the one that learnt "Basic"


async def test_network_errors_name_no_address(sim: Simulator) -> None:
    """Connect failures end up in info lines: they say what failed, not where."""
    intercom = await sim.add_intercom_2n()
    await intercom.stop()
    async with aiohttp.ClientSession() as session:
        transport = Transport(session, intercom.url)
        with pytest.raises(ConnectError) as err:
            await transport.get_json("/api/system/info")
    assert "127.0.0.1" not in str(err.value) and str(intercom.port) not in str(err.value)
    assert "Connection refused" in str(err.value)
    assert network_error(ConnectionResetError(104, "reset")) == "Connection reset by peer"
    assert network_error(aiohttp.ServerDisconnectedError()) == "Server disconnected"
