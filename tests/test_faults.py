"""Faults through Home Assistant against the simulator's fault injection, for every family.

- device down at start-up: setup retry, then loaded by itself once it is back;
- device restart with entities and an MJPEG viewer live: the viewer keeps its HTTP response
  and frames resume, the entry is not reloaded, the entities end available, at most one
  failure line is logged;
- after unload: no CamHub task, no FrameHub upstream, no open stream or socket on the device
  (the harness itself fails a test that leaves a timer behind);
- event sockets (CamStreamer apps): dropped, refused, answered with an expired token: a
  fresh token each attempt, capped jittered backoff, state resynchronised, never two sockets
  for one app;
- a slow device does not block the event loop and does not delay another device;
- a write that fails gives a translated error and the entity keeps the device's real state.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_OFF, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.camhub.const import DOMAIN
from simulator import AxisCamera, Simulator

from .conftest import intercom_data, setup_axis_entry
from .test_camera import open_viewer
from .test_camstreamer import pushed, until
from .test_secrets import FAMILIES, add_family

APPS = ("camstreamer", "camswitcher", "camoverlay")


def cameras_of(hass: HomeAssistant, entry: MockConfigEntry) -> list[str]:
    """The entry's camera entities that serve MJPEG (not RTSP-only outputs)."""
    entities = er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
    return sorted(
        e.entity_id for e in entities if e.domain == "camera" and "output" not in e.entity_id
    )


def camhub_tasks() -> list[asyncio.Task[object]]:
    """Tasks running CamHub code (by the file of their coroutine), this one excepted."""
    found = []
    for task in asyncio.all_tasks():
        code = getattr(task.get_coro(), "cr_code", None)
        if (
            task is not asyncio.current_task()
            and code
            and "custom_components/camhub" in (code.co_filename)
        ):
            found.append(task)
    return found


async def fire(hass: HomeAssistant, seconds: float) -> None:
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=seconds))
    await hass.async_block_till_done()


@pytest.mark.parametrize("key", FAMILIES)
async def test_down_at_start_then_loaded_by_itself(
    hass: HomeAssistant, sim: Simulator, key: str
) -> None:
    family = await add_family(hass, sim, key)
    entry = family.entry
    assert await hass.config_entries.async_unload(entry.entry_id)
    await family.device.stop()
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_RETRY
    await family.device.start()
    # Home Assistant retries 5, 10, 20, 40 s ... apart: the next retry is within a minute.
    await fire(hass, 61)
    for _ in range(300):  # the retried set-up runs as a background task: real time
        if entry.state is ConfigEntryState.LOADED:
            break
        await asyncio.sleep(0.01)
    assert entry.state is ConfigEntryState.LOADED
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()


@pytest.mark.parametrize("key", FAMILIES)
async def test_restart_with_a_live_viewer_then_unload_leaves_nothing(
    hass: HomeAssistant,
    sim: Simulator,
    hass_client: ClientSessionGenerator,
    caplog: pytest.LogCaptureFixture,
    key: str,
) -> None:
    family = await add_family(hass, sim, key)
    entry = family.entry
    runtime = entry.runtime_data
    camera = cameras_of(hass, entry)[0]
    client = await hass_client()
    viewer = await open_viewer(client, camera)
    await viewer.read(2, timeout=20)
    await family.device.restart(down_for=2.0)
    assert len(await viewer.read(2, timeout=40)) == 2  # the same response goes on
    await until(hass, lambda: hass.states.get(camera).state != STATE_UNAVAILABLE, "available")
    assert entry.state is ConfigEntryState.LOADED and entry.runtime_data is runtime  # no reload
    failures = [r for r in caplog.records if "Error fetching" in r.getMessage()]
    assert len(failures) <= 1
    viewer.response.close()
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    await asyncio.sleep(0.2)
    assert camhub_tasks() == []
    assert not any(hub.running for hub in runtime.hubs.values())
    await until(hass, lambda: family.device.stats.open_streams == 0, "device streams closed")


@pytest.fixture
async def axis_entry_fast(hass: HomeAssistant, axis: AxisCamera) -> MockConfigEntry:
    entry = await setup_axis_entry(hass, axis)
    await pushed(hass, entry)
    return entry


def watch_sockets(axis: AxisCamera) -> tuple[asyncio.Task[None], list[int]]:
    """Sample the camera's authorised sockets per app; the list keeps the highest count."""
    most = [0]

    async def sample() -> None:
        while True:
            most[0] = max(most[0], *(len(axis.sockets[app]) for app in APPS))
            await asyncio.sleep(0.005)

    return asyncio.get_running_loop().create_task(sample()), most


def broadcast_switch(hass: HomeAssistant) -> str:
    """The Sunday mass stream's broadcast switch (its id follows the device's name)."""
    return next(
        e.entity_id
        for e in er.async_get(hass).entities.values()
        if e.entity_id.endswith("sunday_mass_broadcast")
    )


def token_requests(axis: AxisCamera) -> int:
    return sum(n for path, n in axis.stats.requests.items() if "ws_authorization" in path)


async def test_event_socket_dropped_refused_and_expired(
    hass: HomeAssistant, axis: AxisCamera, axis_entry_fast: MockConfigEntry
) -> None:
    coordinator = axis_entry_fast.runtime_data.coordinator
    sampler, most = watch_sockets(axis)
    switch = broadcast_switch(hass)
    try:
        # Dropped: back with a fresh token, and a change made meanwhile is caught up.
        tokens = token_requests(axis)
        await axis.drop_event_sockets()
        axis.streams["11"].enabled = True
        await until(hass, lambda: hass.states.get(switch).state == "on", "resync after drop")
        await until(hass, lambda: coordinator.push_connected, "reconnected")
        assert token_requests(axis) >= tokens + len(APPS)
        # Expired: every token is refused until tokens live again.
        axis.token_lifetime = -1.0
        await axis.drop_event_sockets()
        await until(hass, lambda: not coordinator.push_connected, "channels down")
        failing = token_requests(axis)
        await asyncio.sleep(2.5)
        assert token_requests(axis) > failing  # retried, each with a new token
        axis.token_lifetime = 30.0
        axis.streams["11"].enabled = False
        await until(hass, lambda: coordinator.push_connected, "back after expired tokens")
        await until(hass, lambda: hass.states.get(switch).state == STATE_OFF, "resync")
        # Refused at the HTTP upgrade (the web server answers 503 for a while).
        axis.faults.status = 503
        await axis.drop_event_sockets()
        await asyncio.sleep(2.0)
        axis.faults.clear()
        await until(hass, lambda: coordinator.push_connected, "back after refusals")
    finally:
        sampler.cancel()
    assert most[0] == 1  # never two sockets for one app
    for app in APPS:
        assert len(axis.sockets[app]) == 1


async def test_backoff_is_capped_and_jittered(
    hass: HomeAssistant, axis: AxisCamera, axis_entry_fast: MockConfigEntry
) -> None:
    """The channels' delays: exponential from 1 s, at most 60 s, never in lock-step."""
    channels = axis_entry_fast.runtime_data.host.channels
    delays = [[channel.backoff(n) for n in range(1, 12)] for channel in channels.values()]
    for row in delays:
        assert max(row) <= 60 * 1.25 and row[0] <= 1.25
    assert len({round(row[5], 6) for row in delays}) == len(delays)  # jitter tells them apart


async def test_slow_device_blocks_neither_the_loop_nor_others(
    hass: HomeAssistant, sim: Simulator
) -> None:
    from .conftest import load_entry

    slow = await sim.add_intercom_2n(name="Slow", serial="54-0000-0101")
    fast = await sim.add_intercom_2n(name="Fast", serial="54-0000-0102")
    slow_entry = await load_entry(hass, "Slow", slow.serial, intercom_data(slow), {})
    fast_entry = await load_entry(hass, "Fast", fast.serial, intercom_data(fast), {})
    slow.faults.latency = 3.0
    loop = asyncio.get_running_loop()
    refresh = loop.create_task(slow_entry.runtime_data.coordinator.async_refresh())
    lag = 0.0
    started = loop.time()
    await asyncio.sleep(0.05)
    before = loop.time()
    await fast_entry.runtime_data.coordinator.async_refresh()
    fast_took = loop.time() - before
    while not refresh.done():
        tick = loop.time()
        await asyncio.sleep(0.01)
        lag = max(lag, loop.time() - tick - 0.01)
    assert loop.time() - started >= 2.9  # the slow device really was slow
    assert fast_took < 1.0 and lag < 0.2
    assert fast_entry.runtime_data.coordinator.last_update_success


async def test_failed_write_is_translated_and_state_stays_real(
    hass: HomeAssistant, axis: AxisCamera, axis_entry_fast: MockConfigEntry
) -> None:
    switch = broadcast_switch(hass)
    assert hass.states.get(switch).state == STATE_OFF
    axis.faults.status = 500
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call("switch", "turn_on", {"entity_id": switch}, blocking=True)
    assert err.value.translation_domain == DOMAIN
    axis.faults.clear()
    await hass.async_block_till_done()
    assert hass.states.get(switch).state == STATE_OFF
    assert axis.streams["11"].enabled is False


async def test_restarted_camera_gets_no_login_burst(
    hass: HomeAssistant, axis: AxisCamera, axis_entry_fast: MockConfigEntry
) -> None:
    """After a reboot: one token per app channel (plus a retry at most), spread in time."""
    coordinator = axis_entry_fast.runtime_data.coordinator
    axis.stats.reset()
    await axis.restart(down_for=1.0)
    await until(hass, lambda: coordinator.push_connected, "reconnected")
    await asyncio.sleep(1.0)
    assert token_requests(axis) <= 2 * len(APPS)
    assert sum(axis.stats.requests.values()) < 60
