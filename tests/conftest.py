"""Fixtures: a real Home Assistant (pytest-homeassistant-custom-component) and the simulator.

Sockets are blocked in Home Assistant tests; the `socket_enabled` fixture lets these tests
talk to the simulator on 127.0.0.1, so nothing below mocks HTTP.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_SSL,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
)
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.camhub.const import CONF_FAMILY, CONF_MAC, DOMAIN
from simulator import Intercom2N, Simulator


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Load custom_components/camhub in every test."""


@pytest.fixture
async def sim(socket_enabled: None) -> AsyncIterator[Simulator]:
    """The simulator, on loopback, for one test."""
    async with Simulator() as simulator:
        yield simulator


@pytest.fixture
async def intercom(sim: Simulator) -> Intercom2N:
    """A 2N intercom with internal and external cameras, Digest auth."""
    return await sim.add_intercom_2n(name="Front door", serial="54-0000-0001")


def intercom_data(device: Intercom2N) -> dict[str, Any]:
    """Config entry data for a simulated intercom."""
    return {
        CONF_FAMILY: "intercom_2n",
        CONF_HOST: device.host,
        CONF_PORT: device.port,
        CONF_SSL: False,
        CONF_VERIFY_SSL: True,
        CONF_USERNAME: device.username,
        CONF_PASSWORD: device.password,
        CONF_MAC: device.mac.lower(),
    }


@pytest.fixture
async def intercom_entry(hass: HomeAssistant, intercom: Intercom2N) -> MockConfigEntry:
    """A loaded config entry for the intercom."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Front door",
        unique_id=intercom.serial,
        data=intercom_data(intercom),
        options={"snapshot_max_age": 2.0},
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry
