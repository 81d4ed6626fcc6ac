"""Entity descriptions: the server's camera count; each camera's switches and shutter."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.const import EntityCategory

from ...api.liveview import LiveViewStatus, OsdStatus
from ...descriptions import (
    CamHubButtonDescription,
    CamHubDescription,
    CamHubSensorDescription,
    CamHubSwitchDescription,
)
from .models import CameraState, LiveViewState

if TYPE_CHECKING:
    from .host import LiveViewHost  # noqa: F401 - named in string type arguments


def _online(state: LiveViewState, camera_id: str) -> CameraState | None:
    camera = state.camera(camera_id)
    return camera if camera is not None and camera.online else None


def _live(state: LiveViewState, camera_id: str) -> LiveViewStatus | None:
    camera = _online(state, camera_id)
    return camera.live_view if camera else None


def _osd(state: LiveViewState, camera_id: str) -> OsdStatus | None:
    camera = _online(state, camera_id)
    return camera.osd if camera and camera.osd and camera.osd.supported else None


def _recording(state: LiveViewState, camera_id: str) -> bool | None:
    camera = _online(state, camera_id)
    return camera.recording if camera else None


SERVER_ENTITIES: tuple[CamHubDescription[LiveViewState], ...] = (
    CamHubSensorDescription[LiveViewState](
        key="connected_cameras",
        translation_key="connected_cameras",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda s, _: sum(c.info.connected for c in s.cameras.values()),
    ),
)
"""On the server device."""

CAMERA_ENTITIES: tuple[CamHubDescription[LiveViewState], ...] = (
    CamHubSwitchDescription[LiveViewState, "LiveViewHost"](
        key="live_view",
        translation_key="live_view",
        entity_category=EntityCategory.CONFIG,
        exists_fn=lambda s, cam: _live(s, cam) is not None,
        value_fn=lambda s, cam: (status := _live(s, cam)) is not None and status.enabled,
        set_fn=lambda host, cam, on: host.client.set_live_view(cam, on),
    ),
    CamHubSwitchDescription[LiveViewState, "LiveViewHost"](
        key="live_view_streaming",
        translation_key="live_view_streaming",
        entity_category=EntityCategory.CONFIG,
        exists_fn=lambda s, cam: _live(s, cam) is not None,
        value_fn=lambda s, cam: (status := _live(s, cam)) is not None and status.streaming,
        set_fn=lambda host, cam, on: host.client.set_streaming(cam, on),
    ),
    CamHubSwitchDescription[LiveViewState, "LiveViewHost"](
        key="osd",
        translation_key="osd",
        entity_category=EntityCategory.CONFIG,
        exists_fn=lambda s, cam: _osd(s, cam) is not None,
        value_fn=lambda s, cam: (status := _osd(s, cam)) is not None and status.enabled,
        set_fn=lambda host, cam, on: host.client.set_osd(cam, on),
    ),
    CamHubSwitchDescription[LiveViewState, "LiveViewHost"](
        key="movie_recording",
        translation_key="movie_recording",
        exists_fn=lambda s, cam: _recording(s, cam) is not None,
        value_fn=_recording,
        set_fn=lambda host, cam, on: host.client.set_recording(cam, on),
    ),
    CamHubButtonDescription[LiveViewState, "LiveViewHost"](
        key="shutter",
        translation_key="shutter",
        exists_fn=lambda s, cam: _online(s, cam) is not None,
        press_fn=lambda host, cam: host.client.af_shutter(cam),
    ),
)
"""On each camera (the item is the camera id); each exists while the camera is connected."""
