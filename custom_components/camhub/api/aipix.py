"""Client for the AIPIX VMS integration API: expiring preview, live and archive links.

An AIPIX server holds many cameras (by UUID). The integration API never streams anything
itself: `POST /api/v1/cameras/preview` (jpg / mp4), `/video` (hls / rtsp, live) and
`/archive` (hls / rtsp, a time range) answer `[{url, expired_at}]`, one entry per camera
asked for, and the links work without the token until `expired_at`. The client therefore
caches links until shortly before they expire and asks for all missing links of one kind in
one batched request.

Security: a link is as good as the token for its lifetime, so link URLs never appear in
`repr()`, error messages or logs (`redact_url`); only the server's host does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

import aiohttp
from yarl import URL

from . import safejson
from .errors import AuthError, CamHubError, ConnectError, DeviceError, ProtocolError
from .transport import AuthMode, Reply, Transport, network_error

PREVIEW_PATH = "/api/v1/cameras/preview"
VIDEO_PATH = "/api/v1/cameras/video"
ARCHIVE_PATH = "/api/v1/cameras/archive"

TTL_MIN = 10
TTL_MAX = 86400
DEFAULT_TTL = 600
LINK_MARGIN = timedelta(seconds=30)
"""A cached link is renewed this long before its `expired_at` (a fetch must not race it)."""
PROBE_TIMEOUT = 5.0
MAX_IMAGE = 8 * 1024 * 1024

Clock = Callable[[], datetime]


class Endpoint(StrEnum):
    """The three link endpoints, by what their links show."""

    PREVIEW = PREVIEW_PATH
    VIDEO = VIDEO_PATH
    ARCHIVE = ARCHIVE_PATH


PREVIEW_SOURCES = ("jpg", "mp4")
VIDEO_SOURCES = ("hls", "rtsp")


@dataclass(frozen=True, slots=True)
class CameraRef:
    """One camera (and stream type) to get a link for; `date` asks for an archive preview."""

    uuid: str
    stream_type: str | None = None
    date: datetime | None = None

    def to_json(self) -> dict[str, str]:
        """The camera object of a request body."""
        body = {"uuid": self.uuid}
        if self.stream_type:
            body["stream_type"] = self.stream_type
        if self.date is not None:
            body["date"] = format_time(self.date)
        return body


@dataclass(frozen=True, slots=True)
class Link:
    """A signed link and when it stops working; the URL is kept out of repr() and logs."""

    url: str = field(repr=False)
    expired_at: datetime
    move_to: datetime | None = None

    def valid_for(self, now: datetime) -> timedelta:
        """How long the link still works."""
        return self.expired_at - now

    def usable(self, now: datetime, margin: timedelta = LINK_MARGIN) -> bool:
        """Whether the link may still be handed out (more than `margin` left)."""
        return self.valid_for(now) > margin


def format_time(value: datetime) -> str:
    """`2000-01-01T00:00:00Z`, the form the API takes (naive times are taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(value: Any) -> datetime:
    """An API timestamp (`2000-01-01T00:00:00.000000Z`) as an aware UTC datetime."""
    if not isinstance(value, str):
        raise ProtocolError("AIPIX timestamp is not a string")
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError as err:
        raise ProtocolError(f"AIPIX timestamp {value!r} is not ISO 8601") from err
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def redact_url(url: str) -> str:
    """A link as it may be logged: scheme, host and port only (the rest is the secret)."""
    try:
        parsed = URL(url)
    except ValueError:
        return "<link>"
    if not parsed.host:
        return "<link>"
    return f"{parsed.scheme}://{parsed.host}:{parsed.port}/…"


def parse_links(data: Any, expected: int) -> list[Link]:
    """Read `[{url, expired_at, move_to?}]`; one entry per camera asked for, in order."""
    if not isinstance(data, list):
        raise ProtocolError("AIPIX link answer is not a list")
    if len(data) != expected:
        raise ProtocolError(f"AIPIX answered {len(data)} links for {expected} cameras")
    links = []
    for item in data:
        if not isinstance(item, dict):
            raise ProtocolError("AIPIX link is not an object")
        url = item.get("url")
        if not isinstance(url, str) or not url.startswith(("http://", "https://", "rtsp://")):
            raise ProtocolError("AIPIX link has no usable url")
        move_to = item.get("move_to")
        links.append(
            Link(
                url=url,
                expired_at=parse_time(item.get("expired_at")),
                move_to=parse_time(move_to) if move_to not in (None, "") else None,
            )
        )
    return links


def parse_error(status: int, body: bytes) -> CamHubError | None:
    """Map the server's JSON errors (`{"message": ..., "errors": {...}}`) to typed errors.

    Only 401 means the token is bad. A 403 (camera not accessible to this user), 404 or 422
    (invalid request) is about the request, not the login, so it never starts reauth.
    """
    message = ""
    try:
        data = safejson.loads(body)
    except ProtocolError:
        data = None
    if isinstance(data, dict):
        message = str(data.get("message") or "")
        errors = data.get("errors")
        if isinstance(errors, dict) and errors:
            field_name, problems = next(iter(errors.items()))
            detail = problems[0] if isinstance(problems, list) and problems else problems
            message = f"{message} ({field_name}: {detail})".strip()
    if status == 401:
        return AuthError(f"AIPIX refused the token: {message or 'HTTP 401'}")
    if status >= 400:
        return DeviceError(status, message or f"HTTP {status}")
    return None


def is_aipix_answer(status: int, headers: Mapping[str, str], body: bytes) -> bool:
    """Whether an anonymous preview request was answered the way an AIPIX server answers.

    401 with a JSON `message` and no Basic/Digest challenge (the server wants a Bearer
    token), or, for a server that lets anonymous users in, a JSON list (200) or a 422 that
    names the `cameras` field. Anything else (a Digest challenge from an Axis camera, a 2N
    error envelope, a 404 from another REST server) is not AIPIX.
    """
    challenge = headers.get("WWW-Authenticate", "").strip().lower()
    if challenge and not challenge.startswith("bearer"):
        return False
    try:
        data = safejson.loads(body)
    except ProtocolError:
        return False
    if status == 401:
        return isinstance(data, dict) and isinstance(data.get("message"), str)
    if status == 200:
        return isinstance(data, list)
    if status == 422 and isinstance(data, dict):
        errors = data.get("errors")
        return isinstance(errors, dict) and "cameras" in errors
    return False


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class LinkStats:
    """What the client asked the server for (diagnostics, benchmarks)."""

    link_requests: int = 0
    links_received: int = 0
    cache_hits: int = 0
    link_fetches: int = 0


type CacheKey = tuple[Endpoint, str, str, str | None]


class AipixClient:
    """The integration API of one AIPIX server, with one user's integration token."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: URL | str,
        token: str | None,
        *,
        timeout: float = 10.0,
        clock: Clock = _utcnow,
        margin: timedelta = LINK_MARGIN,
    ) -> None:
        """Bearer auth on the API; links are fetched without it (they carry their own)."""
        self.transport = Transport(
            session,
            base_url,
            auth=AuthMode.BEARER if token else AuthMode.NONE,
            token=token,
            timeout=timeout,
            error_parser=parse_error,
        )
        self.session = session
        self.clock = clock
        self.margin = margin
        self.stats = LinkStats()
        self._cache: dict[CacheKey, Link] = {}

    @property
    def host(self) -> str:
        """The server's host, for names and messages."""
        return self.transport.base_url.host or ""

    async def probe(self) -> bool:
        """Ask for a preview without a token; True if the answer is an AIPIX one."""
        try:
            async with self.session.post(
                self.transport.url(PREVIEW_PATH),
                json={"cameras": [], "source": "jpg"},
                headers={"Accept": "application/json"},
                timeout=aiohttp.ClientTimeout(total=PROBE_TIMEOUT),
                allow_redirects=False,
            ) as resp:
                body = await resp.content.read(64 * 1024)
                return is_aipix_answer(resp.status, resp.headers, body)
        except TimeoutError as err:
            raise ConnectError("preview: no answer") from err
        except (aiohttp.ClientError, OSError) as err:
            raise ConnectError(f"preview: {network_error(err)}") from err

    async def check_token(self) -> None:
        """A preview request for no camera: 401 if the token is bad.

        A server that validates the body refuses the empty list with 422 after checking the
        token (authentication runs first), so 422 also proves the token.
        """
        try:
            await self._post(Endpoint.PREVIEW, {"cameras": [], "source": "jpg"}, 0)
        except DeviceError as err:
            if err.code != 422:
                raise

    async def _post(self, endpoint: Endpoint, body: dict[str, Any], expected: int) -> list[Link]:
        self.stats.link_requests += 1
        reply = await self.transport.request("POST", endpoint.value, json_body=body)
        links = parse_links(reply.json(), expected)
        self.stats.links_received += len(links)
        return links

    async def preview(
        self, cameras: Sequence[CameraRef], source: str = "jpg", ttl: int | None = None
    ) -> list[Link]:
        """New preview links (jpg image or short mp4), one per camera, in one request."""
        _check_choice(source, PREVIEW_SOURCES)
        return await self._post(Endpoint.PREVIEW, _body(cameras, source, ttl), len(cameras))

    async def video(
        self, cameras: Sequence[CameraRef], source: str = "hls", ttl: int | None = None
    ) -> list[Link]:
        """New live links (HLS playlist or RTSP), one per camera, in one request."""
        _check_choice(source, VIDEO_SOURCES)
        return await self._post(Endpoint.VIDEO, _body(cameras, source, ttl), len(cameras))

    async def archive(
        self,
        cameras: Sequence[CameraRef],
        start: datetime,
        end: datetime,
        source: str = "hls",
        ttl: int | None = None,
    ) -> list[Link]:
        """Archive links for `start`..`end`; `move_to` says where the archive really starts."""
        _check_choice(source, VIDEO_SOURCES)
        if end <= start:
            raise ValueError("the archive range must end after it starts")
        body = _body(cameras, source, ttl) | {"from": format_time(start), "to": format_time(end)}
        return await self._post(Endpoint.ARCHIVE, body, len(cameras))

    async def cached_links(
        self,
        endpoint: Endpoint,
        source: str,
        cameras: Sequence[CameraRef],
        ttl: int | None = None,
        *,
        force: bool = False,
    ) -> list[Link]:
        """Links for `cameras` from the cache, renewing what is missing or nearly expired.

        Whatever needs renewing (everything, with `force`) is asked for in one request.
        """
        if endpoint is Endpoint.ARCHIVE:
            raise ValueError("archive links are not cached")
        now = self.clock()
        keys = [(endpoint, source, ref.uuid, ref.stream_type) for ref in cameras]
        missing = [
            ref
            for ref, key in zip(cameras, keys, strict=True)
            if force or key not in self._cache or not self._cache[key].usable(now, self.margin)
        ]
        self.stats.cache_hits += len(cameras) - len(missing)
        if missing:
            fetch = self.preview if endpoint is Endpoint.PREVIEW else self.video
            for ref, link in zip(missing, await fetch(missing, source, ttl), strict=True):
                self._cache[(endpoint, source, ref.uuid, ref.stream_type)] = link
        return [self._cache[key] for key in keys]

    async def cached_link(
        self, endpoint: Endpoint, source: str, camera: CameraRef, ttl: int | None = None
    ) -> Link:
        """One camera's cached link (see `cached_links`)."""
        return (await self.cached_links(endpoint, source, [camera], ttl))[0]

    def forget(self, camera: CameraRef) -> None:
        """Drop a camera's cached links (after a link was refused before its time)."""
        for key in [k for k in self._cache if k[2:] == (camera.uuid, camera.stream_type)]:
            del self._cache[key]

    async def fetch(self, link: Link, max_body: int = MAX_IMAGE) -> Reply:
        """GET what a link points at, without the token; errors never name the link."""
        self.stats.link_fetches += 1
        safe = redact_url(link.url)
        try:
            async with self.session.get(
                link.url,
                timeout=aiohttp.ClientTimeout(total=self.transport.timeout),
                allow_redirects=True,
            ) as resp:
                body = await resp.content.read(max_body + 1)
                status, content_type = resp.status, resp.content_type
        except TimeoutError as err:
            raise ConnectError(f"link at {safe}: timed out") from err
        except (aiohttp.ClientError, OSError, ValueError) as err:
            raise ConnectError(f"link at {safe}: {type(err).__name__}") from err
        if len(body) > max_body:
            raise ProtocolError(f"link at {safe}: body exceeds {max_body} bytes")
        if status >= 400:
            raise LinkRefusedError(status, f"link at {safe} refused")
        return Reply(status, content_type, body)

    async def fetch_image(self, link: Link) -> bytes:
        """The JPEG a jpg preview link shows."""
        reply = await self.fetch(link)
        if not reply.content_type.startswith("image/"):
            raise ProtocolError(f"expected an image, got {reply.content_type!r}")
        return reply.body


class LinkRefusedError(DeviceError):
    """A link was refused (expired early, revoked): ask for a new one."""


def _check_choice(value: str, allowed: Sequence[str]) -> None:
    if value not in allowed:
        raise ValueError(f"source must be one of {', '.join(allowed)}")


def _body(cameras: Sequence[CameraRef], source: str, ttl: int | None) -> dict[str, Any]:
    if not cameras:
        raise ValueError("at least one camera is needed")
    body: dict[str, Any] = {"cameras": [ref.to_json() for ref in cameras], "source": source}
    if ttl is not None:
        if not TTL_MIN <= ttl <= TTL_MAX:
            raise ValueError(f"ttl must be {TTL_MIN}..{TTL_MAX} seconds")
        body["ttl"] = ttl
    return body
