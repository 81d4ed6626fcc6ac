"""Secrets and identifiers, for every family: diagnostics and logs are searched for them.

Each family's simulated device gets distinctive credentials; its diagnostics are loaded
through Home Assistant's own view and searched for the password, token, serials / mxids /
camera ids / UUIDs, MACs and the device's address. Logs are captured at DEBUG while the
entry is set up, the device restarts, refuses the login and is re-authenticated, and
searched for passwords and tokens (logs may name a device, never its secrets).
"""

from __future__ import annotations

import json
import logging
import secrets as std_secrets
from dataclasses import dataclass, field
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

import simulator.camstreamer as sim_camstreamer
from custom_components.camhub.const import DOMAIN
from simulator import SimCamera, SimDevice, SimOakCamera, Simulator

from .conftest import (
    aipix_data,
    axis_data,
    intercom_data,
    liveview_data,
    load_entry,
    oak_data,
)


async def tick(hass: HomeAssistant, freezer: FrozenDateTimeFactory, entry: MockConfigEntry) -> None:
    """31 s later, and one poll (event channels are background tasks that never finish, so
    waiting for background tasks, as the pollers' tests do, would wait forever)."""
    freezer.tick(timedelta(seconds=31))
    async_fire_time_changed(hass)
    if entry.state.name == "LOADED":
        await entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()


FAMILIES = ["intercom_2n", "camstreamer", "oak", "liveview", "aipix"]
PASSWORD = "Pw-Zq81-uniq"
TOKEN = "tok-Yh3k-integration-uniq"


@dataclass
class Family:
    """A loaded entry, its device, and what must never be shown."""

    device: SimDevice
    entry: MockConfigEntry
    secrets: list[str]  # never in diagnostics or logs
    identifiers: list[str] = field(default_factory=list)  # never in diagnostics


async def add_family(hass: HomeAssistant, sim: Simulator, key: str) -> Family:
    """One loaded entry of family `key` with distinctive secrets."""
    if key == "intercom_2n":
        dev: Any = await sim.add_intercom_2n(serial="54-0777-0001", password=PASSWORD)
        entry = await load_entry(hass, "Door", dev.serial, intercom_data(dev), {})
        return Family(dev, entry, [PASSWORD], [dev.serial, dev.mac, dev.mac.lower()])
    if key == "camstreamer":
        dev = await sim.add_axis_camera(serial="ACCC8E0777AB", password=PASSWORD)
        entry = await load_entry(hass, "Axis", dev.serial, axis_data(dev), {})
        return Family(dev, entry, [PASSWORD], [dev.serial, dev.mac, dev.mac.lower()])
    address = ""
    if key == "oak":
        dev = await sim.add_oak(cameras=[SimOakCamera("1844301077AB12CD00", name="192.168.7.77")])
        address = f"127.0.0.1:{dev.port}"
        entry = await load_entry(hass, "Robopipe", address, oak_data(dev), {})
        return Family(dev, entry, [], ["1844301077AB12CD00", "192.168.7.77", address])
    if key == "liveview":
        dev = await sim.add_liveview(cameras=[SimCamera("D10F6077AB0C")])
        address = f"127.0.0.1:{dev.port}"
        entry = await load_entry(hass, "Camera Remote", address, liveview_data(dev), {})
        return Family(dev, entry, [], ["D10F6077AB0C", address])
    dev = await sim.add_aipix(token=TOKEN)
    address = f"127.0.0.1:{dev.port}"
    entry = await load_entry(
        hass,
        "VMS",
        address,
        aipix_data(dev),
        {"cameras": dev.cameras[:2], "stream_types": ["high"]},
    )
    return Family(dev, entry, [TOKEN], [*dev.cameras[:2], address])


@pytest.fixture
def issued_tokens(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every event-channel token the simulated Axis camera hands out."""
    tokens: list[str] = []

    def token_urlsafe(nbytes: int | None = None) -> str:
        token = std_secrets.token_urlsafe(nbytes)
        tokens.append(token)
        return token

    monkeypatch.setattr(sim_camstreamer, "secrets", SimpleNamespace(token_urlsafe=token_urlsafe))
    return tokens


@pytest.mark.parametrize("key", FAMILIES)
async def test_diagnostics_hold_no_secret_or_identifier(
    hass: HomeAssistant,
    sim: Simulator,
    hass_client: ClientSessionGenerator,
    issued_tokens: list[str],
    key: str,
) -> None:
    assert await async_setup_component(hass, "diagnostics", {})
    family = await add_family(hass, sim, key)
    assert family.entry.state.name == "LOADED"
    diag = await get_diagnostics_for_config_entry(hass, hass_client, family.entry)
    text = json.dumps(diag)
    for value in [*family.secrets, *issued_tokens, *family.identifiers]:
        assert value not in text, value
    assert "127.0.0.1" not in text
    assert diag["family"] == key
    assert diag["state"]  # redacted, not emptied: support still sees the state


@pytest.mark.parametrize("key", FAMILIES)
async def test_logs_hold_no_password_or_token(
    hass: HomeAssistant,
    sim: Simulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    issued_tokens: list[str],
    key: str,
) -> None:
    """Set-up, a restart, refused logins (reauth) and a new login, all at DEBUG."""
    caplog.set_level(logging.DEBUG)
    family = await add_family(hass, sim, key)
    await family.device.stop()  # a reboot (restart() sleeps, and time is frozen here)
    await tick(hass, freezer, family.entry)
    await family.device.start()
    await tick(hass, freezer, family.entry)
    family.device.faults.unauthorized = True
    for _ in range(4):
        await tick(hass, freezer, family.entry)
    family.device.faults.clear()
    flows = [
        f
        for f in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        if f["context"]["source"] == SOURCE_REAUTH
    ]
    if flows:  # families with a login: answer the reauth with the same secret
        fields = {"api_token": TOKEN} if key == "aipix" else {"password": PASSWORD}
        if key != "aipix":
            fields["username"] = family.device.username
        await hass.config_entries.flow.async_configure(flows[0]["flow_id"], fields)
        await hass.async_block_till_done()
    else:  # polled families with a login must have asked (pushed ones poll no HTTP here)
        assert key not in ("intercom_2n", "aipix"), "a refused login must start reauth"
    for _ in range(2):
        await tick(hass, freezer, family.entry)
    assert caplog.text, "nothing was logged"
    for value in [*family.secrets, *issued_tokens]:
        assert value not in caplog.text, value


async def test_tls_verification_is_on_by_default(hass: HomeAssistant) -> None:
    """The user step offers 'Verify SSL certificate' ticked; unticking it is per entry."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": "user"})
    schema = result["data_schema"].schema
    verify = next(key for key in schema if key == "verify_ssl")
    assert verify.default() is True
