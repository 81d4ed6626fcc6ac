"""The simulated Robopipe controller's I/O routes follow the spec's `/controller/...` schemas."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from simulator import OakController, SimOakCamera, Simulator
from simulator.oak_io import SimControllerIO

PRO = "18443010D1E8AB1200"


@pytest.fixture
async def controller(socket_enabled: None) -> AsyncIterator[OakController]:
    async with Simulator(render_threads=0) as sim:
        yield await sim.add_oak(cameras=[SimOakCamera(PRO, name="OAK-D-PRO", stereo=True)])


@pytest.fixture
async def http(controller: OakController) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(base_url=controller.url) as session:
        yield session


async def answer(
    http: aiohttp.ClientSession, method: str, path: str, body: Any = None
) -> tuple[int, Any]:
    async with http.request(method, path, json=body) as resp:
        text = await resp.text()
        return resp.status, json.loads(text) if text else None


def io(controller: OakController) -> SimControllerIO:
    assert controller.io is not None
    return controller.io


async def test_lists_and_generic_routes(http: aiohttp.ClientSession) -> None:
    status, inputs = await answer(http, "GET", "/controller/di")
    assert status == 200 and [i["circuit"] for i in inputs] == ["1_01", "1_02", "1_03", "1_04"]
    assert set(inputs[0]) >= {"dev", "circuit", "counter_modes", "modes", "value", "counter"}
    status, analog = await answer(http, "GET", "/controller/ai")
    assert [a["mode"] for a in analog] == ["Voltage", "Current"]
    assert analog[1]["modes"]["Current"] == {"value": 0, "unit": "mA", "range": [0, 20]}
    status, everything = await answer(http, "GET", "/controller/")
    assert status == 200 and len(everything) == 4 + 4 + 2 + 1 + 4
    assert await answer(http, "GET", "/controller/ro") == (200, [])
    status, body = await answer(http, "GET", "/controller/relays")
    assert status == 422 and body["detail"][0]["loc"] == ["path", "device_type"]
    status, body = await answer(http, "GET", "/controller/do/9_99")
    assert (status, body) == (404, {"detail": "Circuit not found"})
    assert (await answer(http, "PUT", "/controller/led/1_01"))[0] == 405
    assert (await answer(http, "DELETE", "/controller/led"))[0] == 405


async def test_digital_output_led_and_analog_output_writes(
    http: aiohttp.ClientSession, controller: OakController
) -> None:
    body = {"value": 1, "pwm_freq": 4800.0, "pwm_duty": 0}
    status, output = await answer(http, "POST", "/controller/do/1_02", body)
    assert status == 200 and output["value"] == 1 and output["mode"] == "Simple"
    assert (await answer(http, "GET", "/controller/do/1_02"))[1]["value"] == 1
    # A duty cycle is PWM mode; all three fields are required.
    body = {"value": 0, "pwm_freq": 100.0, "pwm_duty": 40}
    status, output = await answer(http, "POST", "/controller/do/1_03", body)
    assert output["mode"] == "PWM" and output["pwm_duty"] == 40
    status, err = await answer(http, "POST", "/controller/do/1_03", {"value": 1})
    assert status == 422 and err["detail"][0]["loc"] == ["body", "pwm_duty"]
    status, err = await answer(http, "POST", "/controller/do/1_03", {"value": 1, "pwm_duty": 0})
    assert status == 422 and err["detail"][0]["loc"] == ["body", "pwm_freq"]
    status, err = await answer(http, "POST", "/controller/led/1_01", {"value": 2})
    assert status == 422 and err["detail"][0]["type"] == "range"
    status, leds = await answer(http, "POST", "/controller/led", {"value": 1})
    assert status == 200 and all(led["value"] == 1 for led in leds)
    # The mode defaults to Voltage; the value must be in the mode's range.
    status, output = await answer(
        http, "POST", "/controller/ao/1_01", {"value": 12, "mode": "Current"}
    )
    assert status == 200 and output["mode"] == "Current" and output["value"] == 12.0
    assert output["modes"]["Current"]["value"] == 12
    status, err = await answer(http, "POST", "/controller/ao/1_01", {"value": 11})
    assert status == 422 and err["detail"][0]["loc"] == ["body", "value"]
    status, err = await answer(http, "POST", "/controller/ao/1_01", {"value": 1, "mode": "Ohm"})
    assert status == 422 and err["detail"][0]["type"] == "enum"
    status, err = await answer(http, "POST", "/controller/led/1_01", {"value": True})
    assert status == 422 and err["detail"][0]["type"] == "int_type"
    async with http.post("/controller/led/1_01", data=b"{") as resp:
        assert resp.status == 422


async def test_inputs_change_by_hook_and_their_settings(
    http: aiohttp.ClientSession, controller: OakController
) -> None:
    io(controller).set_input("1_01", True)
    io(controller).set_input("1_01", True)  # no new edge
    status, item = await answer(http, "GET", "/controller/di/1_01")
    assert item["value"] == 1 and item["counter"] == 1
    status, item = await answer(http, "POST", "/sim/di/1_02?value=1")
    assert status == 200 and item["value"] == 1
    status, item = await answer(http, "POST", "/sim/ai/1_01?value=3.4")
    assert item["modes"]["Voltage"]["value"] == 3
    assert (await answer(http, "POST", "/sim/ai/1_01?value=x"))[0] == 422
    assert (await answer(http, "POST", "/sim/ai/9_01"))[0] == 404
    assert (await answer(http, "POST", "/sim/di/9_01"))[0] == 404
    # DigitalInputUpdate: counter required, the rest defaulted; AnalogInputUpdate: the mode.
    status, item = await answer(http, "POST", "/controller/di/1_01", {"counter": 7})
    assert item["counter"] == 7 and item["debounce"] == 50 and item["mode"] == "Simple"
    status, err = await answer(http, "POST", "/controller/di/1_01", {"mode": "Simple"})
    assert status == 422 and err["detail"][0]["type"] == "missing"
    status, item = await answer(http, "POST", "/controller/ai/1_01", {"mode": "Disabled"})
    assert item["mode"] == "Disabled"
    io(controller).set_analog_input("1_01", 5.0)  # disabled: reads nothing
    assert "Disabled" not in item["modes"]


async def test_without_controller_and_absent_kinds(socket_enabled: None) -> None:
    async with Simulator(render_threads=0) as sim:
        bare = await sim.add_oak(controller_io=False)
        partial = await sim.add_oak()
        partial.io = SimControllerIO(absent=("ao",))
        await partial.restart(down_for=0)  # routes are made at start
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{bare.url}/controller/di") as resp:
                assert resp.status == 404
            async with http.get(f"{partial.url}/controller/ao") as resp:
                assert resp.status == 404
            async with http.get(f"{partial.url}/controller/do") as resp:
                assert resp.status == 200


async def test_autofocus_trigger_moves_the_lens(
    http: aiohttp.ClientSession, controller: OakController
) -> None:
    stream = controller.cameras[PRO].streams["CAM_A"]
    focus = {"auto_focus_mode": "AUTO", "auto_focus_trigger": True, "lens_position": 0.1}
    status, control = await answer(
        http, "POST", f"/cameras/{PRO}/streams/CAM_A/control", {"focus": focus}
    )
    assert status == 200 and stream.autofocus_triggers == 1
    assert control["focus"] == {
        "auto_focus_mode": "AUTO",
        "auto_focus_trigger": False,
        "lens_position": 0.62,
    }
    focus["auto_focus_trigger"] = "yes"
    status, err = await answer(
        http, "POST", f"/cameras/{PRO}/streams/CAM_A/control", {"focus": focus}
    )
    assert status == 422 and err["detail"][0]["loc"] == ["body", "focus", "auto_focus_trigger"]
    assert stream.autofocus_triggers == 1
