"""Camera properties and motors of the Camera Remote client, against the simulated server."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from custom_components.camhub.api.errors import DeviceError, ProtocolError
from custom_components.camhub.api.liveview import (
    CameraProperty,
    LiveViewClient,
    PropertyOption,
    PropertyValueError,
    choose_value,
    parse_all_properties,
    parse_property,
)
from simulator import LiveViewServer, SimCamera, Simulator
from simulator.liveview_camera import POWER_ZOOM_LENS, SimSettings

A, Z = "D10F60149B0C", "D06CE05E3323"


@pytest.fixture
async def server(socket_enabled: None) -> AsyncIterator[LiveViewServer]:
    async with Simulator() as sim:
        yield await sim.add_liveview(
            cameras=[SimCamera(A), SimCamera(Z, settings=SimSettings(lens=POWER_ZOOM_LENS))]
        )


@pytest.fixture
async def client(server: LiveViewServer) -> AsyncIterator[LiveViewClient]:
    async with aiohttp.ClientSession() as session:
        yield LiveViewClient(session, server.url)


def _prop(*labels: str, writable: bool = True) -> CameraProperty:
    options = tuple(PropertyOption(f"{i:#x}", label) for i, label in enumerate(labels))
    return CameraProperty("white-balance", "0x1", labels[1], writable, options)


def test_labels_are_unique() -> None:
    prop = _prop("Auto", "Custom", "Custom")
    assert prop.labels == ["Auto", "Custom (0x1)", "Custom (0x2)"]
    assert prop.current == "Custom (0x1)" and prop.settable
    assert choose_value(prop, "Custom (0x2)") == "0x2"
    assert choose_value(prop, "0x0") == "0x0"
    with pytest.raises(PropertyValueError, match=r"'Custom' is not available .*Auto"):
        choose_value(prop, "Custom")
    held = _prop("Auto", "Daylight", writable=False)
    assert not held.settable and held.current == "Daylight"
    with pytest.raises(PropertyValueError, match="not writable now"):
        choose_value(held, "Auto")
    odd = CameraProperty("x", "zz", "?", True, (PropertyOption("zz", "?"),))
    assert odd.current == "?"  # non-hex values compare as text
    assert CameraProperty("x", "0x5", "five", False).current == "five"  # not among the options


def test_parse_shapes() -> None:
    single = parse_property(
        {
            "success": True,
            "data": {
                "property": "iso",
                "value": "0x64",
                "formatted": "ISO 100",
                "writable": "false",
                "available_values": [],
            },
        }
    )
    assert single == CameraProperty("iso", "0x64", "ISO 100", False, ())
    bare = {"property": "battery-remain", "value": 80, "formatted": "80%"}
    assert parse_property({"success": True, "data": bare}).options == ()  # a read-only value
    bulk = parse_all_properties(
        {
            "success": True,
            "data": {
                "properties": {
                    "iso": {
                        "current_value": 100,
                        "current_hex_value": "0x64",
                        "current_formatted": "ISO 100",
                        "writable": True,
                        "available_values": [
                            {"value": 100, "hex_value": "0x64", "formatted": "ISO 100"}
                        ],
                    }
                },
                "total_properties": 1,
            },
        }
    )
    assert bulk["iso"].options == (PropertyOption("0x64", "ISO 100"),)
    for bad in (
        {"success": True, "data": {"properties": []}},
        {"success": True, "data": {"properties": {"iso": 5}}},
        {"success": True, "data": {"properties": {"iso": {"current_hex_value": True}}}},
        {
            "success": True,
            "data": {
                "properties": {
                    "iso": {
                        "current_hex_value": "0x1",
                        "current_formatted": "1",
                        "available_values": {},
                    }
                }
            },
        },
        {
            "success": True,
            "data": {
                "properties": {
                    "iso": {
                        "current_hex_value": "0x1",
                        "current_formatted": "1",
                        "available_values": ["0x1"],
                    }
                }
            },
        },
    ):
        with pytest.raises(ProtocolError):
            parse_all_properties(bad)


async def test_read_and_write(server: LiveViewServer, client: LiveViewClient) -> None:
    props = await client.properties(A)
    assert props["iso"].current == "ISO AUTO" and props["iso"].settable
    assert not props["aperture"].writable and props["aperture"].current == "f/4"
    await client.set_property(A, "exposure-program-mode", "Manual")
    await client.set_property(A, "aperture", "f/2.8")
    assert server.cameras[A].settings.aperture == 280
    one = await client.camera_property(A, "aperture")
    assert one.writable and one.current == "f/2.8"
    await client.set_property(Z, "exposure-program-mode", "Manual")
    with pytest.raises(PropertyValueError, match=r"'f/2\.8' is not available for aperture"):
        await client.set_property(Z, "aperture", "f/2.8")  # an f/4 lens
    await client.set_priority_key(A, "camera-position")
    with pytest.raises(PropertyValueError, match="not writable"):
        await client.set_property(A, "iso", "ISO 100")
    with pytest.raises(DeviceError):
        await client.camera_property(A, "flash-mode")


async def test_motors(server: LiveViewServer, client: LiveViewClient) -> None:
    settings = server.cameras[Z].settings
    await client.zoom_nudge(Z, 10, 0.2)
    assert settings.zoom_speed == 0 and 0.05 < settings.zoom < 0.2
    with pytest.raises(DeviceError, match="power zoom"):
        await client.zoom(A, 5)
    for speed in (-11, 11):
        with pytest.raises(ValueError, match="zoom speed"):
            await client.zoom(Z, speed)
    await client.set_property(Z, "focus-mode", "MF")
    await client.focus_near_far(Z, -7)
    assert settings.focus_position == 4300
    for step in (0, 8, -8):
        with pytest.raises(ValueError, match="focus step"):
            await client.focus_near_far(Z, step)
