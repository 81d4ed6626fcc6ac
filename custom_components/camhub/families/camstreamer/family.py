"""The Family subclass for Axis cameras with the CamStreamer apps, tying the modules together."""

from __future__ import annotations

from collections.abc import Coroutine, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any, ClassVar

import aiohttp
import probatio
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME, Platform
from homeassistant.core import callback
from homeassistant.helpers import selector
from homeassistant.helpers.device_registry import CONNECTION_NETWORK_MAC
from homeassistant.helpers.event import async_track_time_interval
from yarl import URL

from ...api.camstreamer import (
    EVENT_APPS,
    MJPEG_FPS_MAX,
    AxisCamStreamerClient,
    AxisInfo,
    AxisState,
    realm_serial,
)
from ...api.errors import CamHubError, ConnectError
from ...const import CONF_FPS, DOMAIN
from ...descriptions import CamHubDescription
from ...devices import CamHubDeviceInfo
from ..base import Family, Identity, VideoSource, entry_url
from .const import (
    DEFAULT_MJPEG_FPS,
    DISCOVERY_INTERVAL,
    POLL_INTERVAL,
    PROBE_TIMEOUT,
    STATS_INTERVAL,
)
from .discovery import _discover_cameras
from .entities import (
    _overlay_descriptions,
    _port_description,
    _stream_descriptions,
    _switcher_descriptions,
    _while_usable,
)
from .host import CamStreamerDevice, _run_channel, _slow_update, _sync_push, fetch_axis_state
from .repairs import _RepairSync

if TYPE_CHECKING:
    from ...coordinator import CamHubCoordinator


def _identity(info: AxisInfo) -> Identity:
    return Identity(
        unique_id=info.serial,
        title=f"{info.name} ({info.serial})",
        model=info.model,
        mac=_mac(info.serial),
    )


def _mac(serial: str) -> str | None:
    s = serial.upper()
    if len(s) != 12 or any(c not in "0123456789ABCDEF" for c in s):
        return None
    return ":".join(s[i : i + 2] for i in range(0, 12, 2)).lower()


class CamStreamerFamily(Family[CamStreamerDevice, AxisState]):
    """Axis cameras with CamStreamer, CamSwitcher, CamOverlay and CamScripter."""

    key: ClassVar[str] = "camstreamer"
    name: ClassVar[str] = "Axis camera with CamStreamer apps"
    platforms: ClassVar[tuple[Platform, ...]] = (
        Platform.BINARY_SENSOR,
        Platform.BUTTON,
        Platform.CAMERA,
        Platform.SELECT,
        Platform.SENSOR,
        Platform.SWITCH,
        Platform.TEXT,
    )
    update_interval: ClassVar[timedelta | None] = POLL_INTERVAL
    remove_stale_entities: ClassVar[bool] = True

    async def probe(self, session: aiohttp.ClientSession, url: URL) -> Identity | None:
        """Axis identity without a login, or the serial in the Digest realm."""
        api = AxisCamStreamerClient(session, url, timeout=PROBE_TIMEOUT)
        try:
            return _identity(await api.unrestricted_info())
        except ConnectError:
            raise
        except CamHubError:
            pass
        serial = realm_serial(await api.challenge() or "")
        if serial is None:
            return None
        return Identity(unique_id=serial, title=f"AXIS {serial}", mac=_mac(serial))

    def create_client(
        self, session: aiohttp.ClientSession, data: Mapping[str, Any]
    ) -> CamStreamerDevice:
        """The API client with the entry's login (Digest, Basic where the camera wants it)."""
        api = AxisCamStreamerClient(
            session, entry_url(self, data), data.get(CONF_USERNAME), data.get(CONF_PASSWORD)
        )
        return CamStreamerDevice(api, int(data.get(CONF_FPS, DEFAULT_MJPEG_FPS)))

    async def validate(self, client: CamStreamerDevice) -> Identity:
        """The full device info needs the login; the apps list proves it may read VAPIX."""
        info = await client.api.device_info()
        await client.api.applications()
        return _identity(info)

    async def fetch_state(self, client: CamStreamerDevice) -> AxisState:
        """Everything, from the list endpoints (start-up, reconnects, fallback polling)."""
        since = client.seq
        state = client.replay(await fetch_axis_state(client.api, client.state), since)
        client.adopt(state)
        return state

    def device_infos(self, state: AxisState) -> dict[str, CamHubDeviceInfo]:
        """One device: the camera."""
        info = state.info
        device = CamHubDeviceInfo(
            identifiers={(DOMAIN, info.serial)},
            manufacturer="Axis Communications",
            model=info.model,
            name=info.name,
            serial_number=info.serial,
            sw_version=info.firmware,
        )
        if mac := _mac(info.serial):
            device["connections"] = {(CONNECTION_NETWORK_MAC, mac)}
        return {info.serial: device}

    def video_sources(
        self, client: CamStreamerDevice, state: AxisState, options: Mapping[str, Any]
    ) -> list[VideoSource]:
        """The camera itself, and CamSwitcher's output when CamSwitcher runs."""
        api = client.api
        fps = max(1, min(int(options.get(CONF_FPS, client.fps)), MJPEG_FPS_MAX))

        async def rtsp() -> str:
            return api.rtsp_url()

        sources = [
            VideoSource(
                key="camera",
                device_id=state.info.serial,
                translation_key="camera",
                snapshot=api.snapshot,
                frames=lambda: api.mjpeg(fps),
                stream_source=rtsp,
                frame_interval=1 / fps,
            )
        ]
        if state.switcher is not None:
            sources.append(
                VideoSource(
                    key="camswitcher_output",
                    device_id=state.info.serial,
                    translation_key="camswitcher_output",
                    snapshot=_no_still,
                    stream_source=api.switcher_output_url,
                )
            )
        return sources

    def entity_descriptions(
        self, client: CamStreamerDevice, state: AxisState, options: Mapping[str, Any]
    ) -> list[CamHubDescription]:
        """Per stream, CamSwitcher, CamOverlay and I/O port entities."""
        serial = state.info.serial
        found: list[CamHubDescription] = []
        for stream in (state.streams or {}).values():
            found += _while_usable("camstreamer", _stream_descriptions(serial, stream))
        if state.switcher is not None:
            found += _while_usable("camswitcher", _switcher_descriptions(serial, state.switcher))
        if state.overlay is not None:
            found += _while_usable("camoverlay", _overlay_descriptions(serial, state.overlay))
        found += [_port_description(serial, port) for port in sorted(state.ports)]
        return found

    def push_tasks(
        self, client: CamStreamerDevice, coordinator: CamHubCoordinator
    ) -> list[Coroutine[Any, Any, None]]:
        """An event channel per app, the slow timers, repairs and network discovery."""
        hass = coordinator.hass
        entry = coordinator.config_entry

        @callback
        def publish(state: AxisState) -> None:
            coordinator.async_set_updated_data(state)
            _sync_push(client, coordinator)

        client.publish = publish
        entry.async_on_unload(lambda: setattr(client, "publish", None))
        repairs = _RepairSync(hass, entry.entry_id)
        entry.async_on_unload(coordinator.async_add_listener(lambda: repairs(coordinator.data)))
        repairs(coordinator.data)

        async def slow(_now: Any) -> None:
            await _slow_update(client, coordinator)

        async def discover(_now: Any) -> None:
            await _discover_cameras(hass, client)

        entry.async_on_unload(async_track_time_interval(hass, slow, STATS_INTERVAL))
        entry.async_on_unload(async_track_time_interval(hass, discover, DISCOVERY_INTERVAL))
        tasks: list[Coroutine[Any, Any, None]] = [
            _run_channel(client, coordinator, app) for app in EVENT_APPS
        ]
        tasks.append(_discover_cameras(hass, client))
        return tasks

    def options_schema(self, state: AxisState, options: Mapping[str, Any]) -> probatio.Schema:
        """The live view frame rate."""
        return probatio.Schema(
            {
                probatio.Required(
                    CONF_FPS, default=options.get(CONF_FPS, DEFAULT_MJPEG_FPS)
                ): probatio.All(
                    selector.NumberSelector(
                        selector.NumberSelectorConfig(
                            min=1, max=MJPEG_FPS_MAX, step=1, mode=selector.NumberSelectorMode.BOX
                        )
                    ),
                    probatio.Coerce(int),
                ),
            }
        )


async def _no_still() -> bytes:
    """CamSwitcher's output is a stream only; there is no JPEG endpoint for it."""
    raise CamHubError("the CamSwitcher output has no still images; open its live stream")
