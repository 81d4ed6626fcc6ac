"""Shooting settings of a Sony camera: selects from its live properties, zoom and focus buttons.

Each select is one camera property (`exposure-program-mode`, `iso`, `aperture`, ...). Its
options are the property's `available_values` as the camera reports them now, so they follow
the lens, the exposure program and the focus mode; it is unavailable while the property is
not writable (aperture outside A / M, everything while the body holds the priority key). A
choice is checked against a fresh read of the property before it is written (a value the
camera no longer offers is refused as invalid input) and the camera's properties are read
again after each write, as the spec asks: one change moves others.

Zoom buttons exist on cameras whose lens reports `zoom-distance` (a power zoom); the focus
buttons step focus near/far (the body accepts them in MF and DMF; in AF it refuses, and the
refusal is shown).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...api.liveview import CameraProperty
from ...descriptions import (
    CamHubButtonDescription,
    CamHubDescription,
    CamHubSelectDescription,
    CamHubSensorDescription,
)
from .models import LiveViewState

if TYPE_CHECKING:
    from .host import LiveViewHost

ZOOM_PROPERTY = "zoom-distance"
ZOOM_SPEED = 5
"""Half the motor's top speed: a press moves the zoom a few millimetres, not end to end."""
ZOOM_NUDGE = 0.5
"""Seconds a zoom button runs the motor before stopping it."""
FOCUS_STEP = 3


def camera_property(state: LiveViewState, camera_id: str, name: str) -> CameraProperty | None:
    """A connected camera's property as last read, if it reports it."""
    camera = state.camera(camera_id)
    if camera is None or not camera.online:
        return None
    return camera.properties.get(name)


def _setting(key: str, name: str) -> CamHubSelectDescription[LiveViewState, LiveViewHost]:
    """The select of one property; `name` is the property (the same for every camera)."""
    return CamHubSelectDescription[LiveViewState, "LiveViewHost"](
        key=key,
        translation_key=f"sony_{key}",
        exists_fn=lambda s, cam: camera_property(s, cam, name) is not None,
        available_fn=lambda s, cam: (p := camera_property(s, cam, name)) is not None and p.settable,
        options_fn=lambda s, cam: p.labels if (p := camera_property(s, cam, name)) else [],
        value_fn=lambda s, cam: p.current if (p := camera_property(s, cam, name)) else None,
        set_fn=lambda host, cam, label: host.set_property(cam, name, label),
    )


SETTING_ENTITIES: tuple[CamHubDescription[LiveViewState], ...] = (
    _setting("exposure_program", "exposure-program-mode"),
    _setting("iso", "iso"),
    _setting("aperture", "aperture"),
    _setting("shutter_speed", "shutter-speed"),
    _setting("exposure_compensation", "exposure-compensation"),
    _setting("white_balance", "white-balance"),
    _setting("focus_mode", "focus-mode"),
    _setting("focus_area", "focus-area"),
    _setting("drive_mode", "drive-mode"),
    CamHubSensorDescription[LiveViewState](
        key="zoom_position",
        translation_key="sony_zoom_position",
        exists_fn=lambda s, cam: camera_property(s, cam, ZOOM_PROPERTY) is not None,
        value_fn=lambda s, cam: p.formatted
        if (p := camera_property(s, cam, ZOOM_PROPERTY))
        else None,
    ),
    CamHubButtonDescription[LiveViewState, "LiveViewHost"](
        key="zoom_in",
        translation_key="sony_zoom_in",
        exists_fn=lambda s, cam: camera_property(s, cam, ZOOM_PROPERTY) is not None,
        press_fn=lambda host, cam: host.zoom(cam, ZOOM_SPEED),
    ),
    CamHubButtonDescription[LiveViewState, "LiveViewHost"](
        key="zoom_out",
        translation_key="sony_zoom_out",
        exists_fn=lambda s, cam: camera_property(s, cam, ZOOM_PROPERTY) is not None,
        press_fn=lambda host, cam: host.zoom(cam, -ZOOM_SPEED),
    ),
    CamHubButtonDescription[LiveViewState, "LiveViewHost"](
        key="focus_near",
        translation_key="sony_focus_near",
        exists_fn=lambda s, cam: camera_property(s, cam, "focus-mode") is not None,
        press_fn=lambda host, cam: host.focus(cam, -FOCUS_STEP),
    ),
    CamHubButtonDescription[LiveViewState, "LiveViewHost"](
        key="focus_far",
        translation_key="sony_focus_far",
        exists_fn=lambda s, cam: camera_property(s, cam, "focus-mode") is not None,
        press_fn=lambda host, cam: host.focus(cam, FOCUS_STEP),
    ),
)
"""On each camera (item = camera id), for the properties it reports."""
