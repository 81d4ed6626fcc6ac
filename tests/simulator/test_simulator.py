"""Tests of the device simulator (simulator/): the 2N intercom, auth, MJPEG, faults, restart.

Every test talks HTTP to real loopback servers, so it requests `socket_enabled` (the Home
Assistant test plugin blocks sockets otherwise).
"""

from __future__ import annotations

import asyncio
import io
import itertools
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from PIL import Image

from simulator import Faults, Intercom2N, Simulator, parse_frame_tag
from simulator.frames import FrameClock, FrameRenderer, insert_comment
from simulator.mjpeg import BOUNDARY

ROOT = Path(__file__).resolve().parents[2]
SNAP = "/api/camera/snapshot"


@pytest_asyncio.fixture
async def sim(socket_enabled: None) -> AsyncIterator[Simulator]:
    """A running simulator, stopped after the test."""
    async with Simulator() as simulator:
        yield simulator


@pytest_asyncio.fixture
async def door(sim: Simulator) -> Intercom2N:
    """A 2N intercom with Digest auth (admin/secret)."""
    return await sim.add_intercom_2n(name="Front door")


def digest_session(user: str = "admin", password: str = "secret") -> aiohttp.ClientSession:
    """The client the integration uses: aiohttp with DigestAuthMiddleware."""
    return aiohttp.ClientSession(middlewares=(aiohttp.DigestAuthMiddleware(user, password),))


async def read_parts(resp: aiohttp.ClientResponse, count: int) -> list[bytes]:
    """Read `count` JPEG parts of a multipart/x-mixed-replace response."""
    frames: list[bytes] = []
    while len(frames) < count:
        line = await resp.content.readline()
        if not line:
            raise EOFError("stream ended")
        if not line.strip():
            continue
        assert line.strip() == f"--{BOUNDARY}".encode()
        headers: dict[str, str] = {}
        while (line := await resp.content.readline()) not in (b"\r\n", b"\n", b""):
            key, _, value = line.decode().partition(":")
            headers[key.strip().lower()] = value.strip()
        assert headers["content-type"] == "image/jpeg"
        frames.append(await resp.content.readexactly(int(headers["content-length"])))
    return frames


async def wait_for(predicate: Any, limit: float = 3.0) -> None:
    """Poll until predicate() is true."""
    deadline = time.monotonic() + limit
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached"
        await asyncio.sleep(0.02)


def decode(jpeg: bytes) -> Image.Image:
    """Decode fully (raises on a broken JPEG)."""
    image = Image.open(io.BytesIO(jpeg))
    image.load()
    return image


# --- identity, auth --------------------------------------------------------------------------


async def test_system_info_needs_no_auth(door: Intercom2N) -> None:
    """/api/system/info is public and answers the device's identity."""
    async with aiohttp.ClientSession() as session, session.get(f"{door.url}/api/system/info") as r:
        assert r.status == 200
        body = await r.json()
    assert body == {
        "success": True,
        "result": {
            "variant": "2N IP Verso",
            "serialNumber": "54-0000-0001",
            "hwVersion": "535v1",
            "swVersion": "2.41.0.62.3",
            "buildType": "release",
            "deviceName": "Front door",
            "macAddr": "7C:1E:B3:00:00:01",
        },
    }
    assert door.host == "127.0.0.1"
    assert door.url == f"http://127.0.0.1:{door.port}"
    assert door.port > 0
    assert door.stats.requests["/api/system/info"] == 1


async def test_digest_round_trip(door: Intercom2N) -> None:
    """DigestAuthMiddleware authenticates, then reuses the nonce preemptively."""
    async with digest_session() as session:
        for _ in range(3):
            async with session.get(f"{door.url}/api/camera/caps") as resp:
                assert resp.status == 200
                assert (await resp.json())["success"] is True
    # 1 challenge + 3 authenticated requests: the nonce is reused (nc=2, 3).
    assert door.stats.requests["/api/camera/caps"] == 4


async def test_digest_query_string_and_post(door: Intercom2N) -> None:
    """The digest uri includes the query; POST with a form body works too."""
    async with digest_session() as session:
        async with session.get(f"{door.url}{SNAP}", params={"width": 320, "height": 240}) as r:
            assert r.status == 200
            assert r.content_type == "image/jpeg"
            assert decode(await r.read()).size == (320, 240)
        async with session.post(f"{door.url}{SNAP}", data={"width": "160", "height": "120"}) as r:
            assert r.status == 200
            assert decode(await r.read()).size == (160, 120)


async def test_401_without_or_with_wrong_credentials(door: Intercom2N) -> None:
    """No or wrong credentials: HTTP 401, a Digest challenge and error code 9."""
    async with aiohttp.ClientSession() as session, session.get(f"{door.url}/api/camera/caps") as r:
        assert r.status == 401
        challenge = r.headers["WWW-Authenticate"]
        assert challenge.startswith("Digest ")
        for part in ('qop="auth"', "algorithm=MD5", "nonce=", "opaque=", 'realm="HTTP API"'):
            assert part in challenge
        assert (await r.json())["error"]["code"] == 9
    caps = f"{door.url}/api/camera/caps"
    async with digest_session(password="wrong") as session, session.get(caps) as resp:
        assert resp.status == 401
        assert (await resp.json()) == {
            "success": False,
            "error": {"code": 9, "description": "authorization required"},
        }
    # The password is live state: change it and the old one stops working.
    door.password = "new"
    async with digest_session() as session, session.get(f"{door.url}/api/camera/caps") as r:
        assert r.status == 401
    async with digest_session(password="new") as session, session.get(caps) as r:
        assert r.status == 200


async def test_basic_auth(sim: Simulator) -> None:
    """auth="basic": a Basic challenge only; BasicAuth credentials are accepted."""
    dev = await sim.add_intercom_2n(auth="basic", username="user", password="pw")
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{dev.url}/api/camera/caps") as resp:
            assert resp.status == 401
            assert resp.headers["WWW-Authenticate"].startswith("Basic realm=")
            assert "Digest" not in resp.headers["WWW-Authenticate"]
        good = {"Authorization": aiohttp.encode_basic_auth("user", "pw")}
        async with session.get(f"{dev.url}/api/camera/caps", headers=good) as resp:
            assert resp.status == 200
        bad = {"Authorization": aiohttp.encode_basic_auth("user", "nope")}
        async with session.get(f"{dev.url}/api/camera/caps", headers=bad) as resp:
            assert resp.status == 401
    # A Digest client cannot answer a Basic challenge.
    caps = f"{dev.url}/api/camera/caps"
    async with digest_session("user", "pw") as session, session.get(caps) as resp:
        assert resp.status == 401


# --- camera API ------------------------------------------------------------------------------


async def test_caps_follow_external_camera(door: Intercom2N) -> None:
    """caps lists the resolutions and the external source only while it exists."""
    url = f"{door.url}/api/camera/caps"
    async with digest_session() as session:
        async with session.get(url) as resp:
            result = (await resp.json())["result"]
        assert result["jpegResolution"] == [
            {"width": 160, "height": 120},
            {"width": 320, "height": 240},
            {"width": 640, "height": 480},
            {"width": 1280, "height": 960},
        ]
        assert result["sources"] == [{"source": "internal"}, {"source": "external"}]
        door.external_camera = False
        async with session.get(url) as resp:
            assert (await resp.json())["result"]["sources"] == [{"source": "internal"}]
        query = {"width": "640", "height": "480", "source": "external"}
        async with session.get(f"{door.url}{SNAP}", params=query) as resp:
            assert (await resp.json())["error"] == {
                "code": 12,
                "param": "source",
                "description": "invalid parameter value",
            }


@pytest.mark.parametrize(
    ("query", "code", "param"),
    [
        ({}, 11, "width"),
        ({"width": "640"}, 11, "height"),
        ({"width": "abc", "height": "480"}, 12, "width"),
        ({"width": "640", "height": "4.8"}, 12, "height"),
        ({"width": "641", "height": "480"}, 12, "width"),
        ({"width": "640", "height": "480", "source": "doorbell"}, 12, "source"),
        ({"width": "640", "height": "480", "fps": "0"}, 12, "fps"),
        ({"width": "640", "height": "480", "fps": "16"}, 12, "fps"),
        ({"width": "640", "height": "480", "fps": "x"}, 12, "fps"),
        ({"width": "640", "height": "480", "time": "-31"}, 12, "time"),
        ({"width": "640", "height": "480", "time": "1"}, 12, "time"),
    ],
)
async def test_snapshot_validation(
    door: Intercom2N, query: dict[str, str], code: int, param: str
) -> None:
    """Parameter errors: HTTP 200 with the 2N error envelope."""
    async with digest_session() as session, session.get(f"{door.url}{SNAP}", params=query) as r:
        assert r.status == 200
        assert r.content_type == "application/json"
        body = await r.json()
    assert body["success"] is False
    assert body["error"]["code"] == code
    assert body["error"]["param"] == param


async def test_privilege_and_unknown_path(door: Intercom2N) -> None:
    """No Camera Monitoring privilege: code 10; unknown path: 404 with code 1."""
    door.camera_privilege = False
    async with digest_session() as session:
        query = {"width": 640, "height": 480}
        async with session.get(f"{door.url}{SNAP}", params=query) as resp:
            assert resp.status == 200
            assert (await resp.json())["error"]["code"] == 10
        async with session.get(f"{door.url}/api/camera/caps") as resp:
            assert (await resp.json())["error"]["code"] == 10
        async with session.get(f"{door.url}/api/nothing") as resp:
            assert resp.status == 404
            assert (await resp.json())["error"]["code"] == 1
        async with session.delete(f"{door.url}/api/camera/caps") as resp:
            assert resp.status == 405
            assert (await resp.json())["error"]["code"] == 3


async def test_snapshot_is_a_tagged_test_card(door: Intercom2N) -> None:
    """A snapshot is a real JPEG of the requested size with a COM tag."""
    query = {"width": "640", "height": "480", "source": "external"}
    before = time.time()
    async with digest_session() as session, session.get(f"{door.url}{SNAP}", params=query) as r:
        jpeg = await r.read()
    assert decode(jpeg).size == (640, 480)
    tag = parse_frame_tag(jpeg)
    assert tag is not None
    assert tag.src == "Front door/external"
    assert before - 0.01 <= tag.t <= time.time()


async def test_history_snapshot(door: Intercom2N) -> None:
    """`time`: one frame from the past, fps ignored, larger sizes clamped to 1280x960."""
    query = {"width": "2560", "height": "1920", "time": "-5", "fps": "5"}
    async with digest_session() as session, session.get(f"{door.url}{SNAP}", params=query) as r:
        assert r.status == 200
        assert r.content_type == "image/jpeg"
        jpeg = await r.read()
    assert decode(jpeg).size == (1280, 960)
    tag = parse_frame_tag(jpeg)
    assert tag is not None
    assert time.time() - 5.5 < tag.t < time.time() - 4.5
    assert door.stats.open_streams == 0
    assert door.stats.streams_opened == 0


# --- MJPEG -----------------------------------------------------------------------------------


async def test_mjpeg_three_frames(door: Intercom2N) -> None:
    """fps=15: multipart parts with JPEGs whose seq tags increase; stats count the stream."""
    query = {"width": 320, "height": 240, "fps": 15}
    async with digest_session() as session, session.get(f"{door.url}{SNAP}", params=query) as r:
        assert r.status == 200
        assert r.headers["Content-Type"] == f"multipart/x-mixed-replace; boundary={BOUNDARY}"
        frames = await read_parts(r, 3)
        assert door.stats.open_streams == 1
        assert door.stats.streams_opened == 1
    tags = [parse_frame_tag(f) for f in frames]
    assert all(t is not None and t.src == "Front door/internal" for t in tags)
    seqs = [t.seq for t in tags if t]
    assert seqs == sorted(set(seqs))
    assert all(decode(f).size == (320, 240) for f in frames)
    assert door.stats.frames_sent >= 3
    await wait_for(lambda: door.stats.open_streams == 0)
    door.stats.reset()
    assert door.stats.frames_sent == 0
    assert door.stats.requests == {}


async def test_mjpeg_rate(door: Intercom2N) -> None:
    """fps=5 delivers about 5 frames a second, seq advancing by 3 clock ticks."""
    query = {"width": 160, "height": 120, "fps": 5}
    async with digest_session() as session, session.get(f"{door.url}{SNAP}", params=query) as r:
        start = time.monotonic()
        frames = await read_parts(r, 6)
        elapsed = time.monotonic() - start
    assert 0.8 < elapsed < 1.6
    seqs = [t.seq for t in map(parse_frame_tag, frames) if t]
    assert [b - a for a, b in itertools.pairwise(seqs)] == [3] * 5


async def test_clients_share_frames(door: Intercom2N) -> None:
    """20 viewers of one source: the same bytes per tick, rendered once per tick."""
    query = {"width": 640, "height": 480, "fps": 15}
    async with digest_session() as session:

        async def viewer() -> dict[int, bytes]:
            async with session.get(f"{door.url}{SNAP}", params=query) as resp:
                frames = await read_parts(resp, 8)
            return {t.seq: f for f in frames if (t := parse_frame_tag(f))}

        results = await asyncio.gather(*(viewer() for _ in range(20)))
    common = set(results[0]).intersection(*results[1:])
    assert len(common) >= 4
    for seq in common:
        assert len({r[seq] for r in results}) == 1  # byte-identical
    renderer = door.renderer("internal", 640, 480)
    assert door.stats.frames_sent >= 160
    assert renderer.renders <= 20  # about 9 ticks, far fewer than the 160 frames sent
    await wait_for(lambda: door.stats.open_streams == 0)


async def test_slow_client_only_slows_itself(sim: Simulator) -> None:
    """A viewer that never reads does not delay the others."""
    dev = await sim.add_intercom_2n(auth="basic")
    query = "width=1280&height=960&fps=15"
    _reader, writer = await asyncio.open_connection(dev.host, dev.port)
    writer.write(
        f"GET {SNAP}?{query} HTTP/1.1\r\nHost: {dev.host}\r\n"
        "Authorization: Basic YWRtaW46c2VjcmV0\r\n\r\n".encode()
    )
    await writer.drain()
    try:
        auth = {"Authorization": aiohttp.encode_basic_auth("admin", "secret")}
        async with (
            aiohttp.ClientSession(headers=auth) as session,
            session.get(f"{dev.url}{SNAP}?{query}") as resp,
        ):
            start = time.monotonic()
            await read_parts(resp, 15)
            assert time.monotonic() - start < 1.5
        assert dev.stats.open_streams >= 1  # the stalled viewer is still connected
    finally:
        writer.close()
        await writer.wait_closed()
    await wait_for(lambda: dev.stats.open_streams == 0)


async def test_drop_stream_after(door: Intercom2N) -> None:
    """drop_stream_after=2: two frames, then the connection is aborted."""
    door.faults.drop_stream_after = 2
    query = {"width": 160, "height": 120, "fps": 15}
    async with digest_session() as session, session.get(f"{door.url}{SNAP}", params=query) as r:
        assert len(await read_parts(r, 2)) == 2
        with pytest.raises((aiohttp.ClientError, EOFError, asyncio.IncompleteReadError)):
            await read_parts(r, 1)
    assert door.stats.frames_sent == 2
    await wait_for(lambda: door.stats.open_streams == 0)


async def test_restart_keeps_port_and_state(door: Intercom2N) -> None:
    """restart(): streams are cut, the port refuses, then the same port serves again."""
    port = door.port
    door.password = "changed"
    query = {"width": 160, "height": 120, "fps": 10}
    async with digest_session(password="changed") as session:
        async with session.get(f"{door.url}{SNAP}", params=query) as resp:
            await read_parts(resp, 1)
            assert door.stats.open_streams == 1
            restart = asyncio.create_task(door.restart(down_for=0.5))
            with pytest.raises((aiohttp.ClientError, EOFError, asyncio.IncompleteReadError)):
                await read_parts(resp, 50)
        await wait_for(lambda: not door.running)
        assert door.stats.open_streams == 0
        with pytest.raises(aiohttp.ClientConnectorError):
            async with session.get(f"{door.url}/api/system/info"):
                pass
        await restart
        assert door.running
        assert door.port == port
        async with session.get(f"{door.url}/api/camera/caps") as resp:
            assert resp.status == 200  # same password: state survived
    assert door.stats.streams_opened == 1


# --- faults ----------------------------------------------------------------------------------


async def test_faults(door: Intercom2N) -> None:
    """latency, status, unauthorized and malformed apply from the next request."""
    caps = f"{door.url}/api/camera/caps"
    async with digest_session() as session:
        door.faults.latency = 0.3
        start = time.monotonic()
        async with session.get(caps) as resp:
            assert resp.status == 200
        assert time.monotonic() - start >= 0.3
        door.faults = Faults(status=500)
        async with session.get(f"{door.url}/api/system/info") as resp:
            assert resp.status == 500
            assert (await resp.json())["success"] is False
        door.faults = Faults(unauthorized=True)
        async with session.get(caps) as resp:
            assert resp.status == 401
            assert "WWW-Authenticate" in resp.headers
        door.faults = Faults(malformed=True)
        async with session.get(caps) as resp:
            assert resp.status == 200
            with pytest.raises(json.JSONDecodeError):
                json.loads(await resp.read())
        async with session.get(f"{door.url}{SNAP}", params={"width": 160, "height": 120}) as r:
            with pytest.raises(OSError):
                decode(await r.read())
        door.faults.clear()
        async with session.get(caps) as resp:
            assert (await resp.json())["success"] is True


# --- frames ----------------------------------------------------------------------------------


async def test_renderer_cache_and_tags() -> None:
    """One render per tick, shared; tags parse back; foreign JPEGs have no tag."""
    renderer = FrameRenderer("Cam", "main", 160, 120, clock=FrameClock(15))
    first, second = await asyncio.gather(renderer.frame(7), renderer.frame(7))
    assert first is second
    assert renderer.renders == 1
    tag = parse_frame_tag(first)
    assert tag is not None
    assert (tag.seq, tag.src) == (7, "Cam/main")
    assert parse_frame_tag(await renderer.frame(8)) != tag
    assert parse_frame_tag(b"not a jpeg") is None
    assert parse_frame_tag(insert_comment(b"\xff\xd8\xff\xd9", "hello")) is None


# --- command line ----------------------------------------------------------------------------


def test_cli(socket_enabled: None) -> None:
    """python -m simulator prints one JSON line per device, READY, and stops on SIGINT.

    Other families in the CLI's FAMILIES table start their default devices too, so the
    lines are read until READY and the intercoms picked out by family.
    """
    proc = subprocess.Popen(
        [sys.executable, "-m", "simulator", "--intercoms", "2", "--fps", "10"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert proc.stdout is not None
        lines: list[str] = []
        while (line := proc.stdout.readline()) not in ("READY\n", ""):  # "" is EOF: it died
            lines.append(line)
        assert line == "READY\n"
        every = [json.loads(line) for line in lines]
        assert all(d["host"] == "127.0.0.1" and d["port"] > 0 for d in every)
        assert len({d["port"] for d in every}) == len(every)
        devices = [d for d in every if d["family"] == "intercom_2n"]
        assert [d["name"] for d in devices] == ["Front door", "Back gate"]
        assert len({d["serial"] for d in devices}) == 2
        assert devices[0]["username"] == "admin"

        async def probe() -> dict[str, Any]:
            url = f"http://127.0.0.1:{devices[1]['port']}/api/system/info"
            async with aiohttp.ClientSession() as session, session.get(url) as resp:
                result: dict[str, Any] = (await resp.json())["result"]
                return result

        assert asyncio.run(probe())["macAddr"] == "7C:1E:B3:00:00:02"
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
