"""Entity descriptions: each camera's switches and shutter button."""

from __future__ import annotations

from homeassistant.const import EntityCategory

from ...api.liveview import LiveViewStatus, OsdStatus
from ...descriptions import (
    CamHubButtonDescription,
    CamHubDescription,
    CamHubSwitchDescription,
)
from .models import CameraState, LiveViewState


def _camera_descriptions(camera_id: str) -> list[CamHubDescription]:
    """Switches and the shutter of one camera; each exists while the camera is connected."""

    def online(state: LiveViewState) -> CameraState | None:
        camera = state.camera(camera_id)
        return camera if camera is not None and camera.online else None

    def live(state: LiveViewState) -> LiveViewStatus | None:
        camera = online(state)
        return camera.live_view if camera else None

    def osd(state: LiveViewState) -> OsdStatus | None:
        camera = online(state)
        return camera.osd if camera and camera.osd and camera.osd.supported else None

    def recording(state: LiveViewState) -> bool | None:
        camera = online(state)
        return camera.recording if camera else None

    return [
        CamHubSwitchDescription(
            key="live_view",
            translation_key="live_view",
            device_id=camera_id,
            entity_category=EntityCategory.CONFIG,
            exists_fn=lambda s: live(s) is not None,
            value_fn=lambda s: (status := live(s)) is not None and status.enabled,
            set_fn=lambda client, on: client.set_live_view(camera_id, on),
        ),
        CamHubSwitchDescription(
            key="live_view_streaming",
            translation_key="live_view_streaming",
            device_id=camera_id,
            entity_category=EntityCategory.CONFIG,
            exists_fn=lambda s: live(s) is not None,
            value_fn=lambda s: (status := live(s)) is not None and status.streaming,
            set_fn=lambda client, on: client.set_streaming(camera_id, on),
        ),
        CamHubSwitchDescription(
            key="osd",
            translation_key="osd",
            device_id=camera_id,
            entity_category=EntityCategory.CONFIG,
            exists_fn=lambda s: osd(s) is not None,
            value_fn=lambda s: (status := osd(s)) is not None and status.enabled,
            set_fn=lambda client, on: client.set_osd(camera_id, on),
        ),
        CamHubSwitchDescription(
            key="movie_recording",
            translation_key="movie_recording",
            device_id=camera_id,
            exists_fn=lambda s: recording(s) is not None,
            value_fn=recording,
            set_fn=lambda client, on: client.set_recording(camera_id, on),
        ),
        CamHubButtonDescription(
            key="shutter",
            translation_key="shutter",
            device_id=camera_id,
            exists_fn=lambda s: online(s) is not None,
            press_fn=lambda client: client.af_shutter(camera_id),
        ),
    ]
