"""The simulated Sony camera's properties: writability and value lists that follow settings."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from simulator import LiveViewServer, SimCamera, Simulator
from simulator.liveview_camera import POWER_ZOOM_LENS, SimSettings

A, Z = "D10F60149B0C", "D06CE05E3323"


@pytest_asyncio.fixture
async def server(socket_enabled: None) -> AsyncIterator[LiveViewServer]:
    async with Simulator() as sim:
        yield await sim.add_liveview(
            cameras=[SimCamera(A), SimCamera(Z, settings=SimSettings(lens=POWER_ZOOM_LENS))]
        )


async def _get(http: aiohttp.ClientSession, cam: str, name: str) -> dict[str, Any]:
    async with http.get(f"/api/cameras/{cam}/properties/{name}") as resp:
        assert resp.status == 200, await resp.text()
        data: dict[str, Any] = (await resp.json())["data"]
        return data


async def _put(http: aiohttp.ClientSession, cam: str, name: str, value: str) -> tuple[int, str]:
    async with http.put(f"/api/cameras/{cam}/properties/{name}", json={"value": value}) as resp:
        return resp.status, (await resp.json()).get("message", "")


def _labels(data: dict[str, Any]) -> list[str]:
    return [v["formatted"] for v in data["available_values"]]


async def test_single_and_bulk_shapes(server: LiveViewServer) -> None:
    async with aiohttp.ClientSession(server.url) as http:
        shutter = await _get(http, A, "shutter-speed")
        assert shutter["value"] == "0x1007d" and shutter["formatted"] == "1/125"
        assert shutter["writable"] == "false"  # Program Auto: the camera picks the shutter
        iso = await _get(http, A, "iso")
        assert iso["writable"] == "true" and iso["formatted"] == "ISO AUTO"
        assert {"value": "0x64", "formatted": "ISO 100"} in iso["available_values"]
        async with http.get(f"/api/cameras/{A}/properties/all") as resp:
            data = (await resp.json())["data"]
        entry = data["properties"]["iso"]
        assert entry["writable"] is True and entry["current_hex_value"] == "0xffffff"
        assert {"value": 100, "hex_value": "0x64", "formatted": "ISO 100"} in entry[
            "available_values"
        ]
        assert "recording-state" in data["properties"]
        assert "zoom-distance" not in data["properties"]  # no power zoom on the kit lens
        async with http.get(f"/api/cameras/{A}/properties/flash-mode") as resp:
            assert resp.status == 400
        async with http.delete(f"/api/cameras/{A}/properties/iso") as resp:
            assert resp.status == 405


async def test_program_gates_writability(server: LiveViewServer) -> None:
    async with aiohttp.ClientSession(server.url) as http:
        status, message = await _put(http, A, "aperture", "f/8")
        assert status == 400 and "not writable" in message
        assert await _put(http, A, "exposure-program-mode", "Aperture Priority") == (
            200,
            "Property 'exposure-program-mode' set",
        )
        assert (await _get(http, A, "aperture"))["writable"] == "true"
        assert (await _put(http, A, "aperture", "0x320"))[0] == 200  # hex works as well
        assert (await _get(http, A, "aperture"))["formatted"] == "f/8"
        assert (await _put(http, A, "exposure-program-mode", "intelligent auto"))[0] == 200
        iso = await _get(http, A, "iso")
        assert iso["writable"] == "false" and iso["available_values"] == []
        assert (await _get(http, A, "white-balance"))["writable"] == "false"


async def test_lens_bounds_apertures(server: LiveViewServer) -> None:
    async with aiohttp.ClientSession(server.url) as http:
        await _put(http, A, "exposure-program-mode", "Manual")
        await _put(http, Z, "exposure-program-mode", "Manual")
        assert "f/2.8" in _labels(await _get(http, A, "aperture"))
        f4_lens = _labels(await _get(http, Z, "aperture"))
        assert f4_lens[0] == "f/4" and "f/2.8" not in f4_lens
        status, message = await _put(http, Z, "aperture", "f/2.8")
        assert status == 400 and message == "Value 'f/2.8' is not available for 'aperture'"
        await _put(http, A, "aperture", "f/2.8")
        server.cameras[A].settings.lens = POWER_ZOOM_LENS  # the user swaps the lens
        server.cameras[A].settings.settle()
        assert (await _get(http, A, "aperture"))["formatted"] == "f/4"


async def test_tracking_areas_need_continuous_af(server: LiveViewServer) -> None:
    async with aiohttp.ClientSession(server.url) as http:
        assert "Tracking: Wide" not in _labels(await _get(http, A, "focus-area"))
        assert (await _put(http, A, "focus-area", "0x17"))[0] == 400
        await _put(http, A, "focus-mode", "AF-C")
        assert "Tracking: Expand Flexible Spot" in _labels(await _get(http, A, "focus-area"))
        assert (await _put(http, A, "focus-area", "0x17"))[0] == 200
        await _put(http, A, "focus-mode", "AF-S")
        assert (await _get(http, A, "focus-area"))["formatted"] == "Expand Flexible Spot"
        await _put(http, A, "focus-mode", "MF")
        assert (await _get(http, A, "focus-area"))["writable"] == "false"


async def test_priority_key_holds_everything(server: LiveViewServer) -> None:
    async with aiohttp.ClientSession(server.url) as http:
        async with http.put(
            f"/api/cameras/{A}/priority-key", json={"setting": "camera-position"}
        ) as resp:
            assert resp.status == 200
        for name in ("iso", "focus-mode", "drive-mode", "exposure-program-mode"):
            data = await _get(http, A, name)
            assert data["writable"] == "false" and data["available_values"] == []
        assert (await _put(http, A, "drive-mode", "Single Shooting"))[0] == 400
        async with http.put(f"/api/cameras/{A}/properties/iso", json={}) as resp:
            assert resp.status == 400


async def test_zoom_and_focus_motors(server: LiveViewServer) -> None:
    settings = server.cameras[Z].settings
    async with aiohttp.ClientSession(server.url) as http:
        url = f"/api/cameras/{A}/actions"
        async with http.post(f"{url}/zoom", json={"speed": 3}) as resp:
            assert resp.status == 400  # the kit lens has no power zoom
        url = f"/api/cameras/{Z}/actions"
        async with http.post(f"{url}/zoom", json={"direction": "in", "speed": "fast"}) as resp:
            assert resp.status == 200
        settings.zoom_since -= 1.0  # a second of zooming, without waiting for it
        async with http.post(f"{url}/zoom", json={"speed": 0}) as resp:
            assert resp.status == 200
        assert settings.zoom == pytest.approx(0.4, abs=0.05) and settings.zoom_speed == 0
        assert (await _get(http, Z, "zoom-distance"))["formatted"] == "24mm"
        async with http.post(f"{url}/zoom", json={"speed": 11}) as resp:
            assert resp.status == 400
        async with http.post(f"{url}/focus-near-far", json={"step": 3}) as resp:
            assert resp.status == 400  # AF-S: the lens takes no manual focus steps
        await _put(http, Z, "focus-mode", "MF")
        for step, status in ((3, 200), (-1, 200), (0, 400), (8, 400), (True, 400)):
            async with http.post(f"{url}/focus-near-far", json={"step": step}) as resp:
                assert resp.status == status, step
        assert settings.focus_position == 5200
        async with http.post(f"{url}/af-shutter") as resp:
            assert resp.status == 400  # MF: no autofocus
