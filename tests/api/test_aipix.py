"""AIPIX client: link requests, batching, caching across expiry, probing and error mapping."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest

from custom_components.camhub.api.aipix import (
    AipixClient,
    CameraRef,
    Endpoint,
    Link,
    LinkRefusedError,
    format_time,
    is_aipix_answer,
    parse_error,
    parse_links,
    parse_time,
    redact_url,
)
from custom_components.camhub.api.errors import (
    AuthError,
    ConnectError,
    DeviceError,
    ProtocolError,
)
from simulator import AipixServer, Simulator

TOKEN = "tok-123"


class Clock:
    """A clock shared by the client and the simulated server, moved by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def server(socket_enabled: None, clock: Clock) -> AsyncIterator[AipixServer]:
    async with Simulator() as sim:
        yield await sim.add(AipixServer(token=TOKEN, now=clock))


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client_session:
        yield client_session


def client_for(
    session: aiohttp.ClientSession, server: AipixServer, clock: Clock, token: str | None = TOKEN
) -> AipixClient:
    return AipixClient(session, server.url, token, clock=clock)


async def test_preview_batches_cameras_in_one_request(
    server: AipixServer, session: aiohttp.ClientSession, clock: Clock
) -> None:
    client = client_for(session, server, clock)
    refs = [CameraRef(uuid, "high") for uuid in server.cameras]
    links = await client.preview(refs, "jpg", 120)
    assert len(links) == 3
    assert server.link_requests["preview"] == 1 and server.batch_sizes == [3]
    assert links[0].expired_at == clock.now + timedelta(seconds=120)
    image = await client.fetch_image(links[1])
    assert image.startswith(b"\xff\xd8")
    assert TOKEN not in links[0].url


async def test_cached_links_until_shortly_before_expiry(
    server: AipixServer, session: aiohttp.ClientSession, clock: Clock
) -> None:
    client = client_for(session, server, clock)
    refs = [CameraRef(uuid, "high") for uuid in server.cameras[:2]]
    first = await client.cached_links(Endpoint.PREVIEW, "jpg", refs, 120)
    clock.advance(60)
    assert await client.cached_links(Endpoint.PREVIEW, "jpg", refs, 120) == first
    assert server.link_requests["preview"] == 1 and client.stats.cache_hits == 2
    # A third camera joins: only it is asked for.
    third = CameraRef(server.cameras[2], "high")
    await client.cached_links(Endpoint.PREVIEW, "jpg", [*refs, third], 120)
    assert server.batch_sizes == [2, 1]
    # 30 s before expiry the first two are renewed together, in one request.
    clock.advance(31)
    renewed = await client.cached_links(Endpoint.PREVIEW, "jpg", refs, 120)
    assert renewed != first and server.batch_sizes == [2, 1, 2]
    # force renews everything.
    await client.cached_links(Endpoint.PREVIEW, "jpg", [*refs, third], 120, force=True)
    assert server.batch_sizes == [2, 1, 2, 3]


async def test_server_refuses_expired_links(
    server: AipixServer, session: aiohttp.ClientSession, clock: Clock
) -> None:
    client = client_for(session, server, clock)
    (link,) = await client.preview([CameraRef(server.cameras[0])], "jpg", 60)
    assert (await client.fetch(link)).status == 200
    clock.advance(60)
    with pytest.raises(LinkRefusedError) as err:
        await client.fetch(link)
    assert link.url not in str(err.value) and "/media/" not in str(err.value)
    assert server.refused_links == 1
    tampered = Link(url=link.url.replace("/preview.jpg", "x/preview.jpg"), expired_at=clock.now)
    with pytest.raises(DeviceError):
        await client.fetch(tampered)


async def test_video_and_archive_links(
    server: AipixServer, session: aiohttp.ClientSession, clock: Clock
) -> None:
    client = client_for(session, server, clock)
    ref = CameraRef(server.cameras[0], "high")
    (hls,) = await client.video([ref], "hls", 300)
    playlist = (await client.fetch(hls)).body.decode()
    assert playlist.startswith("#EXTM3U") and "#EXT-X-ENDLIST" not in playlist
    (rtsp,) = await client.video([ref], "rtsp")
    assert rtsp.url.startswith("rtsp://127.0.0.1")
    start = clock.now - timedelta(days=30)
    (archive,) = await client.archive([ref], start, start + timedelta(days=23, hours=1))
    assert archive.move_to == (clock.now - timedelta(days=7)).replace(microsecond=0)
    (recent,) = await client.archive([ref], clock.now - timedelta(minutes=10), clock.now)
    assert recent.move_to is None
    vod = (await client.fetch(recent)).body.decode()
    assert vod.count(".ts") == 300 and vod.rstrip().endswith("#EXT-X-ENDLIST")
    with pytest.raises(ValueError, match="end after"):
        await client.archive([ref], clock.now, clock.now)
    with pytest.raises(ValueError, match="source"):
        await client.video([ref], "dash")
    with pytest.raises(ValueError, match="ttl"):
        await client.preview([ref], "jpg", 5)
    with pytest.raises(ValueError, match="camera"):
        await client.preview([], "jpg")
    with pytest.raises(ValueError, match="not cached"):
        await client.cached_link(Endpoint.ARCHIVE, "hls", ref)


async def test_preview_of_archive_date_and_mp4(
    server: AipixServer, session: aiohttp.ClientSession, clock: Clock
) -> None:
    client = client_for(session, server, clock)
    ref = CameraRef(server.cameras[0], None, clock.now - timedelta(hours=1))
    (mp4,) = await client.preview([ref], "mp4")
    reply = await client.fetch(mp4)
    assert reply.content_type == "video/mp4" and reply.body[4:8] == b"ftyp"
    with pytest.raises(ProtocolError, match="image"):
        await client.fetch_image(mp4)
    future = CameraRef(server.cameras[0], None, clock.now + timedelta(hours=1))
    with pytest.raises(DeviceError) as err:
        await client.preview([future], "jpg")
    assert err.value.code == 422 and "date" in str(err.value)


async def test_token_errors_and_camera_access(
    server: AipixServer, session: aiohttp.ClientSession, clock: Clock
) -> None:
    await client_for(session, server, clock).check_token()  # 422 for no camera = token good
    with pytest.raises(AuthError):
        await client_for(session, server, clock, "wrong").check_token()
    with pytest.raises(AuthError):
        await client_for(session, server, clock, None).preview([CameraRef("x")])
    client = client_for(session, server, clock)
    with pytest.raises(DeviceError) as err:
        await client.preview([CameraRef(server.cameras[0]), CameraRef("nope")])
    assert err.value.code == 403
    server.faults.status = 500
    with pytest.raises(DeviceError) as err:
        await client.check_token()
    assert err.value.code == 500
    server.faults.clear()
    server.faults.malformed = True
    with pytest.raises(ProtocolError):
        await client.preview([CameraRef(server.cameras[0])])


async def test_probe_recognises_only_aipix(
    socket_enabled: None, session: aiohttp.ClientSession, clock: Clock
) -> None:
    async with Simulator() as sim:
        server = await sim.add(AipixServer(token=TOKEN, now=clock))
        intercom = await sim.add_intercom_2n()
        assert await AipixClient(session, server.url, None).probe() is True
        assert await AipixClient(session, intercom.url, None).probe() is False
        await server.stop()
        with pytest.raises(ConnectError):
            await AipixClient(session, server.url, None).probe()


async def test_fetch_of_unreachable_link_names_no_secret(
    server: AipixServer, session: aiohttp.ClientSession, clock: Clock
) -> None:
    client = client_for(session, server, clock)
    (link,) = await client.preview([CameraRef(server.cameras[0])], "jpg")
    await server.stop()
    with pytest.raises(ConnectError) as err:
        await client.fetch(link)
    assert "/media/" not in str(err.value) and "127.0.0.1" in str(err.value)
    with pytest.raises(ConnectError):
        await client.check_token()


def test_parse_links() -> None:
    links = parse_links(
        [
            {"url": "https://v/a?t=1", "expired_at": "2000-01-01T00:00:00.000000Z"},
            {"url": "rtsp://v/b", "expired_at": "2000-01-01T00:00:00", "move_to": ""},
            {
                "url": "https://v/c",
                "expired_at": "2000-01-01T01:00:00+01:00",
                "move_to": "1999-12-31T00:00:00Z",
            },
        ],
        3,
    )
    assert links[0].expired_at == datetime(2000, 1, 1, tzinfo=UTC)
    assert links[1].expired_at == links[0].expired_at and links[1].move_to is None
    assert links[2].expired_at == links[0].expired_at
    assert links[2].move_to == datetime(1999, 12, 31, tzinfo=UTC)
    assert "https://v/a" not in repr(links[0])
    for bad, expected in (
        ({"url": "x"}, 1),
        ([], 1),
        (["x"], 1),
        ([{"url": "ftp://x", "expired_at": "2000-01-01T00:00:00Z"}], 1),
        ([{"url": "https://x", "expired_at": 5}], 1),
        ([{"url": "https://x", "expired_at": "yesterday"}], 1),
    ):
        with pytest.raises(ProtocolError):
            parse_links(bad, expected)


def test_parse_error_and_probe_answers() -> None:
    assert isinstance(parse_error(401, b'{"message": "Unauthenticated."}'), AuthError)
    err = parse_error(422, b'{"message": "Bad.", "errors": {"ttl": ["must be int"]}}')
    assert isinstance(err, DeviceError) and "ttl: must be int" in str(err)
    err = parse_error(404, b"<html>")
    assert isinstance(err, DeviceError) and err.code == 404
    assert parse_error(200, b"[]") is None
    json_401 = b'{"message": "Unauthenticated."}'
    assert is_aipix_answer(401, {}, json_401)
    assert is_aipix_answer(401, {"WWW-Authenticate": "Bearer"}, json_401)
    assert not is_aipix_answer(401, {"WWW-Authenticate": 'Digest realm="x"'}, json_401)
    assert not is_aipix_answer(401, {}, b'{"detail": "Not authenticated"}')
    assert not is_aipix_answer(401, {}, b"<html>401</html>")
    assert is_aipix_answer(200, {}, b"[]")
    assert is_aipix_answer(422, {}, b'{"message": "x", "errors": {"cameras": ["required"]}}')
    assert not is_aipix_answer(422, {}, b'{"message": "x"}')
    assert not is_aipix_answer(404, {}, b'{"success": false, "error": {"code": 1}}')


def test_time_formats_and_redaction() -> None:
    assert format_time(datetime(2000, 1, 1, 1, tzinfo=UTC)) == "2000-01-01T01:00:00Z"
    assert format_time(datetime(2000, 1, 1)) == "2000-01-01T00:00:00Z"
    assert parse_time("2000-01-01T00:00:00Z") == datetime(2000, 1, 1, tzinfo=UTC)
    assert redact_url("https://vms.example:8443/media/secret/x.jpg?sig=1") == (
        "https://vms.example:8443/…"
    )
    assert redact_url("not a url") == "<link>"
    assert redact_url("http://[::1") == "<link>"
