"""AIPIX VMS: one server device, one device per chosen camera (by UUID), links that expire.

The integration API hands out signed links (`expired_at`) instead of streaming; CamHub asks
for them with the user's integration token (Bearer) and caches each until shortly before it
expires (`api/aipix.py`). The token never leaves the API requests; the links, which work
without it until they expire, never reach entity attributes or logs.

Update model: every 5 minutes one batched jpg preview request for all cameras (and stream
types) proves the token and the cameras, and refreshes the links snapshots use, so a
dashboard refreshing thumbnails costs image fetches but no extra link requests. When the
batch is refused because of one camera (403/404/422), each camera is asked alone, so only
that camera turns unavailable.

The AIPIX integration API documents no camera list, so the user gives camera UUIDs (an
extra config step, then the options), each checked with a preview request.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import aiohttp
import probatio
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_PORT, CONF_SSL, Platform
from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import selector
from homeassistant.util import dt as dt_util
from yarl import URL

from ..api.aipix import (
    DEFAULT_TTL,
    PREVIEW_SOURCES,
    TTL_MAX,
    TTL_MIN,
    VIDEO_SOURCES,
    AipixClient,
    CameraRef,
    Endpoint,
    Link,
    LinkRefusedError,
)
from ..api.errors import CamHubError, DeviceError
from ..const import (
    ATTR_CAMERA,
    ATTR_DATE,
    ATTR_FROM,
    ATTR_SOURCE,
    ATTR_TO,
    ATTR_TTL,
    CONF_API_TOKEN,
    CONF_CAMERAS,
    CONF_IMAGE_MAX_AGE,
    CONF_LINK_TTL,
    CONF_LIVE_SOURCE,
    CONF_MJPEG_INTERVAL,
    CONF_STREAM_TYPES,
    DOMAIN,
)
from ..devices import CamHubDeviceInfo
from ..entity import translated_error
from ..streaming import poll_frames
from .base import Family, Identity, VideoSource, entry_url

STREAM_TYPES = ("high", "low")
DEFAULT_STREAM_TYPES = ("high",)
DEFAULT_LIVE_SOURCE = "hls"
DEFAULT_IMAGE_MAX_AGE = 5.0
DEFAULT_MJPEG_INTERVAL = 1.0
CAMERA_REFUSED = (403, 404, 422)
"""Statuses with which the server refuses a request because of a camera, not the token."""
MAX_ARCHIVE = timedelta(days=1)

TOKEN_SCHEMA = probatio.Schema(
    {
        probatio.Required(CONF_API_TOKEN): selector.TextSelector(
            selector.TextSelectorConfig(type=selector.TextSelectorType.PASSWORD)
        )
    }
)


def parse_uuids(values: Any) -> list[str]:
    """Camera UUIDs from a selector's list (or pasted text): split, trimmed, deduplicated."""
    if isinstance(values, str):
        values = [values]
    found: list[str] = []
    for value in values or ():
        for part in re.split(r"[\s,;]+", str(value)):
            uuid = part.strip().lower()
            if uuid and uuid not in found:
                found.append(uuid)
    return found


def server_id(data: Mapping[str, Any]) -> str:
    """The server's unique id: host and port (the API names no server id of its own)."""
    ssl = bool(data.get(CONF_SSL, False))
    port = data.get(CONF_PORT) or (443 if ssl else 80)
    return f"{str(data[CONF_HOST]).strip().lower()}:{port}"


@dataclass(slots=True)
class AipixHub:
    """The API client plus what this entry shows: cameras, stream types, link settings."""

    client: AipixClient
    unique_id: str
    cameras: tuple[str, ...]
    stream_types: tuple[str, ...] = DEFAULT_STREAM_TYPES
    live_source: str = DEFAULT_LIVE_SOURCE
    ttl: int = DEFAULT_TTL
    image_max_age: float = DEFAULT_IMAGE_MAX_AGE
    mjpeg_interval: float = DEFAULT_MJPEG_INTERVAL
    images: dict[tuple[str, str], tuple[datetime, bytes]] = field(default_factory=dict)

    def refs(self, cameras: Iterable[str] | None = None) -> list[CameraRef]:
        """One preview request entry per camera and stream type."""
        return [
            CameraRef(uuid, stream)
            for uuid in (self.cameras if cameras is None else cameras)
            for stream in self.stream_types
        ]

    async def image(self, ref: CameraRef, fresh: bool = False) -> bytes:
        """A jpg preview, reused for `image_max_age` seconds unless `fresh`."""
        key = (ref.uuid, ref.stream_type or "")
        now = self.client.clock()
        cached = self.images.get(key)
        if not fresh and cached and (now - cached[0]).total_seconds() <= self.image_max_age:
            return cached[1]
        image = await self._fetch_image(ref)
        self.images[key] = (now, image)
        return image

    async def _fetch_image(self, ref: CameraRef) -> bytes:
        link = await self.client.cached_link(Endpoint.PREVIEW, "jpg", ref, self.ttl)
        try:
            return await self.client.fetch_image(link)
        except LinkRefusedError:  # revoked or expired early (clock skew): one new link
            self.client.forget(ref)
            link = await self.client.cached_link(Endpoint.PREVIEW, "jpg", ref, self.ttl)
            return await self.client.fetch_image(link)

    async def live_link(self, ref: CameraRef) -> Link:
        """The cached live link (HLS or RTSP, by option)."""
        return await self.client.cached_link(Endpoint.VIDEO, self.live_source, ref, self.ttl)


@dataclass(frozen=True, slots=True)
class AipixCamera:
    """A configured camera and whether the server gives links for it."""

    uuid: str
    available: bool = True
    error: str | None = None


@dataclass(frozen=True, slots=True)
class AipixState:
    """The server (by its unique id) and its configured cameras."""

    unique_id: str
    cameras: tuple[AipixCamera, ...]


def _identity(unique_id: str, host: str) -> Identity:
    return Identity(unique_id=unique_id, title=f"AIPIX VMS ({host})", model="AIPIX VMS")


class AipixFamily(Family[AipixHub, AipixState]):
    """AIPIX video management systems (integration API)."""

    key: ClassVar[str] = "aipix"
    name: ClassVar[str] = "AIPIX VMS"
    credentials_schema: ClassVar[probatio.Schema] = TOKEN_SCHEMA
    prefers_https: ClassVar[bool] = True
    platforms: ClassVar[tuple[Platform, ...]] = (Platform.CAMERA,)
    update_interval: ClassVar[timedelta | None] = timedelta(minutes=5)
    remove_stale_entities: ClassVar[bool] = True

    async def probe(self, session: aiohttp.ClientSession, url: URL) -> Identity | None:
        """An anonymous preview request: AIPIX answers 401 with a JSON `message`."""
        if not await AipixClient(session, url, None).probe():
            return None
        port = url.port or (443 if url.scheme == "https" else 80)
        return _identity(f"{(url.host or '').lower()}:{port}", url.host or "")

    def create_client(self, session: aiohttp.ClientSession, data: Mapping[str, Any]) -> AipixHub:
        """The API client with the token, and the entry's cameras and link settings."""
        client = AipixClient(
            session, entry_url(self, data), data.get(CONF_API_TOKEN), clock=dt_util.utcnow
        )
        streams = tuple(s for s in data.get(CONF_STREAM_TYPES) or () if s in STREAM_TYPES)
        return AipixHub(
            client=client,
            unique_id=server_id(data),
            cameras=tuple(parse_uuids(data.get(CONF_CAMERAS))),
            stream_types=streams or DEFAULT_STREAM_TYPES,
            live_source=str(data.get(CONF_LIVE_SOURCE, DEFAULT_LIVE_SOURCE)),
            ttl=int(data.get(CONF_LINK_TTL, DEFAULT_TTL)),
            image_max_age=float(data.get(CONF_IMAGE_MAX_AGE, DEFAULT_IMAGE_MAX_AGE)),
            mjpeg_interval=float(data.get(CONF_MJPEG_INTERVAL, DEFAULT_MJPEG_INTERVAL)),
        )

    async def validate(self, client: AipixHub) -> Identity:
        """A preview request with the token: 401 means the token is wrong."""
        await client.client.check_token()
        return _identity(client.unique_id, client.client.host)

    async def fetch_state(self, client: AipixHub) -> AipixState:
        """One batched jpg preview request for every camera; camera by camera if refused."""
        if not client.cameras:
            await client.client.check_token()
            return AipixState(client.unique_id, ())
        try:
            await client.client.cached_links(
                Endpoint.PREVIEW, "jpg", client.refs(), client.ttl, force=True
            )
        except DeviceError as err:
            if err.code not in CAMERA_REFUSED:
                raise
            return AipixState(client.unique_id, await _one_by_one(client))
        return AipixState(client.unique_id, tuple(AipixCamera(uuid) for uuid in client.cameras))

    def device_infos(self, state: AipixState) -> dict[str, CamHubDeviceInfo]:
        """The server, and each camera linked to it with `parent`."""
        infos = {
            state.unique_id: CamHubDeviceInfo(
                identifiers={(DOMAIN, state.unique_id)},
                manufacturer="AIPIX",
                model="AIPIX VMS",
                name=f"AIPIX VMS {state.unique_id.rsplit(':', 1)[0]}",
            )
        }
        for camera in state.cameras:
            infos[camera.uuid] = CamHubDeviceInfo(
                identifiers={(DOMAIN, camera.uuid)},
                manufacturer="AIPIX",
                model="VMS camera",
                name=f"Camera {camera.uuid[:8]}",
                serial_number=camera.uuid,
                parent=state.unique_id,
            )
        return infos

    def video_sources(
        self, client: AipixHub, state: AipixState, options: Mapping[str, Any]
    ) -> list[VideoSource]:
        """A camera entity per available camera and configured stream type."""
        available = {camera.uuid for camera in state.cameras if camera.available}
        return [_source(client, ref) for ref in client.refs() if ref.uuid in available]

    def options_schema(self, state: AipixState, options: Mapping[str, Any]) -> probatio.Schema:
        """Cameras (UUIDs), stream types, live link type and link / image lifetimes."""
        cameras = [camera.uuid for camera in state.cameras]
        return probatio.Schema(
            {
                probatio.Required(CONF_CAMERAS, default=cameras): _uuid_selector(cameras),
                probatio.Required(
                    CONF_STREAM_TYPES,
                    default=list(options.get(CONF_STREAM_TYPES, DEFAULT_STREAM_TYPES)),
                ): selector.SelectSelector(
                    selector.SelectSelectorConfig(options=list(STREAM_TYPES), multiple=True)
                ),
                probatio.Required(
                    CONF_LIVE_SOURCE, default=options.get(CONF_LIVE_SOURCE, DEFAULT_LIVE_SOURCE)
                ): selector.SelectSelector(
                    selector.SelectSelectorConfig(options=list(VIDEO_SOURCES))
                ),
                probatio.Required(
                    CONF_LINK_TTL, default=options.get(CONF_LINK_TTL, DEFAULT_TTL)
                ): probatio.All(_number(60, TTL_MAX, 1), probatio.Coerce(int)),
                probatio.Required(
                    CONF_IMAGE_MAX_AGE,
                    default=options.get(CONF_IMAGE_MAX_AGE, DEFAULT_IMAGE_MAX_AGE),
                ): _number(0, 60, 0.5),
                probatio.Required(
                    CONF_MJPEG_INTERVAL,
                    default=options.get(CONF_MJPEG_INTERVAL, DEFAULT_MJPEG_INTERVAL),
                ): _number(0.5, 10, 0.5),
            }
        )

    async def async_validate_options(
        self, client: AipixHub, state: AipixState, user_input: Mapping[str, Any]
    ) -> dict[str, str]:
        """At least one camera and stream type; each newly added camera must give a link."""
        if not user_input.get(CONF_STREAM_TYPES):
            return {CONF_STREAM_TYPES: "no_stream_types"}
        uuids = parse_uuids(user_input.get(CONF_CAMERAS))
        new = [uuid for uuid in uuids if uuid not in client.cameras]
        return await _check_cameras(client.client, uuids, new)

    async def extra_step_schema(
        self, client: AipixHub, data: Mapping[str, Any]
    ) -> probatio.Schema | None:
        """After the token: which cameras (UUIDs) to add."""
        return probatio.Schema({probatio.Required(CONF_CAMERAS): _uuid_selector([])})

    async def async_extra_step(
        self, client: AipixHub, user_input: Mapping[str, Any]
    ) -> tuple[dict[str, Any], dict[str, str]]:
        """Check each camera with a preview request; they become the entry's options."""
        uuids = parse_uuids(user_input.get(CONF_CAMERAS))
        errors = await _check_cameras(client.client, uuids, uuids)
        return {CONF_CAMERAS: uuids, CONF_STREAM_TYPES: list(DEFAULT_STREAM_TYPES)}, errors


async def _check_cameras(client: AipixClient, uuids: list[str], new: list[str]) -> dict[str, str]:
    """Errors for the cameras field: none given, or one the server gives no link for."""
    if not uuids:
        return {CONF_CAMERAS: "no_cameras"}
    for uuid in new:
        try:
            await client.preview([CameraRef(uuid)], "jpg", TTL_MIN)
        except DeviceError as err:
            if err.code not in CAMERA_REFUSED:
                raise
            return {CONF_CAMERAS: "camera_not_found"}
    return {}


async def _one_by_one(client: AipixHub) -> tuple[AipixCamera, ...]:
    """After a refused batch, ask camera by camera to find the ones the server refuses."""
    cameras = []
    for uuid in client.cameras:
        try:
            await client.client.cached_links(
                Endpoint.PREVIEW, "jpg", client.refs([uuid]), client.ttl, force=True
            )
        except DeviceError as err:
            if err.code not in CAMERA_REFUSED:
                raise
            cameras.append(AipixCamera(uuid, available=False, error=str(err)))
        else:
            cameras.append(AipixCamera(uuid))
    return tuple(cameras)


def _uuid_selector(known: list[str]) -> selector.SelectSelector:
    return selector.SelectSelector(
        selector.SelectSelectorConfig(options=known, multiple=True, custom_value=True)
    )


def _number(low: float, high: float, step: float) -> selector.NumberSelector:
    return selector.NumberSelector(
        selector.NumberSelectorConfig(
            min=low, max=high, step=step, mode=selector.NumberSelectorMode.BOX
        )
    )


def _source(hub: AipixHub, ref: CameraRef) -> VideoSource:
    async def snapshot() -> bytes:
        return await hub.image(ref)

    async def fresh() -> bytes:
        return await hub.image(ref, fresh=True)

    handed_out: list[Link] = []

    async def stream_source() -> str | None:
        link = await hub.live_link(ref)
        handed_out[:] = [link]
        return link.url

    def renew_at() -> datetime | None:
        """When the link cache hands out a new link instead of the last one."""
        return handed_out[0].expired_at - hub.client.margin if handed_out else None

    stream = ref.stream_type or "high"
    return VideoSource(
        key=stream,
        device_id=ref.uuid,
        translation_key=f"aipix_{stream}",
        snapshot=snapshot,
        frames=lambda: poll_frames(fresh, hub.mjpeg_interval),
        stream_source=stream_source,
        stream_renew_at=renew_at,
        frame_interval=hub.mjpeg_interval,
    )


# --- actions ----------------------------------------------------------------------------------

GET_PREVIEW_SCHEMA = probatio.Schema(
    {
        probatio.Required(ATTR_CAMERA): cv.entity_id,
        probatio.Optional(ATTR_SOURCE, default="jpg"): probatio.In(PREVIEW_SOURCES),
        probatio.Optional(ATTR_DATE): cv.datetime,
        probatio.Optional(ATTR_TTL): probatio.Coerce(int),
    }
)
GET_ARCHIVE_SCHEMA = probatio.Schema(
    {
        probatio.Required(ATTR_CAMERA): cv.entity_id,
        probatio.Required(ATTR_FROM): cv.datetime,
        probatio.Required(ATTR_TO): cv.datetime,
        probatio.Optional(ATTR_SOURCE, default="hls"): probatio.In(VIDEO_SOURCES),
        probatio.Optional(ATTR_TTL): probatio.Coerce(int),
    }
)


TIME_MIN = datetime(1970, 1, 1, tzinfo=UTC)
TIME_MAX = datetime(9000, 1, 1, tzinfo=UTC)


def _invalid(key: str, **placeholders: str) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN, translation_key=key, translation_placeholders=placeholders
    )


def _camera(hass: HomeAssistant, entity_id: str) -> tuple[AipixHub, CameraRef]:
    """The hub and camera behind an AIPIX camera entity of a loaded entry."""
    entity = er.async_get(hass).async_get(entity_id)
    entry = (
        hass.config_entries.async_get_entry(entity.config_entry_id)
        if entity is not None and entity.platform == DOMAIN and entity.config_entry_id
        else None
    )
    if entity is None or entry is None or entry.state is not ConfigEntryState.LOADED:
        raise _invalid("not_aipix_camera", entity_id=entity_id)
    runtime = entry.runtime_data
    source = runtime.sources.get(entity.unique_id)
    if runtime.family.key != AipixFamily.key or source is None:
        raise _invalid("not_aipix_camera", entity_id=entity_id)
    hub: AipixHub = runtime.client
    return hub, CameraRef(source.device_id, source.key)


def _ttl(call: ServiceCall, hub: AipixHub) -> int:
    ttl = int(call.data.get(ATTR_TTL, hub.ttl))
    if not TTL_MIN <= ttl <= TTL_MAX:
        raise _invalid("invalid_ttl", min=str(TTL_MIN), max=str(TTL_MAX))
    return ttl


def _utc(value: datetime) -> datetime:
    """A time from the action: naive means Home Assistant's time zone.

    Years 1 and 9999 overflow when moved to UTC (and no recording is that old): anything
    outside 1970..9000 is refused as an invalid time instead of crashing the action.
    """
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt_util.get_default_time_zone())
    try:
        utc = dt_util.as_utc(value)
    except OverflowError:
        utc = None
    if utc is None or not TIME_MIN <= utc <= TIME_MAX:
        raise _invalid("invalid_time", time=value.isoformat())
    return utc


def _not_future(value: datetime) -> datetime:
    if value > dt_util.utcnow():
        raise _invalid("time_in_future", time=value.isoformat())
    return value


def _response(link: Link) -> ServiceResponse:
    response: dict[str, Any] = {"url": link.url, "expired_at": link.expired_at.isoformat()}
    if link.move_to is not None:
        response["move_to"] = link.move_to.isoformat()
    return response


async def async_get_preview(call: ServiceCall) -> ServiceResponse:
    """`camhub.get_preview`: a new jpg / mp4 preview link, live or at `date`."""
    hub, ref = _camera(call.hass, call.data[ATTR_CAMERA])
    ttl = _ttl(call, hub)
    date = _not_future(_utc(call.data[ATTR_DATE])) if ATTR_DATE in call.data else None
    ref = CameraRef(ref.uuid, ref.stream_type, date)
    try:
        links = await hub.client.preview([ref], call.data[ATTR_SOURCE], ttl)
    except CamHubError as err:
        raise _action_error(err) from err
    return _response(links[0])


async def async_get_archive(call: ServiceCall) -> ServiceResponse:
    """`camhub.get_archive`: an HLS / RTSP link to the recording from `from` to `to`."""
    hub, ref = _camera(call.hass, call.data[ATTR_CAMERA])
    ttl = _ttl(call, hub)
    start, end = _not_future(_utc(call.data[ATTR_FROM])), _utc(call.data[ATTR_TO])
    if end <= start or end - start > MAX_ARCHIVE:
        raise _invalid("invalid_time_range", hours=str(int(MAX_ARCHIVE.total_seconds() // 3600)))
    try:
        links = await hub.client.archive([ref], start, end, call.data[ATTR_SOURCE], ttl)
    except CamHubError as err:
        raise _action_error(err) from err
    return _response(links[0])


def _action_error(err: CamHubError) -> HomeAssistantError:
    return translated_error(err)
