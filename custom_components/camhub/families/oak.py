"""Luxonis OAK cameras behind a Robopipe controller: one entry per controller.

The controller is recognised by `GET /cameras/` answering a list of DepthAI `DeviceInfo`s (no
authentication). It has no serial number of its own, so its address is the entry's unique
id; each OAK camera is a device (its mxid) linked to the controller with `parent`.

Every stream a running camera has (`CAM_A`..`CAM_H`, `DEPTH_X_Y`) gets an Active switch, its
config (resolution, fps) and, for sensor streams, the image controls; an active stream gets a
camera entity whose live MJPEG is synthesised from `/still` by one poller per stream
(FrameHub), whatever the number of viewers.

The controller has no event channel: the state is polled, every `POLL_MIN` while it changes,
backing off to `POLL_MAX` while it does not, and re-read at once after every write (the write
patches the state from the controller's answer first, so entities follow immediately). A
camera that is shut down is listed but never asked for more.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Final

import aiohttp
import probatio
from homeassistant.components.number import NumberDeviceClass, NumberMode
from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.const import (
    EntityCategory,
    Platform,
    UnitOfInformation,
    UnitOfTemperature,
    UnitOfTime,
)
from homeassistant.core import ServiceCall
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import selector
from homeassistant.helpers.typing import VolDictType
from yarl import URL

from ..api.errors import CamHubError, ConnectError, DeviceError
from ..api.oak import (
    AWB_MODES,
    COLOR_ONLY,
    COLOR_RESOLUTIONS,
    FPS_RANGE,
    INT_CONTROLS,
    MONO_RESOLUTIONS,
    STILL_FORMATS,
    CameraInfo,
    CameraStats,
    IRConfig,
    OakClient,
    OakNotFoundError,
    SensorControl,
    StreamConfig,
    StreamKind,
    stream_kind,
)
from ..const import ATTR_FILENAME, CONF_FPS, DOMAIN
from ..descriptions import (
    CamHubDescription,
    CamHubNumberDescription,
    CamHubSelectDescription,
    CamHubSensorDescription,
    CamHubSwitchDescription,
)
from ..devices import CamHubDeviceInfo
from ..streaming import poll_frames
from .base import Family, Identity, VideoSource, entry_url

if TYPE_CHECKING:
    from ..coordinator import CamHubCoordinator

_LOGGER = logging.getLogger(__name__)

PROBE_TIMEOUT: Final = 5.0
POLL_MIN: Final = timedelta(seconds=10)
POLL_MAX: Final = timedelta(seconds=120)
"""Polling backs off from POLL_MIN, doubling while nothing but statistics changes."""
DEFAULT_FPS: Final = 2
FPS_MIN, FPS_MAX = 1, 10
"""MJPEG from stills: each frame is one `/still` request, so the rate stays modest."""
ATTR_FORMAT: Final = "format"
SERVICE_CAPTURE_STILL: Final = "capture_still"


# --- state ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StreamState:
    """One stream: whether it runs, its config and (sensor streams) its controls."""

    name: str
    active: bool
    config: StreamConfig | None = None
    control: SensorControl | None = None

    @property
    def kind(self) -> StreamKind:
        """Colour, mono or depth (from the config's shape where it was read)."""
        return self.config.kind if self.config is not None else stream_kind(self.name)


@dataclass(frozen=True, slots=True)
class OakCameraState:
    """One OAK camera as listed, and, while it runs, its streams, IR and statistics."""

    info: CameraInfo
    streams: Mapping[str, StreamState]
    ir: IRConfig | None = None
    stats: CameraStats | None = None

    def settings(self) -> OakCameraState:
        """The camera without its statistics: what a poll compares to back off."""
        return replace(self, stats=None)


@dataclass(frozen=True, slots=True)
class OakState:
    """The controller and every camera it lists, by mxid."""

    controller_id: str
    cameras: Mapping[str, OakCameraState]

    def stream(self, mxid: str, name: str) -> StreamState | None:
        """A stream of a running camera, if the controller has it."""
        camera = self.cameras.get(mxid)
        if camera is None or not camera.info.running:
            return None
        return camera.streams.get(name)

    def with_camera(self, camera: OakCameraState) -> OakState:
        """A copy with one camera replaced (after a write)."""
        return replace(self, cameras={**self.cameras, camera.info.mxid: camera})

    def settings(self) -> dict[str, OakCameraState]:
        """Everything but statistics, to tell a change from a quiet poll."""
        return {mxid: camera.settings() for mxid, camera in self.cameras.items()}


def controller_id(url: URL) -> str:
    """The controller's unique id: it has no serial number, so its address."""
    return f"{url.host}:{url.port}"


async def fetch_camera(api: OakClient, info: CameraInfo) -> OakCameraState:
    """A running camera's streams, configs, controls, IR and stats; nothing for one shut down."""
    if not info.running:
        return OakCameraState(info, {})
    mxid = info.mxid
    try:
        active, ir, stats = await asyncio.gather(
            api.streams(mxid), _optional(api.ir(mxid)), _optional(api.stats(mxid))
        )
        names = sorted(active)
        sensors = [n for n in names if stream_kind(n) is not StreamKind.DEPTH]
        configs = await asyncio.gather(*(_optional(api.config(mxid, n)) for n in names))
        controls = await asyncio.gather(*(_optional(api.control(mxid, n)) for n in sensors))
    except OakNotFoundError:  # unplugged or shut down between the list and now
        return OakCameraState(replace(info, state="X_LINK_UNBOOTED"), {})
    control_by_name = dict(zip(sensors, controls, strict=True))
    streams = {
        name: StreamState(name, active[name], config, control_by_name.get(name))
        for name, config in zip(names, configs, strict=True)
    }
    return OakCameraState(info, streams, ir, stats)


async def _optional[T](read: Awaitable[T]) -> T | None:
    """A read the controller may refuse for this camera or stream (no IR, no control)."""
    try:
        return await read
    except OakNotFoundError:
        raise
    except DeviceError as err:
        _LOGGER.debug("Optional OAK read refused: %s", err)
        return None


class OakConnection:
    """The family's client: the controller's API plus the coordinator it feeds.

    Writes patch the coordinator's state from the controller's answer at once, and
    `fetch_state` sets the coordinator's poll interval (back-off), so both need it; it is
    attached in `push_tasks`, which runs before any entity exists.
    """

    def __init__(self, api: OakClient) -> None:
        """No coordinator until the entry is set up (the config flow uses the API only)."""
        self.api = api
        self.coordinator: CamHubCoordinator | None = None
        self._written = False

    def patch(self, mxid: str, change: Callable[[OakCameraState], OakCameraState]) -> None:
        """Apply a write's result to the state the entities show, without a round trip."""
        coordinator = self.coordinator
        if coordinator is None or coordinator.data is None:
            return
        state: OakState = coordinator.data
        if (camera := state.cameras.get(mxid)) is not None:
            self._written = True  # the refresh that follows compares with the patched state
            coordinator.update_interval = POLL_MIN
            coordinator.async_set_updated_data(state.with_camera(change(camera)))

    def next_interval(self, previous: OakState | None, state: OakState) -> None:
        """Poll at POLL_MIN after a change; double the interval (to POLL_MAX) while quiet."""
        coordinator = self.coordinator
        if coordinator is None:
            return
        current = coordinator.update_interval or POLL_MIN
        written, self._written = self._written, False
        if written or previous is None or previous.settings() != state.settings():
            coordinator.update_interval = POLL_MIN
        else:
            coordinator.update_interval = min(current * 2, POLL_MAX)

    async def set_stream_active(self, mxid: str, stream: str, active: bool) -> None:
        """Switch a stream, then show every stream of the camera (depth excludes its pair)."""
        await self.api.set_stream_active(mxid, stream, active)
        streams = await self.api.streams(mxid)
        self.patch(mxid, lambda camera: _with_active(camera, streams))

    async def set_control(self, mxid: str, stream: str, key: str, value: Any) -> None:
        """Change one image control; the controller answers the whole control."""
        current = self._stream(mxid, stream)
        kind = current.kind if current else stream_kind(stream)
        control = current.control if current else await self.api.control(mxid, stream)
        new = await self.api.set_control(mxid, stream, kind, control, key, value)
        self.patch(mxid, lambda camera: _with_stream(camera, stream, control=new))

    async def set_config(
        self, mxid: str, stream: str, *, resolution: str | None = None, fps: float | None = None
    ) -> None:
        """Change resolution or fps; the controller answers the whole config."""
        new = await self.api.set_config(mxid, stream, resolution=resolution, fps=fps)
        self.patch(mxid, lambda camera: _with_stream(camera, stream, config=new))

    async def set_ir(self, mxid: str, key: str, value: float) -> None:
        """Change the flood light or the dot projector."""
        new = await self.api.set_ir(mxid, **{key: value})
        self.patch(mxid, lambda camera: replace(camera, ir=new))

    async def set_running(self, mxid: str, running: bool) -> None:
        """Boot or shut down a camera, then read it again (a booted one has streams now)."""
        await self.api.set_running(mxid, running)
        info = next((c for c in await self.api.cameras() if c.mxid == mxid), None)
        if info is not None:
            camera = await fetch_camera(self.api, info)
            self.patch(mxid, lambda _: camera)

    def _stream(self, mxid: str, stream: str) -> StreamState | None:
        data = self.coordinator.data if self.coordinator is not None else None
        return data.stream(mxid, stream) if isinstance(data, OakState) else None


def _with_active(camera: OakCameraState, active: Mapping[str, bool]) -> OakCameraState:
    streams = {
        name: replace(stream, active=active.get(name, stream.active))
        for name, stream in camera.streams.items()
    }
    return replace(camera, streams=streams)


def _with_stream(camera: OakCameraState, name: str, **changes: Any) -> OakCameraState:
    stream = camera.streams.get(name)
    if stream is None:
        return camera
    return replace(camera, streams={**camera.streams, name: replace(stream, **changes)})


# --- the family -----------------------------------------------------------------------------


class OakFamily(Family[OakConnection, OakState]):
    """Luxonis OAK (DepthAI) cameras behind a Robopipe controller."""

    key: ClassVar[str] = "oak"
    name: ClassVar[str] = "Robopipe controller with Luxonis OAK cameras"
    needs_auth: ClassVar[bool] = False
    platforms: ClassVar[tuple[Platform, ...]] = (
        Platform.CAMERA,
        Platform.SWITCH,
        Platform.NUMBER,
        Platform.SELECT,
        Platform.SENSOR,
    )
    update_interval: ClassVar[timedelta | None] = POLL_MIN

    async def probe(self, session: aiohttp.ClientSession, url: URL) -> Identity | None:
        """`/cameras/` answers a list of DeviceInfos (each with an mxid): only Robopipe does."""
        api = OakClient(session, url, timeout=PROBE_TIMEOUT)
        try:
            cameras = await api.cameras()
        except ConnectError:
            raise
        except CamHubError:
            return None
        return _identity(url, len(cameras))

    def create_client(
        self, session: aiohttp.ClientSession, data: Mapping[str, Any]
    ) -> OakConnection:
        """The controller's API (no credentials)."""
        return OakConnection(OakClient(session, entry_url(self, data)))

    async def validate(self, client: OakConnection) -> Identity:
        """The controller lists its cameras: that is all there is to check."""
        cameras = await client.api.cameras()
        return _identity(client.api.transport.base_url, len(cameras))

    async def fetch_state(self, client: OakConnection) -> OakState:
        """The cameras list, then every running camera's streams, at once."""
        api = client.api
        infos = await api.cameras()
        cameras = await asyncio.gather(*(fetch_camera(api, info) for info in infos))
        state = OakState(
            controller_id=controller_id(api.transport.base_url),
            cameras={camera.info.mxid: camera for camera in cameras},
        )
        previous = client.coordinator.data if client.coordinator is not None else None
        client.next_interval(previous, state)
        return state

    def device_infos(self, state: OakState) -> dict[str, CamHubDeviceInfo]:
        """The controller first (cameras refer to it with `parent`), then every camera."""
        devices = {
            state.controller_id: CamHubDeviceInfo(
                identifiers={(DOMAIN, state.controller_id)},
                manufacturer="Robopipe",
                model="Robopipe controller",
                name="Robopipe controller",
            )
        }
        for mxid, camera in state.cameras.items():
            devices[mxid] = CamHubDeviceInfo(
                identifiers={(DOMAIN, mxid)},
                manufacturer="Luxonis",
                model=camera.info.camera_name,
                name=f"{camera.info.camera_name} {mxid}",
                serial_number=mxid,
                hw_version=camera.info.platform or None,
                parent=state.controller_id,
            )
        return devices

    def video_sources(
        self, client: OakConnection, state: OakState, options: Mapping[str, Any]
    ) -> list[VideoSource]:
        """A camera per active stream of every running camera, MJPEG polled from stills."""
        fps = int(options.get(CONF_FPS, DEFAULT_FPS))
        return [
            _source(client.api, mxid, name, fps)
            for mxid, camera in state.cameras.items()
            if camera.info.running
            for name, stream in camera.streams.items()
            if stream.active
        ]

    def entity_descriptions(
        self, client: OakConnection, state: OakState, options: Mapping[str, Any]
    ) -> list[CamHubDescription]:
        """Per camera: running, IR and statistics; per stream: active, config and controls."""
        found: list[CamHubDescription] = []
        for mxid, camera in state.cameras.items():
            found.extend(_camera_descriptions(mxid, camera))
            for stream in camera.streams.values():
                found.extend(_stream_descriptions(mxid, stream))
        return found

    def push_tasks(
        self, client: OakConnection, coordinator: CamHubCoordinator
    ) -> list[Coroutine[Any, Any, None]]:
        """No event channel: only attach the coordinator (writes patch it, polls back off)."""
        client.coordinator = coordinator
        return []

    async def async_local_devices(self, client: OakConnection) -> list[str] | None:
        """OAK devices `depthai` sees from this host (✓: the controller lists it too)."""
        devices = await async_scan_local_devices()
        if devices is None:
            return None
        try:
            listed = {camera.mxid for camera in await client.api.cameras()}
        except CamHubError:
            listed = set()
        return [
            f"{'✓ ' if d.device_id in listed else ''}{d.device_id} ({d.name}, {d.state}, "
            f"{d.protocol})"
            for d in devices
        ]

    def options_schema(self, state: OakState, options: Mapping[str, Any]) -> probatio.Schema:
        """Frames per second of the MJPEG made from stills."""
        return probatio.Schema(
            {
                probatio.Required(
                    CONF_FPS, default=options.get(CONF_FPS, DEFAULT_FPS)
                ): probatio.All(
                    selector.NumberSelector(
                        selector.NumberSelectorConfig(
                            min=FPS_MIN, max=FPS_MAX, step=1, mode=selector.NumberSelectorMode.BOX
                        )
                    ),
                    probatio.Coerce(int),
                ),
            }
        )


def _identity(url: URL, count: int) -> Identity:
    return Identity(
        unique_id=controller_id(url),
        title=f"Robopipe controller ({url.host})",
        model=f"Robopipe controller with {count} OAK camera{'s' if count != 1 else ''}",
    )


# --- local discovery with depthai (optional) -------------------------------------------------


@dataclass(frozen=True, slots=True)
class LocalDevice:
    """An OAK device visible from this host, as depthai's `DeviceInfo` describes it."""

    device_id: str
    name: str
    state: str
    protocol: str


def scan_local_devices() -> list[LocalDevice] | None:
    """Blocking (run it in an executor): None where depthai is not installed.

    depthai has no wheel for Home Assistant OS / Container (musl), so it is never a
    requirement: only imported here, where it exists (`requirements_dev.txt`).
    """
    try:
        dai = importlib.import_module("depthai")
    except ImportError:
        return None
    try:
        infos = dai.Device.getAllAvailableDevices()
    except RuntimeError as err:  # XLink could not search (no USB access in a container, ...)
        _LOGGER.debug("depthai could not search for devices: %s", err)
        return []
    return [
        LocalDevice(
            device_id=str(info.getDeviceId()),
            name=str(info.name),
            state=_enum_name(info.state),
            protocol=_enum_name(info.protocol),
        )
        for info in infos
    ]


def _enum_name(value: Any) -> str:
    return str(getattr(value, "name", value))


async def async_scan_local_devices() -> list[LocalDevice] | None:
    """`scan_local_devices` in the default executor: the search blocks for about 0.5 s."""
    return await asyncio.get_running_loop().run_in_executor(None, scan_local_devices)


# --- video ----------------------------------------------------------------------------------


def _source(api: OakClient, mxid: str, stream: str, fps: int) -> VideoSource:
    async def snapshot() -> bytes:
        return await api.still(mxid, stream)

    def frames() -> AsyncIterator[bytes]:
        return poll_frames(snapshot, 1 / fps)

    return VideoSource(
        key=stream,
        device_id=mxid,
        translation_key="oak_stream",
        translation_placeholders={"stream": stream},
        snapshot=snapshot,
        frames=frames,
        frame_interval=1 / fps,
    )


# --- entities -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Control:
    """How one integer image control shows as a number."""

    key: str
    unit: str | None = None
    device_class: NumberDeviceClass | None = None
    restore: bool = False


NUMBER_CONTROLS: Final = (
    _Control("exposure_time", UnitOfTime.MICROSECONDS, NumberDeviceClass.DURATION, restore=True),
    _Control("sensitivity_iso", restore=True),
    _Control("auto_exposure_compensation"),
    _Control("auto_exposure_limit", UnitOfTime.MICROSECONDS, NumberDeviceClass.DURATION),
    _Control("brightness"),
    _Control("contrast"),
    _Control("saturation"),
    _Control("luma_denoise"),
    _Control("chroma_denoise"),
    _Control("manual_whitebalance", UnitOfTemperature.KELVIN, restore=True),
)
"""`exposure_time`, `sensitivity_iso` and `manual_whitebalance` are read back as placeholders:
their value_fn says None and the number shows (and restores) the last value set."""
SWITCH_CONTROLS: Final = ("auto_exposure_enable", "auto_exposure_lock", "auto_whitebalance_lock")
UNREADABLE_VALUES: Final = frozenset({"exposure_time", "sensitivity_iso", "manual_whitebalance"})
STEP_CONTROLS: Final = {"exposure_time": 100, "auto_exposure_limit": 100, "sensitivity_iso": 100}
TEMPERATURES: Final = ("average", "css", "dss", "mss", "upa")


def _camera_descriptions(mxid: str, camera: OakCameraState) -> list[CamHubDescription]:
    """Running switch, IR intensities and (disabled) statistics sensors of one camera."""

    def cam(state: OakState) -> OakCameraState | None:
        return state.cameras.get(mxid)

    found: list[CamHubDescription] = [
        CamHubSwitchDescription(
            key="running",
            translation_key="oak_running",
            device_id=mxid,
            entity_category=EntityCategory.CONFIG,
            exists_fn=lambda s: cam(s) is not None,
            value_fn=lambda s: (c := cam(s)) is not None and c.info.running,
            set_fn=lambda client, on: client.set_running(mxid, on),
        )
    ]
    for key in ("flood_light", "dot_projector"):
        found.append(_ir_number(mxid, key))
    for key in TEMPERATURES:
        found.append(_temperature(mxid, key))
    for memory in ("ddr", "cmx"):
        found.append(_memory(mxid, memory))
    return found


def _ir(state: OakState, mxid: str) -> IRConfig | None:
    camera = state.cameras.get(mxid)
    return camera.ir if camera is not None and camera.info.running else None


def _stats(state: OakState, mxid: str) -> CameraStats | None:
    camera = state.cameras.get(mxid)
    return camera.stats if camera is not None and camera.info.running else None


def _ir_number(mxid: str, key: str) -> CamHubNumberDescription:
    return CamHubNumberDescription(
        key=key,
        translation_key=f"oak_{key}",
        device_id=mxid,
        entity_category=EntityCategory.CONFIG,
        native_min_value=0.0,
        native_max_value=1.0,
        native_step=0.05,
        mode=NumberMode.SLIDER,
        exists_fn=lambda s: _ir(s, mxid) is not None,
        value_fn=lambda s: getattr(ir, key) if (ir := _ir(s, mxid)) is not None else None,
        set_fn=lambda client, value: client.set_ir(mxid, key, value),
    )


def _temperature(mxid: str, key: str) -> CamHubSensorDescription:
    return CamHubSensorDescription(
        key=f"temperature_{key}",
        translation_key=f"oak_temperature_{key}",
        device_id=mxid,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        device_class=SensorDeviceClass.TEMPERATURE,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfTemperature.CELSIUS,
        exists_fn=lambda s: _stats(s, mxid) is not None,
        value_fn=lambda s: st.temperatures.get(key) if (st := _stats(s, mxid)) else None,
    )


def _memory(mxid: str, memory: str) -> CamHubSensorDescription:
    def used(state: OakState) -> int | None:
        stats = _stats(state, mxid)
        if stats is None:
            return None
        return stats.ddr.used if memory == "ddr" else stats.cmx.used

    return CamHubSensorDescription(
        key=f"{memory}_memory_used",
        translation_key=f"oak_{memory}_memory_used",
        device_id=mxid,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        device_class=SensorDeviceClass.DATA_SIZE,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfInformation.BYTES,
        suggested_unit_of_measurement=UnitOfInformation.MEBIBYTES,
        exists_fn=lambda s: _stats(s, mxid) is not None,
        value_fn=used,
    )


def _stream_descriptions(mxid: str, stream: StreamState) -> list[CamHubDescription]:
    """Active switch and config of every stream; image controls of sensor streams."""
    name = stream.name
    found: list[CamHubDescription] = [
        CamHubSwitchDescription(
            key=f"{name}_active",
            translation_key="oak_stream_active",
            translation_placeholders={"stream": name},
            device_id=mxid,
            exists_fn=lambda s: s.stream(mxid, name) is not None,
            value_fn=lambda s: (st := s.stream(mxid, name)) is not None and st.active,
            set_fn=lambda client, on: client.set_stream_active(mxid, name, on),
        ),
        _fps_number(mxid, name),
    ]
    if stream.kind is not StreamKind.DEPTH:
        found.append(_resolution_select(mxid, name, stream.kind))
    if stream.control is not None:
        found.extend(_control_descriptions(mxid, name, stream.kind, stream.control))
    return found


def _config(state: OakState, mxid: str, name: str) -> StreamConfig | None:
    stream = state.stream(mxid, name)
    return stream.config if stream is not None else None


def _fps_number(mxid: str, name: str) -> CamHubNumberDescription:
    return CamHubNumberDescription(
        key=f"{name}_fps",
        translation_key="oak_fps",
        translation_placeholders={"stream": name},
        device_id=mxid,
        entity_category=EntityCategory.CONFIG,
        native_min_value=FPS_RANGE[0],
        native_max_value=FPS_RANGE[1],
        native_step=1,
        native_unit_of_measurement="fps",
        mode=NumberMode.BOX,
        exists_fn=lambda s: _config(s, mxid, name) is not None,
        value_fn=lambda s: c.fps if (c := _config(s, mxid, name)) is not None else None,
        set_fn=lambda client, value: client.set_config(mxid, name, fps=value),
    )


def _resolution_select(mxid: str, name: str, kind: StreamKind) -> CamHubSelectDescription:
    """Options are the spec's enum names in lower case (translation keys must be)."""
    resolutions = COLOR_RESOLUTIONS if kind is StreamKind.COLOR else MONO_RESOLUTIONS

    def value(state: OakState) -> str | None:
        current = _config(state, mxid, name)
        return current.resolution.lower() if current is not None else None

    return CamHubSelectDescription(
        key=f"{name}_resolution",
        translation_key=f"oak_{kind}_resolution",
        translation_placeholders={"stream": name},
        device_id=mxid,
        entity_category=EntityCategory.CONFIG,
        options=[r.lower() for r in resolutions],
        exists_fn=lambda s: _config(s, mxid, name) is not None,
        value_fn=value,
        set_fn=lambda client, option: client.set_config(mxid, name, resolution=option.upper()),
    )


def _control_descriptions(
    mxid: str, name: str, kind: StreamKind, control: SensorControl
) -> list[CamHubDescription]:
    """Image controls of a sensor stream; colour-only ones skipped on mono sensors."""

    def supported(key: str) -> bool:
        return kind is StreamKind.COLOR or key not in COLOR_ONLY

    def ctl(state: OakState) -> SensorControl | None:
        stream = state.stream(mxid, name)
        return stream.control if stream is not None else None

    found: list[CamHubDescription] = [
        _control_number(mxid, name, spec, ctl) for spec in NUMBER_CONTROLS if supported(spec.key)
    ]
    found.extend(_control_switch(mxid, name, key, ctl) for key in SWITCH_CONTROLS if supported(key))
    if supported("auto_whitebalance_mode"):
        found.append(
            CamHubSelectDescription(
                key=f"{name}_auto_whitebalance_mode",
                translation_key="oak_auto_whitebalance_mode",
                translation_placeholders={"stream": name},
                device_id=mxid,
                entity_category=EntityCategory.CONFIG,
                options=[mode.lower() for mode in AWB_MODES],
                exists_fn=lambda s: ctl(s) is not None,
                value_fn=lambda s: (
                    str(c.get("auto_whitebalance_mode")).lower()
                    if (c := ctl(s)) is not None
                    else None
                ),
                set_fn=lambda client, option: client.set_control(
                    mxid, name, "auto_whitebalance_mode", option.upper()
                ),
            )
        )
    if control.focus is not None:
        found.append(_focus_number(mxid, name, ctl))
    return found


def _control_number(
    mxid: str, name: str, spec: _Control, ctl: Callable[[OakState], SensorControl | None]
) -> CamHubNumberDescription:
    low, high = INT_CONTROLS[spec.key]

    def value(state: OakState) -> float | None:
        control = ctl(state)
        if control is None or spec.key in UNREADABLE_VALUES:
            return None  # a placeholder: the number shows the last value set
        current = control.get(spec.key)
        return float(current) if isinstance(current, int) else None

    return CamHubNumberDescription(
        key=f"{name}_{spec.key}",
        translation_key=f"oak_{spec.key}",
        translation_placeholders={"stream": name},
        device_id=mxid,
        entity_category=EntityCategory.CONFIG,
        native_min_value=low,
        native_max_value=high,
        native_step=STEP_CONTROLS.get(spec.key, 1),
        native_unit_of_measurement=spec.unit,
        device_class=spec.device_class,
        mode=NumberMode.BOX if high - low > 100 else NumberMode.SLIDER,
        restore=spec.restore,
        exists_fn=lambda s: ctl(s) is not None,
        value_fn=value,
        set_fn=lambda client, v: client.set_control(mxid, name, spec.key, _whole(v)),
    )


def _whole(value: float) -> int | float:
    """An integral float as int; anything else unchanged, for the API's check to refuse."""
    return int(value) if float(value).is_integer() else value


def _control_switch(
    mxid: str, name: str, key: str, ctl: Callable[[OakState], SensorControl | None]
) -> CamHubSwitchDescription:
    return CamHubSwitchDescription(
        key=f"{name}_{key}",
        translation_key=f"oak_{key}",
        translation_placeholders={"stream": name},
        device_id=mxid,
        entity_category=EntityCategory.CONFIG,
        exists_fn=lambda s: ctl(s) is not None,
        value_fn=lambda s: bool(c.get(key)) if (c := ctl(s)) is not None else None,
        set_fn=lambda client, on: client.set_control(mxid, name, key, on),
    )


def _focus_number(
    mxid: str, name: str, ctl: Callable[[OakState], SensorControl | None]
) -> CamHubNumberDescription:
    def value(state: OakState) -> float | None:
        control = ctl(state)
        return control.focus.lens_position if control and control.focus else None

    return CamHubNumberDescription(
        key=f"{name}_lens_position",
        translation_key="oak_lens_position",
        translation_placeholders={"stream": name},
        device_id=mxid,
        entity_category=EntityCategory.CONFIG,
        native_min_value=0.0,
        native_max_value=1.0,
        native_step=0.01,
        mode=NumberMode.SLIDER,
        exists_fn=lambda s: value(s) is not None,
        value_fn=value,
        set_fn=lambda client, v: client.set_control(mxid, name, "lens_position", v),
    )


# --- action ---------------------------------------------------------------------------------

CAPTURE_STILL_SCHEMA: Final[VolDictType] = {
    probatio.Optional(ATTR_FORMAT, default="jpeg"): probatio.In(STILL_FORMATS),
    probatio.Required(ATTR_FILENAME): cv.string,
}


async def async_capture_still(entity: Any, call: ServiceCall) -> None:
    """`camhub.capture_still`: save a still of an OAK stream's camera entity to a file."""
    from ..camera import CamHubCamera  # noqa: PLC0415 - the camera platform imports families
    from ..entity import translated_error  # noqa: PLC0415

    if not isinstance(entity, CamHubCamera) or not isinstance(
        entity.coordinator.client, OakConnection
    ):
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="oak_not_an_oak_camera",
            translation_placeholders={"entity_id": entity.entity_id},
        )
    filename = str(call.data[ATTR_FILENAME])
    if not entity.hass.config.is_allowed_path(filename):
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="path_not_allowed",
            translation_placeholders={"filename": filename},
        )
    api = entity.coordinator.client.api
    try:
        image = await api.still(entity.source.device_id, entity.source.key, call.data[ATTR_FORMAT])
    except CamHubError as err:
        raise translated_error(err) from err
    await entity.hass.async_add_executor_job(_write_file, Path(filename), image)


def _write_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
