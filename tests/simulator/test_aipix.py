"""The simulated AIPIX VMS: Bearer tokens, request validation, signed expiring links, media."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import av
import pytest

from simulator import AipixServer, Simulator, parse_frame_tag
from simulator.aipix import media_clip

ROOT = Path(__file__).parents[2]
TOKEN = "secret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 1, 10, 0, 0, 500000, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def server(socket_enabled: None, clock: Clock) -> AsyncIterator[AipixServer]:
    async with Simulator() as sim:
        yield await sim.add(AipixServer(token=TOKEN, now=clock, default_ttl=100, max_ttl=1000))


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def post(
    http: aiohttp.ClientSession,
    server: AipixServer,
    endpoint: str,
    body: Any,
    headers: dict[str, str] | None = None,
) -> tuple[int, Any]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    async with http.post(
        f"{server.url}/api/v1/cameras/{endpoint}",
        data=data,
        headers=AUTH if headers is None else headers,
    ) as resp:
        return resp.status, await resp.json()


async def get(http: aiohttp.ClientSession, url: str) -> tuple[int, str, bytes]:
    async with http.get(url) as resp:
        return resp.status, resp.content_type, await resp.read()


async def test_token_is_required(server: AipixServer, http: aiohttp.ClientSession) -> None:
    body = {"cameras": [{"uuid": server.cameras[0]}], "source": "jpg"}
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": f"Basic {TOKEN}"}):
        status, answer = await post(http, server, "preview", body, headers)
        assert (status, answer) == (401, {"message": "Unauthenticated."})
    assert server.link_requests["preview"] == 0
    server.faults.unauthorized = True
    assert (await post(http, server, "preview", body))[0] == 401


async def test_preview_defaults_ttl_and_order(
    server: AipixServer, http: aiohttp.ClientSession, clock: Clock
) -> None:
    cameras = [{"uuid": uuid, "stream_type": "low"} for uuid in reversed(server.cameras)]
    status, links = await post(http, server, "preview", {"cameras": cameras})
    assert status == 200 and len(links) == 3
    assert all(link["url"].endswith("/preview.mp4") for link in links)  # mp4 is the default
    assert links[0]["expired_at"] == "2026-03-01T10:01:40.000000Z"  # default ttl 100 s
    assert f"/{server.cameras[2]}/low/" in links[0]["url"]
    status, links = await post(
        http, server, "preview", {"cameras": cameras[:1], "source": "jpg", "ttl": "5000"}
    )
    assert links[0]["expired_at"] == "2026-03-01T10:16:40.000000Z"  # capped at max_ttl
    status, kind, body = await get(http, links[0]["url"])
    assert (status, kind) == (200, "image/jpeg")
    tag = parse_frame_tag(body)
    assert tag is not None and tag.src == f"AIPIX VMS/{server.cameras[2]}"
    assert server.batch_sizes == [3, 1]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"not json", "body"),
        ([], "body"),
        ({"source": "jpg"}, "cameras"),
        ({"cameras": [], "source": "jpg"}, "cameras"),
        ({"cameras": ["x"]}, "cameras.0.uuid"),
        ({"cameras": [{"uuid": "x", "stream_type": "4k"}]}, "cameras.0.stream_type"),
        ({"cameras": [{"uuid": "x", "date": "soon"}]}, "cameras.0.date"),
        ({"cameras": [{"uuid": "x", "date": 5}]}, "cameras.0.date"),
        ({"cameras": [{"uuid": "x"}], "source": "hls"}, "source"),
        ({"cameras": [{"uuid": "x"}], "ttl": "abc"}, "ttl"),
        ({"cameras": [{"uuid": "x"}], "ttl": 0}, "ttl"),
    ],
)
async def test_invalid_bodies_get_422(
    server: AipixServer, http: aiohttp.ClientSession, body: Any, field: str
) -> None:
    status, answer = await post(http, server, "preview", body)
    assert status == 422 and field in answer["errors"]


async def test_inaccessible_camera_is_403(server: AipixServer, http: aiohttp.ClientSession) -> None:
    body = {"cameras": [{"uuid": server.cameras[0]}, {"uuid": "other"}], "source": "jpg"}
    assert await post(http, server, "preview", body) == (
        403,
        {"message": "This action is unauthorized."},
    )


async def test_links_expire_and_signatures_hold(
    server: AipixServer, http: aiohttp.ClientSession, clock: Clock
) -> None:
    body = {"cameras": [{"uuid": server.cameras[0]}], "source": "jpg", "ttl": 60}
    url = (await post(http, server, "preview", body))[1][0]["url"]
    assert (await get(http, url))[0] == 200
    assert (await get(http, url.replace("/jpg/", "/mp4/")))[0] == 403  # signature covers it
    assert (await get(http, url.replace("preview.jpg", "preview.mp4")))[0] == 404
    parts = url.split("/")
    parts[-3] = "later"
    assert (await get(http, "/".join(parts)))[0] == 404
    clock.now += timedelta(seconds=60)
    status, _, answer = await get(http, url)
    assert status == 403 and json.loads(answer) == {"message": "Link expired."}
    assert server.refused_links == 2
    assert (await get(http, f"{server.url}/nothing"))[0] == 404


async def test_mp4_live_hls_and_rtsp(
    server: AipixServer, http: aiohttp.ClientSession, clock: Clock
) -> None:
    uuid = server.cameras[1]
    url = (await post(http, server, "preview", {"cameras": [{"uuid": uuid}]}))[1][0]["url"]
    status, kind, clip = await get(http, url)
    assert (status, kind) == (200, "video/mp4") and clip == media_clip("mp4")
    hls = (await post(http, server, "video", {"cameras": [{"uuid": uuid}]}))[1][0]["url"]
    status, kind, playlist = await get(http, hls)
    assert kind == "application/vnd.apple.mpegurl"
    lines = playlist.decode().splitlines()
    segments = [line for line in lines if line.endswith(".ts")]
    assert len(segments) == 3 and "#EXT-X-ENDLIST" not in lines
    newest = int(clock.now.timestamp()) // 2
    assert segments[-1] == f"seg{newest}.ts"
    status, kind, segment = await get(http, hls.rsplit("/", 1)[0] + "/" + segments[0])
    assert kind == "video/mp2t"
    with av.open(io.BytesIO(segment)) as container:
        assert sum(1 for _ in container.decode(video=0)) == 10
    rtsp = (await post(http, server, "video", {"cameras": [{"uuid": uuid}], "source": "rtsp"}))[1][
        0
    ]["url"]
    assert rtsp.startswith(f"rtsp://127.0.0.1:{server.port}/media/live/")


async def test_archive_links(
    server: AipixServer, http: aiohttp.ClientSession, clock: Clock
) -> None:
    uuid = server.cameras[0]
    start = clock.now - timedelta(days=7, hours=1)
    body = {
        "cameras": [{"uuid": uuid}],
        "from": start.isoformat(),
        "to": (start + timedelta(hours=2)).isoformat(),
    }
    status, links = await post(http, server, "archive", body)
    assert status == 200
    assert links[0]["move_to"] == "2026-02-22T10:00:00.000000Z"
    status, _, playlist = await get(http, links[0]["url"])
    assert playlist.decode().count(".ts") == 1800  # the hour that exists, 2 s segments
    assert playlist.decode().rstrip().endswith("#EXT-X-ENDLIST")
    status, _, segment = await get(http, links[0]["url"].replace("index.m3u8", "seg7.ts"))
    assert segment == media_clip("ts")
    for bad, field in (
        ({"to": start.isoformat()}, "to"),
        ({"from": "yesterday"}, "from"),
        ({"to": (start + timedelta(minutes=30)).isoformat()}, "from"),
    ):
        status, answer = await post(http, server, "archive", {**body, **bad})
        assert status == 422 and field in answer["errors"]


def test_describe_and_cli(socket_enabled: None) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "simulator", "--aipix", "1"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert proc.stdout is not None
        lines = []
        while (line := proc.stdout.readline().strip()) != "READY":
            lines.append(json.loads(line))
        (device,) = [d for d in lines if d["family"] == "aipix"]  # other families may run too
        assert device["family"] == "aipix" and device["api_token"] == "aipix-token-1"
        assert len(device["cameras"]) == 3 and device["port"] > 0
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
