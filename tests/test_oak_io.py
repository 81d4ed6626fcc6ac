"""The Robopipe controller's I/O and the OAK autofocus button, through Home Assistant."""

from __future__ import annotations

import logging

import pytest
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.camhub.const import DOMAIN
from custom_components.camhub.families.oak import POLL_MIN
from simulator import OakController, SimOakCamera, Simulator
from simulator.oak_io import SimControllerIO

from .conftest import OAK_PRO, setup_oak_entry

CTL = "robopipe_controller"
PRO = "oak_d_pro"
CAM_A = f"camera.{PRO}_cam_a"
BAD_OUTPUTS = (
    "application/json",
    b'[{"dev": "output", "circuit": "1_01", "modes": ["Simple"], "pwm_freq": 1.0,'
    b' "pwm_duty": 0, "value": 7, "mode": "Simple"}]',
)


def state(hass: HomeAssistant, entity_id: str) -> str:
    current = hass.states.get(entity_id)
    assert current is not None, entity_id
    return current.state


def sim_io(oak: OakController) -> SimControllerIO:
    assert oak.io is not None
    return oak.io


async def call(
    hass: HomeAssistant, domain: str, service: str, entity_id: str, **data: object
) -> None:
    await hass.services.async_call(domain, service, {"entity_id": entity_id, **data}, blocking=True)


async def test_io_entities_on_the_controller_device(
    hass: HomeAssistant, oak: OakController, oak_entry: MockConfigEntry
) -> None:
    assert state(hass, f"binary_sensor.{CTL}_digital_input_1_01") == STATE_OFF
    assert state(hass, f"switch.{CTL}_digital_output_1_04") == STATE_OFF
    assert state(hass, f"switch.{CTL}_led_1_01") == STATE_OFF
    voltage = hass.states.get(f"sensor.{CTL}_analog_input_1_01")
    assert voltage is not None and voltage.state == "0.0"
    assert voltage.attributes["unit_of_measurement"] == "V"
    assert voltage.attributes["device_class"] == "voltage"
    current = hass.states.get(f"sensor.{CTL}_analog_input_1_02")
    assert current is not None and current.attributes["unit_of_measurement"] == "mA"
    assert current.attributes["device_class"] == "current"
    output = hass.states.get(f"number.{CTL}_analog_output_1_01")
    assert output is not None and output.state == "0.0"
    assert (output.attributes["min"], output.attributes["max"]) == (0.0, 10.0)
    assert output.attributes["unit_of_measurement"] == "V"
    assert state(hass, f"button.{PRO}_cam_a_autofocus") == STATE_UNKNOWN
    # All on the controller's device, none on a camera's.
    registry = er.async_get(hass)
    controller = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, oak_entry.entry_id), oak_entry.entry_id
    )
    assert controller is not None
    io_entries = [
        e
        for e in er.async_entries_for_device(registry, controller.id)
        if "_input_" in e.entity_id or "_output_" in e.entity_id or "_led_" in e.entity_id
    ]
    assert len(io_entries) == 4 + 4 + 4 + 2 + 1
    assert registry.async_get(f"switch.{CTL}_led_1_01").translation_key == "oak_led"


async def test_switches_and_number_reach_the_controller(
    hass: HomeAssistant, oak: OakController, oak_entry: MockConfigEntry
) -> None:
    circuits = sim_io(oak).circuits
    await call(hass, "switch", "turn_on", f"switch.{CTL}_digital_output_1_02")
    assert circuits["do"]["1_02"]["value"] == 1
    assert state(hass, f"switch.{CTL}_digital_output_1_02") == STATE_ON
    await call(hass, "switch", "turn_off", f"switch.{CTL}_digital_output_1_02")
    assert circuits["do"]["1_02"]["value"] == 0
    await call(hass, "switch", "turn_on", f"switch.{CTL}_led_1_03")
    assert circuits["led"]["1_03"]["value"] == 1
    assert state(hass, f"switch.{CTL}_led_1_03") == STATE_ON
    await call(hass, "number", "set_value", f"number.{CTL}_analog_output_1_01", value=4.5)
    assert circuits["ao"]["1_01"] | {"modes": None} == {
        "dev": "ao",
        "circuit": "1_01",
        "modes": None,
        "mode": "Voltage",
        "value": 4.5,
    }
    assert state(hass, f"number.{CTL}_analog_output_1_01") == "4.5"
    # Out of the output's range: refused by Home Assistant, nothing sent.
    with pytest.raises(ServiceValidationError):
        await call(hass, "number", "set_value", f"number.{CTL}_analog_output_1_01", value=11)
    assert circuits["ao"]["1_01"]["value"] == 4.5
    # A PWM output is on while its duty is above 0; switching it off leaves PWM.
    circuits["do"]["1_04"].update(mode="PWM", pwm_duty=30)
    await oak_entry.runtime_data.coordinator.async_refresh()
    assert state(hass, f"switch.{CTL}_digital_output_1_04") == STATE_ON
    await call(hass, "switch", "turn_off", f"switch.{CTL}_digital_output_1_04")
    assert circuits["do"]["1_04"]["mode"] == "Simple"
    assert state(hass, f"switch.{CTL}_digital_output_1_04") == STATE_OFF


async def test_inputs_and_modes_seen_after_a_refresh(
    hass: HomeAssistant, oak: OakController, oak_entry: MockConfigEntry
) -> None:
    coordinator = oak_entry.runtime_data.coordinator
    for _ in range(2):
        await coordinator.async_refresh()
    assert coordinator.update_interval > POLL_MIN
    # An analog reading alone is no reason to poll faster; an input that changed is.
    sim_io(oak).set_analog_input("1_01", 7)
    await coordinator.async_refresh()
    assert state(hass, f"sensor.{CTL}_analog_input_1_01") == "7.0"
    assert coordinator.update_interval > POLL_MIN
    sim_io(oak).set_input("1_02", True)
    await coordinator.async_refresh()
    assert state(hass, f"binary_sensor.{CTL}_digital_input_1_02") == STATE_ON
    assert coordinator.update_interval == POLL_MIN
    # A mode changed on the controller brings its own unit and range.
    sim_io(oak).circuits["ao"]["1_01"]["mode"] = "Current"
    sim_io(oak).circuits["ai"]["1_01"]["mode"] = "Disabled"
    await coordinator.async_refresh()
    output = hass.states.get(f"number.{CTL}_analog_output_1_01")
    assert output is not None and output.attributes["max"] == 20.0
    assert output.attributes["unit_of_measurement"] == "mA"
    disabled = hass.states.get(f"sensor.{CTL}_analog_input_1_01")
    assert disabled is not None and disabled.state == STATE_UNKNOWN
    assert "unit_of_measurement" not in disabled.attributes


async def test_autofocus_button(
    hass: HomeAssistant, oak: OakController, oak_entry: MockConfigEntry
) -> None:
    stream = oak.cameras[OAK_PRO].streams["CAM_A"]
    await call(hass, "number", "set_value", f"number.{PRO}_cam_a_focus", value=0.2)
    await call(hass, "button", "press", f"button.{PRO}_cam_a_autofocus")
    assert stream.autofocus_triggers == 1
    assert stream.focus == {
        "auto_focus_mode": "AUTO",
        "auto_focus_trigger": False,
        "lens_position": 0.62,
    }
    # At once, from the controller's answer: the lens where the sweep left it.
    assert state(hass, f"number.{PRO}_cam_a_focus") == "0.62"
    # Only sensors with a focus motor have one.
    for missing in ("button.oak_1_cam_a_autofocus", f"button.{PRO}_cam_b_autofocus"):
        assert hass.states.get(missing) is None, missing


async def test_no_controller_io_no_entities_no_alarm(
    hass: HomeAssistant, sim: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    bare = await sim.add_oak(
        controller_io=False, cameras=[SimOakCamera(OAK_PRO, name="OAK-D-PRO", stereo=True)]
    )
    caplog.set_level(logging.INFO, logger="custom_components.camhub")
    entry = await setup_oak_entry(hass, bare)
    await entry.runtime_data.coordinator.async_refresh()
    assert state(hass, CAM_A) == "idle"
    registry = er.async_get(hass)
    entities = er.async_entries_for_config_entry(registry, entry.entry_id)
    assert entities and not [e for e in entities if "digital" in e.entity_id]
    assert not [e for e in entities if "analog" in e.entity_id or "_led_" in e.entity_id]
    assert not [r for r in caplog.records if r.levelno >= logging.INFO and "I/O" in r.message]
    # Asked once (a 404 per kind), then not again for a while; I/O added later is found.
    assert bare.stats.requests["/controller/di"] == 1
    bare.io = SimControllerIO(digital_inputs=1)
    await bare.restart(down_for=0)
    await entry.runtime_data.coordinator.async_refresh()  # within the pause: not asked
    assert bare.stats.requests["/controller/di"] == 1
    entry.runtime_data.host.io_reader.recheck = 0.0  # the pause is over
    await entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()
    assert bare.stats.requests["/controller/di"] == 2
    assert state(hass, f"binary_sensor.{CTL}_digital_input_1_01") == STATE_OFF


async def test_bad_controller_data_unavailable_and_logged_once(
    hass: HomeAssistant,
    oak: OakController,
    oak_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    coordinator = oak_entry.runtime_data.coordinator
    oak.faults.bodies["/controller/do"] = BAD_OUTPUTS
    for _ in range(3):
        await coordinator.async_refresh()
    for entity_id in (
        f"switch.{CTL}_digital_output_1_01",
        f"binary_sensor.{CTL}_digital_input_1_01",
        f"number.{CTL}_analog_output_1_01",
    ):
        assert state(hass, entity_id) == STATE_UNAVAILABLE, entity_id
    assert state(hass, CAM_A) == "idle"  # the cameras are not the I/O's problem
    assert coordinator.last_update_success
    warnings = [r for r in caplog.records if "I/O cannot be read" in r.message]
    assert len(warnings) == 1 and warnings[0].levelno == logging.WARNING
    assert "not 0 or 1" in warnings[0].getMessage()
    # Home Assistant skips a write to an unavailable entity: nothing reaches the controller.
    await call(hass, "number", "set_value", f"number.{CTL}_analog_output_1_01", value=1)
    assert oak.stats.requests["/controller/ao/1_01"] == 0
    oak.faults.clear()
    await coordinator.async_refresh()
    assert state(hass, f"switch.{CTL}_digital_output_1_01") == STATE_OFF
    assert len([r for r in caplog.records if "I/O can be read again" in r.message]) == 1


async def test_a_controller_that_later_has_io(
    hass: HomeAssistant, oak: OakController, oak_entry: MockConfigEntry
) -> None:
    """Circuits the controller adds appear; a kind it drops turns unavailable."""
    coordinator = oak_entry.runtime_data.coordinator
    oak.io = SimControllerIO(digital_inputs=6, absent=("ao",))
    await oak.restart(down_for=0)
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    assert state(hass, f"binary_sensor.{CTL}_digital_input_1_06") == STATE_OFF
    assert state(hass, f"number.{CTL}_analog_output_1_01") == STATE_UNAVAILABLE
    assert coordinator.update_interval == POLL_MIN  # the I/O changed
    # A write for a circuit the controller no longer has is refused before any request.
    host = oak_entry.runtime_data.host
    with pytest.raises(ValueError, match="no analog output 1_01"):
        await host.set_analog_output("1_01", 1.0)
    with pytest.raises(ValueError, match="no digital output 9_99"):
        await host.set_digital_output("9_99", True)
    assert oak.stats.requests["/controller/ao/1_01"] == 0


async def test_diagnostics_with_io_still_redacted(
    hass: HomeAssistant,
    oak: OakController,
    oak_entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    from pytest_homeassistant_custom_component.components.diagnostics import (
        get_diagnostics_for_config_entry,
    )

    assert await async_setup_component(hass, "diagnostics", {})
    data = await get_diagnostics_for_config_entry(hass, hass_client, oak_entry)
    text = str(data)
    assert OAK_PRO not in text and oak_entry.entry_id not in text
    assert "127.0.0.1" not in text
    io = data["state"]["io"]
    assert io["digital_outputs"]["1_01"]["dev"] == "output"
    assert io["analog_inputs"]["1_02"]["modes"]["Current"]["unit"] == "mA"
