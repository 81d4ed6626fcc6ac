"""The Robopipe controller's own I/O (`/controller/...`): inputs, outputs and LEDs.

The spec types five circuit kinds (`/controller/di|do|ai|ao|led`, a list each and
`/{circuit}` to read or set one); the generic `/controller/` and `/controller/{device_type}`
answer an untyped schema (`{}`), so CamHub reads the typed lists only. A circuit is named by
`circuit` (e.g. `1_01`), unique within its kind; `dev` says which board part serves it.

What the schemas say and this module keeps to:
- Digital inputs, outputs and LEDs have an integer `value` that is 0 or 1 (the LED's range;
  a digital output in PWM mode has `pwm_duty` 0..100 instead).
- `DigitalOutputUpdate` requires `value`, `pwm_freq` and `pwm_duty` together, `pwm_duty`
  "mutually exclusive with value": switching writes `pwm_duty` 0 and keeps `pwm_freq`.
- Analog circuits carry `modes`, a map from their mode (`Voltage`, `Current`, ...) to
  `{value, unit, range: [low, high]}`; `mode` (default `Voltage`) says which one applies, so
  an analog value's unit and an output's range come from the current mode.
- `AnalogOutputUpdate.mode` defaults to `Voltage`: a write sends the current mode, so that
  setting a value never switches a current output to voltage.

A server without a controller (a Robopipe server on a PC) answers 404: `read` gives None.
Anything else that does not follow the schemas is a `ProtocolError`.
"""

from __future__ import annotations

import asyncio
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final, Protocol

from ..errors import DeviceError, ProtocolError

if TYPE_CHECKING:
    from ..transport import Transport

CIRCUIT_RE: Final = re.compile(r"[A-Za-z0-9_.-]{1,32}")
"""What CamHub accepts as a circuit name: it goes into a path and into unique ids."""
MAX_CIRCUITS: Final = 128
"""More circuits of one kind than any controller has: a list longer than this is refused."""
DI_MODES: Final = ("Simple", "DirectSwitch")
DI_COUNTER_MODES: Final = ("Enabled", "Disabled")
DO_MODES: Final = ("Simple", "PWM")
AI_MODES: Final = ("Disabled", "Voltage", "Voltage2V5", "Current", "Resistance3W", "Resistance2W")
AO_MODES: Final = ("Voltage", "Current", "Resistance")
DEFAULT_ANALOG_MODE: Final = "Voltage"


class IOKind(StrEnum):
    """The typed circuit kinds of the spec; the value is the path segment."""

    DI = "di"
    DO = "do"
    AI = "ai"
    AO = "ao"
    LED = "led"


@dataclass(frozen=True, slots=True)
class DigitalInput:
    """`DigitalInput`: an input's level and its pulse counter."""

    dev: str
    circuit: str
    value: bool
    counter: int
    mode: str
    counter_mode: str
    debounce: int


@dataclass(frozen=True, slots=True)
class DigitalOutput:
    """`DigitalOutput`: on/off in `Simple` mode, a duty cycle in `PWM` mode."""

    dev: str
    circuit: str
    value: bool
    mode: str
    pwm_freq: float
    pwm_duty: int
    modes: tuple[str, ...]

    @property
    def is_on(self) -> bool:
        """On: the level in Simple mode, a duty above 0 in PWM mode."""
        return self.pwm_duty > 0 if self.mode == "PWM" else self.value


@dataclass(frozen=True, slots=True)
class Led:
    """`Led`: one of the controller's LEDs."""

    dev: str
    circuit: str
    value: bool


@dataclass(frozen=True, slots=True)
class AnalogMode:
    """`AnalogInputMode` / `AnalogOutputMode`: the value, unit and range in one mode."""

    value: float
    unit: str
    low: float
    high: float


@dataclass(frozen=True, slots=True)
class AnalogInput:
    """`AnalogInput`: the reading of the current mode; none while `Disabled`."""

    dev: str
    circuit: str
    mode: str
    modes: Mapping[str, AnalogMode]

    @property
    def reading(self) -> AnalogMode | None:
        """Value, unit and range of the current mode (None when disabled)."""
        return self.modes.get(self.mode)


@dataclass(frozen=True, slots=True)
class AnalogOutput:
    """`AnalogOutput`: its value, in the unit and range of the current mode."""

    dev: str
    circuit: str
    value: float
    mode: str
    modes: Mapping[str, AnalogMode]

    @property
    def scale(self) -> AnalogMode:
        """Unit and range of the current mode (the parser made sure it is there)."""
        return self.modes[self.mode]


@dataclass(frozen=True, slots=True)
class ControllerIO:
    """Every circuit of the controller, by kind and circuit name."""

    digital_inputs: Mapping[str, DigitalInput] = field(default_factory=dict)
    digital_outputs: Mapping[str, DigitalOutput] = field(default_factory=dict)
    analog_inputs: Mapping[str, AnalogInput] = field(default_factory=dict)
    analog_outputs: Mapping[str, AnalogOutput] = field(default_factory=dict)
    leds: Mapping[str, Led] = field(default_factory=dict)

    def settings(self) -> ControllerIO:
        """Without the analog readings (they wander): what a poll compares to back off."""
        return replace(self, analog_inputs={})


# --- field readers: the schema's type or ProtocolError ----------------------------------------


def _object(data: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise ProtocolError(f"{what} is not an object")
    return data


def _str(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        raise ProtocolError(f"{key} is missing or not a string")
    return value


def _int(data: Mapping[str, Any], key: str, default: int | None = None) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProtocolError(f"{key} is missing or not an integer")
    return int(value)


def _number(value: Any, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ProtocolError(f"{key} is missing or not a finite number")
    return float(value)


def _bit(data: Mapping[str, Any], key: str) -> bool:
    value = _int(data, key)
    if value not in (0, 1):
        raise ProtocolError(f"{key} is {value}, not 0 or 1")
    return value == 1


def _enum(data: Mapping[str, Any], key: str, allowed: tuple[str, ...], default: str | None) -> str:
    value = data.get(key, default)
    if value not in allowed:
        raise ProtocolError(f"{key} {value!r} is not one of {', '.join(allowed)}")
    return str(value)


def _circuit(data: Mapping[str, Any]) -> tuple[str, str]:
    circuit = _str(data, "circuit")
    if not CIRCUIT_RE.fullmatch(circuit):
        raise ProtocolError(f"invalid circuit name {circuit!r}"[:80])
    return _str(data, "dev"), circuit


def _analog_modes(data: Mapping[str, Any], allowed: tuple[str, ...]) -> dict[str, AnalogMode]:
    modes = _object(data.get("modes"), "modes")
    parsed: dict[str, AnalogMode] = {}
    for name, item in modes.items():
        if name not in allowed:
            raise ProtocolError(f"unknown analog mode {name!r}"[:80])
        mode = _object(item, f"mode {name}")
        bounds = mode.get("range")
        if not isinstance(bounds, list) or len(bounds) != 2:
            raise ProtocolError(f"mode {name}: range is not [low, high]")
        low, high = (_number(bound, "range") for bound in bounds)
        if low > high:
            raise ProtocolError(f"mode {name}: range {low}..{high} is empty")
        value = _number(mode.get("value"), "value")
        parsed[name] = AnalogMode(value, _str(mode, "unit"), low, high)
    return parsed


# --- one parser per schema --------------------------------------------------------------------


def parse_digital_input(data: Any) -> DigitalInput:
    """`DigitalInput`: every required field, `value` 0 or 1."""
    item = _object(data, "digital input")
    dev, circuit = _circuit(item)
    for key in ("modes", "counter_modes"):
        if not isinstance(item.get(key), list):
            raise ProtocolError(f"{key} is missing or not a list")
    return DigitalInput(
        dev=dev,
        circuit=circuit,
        value=_bit(item, "value"),
        counter=_int(item, "counter"),
        mode=_enum(item, "mode", DI_MODES, None),
        counter_mode=_enum(item, "counter_mode", DI_COUNTER_MODES, None),
        debounce=_int(item, "debounce", 50),
    )


def parse_digital_output(data: Any) -> DigitalOutput:
    """`DigitalOutput`: every required field, `value` 0 or 1, `pwm_duty` 0..100."""
    item = _object(data, "digital output")
    dev, circuit = _circuit(item)
    modes = item.get("modes")
    if not isinstance(modes, list) or any(mode not in DO_MODES for mode in modes):
        raise ProtocolError("modes is missing or lists an unknown mode")
    duty = _int(item, "pwm_duty")
    if not 0 <= duty <= 100:
        raise ProtocolError(f"pwm_duty {duty} is not 0..100")
    return DigitalOutput(
        dev=dev,
        circuit=circuit,
        value=_bit(item, "value"),
        mode=_enum(item, "mode", DO_MODES, None),
        pwm_freq=_number(item.get("pwm_freq"), "pwm_freq"),
        pwm_duty=duty,
        modes=tuple(modes),
    )


def parse_led(data: Any) -> Led:
    """`Led`: `value` 0 or 1."""
    item = _object(data, "LED")
    dev, circuit = _circuit(item)
    return Led(dev, circuit, _bit(item, "value"))


def parse_analog_input(data: Any) -> AnalogInput:
    """`AnalogInput`: a mode that is `Disabled` or one of its `modes`."""
    item = _object(data, "analog input")
    dev, circuit = _circuit(item)
    modes = _analog_modes(item, AI_MODES)
    mode = _enum(item, "mode", AI_MODES, DEFAULT_ANALOG_MODE)
    if mode != "Disabled" and mode not in modes:
        raise ProtocolError(f"analog input mode {mode} has no entry in modes")
    return AnalogInput(dev, circuit, mode, modes)


def parse_analog_output(data: Any) -> AnalogOutput:
    """`AnalogOutput`: a value and a mode that is one of its `modes`."""
    item = _object(data, "analog output")
    dev, circuit = _circuit(item)
    modes = _analog_modes(item, AO_MODES)
    mode = _enum(item, "mode", AO_MODES, DEFAULT_ANALOG_MODE)
    if mode not in modes:
        raise ProtocolError(f"analog output mode {mode} has no entry in modes")
    return AnalogOutput(dev, circuit, _number(item.get("value"), "value"), mode, modes)


class _Circuit(Protocol):
    """What every circuit model has: its name."""

    @property
    def circuit(self) -> str:
        """The circuit's name, unique within its kind."""
        ...


def parse_circuits[T: _Circuit](data: Any, parse: Callable[[Any], T]) -> dict[str, T]:
    """A list answer, by circuit name; duplicates and absurd lengths are refused."""
    if not isinstance(data, list):
        raise ProtocolError("circuit list is not a list")
    if len(data) > MAX_CIRCUITS:
        raise ProtocolError(f"{len(data)} circuits of one kind exceed {MAX_CIRCUITS}")
    circuits: dict[str, T] = {}
    for item in data:
        parsed = parse(item)
        name = parsed.circuit
        if name in circuits:
            raise ProtocolError(f"circuit {name} listed twice")
        circuits[name] = parsed
    return circuits


def check_circuit(circuit: str) -> None:
    """Refuse (ValueError) a circuit name that could not have come from the controller."""
    if not CIRCUIT_RE.fullmatch(circuit):
        raise ValueError(f"invalid circuit {circuit!r}")


def check_analog_value(output: AnalogOutput, value: float) -> None:
    """Refuse a value outside the output's range in its current mode."""
    scale = output.scale
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("the value must be a number")
    if not scale.low <= value <= scale.high:
        raise ValueError(f"the value must be from {scale.low:g} to {scale.high:g} {scale.unit}")


class ControllerClient:
    """`/controller/...` over the controller's transport (shared with `OakClient`)."""

    def __init__(self, transport: Transport) -> None:
        """The same transport (and error parser) as the cameras' part."""
        self.transport = transport

    async def circuits[T: _Circuit](self, kind: IOKind, parse: Callable[[Any], T]) -> dict[str, T]:
        """`GET /controller/<kind>`: every circuit of one kind, parsed by its schema."""
        return parse_circuits(await self.transport.get_json(f"/controller/{kind}"), parse)

    async def read(self) -> ControllerIO | None:
        """Every typed circuit list; None where the server has no controller (all 404).

        A kind that alone answers 404 is a kind this controller lacks: it has no circuits.
        """
        di, do, ai, ao, led = await asyncio.gather(
            self._maybe(IOKind.DI, parse_digital_input),
            self._maybe(IOKind.DO, parse_digital_output),
            self._maybe(IOKind.AI, parse_analog_input),
            self._maybe(IOKind.AO, parse_analog_output),
            self._maybe(IOKind.LED, parse_led),
        )
        if di is None and do is None and ai is None and ao is None and led is None:
            return None
        return ControllerIO(
            digital_inputs=di or {},
            digital_outputs=do or {},
            analog_inputs=ai or {},
            analog_outputs=ao or {},
            leds=led or {},
        )

    async def _maybe[T: _Circuit](
        self, kind: IOKind, parse: Callable[[Any], T]
    ) -> dict[str, T] | None:
        """A kind's circuits, or None where the controller answers 404 for the kind."""
        try:
            return await self.circuits(kind, parse)
        except DeviceError as err:
            if err.code == 404:
                return None
            raise

    async def set_digital_output(self, current: DigitalOutput, on: bool) -> DigitalOutput:
        """Switch an output on or off (Simple mode: `pwm_duty` 0, `pwm_freq` kept)."""
        check_circuit(current.circuit)
        body = {"value": int(on), "pwm_freq": current.pwm_freq, "pwm_duty": 0}
        return parse_digital_output(await self._post(IOKind.DO, current.circuit, body))

    async def set_led(self, circuit: str, on: bool) -> Led:
        """Switch an LED on or off."""
        check_circuit(circuit)
        return parse_led(await self._post(IOKind.LED, circuit, {"value": int(on)}))

    async def set_analog_output(self, current: AnalogOutput, value: float) -> AnalogOutput:
        """Set an output's value in its current mode (sent along: the default is Voltage)."""
        check_circuit(current.circuit)
        check_analog_value(current, value)
        body = {"value": value, "mode": current.mode}
        return parse_analog_output(await self._post(IOKind.AO, current.circuit, body))

    async def _post(self, kind: IOKind, circuit: str, body: Mapping[str, Any]) -> Any:
        reply = await self.transport.request(
            "POST", f"/controller/{kind}/{circuit}", json_body=dict(body)
        )
        return reply.json()
