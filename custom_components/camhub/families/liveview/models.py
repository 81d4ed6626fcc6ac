"""The state of a live-view server and its cameras, as the entities show it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from ...api.liveview import CameraInfo, CameraProperty, LiveViewStatus, OsdStatus, ServerStatus


@dataclass(frozen=True, slots=True)
class CameraState:
    """One camera: its list entry and, while connected, its live-view, OSD and movie state.

    `recording` is None where the camera has no `recording-state` (no movie recording).
    `properties` are its shooting properties as last read (`properties/all`: empty where the
    server has none); they are re-read on every change the camera announces.
    """

    info: CameraInfo
    live_view: LiveViewStatus | None = None
    osd: OsdStatus | None = None
    recording: bool | None = None
    properties: Mapping[str, CameraProperty] = field(default_factory=dict)

    @property
    def online(self) -> bool:
        """Connected, with a status read since."""
        return self.info.connected and self.live_view is not None


@dataclass(frozen=True, slots=True)
class LiveViewState:
    """The server and every camera it lists, by camera id."""

    server_id: str
    server: ServerStatus
    cameras: Mapping[str, CameraState]

    def camera(self, camera_id: str) -> CameraState | None:
        """A camera's state, if the server lists it."""
        return self.cameras.get(camera_id)

    def with_camera(self, camera: CameraState) -> LiveViewState:
        """A copy with one camera's state replaced (a pushed change)."""
        return replace(self, cameras={**self.cameras, camera.info.id: camera})
