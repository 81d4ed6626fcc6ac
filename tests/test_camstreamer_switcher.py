"""CamSwitcher through Home Assistant: the audio source (`StreamSwitchAudio`), the default
playlist (`SwitcherStart`), the playlist queue, and playlists that share a name."""

from __future__ import annotations

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.camhub.const import DOMAIN
from simulator import AxisCamera, Simulator

from .conftest import setup_axis_entry
from .test_camstreamer import FULL, MAIN, ORGAN, P, call, pushed, state, until


async def test_audio_source_follows_the_switcher(
    hass: HomeAssistant, axis: AxisCamera, axis_entry: MockConfigEntry
) -> None:
    await pushed(hass, axis_entry)
    await until(hass, lambda: state(hass, "sensor.audio_source") == "Main camera", "init audio")
    assert state(hass, "sensor.default_playlist") == "Main camera"
    registry = er.async_get(hass)
    entity = registry.async_get(f"sensor.{P}default_playlist")
    assert entity is not None and entity.entity_category is not None
    axis.switch_playlist(ORGAN)  # on the camera: both video and audio follow
    await until(hass, lambda: state(hass, "sensor.audio_source") == "Organ camera", "audio")
    await call(hass, "select", "select_option", "master_audio", option="Stream: Main camera")
    await until(hass, lambda: state(hass, "sensor.audio_source") == "Main camera", "master")
    assert state(hass, "select.playlist") == "Organ camera"  # the video did not move


async def test_queue_sensors_follow_pushes_and_buttons(
    hass: HomeAssistant, axis: AxisCamera, axis_entry: MockConfigEntry
) -> None:
    await pushed(hass, axis_entry)
    assert state(hass, "sensor.queued_playlists") == "0"
    assert state(hass, "sensor.next_in_queue") == "unknown"
    for playlist in ("Full service", "Organ camera"):
        await hass.services.async_call(
            DOMAIN,
            "queue_playlist",
            {"config_entry_id": axis_entry.entry_id, "playlist": playlist},
            blocking=True,
        )
    assert axis.queue == [FULL, ORGAN]
    assert state(hass, "sensor.queued_playlists") == "2"
    assert state(hass, "sensor.next_in_queue") == "Full service"
    await call(hass, "button", "press", "play_next_in_queue")
    assert axis.current_playlist == FULL
    assert state(hass, "sensor.queued_playlists") == "1"
    assert state(hass, "sensor.next_in_queue") == "Organ camera"
    axis.queue.append(MAIN)  # pushed from the camera's own UI: no event says so ...
    axis.switch_playlist(ORGAN)  # ... but a switch makes the integration read it again
    await until(hass, lambda: state(hass, "sensor.queued_playlists") == "2", "queue re-read")
    await call(hass, "button", "press", "clear_queue")
    assert state(hass, "sensor.queued_playlists") == "0"


async def test_playlists_sharing_a_name_stay_distinct(hass: HomeAssistant, sim: Simulator) -> None:
    camera = await sim.add_axis_camera(serial="ACCC8E000009")
    twin = "c9f8e7d6c-0000-4000-8000-000000000009"
    camera.playlists[twin] = {"niceName": "Main camera", "kind": "camera"}
    entry = await setup_axis_entry(hass, camera)
    await pushed(hass, entry)
    select = hass.states.get(f"select.{P}playlist")
    assert select is not None
    options = select.attributes["options"]
    assert len(options) == len(set(options)) == 5
    mine = next(o for o in options if o.startswith("Main camera (c9"))
    await call(hass, "select", "select_option", "playlist", option=mine)
    assert camera.current_playlist == twin
    await until(hass, lambda: state(hass, "select.playlist") == mine, "twin plays")
    first = next(o for o in options if o.startswith("Main camera (c0"))
    await call(hass, "select", "select_option", "playlist", option=first)
    assert camera.current_playlist == MAIN


@pytest.mark.parametrize("generation", ["old"])
async def test_old_generation_reports_audio_too(
    hass: HomeAssistant, sim: Simulator, generation: str
) -> None:
    camera = await sim.add_axis_camera(serial="ACCC8E00000A", generation="old")
    entry = await setup_axis_entry(hass, camera)
    await pushed(hass, entry)
    await until(hass, lambda: state(hass, "sensor.audio_source") == "Main camera", "audio")
    camera.default_playlist = ORGAN
    camera.restart_app("camswitcher")  # the app restarts and greets with SwitcherStart again
    await until(hass, lambda: state(hass, "sensor.default_playlist") == "Organ camera", "start")
    await pushed(hass, entry)  # reconnected: nothing is left in flight at teardown
    assert await hass.config_entries.async_unload(entry.entry_id)
