"""Fixtures: a real Home Assistant (pytest-homeassistant-custom-component) and the simulator.

Sockets are blocked in Home Assistant tests; the `socket_enabled` fixture lets these tests
talk to the simulator on 127.0.0.1, so nothing below mocks HTTP.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
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
from simulator import (
    AipixServer,
    AxisCamera,
    Intercom2N,
    LiveViewServer,
    OakController,
    SimCamera,
    SimDevice,
    SimOakCamera,
    Simulator,
)

# depthai (installed in the dev venv for OAK discovery) also broadcasts on the LAN unless told
# otherwise; tests only ever talk to 127.0.0.1.
os.environ.setdefault("DEPTHAI_PROTOCOL", "usb")


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Load custom_components/camhub in every test."""


@pytest.fixture(autouse=True)
def no_deprecated_home_assistant_usage(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Fail a test in which Home Assistant reports CamHub using a deprecated API.

    Home Assistant logs these ("Detected that custom integration 'camhub' ...") instead of
    raising a Python warning, so the suite's warnings-as-errors filter alone would miss them.
    """
    yield
    reports = [
        record.getMessage()
        for when in ("setup", "call", "teardown")
        for record in caplog.get_records(when)  # type: ignore[arg-type]
        if "custom integration 'camhub'" in record.getMessage()
    ]
    assert reports == []


@pytest.fixture
async def sim(socket_enabled: None) -> AsyncIterator[Simulator]:
    """The simulator, on loopback, for one test."""
    async with Simulator() as simulator:
        yield simulator


def connection(family: str, device: SimDevice, **extra: Any) -> dict[str, Any]:
    """Config entry data for a simulated device: family, address (plain HTTP), extras."""
    return {
        CONF_FAMILY: family,
        CONF_HOST: device.host,
        CONF_PORT: device.port,
        CONF_SSL: False,
        CONF_VERIFY_SSL: True,
        **extra,
    }


async def load_entry(
    hass: HomeAssistant,
    title: str,
    unique_id: str | None,
    data: dict[str, Any],
    options: dict[str, Any],
) -> MockConfigEntry:
    """Add a config entry (the current version) and set it up."""
    entry = MockConfigEntry(
        domain=DOMAIN, title=title, unique_id=unique_id, data=data, options=options, version=2
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


@pytest.fixture
async def intercom(sim: Simulator) -> Intercom2N:
    """A 2N intercom with internal and external cameras, Digest auth."""
    return await sim.add_intercom_2n(name="Front door", serial="54-0000-0001")


def intercom_data(device: Intercom2N) -> dict[str, Any]:
    """Config entry data for a simulated intercom."""
    return connection(
        "intercom_2n",
        device,
        **{
            CONF_USERNAME: device.username,
            CONF_PASSWORD: device.password,
            CONF_MAC: device.mac.lower(),
        },
    )


@pytest.fixture
async def intercom_entry(hass: HomeAssistant, intercom: Intercom2N) -> MockConfigEntry:
    """A loaded config entry for the intercom."""
    return await load_entry(
        hass, "Front door", intercom.serial, intercom_data(intercom), {"snapshot_max_age": 2.0}
    )


# --- Camera Remote live-view server ---------------------------------------------------------

LIVEVIEW_CAM_A = "D10F60149B0C"  # ILCE-7M4: OSD and movie recording
LIVEVIEW_CAM_B = "D06CE05E3323"  # ILCE-FX3 here without OSD or movie recording


@pytest.fixture
async def liveview(sim: Simulator) -> LiveViewServer:
    """A live-view server with two connected cameras; only the first has OSD and movies."""
    return await sim.add_liveview(
        cameras=[
            SimCamera(LIVEVIEW_CAM_A, model="ILCE-7M4"),
            SimCamera(LIVEVIEW_CAM_B, model="ILCE-FX3", osd_supported=False, movie_supported=False),
        ]
    )


def liveview_data(device: LiveViewServer) -> dict[str, Any]:
    """Config entry data for a simulated live-view server."""
    return connection("liveview", device)


async def setup_liveview_entry(
    hass: HomeAssistant, device: LiveViewServer, options: dict[str, Any] | None = None
) -> MockConfigEntry:
    """Add and load an entry for a live-view server."""
    return await load_entry(
        hass,
        "Camera Remote server",
        None,
        liveview_data(device),
        options if options is not None else {"snapshot_max_age": 2.0},
    )


@pytest.fixture
async def liveview_entry(hass: HomeAssistant, liveview: LiveViewServer) -> MockConfigEntry:
    """A loaded config entry for the live-view server."""
    return await setup_liveview_entry(hass, liveview)


# --- AIPIX VMS ------------------------------------------------------------------------------

AIPIX_TOKEN = "aipix-integration-token"


@pytest.fixture
async def aipix(sim: Simulator) -> AipixServer:
    """An AIPIX VMS with three cameras and one integration token."""
    return await sim.add_aipix(name="VMS", token=AIPIX_TOKEN)


def aipix_data(server: AipixServer) -> dict[str, Any]:
    """Config entry data for a simulated AIPIX server."""
    return connection("aipix", server, api_token=server.token)


@pytest.fixture
async def aipix_entry(hass: HomeAssistant, aipix: AipixServer) -> MockConfigEntry:
    """A loaded entry with the server's first two cameras, high stream only."""
    return await load_entry(
        hass,
        "AIPIX VMS (127.0.0.1)",
        None,
        aipix_data(aipix),
        {"cameras": aipix.cameras[:2], "stream_types": ["high"]},
    )


# --- Axis cameras with the CamStreamer apps ---------------------------------------------------

AXIS_SERIAL = "ACCC8E000001"


@pytest.fixture
async def axis(sim: Simulator) -> AxisCamera:
    """An Axis camera with all four CamStreamer apps, current API generation, Digest auth."""
    return await sim.add_axis_camera(serial=AXIS_SERIAL, name="Church camera")


def axis_data(device: AxisCamera) -> dict[str, Any]:
    """Config entry data for a simulated Axis camera."""
    return connection(
        "camstreamer",
        device,
        **{
            CONF_USERNAME: device.username,
            CONF_PASSWORD: device.password,
            CONF_MAC: device.mac.lower(),
        },
    )


async def setup_axis_entry(
    hass: HomeAssistant, device: AxisCamera, options: dict[str, Any] | None = None
) -> MockConfigEntry:
    """Add and load an entry for a simulated Axis camera."""
    return await load_entry(
        hass,
        f"AXIS {device.model} ({device.serial})",
        device.serial,
        axis_data(device),
        options or {},
    )


@pytest.fixture
async def axis_entry(hass: HomeAssistant, axis: AxisCamera) -> MockConfigEntry:
    """A loaded entry for the Axis camera."""
    return await setup_axis_entry(hass, axis)


# --- Robopipe controller with OAK cameras ---------------------------------------------------

OAK_PRO = "18443010D1E8AB1200"  # OAK-D Pro: CAM_A (autofocus), CAM_B/CAM_C, DEPTH_B_C, IR
OAK_ONE = "14442C10C1A1C60000"  # OAK-1: CAM_A only, fixed focus, no IR


@pytest.fixture
async def oak(sim: Simulator) -> OakController:
    """A Robopipe controller with an OAK-D Pro and an OAK-1."""
    return await sim.add_oak(
        cameras=[
            SimOakCamera(OAK_PRO, name="OAK-D-PRO", stereo=True, ir=True),
            SimOakCamera(OAK_ONE, name="OAK-1", autofocus=False),
        ]
    )


def oak_data(device: OakController) -> dict[str, Any]:
    """Config entry data for a simulated Robopipe controller."""
    return connection("oak", device)


async def setup_oak_entry(
    hass: HomeAssistant, device: OakController, options: dict[str, Any] | None = None
) -> MockConfigEntry:
    """Add and load an entry for a Robopipe controller."""
    return await load_entry(
        hass,
        "Robopipe controller",
        None,
        oak_data(device),
        options if options is not None else {"snapshot_max_age": 2.0, "fps": 5},
    )


@pytest.fixture
async def oak_entry(hass: HomeAssistant, oak: OakController) -> MockConfigEntry:
    """A loaded config entry for the controller."""
    return await setup_oak_entry(hass, oak)
