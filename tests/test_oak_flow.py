"""Config flow and family internals for Robopipe controllers, against the simulator."""

from __future__ import annotations

import asyncio
import sys
import time
from types import SimpleNamespace
from typing import Any

import pytest
from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import CONF_HOST, CONF_PORT, CONF_SSL, CONF_VERIFY_SSL
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from pytest_homeassistant_custom_component.common import MockConfigEntry
from yarl import URL

from custom_components.camhub.api.errors import ConnectError
from custom_components.camhub.api.oak import CameraInfo, OakClient
from custom_components.camhub.const import DOMAIN
from custom_components.camhub.families.oak import (
    OakCameraState,
    OakFlow,
    OakHost,
    _optional,
    async_scan_local_devices,
    fetch_camera,
)
from simulator import OakController, Simulator

from .conftest import OAK_ONE, OAK_PRO


def host_input(device: object) -> dict[str, object]:
    return {
        CONF_HOST: device.host,  # type: ignore[attr-defined]
        CONF_PORT: device.port,  # type: ignore[attr-defined]
        CONF_SSL: False,
        CONF_VERIFY_SSL: True,
    }


async def test_user_flow_recognises_a_controller(
    hass: HomeAssistant, oak: OakController, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "depthai", None)  # as on Home Assistant OS: no depthai
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(result["flow_id"], host_input(oak))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Robopipe controller (127.0.0.1)"
    assert result["data"]["family"] == "oak"
    assert result["result"].unique_id is None
    await hass.async_block_till_done()
    # The same controller again: already configured.
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(result["flow_id"], host_input(oak))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_probe_tells_oak_from_other_families(hass: HomeAssistant, sim: Simulator) -> None:
    session = async_get_clientsession(hass)
    family = OakFlow()
    intercom = await sim.add_intercom_2n()
    assert await family.probe(session, URL(intercom.url)) is None
    liveview = await sim.add_liveview()
    assert await family.probe(session, URL(liveview.url)) is None
    oak = await sim.add_oak(cameras=[])
    identity = await family.probe(session, URL(oak.url))
    assert identity is not None and identity.model == "Robopipe controller with 0 OAK cameras"
    oak.faults.malformed = True
    assert await family.probe(session, URL(oak.url)) is None
    await oak.stop()
    with pytest.raises(ConnectError):
        await family.probe(session, URL(oak.url))


async def test_validate_and_fetch_camera_edge_cases(
    hass: HomeAssistant, oak: OakController
) -> None:
    session = async_get_clientsession(hass)
    family = OakFlow()
    client = family.create_client(
        session, {CONF_HOST: oak.host, CONF_PORT: oak.port, CONF_SSL: False}
    )
    identity = await family.validate(client)
    assert identity.model == "Robopipe controller with 2 OAK cameras"
    entry = MockConfigEntry(domain=DOMAIN, data={"family": "oak"})
    connection = family.create_host(hass, entry, client)
    assert isinstance(connection, OakHost)
    # Before the first state, a write's patch has nothing to update.
    connection.patch(OAK_PRO, lambda camera: camera)
    state = await connection.fetch_state()
    assert set(state.cameras) == {OAK_PRO, OAK_ONE}
    assert state.stream(OAK_PRO, "DEPTH_B_C") is not None
    assert state.stream("UNKNOWN", "CAM_A") is None
    await connection.set_control(OAK_PRO, "CAM_A", "brightness", 2)
    assert oak.cameras[OAK_PRO].streams["CAM_A"].control["brightness"] == 2
    api = OakClient(session, oak.url)
    # A camera gone between the list and its reads counts as shut down.
    gone = CameraInfo("GONE1", "1.3", "OAK-1", "", "", "X_LINK_BOOTED", "")
    camera = await fetch_camera(api, gone)
    assert isinstance(camera, OakCameraState) and not camera.info.running and not camera.streams
    # A read the controller refuses for one stream (a depth stream's control) is None.
    assert await _optional(api.control(OAK_PRO, "DEPTH_B_C")) is None


def fake_depthai(devices: list[Any] | Exception) -> SimpleNamespace:
    """A stand-in for the depthai module: `Device.getAllAvailableDevices()` only."""

    def get_all() -> list[Any]:
        if isinstance(devices, Exception):
            raise devices
        return devices

    return SimpleNamespace(Device=SimpleNamespace(getAllAvailableDevices=get_all))


def device_info(mxid: str, name: str, state: str, protocol: str) -> SimpleNamespace:
    """Like depthai's DeviceInfo: `getDeviceId()`, `name`, enum-valued `state`/`protocol`."""
    return SimpleNamespace(
        getDeviceId=lambda: mxid,
        name=name,
        state=SimpleNamespace(name=state),
        protocol=SimpleNamespace(name=protocol),
    )


async def test_flow_lists_oak_devices_seen_by_depthai(
    hass: HomeAssistant, oak: OakController, monkeypatch: pytest.MonkeyPatch
) -> None:
    devices = [
        device_info(OAK_PRO, "1.2", "X_LINK_BOOTED", "X_LINK_USB_VSC"),
        device_info("19443010F1C2D3E400", "192.168.1.44", "X_LINK_UNBOOTED", "X_LINK_TCP_IP"),
    ]
    monkeypatch.setitem(sys.modules, "depthai", fake_depthai(devices))
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(result["flow_id"], host_input(oak))
    assert result["type"] is FlowResultType.FORM and result["step_id"] == "local_devices"
    assert result["description_placeholders"]["devices"] == (
        f"- ✓ {OAK_PRO} (1.2, X_LINK_BOOTED, X_LINK_USB_VSC)\n"
        "- 19443010F1C2D3E400 (192.168.1.44, X_LINK_UNBOOTED, X_LINK_TCP_IP)"
    )
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()


async def test_local_devices_when_search_fails(
    hass: HomeAssistant, oak: OakController, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "depthai", fake_depthai(RuntimeError("no USB access")))
    family = OakFlow()
    connection = family.create_client(
        async_get_clientsession(hass), {CONF_HOST: oak.host, CONF_PORT: oak.port, CONF_SSL: False}
    )
    assert await family.async_local_devices(hass, connection) == []
    monkeypatch.setitem(
        sys.modules, "depthai", fake_depthai([device_info("AB12", "1.1", "X", "Y")])
    )
    await oak.stop()  # the controller cannot say which it lists: no marks
    assert await family.async_local_devices(hass, connection) == ["AB12 (1.1, X, Y)"]


async def test_real_depthai_finds_nothing_without_blocking(
    hass: HomeAssistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the real package and no OAK hardware: an empty list, the loop free meanwhile."""
    # Imported up front, as Home Assistant's loader would: loading depthai's native library
    # holds the GIL for a few hundred ms on a loaded machine, whichever thread imports it.
    pytest.importorskip("depthai")
    monkeypatch.setenv("DEPTHAI_PROTOCOL", "usb")  # search USB only: no network broadcast
    gaps: list[float] = []
    done = asyncio.Event()

    async def ticker() -> None:
        last = time.monotonic()
        while True:
            await asyncio.sleep(0.01)
            now = time.monotonic()
            gaps.append(now - last)
            last = now
            if done.is_set():
                return

    task = asyncio.create_task(ticker())
    found = await async_scan_local_devices(hass)
    done.set()
    await task
    assert found == []
    assert gaps and max(gaps) < 0.25
