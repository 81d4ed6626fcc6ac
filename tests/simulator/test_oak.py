"""The simulated Robopipe controller follows the real server's spec and habits."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from simulator import OakController, SimOakCamera, Simulator
from simulator.__main__ import parse_args
from simulator.oak import PLACEHOLDERS

PRO = "18443010D1E8AB1200"
ONE = "14442C10C1A1C60000"


@pytest.fixture
async def controller(socket_enabled: None) -> AsyncIterator[OakController]:
    async with Simulator(render_threads=0) as sim:
        yield await sim.add_oak(
            cameras=[
                SimOakCamera(PRO, name="OAK-D-PRO", stereo=True, ir=True),
                SimOakCamera(ONE, name="OAK-1", autofocus=False, running=False),
            ]
        )


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


async def test_default_controller_and_describe(socket_enabled: None) -> None:
    async with Simulator(render_threads=0) as sim:
        device = await sim.add_oak()
        line = device.describe()
        assert line["family"] == "oak" and "password" not in line
        assert line["cameras"] == ["18443010D1E8AB1200"]


async def test_validation_bodies_are_fastapi_shaped(http: aiohttp.ClientSession) -> None:
    status, body = await answer(http, "GET", "/cameras/bad-id/stats")
    assert status == 422 and body["detail"][0]["loc"] == ["path", "mxid"]
    status, body = await answer(http, "GET", "/cameras/bad-id/streams/CAM_Z/config")
    assert status == 422 and {tuple(e["loc"]) for e in body["detail"]} == {
        ("path", "stream_name"),
        ("path", "mxid"),
    }
    status, body = await answer(
        http, "POST", f"/cameras/{PRO}/streams/CAM_A/control", {"brightness": 20, "contrast": "x"}
    )
    assert status == 422 and [e["type"] for e in body["detail"]] == ["range", "int_type"]
    status, body = await answer(
        http,
        "POST",
        f"/cameras/{PRO}/streams/CAM_A/control",
        {"auto_exposure_lock": 1, "auto_whitebalance_mode": "X", "focus": {"lens_position": 2}},
    )
    assert [e["type"] for e in body["detail"]] == ["bool_type", "enum", "range"]
    status, body = await answer(
        http, "POST", f"/cameras/{PRO}/streams/CAM_A/control", {"focus": {"auto_focus_mode": "?"}}
    )
    assert body["detail"][0]["loc"] == ["body", "focus", "auto_focus_mode"]
    status, body = await answer(http, "POST", f"/cameras/{PRO}/streams/CAM_A/control", {"focus": 3})
    assert body["detail"][0]["type"] == "dict"
    status, body = await answer(
        http, "POST", f"/cameras/{PRO}/streams/CAM_B/control", {"saturation": 1, "focus": None}
    )
    assert status == 422 and body["detail"][0]["msg"] == "Not supported by a mono sensor"
    status, body = await answer(
        http, "POST", f"/cameras/{PRO}/streams/CAM_B/control", {"focus": {"lens_position": 0.1}}
    )
    assert body["detail"][0]["msg"] == "Sensor has a fixed focus"
    status, body = await answer(http, "POST", f"/cameras/{PRO}/streams/CAM_A/control", [1])
    assert status == 422
    status, body = await answer(http, "GET", f"/cameras/{PRO}/streams/DEPTH_B_C/control")
    assert status == 422
    async with http.post(f"/cameras/{PRO}/streams/CAM_A/config", data=b"{") as resp:
        assert resp.status == 422 and (await resp.json())["detail"][0]["type"] == "json_invalid"


async def test_config_schemas(http: aiohttp.ClientSession) -> None:
    base = f"/cameras/{PRO}/streams"
    status, body = await answer(http, "POST", f"{base}/CAM_B/config", {"resolution": "THE_4_K"})
    assert status == 422 and {e["loc"][1] for e in body["detail"]} == {"resolution", "fps"}
    status, body = await answer(http, "POST", f"{base}/DEPTH_B_C/config", {"resolution": "x"})
    assert body["detail"][0]["type"] == "tuple_type"
    status, body = await answer(
        http, "POST", f"{base}/DEPTH_B_C/config", {"resolution": [1280, 800], "fps": 10}
    )
    assert status == 200 and body["still_size"] == [1280, 800]
    status, body = await answer(http, "POST", f"{base}/CAM_A/config", "x")
    assert status == 422
    status, body = await answer(
        http, "POST", f"{base}/CAM_A/config", {"resolution": "THE_12_MP", "fps": 60}
    )
    assert body["detail"][0]["type"] == "less_than_equal"
    status, body = await answer(http, "PUT", f"{base}/CAM_A/config")
    assert status == 405


async def test_placeholders_and_control_writes(
    http: aiohttp.ClientSession, controller: OakController
) -> None:
    path = f"/cameras/{PRO}/streams/CAM_A/control"
    status, body = await answer(http, "POST", path, {"exposure_time": 9000, "unknown": 1})
    assert status == 200 and body["exposure_time"] == PLACEHOLDERS["exposure_time"]
    assert controller.cameras[PRO].streams["CAM_A"].control["exposure_time"] == 9000
    status, body = await answer(http, "POST", path, {"focus": {"lens_position": 0.9}})
    assert body["focus"]["lens_position"] == 0.9
    assert (await answer(http, "PATCH", path))[0] == 405


async def test_depth_exclusivity_and_shutdown(
    http: aiohttp.ClientSession, controller: OakController
) -> None:
    base = f"/cameras/{PRO}/streams"
    assert (await answer(http, "POST", f"{base}/CAM_B/"))[0] == 201
    assert (await answer(http, "POST", f"{base}/DEPTH_B_C/"))[0] == 201
    _, streams = await answer(http, "GET", f"{base}/")
    assert streams["DEPTH_B_C"]["active"] and not streams["CAM_B"]["active"]
    assert (await answer(http, "POST", f"{base}/CAM_C/"))[0] == 201
    _, streams = await answer(http, "GET", f"{base}/")
    assert streams["CAM_C"]["active"] and not streams["DEPTH_B_C"]["active"]
    assert (await answer(http, "DELETE", f"{base}/CAM_C/"))[0] == 202
    assert (await answer(http, "PUT", f"{base}/CAM_C/"))[0] == 405
    assert (await answer(http, "GET", f"{base}/CAM_H/config"))[0] == 404
    # A camera shut down is listed but has no streams until it is booted.
    status, body = await answer(http, "GET", f"/cameras/{ONE}/streams/")
    assert status == 404 and body == {"detail": "Camera not found"}
    status, info = await answer(http, "GET", f"/cameras/{ONE}/")
    assert info["state"] == "X_LINK_UNBOOTED"
    status, info = await answer(http, "POST", f"/cameras/{ONE}/")
    assert info["state"] == "X_LINK_BOOTED"
    status, info = await answer(http, "DELETE", f"/cameras/{ONE}/")
    assert info["state"] == "X_LINK_UNBOOTED"
    assert (await answer(http, "PUT", f"/cameras/{ONE}/"))[0] == 405
    assert (await answer(http, "GET", "/cameras/NOSUCH/"))[0] == 404


async def test_ir_and_stills(http: aiohttp.ClientSession, controller: OakController) -> None:
    path = f"/cameras/{PRO}/ir"
    status, body = await answer(http, "POST", path, {"flood_light": 0.5})
    assert body == {"flood_light": 0.5, "dot_projector": 0.0}
    status, body = await answer(http, "POST", path, {"flood_light": 2})
    assert status == 422 and body["detail"][0]["loc"] == ["body", "flood_light"]
    assert (await answer(http, "POST", path, [1]))[0] == 422
    assert (await answer(http, "PUT", path))[0] == 405
    base = f"/cameras/{PRO}/streams"
    async with http.get(f"{base}/CAM_A/still", params={"format": "png"}) as resp:
        assert resp.content_type == "image/png"
    async with http.get(f"{base}/CAM_A/still", params={"format": "gif"}) as resp:
        assert resp.status == 422
    async with http.get(f"{base}/CAM_B/still") as resp:
        assert resp.status == 404
    controller.faults.status = 503
    assert (await answer(http, "GET", "/cameras/"))[0] == 503
    controller.faults.status = None
    assert (await answer(http, "GET", "/nothing"))[0] == 404
    controller.remove_camera(ONE)
    _, cameras = await answer(http, "GET", "/cameras/")
    assert [c["mxid"] for c in cameras] == [PRO]


def test_cli_starts_oak_controllers() -> None:
    assert parse_args([]).oak == 1
    assert parse_args(["--oak", "2"]).oak == 2
