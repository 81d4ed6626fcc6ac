"""Models of the `/cameras/...` answers of a Robopipe controller, and the checks before writes.

The controller lists its OAK cameras (`GET /cameras/`, DepthAI `DeviceInfo`s keyed by mxid);
each camera has streams named after a sensor (`CAM_A`..`CAM_H`) or a stereo pair
(`DEPTH_B_C`), each with a config (resolution, fps), sensor controls (exposure, white balance,
...) and stills. A depth stream and its two mono sensors are never active together: the
controller switches the others off.

Facts from the real server that shape this module:
- `GET .../control` cannot read exposure time, ISO and manual white balance back: it answers
  placeholders. `SensorControl` keeps them, but callers must not trust them (`UNREADABLE`).
- Errors are FastAPI's: 404 `{"detail": "Camera not found"}` and 422 `HTTPValidationError`
  `{"detail": [{"loc": [...], "msg": ..., "type": ...}]}`; `parse_error` maps both.
- A stream config POST takes the whole config, so `OakClient.set_config` merges with the
  current one; the IR config POST resets a missing intensity to 0, so `set_ir` merges too.

Values are checked against the spec's ranges before any request (`ValueError`), so a bad value
never reaches the device.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final

from .. import safejson
from ..errors import CamHubError, DeviceError, ProtocolError

MXID_RE: Final = re.compile(r"[A-Z0-9]+")
STREAM_RE: Final = re.compile(r"CAM_([A-H])|DEPTH_([A-H])_([A-H])")

STATE_BOOTED: Final = "X_LINK_BOOTED"
"""`DeviceInfo.state` of a camera the controller runs; any other state is shut down."""

AWB_MODES: Final = (
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
AUTOFOCUS_MODES: Final = ("OFF", "AUTO", "MACRO", "CONTINUOUS_VIDEO", "CONTINUOUS_PICTURE", "EDOF")
COLOR_RESOLUTIONS: Final = (
    "THE_1080_P",
    "THE_1200_P",
    "THE_12_MP",
    "THE_1352X1012",
    "THE_13_MP",
    "THE_1440X1080",
    "THE_2024X1520",
    "THE_4000X3000",
    "THE_48_MP",
    "THE_4_K",
    "THE_5312X6000",
    "THE_5_MP",
    "THE_720_P",
    "THE_800_P",
)
MONO_RESOLUTIONS: Final = ("THE_1200_P", "THE_400_P", "THE_480_P", "THE_720_P", "THE_800_P")
STILL_FORMATS: Final = ("jpeg", "png")

INT_CONTROLS: Final[dict[str, tuple[int, int]]] = {
    "exposure_time": (1, 33000),
    "sensitivity_iso": (100, 5000),
    "auto_exposure_compensation": (-9, 9),
    "auto_exposure_limit": (1, 33000),
    "contrast": (-10, 10),
    "brightness": (-10, 10),
    "saturation": (-10, 10),
    "chroma_denoise": (0, 4),
    "luma_denoise": (0, 4),
    "manual_whitebalance": (1000, 12000),
}
"""Integer controls and their ranges (the spec's; the AE limit has none there, the exposure
time's is used, as it is the longest exposure a frame can have)."""
BOOL_CONTROLS: Final = ("auto_exposure_enable", "auto_exposure_lock", "auto_whitebalance_lock")
UNREADABLE: Final = frozenset({"exposure_time", "sensitivity_iso", "manual_whitebalance"})
"""Controls whose value `GET .../control` answers with a placeholder."""
COLOR_ONLY: Final = frozenset(
    {
        "saturation",
        "chroma_denoise",
        "auto_whitebalance_lock",
        "auto_whitebalance_mode",
        "manual_whitebalance",
    }
)
"""Controls a mono (grayscale) sensor does not have."""
FPS_RANGE: Final = (1.0, 60.0)
IR_RANGE: Final = (0.0, 1.0)


class StreamKind(StrEnum):
    """What a stream is, which decides its config schema and controls."""

    COLOR = "color"
    MONO = "mono"
    DEPTH = "depth"


class OakValidationError(DeviceError):
    """The controller refused a request with 422 (FastAPI's HTTPValidationError)."""

    translation_key = "oak_validation_error"

    def __init__(self, details: list[str]) -> None:
        """Keep every message the controller gave, `loc: msg` each."""
        self.details = details
        super().__init__(422, "; ".join(details))


class OakNotFoundError(DeviceError):
    """404: the camera or stream does not exist (any more) on the controller."""

    translation_key = "oak_not_found"

    def __init__(self, description: str) -> None:
        """Keep the controller's `detail`."""
        super().__init__(404, description)


def parse_error(status: int, body: bytes) -> CamHubError | None:
    """Map FastAPI's error bodies: a list `detail` (422) or a string one (404, 4xx).

    401 and 403 are left to the transport (AuthError, AccessDeniedError) whatever the body.
    """
    if status in (401, 403):
        return None
    try:
        detail = safejson.loads(body)["detail"]
    except (ProtocolError, KeyError, TypeError):
        return None
    if isinstance(detail, list):
        return OakValidationError([_validation_message(item) for item in detail])
    if status == 404:
        return OakNotFoundError(str(detail))
    return DeviceError(status, str(detail))


def _validation_message(item: Any) -> str:
    if not isinstance(item, Mapping):
        return str(item)
    loc = [str(part) for part in item.get("loc") or () if part not in ("body", "path", "query")]
    msg = str(item.get("msg", "invalid value"))
    return f"{'.'.join(loc)}: {msg}" if loc else msg


@dataclass(frozen=True, slots=True)
class CameraInfo:
    """One OAK camera as the controller lists it (`DeviceInfo`)."""

    mxid: str
    name: str
    camera_name: str
    platform: str
    protocol: str
    state: str
    status: str

    @property
    def running(self) -> bool:
        """Whether the controller runs the camera (booted); only then has it streams."""
        return self.state == STATE_BOOTED

    @classmethod
    def parse(cls, data: Any) -> CameraInfo:
        """From the JSON object; ProtocolError if it is not a DeviceInfo."""
        if not isinstance(data, Mapping) or not isinstance(data.get("mxid"), str):
            raise ProtocolError(f"not a camera: {data!r}"[:200])
        mxid = data["mxid"]
        if not MXID_RE.fullmatch(mxid):
            raise ProtocolError(f"invalid mxid {mxid!r}")
        return cls(
            mxid=mxid,
            name=str(data.get("name") or mxid),
            camera_name=str(data.get("camera_name") or "OAK"),
            platform=str(data.get("platform") or ""),
            protocol=str(data.get("protocol") or ""),
            state=str(data.get("state") or ""),
            status=str(data.get("status") or ""),
        )


def stream_kind(name: str, config: Mapping[str, Any] | None = None) -> StreamKind:
    """Depth by name; colour or mono by the config's shape (a colour config has crops)."""
    if name.startswith("DEPTH_"):
        return StreamKind.DEPTH
    if config is not None and "preview_size" not in config and "sensor_crop" not in config:
        return StreamKind.MONO
    return StreamKind.COLOR


def depth_sensors(name: str) -> tuple[str, str] | None:
    """`DEPTH_B_C` -> (`CAM_B`, `CAM_C`); None for a sensor stream."""
    match = STREAM_RE.fullmatch(name)
    if match is None or match.group(2) is None:
        return None
    return f"CAM_{match.group(2)}", f"CAM_{match.group(3)}"


@dataclass(frozen=True, slots=True)
class StreamConfig:
    """A stream's config; `resolution` is an enum name (colour, mono) or `WxH` (depth)."""

    kind: StreamKind
    resolution: str
    fps: float
    raw: Mapping[str, Any] = field(compare=False, hash=False)

    @property
    def resolutions(self) -> tuple[str, ...]:
        """The resolutions this sensor type accepts (none to choose for depth)."""
        if self.kind is StreamKind.COLOR:
            return COLOR_RESOLUTIONS
        if self.kind is StreamKind.MONO:
            return MONO_RESOLUTIONS
        return ()

    @classmethod
    def parse(cls, name: str, data: Any) -> StreamConfig:
        """From one of the spec's three config schemas."""
        if not isinstance(data, Mapping):
            raise ProtocolError(f"{name}: config is not an object")
        kind = stream_kind(name, data)
        resolution = data.get("resolution")
        if isinstance(resolution, list) and len(resolution) == 2:
            resolution = f"{resolution[0]}x{resolution[1]}"
        fps = data.get("fps")
        if not isinstance(resolution, str) or not isinstance(fps, int | float):
            raise ProtocolError(f"{name}: config without resolution or fps")
        return cls(kind, resolution, float(fps), dict(data))


@dataclass(frozen=True, slots=True)
class SensorFocus:
    """Focus of a sensor with a motorised lens."""

    auto_focus_mode: str
    lens_position: float


@dataclass(frozen=True, slots=True)
class SensorControl:
    """`GET .../control`. Values in `UNREADABLE` are the server's placeholders."""

    values: Mapping[str, int | bool | str]
    focus: SensorFocus | None

    def get(self, key: str) -> int | bool | str | None:
        """A control's value as the server reports it."""
        return self.values.get(key)

    @classmethod
    def parse(cls, data: Any) -> SensorControl:
        """Keep the known controls with the right types; anything else is ignored."""
        if not isinstance(data, Mapping):
            raise ProtocolError("control is not an object")
        values: dict[str, int | bool | str] = {}
        for key in INT_CONTROLS:
            value = data.get(key)
            if isinstance(value, int | float) and not isinstance(value, bool):
                values[key] = int(value)
        for key in BOOL_CONTROLS:
            if isinstance(data.get(key), bool):
                values[key] = data[key]
        mode = data.get("auto_whitebalance_mode")
        if isinstance(mode, str):
            values["auto_whitebalance_mode"] = mode
        focus = data.get("focus")
        parsed_focus = None
        if isinstance(focus, Mapping):
            lens = focus.get("lens_position", 0.0)
            parsed_focus = SensorFocus(
                auto_focus_mode=str(focus.get("auto_focus_mode", "CONTINUOUS_VIDEO")),
                lens_position=float(lens) if isinstance(lens, int | float) else 0.0,
            )
        return cls(values, parsed_focus)


@dataclass(frozen=True, slots=True)
class IRConfig:
    """Intensities (0..1) of the IR flood light and the dot projector."""

    flood_light: float
    dot_projector: float

    @classmethod
    def parse(cls, data: Any) -> IRConfig | None:
        """None where the camera has no IR (the server answers null)."""
        if data is None:
            return None
        if not isinstance(data, Mapping):
            raise ProtocolError("IR config is not an object")
        return cls(_float(data, "flood_light"), _float(data, "dot_projector"))


@dataclass(frozen=True, slots=True)
class MemoryInfo:
    """Bytes of one memory of the chip."""

    total: int
    used: int
    remaining: int


@dataclass(frozen=True, slots=True)
class CameraStats:
    """`GET /cameras/{mxid}/stats`: chip temperatures (°C) and memory use."""

    temperatures: Mapping[str, float]
    cmx: MemoryInfo
    ddr: MemoryInfo

    @classmethod
    def parse(cls, data: Any) -> CameraStats:
        """From the spec's CameraStats."""
        if not isinstance(data, Mapping):
            raise ProtocolError("stats is not an object")
        temps = data.get("chip_temperature")
        if not isinstance(temps, Mapping):
            raise ProtocolError("stats without chip_temperature")
        return cls(
            temperatures={k: float(v) for k, v in temps.items() if isinstance(v, int | float)},
            cmx=_memory(data.get("cmx_memory_usage")),
            ddr=_memory(data.get("ddr_memory_usage")),
        )


def _float(data: Mapping[str, Any], key: str) -> float:
    value = data.get(key, 0.0)
    if not isinstance(value, int | float):
        raise ProtocolError(f"{key} is not a number")
    return float(value)


def _memory(data: Any) -> MemoryInfo:
    if not isinstance(data, Mapping):
        raise ProtocolError("memory info is not an object")
    try:
        return MemoryInfo(int(data["total"]), int(data["used"]), int(data["remaining"]))
    except (KeyError, TypeError, ValueError) as err:
        raise ProtocolError(f"invalid memory info: {err}") from err


def parse_streams(data: Any) -> dict[str, bool]:
    """Streams and whether each is active.

    The controller answers `{"CAM_A": {"active": true}, ...}`; the docs also describe a list
    of `{"name": ..., "active": ...}`: both are read.
    """
    items: list[tuple[Any, Any]]
    if isinstance(data, Mapping):
        items = [(k, v.get("active") if isinstance(v, Mapping) else v) for k, v in data.items()]
    elif isinstance(data, list):
        items = [(i.get("name"), i.get("active")) for i in data if isinstance(i, Mapping)]
    else:
        raise ProtocolError("streams is neither an object nor a list")
    return {
        str(name): bool(active)
        for name, active in items
        if isinstance(name, str) and STREAM_RE.fullmatch(name)
    }


def check_control(kind: StreamKind, control: SensorControl | None, key: str, value: Any) -> None:
    """Refuse (ValueError) a control the stream lacks or a value outside the spec's range."""
    if kind is StreamKind.DEPTH or control is None:
        raise ValueError("this stream has no sensor controls")
    if key in COLOR_ONLY and kind is StreamKind.MONO:
        raise ValueError(f"{key} is not supported by a mono sensor")
    if key in INT_CONTROLS:
        low, high = INT_CONTROLS[key]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"{key} must be a number")
        if value != int(value) or not low <= value <= high:
            raise ValueError(f"{key} must be a whole number from {low} to {high}")
    elif key in BOOL_CONTROLS:
        if not isinstance(value, bool):
            raise ValueError(f"{key} must be true or false")
    elif key == "auto_whitebalance_mode":
        if value not in AWB_MODES:
            raise ValueError(f"white balance mode must be one of {', '.join(AWB_MODES)}")
    elif key == "lens_position":
        if control.focus is None:
            raise ValueError("this sensor has a fixed focus")
        check_unit(key, value)
    else:
        raise ValueError(f"unknown control {key}")


def check_config(config: StreamConfig, resolution: str | None, fps: float | None) -> None:
    """Refuse a resolution the sensor type does not accept, or an fps out of range."""
    if resolution is not None and resolution not in config.resolutions:
        raise ValueError(f"resolution {resolution} is not available for a {config.kind} stream")
    if fps is not None and not FPS_RANGE[0] <= fps <= FPS_RANGE[1]:
        raise ValueError(f"fps must be from {FPS_RANGE[0]:g} to {FPS_RANGE[1]:g}")


def check_unit(key: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{key} must be a number")
    if not IR_RANGE[0] <= value <= IR_RANGE[1]:
        raise ValueError(f"{key} must be from 0 to 1")


def check_stream_name(stream: str) -> None:
    """Refuse a name that is not `CAM_X` or `DEPTH_X_Y`."""
    if not STREAM_RE.fullmatch(stream):
        raise ValueError(f"invalid stream name {stream!r}")
