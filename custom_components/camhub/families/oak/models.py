"""The state of a Robopipe controller and its OAK cameras, as the entities show it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from ...api.oak import (
    CameraInfo,
    CameraStats,
    ControllerIO,
    IRConfig,
    SensorControl,
    StreamConfig,
    StreamKind,
    stream_kind,
)


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
    """The controller, every camera it lists (by mxid) and its own I/O.

    `io` is None where the server has no controller I/O (it answers 404) or where the last
    read of it failed: then its entities are unavailable, the cameras' are not.
    """

    controller_id: str
    cameras: Mapping[str, OakCameraState]
    io: ControllerIO | None = None

    def stream(self, mxid: str, name: str) -> StreamState | None:
        """A stream of a running camera, if the controller has it."""
        camera = self.cameras.get(mxid)
        if camera is None or not camera.info.running:
            return None
        return camera.streams.get(name)

    def with_camera(self, camera: OakCameraState) -> OakState:
        """A copy with one camera replaced (after a write)."""
        return replace(self, cameras={**self.cameras, camera.info.mxid: camera})

    def settings(self) -> tuple[dict[str, OakCameraState], ControllerIO | None]:
        """Everything but statistics and analog readings, to tell a change from a quiet poll."""
        cameras = {mxid: camera.settings() for mxid, camera in self.cameras.items()}
        return cameras, self.io.settings() if self.io is not None else None

    def with_io(self, io: ControllerIO) -> OakState:
        """A copy with the controller's I/O replaced (after a write)."""
        return replace(self, io=io)
