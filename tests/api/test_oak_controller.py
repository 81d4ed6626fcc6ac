"""The Robopipe controller's I/O client and the autofocus trigger, against the simulator;
the circuit parsers against every way an answer can break the spec's schemas."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custom_components.camhub.api.errors import DeviceError, ProtocolError
from custom_components.camhub.api.oak import (
    MAX_CIRCUITS,
    AnalogOutput,
    ControllerIO,
    OakClient,
    OakValidationError,
    check_analog_value,
    check_circuit,
    parse_analog_input,
    parse_analog_output,
    parse_circuits,
    parse_digital_input,
    parse_digital_output,
    parse_led,
)
from simulator import OakController, SimOakCamera, Simulator
from simulator.oak_io import SimControllerIO

PRO = "18443010D1E8AB1200"
ONE = "14442C10C1A1C60000"

DI: dict[str, Any] = {
    "dev": "input",
    "circuit": "1_01",
    "counter_modes": ["Enabled", "Disabled"],
    "modes": ["Simple", "DirectSwitch"],
    "value": 1,
    "counter": 3,
    "counter_mode": "Enabled",
    "mode": "Simple",
}
DO: dict[str, Any] = {
    "dev": "output",
    "circuit": "1_01",
    "modes": ["Simple", "PWM"],
    "pwm_freq": 4800.0,
    "pwm_duty": 0,
    "value": 0,
    "mode": "Simple",
}
AI: dict[str, Any] = {
    "dev": "ai",
    "circuit": "1_01",
    "modes": {"Voltage": {"value": 3, "unit": "V", "range": [0, 10]}},
    "mode": "Voltage",
}
AO: dict[str, Any] = {
    "dev": "ao",
    "circuit": "1_01",
    "modes": {"Voltage": {"value": 2, "unit": "V", "range": [0, 10]}},
    "value": 2.5,
}
LED: dict[str, Any] = {"dev": "led", "circuit": "1_01", "value": 1}
SCHEMAS: list[tuple[dict[str, Any], Callable[[Any], object]]] = [
    (DI, parse_digital_input),
    (DO, parse_digital_output),
    (AI, parse_analog_input),
    (AO, parse_analog_output),
    (LED, parse_led),
]


@pytest.fixture
async def controller(socket_enabled: None) -> AsyncIterator[OakController]:
    async with Simulator(render_threads=0) as sim:
        yield await sim.add_oak(
            cameras=[
                SimOakCamera(PRO, name="OAK-D-PRO", stereo=True, ir=True),
                SimOakCamera(ONE, name="OAK-1", autofocus=False),
            ]
        )


@pytest.fixture
async def client(controller: OakController) -> AsyncIterator[OakClient]:
    async with aiohttp.ClientSession() as session:
        yield OakClient(session, controller.url)


def sim_io(controller: OakController) -> SimControllerIO:
    assert controller.io is not None
    return controller.io


async def test_read_every_kind(client: OakClient, controller: OakController) -> None:
    sim_io(controller).set_input("1_03", True)
    sim_io(controller).set_analog_input("1_02", 12)
    io = await client.controller.read()
    assert io is not None
    assert list(io.digital_inputs) == ["1_01", "1_02", "1_03", "1_04"]
    assert io.digital_inputs["1_03"].value and io.digital_inputs["1_03"].counter == 1
    assert not io.digital_outputs["1_01"].is_on and list(io.leds) == [
        "1_01",
        "1_02",
        "1_03",
        "1_04",
    ]
    current = io.analog_inputs["1_02"].reading
    assert current is not None and (current.value, current.unit) == (12.0, "mA")
    assert io.analog_outputs["1_01"].scale.high == 10.0
    # Statistics-like readings are left out of what a poll compares.
    assert io.settings() == ControllerIO(
        io.digital_inputs, io.digital_outputs, {}, io.analog_outputs, io.leds
    )


async def test_writes_reach_the_controller(client: OakClient, controller: OakController) -> None:
    io = await client.controller.read()
    assert io is not None
    output = await client.controller.set_digital_output(io.digital_outputs["1_02"], True)
    assert output.is_on and sim_io(controller).circuits["do"]["1_02"]["value"] == 1
    assert (await client.controller.set_led("1_04", True)).value
    assert sim_io(controller).circuits["led"]["1_04"]["value"] == 1
    # The output's current mode goes along (the update's default would be Voltage).
    sim_io(controller).circuits["ao"]["1_01"]["mode"] = "Current"
    current = (await client.controller.read() or ControllerIO()).analog_outputs["1_01"]
    updated = await client.controller.set_analog_output(current, 15.5)
    assert updated.mode == "Current" and updated.value == 15.5 and updated.scale.unit == "mA"
    assert sim_io(controller).circuits["ao"]["1_01"]["value"] == 15.5
    # Checked before any request: out of range, not a number, a circuit name from nowhere.
    before = sum(controller.stats.requests.values())
    with pytest.raises(ValueError, match="from 0 to 20 mA"):
        await client.controller.set_analog_output(updated, 21)
    with pytest.raises(ValueError, match="invalid circuit"):
        await client.controller.set_led("../cameras", True)
    assert sum(controller.stats.requests.values()) == before


async def test_controller_refusal_is_typed(client: OakClient, controller: OakController) -> None:
    io = await client.controller.read()
    assert io is not None
    sim_io(controller).circuits["ao"]["1_01"]["modes"]["Voltage"]["range"] = [0, 5]
    with pytest.raises(OakValidationError, match="value"):
        await client.controller.set_analog_output(io.analog_outputs["1_01"], 7.0)


async def test_no_controller_and_missing_kinds(socket_enabled: None) -> None:
    async with Simulator(render_threads=0) as sim, aiohttp.ClientSession() as session:
        bare = await sim.add_oak(controller_io=False)
        assert await OakClient(session, bare.url).controller.read() is None
        partial = await sim.add_oak()
        partial.io = SimControllerIO(absent=("ao", "led"))
        await partial.restart(down_for=0)
        io = await OakClient(session, partial.url).controller.read()
        assert io is not None and io.analog_outputs == {} and io.leds == {}
        assert len(io.digital_inputs) == 4


async def test_bad_answers_are_protocol_errors(
    client: OakClient, controller: OakController
) -> None:
    controller.faults.bodies["/controller/do"] = ("application/json", b'[{"dev": "output"}]')
    with pytest.raises(ProtocolError):
        await client.controller.read()
    controller.faults.bodies["/controller/do"] = ("application/json", b'{"detail": "x"}')
    with pytest.raises(ProtocolError):
        await client.controller.read()
    controller.faults.clear()
    controller.faults.status = 500
    with pytest.raises(DeviceError, match="500"):
        await client.controller.read()


async def test_autofocus_trigger(client: OakClient, controller: OakController) -> None:
    stream = controller.cameras[PRO].streams["CAM_A"]
    control = await client.control(PRO, "CAM_A")
    new = await client.trigger_autofocus(PRO, "CAM_A", control)
    assert new.focus is not None and new.focus.lens_position == 0.62
    assert new.focus.auto_focus_mode == "AUTO" and stream.autofocus_triggers == 1
    # MACRO is a one-shot mode too: it stays.
    assert stream.focus is not None
    stream.focus["auto_focus_mode"] = "MACRO"
    new = await client.trigger_autofocus(PRO, "CAM_A", await client.control(PRO, "CAM_A"))
    assert new.focus is not None and new.focus.auto_focus_mode == "MACRO"
    with pytest.raises(ValueError, match="fixed focus"):
        await client.trigger_autofocus(ONE, "CAM_A", await client.control(ONE, "CAM_A"))
    with pytest.raises(ValueError, match="invalid stream"):
        await client.trigger_autofocus(PRO, "CAM_Z", control)


def test_parsers_read_the_schemas() -> None:
    di = parse_digital_input(DI)
    assert di.value and di.counter == 3 and di.debounce == 50
    pwm = parse_digital_output({**DO, "mode": "PWM", "pwm_duty": 30})
    assert pwm.is_on and not pwm.value
    ai = parse_analog_input({**AI, "mode": "Disabled"})
    assert ai.reading is None
    assert parse_analog_input({k: v for k, v in AI.items() if k != "mode"}).mode == "Voltage"
    ao = parse_analog_output(AO)
    assert ao.mode == "Voltage" and ao.scale.low == 0.0
    check_analog_value(ao, 10)
    for bad in (10.5, True, "3"):
        with pytest.raises(ValueError):
            check_analog_value(ao, bad)  # type: ignore[arg-type]
    check_circuit("1_01")
    with pytest.raises(ValueError):
        check_circuit("a/b")


BROKEN: list[tuple[dict[str, Any], Callable[[Any], object], dict[str, Any]]] = [
    (DI, parse_digital_input, {"value": 2}),
    (DI, parse_digital_input, {"value": True}),
    (DI, parse_digital_input, {"counter": "3"}),
    (DI, parse_digital_input, {"mode": "Toggle"}),
    (DI, parse_digital_input, {"modes": "Simple"}),
    (DI, parse_digital_input, {"circuit": "1/01"}),
    (DI, parse_digital_input, {"circuit": "x" * 33}),
    (DI, parse_digital_input, {"dev": 1}),
    (DO, parse_digital_output, {"pwm_duty": 101}),
    (DO, parse_digital_output, {"pwm_freq": "fast"}),
    (DO, parse_digital_output, {"modes": ["Simple", "Blink"]}),
    (DO, parse_digital_output, {"mode": None}),
    (AI, parse_analog_input, {"mode": "Current"}),  # no entry in modes
    (AI, parse_analog_input, {"modes": {"Volts": {"value": 1, "unit": "V", "range": [0, 1]}}}),
    (AI, parse_analog_input, {"modes": {"Voltage": {"value": 1, "unit": "V", "range": [5, 1]}}}),
    (AI, parse_analog_input, {"modes": {"Voltage": {"value": 1, "unit": "V", "range": [0]}}}),
    (AI, parse_analog_input, {"modes": {"Voltage": {"value": None, "unit": "V", "range": [0, 1]}}}),
    (AI, parse_analog_input, {"modes": {"Voltage": {"value": 1, "range": [0, 1]}}}),
    (AI, parse_analog_input, {"modes": {"Voltage": []}}),
    (AI, parse_analog_input, {"modes": []}),
    (AO, parse_analog_output, {"value": float("inf")}),
    (AO, parse_analog_output, {"mode": "Current"}),
    (LED, parse_led, {"value": -1}),
]


@pytest.mark.parametrize(("base", "parse", "change"), BROKEN)
def test_parsers_refuse_what_breaks_the_schema(
    base: dict[str, Any], parse: Callable[[Any], object], change: dict[str, Any]
) -> None:
    with pytest.raises(ProtocolError):
        parse({**base, **change})


def test_lists_refuse_duplicates_and_floods() -> None:
    assert list(parse_circuits([DI, {**DI, "circuit": "1_02"}], parse_digital_input)) == [
        "1_01",
        "1_02",
    ]
    for bad in ([DI, DI], [LED] * (MAX_CIRCUITS + 1), {"1_01": DI}, None):
        with pytest.raises(ProtocolError):
            parse_circuits(bad, parse_digital_input)


FUZZ = settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)
WEIRD = (
    st.none()
    | st.booleans()
    | st.integers(-5, 200)
    | st.floats(allow_nan=False, allow_infinity=True)
    | st.text(max_size=6)
    | st.sampled_from(["Simple", "PWM", "Voltage", "Current", "Disabled", "1_01"])
    | st.lists(st.integers(-2, 12), max_size=3)
)


@FUZZ
@given(st.sampled_from(range(len(SCHEMAS))), st.data())
def test_mutated_circuits_parse_or_refuse(index: int, data: st.DataObject) -> None:
    """A valid circuit with fields dropped or replaced: a typed model or ProtocolError."""
    base, parse = SCHEMAS[index]
    item = copy.deepcopy(base)
    for key in data.draw(st.lists(st.sampled_from(sorted(base)), max_size=3)):
        if data.draw(st.booleans()):
            item.pop(key, None)
        else:
            item[key] = data.draw(WEIRD)
    try:
        parsed = parse(item)
    except ProtocolError:
        return
    assert isinstance(getattr(parsed, "circuit"), str)  # noqa: B009
    value = getattr(parsed, "value", None)
    assert value is None or isinstance(value, bool | float)


def test_analog_output_model_is_consistent() -> None:
    ao = parse_analog_output(AO)
    assert isinstance(ao, AnalogOutput) and ao.scale.unit == "V"
