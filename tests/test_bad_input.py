"""Bad input through Home Assistant: each answered with a clear, translated error (issue 15).

Before: AIPIX dates at year 1 / 9999 were an OverflowError (HTTP 500); a user name with ':'
or CR-LF was "unknown" in the config flow; a snapshot answered with HTML or stalling gave a
500 / a timeout with nothing logged; a device body of 15 MB of tiny JSON objects cost
hundreds of MB and "Unexpected error fetching" tracebacks.
"""

from __future__ import annotations

import asyncio
import logging

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.camera import async_get_image
from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_SSL,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
    STATE_UNAVAILABLE,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.camhub import camera as camera_platform
from custom_components.camhub.const import DOMAIN
from simulator import Intercom2N, Simulator

from .test_init import INTERNAL, tick

AIPIX_CAM = "camera.aipix_camera_1_high_quality"


@pytest.mark.parametrize(
    ("service", "data"),
    [
        ("get_preview", {"date": "0001-01-01T00:00:00"}),
        ("get_preview", {"date": "0001-01-01T00:00:00-12:00"}),
        ("get_preview", {"date": "9999-12-31T23:59:59"}),
        ("get_preview", {"date": "9999-12-31T23:59:59+14:00"}),
        ("get_preview", {"date": "1969-12-31T23:59:59+00:00"}),
        ("get_archive", {"from": "0001-01-01T00:00:00", "to": "0001-01-01T01:00:00"}),
        ("get_archive", {"from": "2026-01-01T00:00:00", "to": "9999-12-31T23:59:59"}),
    ],
)
async def test_aipix_dates_out_of_range_are_invalid(
    hass: HomeAssistant, aipix_entry: MockConfigEntry, service: str, data: dict[str, str]
) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, service, {"camera": AIPIX_CAM, **data}, blocking=True, return_response=True
        )
    assert err.value.translation_key == "invalid_time"


@pytest.mark.parametrize(
    ("username", "password", "sent"),
    [("ad:min", "secret", 1), ("admin\r\nX-Evil: 1", "secret", 0), ("admin", "sec\nret", 0)],
)
async def test_config_flow_credentials_no_header_can_carry(
    hass: HomeAssistant, sim: Simulator, username: str, password: str, sent: int
) -> None:
    device = await sim.add_intercom_2n(auth="basic", serial="54-0000-0042")
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_HOST: device.host, CONF_PORT: device.port, CONF_SSL: False, CONF_VERIFY_SSL: True},
    )
    assert result["step_id"] == "credentials"
    protected = device.stats.requests["/api/camera/caps"]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: username, CONF_PASSWORD: password}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_credentials"}
    # CR-LF: nothing is sent. ':' is fine for Digest, so one request learns the device wants
    # Basic, which cannot carry it.
    assert device.stats.requests["/api/camera/caps"] - protected == sent
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: "admin", CONF_PASSWORD: "secret"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()


async def test_snapshot_answered_with_html_is_logged_once(
    hass: HomeAssistant,
    intercom: Intercom2N,
    intercom_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    intercom.faults.bodies["/api/camera/snapshot"] = ("text/html", b"<html>login</html>")
    for _ in range(3):
        with pytest.raises(HomeAssistantError) as err:
            await async_get_image(hass, INTERNAL)
        assert err.value.translation_key == "protocol_error"
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING and "Snapshot" in r.msg]
    assert len(warnings) == 1 and "text/html" in warnings[0].getMessage()
    intercom.faults.clear()
    assert (await async_get_image(hass, INTERNAL)).content[:2] == b"\xff\xd8"
    assert sum("work again" in r.getMessage() for r in caplog.records) == 1


async def test_stalled_snapshot_is_our_logged_timeout(
    hass: HomeAssistant,
    intercom: Intercom2N,
    intercom_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(camera_platform, "SNAPSHOT_TIMEOUT", 0.3)
    intercom.faults.latency = 3.0
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(HomeAssistantError) as err:
        await async_get_image(hass, INTERNAL)
    assert err.value.translation_key == "timeout"
    assert loop.time() - started < 2.5
    assert any(
        r.levelno == logging.WARNING and "no snapshot in time" in r.getMessage()
        for r in caplog.records
    )
    intercom.faults.clear()


async def test_hostile_poll_body_is_a_logged_failure_not_a_traceback(
    hass: HomeAssistant,
    intercom: Intercom2N,
    intercom_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """15 MB of tiny objects and JSON 100,000 deep: "Error fetching", never "Unexpected"."""
    for body in (b"[" + b"{}," * 5_000_000 + b"{}]", b"[" * 100_000):
        intercom.faults.bodies["/api/system/info"] = ("application/json", body)
        await tick(hass, freezer)
        assert hass.states.get(INTERNAL).state == STATE_UNAVAILABLE
    assert not any("Unexpected error" in r.getMessage() for r in caplog.records)
    assert any("Error fetching" in r.getMessage() for r in caplog.records)
    intercom.faults.clear()
    await tick(hass, freezer)
    assert hass.states.get(INTERNAL).state == "idle"


@pytest.mark.parametrize("host", ["http://evil", "127.0.0.1/../", "[::1", "", "a b", "cam:80"])
async def test_an_address_that_is_not_a_host_is_refused_before_any_request(
    hass: HomeAssistant, intercom: Intercom2N, intercom_entry: MockConfigEntry, host: str
) -> None:
    """Not "not supported" (nothing was asked): the field says the address is invalid."""
    form = {CONF_HOST: host, CONF_SSL: False, CONF_VERIFY_SSL: True}
    before = sum(intercom.stats.requests.values())
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(result["flow_id"], form)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_HOST: "invalid_host"}
    result = await intercom_entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], form)
    assert result["errors"] == {CONF_HOST: "invalid_host"}
    assert sum(intercom.stats.requests.values()) == before
    assert intercom_entry.data[CONF_HOST] == intercom.host


async def test_a_listed_camera_with_a_garbage_address_is_not_contacted(
    hass: HomeAssistant,
) -> None:
    result = await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": "integration_discovery"},
        data={CONF_HOST: "http://192.0.2.1/x", "serial": "ACCC8E0000FF", "name": "x"},
    )
    assert result["type"] is FlowResultType.ABORT and result["reason"] == "invalid_host"
