"""The per-entry host of an AIPIX VMS: cameras, cached images and links, options."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

import probatio
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import selector

from ...api.aipix import (
    TTL_MAX,
    TTL_MIN,
    VIDEO_SOURCES,
    AipixClient,
    CameraRef,
    Endpoint,
    Link,
    LinkRefusedError,
)
from ...api.errors import DeviceError
from ...const import (
    CONF_CAMERAS,
    CONF_IMAGE_MAX_AGE,
    CONF_LINK_TTL,
    CONF_LIVE_SOURCE,
    CONF_MJPEG_INTERVAL,
    CONF_STREAM_TYPES,
    DOMAIN,
)
from ...devices import CamHubDeviceInfo
from ...streaming import poll_frames
from ..base import FamilyHost, VideoSource
from .models import (
    CAMERA_REFUSED,
    DEFAULT_IMAGE_MAX_AGE,
    DEFAULT_LIVE_SOURCE,
    DEFAULT_MJPEG_INTERVAL,
    DEFAULT_STREAM_TYPES,
    STREAM_TYPES,
    AipixCamera,
    AipixSettings,
    AipixState,
    parse_uuids,
)

if TYPE_CHECKING:
    from ...data import CamHubConfigEntry


class AipixHost(FamilyHost[AipixClient, AipixState]):
    """One VMS and the cameras the user chose: links checked every 5 minutes."""

    platforms: ClassVar[tuple[Platform, ...]] = (Platform.CAMERA,)
    update_interval: ClassVar[timedelta | None] = timedelta(minutes=5)
    remove_stale_entities: ClassVar[bool] = True

    def __init__(self, hass: HomeAssistant, entry: CamHubConfigEntry, client: AipixClient) -> None:
        """Settings from the entry; no image cached yet."""
        super().__init__(hass, entry, client)
        data = {**entry.options, **entry.data}
        self.unique_id = entry.entry_id  # the server's device: the API names no server id
        self.settings = AipixSettings.from_entry(data)
        self.images: dict[tuple[str, str], tuple[datetime, bytes]] = {}

    def refs(self, cameras: Iterable[str] | None = None) -> list[CameraRef]:
        """One preview request entry per camera and stream type."""
        settings = self.settings
        return [
            CameraRef(uuid, stream)
            for uuid in (settings.cameras if cameras is None else cameras)
            for stream in settings.stream_types
        ]

    async def image(self, ref: CameraRef, fresh: bool = False) -> bytes:
        """A jpg preview, reused for `image_max_age` seconds unless `fresh`."""
        key = (ref.uuid, ref.stream_type or "")
        now = self.client.clock()
        cached = self.images.get(key)
        max_age = self.settings.image_max_age
        if not fresh and cached and (now - cached[0]).total_seconds() <= max_age:
            return cached[1]
        image = await self._fetch_image(ref)
        self.images[key] = (now, image)
        return image

    async def _fetch_image(self, ref: CameraRef) -> bytes:
        client, ttl = self.client, self.settings.ttl
        link = await client.cached_link(Endpoint.PREVIEW, "jpg", ref, ttl)
        try:
            return await client.fetch_image(link)
        except LinkRefusedError:  # revoked or expired early (clock skew): one new link
            client.forget(ref)
            link = await client.cached_link(Endpoint.PREVIEW, "jpg", ref, ttl)
            return await client.fetch_image(link)

    async def live_link(self, ref: CameraRef) -> Link:
        """The cached live link (HLS or RTSP, by option)."""
        settings = self.settings
        return await self.client.cached_link(
            Endpoint.VIDEO, settings.live_source, ref, settings.ttl
        )

    async def fetch_state(self) -> AipixState:
        """One batched jpg preview request for every camera; camera by camera if refused."""
        client, cameras = self.client, self.settings.cameras
        if not cameras:
            await client.check_token()
            return AipixState(self.unique_id, ())
        try:
            await client.cached_links(
                Endpoint.PREVIEW, "jpg", self.refs(), self.settings.ttl, force=True
            )
        except DeviceError as err:
            if err.code not in CAMERA_REFUSED:
                raise
            return AipixState(self.unique_id, await self._one_by_one())
        return AipixState(self.unique_id, tuple(AipixCamera(uuid) for uuid in cameras))

    async def _one_by_one(self) -> tuple[AipixCamera, ...]:
        """After a refused batch, ask camera by camera to find the ones the server refuses."""
        cameras = []
        for uuid in self.settings.cameras:
            try:
                await self.client.cached_links(
                    Endpoint.PREVIEW, "jpg", self.refs([uuid]), self.settings.ttl, force=True
                )
            except DeviceError as err:
                if err.code not in CAMERA_REFUSED:
                    raise
                cameras.append(AipixCamera(uuid, available=False, error=str(err)))
            else:
                cameras.append(AipixCamera(uuid))
        return tuple(cameras)

    def device_infos(self, state: AipixState) -> Mapping[str, CamHubDeviceInfo]:
        """The server, and each camera linked to it with `parent`."""
        infos = {
            state.unique_id: CamHubDeviceInfo(
                identifiers={(DOMAIN, state.unique_id)},
                manufacturer="AIPIX",
                model="AIPIX VMS",
                translation_key="aipix_server",
                translation_placeholders={"host": self.client.host},
                configuration_url=str(self.client.transport.base_url),
            )
        }
        for number, camera in enumerate(state.cameras, start=1):
            # The integration API names no camera: "AIPIX camera <n>" by the user's order
            # (not a UUID fragment); the user renames them in Home Assistant.
            infos[camera.uuid] = CamHubDeviceInfo(
                identifiers={(DOMAIN, camera.uuid)},
                manufacturer="AIPIX",
                model="VMS camera",
                translation_key="aipix_camera",
                translation_placeholders={"number": str(number)},
                serial_number=camera.uuid,
                parent=state.unique_id,
            )
        return infos

    def video_sources(self, state: AipixState) -> list[VideoSource]:
        """A camera entity per available camera and configured stream type."""
        available = {camera.uuid for camera in state.cameras if camera.available}
        return [_source(self, ref) for ref in self.refs() if ref.uuid in available]

    def options_schema(self) -> probatio.Schema:
        """Cameras (UUIDs), stream types, live link type and link / image lifetimes."""
        options = self.options
        cameras = [camera.uuid for camera in self.state.cameras]
        return probatio.Schema(
            {
                probatio.Required(CONF_CAMERAS, default=cameras): uuid_selector(cameras),
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
                    CONF_LINK_TTL, default=options.get(CONF_LINK_TTL, self.settings.ttl)
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

    async def async_validate_options(self, user_input: Mapping[str, Any]) -> dict[str, str]:
        """At least one camera and stream type; each newly added camera must give a link."""
        if not user_input.get(CONF_STREAM_TYPES):
            return {CONF_STREAM_TYPES: "no_stream_types"}
        uuids = parse_uuids(user_input.get(CONF_CAMERAS))
        new = [uuid for uuid in uuids if uuid not in self.settings.cameras]
        return await check_cameras(self.client, uuids, new)


async def check_cameras(client: AipixClient, uuids: list[str], new: list[str]) -> dict[str, str]:
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


def uuid_selector(known: list[str]) -> selector.SelectSelector:
    """Camera UUIDs: the known ones offered, others typed in."""
    return selector.SelectSelector(
        selector.SelectSelectorConfig(options=known, multiple=True, custom_value=True)
    )


def _number(low: float, high: float, step: float) -> selector.NumberSelector:
    return selector.NumberSelector(
        selector.NumberSelectorConfig(
            min=low, max=high, step=step, mode=selector.NumberSelectorMode.BOX
        )
    )


def _source(host: AipixHost, ref: CameraRef) -> VideoSource:
    async def snapshot() -> bytes:
        return await host.image(ref)

    async def fresh() -> bytes:
        return await host.image(ref, fresh=True)

    handed_out: list[Link] = []

    async def stream_source() -> str | None:
        link = await host.live_link(ref)
        handed_out[:] = [link]
        return link.url

    def renew_at() -> datetime | None:
        """When the link cache hands out a new link instead of the last one."""
        return handed_out[0].expired_at - host.client.margin if handed_out else None

    stream = ref.stream_type or "high"
    interval = host.settings.mjpeg_interval
    return VideoSource(
        key=stream,
        device_id=ref.uuid,
        translation_key=f"aipix_{stream}",
        snapshot=snapshot,
        frames=lambda: poll_frames(fresh, interval),
        stream_source=stream_source,
        stream_renew_at=renew_at,
        frame_interval=interval,
    )
