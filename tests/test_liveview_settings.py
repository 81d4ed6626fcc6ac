"""Sony shooting settings through Home Assistant: selects from the camera's live properties."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import replace
from unittest.mock import patch

import pytest
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.camhub.api.errors import ConnectError
from custom_components.camhub.api.liveview import CameraProperty
from simulator import LiveViewServer, SimCamera, Simulator
from simulator.liveview_camera import AUTO, MF, POWER_ZOOM_LENS, Lens, SimSettings

from .conftest import LIVEVIEW_CAM_A, LIVEVIEW_CAM_B, setup_liveview_entry

A, B = "ilce_7m4", "ilce_fx3"


async def wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Pushed state arrives asynchronously: poll until it has."""
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.02)


@pytest.fixture
async def server(sim: Simulator) -> LiveViewServer:
    """A kit-lens ILCE-7M4 and an FX3 with a power zoom f/4 lens."""
    return await sim.add_liveview(
        cameras=[
            SimCamera(LIVEVIEW_CAM_A, model="ILCE-7M4"),
            SimCamera(
                LIVEVIEW_CAM_B,
                model="ILCE-FX3",
                osd_supported=False,
                movie_supported=False,
                settings=SimSettings(lens=POWER_ZOOM_LENS),
            ),
        ]
    )


@pytest.fixture
async def entry(hass: HomeAssistant, server: LiveViewServer) -> MockConfigEntry:
    entry = await setup_liveview_entry(hass, server)
    coordinator = entry.runtime_data.coordinator
    await wait_for(lambda: coordinator.push_connected)
    return entry


def state(hass: HomeAssistant, entity_id: str) -> str:
    current = hass.states.get(entity_id)
    assert current is not None, entity_id
    return current.state


def options(hass: HomeAssistant, entity_id: str) -> list[str]:
    current = hass.states.get(entity_id)
    assert current is not None, entity_id
    return list(current.attributes["options"])


async def select(hass: HomeAssistant, entity_id: str, option: str) -> None:
    await hass.services.async_call(
        "select", "select_option", {"entity_id": entity_id, "option": option}, blocking=True
    )


async def test_selects_show_the_live_values(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    assert state(hass, f"select.{A}_exposure_program") == "Program Auto"
    assert state(hass, f"select.{A}_iso") == "ISO AUTO"
    assert options(hass, f"select.{A}_iso")[:2] == ["ISO AUTO", "ISO 100"]
    assert state(hass, f"select.{A}_focus_mode") == "AF-S"
    assert state(hass, f"select.{A}_drive_mode") == "Single Shooting"
    assert state(hass, f"select.{A}_exposure_compensation") == "0.0"
    # Program Auto: the camera sets aperture and shutter speed itself.
    assert state(hass, f"select.{A}_aperture") == STATE_UNAVAILABLE
    assert state(hass, f"select.{A}_shutter_speed") == STATE_UNAVAILABLE
    # Two white balances share the label "Custom": each option still names one value.
    assert {"Custom (0x101)", "Custom (0x102)"} <= set(options(hass, f"select.{A}_white_balance"))
    assert hass.states.get(f"button.{A}_zoom_in") is None  # the kit lens has no power zoom
    assert state(hass, f"sensor.{B}_zoom_position") == "16mm"
    assert state(hass, f"button.{A}_focus_nearer") == "unknown"
    registry = er.async_get(hass)
    iso = registry.async_get(f"select.{A}_iso")
    assert iso is not None and iso.unique_id.endswith("iso")


async def test_a_choice_reaches_the_camera(
    hass: HomeAssistant, server: LiveViewServer, entry: MockConfigEntry
) -> None:
    camera = server.cameras[LIVEVIEW_CAM_A].settings
    await select(hass, f"select.{A}_iso", "ISO 400")
    assert camera.iso == 400
    assert state(hass, f"select.{A}_iso") == "ISO 400"
    await select(hass, f"select.{A}_drive_mode", "Continuous Shooting: Hi")
    assert camera.drive_mode == 0x10002
    await select(hass, f"select.{A}_white_balance", "Custom (0x102)")
    assert camera.white_balance == 0x102


async def test_options_follow_other_settings(
    hass: HomeAssistant, server: LiveViewServer, entry: MockConfigEntry
) -> None:
    await select(hass, f"select.{A}_exposure_program", "Manual")
    await select(hass, f"select.{B}_exposure_program", "Manual")
    # Manual: aperture and shutter are the user's now; the lens bounds the apertures.
    assert state(hass, f"select.{A}_aperture") == "f/4"
    assert options(hass, f"select.{A}_aperture")[0] == "f/2.8"
    assert options(hass, f"select.{B}_aperture")[0] == "f/4"
    await select(hass, f"select.{A}_shutter_speed", "1/1000")
    assert server.cameras[LIVEVIEW_CAM_A].settings.shutter == (1 << 16) | 1000
    # The Tracking focus areas exist only in continuous AF.
    assert "Tracking: Wide" not in options(hass, f"select.{A}_focus_area")
    await select(hass, f"select.{A}_focus_mode", "AF-C")
    assert "Tracking: Wide" in options(hass, f"select.{A}_focus_area")
    await select(hass, f"select.{A}_focus_area", "Tracking: Wide")
    await select(hass, f"select.{A}_focus_mode", "AF-S")
    assert state(hass, f"select.{A}_focus_area") == "Wide"  # the camera moved it back


async def test_events_update_options(
    hass: HomeAssistant, server: LiveViewServer, entry: MockConfigEntry
) -> None:
    """A change made on the body arrives as `propertyChanged`: CamHub re-reads."""
    camera = server.cameras[LIVEVIEW_CAM_A]
    before = server.properties(camera)
    camera.settings.write("exposure-program-mode", 0x3)  # the mode dial turned to A
    server.changed(camera, "exposure-program-mode", "aperture")
    await wait_for(lambda: state(hass, f"select.{A}_aperture") == "f/4")
    assert state(hass, f"select.{A}_exposure_program") == "Aperture Priority"
    assert before["aperture"] != server.properties(camera)["aperture"]


async def test_not_writable_is_unavailable(
    hass: HomeAssistant, server: LiveViewServer, entry: MockConfigEntry
) -> None:
    client = entry.runtime_data.host.client
    await client.set_priority_key(LIVEVIEW_CAM_A, "camera-position")  # the body takes over
    await wait_for(lambda: state(hass, f"select.{A}_iso") == STATE_UNAVAILABLE)
    for key in ("exposure_program", "focus_mode", "drive_mode", "white_balance"):
        assert state(hass, f"select.{A}_{key}") == STATE_UNAVAILABLE
    assert state(hass, f"select.{B}_iso") == "ISO AUTO"  # the other camera is unaffected
    await client.set_priority_key(LIVEVIEW_CAM_A, "pc-remote")
    await wait_for(lambda: state(hass, f"select.{A}_iso") == "ISO AUTO")


async def test_a_value_the_camera_no_longer_offers_is_refused(
    hass: HomeAssistant, server: LiveViewServer, entry: MockConfigEntry
) -> None:
    """Options are a snapshot: the write re-reads and refuses, translated, without a write."""
    camera = server.cameras[LIVEVIEW_CAM_A].settings
    camera.program = AUTO  # silently: no event, so the entity still offers ISO 400
    camera.settle()
    with pytest.raises(ServiceValidationError) as err:
        await select(hass, f"select.{A}_iso", "ISO 400")
    assert err.value.translation_key == "invalid_value"
    assert "iso is not writable now" in err.value.translation_placeholders["error"]
    assert camera.iso != 400
    camera.program = 0x2
    server.cameras[LIVEVIEW_CAM_B].settings.program = 0x1
    await select(hass, f"select.{B}_exposure_program", "Manual")  # B reads f/4 .. f/22
    assert "f/22" in options(hass, f"select.{B}_aperture")
    server.cameras[LIVEVIEW_CAM_B].settings.lens = Lens("E 16-50mm F4-16", 4.0, 16.0)  # swapped
    with pytest.raises(ServiceValidationError) as err:
        await select(hass, f"select.{B}_aperture", "f/22")
    assert err.value.translation_key == "invalid_value"
    assert "'f/22' is not available for aperture" in err.value.translation_placeholders["error"]


async def test_zoom_and_focus_buttons(
    hass: HomeAssistant, server: LiveViewServer, entry: MockConfigEntry
) -> None:
    settings = server.cameras[LIVEVIEW_CAM_B].settings
    await hass.services.async_call(
        "button", "press", {"entity_id": f"button.{B}_zoom_in"}, blocking=True
    )
    assert settings.zoom_speed == 0 and settings.zoom > 0.05  # moved, and stopped
    assert state(hass, f"sensor.{B}_zoom_position") != "16mm"
    zoomed = settings.zoom
    await hass.services.async_call(
        "button", "press", {"entity_id": f"button.{B}_zoom_out"}, blocking=True
    )
    assert settings.zoom < zoomed
    with pytest.raises(HomeAssistantError) as err:  # AF-S: the body refuses manual steps
        await hass.services.async_call(
            "button", "press", {"entity_id": f"button.{B}_focus_farther"}, blocking=True
        )
    assert err.value.translation_key == "device_error"
    settings.focus_mode = MF
    await hass.services.async_call(
        "button", "press", {"entity_id": f"button.{B}_focus_farther"}, blocking=True
    )
    await hass.services.async_call(
        "button", "press", {"entity_id": f"button.{B}_focus_nearer"}, blocking=True
    )
    await hass.services.async_call(
        "button", "press", {"entity_id": f"button.{B}_focus_farther"}, blocking=True
    )
    assert settings.focus_position == 5300


async def test_a_failed_reread_after_a_write_refreshes(
    hass: HomeAssistant,
    server: LiveViewServer,
    entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The write went through: a failing re-read is logged and a full refresh follows."""
    host = entry.runtime_data.host
    caplog.set_level(logging.DEBUG, "custom_components.camhub.families.liveview.host")
    real, calls = host.client.properties, []

    async def fails_once(camera_id: str) -> dict[str, CameraProperty]:
        calls.append(camera_id)
        if len(calls) == 1:
            raise ConnectError("gone")
        return await real(camera_id)

    with patch.object(host.client, "properties", side_effect=fails_once):
        await select(hass, f"select.{A}_drive_mode", "Self-timer: 2s")
        await wait_for(lambda: state(hass, f"select.{A}_drive_mode") == "Self-timer: 2s")
    assert server.cameras[LIVEVIEW_CAM_A].settings.drive_mode == 0x30001
    assert "Re-reading the properties of D10F60149B0C failed: gone" in caplog.text

    async def camera_left(camera_id: str) -> dict[str, CameraProperty]:
        data = host.coordinator.data
        host.coordinator.async_set_updated_data(
            replace(data, cameras={k: v for k, v in data.cameras.items() if k != camera_id})
        )
        return {}

    with patch.object(host.client, "properties", side_effect=camera_left):
        await host.reread_properties(LIVEVIEW_CAM_A)
    assert LIVEVIEW_CAM_A not in host.coordinator.data.cameras  # nothing re-added
