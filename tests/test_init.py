"""Setup, unload, availability and reauth of a 2N entry."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.camhub.const import DOMAIN
from simulator import Intercom2N

from .conftest import intercom_data

INTERNAL = "camera.front_door_internal_camera"


async def tick(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """31 s later: the poll (and any re-read it leads to) has run.

    Not `async_block_till_done(wait_background_tasks=True)`: the intercom's event log is a
    background task that runs until the entry unloads. The refreshes are waited for by name.
    """
    freezer.tick(timedelta(seconds=31))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    while refreshes := [
        task
        for task in asyncio.all_tasks()
        if not task.done() and any(word in task.get_name() for word in SHORT_TASKS)
    ]:
        await asyncio.wait(refreshes, timeout=10)
    await hass.async_block_till_done()


SHORT_TASKS = ("refresh", "poll after push loss", "re-read")


async def test_setup_and_unload(hass: HomeAssistant, intercom_entry: MockConfigEntry) -> None:
    assert intercom_entry.state is ConfigEntryState.LOADED
    hubs = set(intercom_entry.runtime_data.hubs)
    assert hubs == {"54-0000-0001_internal", "54-0000-0001_external"}
    assert await hass.config_entries.async_unload(intercom_entry.entry_id)
    assert intercom_entry.state is ConfigEntryState.NOT_LOADED
    assert hass.states.get(INTERNAL).state == STATE_UNAVAILABLE


async def test_device_down_at_startup_retries(hass: HomeAssistant, intercom: Intercom2N) -> None:
    await intercom.stop()
    entry = MockConfigEntry(domain=DOMAIN, unique_id=intercom.serial, data=intercom_data(intercom))
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_RETRY


async def test_wrong_password_at_startup_asks_for_reauth(
    hass: HomeAssistant, intercom: Intercom2N
) -> None:
    entry = MockConfigEntry(domain=DOMAIN, unique_id=intercom.serial, data=intercom_data(intercom))
    intercom.password = "changed"
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [f["context"]["source"] for f in flows] == ["reauth"]


async def test_unavailable_logged_once_and_recovers(
    hass: HomeAssistant,
    intercom: Intercom2N,
    intercom_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await intercom.stop()
    for _ in range(3):
        await tick(hass, freezer)
        assert hass.states.get(INTERNAL).state == STATE_UNAVAILABLE
    lost = [r for r in caplog.records if "Error fetching" in r.getMessage()]
    assert len(lost) == 1
    await intercom.start()
    await tick(hass, freezer)
    assert hass.states.get(INTERNAL).state == "idle"
    assert sum("recovered" in r.getMessage() for r in caplog.records) == 1


async def test_reauth_only_after_repeated_refusals(
    hass: HomeAssistant,
    intercom: Intercom2N,
    intercom_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    intercom.password = "rotated"
    for _ in range(2):
        await tick(hass, freezer)
        assert not hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        assert hass.states.get(INTERNAL).state == STATE_UNAVAILABLE
    await tick(hass, freezer)
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [f["context"]["source"] for f in flows] == ["reauth"]


async def test_single_refusal_then_success_does_not_reauth(
    hass: HomeAssistant,
    intercom: Intercom2N,
    intercom_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    for _ in range(3):  # refused, back, refused, back, ...: the count restarts each time
        intercom.faults.unauthorized = True
        await tick(hass, freezer)
        intercom.faults.unauthorized = False
        await tick(hass, freezer)
    assert not hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert hass.states.get(INTERNAL).state == "idle"


async def test_external_camera_removed_makes_no_crash(
    hass: HomeAssistant,
    intercom: Intercom2N,
    intercom_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    intercom.external_camera = False
    await tick(hass, freezer)
    assert hass.states.get(INTERNAL).state == "idle"
