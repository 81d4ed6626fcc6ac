"""A second server of the same family on the same host but another port is another server.

Servers without an id (here a Robopipe controller) are recognised by address; the port is
part of it, so two controllers behind one address (two ports) are two entries.
"""

from __future__ import annotations

from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import CONF_HOST, CONF_PORT, CONF_SSL, CONF_VERIFY_SSL
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.camhub.const import DOMAIN
from simulator import OakController, Simulator
from simulator.oak import SimOakCamera

from .conftest import oak_data


async def test_another_port_of_the_same_host_is_another_server(
    hass: HomeAssistant, sim: Simulator, oak: OakController
) -> None:
    MockConfigEntry(domain=DOMAIN, data=oak_data(oak), version=2).add_to_hass(hass)
    other = await sim.add_oak(cameras=[SimOakCamera("19443010AAAAAA1200")])
    assert other.port != oak.port
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_HOST: "127.0.0.1", CONF_PORT: other.port, CONF_SSL: False, CONF_VERIFY_SSL: True},
    )
    # Not "already_configured": the flow goes on to the controller's local devices step.
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "local_devices"
