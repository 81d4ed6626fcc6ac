"""The per-entry connection to a Robopipe controller: fetching, writes and poll back-off."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Final

from ...api.errors import DeviceError
from ...api.oak import CameraInfo, OakClient, OakNotFoundError, StreamKind, stream_kind
from .models import OakCameraState, OakState, StreamState

if TYPE_CHECKING:
    from ...coordinator import CamHubCoordinator

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
