"""AIPIX VMS (integration API): expiring signed preview, live and archive links, and the media.

The three endpoints of the integration API take a Bearer integration token and answer
`[{url, expired_at}]`, one entry per camera asked for:
- `POST /api/v1/cameras/preview` (`source` jpg / mp4, optional `date` per camera),
- `POST /api/v1/cameras/video` (`source` hls / rtsp, live),
- `POST /api/v1/cameras/archive` (`source` hls / rtsp, `from` / `to`; `move_to` when `from`
  lies before the start of the archive).
Errors are Laravel-style JSON (`{"message": ..., "errors": {...}}`): 401 for a missing or
wrong token, 403 for a camera the user may not see, 422 for an invalid body.

The links point back at this server (`/media/...`) and carry an HMAC signature over what they
show and their expiry, so they work without the token and are really refused (403) once
`expired_at` has passed: jpg previews are the live test card, mp4 previews a 6 s H.264 clip of
it, HLS playlists (live: a sliding window; archive: VOD) reference H.264 MPEG-TS segments under
the same signed prefix (see `video`: encoded once per camera and size on first use, in the
executor, then looped with rising timestamps, so ffmpeg and Home Assistant's stream play them).
RTSP links are handed out but not served (the simulator has no RTSP server).

No camera list endpoint: the integration API documents none, so cameras are known by UUID.
Time comes from `now()` (wall clock by default), so tests can travel in time.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import hmac
import json
import math
import re
import secrets
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, TypedDict

from aiohttp import web

from .device import SimDevice
from .frames import FrameClock, FrameRenderer
from .video import SEGMENT_SECONDS, Clip, cached_clip

DEFAULT_CAMERAS = (
    "0c8f6a8e-1c53-4f5e-9a51-3f1c2b8e0001",
    "5b1e3d27-8a41-4c0b-b7e2-6d9f0a4c0002",
    "a9d4c2f1-2e6b-47a8-8c3d-1b5e7f9a0003",
)
STREAM_TYPES = ("high", "low", "camera")
PREVIEW_SOURCES = ("jpg", "mp4")
VIDEO_SOURCES = ("hls", "rtsp")
LIVE_WINDOW = 3
MAX_ARCHIVE_SEGMENTS = 1800
_SIZES = {"high": (640, 360), "camera": (640, 360), "low": (320, 180)}
_SEGMENT_RE = re.compile(r"seg(\d{1,12})\.ts")


class AipixOptions(TypedDict, total=False):
    """Keyword arguments of `AipixServer` (and `Simulator.add_aipix`)."""

    name: str
    token: str
    cameras: Sequence[str]
    default_ttl: int
    max_ttl: int
    archive_days: float
    port: int


class BadRequest(Exception):
    """An invalid body: answered with 422 and the offending field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class Grant:
    """What a signed link shows: `scope` (jpg, mp4, live, archive.<from>.<to>, jpg.<date>)."""

    scope: str
    uuid: str
    stream: str
    expires: int

    @property
    def path(self) -> str:
        """The signed prefix, without the signature."""
        return f"{self.scope}/{self.uuid}/{self.stream}/{self.expires}"


def iso(value: datetime) -> str:
    """`2000-01-01T00:00:00.000000Z`, the server's timestamp format."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _parse_time(value: Any, field: str) -> datetime:
    if not isinstance(value, str):
        raise BadRequest(field, f"The {field} field must be a date.")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise BadRequest(field, f"The {field} field must be a valid date.") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class AipixServer(SimDevice):
    """An AIPIX VMS with a few cameras, one user and that user's integration token."""

    family: ClassVar[str] = "aipix"

    def __init__(
        self,
        *,
        name: str = "AIPIX VMS",
        token: str = "aipix-integration-token",
        cameras: Sequence[str] = DEFAULT_CAMERAS,
        default_ttl: int = 300,
        max_ttl: int = 86400,
        archive_days: float = 7.0,
        port: int = 0,
        clock: FrameClock | None = None,
        executor: Executor | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(name, port=port, auth=None, clock=clock, executor=executor)
        self.token = token  # settable: a test revokes the token by changing it
        self.cameras = list(cameras)  # settable: cameras the user may see
        self.default_ttl = default_ttl
        self.max_ttl = max_ttl  # longer ttls are cut to this (expired_at says so)
        self.archive_days = archive_days
        self.now = now or (lambda: datetime.now(UTC))
        self.link_requests: Counter[str] = Counter()  # by endpoint: preview, video, archive
        self.batch_sizes: list[int] = []  # cameras per successful link request
        self.media_requests: Counter[str] = Counter()  # by file: preview.jpg, live.m3u8, ...
        self.refused_links = 0
        self._secret = secrets.token_bytes(16)
        self._clips: dict[tuple[str, int, int], asyncio.Future[Clip]] = {}

    def describe(self) -> dict[str, Any]:
        """CLI line: where it listens, the token (as the config flow names it), the cameras."""
        return {**super().describe(), "api_token": self.token, "cameras": list(self.cameras)}

    def setup_routes(self, app: web.Application) -> None:
        """The integration API's link endpoints and the media their links point at."""
        app.router.add_post("/api/v1/cameras/preview", self._preview)
        app.router.add_post("/api/v1/cameras/video", self._video)
        app.router.add_post("/api/v1/cameras/archive", self._archive)
        app.router.add_get("/media/{scope}/{uuid}/{stream}/{expires}/{sig}/{file}", self._media)

    def error_response(self, status: int, message: str) -> web.Response:
        """Laravel-style `{"message": ...}`."""
        return web.json_response({"message": message}, status=status)

    # --- link endpoints ----------------------------------------------------------------------

    async def _preview(self, request: web.Request) -> web.Response:
        return await self._links(request, "preview", PREVIEW_SOURCES, "mp4")

    async def _video(self, request: web.Request) -> web.Response:
        return await self._links(request, "video", VIDEO_SOURCES, "hls")

    async def _archive(self, request: web.Request) -> web.Response:
        return await self._links(request, "archive", VIDEO_SOURCES, "hls")

    def _authorized(self, request: web.Request) -> bool:
        kind, _, value = request.headers.get("Authorization", "").partition(" ")
        return kind.lower() == "bearer" and hmac.compare_digest(
            value.strip().encode(), self.token.encode()
        )

    async def _links(
        self, request: web.Request, endpoint: str, sources: Sequence[str], default: str
    ) -> web.Response:
        """Check the token, then the body, then each camera's access, then sign the links."""
        if not self._authorized(request):
            return self.error_response(401, "Unauthenticated.")
        self.link_requests[endpoint] += 1
        try:
            body = await self._body(request)
            cameras = self._cameras(body)
            source = body.get("source") or default
            if source not in sources:
                raise BadRequest("source", f"The selected source is invalid ({source}).")
            ttl = self._ttl(body.get("ttl"))
            window = self._archive_window(body) if endpoint == "archive" else None
        except BadRequest as err:
            return web.json_response(
                {"message": err.message, "errors": {err.field: [err.message]}}, status=422
            )
        denied = [c["uuid"] for c in cameras if c["uuid"] not in self.cameras]
        if denied:
            return self.error_response(403, "This action is unauthorized.")
        now = self.now()
        expires = int(now.timestamp()) + ttl
        answer = []
        for camera in cameras:
            scope, move_to = self._scope(endpoint, source, camera, window)
            grant = Grant(scope, camera["uuid"], camera.get("stream_type") or "camera", expires)
            item: dict[str, Any] = {
                "url": self._url(grant, source),
                "expired_at": iso(datetime.fromtimestamp(expires, UTC)),
            }
            if move_to is not None:
                item["move_to"] = iso(move_to)
            answer.append(item)
        self.batch_sizes.append(len(cameras))
        return web.json_response(answer)

    async def _body(self, request: web.Request) -> dict[str, Any]:
        try:
            body = json.loads(await request.read())
        except (ValueError, UnicodeDecodeError):
            raise BadRequest("body", "The body must be JSON.") from None
        if not isinstance(body, dict):
            raise BadRequest("body", "The body must be a JSON object.")
        return body

    def _cameras(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        cameras = body.get("cameras")
        if not isinstance(cameras, list) or not cameras:
            raise BadRequest("cameras", "The cameras field is required.")
        for i, camera in enumerate(cameras):
            if not isinstance(camera, dict) or not isinstance(camera.get("uuid"), str):
                raise BadRequest(f"cameras.{i}.uuid", "The uuid field is required.")
            stream = camera.get("stream_type")
            if stream is not None and stream not in STREAM_TYPES:
                raise BadRequest(f"cameras.{i}.stream_type", "The stream type is invalid.")
            if "date" in camera:
                date = _parse_time(camera["date"], f"cameras.{i}.date")
                if date > self.now():
                    raise BadRequest(f"cameras.{i}.date", "The date must not be in the future.")
                camera["date"] = date
        return cameras

    def _ttl(self, value: Any) -> int:
        """Integer or numeric string (the vendor's own example sends "100"), capped."""
        if value is None:
            return self.default_ttl
        try:
            ttl = int(value)
        except (TypeError, ValueError):
            raise BadRequest("ttl", "The ttl field must be an integer.") from None
        if ttl < 1:
            raise BadRequest("ttl", "The ttl field must be at least 1.")
        return min(ttl, self.max_ttl)

    @property
    def archive_start(self) -> datetime:
        """The oldest recording: `archive_days` before now."""
        return self.now() - timedelta(days=self.archive_days)

    def _archive_window(self, body: dict[str, Any]) -> tuple[datetime, datetime, datetime | None]:
        start, end = _parse_time(body.get("from"), "from"), _parse_time(body.get("to"), "to")
        if end <= start:
            raise BadRequest("to", "The to field must be a date after from.")
        move_to = None
        if start < self.archive_start:
            move_to = self.archive_start.replace(microsecond=0)
            if move_to >= end:
                raise BadRequest("from", "There is no archive in this range.")
            start = move_to
        return start, end, move_to

    def _scope(
        self,
        endpoint: str,
        source: str,
        camera: dict[str, Any],
        window: tuple[datetime, datetime, datetime | None] | None,
    ) -> tuple[str, datetime | None]:
        if window is not None:
            start, end, move_to = window
            return f"archive.{int(start.timestamp())}.{int(end.timestamp())}", move_to
        if endpoint == "video":
            return "live", None
        date = camera.get("date")
        suffix = f".{int(date.timestamp())}" if isinstance(date, datetime) else ""
        return f"{source}{suffix}", None

    def _sign(self, grant: Grant) -> str:
        return hmac.new(self._secret, grant.path.encode(), hashlib.sha256).hexdigest()[:32]

    def _url(self, grant: Grant, source: str) -> str:
        file = {"jpg": "preview.jpg", "mp4": "preview.mp4"}.get(source, "index.m3u8")
        path = f"/media/{grant.path}/{self._sign(grant)}/{file}"
        if source == "rtsp":
            return f"rtsp://{self.host}:{self.port}{path.removesuffix('/index.m3u8')}"
        return f"{self.url}{path}"

    # --- media ---------------------------------------------------------------------------------

    async def _media(self, request: web.Request) -> web.Response:
        """Serve what a signed link shows, if its signature is right and it has not expired."""
        info = request.match_info
        try:
            grant = Grant(info["scope"], info["uuid"], info["stream"], int(info["expires"]))
        except ValueError:
            return self.error_response(404, "Not Found")
        if not hmac.compare_digest(info["sig"], self._sign(grant)):
            self.refused_links += 1
            return self.error_response(403, "Invalid signature.")
        if self.now().timestamp() >= grant.expires:
            self.refused_links += 1
            return self.error_response(403, "Link expired.")
        file = info["file"]
        self.media_requests[file if not file.endswith(".ts") else "segment.ts"] += 1
        return await self._serve(grant, file)

    async def _serve(self, grant: Grant, file: str) -> web.Response:
        kind = grant.scope.split(".")[0]
        video = kind in ("live", "archive")
        if file == "preview.jpg" and kind == "jpg":
            width, height = _SIZES.get(grant.stream, _SIZES["camera"])
            jpeg = await self.renderer(grant.uuid, width, height).frame()
            return web.Response(body=jpeg, content_type="image/jpeg")
        if file == "preview.mp4" and kind == "mp4":
            clip = await asyncio.shield(self._clip(grant))
            return web.Response(body=clip.mp4, content_type="video/mp4")
        if file == "index.m3u8" and video:
            self._clip(grant)  # start encoding now: the client asks for a segment next
            return web.Response(
                text=self._playlist(grant), content_type="application/vnd.apple.mpegurl"
            )
        match = _SEGMENT_RE.fullmatch(file)
        if match and video and int(match[1]) < self._segment_count(grant):
            clip = await asyncio.shield(self._clip(grant))
            return web.Response(body=clip.segment(int(match[1])), content_type="video/mp2t")
        return self.error_response(404, "Not Found")

    def _clip(self, grant: Grant) -> asyncio.Future[Clip]:
        """The camera's video at the stream's size: encoded once, off the event loop."""
        width, height = _SIZES.get(grant.stream, _SIZES["camera"])
        key = (grant.uuid, width, height)
        fut = self._clips.get(key)
        if fut is None:
            renderer = FrameRenderer(self.name, grant.uuid, width, height, clock=self.clock)
            fut = asyncio.get_running_loop().run_in_executor(self.executor, cached_clip, renderer)
            fut.add_done_callback(functools.partial(self._clip_done, key))
            self._clips[key] = fut
        return fut

    def _clip_done(self, key: tuple[str, int, int], fut: asyncio.Future[Clip]) -> None:
        """Forget a failed or cancelled encoding (the next request tries again)."""
        if fut.cancelled() or fut.exception() is not None:
            self._clips.pop(key, None)

    def _segment_count(self, grant: Grant) -> int:
        """Segments a playlist of `grant` may name: any number live, the window's in an archive."""
        if grant.scope == "live":
            return 1 << 40
        _, start, end = grant.scope.split(".")
        return min(MAX_ARCHIVE_SEGMENTS, math.ceil((int(end) - int(start)) / SEGMENT_SECONDS))

    def _playlist(self, grant: Grant) -> str:
        """Live: a sliding window of the newest segments. Archive: every segment, VOD."""
        lines = ["#EXTM3U", "#EXT-X-VERSION:3", f"#EXT-X-TARGETDURATION:{SEGMENT_SECONDS}"]
        if grant.scope == "live":
            newest = int(self.now().timestamp()) // SEGMENT_SECONDS
            first = newest - LIVE_WINDOW + 1
            lines.append(f"#EXT-X-MEDIA-SEQUENCE:{first}")
            numbers = range(first, newest + 1)
        else:
            lines += ["#EXT-X-PLAYLIST-TYPE:VOD", "#EXT-X-MEDIA-SEQUENCE:0"]
            numbers = range(self._segment_count(grant))
        for number in numbers:
            lines += [f"#EXTINF:{SEGMENT_SECONDS}.0,", f"seg{number}.ts"]
        if grant.scope != "live":
            lines.append("#EXT-X-ENDLIST")
        return "\n".join(lines) + "\n"
