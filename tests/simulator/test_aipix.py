"""The simulated AIPIX VMS: Bearer tokens, request validation, signed expiring links, media."""

from __future__ import annotations

import asyncio
import io
import itertools
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

from simulator import AipixServer, Simulator, parse_frame_tag, video
from simulator.frames import FrameRenderer
from simulator.video import FPS, SEGMENT_SECONDS, SEGMENTS, TS_HZ, cached_clip, read_timestamp

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


def decode(data: bytes, container: str = "mpegts") -> list[av.VideoFrame]:
    with av.open(io.BytesIO(data), "r", format=container) as media:
        frames = list(media.decode(video=0))
    return frames


def video_packets(data: bytes) -> list[av.Packet]:
    """The video packets of a TS byte string (header fields only; safe after closing)."""
    with av.open(io.BytesIO(data), "r", format="mpegts") as media:
        packets = [p for p in media.demux(video=0) if p.dts is not None]
    return packets


def check_playlist(text: str) -> list[str]:
    """A valid HLS media playlist (RFC 8216): header first, every EXTINF followed by a URI
    and no longer than the target duration. Returns the segment URIs."""
    lines = text.splitlines()
    assert lines[0] == "#EXTM3U" and text.endswith("\n")
    tags = dict(line.split(":", 1) for line in lines if ":" in line and line.startswith("#EXT-X"))
    target = int(tags["#EXT-X-TARGETDURATION"])
    int(tags["#EXT-X-MEDIA-SEQUENCE"])
    uris = []
    for i, line in enumerate(lines):
        if line.startswith("#EXTINF:"):
            assert 0 < float(line[8:].split(",")[0]) <= target
            assert not lines[i + 1].startswith("#")
            uris.append(lines[i + 1])
    assert len(uris) == sum(1 for line in lines if not line.startswith("#"))
    return uris


async def test_mp4_preview_is_real_video(server: AipixServer, http: aiohttp.ClientSession) -> None:
    uuid = server.cameras[1]
    url = (await post(http, server, "preview", {"cameras": [{"uuid": uuid}]}))[1][0]["url"]
    status, kind, clip = await get(http, url)
    assert (status, kind) == (200, "video/mp4")
    frames = decode(clip, "mp4")
    assert len(frames) == SEGMENTS * SEGMENT_SECONDS * FPS
    assert {(f.width, f.height) for f in frames} == {(640, 360)}


async def test_live_hls_is_real_continuous_video(
    server: AipixServer, http: aiohttp.ClientSession, clock: Clock
) -> None:
    uuid = server.cameras[1]
    hls = (await post(http, server, "video", {"cameras": [{"uuid": uuid}]}))[1][0]["url"]
    status, kind, playlist = await get(http, hls)
    assert (status, kind) == (200, "application/vnd.apple.mpegurl")
    segments = check_playlist(playlist.decode())
    assert "#EXT-X-ENDLIST" not in playlist.decode()
    newest = int(clock.now.timestamp()) // 2
    assert segments == [f"seg{n}.ts" for n in range(newest - 2, newest + 1)]
    assert f"#EXT-X-MEDIA-SEQUENCE:{newest - 2}" in playlist.decode()
    base = hls.rsplit("/", 1)[0]
    bodies = []
    for name in segments:
        status, kind, segment = await get(http, f"{base}/{name}")
        assert (status, kind) == (200, "video/mp2t")
        bodies.append(segment)
        frames = decode(segment)
        assert len(frames) == SEGMENT_SECONDS * FPS
        assert {(f.width, f.height) for f in frames} == {(640, 360)}
    # One stream across segments (and across the loop of cached ones): every segment opens
    # with a keyframe, DTS rises by one frame each packet, nothing is flagged corrupt.
    packets = video_packets(b"".join(bodies))
    assert len(packets) == 3 * SEGMENT_SECONDS * FPS
    step = TS_HZ // FPS
    assert all(b.dts == a.dts + step for a, b in itertools.pairwise(packets))  # type: ignore[operator]
    assert all(p.pts == p.dts and not p.is_corrupt for p in packets)
    assert [i for i, p in enumerate(packets) if p.is_keyframe] == [0, 20, 40]
    assert server.media_requests["segment.ts"] == 3
    low = (await post(http, server, "video", {"cameras": [{"uuid": uuid, "stream_type": "low"}]}))[
        1
    ][0]["url"]
    status, _, segment = await get(http, low.replace("index.m3u8", "seg5.ts"))
    assert {(f.width, f.height) for f in decode(segment)} == {(320, 180)}
    for bad in ("seg.ts", "seg-1.ts", "seg1.mp4", "x.ts"):
        assert (await get(http, f"{base}/{bad}"))[0] == 404
    rtsp = (await post(http, server, "video", {"cameras": [{"uuid": uuid}], "source": "rtsp"}))[1][
        0
    ]["url"]
    assert rtsp.startswith(f"rtsp://127.0.0.1:{server.port}/media/live/")


async def test_segments_expire_with_their_link(
    server: AipixServer, http: aiohttp.ClientSession, clock: Clock
) -> None:
    uuid = server.cameras[0]
    body = {"cameras": [{"uuid": uuid}], "ttl": 10}
    hls = (await post(http, server, "video", body))[1][0]["url"]
    segment = hls.replace("index.m3u8", "seg3.ts")
    assert (await get(http, segment))[0] == 200
    clock.now += timedelta(seconds=9)
    assert (await get(http, hls))[0] == 200
    clock.now += timedelta(seconds=1)
    for url in (hls, segment):
        status, _, answer = await get(http, url)
        assert status == 403 and json.loads(answer) == {"message": "Link expired."}
    assert server.refused_links == 2


async def test_ffmpeg_plays_the_live_playlist(
    server: AipixServer, http: aiohttp.ClientSession
) -> None:
    """What Home Assistant's stream worker does: ffmpeg's HLS demuxer over HTTP, in a thread."""
    uuid = server.cameras[2]
    hls = (await post(http, server, "video", {"cameras": [{"uuid": uuid}]}))[1][0]["url"]

    def read() -> list[tuple[int, bool]]:
        with av.open(hls, timeout=10) as media:
            assert media.format.name == "hls"
            seen = []
            for packet in media.demux(video=0):
                if packet.dts is not None:
                    seen.append((packet.dts, packet.is_keyframe))
                if len(seen) == 45:  # into the third segment; the frozen clock adds none
                    return seen
        return seen

    seen = await asyncio.wait_for(asyncio.get_running_loop().run_in_executor(None, read), 20)
    assert len(seen) == 45 and seen[0][1]
    assert all(b[0] > a[0] for a, b in itertools.pairwise(seen))


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
    segments = check_playlist(playlist.decode())
    assert len(segments) == 1800  # the hour that exists, 2 s segments
    assert segments[0] == "seg0.ts" and segments[-1] == "seg1799.ts"
    assert playlist.decode().rstrip().endswith("#EXT-X-ENDLIST")
    assert "#EXT-X-PLAYLIST-TYPE:VOD" in playlist.decode()
    status, _, segment = await get(http, links[0]["url"].replace("index.m3u8", "seg7.ts"))
    assert status == 200 and len(decode(segment)) == SEGMENT_SECONDS * FPS
    status, _, segment = await get(http, links[0]["url"].replace("index.m3u8", "seg1800.ts"))
    assert status == 404
    for bad, field in (
        ({"to": start.isoformat()}, "to"),
        ({"from": "yesterday"}, "from"),
        ({"to": (start + timedelta(minutes=30)).isoformat()}, "from"),
    ):
        status, answer = await post(http, server, "archive", {**body, **bad})
        assert status == 422 and field in answer["errors"]


def test_clip_loops_with_rising_timestamps_and_counters() -> None:
    """Segment n is cached segment n % 3, re-stamped: PTS/DTS/PCR and continuity counters run
    on across the loop (and across the 33-bit wrap, modulo 2**33)."""
    clip = cached_clip(FrameRenderer("unit", "loop", 160, 90))
    assert clip.encode_seconds > 0 and (clip.width, clip.height) == (160, 90)
    assert clip.segment(0) == clip.segments[0]  # later ones: counters continue from it
    with pytest.raises(ValueError, match="start at 0"):
        clip.segment(-1)
    period = SEGMENTS * SEGMENT_SECONDS * TS_HZ
    for first in (2, 3 * 10**8 + 1):  # across the loop; far out (live: wall-clock numbers)
        data = b"".join(clip.segment(n) for n in range(first, first + 4))
        last_cc: dict[int, int] = {}
        pts = []
        for pos in range(0, len(data), 188):
            pid = (data[pos + 1] & 0x1F) << 8 | data[pos + 2]
            cc = data[pos + 3] & 0x0F
            if data[pos + 3] & 0x10:
                if pid in last_cc:
                    assert cc == (last_cc[pid] + 1) % 16, (pos, pid)
                last_cc[pid] = cc
            pes = pos + 4 + (1 + data[pos + 4] if data[pos + 3] & 0x20 else 0)
            if data[pos + 1] & 0x40 and data[pes : pes + 4] == b"\x00\x00\x01\xe0":
                pts.append(read_timestamp(data, pes + 9))
        step = TS_HZ // FPS
        assert len(pts) == 4 * SEGMENT_SECONDS * FPS
        assert all((b - a) % 2**33 == step for a, b in itertools.pairwise(pts))
        own = video_packets(clip.segments[first % SEGMENTS])[0].pts
        assert own is not None and pts[0] == (own + (first // SEGMENTS) * period) % 2**33
    with pytest.raises(ValueError, match="sync"):
        video.retime(b"\x00" * 188, 1)
    with pytest.raises(ValueError, match="whole"):
        video.retime(b"\x47" * 100, 1)


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
