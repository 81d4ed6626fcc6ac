"""Axis video channels (`camera=N`) and PTZ presets (`gotoserverpresetname=`) through Home
Assistant, against the simulated camera."""

from __future__ import annotations

import pytest
from homeassistant.components.camera import async_get_image, async_get_stream_source
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.camhub.api.camstreamer import parse_channels, parse_presets
from simulator import AxisCamera, Simulator
from simulator.axis_ptz import AxisVideo

from .conftest import setup_axis_entry
from .test_camstreamer import P, call, pushed, state, until


async def multi(sim: Simulator) -> AxisCamera:
    camera = await sim.add_axis_camera(serial="ACCC8E0000B1")
    camera.video = AxisVideo(channels=3, presets={1: ["Home", "Altar"], 2: ["Door"]})
    return camera


async def test_a_camera_entity_per_channel(
    hass: HomeAssistant, sim: Simulator, hass_client: ClientSessionGenerator
) -> None:
    camera = await multi(sim)
    await setup_axis_entry(hass, camera)
    for entity in ("camera", "camera_2", "camera_3"):
        assert hass.states.get(f"camera.{P}{entity}") is not None, entity
    assert hass.states.get(f"camera.{P}camera_4") is None
    image = await async_get_image(hass, f"camera.{P}camera_2")
    assert image.content[:2] == b"\xff\xd8"
    assert camera.stats.requests["/axis-cgi/jpg/image.cgi"] == 1
    source = await async_get_stream_source(hass, f"camera.{P}camera_3")
    assert source == f"rtsp://root:pass@{camera.host}:554/axis-media/media.amp?camera=3"
    source = await async_get_stream_source(hass, f"camera.{P}camera")
    assert source == f"rtsp://root:pass@{camera.host}:554/axis-media/media.amp"
    client = await hass_client()
    resp = await client.get(f"/api/camera_proxy_stream/camera.{P}camera_3")
    assert resp.status == 200
    assert b"\xff\xd8" in await resp.content.read(4096)
    resp.close()
    camera.video.channels = 1  # a channel that went (view area disabled) fails loudly
    with pytest.raises(HomeAssistantError):
        await async_get_image(hass, f"camera.{P}camera_2")


async def test_single_channel_camera_without_ptz_has_neither(
    hass: HomeAssistant, axis: AxisCamera
) -> None:
    await setup_axis_entry(hass, axis)
    assert hass.states.get(f"camera.{P}camera") is not None
    assert hass.states.get(f"camera.{P}camera_2") is None
    assert hass.states.get(f"select.{P}ptz_preset") is None


async def test_ptz_presets_select_moves_the_camera(hass: HomeAssistant, sim: Simulator) -> None:
    camera = await multi(sim)
    entry = await setup_axis_entry(hass, camera)
    await pushed(hass, entry)
    select = hass.states.get(f"select.{P}ptz_preset")
    assert select is not None
    assert select.attributes["options"] == ["Home", "Altar"]
    assert select.state == "unknown"  # the camera does not say where it is
    await call(hass, "select", "select_option", "ptz_preset", option="Altar")
    assert camera.video.moves == [(1, "Altar")]
    assert state(hass, "select.ptz_preset") == "Altar"
    door = hass.states.get(f"select.{P}ptz_preset_2")
    assert door is not None and door.attributes["options"] == ["Door"]
    await call(hass, "select", "select_option", "ptz_preset_2", option="Door")
    assert camera.video.moves[-1] == (2, "Door")
    assert hass.states.get(f"select.{P}ptz_preset_3") is None  # channel 3 has no presets
    with pytest.raises(ServiceValidationError):
        await call(hass, "select", "select_option", "ptz_preset", option="Door")
    camera.video.presets = {1: ["Home"]}  # a preset removed on the camera goes on refresh
    await entry.runtime_data.coordinator.async_refresh()
    await until(hass, lambda: hass.states.get(f"select.{P}ptz_preset_2") is None, "gone")


def test_preset_and_channel_parsers() -> None:
    body = (
        b"Preset Positions for camera 1\r\npresetposno5=North\r\npresetposno1=Home\r\n"
        b"presetposno2=\r\nPreset Positions for camera 2\r\npresetposno1=Yard\r\n"
    )
    assert parse_presets(body) == {1: ("Home", "North"), 2: ("Yard",)}
    assert parse_presets(b"presetposno1=Home\n") == {1: ("Home",)}  # no header: camera 1
    assert parse_presets(b"") == {}
    assert parse_channels({"ImageSource.NbrOfSources": "4"}) == 4
    assert parse_channels({"ImageSource.NbrOfSources": "x"}) == 1
    assert parse_channels({}) == 1
