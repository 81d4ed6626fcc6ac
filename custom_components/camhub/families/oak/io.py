"""The Robopipe controller's own I/O as entities, on the controller's device.

Digital inputs are binary sensors, digital outputs and LEDs switches, analog inputs sensors
and analog outputs numbers, one per circuit the controller lists (`circuit` is the item and
the key's suffix, e.g. `digital_output_1_01`). They belong to the *Robopipe controller*
device: the `/controller/...` API is that same box's I/O (the server runs on it), and the
spec gives it no identity of its own (`/controller/device_info` has an untyped schema), so a
second device would only repeat the first.

Units and ranges are the controller's: an analog circuit reports them per mode, so a sensor's
unit (and device class) and a number's range follow the mode it is in.

`IOReader` reads the I/O on every poll of the cameras (Robopipe has no event channel). A
server without controller I/O (404) has none of these entities and logs only at debug; a
read that fails leaves the cameras alone: the I/O entities turn unavailable, with one warning
when it starts and one line when it ends.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Final

from homeassistant.components.number import NumberMode
from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.const import UnitOfElectricCurrent, UnitOfElectricPotential

from ...api.errors import CamHubError
from ...api.oak import AnalogMode, AnalogOutput, ControllerClient, ControllerIO, DigitalOutput
from ...descriptions import (
    CamHubBinarySensorDescription,
    CamHubDescription,
    CamHubNumberDescription,
    CamHubSensorDescription,
    CamHubSwitchDescription,
    PlacedEntity,
    place,
)
from .models import OakState

if TYPE_CHECKING:
    from .host import OakHost

_LOGGER = logging.getLogger(__name__)

type Switch = CamHubSwitchDescription[OakState, OakHost]
type Number = CamHubNumberDescription[OakState, OakHost]

UNITS: Final[dict[str, tuple[str, SensorDeviceClass | None]]] = {
    "V": (UnitOfElectricPotential.VOLT, SensorDeviceClass.VOLTAGE),
    "mV": (UnitOfElectricPotential.MILLIVOLT, SensorDeviceClass.VOLTAGE),
    "mA": (UnitOfElectricCurrent.MILLIAMPERE, SensorDeviceClass.CURRENT),
    "A": (UnitOfElectricCurrent.AMPERE, SensorDeviceClass.CURRENT),
    "Ohm": ("Ω", None),
}
"""The controller's unit names as Home Assistant's units; any other unit is shown as sent."""


def _unit(scale: AnalogMode | None) -> str | None:
    if scale is None:
        return None
    return UNITS.get(scale.unit, (scale.unit, None))[0]


def _device_class(scale: AnalogMode | None) -> SensorDeviceClass | None:
    return UNITS.get(scale.unit, ("", None))[1] if scale is not None else None


def _io(state: OakState) -> ControllerIO:
    return state.io if state.io is not None else ControllerIO()


def _input_scale(state: OakState, circuit: str) -> AnalogMode | None:
    analog = _io(state).analog_inputs.get(circuit)
    return analog.reading if analog is not None else None


def _output(state: OakState, circuit: str) -> AnalogOutput | None:
    return _io(state).analog_outputs.get(circuit)


def _digital_output(state: OakState, circuit: str) -> DigitalOutput | None:
    return _io(state).digital_outputs.get(circuit)


DIGITAL_INPUT: Final = CamHubBinarySensorDescription[OakState](
    key="digital_input",
    translation_key="oak_digital_input",
    exists_fn=lambda s, c: c in _io(s).digital_inputs,
    value_fn=lambda s, c: d.value if (d := _io(s).digital_inputs.get(c)) is not None else None,
)
DIGITAL_OUTPUT: Final[Switch] = CamHubSwitchDescription[OakState, "OakHost"](
    key="digital_output",
    translation_key="oak_digital_output",
    exists_fn=lambda s, c: c in _io(s).digital_outputs,
    value_fn=lambda s, c: d.is_on if (d := _digital_output(s, c)) is not None else None,
    set_fn=lambda host, c, on: host.set_digital_output(c, on),
)
LED: Final[Switch] = CamHubSwitchDescription[OakState, "OakHost"](
    key="led",
    translation_key="oak_led",
    exists_fn=lambda s, c: c in _io(s).leds,
    value_fn=lambda s, c: led.value if (led := _io(s).leds.get(c)) is not None else None,
    set_fn=lambda host, c, on: host.set_led(c, on),
)
ANALOG_INPUT: Final = CamHubSensorDescription[OakState](
    key="analog_input",
    translation_key="oak_analog_input",
    state_class=SensorStateClass.MEASUREMENT,
    exists_fn=lambda s, c: c in _io(s).analog_inputs,
    value_fn=lambda s, c: r.value if (r := _input_scale(s, c)) is not None else None,
    unit_fn=lambda s, c: _unit(_input_scale(s, c)),
    device_class_fn=lambda s, c: _device_class(_input_scale(s, c)),
)
"""A disabled input (mode `Disabled`) reads nothing: unknown, without a unit."""
ANALOG_OUTPUT: Final[Number] = CamHubNumberDescription[OakState, "OakHost"](
    key="analog_output",
    translation_key="oak_analog_output",
    native_step=0.01,
    mode=NumberMode.SLIDER,
    exists_fn=lambda s, c: c in _io(s).analog_outputs,
    value_fn=lambda s, c: out.value if (out := _output(s, c)) is not None else None,
    range_fn=lambda s, c: (o.scale.low, o.scale.high) if (o := _output(s, c)) else None,
    unit_fn=lambda s, c: _unit(o.scale) if (o := _output(s, c)) is not None else None,
    set_fn=lambda host, c, value: host.set_analog_output(c, value),
)


def io_entities(state: OakState) -> list[PlacedEntity[OakState]]:
    """An entity per circuit the controller lists, on the controller's device."""
    io = state.io
    if io is None:
        return []
    kinds: tuple[tuple[CamHubDescription[OakState], list[str]], ...] = (
        (DIGITAL_INPUT, list(io.digital_inputs)),
        (DIGITAL_OUTPUT, list(io.digital_outputs)),
        (LED, list(io.leds)),
        (ANALOG_INPUT, list(io.analog_inputs)),
        (ANALOG_OUTPUT, list(io.analog_outputs)),
    )
    found: list[PlacedEntity[OakState]] = []
    for description, circuits in kinds:
        for circuit in circuits:
            found += place(
                [description],
                state.controller_id,
                item=circuit,
                suffix=circuit,
                names={"circuit": circuit},
            )
    return found


ABSENT_RECHECK: Final = 600.0
"""Seconds before a server without I/O (every kind 404) is asked again: it is a property of
the installation, so five 404s on every poll would only be noise."""


class IOReader:
    """Reads the controller's I/O each poll: a failure is logged once and not raised."""

    def __init__(self, client: ControllerClient, name: str) -> None:
        """`name` (the entry's title) says which controller a log line is about."""
        self._client = client
        self._name = name
        self._problem: str | None = None
        self._absent_since: float | None = None
        self.recheck = ABSENT_RECHECK

    @property
    def problem(self) -> str | None:
        """Why the last read failed (None when it worked): for diagnostics."""
        return self._problem

    async def read(self) -> ControllerIO | None:
        """The I/O; None where there is none (404) or where it cannot be read now."""
        since = self._absent_since
        if since is not None and time.monotonic() - since < self.recheck:
            return None
        try:
            io = await self._client.read()
        except CamHubError as err:
            if self._problem is None:
                _LOGGER.warning(
                    "%s: the controller's I/O cannot be read (%s); its entities are "
                    "unavailable until it can",
                    self._name,
                    err,
                )
            self._problem = str(err)
            return None
        if self._problem is not None:
            _LOGGER.info("%s: the controller's I/O can be read again", self._name)
            self._problem = None
        if io is None and since is None:
            _LOGGER.debug("%s has no controller I/O (404): no I/O entities", self._name)
        self._absent_since = time.monotonic() if io is None else None
        return io
