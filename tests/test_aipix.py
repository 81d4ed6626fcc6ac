"""AIPIX VMS in Home Assistant, against the simulated server: flows, cameras, links, actions."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from unittest.mock import patch

import aiohttp
import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.camera import async_get_stream_source
from homeassistant.components.camera.helper import get_camera_from_entity_id
from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_PORT, CONF_SSL, CONF_VERIFY_SSL, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from yarl import URL

from custom_components.camhub.const import DOMAIN
from custom_components.camhub.families import FAMILIES
from custom_components.camhub.families.aipix import AipixFlow, AipixHost, parse_uuids
from simulator import AipixServer, Intercom2N, Simulator

from .conftest import AIPIX_TOKEN, aipix_data

CAM1 = "camera.aipix_camera_1_high_quality"
CAM2 = "camera.aipix_camera_2_high_quality"


async def tick(hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float) -> None:
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


def host_input(server: AipixServer | Intercom2N) -> dict[str, object]:
    return {CONF_HOST: server.host, CONF_PORT: server.port, CONF_SSL: False, CONF_VERIFY_SSL: True}


async def setup_entry(
    hass: HomeAssistant, server: AipixServer, options: dict[str, object]
) -> MockConfigEntry:
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="AIPIX VMS (127.0.0.1)",
        unique_id=None,
        data={**aipix_data(server), "api_token": AIPIX_TOKEN},
        options=options,
        version=2,
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


# --- config and options flows -----------------------------------------------------------------


async def test_user_flow_token_then_cameras(hass: HomeAssistant, aipix: AipixServer) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(result["flow_id"], host_input(aipix))
    assert result["step_id"] == "credentials"
    assert result["description_placeholders"]["family"] == "AIPIX VMS"
    flow_id = result["flow_id"]
    result = await hass.config_entries.flow.async_configure(flow_id, {"api_token": "wrong"})
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(flow_id, {"api_token": AIPIX_TOKEN})
    assert result["step_id"] == "extra"
    result = await hass.config_entries.flow.async_configure(flow_id, {"cameras": []})
    assert result["errors"] == {"cameras": "no_cameras"}
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"cameras": [aipix.cameras[0], "deadbeef-0000"]}
    )
    assert result["errors"] == {"cameras": "camera_not_found"}
    aipix.token = "revoked"
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"cameras": [aipix.cameras[0]]}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    aipix.token = AIPIX_TOKEN
    requests_before = aipix.link_requests["preview"]
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"cameras": [f" {aipix.cameras[0].upper()}, {aipix.cameras[1]}"]}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert aipix.link_requests["preview"] - requests_before >= 2  # one check per camera
    assert result["title"] == "AIPIX VMS (127.0.0.1)"
    assert result["result"].unique_id is None  # the API names no server id
    assert result["data"]["api_token"] == AIPIX_TOKEN
    assert result["options"] == {"cameras": aipix.cameras[:2], "stream_types": ["high"]}
    await hass.async_block_till_done()
    assert hass.states.get(CAM1).state == "idle"


async def test_https_is_tried_first_when_no_port_is_given(
    hass: HomeAssistant, aipix: AipixServer
) -> None:
    """AIPIX servers usually speak HTTPS only; the form's HTTPS box is off for all families."""
    family = type(FAMILIES["aipix"])
    schemes: list[str] = []
    probe = family.probe

    async def spy(self: AipixFlow, session: aiohttp.ClientSession, url: URL) -> object:
        schemes.append(url.scheme)
        return await probe(self, session, url)

    # Both schemes at the simulator's port: the TLS attempt fails, plain HTTP answers.
    with (
        patch.object(family, "default_port", lambda self, ssl: aipix.port),
        patch.object(family, "probe", spy),
    ):
        result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_HOST: aipix.host, CONF_SSL: False, CONF_VERIFY_SSL: True}
        )
    assert schemes == ["https", "http"]
    assert result["step_id"] == "credentials"


async def test_probe_tells_aipix_and_2n_apart(hass: HomeAssistant, sim: Simulator) -> None:
    intercom = await sim.add_intercom_2n()
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(result["flow_id"], host_input(intercom))
    assert result["description_placeholders"]["family"] == "2N IP intercom"
    server = await sim.add_aipix()
    server.faults.malformed = True  # answers, but not the way AIPIX does
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(result["flow_id"], host_input(server))
    assert result["errors"] == {"base": "not_supported"}


async def test_options_flow_adds_and_removes_cameras(
    hass: HomeAssistant, aipix: AipixServer, aipix_entry: MockConfigEntry
) -> None:
    registry = dr.async_get(hass)
    result = await hass.config_entries.options.async_init(aipix_entry.entry_id)
    assert result["step_id"] == "init"
    base = {
        "stream_types": ["high", "low"],
        "live_source": "rtsp",
        "link_ttl": 900,
        "image_max_age": 1.0,
        "mjpeg_interval": 2.0,
        "snapshot_max_age": 2.0,
    }
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**base, "cameras": [aipix.cameras[0], "deadbeef"]}
    )
    assert result["errors"] == {"cameras": "camera_not_found"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**base, "cameras": [aipix.cameras[0]], "stream_types": []}
    )
    assert result["errors"] == {"stream_types": "no_stream_types"}
    aipix.faults.status = 500
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**base, "cameras": [aipix.cameras[2]]}
    )
    assert result["errors"] == {"base": "device_error"}
    aipix.faults.clear()
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**base, "cameras": [aipix.cameras[0], aipix.cameras[2]]}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert (
        registry.async_get_device_by_identifier((DOMAIN, aipix.cameras[1]), aipix_entry.entry_id)
        is None
    )
    assert (
        registry.async_get_device_by_identifier((DOMAIN, aipix.cameras[2]), aipix_entry.entry_id)
        is not None
    )
    assert hass.states.get("camera.aipix_camera_2_low_quality").state == "idle"
    source = await async_get_stream_source(hass, "camera.aipix_camera_2_low_quality")
    assert source is not None and source.startswith("rtsp://127.0.0.1")
    host = aipix_entry.runtime_data.host
    assert isinstance(host, AipixHost)
    settings = host.settings
    assert (settings.ttl, settings.image_max_age, settings.mjpeg_interval) == (900, 1.0, 2.0)


async def test_reauth_flow_takes_new_token(
    hass: HomeAssistant, aipix: AipixServer, aipix_entry: MockConfigEntry
) -> None:
    aipix.token = "rotated"
    result = await aipix_entry.start_reauth_flow(hass)
    assert result["step_id"] == "reauth_confirm"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"api_token": "still-wrong"}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"api_token": "rotated"}
    )
    assert result["type"] is FlowResultType.ABORT and result["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    assert aipix_entry.data["api_token"] == "rotated"
    assert aipix_entry.state is ConfigEntryState.LOADED


# --- set-up, devices, availability, reauth -----------------------------------------------------


async def test_devices_and_entities(
    hass: HomeAssistant, aipix: AipixServer, aipix_entry: MockConfigEntry
) -> None:
    registry = dr.async_get(hass)
    server = registry.async_get_device_by_identifier(
        (DOMAIN, aipix_entry.entry_id), aipix_entry.entry_id
    )
    assert server is not None and server.manufacturer == "AIPIX"
    for uuid in aipix.cameras[:2]:
        device = registry.async_get_device_by_identifier((DOMAIN, uuid), aipix_entry.entry_id)
        assert device is not None and device.via_device_id == server.id
    state = hass.states.get(CAM1)
    assert state is not None and state.state == "idle"
    assert state.attributes["friendly_name"] == "AIPIX camera 1 High quality"  # no UUID
    assert hass.states.get(CAM2) is not None
    # Set-up asked for both cameras' preview links in one request.
    assert aipix.batch_sizes == [2]


async def test_wrong_token_at_setup_starts_reauth(hass: HomeAssistant, aipix: AipixServer) -> None:
    aipix.token = "changed"
    entry = await setup_entry(hass, aipix, {"cameras": aipix.cameras[:1]})
    assert entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [f["context"]["source"] for f in flows] == ["reauth"]


async def test_entry_without_cameras_checks_the_token(
    hass: HomeAssistant, aipix: AipixServer
) -> None:
    entry = await setup_entry(hass, aipix, {})
    assert entry.state is ConfigEntryState.LOADED
    assert aipix.link_requests["preview"] == 1 and aipix.batch_sizes == []


async def test_token_revoked_prompts_within_a_minute_of_the_first_refusal(
    hass: HomeAssistant,
    aipix: AipixServer,
    aipix_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """One refusal does not prompt (a reboot); refused logins are retried every 20 s, not 5 min."""
    aipix.token = "revoked"
    await tick(hass, freezer, 301)  # the regular poll sees the first refusal
    assert not hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert hass.states.get(CAM1).state == STATE_UNAVAILABLE
    await tick(hass, freezer, 21)  # retried soon: the second refusal
    assert not hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    await tick(hass, freezer, 21)  # the third: 42 s after the first, the user is asked
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [f["context"]["source"] for f in flows] == ["reauth"]


async def test_a_refusal_during_a_reboot_does_not_prompt(
    hass: HomeAssistant,
    aipix: AipixServer,
    aipix_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    aipix.token = "revoked"
    await tick(hass, freezer, 301)
    aipix.token = AIPIX_TOKEN  # the server is back with the same token
    await tick(hass, freezer, 21)
    assert hass.states.get(CAM1).state == "idle"
    assert not hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    coordinator = aipix_entry.runtime_data.coordinator
    assert coordinator.update_interval == timedelta(minutes=5)  # back to the regular poll


async def test_refused_camera_is_unavailable_alone(
    hass: HomeAssistant,
    aipix: AipixServer,
    aipix_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    aipix.cameras.remove(aipix.cameras[1])  # the user lost access to the second camera
    await tick(hass, freezer, 301)
    assert hass.states.get(CAM1).state == "idle"
    assert hass.states.get(CAM2).state == STATE_UNAVAILABLE
    assert aipix.batch_sizes == [2, 1]  # the refused batch, then camera by camera
    aipix.faults.status = 500  # a server error is not about a camera: all unavailable
    await tick(hass, freezer, 301)
    assert hass.states.get(CAM1).state == STATE_UNAVAILABLE


# --- snapshots, MJPEG and live links --------------------------------------------------------------


async def test_snapshot_reuses_links_and_images(
    hass: HomeAssistant,
    aipix: AipixServer,
    hass_client: ClientSessionGenerator,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_entry(hass, aipix, {"cameras": aipix.cameras[:2], "link_ttl": 120})
    client = await hass_client()
    assert aipix.link_requests["preview"] == 1
    response = await client.get(f"/api/camera_proxy/{CAM1}")
    assert response.status == 200 and (await response.read()).startswith(b"\xff\xd8")
    await client.get(f"/api/camera_proxy/{CAM1}")  # within image_max_age: no request at all
    assert aipix.media_requests["preview.jpg"] == 1
    await tick(hass, freezer, 6)
    await client.get(f"/api/camera_proxy/{CAM1}")  # new image through the cached link
    assert aipix.media_requests["preview.jpg"] == 2 and aipix.link_requests["preview"] == 1
    await tick(hass, freezer, 85)  # 29 s before the link expires: renewed for this camera
    await client.get(f"/api/camera_proxy/{CAM1}")
    assert aipix.link_requests["preview"] == 2 and aipix.batch_sizes == [2, 1]
    assert aipix.refused_links == 0


async def test_snapshot_survives_a_refused_link(
    hass: HomeAssistant,
    aipix: AipixServer,
    aipix_entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    aipix._secret = b"rotated"  # every signed link so far is refused now
    client = await hass_client()
    response = await client.get(f"/api/camera_proxy/{CAM1}")
    assert response.status == 200
    assert aipix.refused_links == 1 and aipix.batch_sizes == [2, 1]
    await aipix.stop()
    response = await client.get(f"/api/camera_proxy/{CAM2}")
    assert response.status == 500


async def test_stream_source_cached_until_shortly_before_expiry(
    hass: HomeAssistant,
    aipix: AipixServer,
    freezer: FrozenDateTimeFactory,
    hass_client: ClientSessionGenerator,
) -> None:
    await setup_entry(hass, aipix, {"cameras": aipix.cameras[:2], "link_ttl": 300})
    state = hass.states.get(CAM1)
    assert state.attributes["supported_features"] == 2  # CameraEntityFeature.STREAM
    first = await async_get_stream_source(hass, CAM1)
    assert first is not None and first.endswith(".m3u8")
    assert await async_get_stream_source(hass, CAM1) == first
    assert aipix.link_requests["video"] == 1
    session = await hass_client()
    async with session.session.get(first) as resp:  # the playlist and a segment, signed
        playlist = await resp.text()
    segment = first.rsplit("/", 1)[0] + "/" + playlist.split()[-1]
    async with session.session.get(segment) as resp:
        assert resp.status == 200 and resp.content_type == "video/mp2t"
    await tick(hass, freezer, 271)  # 29 s left: a new link
    second = await async_get_stream_source(hass, CAM1)
    assert second != first and aipix.link_requests["video"] == 2
    await tick(hass, freezer, 30)
    async with session.session.get(first) as resp:  # the server really refuses the old one
        assert resp.status == 403
    aipix.faults.status = 500
    await tick(hass, freezer, 271)
    with pytest.raises(HomeAssistantError):
        await async_get_stream_source(hass, CAM2)


async def test_running_stream_gets_a_new_link_before_expiry(
    hass: HomeAssistant, aipix: AipixServer, freezer: FrozenDateTimeFactory
) -> None:
    """Home Assistant's stream asks for its source once; CamHub renews it in place."""
    assert await async_setup_component(hass, "stream", {})
    await setup_entry(hass, aipix, {"cameras": aipix.cameras[:1], "link_ttl": 300})
    camera = get_camera_from_entity_id(hass, CAM1)
    stream = await camera.async_create_stream()
    assert stream is not None
    first = stream.source
    await tick(hass, freezer, 269)  # 31 s left: not yet
    assert stream.source == first
    await tick(hass, freezer, 2)  # 29 s left: the cache renews, the stream follows
    assert stream.source != first and stream.source.endswith(".m3u8")
    assert aipix.link_requests["video"] == 2
    aipix.faults.status = 500  # a failed renewal is retried, not given up
    await tick(hass, freezer, 271)
    assert aipix.link_requests["video"] == 2
    aipix.faults.status = None
    await tick(hass, freezer, 10)
    assert aipix.link_requests["video"] == 3
    entry_id = camera.registry_entry.config_entry_id if camera.registry_entry else None
    assert entry_id is not None and await hass.config_entries.async_unload(entry_id)


async def test_mjpeg_from_previews(
    hass: HomeAssistant,
    aipix: AipixServer,
    hass_client: ClientSessionGenerator,
) -> None:
    await setup_entry(
        hass, aipix, {"cameras": aipix.cameras[:1], "mjpeg_interval": 0.5, "image_max_age": 0}
    )
    client = await hass_client()
    response = await client.get(f"/api/camera_proxy_stream/{CAM1}")
    assert response.status == 200 and response.content_type == "multipart/x-mixed-replace"
    data = b""
    while data.count(b"\xff\xd9") < 2:
        data += await response.content.readany()
    response.close()
    assert aipix.media_requests["preview.jpg"] >= 2
    assert aipix.link_requests["preview"] == 1  # every frame through the same cached link


async def test_batch_of_cameras_and_stream_types_per_poll(
    hass: HomeAssistant, aipix: AipixServer, freezer: FrozenDateTimeFactory
) -> None:
    await setup_entry(hass, aipix, {"cameras": aipix.cameras, "stream_types": ["high", "low"]})
    assert len(hass.states.async_entity_ids("camera")) == 6
    await tick(hass, freezer, 301)
    assert aipix.batch_sizes == [6, 6] and aipix.link_requests["preview"] == 2


async def test_dashboard_hour_costs_twelve_link_requests(
    hass: HomeAssistant,
    aipix: AipixServer,
    hass_client_no_auth: ClientSessionGenerator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The closing figure: one camera, thumbnail refreshed every 10 s for a simulated hour.

    Like the frontend, each refresh loads the state's `entity_picture` (the camera's own
    rotating access token, no login) through `/api/camera_proxy/`.
    """
    await setup_entry(hass, aipix, {"cameras": aipix.cameras[:1]})
    client = await hass_client_no_auth()
    aipix.link_requests.clear()
    aipix.media_requests.clear()
    for _ in range(360):
        await tick(hass, freezer, 10)
        picture = hass.states.get(CAM1).attributes["entity_picture"]
        assert picture.startswith(f"/api/camera_proxy/{CAM1}?token=")
        response = await client.get(picture)
        assert response.status == 200
    links, images = aipix.link_requests["preview"], aipix.media_requests["preview.jpg"]
    print(f"AIPIX one camera, dashboard open 1 h: {links} link requests, {images} image fetches")
    assert links == 12 and images == 360
    assert aipix.refused_links == 0


# --- actions -------------------------------------------------------------------------------------


async def test_get_preview_action(
    hass: HomeAssistant,
    aipix: AipixServer,
    aipix_entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    response = await hass.services.async_call(
        DOMAIN, "get_preview", {"camera": CAM1, "ttl": 60}, blocking=True, return_response=True
    )
    assert response is not None
    expires = dt_util.parse_datetime(str(response["expired_at"]))
    assert expires is not None and 55 <= (expires - dt_util.utcnow()).total_seconds() <= 60
    session = await hass_client()
    async with session.session.get(str(response["url"])) as resp:
        assert resp.content_type == "image/jpeg"
    response = await hass.services.async_call(
        DOMAIN,
        "get_preview",
        {"camera": CAM1, "source": "mp4", "date": "2026-01-01 08:00:00"},
        blocking=True,
        return_response=True,
    )
    assert response is not None and "move_to" not in response
    async with session.session.get(str(response["url"])) as resp:
        assert resp.content_type == "video/mp4"


async def test_get_archive_action(
    hass: HomeAssistant, aipix: AipixServer, aipix_entry: MockConfigEntry
) -> None:
    now = dt_util.utcnow()
    response = await hass.services.async_call(
        DOMAIN,
        "get_archive",
        {
            "camera": CAM2,
            "from": (now - timedelta(days=7, hours=2)).isoformat(),
            "to": (now - timedelta(days=6, hours=23)).isoformat(),
            "source": "rtsp",
        },
        blocking=True,
        return_response=True,
    )
    assert response is not None and str(response["url"]).startswith("rtsp://")
    move_to = dt_util.parse_datetime(str(response["move_to"]))
    assert move_to is not None and abs((move_to - (now - timedelta(days=7))).total_seconds()) < 2


@pytest.mark.parametrize(
    ("service", "data", "key"),
    [
        ("get_preview", {"ttl": 5}, "invalid_ttl"),
        ("get_preview", {"ttl": 100000}, "invalid_ttl"),
        ("get_preview", {"date": "2999-01-01T00:00:00+00:00"}, "time_in_future"),
        ("get_archive", {"from": "2026-01-02T00:00:00", "to": "2026-01-01T00:00:00"}, None),
        ("get_archive", {"from": "2025-01-01T00:00:00", "to": "2025-01-03T00:00:00"}, None),
        ("get_archive", {"from": "2999-01-01T00:00:00", "to": "2999-01-02T00:00:00"}, None),
    ],
)
async def test_action_validation(
    hass: HomeAssistant,
    aipix_entry: MockConfigEntry,
    service: str,
    data: dict[str, object],
    key: str | None,
) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, service, {"camera": CAM1, **data}, blocking=True, return_response=True
        )
    expected = key or ("time_in_future" if "2999" in str(data) else "invalid_time_range")
    assert err.value.translation_key == expected


async def test_action_needs_an_aipix_camera(
    hass: HomeAssistant,
    aipix: AipixServer,
    aipix_entry: MockConfigEntry,
    intercom_entry: MockConfigEntry,
) -> None:
    for entity_id in ("camera.front_door_internal_camera", "camera.nothing_here"):
        with pytest.raises(ServiceValidationError) as err:
            await hass.services.async_call(
                DOMAIN, "get_preview", {"camera": entity_id}, blocking=True, return_response=True
            )
        assert err.value.translation_key == "not_aipix_camera"
    aipix.faults.status = 500
    for service, extra in (
        ("get_preview", {}),
        ("get_archive", {"from": "2026-01-01T00:00:00", "to": "2026-01-01T01:00:00"}),
    ):
        with pytest.raises(HomeAssistantError) as err:
            await hass.services.async_call(
                DOMAIN, service, {"camera": CAM1, **extra}, blocking=True, return_response=True
            )
        assert err.value.translation_key == "device_error"


# --- secrets ------------------------------------------------------------------------------


async def test_no_token_or_link_in_states_logs_or_diagnostics(
    hass: HomeAssistant,
    aipix: AipixServer,
    hass_client: ClientSessionGenerator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="custom_components.camhub")
    entry = await setup_entry(hass, aipix, {"cameras": aipix.cameras[:2]})
    # Views register only before the HTTP server starts (hass_client starts it).
    assert await async_setup_component(hass, "diagnostics", {})
    client = await hass_client()
    await client.get(f"/api/camera_proxy/{CAM1}")
    await async_get_stream_source(hass, CAM1)
    aipix._secret = b"rotated"
    await client.get(f"/api/camera_proxy/{CAM1}")
    await tick(hass, freezer, 6)
    await aipix.stop()
    await client.get(f"/api/camera_proxy/{CAM2}")
    await tick(hass, freezer, 301)
    diag = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    text = json.dumps(diag)
    assert diag["entry"]["data"]["api_token"] == "**REDACTED**"
    states = json.dumps([s.as_dict() for s in hass.states.async_all()], default=str)
    for blob in (text, caplog.text, states):
        assert AIPIX_TOKEN not in blob
        assert "/media/" not in blob


def test_parse_uuids() -> None:
    assert parse_uuids("A, b;c  a") == ["a", "b", "c"]
    assert parse_uuids(None) == []
    assert parse_uuids(["x", "", " y "]) == ["x", "y"]


async def test_stream_component_plays_the_live_hls_and_stops_promptly(
    hass: HomeAssistant, aipix: AipixServer
) -> None:
    """Home Assistant's `stream` (ffmpeg in a worker thread) remuxes the camera's live HLS into
    its own HLS segments, and stopping it ends the worker at once (it used to spin forever on
    the simulator's segments, whose timestamps restarted at 0 every 2 s)."""
    import asyncio
    import time

    assert await async_setup_component(hass, "stream", {})
    await setup_entry(hass, aipix, {"cameras": aipix.cameras[:1]})
    camera = get_camera_from_entity_id(hass, CAM1)
    stream = await camera.async_create_stream()
    assert stream is not None
    provider = stream.add_provider("hls")
    await stream.start()
    try:
        async with asyncio.timeout(10):  # about 1 s here: the simulator serves 3 segments at once
            while not (done := [s for s in provider.get_segments() if s.complete]):
                await provider.part_recv(timeout=0.5)
        assert done[0].duration >= 1.5 and done[0].get_data()  # keyframe to keyframe, 2 s
        async with asyncio.timeout(10):  # ffmpeg has read what there was and polls for more
            while aipix.media_requests["index.m3u8"] < 2:
                await asyncio.sleep(0.05)
        assert aipix.media_requests["segment.ts"] >= 2
    finally:
        started = time.monotonic()
        await stream.remove_provider(provider)  # stop() alone leaves the provider's idle timer
        await stream.stop()
        stopped_in = time.monotonic() - started
    assert stopped_in < 5
    assert not stream.available or not stream._thread  # the worker thread is gone
