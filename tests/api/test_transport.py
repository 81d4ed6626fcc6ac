"""Transport: auth schemes, timeouts and the mapping of every failure to a typed error."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web

from custom_components.camhub.api.errors import (
    AccessDeniedError,
    AuthError,
    ConnectError,
    DeviceError,
    DeviceTimeoutError,
    ProtocolError,
)
from custom_components.camhub.api.intercom2n import (
    Caps,
    Intercom2NClient,
    Resolution,
    parse_caps,
    parse_error,
    parse_system_info,
)
from custom_components.camhub.api.transport import AuthMode, Transport, build_url
from simulator import Simulator


async def handler(request: web.Request) -> web.StreamResponse:
    path = request.path
    if path == "/bearer":
        ok = request.headers.get("Authorization") == "Bearer tok"
        return web.json_response({"ok": ok}, status=200 if ok else 401)
    if path == "/slow":
        await asyncio.sleep(1)
        return web.json_response({})
    if path == "/big":
        return web.Response(body=b"x" * 5000)
    if path == "/chunked-big":
        resp = web.StreamResponse()
        await resp.prepare(request)
        for _ in range(10):
            await resp.write(b"y" * 1000)
        return resp
    if path == "/forbidden":
        return web.Response(status=403)
    if path == "/teapot":
        return web.Response(status=418, text="short and stout")
    if path == "/html":
        return web.Response(text="<html>", content_type="text/html")
    if path == "/notjson":
        return web.Response(text="{nope", content_type="application/json")
    raise web.HTTPNotFound


@pytest.fixture
async def server(socket_enabled: None) -> AsyncIterator[str]:
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client_session:
        yield client_session


async def test_bearer(server: str, session: aiohttp.ClientSession) -> None:
    good = Transport(session, server, auth=AuthMode.BEARER, token="tok")
    assert await good.get_json("/bearer") == {"ok": True}
    bad = Transport(session, server, auth=AuthMode.BEARER, token="nope")
    with pytest.raises(AuthError):
        await bad.get_json("/bearer")


async def test_failures_map_to_typed_errors(server: str, session: aiohttp.ClientSession) -> None:
    transport = Transport(session, server, timeout=0.2)
    with pytest.raises(DeviceTimeoutError):
        await transport.get_json("/slow")
    with pytest.raises(ProtocolError):
        await transport.request("GET", "/big", max_body=100)
    with pytest.raises(ProtocolError):
        await transport.request("GET", "/chunked-big", max_body=100)
    with pytest.raises(AccessDeniedError):
        await transport.get_json("/forbidden")
    with pytest.raises(DeviceError) as err:
        await transport.get_json("/teapot")
    assert err.value.code == 418 and "stout" in err.value.description
    with pytest.raises(ProtocolError):
        await transport.get_image("/html")
    with pytest.raises(ProtocolError):
        await transport.get_json("/notjson")
    dead = Transport(session, "http://127.0.0.1:9")
    with pytest.raises(ConnectError):
        await dead.get_json("/")


def test_build_url() -> None:
    assert str(build_url("10.0.0.1", 8080, False)) == "http://10.0.0.1:8080"
    assert str(build_url("fe80::1", 443, True)) == "https://[fe80::1]"  # default port elided


async def test_2n_client_digest_and_basic(sim: Simulator, session: aiohttp.ClientSession) -> None:
    digest = await sim.add_intercom_2n(serial="54-1")
    basic = await sim.add_intercom_2n(serial="54-2", auth="basic")
    for device in (digest, basic):
        client = Intercom2NClient(session, device.url, "admin", "secret")
        caps = await client.caps()
        assert Resolution(640, 480) in caps.resolutions
        image = await client.snapshot("internal", Resolution(320, 240), seconds_ago=3)
        assert image.startswith(b"\xff\xd8")
    assert Intercom2NClient(session, basic.url, "admin", "x").transport.auth_mode is AuthMode.AUTO
    client = Intercom2NClient(session, basic.url, "admin", "secret")
    await client.caps()
    assert client.transport.auth_mode is AuthMode.BASIC
    with pytest.raises(AuthError):
        await Intercom2NClient(session, digest.url, "admin", "wrong").caps()


async def test_2n_client_validates_its_arguments(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    device = await sim.add_intercom_2n()
    client = Intercom2NClient(session, device.url, "admin", "secret")
    with pytest.raises(ValueError):
        await client.snapshot("internal", Resolution(640, 480), seconds_ago=31)
    with pytest.raises(ValueError):
        await anext(client.mjpeg("internal", Resolution(640, 480), 16))
    with pytest.raises(DeviceError) as err:
        await client.snapshot("internal", Resolution(333, 333))
    assert err.value.code == 12 and err.value.param == "width"
    with pytest.raises(DeviceError):
        await anext(client.mjpeg("nowhere", Resolution(640, 480), 5))


def test_2n_parsers_reject_bad_bodies() -> None:
    with pytest.raises(ProtocolError):
        parse_system_info([])
    with pytest.raises(ProtocolError):
        parse_system_info({"success": True})
    with pytest.raises(ProtocolError):
        parse_system_info({"success": True, "result": {"serialNumber": ""}})
    with pytest.raises(ProtocolError):
        parse_caps({"success": True, "result": {"jpegResolution": [{"width": "x"}]}})
    with pytest.raises(AuthError):
        parse_caps({"success": False, "error": {"code": 9}})
    caps = parse_caps(
        {"success": True, "result": {"jpegResolution": [{"width": 320, "height": 240}, 5]}}
    )
    assert caps == Caps((Resolution(320, 240),), ("internal",))
    assert caps.best_at_most(100, 100) == Resolution(320, 240)
    assert parse_error(500, b"<html>") is None
    assert isinstance(parse_error(401, b"<html>"), AuthError)
    assert isinstance(parse_error(401, b"[]"), AuthError)
    assert parse_error(200, b'{"success": true}') is None
    err = parse_error(200, b'{"success": false, "error": "weird"}')
    assert isinstance(err, DeviceError) and err.code == 200
    denied = parse_error(200, b'{"success": false, "error": {"code": 10}}')
    assert isinstance(denied, AccessDeniedError)
    info = parse_system_info({"success": True, "result": {"serialNumber": "1", "macAddr": ""}})
    assert info.mac is None and info.name == "2N IP intercom"
    with pytest.raises(ValueError):
        Resolution.parse("big")
