"""The per-entry host of a Robopipe controller: state, devices, cameras, writes, poll back-off."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any, ClassVar, Final

import probatio
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant

from ...api.errors import DeviceError
from ...api.oak import (
    CameraInfo,
    ControllerIO,
    OakClient,
    OakNotFoundError,
    StreamKind,
    stream_kind,
)
from ...const import CONF_FPS, DOMAIN
from ...descriptions import PlacedEntity
from ...devices import CamHubDeviceInfo
from ..base import FamilyHost, VideoSource, fps_option
from .entities import camera_entities
from .io import IOReader, io_entities
from .models import OakCameraState, OakState, StreamState
from .video import DEFAULT_FPS, FPS_MAX, FPS_MIN, _source

if TYPE_CHECKING:
    from ...data import CamHubConfigEntry

_LOGGER = logging.getLogger(__name__)

POLL_MIN: Final = timedelta(seconds=10)
POLL_MAX: Final = timedelta(seconds=120)
"""Polling backs off from POLL_MIN, doubling while nothing but statistics changes."""


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


class OakHost(FamilyHost[OakClient, OakState]):
    """One Robopipe controller and its cameras: polled, with writes patched in at once.

    Writes patch the coordinator's state from the controller's answer, so entities follow
    without a round trip; `fetch_state` sets the poll pace (back-off while nothing changes).
    """

    platforms: ClassVar[tuple[Platform, ...]] = (
        Platform.CAMERA,
        Platform.SWITCH,
        Platform.NUMBER,
        Platform.SELECT,
        Platform.SENSOR,
        Platform.BINARY_SENSOR,
        Platform.BUTTON,
    )
    update_interval: ClassVar[timedelta | None] = POLL_MIN
    has_login: ClassVar[bool] = False

    def __init__(self, hass: HomeAssistant, entry: CamHubConfigEntry, client: OakClient) -> None:
        """No write yet; the poll starts at `POLL_MIN`."""
        super().__init__(hass, entry, client)
        self._written = False
        self._interval = POLL_MIN
        self.io_reader = IOReader(client.controller, entry.title)

    @property
    def api(self) -> OakClient:
        """The controller's API client."""
        return self.client

    async def fetch_state(self) -> OakState:
        """The cameras list, then every running camera's streams and the I/O, at once.

        The I/O's own failures never fail the poll (`IOReader`): the cameras stay.
        """
        api = self.api
        infos = await api.cameras()
        cameras, io = await asyncio.gather(
            asyncio.gather(*(fetch_camera(api, info) for info in infos)), self.io_reader.read()
        )
        state = OakState(
            controller_id=self.entry.entry_id,
            cameras={camera.info.mxid: camera for camera in cameras},
            io=io,
        )
        self.next_interval(self.coordinator.data, state)
        return state

    def device_infos(self, state: OakState) -> Mapping[str, CamHubDeviceInfo]:
        """The controller first (cameras refer to it with `parent`), then every camera."""
        devices = {
            state.controller_id: CamHubDeviceInfo(
                identifiers={(DOMAIN, state.controller_id)},
                manufacturer="Robopipe",
                model="Robopipe controller",
                translation_key="oak_controller",
                configuration_url=str(self.api.transport.base_url),
            )
        }
        for mxid, camera in state.cameras.items():
            devices[mxid] = CamHubDeviceInfo(
                identifiers={(DOMAIN, mxid)},
                manufacturer="Luxonis",
                model=camera.info.camera_name,
                name=camera.info.camera_name,  # the mxid is the serial number, shown apart
                serial_number=mxid,
                hw_version=camera.info.platform or None,
                parent=state.controller_id,
            )
        return devices

    def video_sources(self, state: OakState) -> list[VideoSource]:
        """A camera per active stream of every running camera, MJPEG polled from stills."""
        fps = int(self.options.get(CONF_FPS, DEFAULT_FPS))
        return [
            _source(self.api, mxid, name, fps)
            for mxid, camera in state.cameras.items()
            if camera.info.running
            for name, stream in camera.streams.items()
            if stream.active
        ]

    def entities(self, state: OakState) -> list[PlacedEntity[OakState]]:
        """Camera, stream and controller I/O entities.

        Per camera: running, IR and statistics; per stream: active, config and controls; on
        the controller: one per I/O circuit.
        """
        found = io_entities(state)
        for mxid, camera in state.cameras.items():
            found += camera_entities(mxid, camera)
        return found

    def options_schema(self) -> probatio.Schema:
        """Frames per second of the MJPEG made from stills."""
        return fps_option(self.options, DEFAULT_FPS, FPS_MIN, FPS_MAX)

    def patch(self, mxid: str, change: Callable[[OakCameraState], OakCameraState]) -> None:
        """Apply a write's result to the state the entities show, without a round trip."""
        coordinator = self.coordinator
        state = coordinator.data
        if state is not None and (camera := state.cameras.get(mxid)) is not None:
            self._written = True  # the refresh that follows compares with the patched state
            self._set_interval(POLL_MIN)
            coordinator.async_set_updated_data(state.with_camera(change(camera)))

    def patch_io(self, change: Callable[[ControllerIO], ControllerIO]) -> None:
        """Apply an I/O write's answer to the state the entities show, without a round trip."""
        coordinator = self.coordinator
        state = coordinator.data
        if state is not None and state.io is not None:
            self._written = True
            self._set_interval(POLL_MIN)
            coordinator.async_set_updated_data(state.with_io(change(state.io)))

    def next_interval(self, previous: OakState | None, state: OakState) -> None:
        """Poll at POLL_MIN after a change; double the interval (to POLL_MAX) while quiet."""
        written, self._written = self._written, False
        if written or previous is None or previous.settings() != state.settings():
            self._set_interval(POLL_MIN)
        else:
            self._set_interval(min(self._interval * 2, POLL_MAX))

    def _set_interval(self, interval: timedelta) -> None:
        self._interval = interval
        self.coordinator.async_set_poll_interval(interval)

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

    async def trigger_autofocus(self, mxid: str, stream: str) -> None:
        """One autofocus sweep; the controller answers the control with the new lens."""
        current = self._stream(mxid, stream)
        control = current.control if current else await self.api.control(mxid, stream)
        new = await self.api.trigger_autofocus(mxid, stream, control)
        self.patch(mxid, lambda camera: _with_stream(camera, stream, control=new))

    async def set_digital_output(self, circuit: str, on: bool) -> None:
        """Switch a digital output; the controller answers the output."""
        current = self._io().digital_outputs.get(circuit)
        if current is None:
            raise ValueError(f"the controller has no digital output {circuit}")
        new = await self.api.controller.set_digital_output(current, on)
        self.patch_io(lambda io: replace(io, digital_outputs={**io.digital_outputs, circuit: new}))

    async def set_led(self, circuit: str, on: bool) -> None:
        """Switch one of the controller's LEDs."""
        new = await self.api.controller.set_led(circuit, on)
        self.patch_io(lambda io: replace(io, leds={**io.leds, circuit: new}))

    async def set_analog_output(self, circuit: str, value: float) -> None:
        """Set an analog output in its current mode (checked against its range first)."""
        current = self._io().analog_outputs.get(circuit)
        if current is None:
            raise ValueError(f"the controller has no analog output {circuit}")
        new = await self.api.controller.set_analog_output(current, value)
        self.patch_io(lambda io: replace(io, analog_outputs={**io.analog_outputs, circuit: new}))

    def _io(self) -> ControllerIO:
        data = self.coordinator.data
        return data.io if data is not None and data.io is not None else ControllerIO()

    def _stream(self, mxid: str, stream: str) -> StreamState | None:
        data = self.coordinator.data
        return data.stream(mxid, stream) if data is not None else None


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
