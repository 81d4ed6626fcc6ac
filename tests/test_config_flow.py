"""Every config flow path, against the simulator."""

from __future__ import annotations

from unittest.mock import patch

import pytest
from homeassistant.config_entries import SOURCE_DHCP, SOURCE_INTEGRATION_DISCOVERY, SOURCE_USER
from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_SSL,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, InvalidData
from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.camhub.const import CONF_FAMILY, CONF_FPS, CONF_MAC, DOMAIN
from custom_components.camhub.families.intercom2n import Intercom2NFlow
from simulator import Intercom2N, Simulator

from .conftest import intercom_data


def host_input(device: Intercom2N) -> dict[str, object]:
    return {CONF_HOST: device.host, CONF_PORT: device.port, CONF_SSL: False, CONF_VERIFY_SSL: True}


async def start_user_flow(hass: HomeAssistant, device: Intercom2N) -> dict:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.FORM and result["step_id"] == "user"
    return await hass.config_entries.flow.async_configure(result["flow_id"], host_input(device))


async def test_user_flow_creates_entry(hass: HomeAssistant, intercom: Intercom2N) -> None:
    result = await start_user_flow(hass, intercom)
    assert result["type"] is FlowResultType.FORM and result["step_id"] == "credentials"
    assert result["description_placeholders"]["family"] == "2N IP intercom"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: "admin", CONF_PASSWORD: "secret"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Front door"  # no serial in titles: they reach logs
    assert result["result"].unique_id == "54-0000-0001"
    assert result["data"] == {
        CONF_HOST: "127.0.0.1",
        CONF_PORT: intercom.port,
        CONF_SSL: False,
        CONF_VERIFY_SSL: True,
        CONF_FAMILY: "intercom_2n",
        CONF_MAC: "7c:1e:b3:00:00:01",
        CONF_USERNAME: "admin",
        CONF_PASSWORD: "secret",
    }
    await hass.async_block_till_done()


async def test_user_flow_basic_auth_device(hass: HomeAssistant, sim: Simulator) -> None:
    device = await sim.add_intercom_2n(auth="basic", serial="54-0000-0009")
    result = await start_user_flow(hass, device)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: "admin", CONF_PASSWORD: "secret"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()


async def test_user_flow_credential_errors_then_success(
    hass: HomeAssistant, intercom: Intercom2N
) -> None:
    result = await start_user_flow(hass, intercom)
    flow_id = result["flow_id"]
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_USERNAME: "admin", CONF_PASSWORD: "wrong"}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    intercom.camera_privilege = False
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_USERNAME: "admin", CONF_PASSWORD: "secret"}
    )
    assert result["errors"] == {"base": "insufficient_privileges"}
    intercom.camera_privilege = True
    intercom.faults.status = 500
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_USERNAME: "admin", CONF_PASSWORD: "secret"}
    )
    assert result["errors"] == {"base": "device_error"}
    intercom.faults.clear()
    await intercom.stop()
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_USERNAME: "admin", CONF_PASSWORD: "secret"}
    )
    assert result["errors"] == {"base": "cannot_connect"}
    await intercom.start()
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_USERNAME: "admin", CONF_PASSWORD: "secret"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()


async def test_user_flow_cannot_connect(hass: HomeAssistant, intercom: Intercom2N) -> None:
    await intercom.stop()
    result = await start_user_flow(hass, intercom)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}


async def test_user_flow_not_a_supported_device(hass: HomeAssistant, intercom: Intercom2N) -> None:
    intercom.faults.malformed = True  # answers, but not as any family would
    result = await start_user_flow(hass, intercom)
    assert result["errors"] == {"base": "not_supported"}


async def test_same_device_twice_aborts_and_updates_host(
    hass: HomeAssistant, intercom: Intercom2N
) -> None:
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=intercom.serial,
        data={**intercom_data(intercom), CONF_PORT: 1},
    )
    entry.add_to_hass(hass)
    with patch("custom_components.camhub.async_setup_entry", return_value=True):
        result = await start_user_flow(hass, intercom)
    assert result["type"] is FlowResultType.ABORT and result["reason"] == "already_configured"
    assert entry.data[CONF_PORT] == intercom.port


async def test_dhcp_offers_new_device(hass: HomeAssistant, intercom: Intercom2N) -> None:
    with patch.object(Intercom2NFlow, "default_port", return_value=intercom.port):
        result = await hass.config_entries.flow.async_init(
            DOMAIN,
            context={"source": SOURCE_DHCP},
            data=DhcpServiceInfo(ip="127.0.0.1", hostname="2n", macaddress="7c1eb3000001"),
        )
        assert result["type"] is FlowResultType.FORM
        assert result["step_id"] == "discovery_confirm"
        result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
        assert result["step_id"] == "credentials"
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_USERNAME: "admin", CONF_PASSWORD: "secret"}
        )
        assert result["type"] is FlowResultType.CREATE_ENTRY
        assert result["data"][CONF_MAC] == "7c:1e:b3:00:00:01"
        assert CONF_PORT not in result["data"]
        await hass.async_block_till_done()


async def test_dhcp_again_while_its_flow_is_open_does_not_probe(
    hass: HomeAssistant, intercom: Intercom2N
) -> None:
    """A repeat announcement of a device whose flow is open asks only its own family."""
    with patch.object(Intercom2NFlow, "default_port", return_value=intercom.port):
        info = DhcpServiceInfo(ip="127.0.0.1", hostname="2n", macaddress="7c1eb3000001")
        first = await hass.config_entries.flow.async_init(
            DOMAIN, context={"source": SOURCE_DHCP}, data=info
        )
        assert first["step_id"] == "discovery_confirm"
        probes = intercom.stats.requests["/api/system/info"]
        again = await hass.config_entries.flow.async_init(
            DOMAIN, context={"source": SOURCE_DHCP}, data=info
        )
        assert again["type"] is FlowResultType.ABORT
        assert again["reason"] == "already_in_progress"
        # One question, to the family whose MAC prefix matched, not one per family.
        assert intercom.stats.requests["/api/system/info"] == probes + 1
        assert sum(intercom.stats.requests.values()) == 2 * probes


async def test_dhcp_updates_host_of_configured_device(hass: HomeAssistant) -> None:
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id="54-0000-0001",
        data={CONF_FAMILY: "intercom_2n", CONF_HOST: "10.0.0.5", CONF_MAC: "7c:1e:b3:00:00:01"},
    )
    entry.add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": SOURCE_DHCP},
        data=DhcpServiceInfo(ip="127.0.0.9", hostname="2n", macaddress="7c1eb3000001"),
    )
    assert result["type"] is FlowResultType.ABORT and result["reason"] == "already_configured"
    assert entry.data[CONF_HOST] == "127.0.0.9"


async def test_dhcp_unreachable_or_foreign(
    hass: HomeAssistant, intercom: Intercom2N, socket_enabled: None
) -> None:
    with patch.object(Intercom2NFlow, "default_port", return_value=intercom.port):
        intercom.faults.malformed = True
        result = await hass.config_entries.flow.async_init(
            DOMAIN,
            context={"source": SOURCE_DHCP},
            data=DhcpServiceInfo(ip="127.0.0.1", hostname="x", macaddress="7c1eb3000002"),
        )
        assert result["type"] is FlowResultType.ABORT and result["reason"] == "not_supported"
        await intercom.stop()
        result = await hass.config_entries.flow.async_init(
            DOMAIN,
            context={"source": SOURCE_DHCP},
            data=DhcpServiceInfo(ip="127.0.0.1", hostname="x", macaddress="7c1eb3000003"),
        )
        assert result["type"] is FlowResultType.ABORT and result["reason"] == "cannot_connect"


async def test_reauth(hass: HomeAssistant, intercom: Intercom2N, intercom_entry) -> None:
    intercom.password = "new-secret"
    result = await intercom_entry.start_reauth_flow(hass)
    assert result["step_id"] == "reauth_confirm"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: "admin", CONF_PASSWORD: "bad"}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: "admin", CONF_PASSWORD: "new-secret"}
    )
    assert result["type"] is FlowResultType.ABORT and result["reason"] == "reauth_successful"
    assert intercom_entry.data[CONF_PASSWORD] == "new-secret"
    await hass.async_block_till_done()


async def test_reconfigure(
    hass: HomeAssistant, sim: Simulator, intercom: Intercom2N, intercom_entry
) -> None:
    result = await intercom_entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure"
    other = await sim.add_intercom_2n(serial="54-0000-0002", mac="7C:1E:B3:00:00:02")
    result = await hass.config_entries.flow.async_configure(result["flow_id"], host_input(other))
    assert result["type"] is FlowResultType.ABORT and result["reason"] == "wrong_device"

    result = await intercom_entry.start_reconfigure_flow(hass)
    await intercom.stop()
    result = await hass.config_entries.flow.async_configure(result["flow_id"], host_input(intercom))
    assert result["errors"] == {"base": "cannot_connect"}
    await intercom.start()
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**host_input(intercom), CONF_VERIFY_SSL: False}
    )
    assert result["type"] is FlowResultType.ABORT and result["reason"] == "reconfigure_successful"
    assert intercom_entry.data[CONF_VERIFY_SSL] is False
    assert intercom_entry.data[CONF_PASSWORD] == "secret"
    await hass.async_block_till_done()


async def test_options_flow(hass: HomeAssistant, intercom_entry) -> None:
    result = await hass.config_entries.options.async_init(intercom_entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    schema = result["data_schema"].schema
    resolution = next(k for k in schema if k == "resolution")
    assert resolution.default() == "640x480"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"resolution": "1280x960", CONF_FPS: 5, "snapshot_max_age": 1.0}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert intercom_entry.options == {
        "resolution": "1280x960",
        CONF_FPS: 5,
        "snapshot_max_age": 1.0,
    }
    camera = hass.states.get("camera.front_door_internal_camera")
    assert camera is not None and camera.state == "idle"


async def test_options_flow_rejects_fps_out_of_range(hass: HomeAssistant, intercom_entry) -> None:
    result = await hass.config_entries.options.async_init(intercom_entry.entry_id)
    with pytest.raises(InvalidData):
        await hass.config_entries.options.async_configure(
            result["flow_id"], {"resolution": "640x480", CONF_FPS: 30, "snapshot_max_age": 1.0}
        )


async def test_options_flow_needs_loaded_entry(hass: HomeAssistant, intercom: Intercom2N) -> None:
    entry = MockConfigEntry(domain=DOMAIN, unique_id="x", data=intercom_data(intercom))
    entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.ABORT and result["reason"] == "not_loaded"


async def test_listed_device_without_serial_and_login(hass: HomeAssistant, oak) -> None:
    """Integration discovery that names no serial probes the device; a family without a
    login (Robopipe) is added straight from the confirmation."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": SOURCE_INTEGRATION_DISCOVERY},
        data={CONF_HOST: oak.host, CONF_PORT: oak.port},
    )
    assert result["type"] is FlowResultType.FORM and result["step_id"] == "discovery_confirm"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    if result.get("step_id") == "local_devices":  # depthai installed: the host's OAKs shown
        result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_FAMILY] == "oak" and CONF_MAC not in result["data"]
    await hass.async_block_till_done()


async def test_a_probe_that_breaks_is_not_a_match(
    hass: HomeAssistant, oak, caplog: pytest.LogCaptureFixture
) -> None:
    """A family whose probe fails with a device error is skipped (logged at debug); the
    device is still recognised by its own family."""
    from custom_components.camhub.api.errors import ProtocolError

    async def broken(*args: object) -> None:
        raise ProtocolError("garbage")

    caplog.set_level("DEBUG", logger="custom_components.camhub")
    with patch.object(Intercom2NFlow, "probe", broken):
        result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"],
            {CONF_HOST: oak.host, CONF_PORT: oak.port, CONF_SSL: False, CONF_VERIFY_SSL: True},
        )
    # Recognised as a Robopipe controller: straight on (no login), no error.
    assert not result.get("errors")
    assert result.get("step_id") == "local_devices" or result["type"] is FlowResultType.CREATE_ENTRY
    assert "as intercom_2n failed" in caplog.text
