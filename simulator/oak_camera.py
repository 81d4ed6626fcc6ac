"""A simulated OAK camera and its streams: what the spec lets each sensor be set to.

The spec's names and ranges (stream names, resolutions per sensor kind, sensor control
ranges and enums, the values `GET .../control` answers as placeholders), the stream record
(`SimStream`: config, sensor control, focus) and the camera (`SimOakCamera`, with the rule
that a depth stream and its two mono sensors are never active together). Split out of
oak.py so the controller's routes read apart from the device model they serve.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

MXID_RE = re.compile(r"[A-Z0-9]+")
STREAM_RE = re.compile(r"CAM_[A-H]|DEPTH_[A-H]_[A-H]")
AWB_MODES = (
    "AUTO",
    "CLOUDY_DAYLIGHT",
    "DAYLIGHT",
    "FLUORESCENT",
    "INCANDESCENT",
    "OFF",
    "SHADE",
    "TWILIGHT",
    "WARM_FLUORESCENT",
)
AF_MODES = ("OFF", "AUTO", "MACRO", "CONTINUOUS_VIDEO", "CONTINUOUS_PICTURE", "EDOF")
COLOR_RESOLUTIONS = {
    "THE_1080_P": (1920, 1080),
    "THE_1200_P": (1920, 1200),
    "THE_12_MP": (4056, 3040),
    "THE_1352X1012": (1352, 1012),
    "THE_13_MP": (4208, 3120),
    "THE_1440X1080": (1440, 1080),
    "THE_2024X1520": (2024, 1520),
    "THE_4000X3000": (4000, 3000),
    "THE_48_MP": (8000, 6000),
    "THE_4_K": (3840, 2160),
    "THE_5312X6000": (5312, 6000),
    "THE_5_MP": (2592, 1944),
    "THE_720_P": (1280, 720),
    "THE_800_P": (1280, 800),
}
MONO_RESOLUTIONS = {
    "THE_1200_P": (1920, 1200),
    "THE_400_P": (640, 400),
    "THE_480_P": (640, 480),
    "THE_720_P": (1280, 720),
    "THE_800_P": (1280, 800),
}
INT_RANGES: dict[str, tuple[int | None, int | None]] = {
    "exposure_time": (1, 33000),
    "sensitivity_iso": (100, 5000),
    "auto_exposure_compensation": (-9, 9),
    "auto_exposure_limit": (None, None),
    "contrast": (-10, 10),
    "brightness": (-10, 10),
    "saturation": (-10, 10),
    "chroma_denoise": (0, 4),
    "luma_denoise": (0, 4),
    "manual_whitebalance": (1000, 12000),
}
BOOLS = ("auto_exposure_enable", "auto_exposure_lock", "auto_whitebalance_lock")
COLOR_ONLY = frozenset(
    {
        "saturation",
        "chroma_denoise",
        "auto_whitebalance_lock",
        "auto_whitebalance_mode",
        "manual_whitebalance",
    }
)
PLACEHOLDERS = {"exposure_time": 1, "sensitivity_iso": 100, "manual_whitebalance": 1000}
"""What GET control answers for the values the server cannot read back."""
LARGE_RESOLUTIONS = frozenset(
    {"THE_12_MP", "THE_13_MP", "THE_4000X3000", "THE_48_MP", "THE_4_K", "THE_5312X6000"}
)
LARGE_MAX_FPS = 30
RENDER_WIDTH = 320  # stills are rendered small: the aspect ratio is what matters here


@dataclass
class SimStream:
    """One stream of a simulated OAK camera."""

    name: str
    kind: str  # "color", "mono" or "depth"
    active: bool = False
    resolution: str | list[int] = "THE_1080_P"
    fps: float = 30.0
    control: dict[str, Any] = field(default_factory=dict)
    focus: dict[str, Any] | None = None
    focus_target: float = 0.62
    """Where an autofocus sweep (`auto_focus_trigger`) leaves the lens."""
    autofocus_triggers: int = 0

    def config(self) -> dict[str, Any]:
        """The config in the schema of its sensor type."""
        if self.kind == "color":
            size = COLOR_RESOLUTIONS[str(self.resolution)]
            return {
                "resolution": self.resolution,
                "still_size": list(size),
                "preview_size": [300, 300],
                "video_size": list(size),
                "sensor_crop": [0.0, 0.0],
                "fps": self.fps,
            }
        if self.kind == "mono":
            return {"resolution": self.resolution, "fps": self.fps}
        return {
            "resolution": self.resolution,
            "still_size": self.resolution,
            "preview_size": self.resolution,
            "video_size": self.resolution,
            "fps": self.fps,
        }

    def size(self) -> tuple[int, int]:
        """Render size: the resolution's aspect ratio at a small width."""
        if isinstance(self.resolution, list):
            width, height = self.resolution
        else:
            table = COLOR_RESOLUTIONS if self.kind == "color" else MONO_RESOLUTIONS
            width, height = table[self.resolution]
        return RENDER_WIDTH, max(2, round(RENDER_WIDTH * height / width))


def default_control(kind: str) -> dict[str, Any]:
    control: dict[str, Any] = {
        "exposure_time": 20000,
        "sensitivity_iso": 800,
        "auto_exposure_enable": True,
        "auto_exposure_compensation": 0,
        "auto_exposure_limit": 33000,
        "auto_exposure_lock": False,
        "contrast": 0,
        "brightness": 0,
        "saturation": 0,
        "chroma_denoise": 1,
        "luma_denoise": 1,
        "auto_whitebalance_lock": False,
        "auto_whitebalance_mode": "AUTO",
        "manual_whitebalance": 5000,
    }
    return control


class SimOakCamera:
    """One OAK camera: colour sensor CAM_A, optional stereo pair CAM_B/CAM_C with DEPTH_B_C.

    `stereo` adds the mono pair and the depth stream, `ir` the flood light and dot projector
    (OAK-D Pro), `autofocus` a motorised lens on CAM_A.
    """

    def __init__(
        self,
        mxid: str,
        *,
        name: str = "OAK-1",
        stereo: bool = False,
        ir: bool = False,
        autofocus: bool = True,
        running: bool = True,
    ) -> None:
        self.mxid = mxid
        self.name = name
        self.running = running
        self.ir: dict[str, float] | None = (
            {"flood_light": 0.0, "dot_projector": 0.0} if ir else None
        )
        self.streams: dict[str, SimStream] = {
            "CAM_A": SimStream("CAM_A", "color", active=True, control=default_control("color"))
        }
        if autofocus:
            self.streams["CAM_A"].focus = {
                "auto_focus_mode": "CONTINUOUS_VIDEO",
                "auto_focus_trigger": False,
                "lens_position": 0.5,
            }
        if stereo:
            for sensor in ("CAM_B", "CAM_C"):
                self.streams[sensor] = SimStream(
                    sensor, "mono", resolution="THE_400_P", control=default_control("mono")
                )
            self.streams["DEPTH_B_C"] = SimStream("DEPTH_B_C", "depth", resolution=[640, 400])
        self.temperature = 42.0

    def info(self) -> dict[str, Any]:
        """DeviceInfo, as `GET /cameras/` lists it."""
        return {
            "mxid": self.mxid,
            "name": "1.2" if self.running else "1.1",
            "camera_name": self.name,
            "platform": "X_LINK_MYRIAD_X",
            "protocol": "X_LINK_USB_VSC",
            "state": "X_LINK_BOOTED" if self.running else "X_LINK_UNBOOTED",
            "status": "X_LINK_SUCCESS",
        }

    def set_active(self, name: str, active: bool) -> None:
        """Switch a stream; depth and its sensors exclude each other, as on the server."""
        stream = self.streams[name]
        stream.active = active
        if not active:
            return
        for other in self.streams.values():
            if other is stream:
                continue
            if stream.kind == "depth" and other.name[-1] in name[-3::2]:
                other.active = False
            if other.kind == "depth" and name[-1] in other.name[-3::2]:
                other.active = False
