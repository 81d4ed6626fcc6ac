"""Config flows for Axis cameras with the CamStreamer apps: user, discovery, reauth, options."""

from __future__ import annotations

import asyncio
from ipaddress import ip_address
from typing import Any

import pytest
from homeassistant.config_entries import (
    SOURCE_INTEGRATION_DISCOVERY,
    SOURCE_USER,
    SOURCE_ZEROCONF,
    ConfigEntryState,
)
from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_SSL,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.service_info.zeroconf import ZeroconfServiceInfo
from pytest_homeassistant_custom_component.common import MockConfigEntry
from yarl import URL

from custom_components.camhub.api.errors import ConnectError
from custom_components.camhub.const import CONF_FAMILY, CONF_FPS, CONF_MAC, DOMAIN
from custom_components.camhub.families.camstreamer import (
    CamStreamerFlow,
    discover_cameras,
    service_name,
)
from simulator import AxisCamera, Simulator

from .conftest import AXIS_SERIAL, axis_data, setup_axis_entry
from .test_camstreamer import P, pushed, until


def host_input(device: Any) -> dict[str, Any]:
    return {CONF_HOST: device.host, CONF_PORT: device.port, CONF_SSL: False, CONF_VERIFY_SSL: True}


def login(device: AxisCamera, password: str | None = None) -> dict[str, str]:
    return {CONF_USERNAME: device.username, CONF_PASSWORD: password or device.password}


@pytest.mark.parametrize(
    ("unrestricted", "auth"), [(True, "digest"), (False, "digest"), (True, "basic")]
)
async def test_user_flow(
    hass: HomeAssistant, sim: Simulator, unrestricted: bool, auth: str
) -> None:
    camera = await sim.add_axis_camera(
        serial=AXIS_SERIAL,
        unrestricted_info=unrestricted,
        auth=auth,  # type: ignore[arg-type]
    )
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(result["flow_id"], host_input(camera))
    assert result["step_id"] == "credentials"
    assert result["description_placeholders"]["family"] == CamStreamerFlow.name
    flow_id = result["flow_id"]
    result = await hass.config_entries.flow.async_configure(flow_id, login(camera, "wrong"))
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(flow_id, login(camera))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "AXIS M1065-L"  # no serial in titles: they reach logs
    assert result["result"].unique_id == AXIS_SERIAL
    assert result["data"][CONF_FAMILY] == "camstreamer"
    assert result["data"][CONF_MAC] == "ac:cc:8e:00:00:01"
    await hass.async_block_till_done()
    assert result["result"].state is ConfigEntryState.LOADED
    # The same camera again: already configured.
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(result["flow_id"], host_input(camera))
    assert result["reason"] == "already_configured"


async def test_probe_tells_axis_and_2n_apart(hass: HomeAssistant, sim: Simulator) -> None:
    intercom = await sim.add_intercom_2n()
    family = CamStreamerFlow()
    session = async_get_clientsession(hass)
    assert await family.probe(session, URL(intercom.url)) is None
    camera = await sim.add_axis_camera(serial=AXIS_SERIAL, unrestricted_info=False)
    identity = await family.probe(session, URL(camera.url))
    assert identity is not None
    assert (identity.unique_id, identity.title) == (AXIS_SERIAL, f"AXIS {AXIS_SERIAL}")
    camera.faults.status = 500  # answers, but neither the Axis way nor with a challenge
    assert await family.probe(session, URL(camera.url)) is None
    await camera.stop()
    with pytest.raises(ConnectError):
        await family.probe(session, URL(camera.url))


async def test_validate_needs_the_apps_list(hass: HomeAssistant, sim: Simulator) -> None:
    camera = await sim.add_axis_camera(serial=AXIS_SERIAL)
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(result["flow_id"], host_input(camera))
    camera.faults.malformed = True
    result = await hass.config_entries.flow.async_configure(result["flow_id"], login(camera))
    assert result["errors"] == {"base": "device_error"}


# --- discovery --------------------------------------------------------------------------------


def zeroconf(camera: AxisCamera, mac: str, host: str | None = None) -> ZeroconfServiceInfo:
    address = ip_address(host or camera.host)
    return ZeroconfServiceInfo(
        ip_address=address,
        ip_addresses=[address],
        hostname="axis-accc8e000001.local.",
        name="AXIS M1065-L - ACCC8E000001._axis-video._tcp.local.",
        port=camera.port,
        type="_axis-video._tcp.local.",
        properties={"macaddress": mac},
    )


async def test_zeroconf_discovery(hass: HomeAssistant, sim: Simulator) -> None:
    camera = await sim.add_axis_camera(serial=AXIS_SERIAL)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_ZEROCONF}, data=zeroconf(camera, "ACCC8E000001")
    )
    assert result["step_id"] == "discovery_confirm"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["step_id"] == "credentials"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], login(camera))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_PORT] == camera.port
    assert result["data"][CONF_MAC] == "ac:cc:8e:00:00:01"


async def test_zeroconf_repeat_is_answered_from_the_mac_without_a_request(
    hass: HomeAssistant, sim: Simulator
) -> None:
    """An Axis MAC is its serial: the unique id is set before probing anything."""
    camera = await sim.add_axis_camera(serial=AXIS_SERIAL)
    first = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_ZEROCONF}, data=zeroconf(camera, "ACCC8E000001")
    )
    assert first["step_id"] == "discovery_confirm"
    asked = sum(camera.stats.requests.values())
    again = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_ZEROCONF}, data=zeroconf(camera, "ACCC8E000001")
    )
    assert again["reason"] == "already_in_progress"
    assert sum(camera.stats.requests.values()) == asked


async def test_zeroconf_skips_link_local_and_follows_ip_changes(
    hass: HomeAssistant, sim: Simulator
) -> None:
    camera = await sim.add_axis_camera(serial=AXIS_SERIAL)
    result = await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": SOURCE_ZEROCONF},
        data=zeroconf(camera, "ACCC8E000001", host="169.254.10.20"),
    )
    assert result["reason"] == "link_local_address"
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=AXIS_SERIAL,
        data={**axis_data(camera), CONF_HOST: "192.0.2.10"},
    )
    entry.add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_ZEROCONF}, data=zeroconf(camera, "ACCC8E000001")
    )
    assert result["reason"] == "already_configured"
    assert entry.data[CONF_HOST] == camera.host


async def test_zeroconf_keeps_the_entrys_port_and_https(
    hass: HomeAssistant, sim: Simulator
) -> None:
    """An HTTPS entry on 443 stays on 443 when the camera announces its HTTP port."""
    camera = await sim.add_axis_camera(serial=AXIS_SERIAL)
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=AXIS_SERIAL,
        data={
            **axis_data(camera),
            CONF_HOST: "192.0.2.10",
            CONF_PORT: 443,
            CONF_SSL: True,
            CONF_MAC: "ac:cc:8e:00:00:01",
        },
    )
    entry.add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_ZEROCONF}, data=zeroconf(camera, "ACCC8E000001")
    )
    assert result["reason"] == "already_configured"
    assert (entry.data[CONF_HOST], entry.data[CONF_PORT], entry.data[CONF_SSL]) == (
        camera.host,
        443,
        True,
    )


async def test_network_camera_list_offers_other_cameras(
    hass: HomeAssistant, sim: Simulator
) -> None:
    other = await sim.add_axis_camera(serial="ACCC8E000002", name="Organ camera")
    configured = await sim.add_axis_camera(serial="ACCC8E000003")
    camera = await sim.add_axis_camera(serial=AXIS_SERIAL)
    camera.network_cameras = [
        {"name": "AXIS M1065-L - ACCC8E000002", "ip": other.host, "port": other.port},
        {"name": "AXIS P1448 - ACCC8E000003", "ip": configured.host, "port": configured.port},
        {"name": "Some camera", "ip": "192.0.2.7"},
    ]
    await setup_axis_entry(hass, configured)
    await setup_axis_entry(hass, camera)
    await until(
        hass,
        lambda: hass.config_entries.flow.async_progress_by_handler(DOMAIN),
        "discovery flow",
    )
    await asyncio.sleep(0.2)  # no other flow follows
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [f["context"]["unique_id"] for f in flows] == ["ACCC8E000002"]
    flow = flows[0]
    assert flow["context"]["source"] == SOURCE_INTEGRATION_DISCOVERY
    assert flow["step_id"] == "discovery_confirm"
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {})
    result = await hass.config_entries.flow.async_configure(result["flow_id"], login(other))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == "ACCC8E000002"
    assert result["data"][CONF_PORT] == other.port


async def test_integration_discovery_of_a_configured_camera_updates_it(
    hass: HomeAssistant, sim: Simulator
) -> None:
    camera = await sim.add_axis_camera(serial=AXIS_SERIAL)
    entry = MockConfigEntry(
        domain=DOMAIN, unique_id=AXIS_SERIAL, data={**axis_data(camera), CONF_HOST: "192.0.2.1"}
    )
    entry.add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": SOURCE_INTEGRATION_DISCOVERY},
        data={CONF_HOST: camera.host, CONF_PORT: camera.port, "serial": AXIS_SERIAL},
    )
    assert result["reason"] == "already_configured"
    assert entry.data[CONF_HOST] == camera.host


async def test_camera_list_failure_is_quiet(hass: HomeAssistant, sim: Simulator) -> None:
    camera = await sim.add_axis_camera(serial=AXIS_SERIAL, apps=("camstreamer", "camoverlay"))
    camera.network_cameras = [{"name": "broken"}]  # no ip: skipped
    entry = await setup_axis_entry(hass, camera)
    assert entry.state is ConfigEntryState.LOADED
    assert hass.config_entries.flow.async_progress_by_handler(DOMAIN) == []
    # CamOverlay's list is used without CamScripter; an error there does not break anything.
    # The list is read by a background task of the start-up: wait for it (bounded).
    listed = "/local/camoverlay/api/network_camera_list.cgi"
    await until(hass, lambda: camera.stats.requests[listed] >= 1, "the camera list read")
    assert camera.stats.requests[listed] == 1
    camera.faults.malformed = True
    await discover_cameras(hass, entry.runtime_data.host)
    camera.faults.clear()


# --- reauth, reconfigure, options -------------------------------------------------------------


async def test_reauth_after_repeated_refusals(
    hass: HomeAssistant, axis: AxisCamera, axis_entry: MockConfigEntry
) -> None:
    await pushed(hass, axis_entry)
    axis.password = "changed"
    coordinator = axis_entry.runtime_data.coordinator
    for _ in range(3):
        await coordinator.async_refresh()
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [f["context"]["source"] for f in flows] == ["reauth"]
    result = await hass.config_entries.flow.async_configure(
        flows[0]["flow_id"], {CONF_USERNAME: "root", CONF_PASSWORD: "changed"}
    )
    assert result["reason"] == "reauth_successful"
    assert axis_entry.data[CONF_PASSWORD] == "changed"
    await hass.async_block_till_done()
    assert axis_entry.state is ConfigEntryState.LOADED


async def test_reconfigure_to_another_port(
    hass: HomeAssistant, sim: Simulator, axis: AxisCamera, axis_entry: MockConfigEntry
) -> None:
    result = await axis_entry.start_reconfigure_flow(hass)
    other = await sim.add_axis_camera(serial="ACCC8E000009")
    result = await hass.config_entries.flow.async_configure(result["flow_id"], host_input(other))
    assert result["reason"] == "wrong_device"
    result = await axis_entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], host_input(axis))
    assert result["reason"] == "reconfigure_successful"


async def test_options_frame_rate(
    hass: HomeAssistant, axis: AxisCamera, axis_entry: MockConfigEntry
) -> None:
    result = await hass.config_entries.options.async_init(axis_entry.entry_id)
    assert result["step_id"] == "init"
    assert CONF_FPS in result["data_schema"].schema
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_FPS: 5, "snapshot_max_age": 1.0}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    await until(hass, lambda: axis_entry.state is ConfigEntryState.LOADED)
    source = axis_entry.runtime_data.sources[f"{AXIS_SERIAL}_camera"]
    assert source.frame_interval == pytest.approx(0.2)
    assert hass.states.get(f"camera.{P}camera") is not None


def test_service_names() -> None:
    assert service_name("infoticker", "News", 1) == "News"
    assert service_name("ptzCompass", "", 4) == "PTZ compass 4"
    assert service_name("newWidget", "", 9) == "newWidget 9"


async def test_network_camera_list_moves_a_configured_camera_to_its_new_address(
    hass: HomeAssistant, sim: Simulator
) -> None:
    """A configured camera that CamScripter lists at another address follows it by itself."""
    moved = await sim.add_axis_camera(serial="ACCC8E000003")
    old = MockConfigEntry(
        domain=DOMAIN,
        unique_id="ACCC8E000003",
        data={**axis_data(moved), CONF_HOST: "localhost"},  # its old address (a name)
        version=2,
    )
    old.add_to_hass(hass)
    camera = await sim.add_axis_camera(serial=AXIS_SERIAL)
    camera.network_cameras = [
        {"name": "AXIS P1448 - ACCC8E000003", "ip": moved.host, "port": moved.port},
    ]
    await setup_axis_entry(hass, camera)
    await until(hass, lambda: old.data[CONF_HOST] == moved.host, "host update")
    assert hass.config_entries.flow.async_progress_by_handler(DOMAIN) == []
