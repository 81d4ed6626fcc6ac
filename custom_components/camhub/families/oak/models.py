"""The state of a Robopipe controller and its OAK cameras, as the entities show it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from ...api.oak import (
    CameraInfo,
    CameraStats,
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
