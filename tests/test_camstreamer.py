"""Axis cameras with the CamStreamer apps in Home Assistant: entities, pushed state, lifecycle.

Everything runs against the simulated Axis camera on loopback; changes made on the simulator
(as if by the camera's own web UI or its I/O) must reach entity states through the apps'
event WebSockets, without HTTP polling.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from homeassistant.components.camera import async_get_image, async_get_stream_source
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.camhub.const import DOMAIN
from custom_components.camhub.families.camstreamer import CamStreamerHost
from simulator import AxisCamera, Simulator
from simulator.camstreamer import SimService, SimStream

from .conftest import AXIS_SERIAL, axis_data, setup_axis_entry

P = "axis_m1065_l_"
MAIN = "c0a1b2c3d-0000-4000-8000-000000000001"
ORGAN = "c0a1b2c3d-0000-4000-8000-000000000002"
FULL = "p0a1b2c3d-0000-4000-8000-000000000004"
LIST_PATHS = (
    "/local/camstreamer/stream_list.cgi",
    "/local/camstreamer/stream/list.cgi",
    "/local/camswitcher/api/playlists.cgi",
    "/local/camswitcher/playlists.cgi",
    "/local/camoverlay/api/services.cgi",
    "/axis-cgi/applications/list.cgi",
    "/axis-cgi/basicdeviceinfo.cgi",
)


async def until(hass: HomeAssistant, check: Callable[[], Any], what: str = "") -> None:
    """Wait (real time, at most 20 s) until `check()` is true: events travel over sockets.

    Reconnects and refreshes after an app restart may wait for the coordinator's 10 s
    refresh cooldown, hence the long limit.
    """
    for _ in range(2000):
        await hass.async_block_till_done()
        if check():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"timed out waiting for {what or check}")


def state(hass: HomeAssistant, entity: str) -> str | None:
    """The state of `<domain>.axis_m1065_l_<name>`."""
    domain, name = entity.split(".", 1)
    st = hass.states.get(f"{domain}.{P}{name}")
    return st.state if st else None


def device(entry: MockConfigEntry) -> CamStreamerHost:
    host = entry.runtime_data.host
    assert isinstance(host, CamStreamerHost)
    return host


async def pushed(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Wait until every event channel is up (the coordinator stops polling)."""
    await until(hass, lambda: entry.runtime_data.coordinator.push_connected, "push mode")


async def fire_timers(hass: HomeAssistant, seconds: float) -> None:
    """Run the timers due `seconds` from now (real time is left alone: sockets need it)."""
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=seconds))
    await hass.async_block_till_done()


def list_requests(camera: AxisCamera) -> int:
    return sum(camera.stats.requests[p] for p in LIST_PATHS)


async def call(hass: HomeAssistant, domain: str, service: str, entity: str, **data: Any) -> None:
    await hass.services.async_call(
        domain, service, {"entity_id": f"{domain}.{P}{entity}", **data}, blocking=True
    )


# --- entities ---------------------------------------------------------------------------------


@pytest.mark.parametrize("generation", ["new", "old"])
async def test_entities_of_every_app(hass: HomeAssistant, sim: Simulator, generation: str) -> None:
    camera = await sim.add_axis_camera(serial=AXIS_SERIAL, generation=generation)  # type: ignore[arg-type]
    if generation == "old":
        camera.streams["11"].params["title"] = "Sunday mass"
    entry = await setup_axis_entry(hass, camera)
    assert entry.state is ConfigEntryState.LOADED
    await pushed(hass, entry)
    registry = er.async_get(hass)
    dev = dr.async_get(hass).async_get_device_by_identifier((DOMAIN, AXIS_SERIAL), entry.entry_id)
    assert dev is not None
    assert (dev.manufacturer, dev.model, dev.serial_number) == (
        "Axis Communications",
        "M1065-L",
        AXIS_SERIAL,
    )
    assert dev.connections == {(dr.CONNECTION_NETWORK_MAC, "ac:cc:8e:00:00:01")}
    expected = {
        "switch.sunday_mass_broadcast": STATE_OFF,
        "switch.sunday_mass_active": STATE_ON,
        "binary_sensor.sunday_mass_streaming": STATE_OFF,
        "sensor.sunday_mass_automation": "none",
        "binary_sensor.i_o_port_0": STATE_OFF,
        "binary_sensor.i_o_port_1": STATE_OFF,
        "select.playlist": "Main camera",
        "select.master_audio": "none",
        "binary_sensor.main_camera_available": STATE_ON,
        "binary_sensor.organ_camera_available": STATE_ON,
        "button.play_next_in_queue": "unknown",
        "button.clear_queue": "unknown",
        "switch.overlays": STATE_ON,
        "switch.news_ticker_overlay": STATE_ON,
        "switch.scoreboard_overlay": STATE_OFF,
        "switch.images_5_overlay": STATE_ON,
        "text.news_ticker_text": "Welcome",
        "camera.camera": "idle",
        "camera.camswitcher_output": "idle",
    }
    # Stream 12 has no title: it is named from its platform (old lists have neither: its id).
    s12 = "facebook" if generation == "new" else "12"
    expected |= {
        f"switch.{s12}_broadcast": STATE_ON,
        f"binary_sensor.{s12}_streaming": STATE_ON,
    }
    assert {k: state(hass, k) for k in expected} == expected
    select = hass.states.get(f"select.{P}playlist")
    assert select.attributes["options"] == [
        "Main camera",
        "Organ camera",
        "Intro clip",
        "Full service",
    ]
    assert hass.states.get(f"select.{P}master_audio").attributes["options"] == [
        "none",
        "silence",
        "Stream: Main camera",
        "Stream: Organ camera",
        "Clip: Intro clip",
    ]
    # Statistics are diagnostics, disabled by default; controls are config.
    bytes_sent = registry.async_get(f"sensor.{P}sunday_mass_bytes_sent")
    assert bytes_sent.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    assert bytes_sent.entity_category is er.EntityCategory.DIAGNOSTIC
    active = registry.async_get(f"switch.{P}sunday_mass_active")
    assert active.entity_category is er.EntityCategory.CONFIG
    assert registry.async_get(f"select.{P}master_audio").entity_category is (
        er.EntityCategory.CONFIG
    )


async def test_controls_write_to_the_camera(
    hass: HomeAssistant, axis: AxisCamera, axis_entry: MockConfigEntry
) -> None:
    await pushed(hass, axis_entry)
    await call(hass, "switch", "turn_on", "sunday_mass_broadcast")
    await until(hass, lambda: state(hass, "binary_sensor.sunday_mass_streaming") == STATE_ON)
    assert axis.streams["11"].enabled
    assert state(hass, "switch.sunday_mass_broadcast") == STATE_ON
    await call(hass, "switch", "turn_off", "sunday_mass_active")
    await until(hass, lambda: state(hass, "switch.sunday_mass_active") == STATE_OFF)
    assert not axis.streams["11"].active
    assert state(hass, "binary_sensor.sunday_mass_streaming") == STATE_OFF

    await call(hass, "select", "select_option", "playlist", option="Full service")
    assert axis.current_playlist == FULL
    await until(hass, lambda: state(hass, "select.playlist") == "Full service")
    with pytest.raises(ServiceValidationError):
        await call(hass, "select", "select_option", "playlist", option="Nope")

    for option, wire in (
        ("Stream: Organ camera", {"type": "STREAM", "stream_name": ORGAN}),
        ("Clip: Intro clip", {"type": "CLIP", "clip_name": next(iter(axis_clips(axis)))}),
        ("silence", {"type": "SILENCE"}),
        ("none", {"type": "NONE"}),
    ):
        await call(hass, "select", "select_option", "master_audio", option=option)
        assert axis.master_audio == wire
        assert state(hass, "select.master_audio") == option

    axis.queue[:] = [ORGAN, MAIN]
    await call(hass, "button", "press", "play_next_in_queue")
    assert axis.current_playlist == ORGAN
    await until(hass, lambda: state(hass, "select.playlist") == "Organ camera")
    await call(hass, "button", "press", "clear_queue")
    assert axis.queue == []

    await call(hass, "switch", "turn_off", "overlays")
    assert not axis.overlay_enabled
    assert state(hass, "switch.overlays") == STATE_OFF
    await call(hass, "switch", "turn_on", "scoreboard_overlay")
    assert axis.services[2].enabled
    await until(hass, lambda: state(hass, "switch.scoreboard_overlay") == STATE_ON)
    await call(hass, "text", "set_value", "news_ticker_text", value="Mass at 10:00")
    assert axis.services[1].source == "Mass at 10:00"
    assert state(hass, "text.news_ticker_text") == "Mass at 10:00"


def axis_clips(camera: AxisCamera) -> list[str]:
    return [pid for pid, p in camera.playlists.items() if p["kind"] == "clip"]


async def test_device_errors_are_translated(
    hass: HomeAssistant, axis: AxisCamera, axis_entry: MockConfigEntry
) -> None:
    await pushed(hass, axis_entry)
    axis.faults.status = 500
    with pytest.raises(HomeAssistantError) as err:
        await call(hass, "switch", "turn_on", "sunday_mass_broadcast")
    assert err.value.translation_domain == DOMAIN
    with pytest.raises(HomeAssistantError):
        await call(hass, "button", "press", "clear_queue")
    axis.faults.clear()
    assert not axis.streams["11"].enabled


async def test_cameras_snapshot_and_stream_sources(
    hass: HomeAssistant,
    axis: AxisCamera,
    axis_entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    image = await async_get_image(hass, f"camera.{P}camera")
    assert image.content[:2] == b"\xff\xd8"
    source = await async_get_stream_source(hass, f"camera.{P}camera")
    assert source == f"rtsp://root:pass@{axis.host}:554/axis-media/media.amp"
    # CamSwitcher's link is single-use: a fresh one each time, with the camera's host.
    first = await async_get_stream_source(hass, f"camera.{P}camswitcher_output")
    second = await async_get_stream_source(hass, f"camera.{P}camswitcher_output")
    assert first != second
    assert first.startswith(f"rtsp://root:pass@{axis.host}:1554/")
    assert first.rsplit("/", 1)[1] == axis.output_links[-2]
    with pytest.raises(HomeAssistantError):
        await async_get_image(hass, f"camera.{P}camswitcher_output")
    # Live MJPEG through Home Assistant's own view, from the camera's video.cgi.
    client = await hass_client()
    resp = await client.get(f"/api/camera_proxy_stream/camera.{P}camera")
    assert resp.status == 200
    chunk = await resp.content.read(4096)
    assert b"\xff\xd8" in chunk
    resp.close()
    assert axis.stats.requests["/axis-cgi/mjpg/video.cgi"] == 1


# --- pushed state -----------------------------------------------------------------------------


async def test_camera_changes_are_pushed_without_polling(
    hass: HomeAssistant, axis: AxisCamera, axis_entry: MockConfigEntry
) -> None:
    await pushed(hass, axis_entry)
    coordinator = axis_entry.runtime_data.coordinator
    assert coordinator.update_interval is None
    axis.stats.reset()
    axis.set_stream_enabled("11", True)
    await until(hass, lambda: state(hass, "switch.sunday_mass_broadcast") == STATE_ON)
    assert state(hass, "binary_sensor.sunday_mass_streaming") == STATE_ON
    axis.set_port(1, True)
    await until(hass, lambda: state(hass, "binary_sensor.i_o_port_1") == STATE_ON)
    axis.switch_playlist(ORGAN)
    await until(hass, lambda: state(hass, "select.playlist") == "Organ camera")
    axis.set_source_available(MAIN, False)
    await until(hass, lambda: state(hass, "binary_sensor.main_camera_available") == STATE_OFF)
    axis.set_service_enabled(5, False)
    await until(hass, lambda: state(hass, "switch.images_5_overlay") == STATE_OFF)
    assert sum(axis.stats.requests.values()) == 0  # not one HTTP request


async def test_event_sockets_that_want_the_camera_login(
    hass: HomeAssistant, axis: AxisCamera
) -> None:
    """Firmware that protects the event paths: the upgrade answers the Digest challenge."""
    axis.ws_login = True
    entry = await setup_axis_entry(hass, axis)
    await pushed(hass, entry)
    axis.stats.reset()
    axis.set_stream_enabled("11", True)
    await until(hass, lambda: state(hass, "switch.sunday_mass_broadcast") == STATE_ON)
    assert sum(axis.stats.requests.values()) == 0


async def test_input_trigger_and_automation_sensor(hass: HomeAssistant, sim: Simulator) -> None:
    camera = await sim.add_axis_camera(serial=AXIS_SERIAL)
    camera.streams["11"].params["trigger"] = "input1"
    camera.streams["11"].enabled = True
    entry = await setup_axis_entry(hass, camera)
    await pushed(hass, entry)
    assert state(hass, "sensor.sunday_mass_automation") == "input"
    assert state(hass, "binary_sensor.sunday_mass_streaming") == STATE_OFF
    camera.set_port(1, True)  # the input starts the broadcast
    await until(hass, lambda: state(hass, "binary_sensor.sunday_mass_streaming") == STATE_ON)
    assert state(hass, "binary_sensor.i_o_port_1") == STATE_ON


async def test_stream_statistics_polled_slowly_while_live(
    hass: HomeAssistant, axis: AxisCamera
) -> None:
    registry = er.async_get(hass)  # enabled before set-up: they are disabled by default
    for key, name in (("bytes_sent", "bytes_sent"), ("start_count", "starts")):
        registry.async_get_or_create(
            "sensor",
            DOMAIN,
            f"{AXIS_SERIAL}_stream_12_{key}",
            suggested_object_id=f"{P}facebook_{name}",
        )
    axis_entry = await setup_axis_entry(hass, axis)
    await pushed(hass, axis_entry)
    axis.set_stream_enabled("11", True)  # live too, but its statistics sensors are disabled
    await until(hass, lambda: state(hass, "binary_sensor.sunday_mass_streaming") == STATE_ON)
    # Stream 12 is live: its statistics were read at start-up.
    assert int(state(hass, "sensor.facebook_starts") or 0) == 0
    assert state(hass, "sensor.facebook_bytes_sent") not in (None, STATE_UNAVAILABLE)
    before = axis.stats.requests["/local/camstreamer/get_streamstat.cgi"]
    axis.stats.requests["/local/camstreamer/stream_list.cgi"] = 0
    await fire_timers(hass, 61)
    stats = "/local/camstreamer/get_streamstat.cgi"
    await until(hass, lambda: axis.stats.requests[stats] == before + 1, "statistics")
    await fire_timers(hass, 1)
    assert axis.stats.requests[stats] == before + 1  # stream 12 only
    assert axis.stats.requests["/local/camstreamer/stream_list.cgi"] == 0, axis.stats.requests


# --- dynamic items ----------------------------------------------------------------------------


async def test_streams_services_and_ports_come_and_go(
    hass: HomeAssistant, axis: AxisCamera, axis_entry: MockConfigEntry
) -> None:
    await pushed(hass, axis_entry)
    registry = er.async_get(hass)
    axis.add_stream(SimStream("13", title="Christmas", platform="youtube"))
    await until(hass, lambda: state(hass, "switch.christmas_broadcast") == STATE_OFF, "new stream")
    axis.remove_stream("11")
    await until(
        hass,
        lambda: registry.async_get(f"switch.{P}sunday_mass_broadcast") is None,
        "stale stream removed",
    )
    assert hass.states.get(f"switch.{P}sunday_mass_broadcast") is None
    assert registry.async_get(f"binary_sensor.{P}sunday_mass_streaming") is None
    # A service announced by an event before the lists know it: read the lists once.
    axis.services[7] = SimService(7, "infoticker", "Weather ticker", False, source="Sunny")
    axis.set_service_enabled(7, True)
    await until(hass, lambda: state(hass, "text.weather_ticker_text") == "Sunny", "new service")
    assert state(hass, "switch.weather_ticker_overlay") == STATE_ON
    del axis.services[7]
    axis.restart_app("camoverlay")
    await until(
        hass, lambda: registry.async_get(f"text.{P}weather_ticker_text") is None, "service gone"
    )
    axis.set_port(3, True)  # a port only events announce
    await until(hass, lambda: state(hass, "binary_sensor.i_o_port_3") == STATE_ON)
    # A new playlist announced by a switch event.
    axis.playlists["c0a1b2c3d-0000-4000-8000-000000000009"] = {
        "niceName": "Choir camera",
        "kind": "camera",
    }
    axis.switch_playlist("c0a1b2c3d-0000-4000-8000-000000000009")
    await until(hass, lambda: state(hass, "select.playlist") == "Choir camera", "new playlist")


async def test_reboot_recovers_without_reload(
    hass: HomeAssistant, axis: AxisCamera, axis_entry: MockConfigEntry
) -> None:
    await pushed(hass, axis_entry)
    coordinator = axis_entry.runtime_data.coordinator
    await axis.restart(down_for=0.3)
    axis.streams["11"].enabled = True  # changed while nobody listened
    await until(hass, lambda: coordinator.push_connected, "reconnected")
    await until(hass, lambda: state(hass, "switch.sunday_mass_broadcast") == STATE_ON)
    assert axis_entry.state is ConfigEntryState.LOADED
    # A dropped socket catches up from the init data too.
    await axis.drop_event_sockets()
    axis.streams["12"].enabled = False
    await until(hass, lambda: state(hass, "switch.facebook_broadcast") == STATE_OFF)


async def test_camera_down_polls_then_goes_unavailable_and_back(
    hass: HomeAssistant, axis: AxisCamera, axis_entry: MockConfigEntry
) -> None:
    await pushed(hass, axis_entry)
    coordinator = axis_entry.runtime_data.coordinator
    await axis.stop()
    await until(hass, lambda: not coordinator.push_connected, "channels down")
    assert coordinator.update_interval is not None  # polling while the channels are down
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    assert state(hass, "switch.sunday_mass_broadcast") == STATE_UNAVAILABLE
    await axis.start()
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    assert state(hass, "switch.sunday_mass_broadcast") == STATE_OFF
    await until(hass, lambda: coordinator.push_connected, "channels back")


async def test_not_ready_when_the_camera_is_down(hass: HomeAssistant, sim: Simulator) -> None:
    camera = await sim.add_axis_camera(serial=AXIS_SERIAL)
    await camera.stop()
    entry = MockConfigEntry(
        domain=DOMAIN, unique_id=AXIS_SERIAL, data=axis_data(camera), title="AXIS"
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_RETRY


# --- apps: subsets, licences, repairs ---------------------------------------------------------


async def test_only_camstreamer_installed(hass: HomeAssistant, sim: Simulator) -> None:
    camera = await sim.add_axis_camera(serial=AXIS_SERIAL, apps=("camstreamer",))
    entry = await setup_axis_entry(hass, camera)
    await pushed(hass, entry)
    assert state(hass, "switch.sunday_mass_broadcast") == STATE_OFF
    assert state(hass, "select.playlist") is None
    assert state(hass, "switch.overlays") is None
    assert state(hass, "camera.camswitcher_output") is None
    assert state(hass, "camera.camera") == "idle"


async def test_unlicensed_and_stopped_apps_raise_repairs(
    hass: HomeAssistant, sim: Simulator
) -> None:
    camera = await sim.add_axis_camera(serial=AXIS_SERIAL)
    camera.set_app("camswitcher", license="Missing")
    camera.set_app("camoverlay", status="Stopped")
    entry = await setup_axis_entry(hass, camera)
    await pushed(hass, entry)
    issues = ir.async_get(hass)
    unlicensed = issues.async_get_issue(DOMAIN, f"{AXIS_SERIAL}_camswitcher_unlicensed")
    assert unlicensed is not None
    assert unlicensed.translation_key == "app_unlicensed"
    assert unlicensed.translation_placeholders["app"] == "CamSwitcher"
    stopped = issues.async_get_issue(DOMAIN, f"{AXIS_SERIAL}_camoverlay_not_running")
    assert stopped is not None
    assert state(hass, "select.playlist") is None
    assert state(hass, "switch.overlays") is None
    # Fixed on the camera: the slow check of the apps list notices, issues go, entities come.
    camera.set_app("camswitcher", license="Valid")
    camera.set_app("camoverlay", status="Running")
    await fire_timers(hass, 61)
    await until(hass, lambda: state(hass, "select.playlist") == "Main camera", "switcher back")
    assert issues.async_get_issue(DOMAIN, f"{AXIS_SERIAL}_camswitcher_unlicensed") is None
    assert issues.async_get_issue(DOMAIN, f"{AXIS_SERIAL}_camoverlay_not_running") is None
    await until(hass, lambda: state(hass, "switch.overlays") == STATE_ON, "overlay back")


async def test_removing_the_entry_removes_its_repairs(hass: HomeAssistant, sim: Simulator) -> None:
    camera = await sim.add_axis_camera(serial=AXIS_SERIAL)
    camera.set_app("camswitcher", license="Missing")
    entry = await setup_axis_entry(hass, camera)
    await pushed(hass, entry)
    issues = ir.async_get(hass)
    ir.async_create_issue(  # another integration's issue stays
        hass, "other", "x", is_fixable=False, severity=ir.IssueSeverity.WARNING, translation_key="x"
    )
    assert issues.async_get_issue(DOMAIN, f"{AXIS_SERIAL}_camswitcher_unlicensed") is not None
    assert await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert issues.async_get_issue(DOMAIN, f"{AXIS_SERIAL}_camswitcher_unlicensed") is None
    assert issues.async_get_issue("other", "x") is not None


# --- diagnostics, unload ----------------------------------------------------------------------


async def test_diagnostics_redact_and_unload(
    hass: HomeAssistant,
    axis: AxisCamera,
    axis_entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    await pushed(hass, axis_entry)
    diag = await get_diagnostics_for_config_entry(hass, hass_client, axis_entry)
    assert diag["family"] == "camstreamer"
    assert diag["update_interval"] == "None"
    assert diag["state"]["info"]["serial"] == "**REDACTED**"
    assert diag["state"]["streams"]["11"]["name"] == "Sunday mass"
    assert "'pass'" not in str(diag)
    assert axis.host not in str(diag)
    assert await hass.config_entries.async_unload(axis_entry.entry_id)
    await hass.async_block_till_done()
    assert axis_entry.state is ConfigEntryState.NOT_LOADED
    await until(hass, lambda: not any(axis.sockets.values()), "sockets closed")


async def test_events_during_a_fetch_are_not_lost(
    hass: HomeAssistant, axis: AxisCamera, axis_entry: MockConfigEntry
) -> None:
    await pushed(hass, axis_entry)
    coordinator = axis_entry.runtime_data.coordinator
    axis.faults.latency = 0.5  # every list request takes a while
    axis.stats.reset()
    refresh = hass.async_create_task(coordinator.async_refresh())
    async with asyncio.timeout(10):  # not `until`: it would wait for the refresh to end
        while list_requests(axis) == 0:
            await asyncio.sleep(0.01)
    axis.switch_playlist(ORGAN)  # pushed while the lists are being read
    axis.set_port(0, True)
    await until(hass, lambda: state(hass, "binary_sensor.i_o_port_0") == STATE_ON)
    await refresh
    axis.faults.clear()
    await hass.async_block_till_done()
    assert state(hass, "select.playlist") == "Organ camera"
    assert state(hass, "binary_sensor.i_o_port_0") == STATE_ON


async def test_app_stopped_and_started_again(
    hass: HomeAssistant, axis: AxisCamera, axis_entry: MockConfigEntry
) -> None:
    await pushed(hass, axis_entry)
    coordinator = axis_entry.runtime_data.coordinator
    registry = er.async_get(hass)
    axis.set_app("camoverlay", status="Stopped")  # its socket closes: polling takes over
    await until(hass, lambda: not coordinator.push_connected, "overlay channel down")
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    # Kept, unavailable: the user's names, areas and automations survive a stopped app.
    assert registry.async_get(f"switch.{P}overlays") is not None
    assert state(hass, "switch.overlays") == STATE_UNAVAILABLE
    assert state(hass, "switch.images_5_overlay") == STATE_UNAVAILABLE
    issue = f"{AXIS_SERIAL}_camoverlay_not_running"
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue) is not None
    assert state(hass, "switch.sunday_mass_broadcast") == STATE_OFF  # the others carry on
    axis.set_app("camoverlay", status="Running")
    await coordinator.async_refresh()
    await until(hass, lambda: coordinator.push_connected, "overlay channel back")
    assert state(hass, "switch.overlays") == STATE_ON
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue) is None
    # Uninstalled for good: then its entities go.
    del axis.apps["camoverlay"]
    axis.restart_app("camoverlay")
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    assert registry.async_get(f"switch.{P}overlays") is None
    assert state(hass, "switch.sunday_mass_broadcast") == STATE_OFF


async def test_pushed_events_reach_only_their_items_entities(
    hass: HomeAssistant, axis: AxisCamera, axis_entry: MockConfigEntry
) -> None:
    """An I/O port event writes the port's entity, not every stream entity (routing)."""
    await pushed(hass, axis_entry)
    axis.set_port(0, True)  # a new port: entities may appear, so every listener hears it
    await until(hass, lambda: state(hass, "binary_sensor.i_o_port_0") == STATE_ON)

    def reported(entity_id: str) -> datetime:
        found = hass.states.get(f"{entity_id.split('.')[0]}.{P}{entity_id.split('.')[1]}")
        assert found is not None, entity_id
        return found.last_reported

    stream_before = reported("switch.facebook_broadcast")
    port_before = reported("binary_sensor.i_o_port_0")
    axis.set_port(0, False)  # a known port: routed to its entity only
    await until(hass, lambda: state(hass, "binary_sensor.i_o_port_0") == STATE_OFF)
    assert reported("binary_sensor.i_o_port_0") > port_before
    assert reported("switch.facebook_broadcast") == stream_before
    axis.set_stream_enabled("12", False)  # a stream event: its entities, not the port's
    await until(hass, lambda: state(hass, "switch.facebook_broadcast") == STATE_OFF)
    assert reported("binary_sensor.i_o_port_0") > port_before  # unchanged since the port event
    port_after = reported("binary_sensor.i_o_port_0")
    axis.set_stream_enabled("12", True)
    await until(hass, lambda: state(hass, "switch.facebook_broadcast") == STATE_ON)
    assert reported("binary_sensor.i_o_port_0") == port_after
