"""Config entries of servers without an id of their own (Robopipe, Camera Remote, AIPIX).

Their APIs name no serial, so an entry has no unique id: the same server is recognised by its
address (resolved, so `localhost` and `127.0.0.1` are one), its own device is identified by
the entry id, and a reconfigure must still reach the devices behind it. Version 1 entries,
keyed by `host:port`, are migrated without changing the user's entity ids.
"""

from __future__ import annotations

import socket
from typing import Any
from unittest.mock import patch

import pytest
from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_PORT, CONF_SSL, CONF_VERIFY_SSL
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.camhub.const import DOMAIN
from simulator import AipixServer, Intercom2N, LiveViewServer, OakController, Simulator
from simulator.liveview import SimCamera
from simulator.oak import SimOakCamera

from .conftest import (
    AIPIX_TOKEN,
    aipix_data,
    intercom_data,
    liveview_data,
    oak_data,
    setup_liveview_entry,
    setup_oak_entry,
)


def address(device: OakController | LiveViewServer | AipixServer, host: str) -> dict[str, Any]:
    """The connection form, with `host` instead of the simulator's 127.0.0.1."""
    return {CONF_HOST: host, CONF_PORT: device.port, CONF_SSL: False, CONF_VERIFY_SSL: True}


async def user_flow(hass: HomeAssistant, form: dict[str, Any]) -> dict[str, Any]:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    return dict(await hass.config_entries.flow.async_configure(result["flow_id"], form))


async def test_same_controller_by_ip_and_by_host_name_is_one(
    hass: HomeAssistant, oak: OakController
) -> None:
    """An entry made by host name is found again when the same controller is added by IP.

    (The test harness resolves no host names for HTTP, so the entry by name is only added;
    the name is resolved by the config flow's own look-up, as on a real machine.)
    """
    MockConfigEntry(
        domain=DOMAIN, data={**oak_data(oak), CONF_HOST: "localhost"}, version=2
    ).add_to_hass(hass)
    result = await user_flow(hass, address(oak, "127.0.0.1"))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert len(hass.config_entries.async_entries(DOMAIN)) == 1


async def test_same_server_again_is_already_configured(
    hass: HomeAssistant, liveview: LiveViewServer, aipix: AipixServer
) -> None:
    await setup_liveview_entry(hass, liveview)
    result = await user_flow(hass, address(liveview, "127.0.0.1"))
    assert result["reason"] == "already_configured"
    MockConfigEntry(domain=DOMAIN, data=aipix_data(aipix), version=2).add_to_hass(hass)
    result = await user_flow(hass, address(aipix, "127.0.0.1"))
    assert result["reason"] == "already_configured"


async def test_a_name_that_does_not_resolve_is_compared_as_written(
    hass: HomeAssistant, oak: OakController
) -> None:
    data = {**oak_data(oak), CONF_HOST: "robopipe-7.invalid"}
    MockConfigEntry(domain=DOMAIN, data=data, version=2).add_to_hass(hass)
    with patch.object(hass.loop, "getaddrinfo", side_effect=socket.gaierror("no such name")):
        result = await user_flow(hass, address(oak, "127.0.0.1"))
    # Another address, so not a duplicate: the flow goes on (to the local OAK devices step).
    assert result["type"] is FlowResultType.FORM and result["step_id"] == "local_devices"


async def test_reconfigure_a_controller_and_refuse_another(
    hass: HomeAssistant, sim: Simulator, oak: OakController
) -> None:
    entry = await setup_oak_entry(hass, oak)
    other = await sim.add_oak(cameras=[SimOakCamera("19443010AAAAAA1200")])
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], address(other, "127.0.0.1")
    )
    assert result["type"] is FlowResultType.ABORT and result["reason"] == "wrong_device"
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**address(oak, "127.0.0.1"), CONF_VERIFY_SSL: False}
    )
    assert result["reason"] == "reconfigure_successful"
    assert entry.data[CONF_VERIFY_SSL] is False
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED


async def test_reconfigure_a_live_view_server_and_refuse_another(
    hass: HomeAssistant, sim: Simulator, liveview: LiveViewServer
) -> None:
    entry = await setup_liveview_entry(hass, liveview)
    other = await sim.add_liveview(cameras=[SimCamera("AAAA00000001")])
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], address(other, "127.0.0.1")
    )
    assert result["reason"] == "wrong_device"
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], address(liveview, "127.0.0.1")
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()


async def test_reconfigure_onto_another_entrys_server_is_refused(
    hass: HomeAssistant, sim: Simulator, oak: OakController
) -> None:
    """Two entries must not end up on one server (the second would duplicate its devices)."""
    first = await setup_oak_entry(hass, oak)
    empty = await sim.add_oak(cameras=[])
    second = await setup_oak_entry(hass, empty)
    result = await second.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], address(oak, "127.0.0.1")
    )
    assert result["reason"] == "already_configured"
    assert first.state is ConfigEntryState.LOADED


async def test_reconfigure_aipix_keeps_the_token(
    hass: HomeAssistant, aipix: AipixServer, aipix_entry: MockConfigEntry
) -> None:
    result = await aipix_entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**address(aipix, "127.0.0.1"), CONF_VERIFY_SSL: False}
    )
    assert result["reason"] == "reconfigure_successful"
    assert aipix_entry.data["api_token"] == AIPIX_TOKEN
    await hass.async_block_till_done()
    assert aipix_entry.state is ConfigEntryState.LOADED


@pytest.mark.parametrize("family", ["liveview", "oak"])
async def test_version_1_entries_are_migrated_keeping_entity_ids(
    hass: HomeAssistant, liveview: LiveViewServer, oak: OakController, family: str
) -> None:
    device = liveview if family == "liveview" else oak
    old = f"{device.host}:{device.port}"
    data = liveview_data(liveview) if family == "liveview" else oak_data(oak)
    entry = MockConfigEntry(domain=DOMAIN, unique_id=old, data=data, version=1)
    entry.add_to_hass(hass)
    devices, entities = dr.async_get(hass), er.async_get(hass)
    server = devices.async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={(DOMAIN, old)}, name="Server"
    )
    sensor = entities.async_get_or_create(
        "sensor",
        DOMAIN,
        f"{old}_connected_cameras",
        config_entry=entry,
        device_id=server.id,
        suggested_object_id="my_server_cameras",
    )
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert (entry.version, entry.unique_id) == (2, None)
    moved = devices.async_get(server.id)
    assert moved is not None and moved.identifiers == {(DOMAIN, entry.entry_id)}
    kept = entities.async_get(sensor.entity_id)
    assert kept is not None and kept.unique_id == f"{entry.entry_id}_connected_cameras"
    assert kept.entity_id == "sensor.my_server_cameras"


async def test_entries_of_a_newer_version_are_not_loaded(
    hass: HomeAssistant, oak: OakController
) -> None:
    entry = MockConfigEntry(domain=DOMAIN, data=oak_data(oak), version=3)
    entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.MIGRATION_ERROR


async def test_version_1_entries_of_other_families_keep_their_unique_id(
    hass: HomeAssistant, intercom: Intercom2N
) -> None:
    entry = MockConfigEntry(
        domain=DOMAIN, unique_id=intercom.serial, data=intercom_data(intercom), version=1
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert (entry.version, entry.unique_id) == (2, intercom.serial)
