"""Axis cameras with the CamStreamer apps: one device per camera, state pushed by WebSockets.

Recognising the host: current Axis firmware answers `basicdeviceinfo.cgi`'s
`getAllUnrestrictedProperties` without a login; older firmware protects everything, but its
401 Digest challenge names the camera (`realm="AXIS_<serial>"`). Either way the serial (the
camera's MAC) is the unique id. A 2N intercom answers neither (its realm is "HTTP API").

State: `fetch_state` reads every app's list endpoints (used at start-up, after a channel
reconnects, and as polling while a channel is down). Each app with an event channel
(CamStreamer, CamSwitcher, CamOverlay) pushes its changes: an event becomes a new immutable
`AxisState` through `apply_event`, handed to the coordinator without any HTTP request.
Writes that the apps do not announce by an event (overlays on/off, master audio, ticker
text) update the state themselves once the camera accepted them.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
from collections import deque
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any, ClassVar

import aiohttp
import probatio
from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.config_entries import SOURCE_INTEGRATION_DISCOVERY
from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_USERNAME,
    EntityCategory,
    Platform,
    UnitOfInformation,
)
from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import discovery_flow, selector
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.device_registry import CONNECTION_NETWORK_MAC
from homeassistant.helpers.event import async_track_time_interval
from yarl import URL

from ..api.camstreamer import (
    EVENT_APPS,
    TRIGGERS,
    URL_SCHEMES,
    App,
    AxisCamStreamerClient,
    AxisInfo,
    AxisState,
    Event,
    MasterAudio,
    NetworkCamera,
    OverlayState,
    PlaylistEvent,
    Stream,
    SwitcherState,
    apply_event,
    custom_graphics_params,
    is_unknown_item,
    parse_events,
    realm_serial,
    validate_stream_params,
)
from ..api.errors import CamHubError, ConnectError
from ..api.events import ChannelSettings, EventChannel
from ..const import CONF_FPS, DOMAIN
from ..descriptions import (
    CamHubBinarySensorDescription,
    CamHubButtonDescription,
    CamHubDescription,
    CamHubSelectDescription,
    CamHubSensorDescription,
    CamHubSwitchDescription,
    CamHubTextDescription,
)
from ..devices import CamHubDeviceInfo
from ..entity import invalid_value, translated_error
from .base import Family, Identity, VideoSource, entry_url

if TYPE_CHECKING:
    from ..coordinator import CamHubCoordinator

_LOGGER = logging.getLogger(__name__)

PROBE_TIMEOUT = 5.0
DEFAULT_MJPEG_FPS = 10
MJPEG_FPS_MAX = 30
POLL_INTERVAL = timedelta(seconds=30)
STATS_INTERVAL = timedelta(seconds=60)
STATS_KEYS = ("bytes_sent", "start_count")
RECENT_EVENTS = 256
DISCOVERY_INTERVAL = timedelta(hours=1)
CHANNEL_SETTINGS = ChannelSettings(heartbeat=20.0, backoff_min=1.0, backoff_max=60.0)
APP_TITLES = {
    "camstreamer": "CamStreamer",
    "camswitcher": "CamSwitcher",
    "camoverlay": "CamOverlay",
    "camscripter": "CamScripter",
}
SERVICE_TYPES = {
    "infoticker": "Info ticker",
    "customGraphics": "Custom graphics",
    "images": "Images",
    "ptzCompass": "PTZ compass",
    "screenSharing": "Screen sharing",
    "pip": "Picture in picture",
    "accuweather": "Weather",
    "scripter": "Scripter",
}
AUDIO_NONE = "none"
AUDIO_SILENCE = "silence"
STREAM_PREFIX = "Stream: "
CLIP_PREFIX = "Clip: "

SERVICE_QUEUE_PLAYLIST = "queue_playlist"
SERVICE_UPDATE_OVERLAY_TEXT = "update_overlay_text"
SERVICE_SET_STREAM = "set_stream"
ATTR_CONFIG_ENTRY = "config_entry_id"


class CamStreamerDevice:
    """The client of one camera plus its live state, shared by fetches, events and writes.

    The family is stateless; this object is what `create_client` returns and what every
    `set_fn` receives. `publish` is set by `push_tasks` to hand a new state to the coordinator.
    """

    def __init__(self, api: AxisCamStreamerClient, fps: int) -> None:
        """Wrap the API client; no state until the first fetch."""
        self.api = api
        self.fps = fps
        self.state: AxisState | None = None
        self.publish: Callable[[AxisState], None] | None = None
        self.connected: dict[App, bool] = {}
        self.sessions: dict[App, int] = {}
        self.channels: dict[App, EventChannel] = {}
        self.refresh_wanted = False
        self.refresher: asyncio.Task[None] | None = None
        self.seq = 0  # events applied so far
        self._recent: deque[tuple[int, Event]] = deque(maxlen=RECENT_EVENTS)
        self._changed = asyncio.Event()

    def adopt(self, state: AxisState) -> None:
        """Take a new state; wake the channels waiting for their app to become usable."""
        self.state = state
        self._changed.set()
        self._changed = asyncio.Event()

    def set_state(self, state: AxisState) -> None:
        """Adopt a new state and tell the coordinator (when events are wired up)."""
        self.adopt(state)
        if self.publish is not None:
            self.publish(state)

    def update(self, change: Callable[[AxisState], AxisState]) -> None:
        """Apply a change the camera accepted but announces by no event."""
        if self.state is not None:
            self.set_state(change(self.state))

    async def wait_usable(self, app: App) -> None:
        """Return once `app` is installed, licensed and running (checked on every change)."""
        while self.state is None or not self.state.usable(app):
            await self._changed.wait()

    def on_message(self, app: App, message: Any) -> bool:
        """Apply an event message; True if it names an item the state does not list yet."""
        events: list[Event] = parse_events(app, message)
        state = self.state
        if state is None or not events:
            return False
        unknown = False
        for event in events:
            if is_unknown_item(state, event):
                unknown = True
                if not isinstance(event, PlaylistEvent):
                    # Only the lists know a new stream's or service's name: an entity made
                    # from the event alone would be named (and get an entity id) from its id.
                    continue
            state = apply_event(state, event)
            self.seq += 1
            self._recent.append((self.seq, event))
        self.set_state(state)
        return unknown

    def replay(self, state: AxisState, since: int) -> AxisState:
        """`state` (read from the lists) with the events that arrived after `since` on top.

        A fetch takes a few requests; an event in the meantime (a playlist switched, a port
        changed) must not be lost when the fetched state replaces the current one. Events
        carry absolute values, so applying one twice is harmless.
        """
        for seq, event in self._recent:
            if seq > since:
                state = apply_event(state, event)
        return state


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


async def fetch_axis_state(api: AxisCamStreamerClient, previous: AxisState | None) -> AxisState:
    """Read every usable app's lists; keep what only events tell (current playlist, ports)."""
    info = await api.device_info()
    apps = await api.applications()
    state = AxisState(info=info, apps=apps, ports=dict(previous.ports) if previous else {})
    if state.usable("camstreamer"):
        state = replace(state, streams=await _fetch_streams(api, previous))
    elif "camstreamer" in apps and previous is not None:
        state = replace(state, streams=previous.streams)  # stopped: keep its entities
    if state.usable("camswitcher"):
        state = replace(state, switcher=await _fetch_switcher(api, previous))
    elif "camswitcher" in apps and previous is not None:
        state = replace(state, switcher=previous.switcher)
    if state.usable("camoverlay"):
        services = await api.services()
        state = replace(state, overlay=OverlayState(await api.overlay_enabled(), services))
    elif "camoverlay" in apps and previous is not None:
        state = replace(state, overlay=previous.overlay)
    return state


async def _fetch_streams(
    api: AxisCamStreamerClient, previous: AxisState | None
) -> dict[str, Stream]:
    streams = await api.streams()
    old = previous.streams if previous and previous.streams else {}
    merged: dict[str, Stream] = {}
    for sid, stream in streams.items():
        before = old.get(sid)
        streaming = stream.is_streaming
        if streaming is None and before is not None:
            streaming = before.is_streaming
        stats = before.stats if before else None
        if streaming:
            stats = await api.stream_stats(sid)
            streaming = stats.is_streaming
        merged[sid] = replace(stream, is_streaming=streaming, stats=stats)
    return merged


async def _fetch_switcher(api: AxisCamStreamerClient, previous: AxisState | None) -> SwitcherState:
    old = previous.switcher if previous else None
    return SwitcherState(
        playlists=await api.playlists(),
        clips=await api.clips(),
        master_audio=await api.master_audio(),
        current_playlist=old.current_playlist if old else None,
        available=dict(old.available) if old else {},
    )


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


# --- event channels -------------------------------------------------------------------------


def _sync_push(client: CamStreamerDevice, coordinator: CamHubCoordinator) -> None:
    """Push mode while every usable app's channel is up (and at least one exists)."""
    state = client.state
    apps = [app for app in EVENT_APPS if state is not None and state.usable(app)]
    up = bool(apps) and all(client.connected.get(app, False) for app in apps)
    coordinator.async_set_push_connected(up)


def _refresh_soon(client: CamStreamerDevice, coordinator: CamHubCoordinator) -> None:
    """Read every list once more, now; requests made while a read runs get one more read.

    Not the coordinator's debounced refresh: its 10 s cooldown would delay a stream the
    camera just created, and going back to push mode cancels a refresh it deferred.
    """
    client.refresh_wanted = True
    if client.refresher is not None and not client.refresher.done():
        return

    async def refresh() -> None:
        while client.refresh_wanted:
            client.refresh_wanted = False
            await coordinator.async_refresh()

    client.refresher = coordinator.config_entry.async_create_background_task(
        coordinator.hass, refresh(), f"{DOMAIN} refresh {coordinator.config_entry.title}"
    )


async def _run_channel(client: CamStreamerDevice, coordinator: CamHubCoordinator, app: App) -> None:
    """Keep `app`'s event channel connected while the app is usable."""

    async def token() -> str:
        await client.wait_usable(app)
        return await client.api.ws_token(app)

    def on_message(message: Any) -> None:
        if client.on_message(app, message):
            # A stream or service the lists do not have yet: read the lists once.
            _refresh_soon(client, coordinator)

    def on_connected(up: bool) -> None:
        client.connected[app] = up
        _sync_push(client, coordinator)
        if up:
            client.sessions[app] = client.sessions.get(app, 0) + 1
            if client.sessions[app] > 1:  # reconnected: the app may have restarted
                _refresh_soon(client, coordinator)

    channel = EventChannel(
        client.api.session,
        client.api.event_url(app),
        token,
        on_message,
        on_connected,
        settings=CHANNEL_SETTINGS,
        name=f"{APP_TITLES[app]} {client.api.base_url.host}",
        handshake_headers=functools.partial(client.api.event_headers, app),
    )
    client.channels[app] = channel
    await channel.run()


async def _slow_update(client: CamStreamerDevice, coordinator: CamHubCoordinator) -> None:
    """While pushed: statistics of live streams; the apps list while one needs fixing."""
    state = client.state
    if not coordinator.push_connected or state is None:
        return  # polling reads everything anyway
    registry = er.async_get(coordinator.hass)
    try:
        streams = dict(state.streams or {})
        for sid, stream in streams.items():
            if stream.is_streaming and _stats_shown(registry, state.info.serial, sid):
                streams[sid] = replace(stream, stats=await client.api.stream_stats(sid))
        apps = state.apps
        if any(not a.usable for a in state.apps.values()):
            apps = await client.api.applications()
    except CamHubError as err:
        _LOGGER.debug("Slow update of %s failed: %s", state.info.serial, err)
        return
    if client.state is not None:
        new = replace(client.state, streams=streams if state.streams is not None else None)
        if apps != state.apps:
            _refresh_soon(client, coordinator)  # an app came or went: read it all
            return
        client.set_state(replace(new, apps=apps))


def _stats_shown(registry: er.EntityRegistry, serial: str, sid: str) -> bool:
    """Whether a statistics sensor of the stream is enabled: nothing else reads statistics.

    Both are disabled by default, so an idle camera gets no request at all while its event
    channels run; enabling one reloads the entry, which starts its polling.
    """
    for key in STATS_KEYS:
        entity_id = registry.async_get_entity_id(
            Platform.SENSOR, DOMAIN, f"{serial}_stream_{sid}_{key}"
        )
        entry = registry.async_get(entity_id) if entity_id else None
        if entry is not None and not entry.disabled:
            return True
    return False


# --- repairs --------------------------------------------------------------------------------


def _issue_id(serial: str, app: str, kind: str) -> str:
    return f"{serial}_{app}_{kind}"


class _RepairSync:
    """Keeps the repair issues in line with the apps list (only when that list changed)."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        self.hass = hass
        self.entry_id = entry_id
        self._apps: Any = None

    @callback
    def __call__(self, state: AxisState | None) -> None:
        if state is not None and state.apps is not self._apps:
            self._apps = state.apps
            _sync_repairs(self.hass, self.entry_id, state)


@callback
def _sync_repairs(hass: HomeAssistant, entry_id: str, state: AxisState) -> None:
    """An issue per installed app that is not licensed or not running; gone once fixed."""
    for app, title in APP_TITLES.items():
        info = state.apps.get(app)
        for kind, broken in (
            ("unlicensed", info is not None and not info.licensed),
            ("not_running", info is not None and info.licensed and not info.running),
        ):
            issue_id = _issue_id(state.info.serial, app, kind)
            if not broken:
                ir.async_delete_issue(hass, DOMAIN, issue_id)
                continue
            ir.async_create_issue(
                hass,
                DOMAIN,
                issue_id,
                is_fixable=False,
                severity=ir.IssueSeverity.WARNING,
                translation_key=f"app_{kind}",
                translation_placeholders={
                    "app": title,
                    "camera": f"{state.info.name} ({state.info.serial})",
                    "status": info.status if info else "",
                },
                data={"entry_id": entry_id},
            )


# --- discovery of other cameras -------------------------------------------------------------


async def _discover_cameras(hass: HomeAssistant, client: CamStreamerDevice) -> None:
    """Offer every camera CamScripter/CamOverlay found that is not configured yet."""
    state = client.state
    candidates: tuple[App, ...] = ("camscripter", "camoverlay")
    app = next((a for a in candidates if state is not None and state.usable(a)), None)
    if app is None:
        return
    try:
        cameras = await client.api.network_cameras(app)
    except CamHubError as err:
        _LOGGER.debug("Camera list of %s failed: %s", client.api.base_url.host, err)
        return
    configured = {e.unique_id for e in hass.config_entries.async_entries(DOMAIN)}
    for camera in cameras:
        if camera.serial is None or camera.serial in configured:
            continue
        discovery_flow.async_create_flow(
            hass,
            DOMAIN,
            context={"source": SOURCE_INTEGRATION_DISCOVERY},
            data=_discovery_data(camera),
        )


def _discovery_data(camera: NetworkCamera) -> dict[str, Any]:
    data: dict[str, Any] = {CONF_HOST: camera.host, "serial": camera.serial, "name": camera.name}
    if camera.port is not None:
        data[CONF_PORT] = camera.port
    return data


# --- entity descriptions --------------------------------------------------------------------


def _stream(state: AxisState, sid: str) -> Stream | None:
    return (state.streams or {}).get(sid)


def _stream_descriptions(serial: str, stream: Stream) -> list[CamHubDescription]:
    sid = stream.id
    names = {"name": stream.name}

    def exists(state: AxisState) -> bool:
        return _stream(state, sid) is not None

    def attr(name: str) -> Callable[[AxisState], Any]:
        return lambda state: getattr(_stream(state, sid), name, None)

    def stat(name: str) -> Callable[[AxisState], Any]:
        def value(state: AxisState) -> Any:
            s = _stream(state, sid)
            return getattr(s.stats, name, None) if s is not None and s.stats else None

        return value

    async def set_enabled(client: CamStreamerDevice, on: bool) -> None:
        await client.api.set_stream_flag(sid, "enabled", on)

    async def set_active(client: CamStreamerDevice, on: bool) -> None:
        await client.api.set_stream_flag(sid, "active", on)

    return [
        CamHubSwitchDescription(
            key=f"stream_{sid}_broadcast",
            device_id=serial,
            translation_key="broadcast",
            translation_placeholders=names,
            exists_fn=exists,
            value_fn=attr("enabled"),
            set_fn=set_enabled,
        ),
        CamHubSwitchDescription(
            key=f"stream_{sid}_active",
            device_id=serial,
            translation_key="stream_active",
            translation_placeholders=names,
            entity_category=EntityCategory.CONFIG,
            exists_fn=exists,
            value_fn=attr("active"),
            set_fn=set_active,
        ),
        CamHubBinarySensorDescription(
            key=f"stream_{sid}_streaming",
            device_id=serial,
            translation_key="streaming",
            translation_placeholders=names,
            device_class=BinarySensorDeviceClass.RUNNING,
            exists_fn=exists,
            value_fn=attr("is_streaming"),
        ),
        CamHubSensorDescription(
            key=f"stream_{sid}_bytes_sent",
            device_id=serial,
            translation_key="bytes_sent",
            translation_placeholders=names,
            device_class=SensorDeviceClass.DATA_SIZE,
            native_unit_of_measurement=UnitOfInformation.BYTES,
            suggested_unit_of_measurement=UnitOfInformation.MEGABYTES,
            state_class=SensorStateClass.TOTAL_INCREASING,
            entity_category=EntityCategory.DIAGNOSTIC,
            entity_registry_enabled_default=False,
            exists_fn=exists,
            value_fn=stat("bytes_sent"),
        ),
        CamHubSensorDescription(
            key=f"stream_{sid}_start_count",
            device_id=serial,
            translation_key="start_count",
            translation_placeholders=names,
            state_class=SensorStateClass.TOTAL_INCREASING,
            entity_category=EntityCategory.DIAGNOSTIC,
            entity_registry_enabled_default=False,
            exists_fn=exists,
            value_fn=stat("start_count"),
        ),
        CamHubSensorDescription(
            key=f"stream_{sid}_trigger",
            device_id=serial,
            translation_key="automation",
            translation_placeholders=names,
            device_class=SensorDeviceClass.ENUM,
            options=[*TRIGGERS, "input"],
            entity_category=EntityCategory.DIAGNOSTIC,
            exists_fn=exists,
            value_fn=lambda state: _trigger_kind(_stream(state, sid)),
        ),
    ]


def _while_usable(app: App, found: list[CamHubDescription]) -> list[CamHubDescription]:
    """Tie descriptions to their app: stopped or unlicensed means unavailable, not removed.

    The user's names, areas and automations stay; a repair issue says what to fix. Only an
    app that is uninstalled loses its entities.
    """

    def usable(state: AxisState) -> bool:
        return state.usable(app)

    return [replace(description, available_fn=usable) for description in found]


def _trigger_kind(stream: Stream | None) -> str | None:
    if stream is None:
        return None
    if stream.trigger.startswith("input"):
        return "input"
    return stream.trigger if stream.trigger in TRIGGERS else None


def _playlist_by_name(switcher: SwitcherState, name: str) -> str | None:
    """A playlist id from its niceName (or its id, for actions)."""
    if name in switcher.playlists:
        return name
    return next((p.id for p in switcher.playlists.values() if p.nice_name == name), None)


def _audio_options(switcher: SwitcherState) -> list[str]:
    streams = [p.nice_name for p in switcher.playlists.values() if p.id.startswith("c")]
    return [
        AUDIO_NONE,
        AUDIO_SILENCE,
        *(STREAM_PREFIX + name for name in streams),
        *(CLIP_PREFIX + name for name in switcher.clips.values()),
    ]


def _audio_value(switcher: SwitcherState) -> str | None:
    audio = switcher.master_audio
    if audio.type == "NONE":
        return AUDIO_NONE
    if audio.type == "SILENCE":
        return AUDIO_SILENCE
    if audio.type == "STREAM" and (p := switcher.playlists.get(audio.stream_name)):
        return STREAM_PREFIX + p.nice_name
    if audio.type == "CLIP" and audio.clip_name in switcher.clips:
        return CLIP_PREFIX + switcher.clips[audio.clip_name]
    return None


def _audio_choice(switcher: SwitcherState, option: str) -> MasterAudio:
    """The master audio setting an option stands for; ValueError if none."""
    if option == AUDIO_NONE:
        return MasterAudio("NONE")
    if option == AUDIO_SILENCE:
        return MasterAudio("SILENCE")
    if option.startswith(STREAM_PREFIX):
        pid = _playlist_by_name(switcher, option.removeprefix(STREAM_PREFIX))
        if pid is not None:
            return MasterAudio("STREAM", stream_name=pid)
    if option.startswith(CLIP_PREFIX):
        name = option.removeprefix(CLIP_PREFIX)
        cid = next((c for c, n in switcher.clips.items() if n == name), None)
        if cid is not None:
            return MasterAudio("CLIP", clip_name=cid)
    raise ValueError(f"unknown master audio {option!r}")


def _switcher_descriptions(serial: str, switcher: SwitcherState) -> list[CamHubDescription]:
    def has_switcher(state: AxisState) -> bool:
        return state.switcher is not None

    def playlist_value(state: AxisState) -> str | None:
        sw = state.switcher
        playlist = sw.playlists.get(sw.current_playlist or "") if sw else None
        return playlist.nice_name if playlist else None

    async def select_playlist(client: CamStreamerDevice, option: str) -> None:
        sw = client.state.switcher if client.state else None
        pid = _playlist_by_name(sw, option) if sw else None
        if pid is None:
            raise ValueError(f"unknown playlist {option!r}")
        await client.api.playlist_switch(pid)

    async def select_audio(client: CamStreamerDevice, option: str) -> None:
        sw = client.state.switcher if client.state else None
        if sw is None:
            raise ValueError("CamSwitcher is not available")
        audio = _audio_choice(sw, option)
        await client.api.set_master_audio(audio)
        client.update(
            lambda s: replace(s, switcher=replace(s.switcher, master_audio=audio))
            if s.switcher
            else s
        )

    async def play_next(client: CamStreamerDevice) -> None:
        await client.api.queue_play_next()

    async def clear_queue(client: CamStreamerDevice) -> None:
        await client.api.queue_clear()

    found: list[CamHubDescription] = [
        CamHubSelectDescription(
            key="camswitcher_playlist",
            device_id=serial,
            translation_key="playlist",
            exists_fn=has_switcher,
            options_fn=lambda s: [p.nice_name for p in s.switcher.playlists.values()]
            if s.switcher
            else [],
            value_fn=playlist_value,
            set_fn=select_playlist,
        ),
        CamHubSelectDescription(
            key="camswitcher_master_audio",
            device_id=serial,
            translation_key="master_audio",
            entity_category=EntityCategory.CONFIG,
            exists_fn=has_switcher,
            options_fn=lambda s: _audio_options(s.switcher) if s.switcher else [],
            value_fn=lambda s: _audio_value(s.switcher) if s.switcher else None,
            set_fn=select_audio,
        ),
        CamHubButtonDescription(
            key="camswitcher_play_next",
            device_id=serial,
            translation_key="play_next",
            exists_fn=has_switcher,
            press_fn=play_next,
        ),
        CamHubButtonDescription(
            key="camswitcher_clear_queue",
            device_id=serial,
            translation_key="clear_queue",
            exists_fn=has_switcher,
            press_fn=clear_queue,
        ),
    ]
    for source in switcher.available:
        playlist = switcher.playlists.get(source)
        found.append(
            _source_description(serial, source, playlist.nice_name if playlist else source)
        )
    return found


def _source_description(serial: str, source: str, name: str) -> CamHubDescription:
    def available(state: AxisState) -> bool | None:
        return state.switcher.available.get(source) if state.switcher else None

    return CamHubBinarySensorDescription(
        key=f"camswitcher_source_{source}",
        device_id=serial,
        translation_key="source_available",
        translation_placeholders={"name": name},
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        exists_fn=lambda s: s.switcher is not None and source in s.switcher.available,
        value_fn=available,
    )


def service_name(kind: str, custom_name: str, service_id: int) -> str:
    """An overlay service's display name: its custom name, else its type and id."""
    return custom_name or f"{SERVICE_TYPES.get(kind, kind)} {service_id}"


def _overlay_descriptions(serial: str, overlay: OverlayState) -> list[CamHubDescription]:
    async def set_all(client: CamStreamerDevice, on: bool) -> None:
        await client.api.set_overlay_enabled(on)
        client.update(
            lambda s: replace(s, overlay=replace(s.overlay, enabled=on)) if s.overlay else s
        )

    found: list[CamHubDescription] = [
        CamHubSwitchDescription(
            key="camoverlay_enabled",
            device_id=serial,
            translation_key="overlays",
            exists_fn=lambda s: s.overlay is not None,
            value_fn=lambda s: s.overlay.enabled if s.overlay else None,
            set_fn=set_all,
        )
    ]
    for service in overlay.services.values():
        found += _service_descriptions(
            serial,
            service.id,
            service_name(service.type, service.custom_name, service.id),
            service.text is not None,
        )
    return found


def _service_descriptions(
    serial: str, service_id: int, name: str, ticker: bool
) -> list[CamHubDescription]:
    def get(state: AxisState) -> Any:
        return state.overlay.services.get(service_id) if state.overlay else None

    async def set_enabled(client: CamStreamerDevice, on: bool) -> None:
        await client.api.set_service_enabled(service_id, on)

    async def set_text(client: CamStreamerDevice, text: str) -> None:
        await client.api.set_infoticker_text(service_id, text)

        def change(s: AxisState) -> AxisState:
            if s.overlay is None or service_id not in s.overlay.services:
                return s
            services = {**s.overlay.services}
            services[service_id] = replace(services[service_id], text=text)
            return replace(s, overlay=replace(s.overlay, services=services))

        client.update(change)

    names = {"name": name}
    found: list[CamHubDescription] = [
        CamHubSwitchDescription(
            key=f"camoverlay_service_{service_id}",
            device_id=serial,
            translation_key="overlay_service",
            translation_placeholders=names,
            exists_fn=lambda s: get(s) is not None,
            value_fn=lambda s: getattr(get(s), "enabled", None),
            set_fn=set_enabled,
        )
    ]
    if ticker:
        found.append(
            CamHubTextDescription(
                key=f"camoverlay_ticker_{service_id}",
                device_id=serial,
                translation_key="ticker_text",
                translation_placeholders=names,
                native_max=1024,
                exists_fn=lambda s: getattr(get(s), "text", None) is not None,
                value_fn=lambda s: getattr(get(s), "text", None),
                set_fn=set_text,
            )
        )
    return found


def _port_description(serial: str, port: int) -> CamHubDescription:
    return CamHubBinarySensorDescription(
        key=f"io_port_{port}",
        device_id=serial,
        translation_key="io_port",
        translation_placeholders={"port": str(port)},
        exists_fn=lambda s: port in s.ports,
        value_fn=lambda s: s.ports.get(port),
    )


# --- actions --------------------------------------------------------------------------------

QUEUE_PLAYLIST_SCHEMA = probatio.Schema(
    {
        probatio.Required(ATTR_CONFIG_ENTRY): cv.string,
        probatio.Required("playlist"): cv.string,
        probatio.Optional("play_now", default=False): cv.boolean,
    }
)
UPDATE_OVERLAY_TEXT_SCHEMA = probatio.Schema(
    {
        probatio.Required(ATTR_CONFIG_ENTRY): cv.string,
        probatio.Required("service"): probatio.Any(cv.positive_int, cv.string),
        probatio.Optional("fields", default=dict): {cv.string: cv.string},
        probatio.Optional("colors", default=dict): {cv.string: cv.string},
        probatio.Optional("indexes", default=dict): {cv.string: probatio.Coerce(int)},
    }
)
SET_STREAM_FIELDS = {
    "enabled": "enabled",
    "active": "active",
    "title": "title",
    "media_server_url": "mediaServerUrl",
    "audio_source": "audioSource",
    "input_type": "inputType",
    "input_url": "inputUrl",
    "trigger": "trigger",
    "schedule": "schedule",
    "start_time": "startTime",
    "stop_time": "stopTime",
    "prepare_ahead": "prepareAhead",
    "user_vapix_parameters": "userVapixParameters",
}
SET_STREAM_SCHEMA = probatio.Schema(
    {
        probatio.Required(ATTR_CONFIG_ENTRY): cv.string,
        probatio.Required("stream_id"): cv.string,
        probatio.Optional("protocol"): probatio.In(list(URL_SCHEMES)),
        probatio.Optional("enabled"): cv.boolean,
        probatio.Optional("active"): cv.boolean,
        probatio.Optional("title"): cv.string,
        probatio.Optional("media_server_url"): cv.string,
        probatio.Optional("audio_source"): cv.string,
        probatio.Optional("input_type"): probatio.In(["CRS", "CSw", "RTSP_URL"]),
        probatio.Optional("input_url"): cv.string,
        probatio.Optional("trigger"): cv.string,
        probatio.Optional("schedule"): probatio.Any(cv.string, list),
        probatio.Optional("start_time"): probatio.Coerce(int),
        probatio.Optional("stop_time"): probatio.Coerce(int),
        probatio.Optional("prepare_ahead"): probatio.Coerce(int),
        probatio.Optional("user_vapix_parameters"): cv.string,
    }
)


def _validation_error(key: str, **placeholders: str) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN, translation_key=key, translation_placeholders=placeholders
    )


def _target(
    hass: HomeAssistant, call: ServiceCall, app: App
) -> tuple[Any, CamStreamerDevice, AxisState]:
    """The loaded CamStreamer entry an action targets, with `app` usable on it."""
    entry = hass.config_entries.async_get_entry(call.data[ATTR_CONFIG_ENTRY])
    if entry is None or entry.domain != DOMAIN or entry.data.get("family") != CamStreamerFamily.key:
        raise _validation_error("not_camstreamer_entry", entry_id=call.data[ATTR_CONFIG_ENTRY])
    runtime = getattr(entry, "runtime_data", None)
    client = getattr(runtime, "client", None)
    if not isinstance(client, CamStreamerDevice) or client.state is None:
        raise _validation_error("entry_not_loaded", entry_id=entry.entry_id)
    if not client.state.usable(app):
        raise _validation_error("app_unavailable", app=APP_TITLES[app], camera=entry.title)
    return runtime, client, client.state


async def _device_call(write: Coroutine[Any, Any, None]) -> None:
    try:
        await write
    except ValueError as err:
        raise invalid_value(err) from err
    except CamHubError as err:
        raise translated_error(err) from err


async def async_queue_playlist(call: ServiceCall) -> None:
    """camhub.queue_playlist: push a playlist to CamSwitcher's queue, or play it now."""
    _runtime, client, state = _target(call.hass, call, "camswitcher")
    assert state.switcher is not None
    pid = _playlist_by_name(state.switcher, call.data["playlist"])
    if pid is None:
        raise _validation_error("unknown_playlist", playlist=call.data["playlist"])
    if call.data["play_now"]:
        await _device_call(client.api.playlist_switch(pid))
    else:
        await _device_call(client.api.queue_push(pid))


async def async_update_overlay_text(call: ServiceCall) -> None:
    """camhub.update_overlay_text: texts, colours and variants of a Custom Graphics service."""
    _runtime, client, state = _target(call.hass, call, "camoverlay")
    assert state.overlay is not None
    wanted = str(call.data["service"])
    service = next(
        (
            s
            for s in state.overlay.services.values()
            if wanted in (str(s.id), s.custom_name) and s.type == "customGraphics"
        ),
        None,
    )
    if service is None:
        raise _validation_error("unknown_overlay_service", service=wanted)
    try:
        params = custom_graphics_params(
            service.id, call.data["fields"], call.data["colors"], call.data["indexes"]
        )
    except ValueError as err:
        raise invalid_value(err) from err
    await _device_call(client.api.update_custom_graphics(params))


async def async_set_stream(call: ServiceCall) -> None:
    """camhub.set_stream: create (id `api...`) or modify a CamStreamer stream."""
    runtime, client, state = _target(call.hass, call, "camstreamer")
    stream_id = call.data["stream_id"].strip()
    if stream_id not in (state.streams or {}) and not stream_id.startswith("api"):
        raise _validation_error("new_stream_id", stream_id=stream_id)
    raw: dict[str, Any] = {
        wire: call.data[field] for field, wire in SET_STREAM_FIELDS.items() if field in call.data
    }
    if isinstance(raw.get("schedule"), list):
        raw["schedule"] = json.dumps(raw["schedule"])
    if "protocol" in call.data:
        raw["protocol"] = call.data["protocol"]
    try:
        params = validate_stream_params(raw)
    except ValueError as err:
        raise invalid_value(err) from err
    if not params:
        raise _validation_error("nothing_to_set")
    await _device_call(client.api.set_stream(stream_id, params))
    await runtime.coordinator.async_request_refresh()


ACTIONS: tuple[
    tuple[str, Callable[[ServiceCall], Coroutine[Any, Any, None]], probatio.Schema], ...
] = (
    (SERVICE_QUEUE_PLAYLIST, async_queue_playlist, QUEUE_PLAYLIST_SCHEMA),
    (SERVICE_UPDATE_OVERLAY_TEXT, async_update_overlay_text, UPDATE_OVERLAY_TEXT_SCHEMA),
    (SERVICE_SET_STREAM, async_set_stream, SET_STREAM_SCHEMA),
)
"""The family's actions, registered by `services.async_setup_services`."""
