"""A simulated Sony camera's shooting settings, and the property and motor requests on them.

Modelled on the server's spec (camera-remote-alpha-openapi.yaml, `getProperty` and
`PropertyName`): each property has a hex value, a formatted label, `writable` and
`available_values`, and all three move with other settings, the way a body behaves:

- the exposure program gates writability: aperture only in A / M, shutter speed only in S /
  M, exposure compensation in P / A / S (and M with ISO AUTO); in Intelligent Auto ISO,
  white balance and exposure compensation are the camera's (ISO AUTO only);
- the lens bounds the apertures (an f/4 lens offers no f/2.8) and a power zoom lens adds
  `zoom-distance` and the zoom motor;
- the Tracking focus areas exist only in continuous AF (AF-C); leaving AF-C moves a
  Tracking area back to its plain one;
- with priority key `camera-position` nothing is writable and no values are offered.

`answer_property`, `put_property`, `zoom` and `focus_near_far` are the request logic the
server (`liveview.py`) routes here; refusals raise `CameraRefused` (`{success: false}`).

Hex values follow the SDK's encodings (shutter `0x1007d` = 1/125, aperture f x 100, ISO as
the number, ISO AUTO `0xffffff`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Options = list[tuple[int, str]]


class CameraRefused(Exception):
    """A request the server refuses with `{success: false, message}`."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


PROGRAMS: Options = [
    (0x1, "Manual"),
    (0x2, "Program Auto"),
    (0x3, "Aperture Priority"),
    (0x4, "Shutter Priority"),
    (0x8000, "Intelligent Auto"),
]
MANUAL, PROGRAM, APERTURE, SHUTTER, AUTO = 0x1, 0x2, 0x3, 0x4, 0x8000
ISO_AUTO = 0xFFFFFF
_ISOS = (100, 125, 160, 200, 250, 320, 400, 500, 640, 800, 1000, 1250, 1600, 3200, 6400, 12800)
_STOPS = (1.4, 1.8, 2.0, 2.8, 3.5, 4.0, 4.5, 5.0, 5.6, 6.3, 7.1, 8.0, 11.0, 16.0, 22.0)
_SHUTTERS: tuple[tuple[int, int], ...] = (
    (30, 1),
    (4, 1),
    (1, 1),
    (1, 4),
    (1, 15),
    (1, 30),
    (1, 60),
    (1, 125),
    (1, 250),
)
_SHUTTERS += ((1, 500), (1, 1000), (1, 2000), (1, 4000), (1, 8000))
WHITE_BALANCES: Options = [
    (0x0, "Auto"),
    (0x11, "Daylight"),
    (0x12, "Shade"),
    (0x13, "Cloudy"),
    (0x14, "Incandescent"),
    (0x30, "Flash"),
    (0x100, "Color Temperature"),
    (0x101, "Custom"),
    (0x102, "Custom"),  # two bodies' custom slots share a label, as real ones do
]
MF, AF_S, AF_C, AF_A, DMF = 0x1, 0x2, 0x3, 0x4, 0x6
FOCUS_MODES: Options = [(AF_S, "AF-S"), (AF_C, "AF-C"), (AF_A, "AF-A"), (DMF, "DMF"), (MF, "MF")]
_AREAS: Options = [(0x1, "Wide"), (0x2, "Zone"), (0x3, "Center Fix"), (0x4, "Spot: S")]
_AREAS += [(0x7, "Expand Flexible Spot")]
TRACKING = 0x10  # a Tracking area is its plain area + 0x10 (0x17: Tracking Expand Flexible Spot)
DRIVE_MODES: Options = [
    (0x1, "Single Shooting"),
    (0x10002, "Continuous Shooting: Hi"),
    (0x10005, "Continuous Shooting: Mid"),
    (0x10006, "Continuous Shooting: Lo"),
    (0x30003, "Self-timer: 10s"),
    (0x30001, "Self-timer: 2s"),
]
ZOOM_RATE = 0.05  # of the zoom range per second and unit of speed
FOCUS_RANGE = 10000


@dataclass(frozen=True)
class Lens:
    """The mounted lens: its aperture range and, for a power zoom, its focal range."""

    name: str
    widest: float
    narrowest: float = 22.0
    power_zoom: bool = False
    focal: tuple[int, int] = (24, 70)


KIT_LENS = Lens("FE 24-70mm F2.8 GM II", 2.8)
POWER_ZOOM_LENS = Lens("FE PZ 16-35mm F4 G", 4.0, power_zoom=True, focal=(16, 35))


@dataclass(frozen=True)
class SimProperty:
    """A property as the camera reports it now."""

    name: str
    value: int
    formatted: str
    writable: bool
    options: Options

    def find(self, text: str) -> int | None:
        """A written value: hex (from available_values), a label or a decimal string."""
        for value, label in self.options:
            if text.strip().lower() in (label.lower(), f"{value:#x}", str(value)):
                return value
        return None


def _ev(thirds: int) -> str:
    return "0.0" if thirds == 0 else f"{thirds / 3:+.1f}"


def _shutter(num: int, den: int) -> str:
    return f'{num}"' if den == 1 else f"{num}/{den}"


def _fixed(options: Options, value: int) -> str:
    return dict(options).get(value, f"{value:#x}")


@dataclass
class SimSettings:
    """One camera's settings; tests change fields (the lens, the program) as a user would."""

    lens: Lens = KIT_LENS
    program: int = PROGRAM
    iso: int = ISO_AUTO
    aperture: int = 400  # f/4.0
    shutter: int = (1 << 16) | 125
    ev_thirds: int = 0
    white_balance: int = 0x0
    focus_mode: int = AF_S
    focus_area: int = 0x1
    drive_mode: int = 0x1
    zoom: float = 0.0  # 0 wide .. 1 tele
    focus_position: int = FOCUS_RANGE // 2
    zoom_speed: int = 0
    zoom_since: float = field(default_factory=time.monotonic)

    # --- what the camera offers now ---------------------------------------------------------

    def _options(self, name: str) -> Options:
        auto = self.program == AUTO
        if name == "iso":
            isos = [] if auto else [(iso, f"ISO {iso}") for iso in _ISOS]
            return [(ISO_AUTO, "ISO AUTO"), *isos]
        if name == "aperture":
            stops = [f for f in _STOPS if self.lens.widest <= f <= self.lens.narrowest]
            return [(round(f * 100), f"f/{f:g}") for f in stops]
        if name == "exposure-compensation":
            return [(t & 0xFFFF, _ev(t)) for t in range(-9, 10)] if not auto else [(0, "0.0")]
        if name == "white-balance":
            return WHITE_BALANCES[:1] if auto else WHITE_BALANCES
        if name == "focus-area":
            tracking = [(v + TRACKING, f"Tracking: {t}") for v, t in _AREAS]
            return _AREAS + tracking if self.focus_mode == AF_C else list(_AREAS)
        return _FIXED[name]

    def _writable(self, name: str) -> bool:
        program = self.program
        if name == "aperture":
            return program in (APERTURE, MANUAL)
        if name == "shutter-speed":
            return program in (SHUTTER, MANUAL)
        if name == "exposure-compensation":
            return program in (PROGRAM, APERTURE, SHUTTER) or (
                program == MANUAL and self.iso == ISO_AUTO
            )
        if name in ("iso", "white-balance"):
            return program != AUTO
        if name == "focus-area":
            return self.focus_mode != MF
        return True

    def _value(self, name: str) -> int:
        if name == "exposure-compensation":
            return self.ev_thirds & 0xFFFF
        return int(getattr(self, _FIELDS[name]))

    def properties(self, pc_remote: bool) -> dict[str, SimProperty]:
        """Every shooting property now; `camera-position` holds writes and values back."""
        found: dict[str, SimProperty] = {}
        for name in _FIELDS:
            options = self._options(name)
            value = self._value(name)
            writable = pc_remote and self._writable(name)
            label = _fixed(options, value) if name != "aperture" else f"f/{value / 100:g}"
            found[name] = SimProperty(name, value, label, writable, options if writable else [])
        if self.lens.power_zoom:
            wide, tele = self.lens.focal
            position = self.zoom_position()
            mm = round(wide + (tele - wide) * position)
            found["zoom-distance"] = SimProperty(
                "zoom-distance", round(position * 1000), f"{mm}mm", False, []
            )
        found["focus-position-current"] = SimProperty(
            "focus-position-current", self.focus_position, str(self.focus_position), False, []
        )
        return found

    # --- changes ----------------------------------------------------------------------------

    def write(self, name: str, value: int) -> None:
        """Apply a checked value, then let dependent settings follow."""
        if name == "exposure-compensation":
            self.ev_thirds = value - 0x10000 if value & 0x8000 else value
        else:
            setattr(self, _FIELDS[name], value)
        self.settle()

    def settle(self) -> None:
        """Values no longer offered move to one that is (program, lens, focus mode changes)."""
        if self.program == AUTO:
            self.iso, self.ev_thirds, self.white_balance = ISO_AUTO, 0, 0x0
        apertures = [v for v, _ in self._options("aperture")]
        if self.aperture not in apertures:
            self.aperture = min(apertures, key=lambda v: abs(v - self.aperture))
        if self.focus_area not in dict(self._options("focus-area")):
            self.focus_area &= ~TRACKING

    def zoom_position(self) -> float:
        """Where the zoom is now (it moves while a speed is set)."""
        moved = self.zoom_speed * ZOOM_RATE * (time.monotonic() - self.zoom_since)
        return min(1.0, max(0.0, self.zoom + moved))

    def set_zoom_speed(self, speed: int) -> None:
        """Start, change or stop (0) the zoom motor."""
        self.zoom = self.zoom_position()
        self.zoom_speed, self.zoom_since = speed, time.monotonic()

    def focus_step(self, step: int) -> None:
        """One focus near/far command: magnitude is speed, so a larger step moves further."""
        self.focus_position = min(FOCUS_RANGE, max(0, self.focus_position + step * 100))


_FIXED: dict[str, Options] = {
    "exposure-program-mode": PROGRAMS,
    "shutter-speed": [((n << 16) | d, _shutter(n, d)) for n, d in _SHUTTERS],
    "focus-mode": FOCUS_MODES,
    "drive-mode": DRIVE_MODES,
}
"""Value lists that depend on nothing else."""

_FIELDS = {
    "exposure-program-mode": "program",
    "iso": "iso",
    "aperture": "aperture",
    "shutter-speed": "shutter",
    "exposure-compensation": "ev_thirds",
    "white-balance": "white_balance",
    "focus-mode": "focus_mode",
    "focus-area": "focus_area",
    "drive-mode": "drive_mode",
}


def single_json(prop: SimProperty, flag: Callable[[bool], bool | str]) -> dict[str, Any]:
    """A single GET's `data`: `value` / `formatted`, `writable` as the server formats flags."""
    return {
        "property": prop.name,
        "value": f"{prop.value:#x}",
        "formatted": prop.formatted,
        "writable": flag(prop.writable),
        "available_values": [{"value": f"{v:#x}", "formatted": t} for v, t in prop.options],
    }


def bulk_json(props: dict[str, SimProperty]) -> dict[str, Any]:
    """`properties/all`'s `data`: the other shape (current_*, real booleans, numeric values)."""
    entries = {
        prop.name: {
            "current_value": prop.value,
            "current_hex_value": f"{prop.value:#x}",
            "current_formatted": prop.formatted,
            "writable": prop.writable,
            "available_values": [
                {"value": v, "hex_value": f"{v:#x}", "formatted": t} for v, t in prop.options
            ],
        }
        for prop in props.values()
    }
    return {"properties": entries, "total_properties": len(entries) + 3}  # SDK duplicates


Flag = Callable[[bool], bool | str]


def camera_properties(
    settings: SimSettings, pc_remote: bool, recording: bool | None
) -> dict[str, SimProperty]:
    """Every property: the settings and, on a body that records movies, `recording-state`."""
    props = settings.properties(pc_remote)
    if recording is not None:
        label = "Recording" if recording else "Not Recording"
        props["recording-state"] = SimProperty("recording-state", int(recording), label, False, [])
    return props


def changed_codes(before: dict[str, SimProperty], after: dict[str, SimProperty]) -> list[str]:
    """The properties whose value, writability or value list moved: a `propertyChanged`."""
    return [name for name, prop in after.items() if before.get(name) != prop]


def answer_property(props: dict[str, SimProperty], name: str, flag: Flag) -> dict[str, Any]:
    """GET `properties/all` or `properties/{name}`: the answer's `data`."""
    if name == "all":
        return bulk_json(props)
    if name not in props:
        raise CameraRefused(f"Property '{name}' is not available on this camera")
    return single_json(props[name], flag)


def put_property(
    props: dict[str, SimProperty], settings: SimSettings, name: str, body: dict[str, Any]
) -> None:
    """PUT `properties/{name}`: checked against writability and the values offered now."""
    value = body.get("value")
    if not isinstance(value, str) or not value:
        raise CameraRefused("Missing 'value' in request body")
    prop = props.get(name)
    if prop is None:
        raise CameraRefused(f"Unknown property: {name}")
    if not prop.writable:
        raise CameraRefused(f"Property '{name}' is not writable in the camera's current state")
    chosen = prop.find(value)
    if chosen is None:
        raise CameraRefused(f"Value '{value}' is not available for '{name}'")
    settings.write(name, chosen)


def zoom(settings: SimSettings, body: dict[str, Any]) -> None:
    """POST `actions/zoom`: `{speed: -10..10}` or `{direction: in|out, speed: normal|fast}`."""
    if not settings.lens.power_zoom:
        raise CameraRefused("Zoom requires a power zoom lens")
    speed, direction = body.get("speed"), body.get("direction")
    if direction in ("in", "out") and speed in ("normal", "fast"):
        speed = (3 if speed == "normal" else 8) * (1 if direction == "in" else -1)
    if isinstance(speed, bool) or not isinstance(speed, int) or not -10 <= speed <= 10:
        raise CameraRefused("Invalid zoom request: speed must be -10..10")
    settings.set_zoom_speed(speed)


def focus_near_far(settings: SimSettings, body: dict[str, Any]) -> None:
    """POST `actions/focus-near-far`: `{step: -7..-1 | 1..7}`; needs MF or DMF, as a body."""
    step = body.get("step")
    if isinstance(step, bool) or not isinstance(step, int) or step == 0 or abs(step) > 7:
        raise CameraRefused("Invalid step value (must be -7..-1 or +1..+7)")
    if settings.focus_mode not in (MF, DMF):
        raise CameraRefused("Focus near/far needs focus mode MF or DMF")
    settings.focus_step(step)
