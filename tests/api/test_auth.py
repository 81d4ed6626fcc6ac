"""Digest and Basic: the signer, and requests through `Transport` against the simulator.

The simulator checks the Digest `uri` field byte for byte against the raw request target, as
Axis firmware does, so values that a decoded target would change (`"`, `&`, `=`, spaces, URLs,
non-ASCII) prove the raw target is what gets signed.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web

from custom_components.camhub.api.auth import DigestAuth, DigestChallenge, basic_authorization
from custom_components.camhub.api.errors import AuthError, ProtocolError
from custom_components.camhub.api.transport import AuthMode, Transport
from simulator.auth import DigestAuth as ServerDigest

AWKWARD_VALUES = [
    'say "hi"',
    "a&b=c",
    "x=y",
    "two  spaces ",
    "rtmp://media.example:1935/live/key?x=1",
    "Příliš žluťoučký kůň",
    "100% /../?#",
]


def _md5(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def test_challenge_parsing() -> None:
    """Quoted values unescaped, qop lists and algorithms read; unusable challenges refused."""
    c = DigestChallenge.parse(
        'Digest realm="AXIS_\\"x\\"", qop="auth,auth-int", nonce="abc", opaque="xyz", stale=TRUE'
    )
    assert (c.realm, c.nonce, c.opaque, c.qop, c.algorithm, c.stale) == (
        'AXIS_"x"',
        "abc",
        "xyz",
        "auth",
        "MD5",
        True,
    )
    assert DigestChallenge.parse('Digest realm="r", nonce="n"').qop is None
    assert DigestChallenge.parse('Digest realm="r", nonce=n, algorithm=sha-256-sess').algorithm == (
        "SHA-256-SESS"
    )
    for bad in (
        'Basic realm="r"',
        'Digest realm="r"',
        'Digest realm="r", nonce="n", algorithm=SHA-512-256',
        'Digest realm="r", nonce="n", qop="auth-int"',
    ):
        with pytest.raises(ProtocolError):
            DigestChallenge.parse(bad)


def test_answers() -> None:
    """RFC 7616 qop=auth with a rising nonce count; RFC 2069 without qop; quoted username."""
    auth = DigestAuth('ro"ot', "pass")
    challenge = DigestChallenge.parse(
        'Digest realm="R", qop="auth", nonce="abc", opaque="xyz", algorithm=MD5'
    )
    first = auth.authorization(challenge, "GET", "/local/a?b=%22")
    second = auth.authorization(challenge, "GET", "/local/a?b=%22")
    assert first.startswith('Digest username="ro\\"ot", realm="R", nonce="abc"')
    assert 'uri="/local/a?b=%22"' in first and first.endswith('opaque="xyz"')
    assert "nc=00000001" in first and "nc=00000002" in second
    old = DigestAuth("u", "p").authorization(
        DigestChallenge.parse('Digest realm="r", nonce="n"'), "GET", "/x"
    )
    expected = _md5(_md5("u:r:p") + ":n:" + _md5("GET:/x"))
    assert f'response="{expected}"' in old and "qop" not in old
    sha = DigestAuth("u", "p").authorization(
        DigestChallenge.parse('Digest realm="r", nonce="n", algorithm=SHA-256'), "GET", "/x"
    )
    ha1 = hashlib.sha256(b"u:r:p").hexdigest()
    ha2 = hashlib.sha256(b"GET:/x").hexdigest()
    assert f'response="{hashlib.sha256(f"{ha1}:n:{ha2}".encode()).hexdigest()}"' in sha
    assert "algorithm=SHA-256" in sha


def test_basic() -> None:
    """UTF-8 Basic credentials."""
    assert basic_authorization("root", "pass") == "Basic cm9vdDpwYXNz"


class StrictServer:
    """A device whose Digest state can be wiped, as a reboot does."""

    def __init__(self) -> None:
        self.auth = ServerDigest("AXIS_ACCC8E000001")
        self.url = ""
        self.requests = 0

    async def handle(self, request: web.Request) -> web.Response:
        self.requests += 1
        if not self.auth.check(request, "root", "pa:ss"):
            return web.Response(status=401, headers={"WWW-Authenticate": self.auth.challenge()})
        return web.json_response({"target": request.raw_path, "query": dict(request.query)})


@pytest.fixture
async def strict(socket_enabled: None) -> AsyncIterator[StrictServer]:
    server = StrictServer()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", server.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    yield server
    await runner.cleanup()


def _transport(session: aiohttp.ClientSession, url: str, password: str = "pa:ss") -> Transport:
    return Transport(session, url, auth=AuthMode.DIGEST, username="root", password=password)


@pytest.mark.parametrize("value", AWKWARD_VALUES)
async def test_raw_target_is_signed(strict: StrictServer, value: str) -> None:
    """Values that a decoded target would alter pass a byte-for-byte `uri` check."""
    async with aiohttp.ClientSession() as session:
        transport = _transport(session, strict.url)
        reply = await transport.request("GET", "/local/app/set.cgi", params={"v": value, "n": 1})
        assert reply.json()["query"] == {"v": value, "n": "1"}
        assert strict.requests == 2  # challenge, answer
        # The known challenge signs the next request up front; a POST form works too.
        reply = await transport.request("POST", "/axis-cgi/param.cgi", data={"text": value})
        assert reply.json()["target"] == "/axis-cgi/param.cgi"
        assert strict.requests == 3


async def test_a_decoded_uri_is_refused(strict: StrictServer) -> None:
    """The check is strict: the right hash over the decoded target is answered 401."""
    async with aiohttp.ClientSession() as session:
        url = f"{strict.url}/local/a.cgi?v=say%20%22hi%22"
        async with session.get(url) as resp:
            challenge = DigestChallenge.from_response(resp)
        assert challenge is not None
        signer = DigestAuth("root", "pa:ss")
        for target, status in (
            ('/local/a.cgi?v=say "hi"', 401),
            ("/local/a.cgi?v=say%20%22hi%22", 200),
        ):
            header = signer.authorization(challenge, "GET", target)
            async with session.get(url, headers={"Authorization": header}) as resp:
                assert resp.status == status


async def test_wrong_password_is_an_auth_error(strict: StrictServer) -> None:
    """One retry with the device's challenge, then AuthError (no loop)."""
    async with aiohttp.ClientSession() as session:
        transport = _transport(session, strict.url, password="nope")
        for _ in range(2):
            with pytest.raises(AuthError):
                await transport.request("GET", "/local/a.cgi")
        assert strict.requests == 4


async def test_new_nonce_after_restart(strict: StrictServer) -> None:
    """A device that forgot its nonces (a reboot) challenges again; the answer follows."""
    async with aiohttp.ClientSession() as session:
        transport = _transport(session, strict.url)
        await transport.request("GET", "/a")
        strict.auth = ServerDigest("AXIS_ACCC8E000001")
        assert (await transport.request("GET", "/b")).json()["target"] == "/b"
