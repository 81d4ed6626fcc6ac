"""Diagnostics carry state and stream counters, never credentials, serials or MACs."""

from __future__ import annotations

import json

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from simulator import Intercom2N


async def test_diagnostics_redacted(
    hass: HomeAssistant,
    intercom: Intercom2N,
    intercom_entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    diag = await get_diagnostics_for_config_entry(hass, hass_client, intercom_entry)
    text = json.dumps(diag)
    for secret in (intercom.password, intercom.serial, intercom.mac, intercom.mac.lower()):
        assert secret not in text
    assert diag["entry"]["data"]["password"] == "**REDACTED**"
    assert diag["entry"]["data"]["username"] == "**REDACTED**"
    assert diag["entry"]["data"]["host"] == "**REDACTED**"
    assert diag["family"] == "intercom_2n"
    assert diag["state"]["info"]["serial"] == "**REDACTED**"
    assert diag["state"]["info"]["sw_version"] == "2.41.0.62.3"
    assert diag["state"]["caps"]["sources"] == ["internal", "external"]
    assert diag["streams"][0]["source"] == "internal"
    assert diag["streams"][0]["upstream_connects"] == 0
    assert diag["last_update_success"] is True
