"""The automation blueprints in blueprints/automation/camhub/, loaded into Home Assistant.

Each blueprint is copied into the test configuration's blueprints folder, an automation is
made from it through `use_blueprint` (as the blueprint UI does), and then made to act against
the simulated devices: a door opens and a picture file appears; the start time comes and the
camera starts its broadcast, the stop time and it stops.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import EVENT_CALL_SERVICE, STATE_ON
from homeassistant.core import Event, HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from simulator import AxisCamera, Intercom2N

BLUEPRINTS = Path(__file__).resolve().parent.parent / "blueprints" / "automation" / "camhub"
DOOR = "binary_sensor.front_door_contact"
BROADCAST = "switch.axis_m1065_l_sunday_mass_broadcast"


@pytest.fixture(autouse=True)
async def automations_off(hass: HomeAssistant) -> AsyncIterator[None]:
    """Turn the test's automation off at the end: its time triggers hold timers."""
    yield
    if hass.services.has_service("automation", "turn_off"):
        await hass.services.async_call(
            "automation", "turn_off", {"entity_id": "all"}, blocking=True
        )


@pytest.fixture
def shots(hass: HomeAssistant, tmp_path: Path) -> Path:
    """A config folder with CamHub's blueprints, and an allowed folder for pictures."""
    hass.config.config_dir = str(tmp_path)
    target = tmp_path / "blueprints" / "automation" / "camhub"
    target.mkdir(parents=True)
    for blueprint in BLUEPRINTS.glob("*.yaml"):
        shutil.copy(blueprint, target / blueprint.name)
    folder = tmp_path / "www"
    folder.mkdir()
    hass.config.allowlist_external_dirs = {str(folder)}
    return folder


async def automation_from(hass: HomeAssistant, blueprint: str, inputs: dict[str, Any]) -> None:
    """An automation made from one of the blueprints; it must load and be on."""
    config = {"id": "camhub_test", "alias": "CamHub test", "use_blueprint": {}}
    config["use_blueprint"] = {"path": f"camhub/{blueprint}", "input": inputs}
    assert await async_setup_component(hass, "automation", {"automation": [config]})
    await hass.async_block_till_done()
    state = hass.states.get("automation.camhub_test")
    assert state is not None and state.state == STATE_ON, state


def calls(hass: HomeAssistant) -> list[str]:
    """`domain.service` of every action called from now on."""
    seen: list[str] = []

    def record(event: Event) -> None:
        seen.append(f"{event.data['domain']}.{event.data['service']}")

    hass.bus.async_listen(EVENT_CALL_SERVICE, record)
    return seen


async def until(check: Callable[[], bool], what: str) -> None:
    """The automation runs in the background; wait for what it does, bounded."""
    try:
        async with asyncio.timeout(10):
            while not check():
                await asyncio.sleep(0.05)
    except TimeoutError:
        raise AssertionError(f"timed out waiting for {what}") from None


async def open_door(hass: HomeAssistant) -> None:
    """Any binary sensor will do: here one set directly, closed, then opened."""
    hass.states.async_set(DOOR, "off", {"device_class": "door"})
    await hass.async_block_till_done()
    hass.states.async_set(DOOR, "on", {"device_class": "door"})
    await hass.async_block_till_done()


def is_jpeg(path: Path) -> bool:
    return path.is_file() and path.read_bytes()[:2] == b"\xff\xd8"


async def test_snapshot_when_a_door_opens_on_a_2n_takes_a_past_frame(
    hass: HomeAssistant, shots: Path, intercom: Intercom2N, intercom_entry: MockConfigEntry
) -> None:
    picture = shots / "door.jpg"
    await automation_from(
        hass,
        "snapshot_on_door_open.yaml",
        {
            "door": DOOR,
            "camera": "camera.front_door_internal_camera",
            "seconds_ago": 5,
            "filename": str(picture),
        },
    )
    called = calls(hass)
    await open_door(hass)
    await until(lambda: is_jpeg(picture), "the 2N's picture")
    assert "camhub.snapshot_history" in called
    assert "camera.snapshot" not in called


async def test_snapshot_when_a_door_opens_on_another_camera_takes_the_current_image(
    hass: HomeAssistant, shots: Path, axis: AxisCamera, axis_entry: MockConfigEntry
) -> None:
    await automation_from(
        hass,
        "snapshot_on_door_open.yaml",
        {
            "door": DOOR,
            "camera": "camera.axis_m1065_l_camera",
            "filename": str(shots) + "/door_{{ now().strftime('%H%M%S') }}.jpg",
        },
    )
    called = calls(hass)
    await open_door(hass)
    await until(lambda: any(is_jpeg(p) for p in shots.glob("door_*.jpg")), "the picture")
    assert "camera.snapshot" in called
    assert "camhub.snapshot_history" not in called


def at(moment: datetime) -> str:
    return moment.strftime("%H:%M:00")


async def when(hass: HomeAssistant, freezer: FrozenDateTimeFactory, moment: datetime) -> None:
    """The clock reaches `moment` (templates read it with now(), time triggers fire)."""
    freezer.move_to(moment)
    async_fire_time_changed(hass, moment)
    await hass.async_block_till_done()


async def test_a_broadcast_on_a_schedule_starts_and_stops(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    shots: Path,
    axis: AxisCamera,
    axis_entry: MockConfigEntry,
) -> None:
    start = dt_util.now().replace(second=0, microsecond=0) + timedelta(minutes=2)
    stop = start + timedelta(minutes=3)
    await automation_from(
        hass,
        "broadcast_schedule.yaml",
        {"broadcast": BROADCAST, "start_time": at(start), "stop_time": at(stop)},
    )
    assert not axis.streams["11"].enabled
    await when(hass, freezer, start)
    await until(lambda: axis.streams["11"].enabled, "the camera to start the broadcast")
    await when(hass, freezer, start + timedelta(minutes=1))
    assert axis.streams["11"].enabled  # nothing happens between start and stop
    await when(hass, freezer, stop)
    await until(lambda: not axis.streams["11"].enabled, "the camera to stop the broadcast")


async def test_a_broadcast_without_a_stop_time_keeps_running(
    hass: HomeAssistant, shots: Path, axis: AxisCamera, axis_entry: MockConfigEntry
) -> None:
    start = dt_util.now().replace(second=0, microsecond=0) + timedelta(minutes=2)
    await automation_from(
        hass,
        "broadcast_schedule.yaml",
        {
            "broadcast": BROADCAST,
            "start_time": at(start),
            "weekdays": [start.strftime("%a").lower()],
        },
    )
    async_fire_time_changed(hass, start)
    await until(lambda: axis.streams["11"].enabled, "the camera to start the broadcast")
    for minutes in (1, 60, 600):
        async_fire_time_changed(hass, start + timedelta(minutes=minutes))
        await hass.async_block_till_done()
    assert axis.streams["11"].enabled


async def test_a_broadcast_is_not_started_on_other_weekdays(
    hass: HomeAssistant, shots: Path, axis: AxisCamera, axis_entry: MockConfigEntry
) -> None:
    start = dt_util.now().replace(second=0, microsecond=0) + timedelta(minutes=2)
    other_day = (start + timedelta(days=1)).strftime("%a").lower()
    await automation_from(
        hass,
        "broadcast_schedule.yaml",
        {"broadcast": BROADCAST, "start_time": at(start), "weekdays": [other_day]},
    )
    called = calls(hass)
    async_fire_time_changed(hass, start)
    await hass.async_block_till_done()
    assert "switch.turn_on" not in called
    assert not axis.streams["11"].enabled
