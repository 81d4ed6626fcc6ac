"""The doorbell blueprint loads in Home Assistant and does what it says, against the simulator.

It is copied into the test configuration's blueprints folder (as a user would, or as
`blueprint/import` does) and used by an automation for the doorbell event entity CamHub's
2N intercoms get (`event.front_door_doorbell`). A state change of that entity like the event
platform writes (the event's time as the state, `event_type: ring`) must save the camera's
frame from the moment of the ring and notify with its picture.
"""

from __future__ import annotations

import asyncio
import shutil
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_mock_service

from simulator import Intercom2N, parse_frame_tag

BLUEPRINT = Path(__file__).parents[1] / "blueprints" / "automation" / "camhub"
DOORBELL = "event.front_door_doorbell"
CAMERA = "camera.front_door_internal_camera"
AUTOMATION = "automation.doorbell_snapshot"


@pytest.fixture
def notifications(hass: HomeAssistant) -> list[ServiceCall]:
    return async_mock_service(hass, "notify", "doorbell")


async def use_blueprint(hass: HomeAssistant, config_dir: Path, inputs: dict[str, Any]) -> None:
    hass.config.config_dir = str(config_dir)
    shutil.copytree(BLUEPRINT, config_dir / "blueprints" / "automation" / "camhub")
    automation = {
        "id": "doorbell_snapshot",
        "alias": "Doorbell snapshot",
        "use_blueprint": {"path": "camhub/doorbell_snapshot.yaml", "input": inputs},
    }
    assert await async_setup_component(hass, "automation", {"automation": [automation]})
    await hass.async_block_till_done()


def inputs(folder: Path) -> dict[str, Any]:
    return {
        "doorbell": DOORBELL,
        "camera": CAMERA,
        "folder": str(folder),
        "url_path": "/local/camhub",
        "notify_action": "notify.doorbell",
    }


def ring(hass: HomeAssistant, seconds_ago: float, state: str | None = None) -> float:
    """Write the doorbell's state as the event platform does; return the ring's time."""
    at = dt_util.utcnow() - timedelta(seconds=seconds_ago)
    attributes = {"event_type": "ring", "event_types": ["ring"], "device_class": "doorbell"}
    hass.states.async_set(DOORBELL, state or at.isoformat(timespec="milliseconds"), attributes)
    return at.timestamp()


async def test_the_blueprint_saves_the_frame_of_the_ring_and_notifies(
    hass: HomeAssistant,
    intercom: Intercom2N,
    intercom_entry: MockConfigEntry,
    notifications: list[ServiceCall],
    tmp_path: Path,
) -> None:
    folder = tmp_path / "www" / "camhub"
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    await use_blueprint(hass, tmp_path, inputs(folder))
    state = hass.states.get(AUTOMATION)
    assert state is not None and state.state == "on"

    hass.states.async_set(DOORBELL, "unknown", {"event_type": None, "device_class": "doorbell"})
    rang_at = ring(hass, seconds_ago=4)  # the automation runs 4 s after the ring
    await hass.async_block_till_done()

    pictures = list(folder.glob("doorbell_*.jpg"))
    assert len(pictures) == 1
    tag = parse_frame_tag(pictures[0].read_bytes())
    assert tag is not None
    assert abs(tag.t - rang_at) < 1.5  # the frame from the ring, not from now
    assert len(notifications) == 1
    data = notifications[0].data
    assert data["message"] == "Someone is at the door."
    assert data["data"]["image"] == f"/local/camhub/{pictures[0].name}"


async def test_coming_back_from_unavailable_is_not_a_ring(
    hass: HomeAssistant,
    intercom_entry: MockConfigEntry,
    notifications: list[ServiceCall],
    tmp_path: Path,
) -> None:
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    await use_blueprint(hass, tmp_path, inputs(tmp_path / "pictures"))
    hass.states.async_set(DOORBELL, "unavailable", {"device_class": "doorbell"})
    ring(hass, seconds_ago=60)  # the last ring's time, restored
    await hass.async_block_till_done()
    assert notifications == []
    hass.states.async_set(DOORBELL, "2026-12-01T00:00:00+00:00", {"event_type": "motion"})
    await hass.async_block_till_done()
    assert notifications == []  # not a ring


async def test_the_blueprint_requires_its_inputs(hass: HomeAssistant, tmp_path: Path) -> None:
    await use_blueprint(hass, tmp_path, {"camera": CAMERA})  # no doorbell
    state = hass.states.get(AUTOMATION)
    assert state is not None and state.state == "unavailable"


async def test_a_real_ring_runs_the_blueprint(
    hass: HomeAssistant,
    intercom: Intercom2N,
    intercom_entry: MockConfigEntry,
    notifications: list[ServiceCall],
    tmp_path: Path,
) -> None:
    """End to end: the simulated visitor rings, the doorbell entity fires, the picture is saved."""
    folder = tmp_path / "www" / "camhub"
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    await use_blueprint(hass, tmp_path, inputs(folder))
    coordinator = intercom_entry.runtime_data.coordinator
    async with asyncio.timeout(5):
        while not coordinator.push_connected:
            await asyncio.sleep(0.01)
    rang_at = time.time()
    intercom.ring()
    async with asyncio.timeout(10):
        while not notifications:
            await asyncio.sleep(0.02)
    await hass.async_block_till_done()
    pictures = list(folder.glob("doorbell_*.jpg"))
    assert len(pictures) == 1
    tag = parse_frame_tag(pictures[0].read_bytes())
    assert tag is not None
    assert abs(tag.t - rang_at) < 1.5
    state = hass.states.get(DOORBELL)
    assert state is not None and state.attributes["event_type"] == "ring"
