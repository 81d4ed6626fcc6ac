"""The CamStreamer camera's vocabulary: app names, API generations, paths, and the state records.

Split out of camstreamer.py so the state, route and event modules share one set of types
without importing each other: the apps (`SimApp`: licence and run status), CamStreamer's
streams (`SimStream`), CamOverlay's services (`SimService`), the camera's factory defaults,
the `stream/get.cgi` defaults, and the two helpers every app route needs (the apps' JSON
envelope `app_json`, HTTP 200 even for errors, and `parse_flag` for 0/1/true/false).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, TypedDict

from aiohttp import web

from .auth import AuthScheme

type Generation = Literal["new", "old"]
type AppName = Literal["camstreamer", "camswitcher", "camoverlay", "camscripter"]

APP_NAMES: tuple[AppName, ...] = ("camstreamer", "camswitcher", "camoverlay", "camscripter")
NICE_NAMES = {
    "camstreamer": ("CamStreamer", "CamStreamer App"),
    "camswitcher": ("CamSwitcher", "CamSwitcher App"),
    "camoverlay": ("CamOverlay", "CamOverlay App"),
    "camscripter": ("CamScripter", "CamScripter App"),
}
EVENT_PATHS: dict[str, AppName] = {
    "/local/camstreamer/events": "camstreamer",
    "/local/camswitcher/events": "camswitcher",
    "/local/camoverlay/service/ws": "camoverlay",
}
TOKEN_LIFETIME = 30.0
STREAM_DEFAULTS = {
    "audioSource": "default",
    "avSyncMsec": "0",
    "internalVapixParameters": "",
    "userVapixParameters": "",
    "outputParameters": "",
    "outputType": "video",
    "mediaServerUrl": "",
    "inputType": "CRS",
    "inputUrl": "",
    "forceStereo": "0",
    "streamDelay": "",
    "statusLed": "0",
    "statusPort": "",
    "callApi": "0",
    "schedule": "[]",
    "prepareAhead": "0",
    "startTime": "0",
    "stopTime": "0",
}
"""The parameters `stream/get.cgi` answers for a stream that never set them (the doc's set)."""
WIDTH, HEIGHT = 640, 360


class AxisCameraOptions(TypedDict, total=False):
    """Keyword arguments of `AxisCamera` (and `Simulator.add_axis_camera`)."""

    serial: str
    name: str
    model: str
    firmware: str
    generation: Generation
    apps: tuple[AppName, ...]
    unrestricted_info: bool
    username: str
    password: str
    auth: AuthScheme
    port: int


@dataclass
class SimApp:
    """One installed ACAP app: licence ("Valid", "Missing", ...) and status ("Running", ...)."""

    license: str = "Valid"
    status: str = "Running"
    version: str = "4.0.0"

    @property
    def usable(self) -> bool:
        """Its API answers."""
        return self.license == "Valid" and self.status == "Running"


@dataclass
class SimStream:
    """A CamStreamer stream; `params` are the app's string parameters."""

    id: str
    title: str = ""
    platform: str = "rtmp"
    enabled: bool = False
    active: bool = True
    params: dict[str, str] = field(default_factory=dict)
    start_count: int = 0
    started_at: float | None = None
    bytes_before: int = 0
    failure: str | None = None  # `fail_stream`: not streaming until switched again

    def trigger(self) -> str:
        """The automation type."""
        return self.params.get("trigger", "none") or "none"


@dataclass
class SimService:
    """A CamOverlay service."""

    id: int
    name: str
    custom_name: str = ""
    enabled: bool = False
    source: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    image: dict[str, str] = field(default_factory=dict)  # update_image: image, position


def default_streams() -> list[SimStream]:
    return [
        SimStream("11", title="Sunday mass", platform="youtube"),
        SimStream("12", title="", platform="facebook", enabled=True),
    ]


def default_playlists() -> dict[str, dict[str, Any]]:
    return {
        "c0a1b2c3d-0000-4000-8000-000000000001": {"niceName": "Main camera", "kind": "camera"},
        "c0a1b2c3d-0000-4000-8000-000000000002": {"niceName": "Organ camera", "kind": "camera"},
        "s0a1b2c3d-0000-4000-8000-000000000003": {"niceName": "Intro clip", "kind": "clip"},
        "p0a1b2c3d-0000-4000-8000-000000000004": {"niceName": "Full service", "kind": "playlist"},
    }


def default_services() -> list[SimService]:
    return [
        SimService(1, "infoticker", "News ticker", True, source="Welcome"),
        SimService(2, "customGraphics", "Scoreboard", False, fields={"field1": "0:0"}),
        SimService(5, "images", "", True),
    ]


def parse_flag(value: str | None) -> bool | None:
    """0/1/true/false as the apps read them; None for anything else."""
    text = (value or "").strip().lower()
    return {"1": True, "true": True, "0": False, "false": False}.get(text)


def app_json(*, status: int = 200, message: str = "OK", data: Any = None) -> web.Response:
    """The apps' JSON envelope (HTTP 200 even for errors, like the real apps)."""
    body: dict[str, Any] = {"status": status, "message": message}
    if data is not None:
        body["data"] = data
    return web.json_response(body)
