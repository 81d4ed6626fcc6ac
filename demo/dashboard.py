"""The demo's dashboard: CamHub's cameras as live tiles, made Home Assistant's default page.

Home Assistant's own overview groups devices by area and shows no camera until someone edits
it, so the demo adds a storage-mode dashboard (`/camhub-demo`): a first view with every camera
(one section per config entry), then one view per entry. It is rewritten on every run (cameras
come and go with the simulated devices) and made the default dashboard, so the printed URL
opens on live pictures. Everything goes through the WebSocket API the frontend itself uses.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

URL_PATH = "camhub-demo"  # a storage dashboard's url_path needs a hyphen
TITLE = "CamHub demo"
ICON = "mdi:cctv"
VIEW_PATH = "cameras"
LIVE_PER_VIEW = 4
"""The most live (MJPEG) tiles on one view. A browser opens at most six HTTP/1.1 connections to
one host, and each live tile holds one for as long as it shows: a seventh live tile would wait
for ever, and so would the snapshots and API calls behind it."""
STREAM = 2  # CameraEntityFeature.STREAM


@dataclass(frozen=True)
class Camera:
    """A camera as the dashboard sees it."""

    entity_id: str
    supported_features: int = 0
    still: bool = True  # whether it gave a snapshot: a still-less camera gets no picture tile

    @property
    def mjpeg(self) -> bool:
        """Whether the frontend shows it live over MJPEG.

        A camera with the STREAM feature is shown over HLS or WebRTC from its stream_source
        instead: RTSP/HLS addresses that the simulator does not serve, so in the demo such a
        camera gets a snapshot tile (refreshed every few seconds) rather than a blank one.
        """
        return not self.supported_features & STREAM


@dataclass(frozen=True)
class Device:
    """One config entry: its title, cameras and other entities (switches, numbers, ...)."""

    title: str
    cameras: Sequence[Camera]
    controls: Sequence[str] = ()


class WsApi(Protocol):
    """One WebSocket command, its result."""

    async def ws_call(self, command: Mapping[str, Any]) -> Any:
        """Send `command`, return its result (raise on failure)."""


def _tile(camera: Camera, live: bool) -> dict[str, Any]:
    """A picture tile, or an entity tile for a camera without stills.

    A picture tile of a camera that has no still image (the CamSwitcher output: RTSP only,
    which the simulator does not serve and a browser cannot play) would be a broken-image
    icon; a tile card shows its name and state instead, and opens its dialog like the others.
    """
    if not camera.still:
        return {"type": "tile", "entity": camera.entity_id, "grid_options": {"columns": 6}}
    return {
        "type": "picture-entity",
        "entity": camera.entity_id,
        "camera_view": "live" if live else "auto",
        "show_state": False,
        "grid_options": {"columns": 6},
    }


def _camera_section(device: Device, live: set[str]) -> dict[str, Any]:
    return {
        "type": "grid",
        "cards": [
            {"type": "heading", "heading": device.title},
            *(_tile(camera, camera.entity_id in live) for camera in device.cameras),
        ],
    }


def _view(title: str, path: str, sections: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "title": title,
        "path": path,
        "type": "sections",
        "max_columns": 3,
        "sections": sections,
    }


def _pick_live(devices: Sequence[Device], limit: int) -> set[str]:
    """Up to `limit` MJPEG cameras, one per device first, then the rest in order."""
    order: list[str] = []
    depth = max((len(device.cameras) for device in devices), default=0)
    for i in range(depth):
        order += [
            d.cameras[i].entity_id for d in devices if i < len(d.cameras) and d.cameras[i].mjpeg
        ]
    return set(order[:limit])


def dashboard_config(
    devices: Sequence[Device], live_per_view: int = LIVE_PER_VIEW
) -> dict[str, Any]:
    """The dashboard: every camera on its first view, then one view per device.

    The first view shows up to `live_per_view` cameras live (one per device first) and the
    others as snapshots; each device's own view shows its MJPEG cameras live and a tile for
    each of its other entities.
    """
    live = _pick_live(devices, live_per_view)
    first = _view("Cameras", VIEW_PATH, [_camera_section(d, live) for d in devices if d.cameras])
    first["icon"] = ICON
    views = [first]
    for index, device in enumerate(devices):
        sections = []
        if device.cameras:
            sections.append(_camera_section(device, _pick_live([device], live_per_view)))
        if device.controls:
            tiles = [
                {"type": "tile", "entity": entity_id, "grid_options": {"columns": 12}}
                for entity_id in device.controls
            ]
            # Two columns wide with two tiles a row, so "<device> <stream> broadcast" fits.
            sections.append(
                {
                    "type": "grid",
                    "column_span": 2,
                    "cards": [{"type": "heading", "heading": "Controls"}, *tiles],
                }
            )
        if sections:
            views.append(_view(device.title, f"device-{index + 1}", sections))
    return {"title": TITLE, "views": views}


async def install(api: WsApi, config: Mapping[str, Any]) -> str:
    """Create (once) or update the dashboard, make it the default one; its path."""
    dashboards = await api.ws_call({"type": "lovelace/dashboards/list"})
    if not any(d.get("url_path") == URL_PATH for d in dashboards or ()):
        await api.ws_call(
            {
                "type": "lovelace/dashboards/create",
                "url_path": URL_PATH,
                "title": TITLE,
                "icon": ICON,
                "show_in_sidebar": True,
                "require_admin": False,
                "mode": "storage",
            }
        )
    await api.ws_call({"type": "lovelace/config/save", "url_path": URL_PATH, "config": config})
    core = await api.ws_call({"type": "frontend/get_system_data", "key": "core"})
    value = core.get("value") if isinstance(core, dict) else None
    await api.ws_call(
        {
            "type": "frontend/set_system_data",
            "key": "core",
            "value": {**(value if isinstance(value, dict) else {}), "default_panel": URL_PATH},
        }
    )
    return f"/{URL_PATH}/{VIEW_PATH}"
