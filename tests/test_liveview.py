"""Camera Remote live-view server through Home Assistant, against the simulated server."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import timedelta
from unittest.mock import patch

import pytest
from homeassistant.components.camera import async_get_image
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from yarl import URL

from custom_components.camhub.api.backoff import Backoff
from custom_components.camhub.const import DOMAIN
from simulator import LiveViewServer, SimCamera, parse_frame_tag

from .conftest import LIVEVIEW_CAM_A, LIVEVIEW_CAM_B, setup_liveview_entry
from .test_camera import open_viewer

A = "ilce_7m4"
B = "ilce_fx3"
LIVE_A = f"camera.{A}_live_view"
LIVE_B = f"camera.{B}_live_view"
OSD_A = f"camera.{A}_live_view_with_osd"


async def wait_for(condition: object, timeout: float = 5.0) -> None:
    """Poll a condition (a callable) until true: pushed state arrives asynchronously."""
    async with asyncio.timeout(timeout):
        while not condition():  # type: ignore[operator]
            await asyncio.sleep(0.02)


def state(hass: HomeAssistant, entity_id: str) -> str:
    current = hass.states.get(entity_id)
    assert current is not None, entity_id
    return current.state


async def test_devices_and_entities(
    hass: HomeAssistant, liveview: LiveViewServer, liveview_entry: MockConfigEntry
) -> None:
    devices = dr.async_get(hass)
    server = devices.async_get_device_by_identifier(
        (DOMAIN, liveview_entry.entry_id), liveview_entry.entry_id
    )
    assert server is not None and server.sw_version == "3.0.0"
    camera = devices.async_get_device_by_identifier(
        (DOMAIN, LIVEVIEW_CAM_A), liveview_entry.entry_id
    )
    assert camera is not None
    assert camera.model == "ILCE-7M4" and camera.manufacturer == "Sony"
    assert camera.via_device_id == server.id
    assert state(hass, LIVE_A) == "idle" and state(hass, LIVE_B) == "idle"
    assert hass.states.get(LIVE_A).attributes["friendly_name"] == "ILCE-7M4 Live view"
    for key in ("live_view", "live_view_streaming", "osd"):
        assert state(hass, f"switch.{A}_{key}") == STATE_OFF
    assert state(hass, f"switch.{A}_movie_recording") == STATE_OFF
    assert hass.states.get(f"switch.{B}_osd") is None  # OSD unsupported
    assert hass.states.get(f"switch.{B}_movie_recording") is None
    assert state(hass, f"button.{A}_shutter") == "unknown"
    assert state(hass, "sensor.camera_remote_server_connected_cameras") == "2"
    registry = er.async_get(hass)
    osd = registry.async_get(OSD_A)
    assert osd is not None and osd.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    assert registry.async_get(f"camera.{B}_live_view_with_osd") is None
    assert registry.async_get(f"switch.{A}_osd").entity_category == "config"


async def test_events_are_pushed(
    hass: HomeAssistant, liveview: LiveViewServer, liveview_entry: MockConfigEntry
) -> None:
    coordinator = liveview_entry.runtime_data.coordinator
    await wait_for(lambda: coordinator.push_connected)
    assert coordinator.update_interval is None
    liveview.cameras[LIVEVIEW_CAM_A].osd_enabled = True
    liveview.changed(liveview.cameras[LIVEVIEW_CAM_A], "osd")
    await wait_for(lambda: state(hass, f"switch.{A}_osd") == STATE_ON)


@pytest.mark.parametrize("string_status", [True, False])
async def test_switches_write_and_follow(
    hass: HomeAssistant, sim: object, string_status: bool
) -> None:
    server = await sim.add_liveview(  # type: ignore[attr-defined]
        cameras=[SimCamera(LIVEVIEW_CAM_A)], string_status=string_status
    )
    await setup_liveview_entry(hass, server)
    camera = server.cameras[LIVEVIEW_CAM_A]
    for key, check in (
        ("live_view", lambda: camera.live_view_enabled),
        ("live_view_streaming", lambda: camera.rest_streaming),
        ("osd", lambda: camera.osd_enabled),
        ("movie_recording", lambda: camera.recording),
    ):
        entity_id = f"switch.{A}_{key}"
        await hass.services.async_call("switch", "turn_on", {"entity_id": entity_id}, blocking=True)
        assert check()
        await wait_for(lambda e=entity_id: state(hass, e) == STATE_ON)
        await hass.services.async_call(
            "switch", "turn_off", {"entity_id": entity_id}, blocking=True
        )
        assert not check()
        await wait_for(lambda e=entity_id: state(hass, e) == STATE_OFF)
    # Movie recording only toggles when the state differs: turning off twice stays off.
    await hass.services.async_call(
        "switch", "turn_off", {"entity_id": f"switch.{A}_movie_recording"}, blocking=True
    )
    assert not camera.recording


async def test_shutter_and_translated_error(
    hass: HomeAssistant, liveview: LiveViewServer, liveview_entry: MockConfigEntry
) -> None:
    camera = liveview.cameras[LIVEVIEW_CAM_A]
    await hass.services.async_call(
        "button", "press", {"entity_id": f"button.{A}_shutter"}, blocking=True
    )
    assert camera.photos == 1
    camera.priority_key = "camera-position"
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            "button", "press", {"entity_id": f"button.{A}_shutter"}, blocking=True
        )
    assert err.value.translation_key == "device_error"
    assert "Priority key must be set to pc-remote" in str(err.value.translation_placeholders)
    assert camera.photos == 1


async def test_snapshot_without_stream_captures_and_restores(
    hass: HomeAssistant,
    liveview: LiveViewServer,
    liveview_entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    camera = liveview.cameras[LIVEVIEW_CAM_A]
    client = await hass_client()
    response = await client.get(f"/api/camera_proxy/{LIVE_A}")
    assert response.status == 200
    tag = parse_frame_tag(await response.read())
    assert tag is not None and tag.src.endswith(f"/{LIVEVIEW_CAM_A}")
    # No one streamed before: CamHub started streaming for the still, then put it all back.
    assert not camera.rest_streaming and not camera.live_view_enabled
    assert liveview.stats.requests[f"/api/cameras/{LIVEVIEW_CAM_A}/live-view/start"] == 1
    # While streaming runs (started by someone), a snapshot is one frame request.
    camera.rest_streaming = True
    image = await async_get_image(hass, LIVE_A)
    assert parse_frame_tag(image.content) is not None
    assert liveview.stats.requests[f"/api/cameras/{LIVEVIEW_CAM_A}/live-view/start"] == 1


async def test_five_viewers_share_one_websocket(
    hass: HomeAssistant,
    liveview: LiveViewServer,
    liveview_entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    camera = liveview.cameras[LIVEVIEW_CAM_A]
    client = await hass_client()
    viewers = [await open_viewer(client, LIVE_A) for _ in range(5)]
    await asyncio.gather(*(v.read(2) for v in viewers))  # warm-up: the stream runs
    started = time.monotonic()
    batches = await asyncio.gather(*(v.read(45, timeout=20) for v in viewers))
    elapsed = time.monotonic() - started
    # Recorded, not asserted: a shared 2-core machine makes rates noisy (see README figure).
    print(f"\n5 viewers: {45 / elapsed:.2f} fps each; websockets: {liveview.ws_opened}")
    assert liveview.ws_opened == 1 and liveview.ws_open == 1
    assert camera.live_view_enabled and camera.streaming
    for frames in batches:
        seqs = [parse_frame_tag(f).seq for f in frames]  # type: ignore[union-attr]
        assert seqs == sorted(set(seqs))
    # The last viewer leaving stops the upstream after the hub's grace period, with no
    # unload: stop_liveview is sent and live view, enabled by CamHub, is disabled again.
    for viewer in viewers:
        viewer.response.close()
    await wait_for(lambda: liveview.ws_open == 0, timeout=15)
    await wait_for(lambda: not camera.live_view_enabled)
    assert not camera.ws_viewers and not camera.streaming


async def test_two_cameras_use_two_sockets(
    hass: HomeAssistant,
    liveview: LiveViewServer,
    liveview_entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    client = await hass_client()
    viewer_a = await open_viewer(client, LIVE_A)
    viewer_b = await open_viewer(client, LIVE_B)
    frames_a, frames_b = await asyncio.gather(viewer_a.read(3), viewer_b.read(3))
    assert all(parse_frame_tag(f).src.endswith(LIVEVIEW_CAM_A) for f in frames_a)  # type: ignore[union-attr]
    assert all(parse_frame_tag(f).src.endswith(LIVEVIEW_CAM_B) for f in frames_b)  # type: ignore[union-attr]
    assert liveview.ws_opened == 2
    viewer_a.response.close()
    viewer_b.response.close()


async def test_live_view_left_enabled_when_it_was_enabled(
    hass: HomeAssistant,
    liveview: LiveViewServer,
    liveview_entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    camera = liveview.cameras[LIVEVIEW_CAM_A]
    camera.live_view_enabled = True
    client = await hass_client()
    viewer = await open_viewer(client, LIVE_A)
    await viewer.read(2)
    viewer.response.close()
    await hass.config_entries.async_unload(liveview_entry.entry_id)
    await wait_for(lambda: liveview.ws_open == 0)
    assert camera.live_view_enabled and not camera.ws_viewers


async def test_fallback_to_frame_polling(
    hass: HomeAssistant, sim: object, hass_client: ClientSessionGenerator
) -> None:
    server = await sim.add_liveview(  # type: ignore[attr-defined]
        cameras=[SimCamera(LIVEVIEW_CAM_A)], websocket=False
    )
    entry = await setup_liveview_entry(hass, server, {"fps": 10})
    camera = server.cameras[LIVEVIEW_CAM_A]
    client = await hass_client()
    viewers = [await open_viewer(client, LIVE_A) for _ in range(3)]
    await asyncio.gather(*(v.read(4) for v in viewers))
    assert server.ws_opened == 0
    assert camera.rest_streaming and camera.live_view_enabled
    polls = server.stats.requests[f"/api/cameras/{LIVEVIEW_CAM_A}/live-view/frame"]
    assert 4 <= polls <= 8  # one poller for three viewers
    for viewer in viewers:
        viewer.response.close()
    await hass.config_entries.async_unload(entry.entry_id)
    assert not camera.rest_streaming and not camera.live_view_enabled


async def test_osd_camera(
    hass: HomeAssistant,
    liveview: LiveViewServer,
    liveview_entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    er.async_get(hass).async_update_entity(OSD_A, disabled_by=None)
    await hass.config_entries.async_reload(liveview_entry.entry_id)
    await hass.async_block_till_done()
    camera = liveview.cameras[LIVEVIEW_CAM_A]
    client = await hass_client()
    snapshot = await client.get(f"/api/camera_proxy/{OSD_A}")
    assert snapshot.status == 200
    assert parse_frame_tag(await snapshot.read()).src.endswith("/osd")  # type: ignore[union-attr]
    assert not camera.osd_enabled and not camera.rest_streaming  # restored
    viewer = await open_viewer(client, OSD_A)
    frames = await viewer.read(3)
    assert all(parse_frame_tag(f).src.endswith("/osd") for f in frames)  # type: ignore[union-attr]
    assert camera.osd_enabled and camera.rest_streaming
    viewer.response.close()
    entry = hass.config_entries.async_get_entry(liveview_entry.entry_id)
    assert entry is not None
    await hass.config_entries.async_unload(entry.entry_id)
    assert not camera.osd_enabled and not camera.rest_streaming


async def test_disconnect_and_recovery(
    hass: HomeAssistant,
    liveview: LiveViewServer,
    liveview_entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    client = await hass_client()
    viewer = await open_viewer(client, LIVE_A)
    await viewer.read(2)
    liveview.set_connected(LIVEVIEW_CAM_A, False)
    await wait_for(lambda: state(hass, LIVE_A) == STATE_UNAVAILABLE)
    assert state(hass, f"switch.{A}_live_view") == STATE_UNAVAILABLE
    assert state(hass, f"button.{A}_shutter") == STATE_UNAVAILABLE
    assert state(hass, LIVE_B) == "idle"
    assert state(hass, "sensor.camera_remote_server_connected_cameras") == "1"
    await asyncio.sleep(0.5)
    liveview.set_connected(LIVEVIEW_CAM_A, True)
    await wait_for(lambda: state(hass, LIVE_A) == "idle")
    assert state(hass, f"switch.{A}_live_view") != STATE_UNAVAILABLE
    frames = await viewer.read(3, timeout=15)  # the same response picks up again
    assert len(frames) == 3
    hub = liveview_entry.runtime_data.hubs[f"{LIVEVIEW_CAM_A}_live_view"]
    assert hub.stats.upstream_failures >= 1
    viewer.response.close()


async def test_server_restart_falls_back_to_polling_then_push(
    hass: HomeAssistant, liveview: LiveViewServer
) -> None:
    with (
        patch(
            "custom_components.camhub.families.liveview.events.EVENT_BACKOFF",
            Backoff(initial=0.1, maximum=0.1, jitter=0),
        ),
        patch("custom_components.camhub.families.liveview.events.LIST_INTERVAL", 0.1),
    ):
        entry = await setup_liveview_entry(hass, liveview)
        coordinator = entry.runtime_data.coordinator
        await wait_for(lambda: coordinator.push_connected)
        await liveview.restart(down_for=0.5)
        await wait_for(lambda: coordinator.push_connected, timeout=10)
    assert coordinator.update_interval is None


async def test_new_camera_added_without_reload(
    hass: HomeAssistant, liveview: LiveViewServer
) -> None:
    with patch("custom_components.camhub.families.liveview.events.LIST_INTERVAL", 0.1):
        entry = await setup_liveview_entry(hass, liveview)
        liveview.add_camera(SimCamera("AABBCCDDEEFF", model="ILCE-1M2"))
        await wait_for(lambda: hass.states.get("camera.ilce_1m2_live_view"))
        assert state(hass, "camera.ilce_1m2_live_view") == "idle"
        assert state(hass, "sensor.camera_remote_server_connected_cameras") == "3"
        # Its events are followed too: push stays connected with the new reader.
        coordinator = entry.runtime_data.coordinator
        await wait_for(lambda: coordinator.push_connected)


@pytest.mark.parametrize("connect", [True, False])
async def test_listed_camera_connected_only_with_option(
    hass: HomeAssistant, sim: object, connect: bool
) -> None:
    server = await sim.add_liveview(  # type: ignore[attr-defined]
        cameras=[SimCamera(LIVEVIEW_CAM_A, connected=False, priority_key="camera-position")]
    )
    await setup_liveview_entry(hass, server, {"connect_cameras": connect})
    path = f"/api/cameras/{LIVEVIEW_CAM_A}/connection"
    if connect:
        await wait_for(lambda: hass.states.get(LIVE_A) is not None)
        camera = server.cameras[LIVEVIEW_CAM_A]
        assert camera.connected and camera.priority_key == "pc-remote"
    else:
        await asyncio.sleep(0.2)
        assert hass.states.get(LIVE_A) is None
        assert server.stats.requests[path] == 0
        assert not server.cameras[LIVEVIEW_CAM_A].connected


async def test_camera_connect_failure_is_logged(
    hass: HomeAssistant, sim: object, caplog: pytest.LogCaptureFixture
) -> None:
    server = await sim.add_liveview(  # type: ignore[attr-defined]
        cameras=[SimCamera(LIVEVIEW_CAM_A, connected=False, connectable=False)]
    )
    caplog.set_level(logging.DEBUG, logger="custom_components.camhub")
    with (
        patch("custom_components.camhub.families.liveview.events.LIST_INTERVAL", 0.05),
        patch("custom_components.camhub.families.liveview.events.CONNECT_RETRY", 0.05),
    ):
        await setup_liveview_entry(hass, server, {"connect_cameras": True})

        def levels() -> list[int]:
            return [r.levelno for r in caplog.records if "Could not connect" in r.getMessage()]

        await wait_for(lambda: len(levels()) >= 3)
    assert "SDK connect failed" in caplog.text
    assert hass.states.get(LIVE_A) is None
    # Once at info, then quietly while it retries (log-when-unavailable).
    assert levels()[0] == logging.INFO and set(levels()[1:]) == {logging.DEBUG}


async def test_camera_removed_from_list_and_failed_reads(
    hass: HomeAssistant, liveview: LiveViewServer
) -> None:
    with (
        patch("custom_components.camhub.families.liveview.events.LIST_INTERVAL", 0.1),
        patch(
            "custom_components.camhub.families.liveview.events.EVENT_BACKOFF",
            Backoff(initial=0.1, maximum=0.1, jitter=0),
        ),
    ):
        entry = await setup_liveview_entry(hass, liveview)
        coordinator = entry.runtime_data.coordinator
        await wait_for(lambda: coordinator.push_connected)
        # A change the camera announces, but the re-read fails: a full refresh follows.
        liveview.faults.status = 500
        liveview.changed(liveview.cameras[LIVEVIEW_CAM_A], "osd")
        await wait_for(lambda: not coordinator.last_update_success)
        # No event will repair the state: the coordinator polls until a read works.
        liveview.faults.status = None
        assert coordinator.update_interval == timedelta(seconds=30)
        async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=31))
        await wait_for(lambda: coordinator.last_update_success)
        assert coordinator.update_interval is None  # the events still run: polling stops
        # A camera that leaves the list: its entities turn unavailable, its events unfollowed.
        del liveview.cameras[LIVEVIEW_CAM_B]
        await wait_for(lambda: state(hass, LIVE_B) == STATE_UNAVAILABLE)
        await wait_for(lambda: coordinator.push_connected)


async def test_fetch_camera_and_validate(hass: HomeAssistant, liveview: LiveViewServer) -> None:
    from homeassistant.helpers.aiohttp_client import async_get_clientsession
    from yarl import URL

    from custom_components.camhub.api.errors import ConnectError
    from custom_components.camhub.api.liveview import CameraInfo, LiveViewClient, NoFrameError
    from custom_components.camhub.families.liveview import (
        LiveViewFlow,
        _first_frame,
        fetch_camera,
    )

    session = async_get_clientsession(hass)
    client = LiveViewClient(session, liveview.url)
    family = LiveViewFlow()
    identity = await family.validate(client)
    assert identity.unique_id is None  # the server has no id of its own; its cameras do
    assert identity.devices == {LIVEVIEW_CAM_A, LIVEVIEW_CAM_B}
    info = CameraInfo(LIVEVIEW_CAM_A, "ILCE-7M4", "USB", True)
    liveview.cameras[LIVEVIEW_CAM_A].connected = False  # dropped since the list was read
    assert not (await fetch_camera(client, info)).online
    await liveview.stop()
    with pytest.raises(ConnectError):
        await fetch_camera(client, info)
    with pytest.raises(ConnectError):
        await family.probe(session, URL(liveview.url))

    async def never(camera_id: str) -> bytes:
        raise NoFrameError(404, "no frame")

    with (
        patch("custom_components.camhub.families.liveview.video.FRAME_STALL", 0.05),
        pytest.raises(NoFrameError),
    ):
        await _first_frame(never, LIVEVIEW_CAM_A, 0.01)


async def test_server_device_named_by_translation_and_firmware_followed(
    hass: HomeAssistant, liveview: LiveViewServer, liveview_entry: MockConfigEntry
) -> None:
    """The generic server name comes from strings.json; a new version reaches the registry."""
    devices = dr.async_get(hass)
    server = devices.async_get_device_by_identifier(
        (DOMAIN, liveview_entry.entry_id), liveview_entry.entry_id
    )
    assert server is not None and server.name == "Camera Remote server"
    assert server.configuration_url == str(URL(liveview.url))
    liveview.version = "3.1.0"
    await liveview_entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()
    server = devices.async_get(server.id)
    assert server is not None and server.sw_version == "3.1.0"  # without a reload
