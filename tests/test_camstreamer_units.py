"""CamStreamer family: the edges of its helpers, and the slow timers, against the simulator."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from aiohttp import ClientSession
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.camhub.api.camstreamer import (
    AppInfo,
    AxisInfo,
    AxisState,
    MasterAudio,
    NetworkCamera,
    OverlayService,
    OverlayState,
    Playlist,
    Stream,
    SwitcherState,
)
from custom_components.camhub.api.errors import DeviceError
from custom_components.camhub.descriptions import (
    CamHubSelectDescription,
    CamHubTextDescription,
)
from custom_components.camhub.errors import device_call
from custom_components.camhub.families import camstreamer as fam
from custom_components.camhub.families.camstreamer import channels as fam_channels
from simulator import AxisCamera, Simulator

from .conftest import AXIS_SERIAL, setup_axis_entry
from .test_camstreamer import P, fire_timers, pushed, state, until

INFO = AxisInfo(serial=AXIS_SERIAL, model="M1065-L", name="AXIS M1065-L")
APPS = {
    app: AppInfo(app, app, "1.0", "Valid", "Running")
    for app in ("camstreamer", "camswitcher", "camoverlay")
}
SWITCHER = SwitcherState(
    playlists={"c1": Playlist("c1", "Main"), "p2": Playlist("p2", "Show")},
    clips={"s3": "Intro"},
    master_audio=MasterAudio("STREAM", stream_name="gone"),
)


def test_mac_and_discovery_data() -> None:
    assert fam.mac_of("ACCC8E000001") == "ac:cc:8e:00:00:01"
    assert fam.mac_of("not-a-mac-00") is None
    camera = NetworkCamera("AXIS Q - ACCC8E0000AA", "192.0.2.5", "ACCC8E0000AA")
    assert fam._discovery_data(camera) == {
        "host": "192.0.2.5",
        "serial": "ACCC8E0000AA",
        "name": "AXIS Q - ACCC8E0000AA",
    }


def test_trigger_and_audio_edges() -> None:
    assert fam._trigger_kind(None) is None
    assert fam._trigger_kind(Stream("1", "x", True, True, trigger="input2")) == "input"
    assert fam._trigger_kind(Stream("1", "x", True, True, trigger="lunar")) is None
    assert fam._audio_value(SWITCHER) is None  # a stream that no longer exists
    assert fam._audio_choice(SWITCHER, "Stream: Main") == MasterAudio("STREAM", stream_name="c1")
    assert fam._audio_choice(SWITCHER, "Clip: Intro") == MasterAudio("CLIP", clip_name="s3")
    for option in ("Stream: Nope", "Clip: Nope", "loud"):
        with pytest.raises(ValueError):
            fam._audio_choice(SWITCHER, option)


async def test_descriptions_refuse_what_the_state_lacks(hass: HomeAssistant) -> None:
    async with ClientSession() as session:
        entry = MockConfigEntry(domain="camhub", data={"family": "camstreamer"})
        device = fam.CamStreamerHost(
            hass, entry, fam.AxisCamStreamerClient(session, "http://127.0.0.1:9")
        )
        state = AxisState(
            info=INFO,
            apps=APPS,
            switcher=SWITCHER,
            overlay=OverlayState(True, {1: OverlayService(1, "infoticker", "", True, "hi")}),
        )
        found = {p.key: p for p in fam.camera_entities(state)}
        playlist = found["camswitcher_playlist"].description
        audio = found["camswitcher_master_audio"].description
        ticker = found["camoverlay_ticker_1"].description
        assert isinstance(playlist, CamHubSelectDescription)
        assert isinstance(audio, CamHubSelectDescription)
        assert isinstance(ticker, CamHubTextDescription)
        with pytest.raises(ValueError):
            await playlist.set_fn(device, "", "Main")  # no state yet
        with pytest.raises(ValueError):
            await audio.set_fn(device, "", "none")
        device.adopt(state)
        with pytest.raises(ValueError):
            await playlist.set_fn(device, "", "Nope")
        # A ticker text accepted after its service vanished changes nothing.
        device.update(lambda s: replace(s, overlay=OverlayState(True, {})))
        device.api.set_infoticker_text = _accept  # type: ignore[method-assign]
        await ticker.set_fn(device, "1", "new")
        assert device.live is not None and device.live.overlay == OverlayState(True, {})
        device.update(lambda s: replace(s, overlay=None))
        await ticker.set_fn(device, "1", "new")
        assert device.live.overlay is None
        assert device.on_message("camstreamer", {"type": "Unknown"}) is False


async def _accept(*args: Any) -> None:
    """A camera call that succeeds."""


async def test_device_call_maps_errors() -> None:
    async def bad_value() -> None:
        raise ValueError("no")

    async def refused() -> None:
        raise DeviceError(400, "no")

    with pytest.raises(ServiceValidationError):
        await device_call(bad_value())
    with pytest.raises(HomeAssistantError):
        await device_call(refused())


# --- timers and polling, against the simulator ------------------------------------------------


async def test_slow_update_errors_and_discovery_timer(
    hass: HomeAssistant,
    axis: AxisCamera,
    axis_entry: MockConfigEntry,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await pushed(hass, axis_entry)
    # Patched where `slow_update` looks it up: the package only re-exports it.
    monkeypatch.setattr(
        fam_channels, "stats_shown", lambda *args: True
    )  # a statistics sensor is on
    client = axis_entry.runtime_data.host
    coordinator = axis_entry.runtime_data.coordinator
    stats = "/local/camstreamer/get_streamstat.cgi"
    before = axis.stats.requests[stats]
    axis.faults.status = 500
    await fam.slow_update(client)  # logged, nothing changes
    assert axis.stats.requests[stats] == before + 1
    axis.faults.clear()
    # While polling, the slow timer leaves everything to the poll.
    coordinator.async_set_push_connected(False)
    await fam.slow_update(client)
    assert axis.stats.requests[stats] == before + 1
    coordinator.async_set_push_connected(True)
    # The hourly look for other cameras.
    camera_list = "/local/camscripter/network_camera_list.cgi"
    lists = axis.stats.requests[camera_list]
    await fire_timers(hass, 3601)
    await until(hass, lambda: axis.stats.requests[camera_list] == lists + 1, "camera list")


async def test_old_generation_keeps_streaming_state_across_polls(
    hass: HomeAssistant, sim: Simulator
) -> None:
    camera = await sim.add_axis_camera(serial=AXIS_SERIAL, generation="old")
    entry = await setup_axis_entry(hass, camera)
    await pushed(hass, entry)
    # Old stream lists do not say whether a stream is live: events and statistics do.
    assert state(hass, "binary_sensor.12_streaming") == "on"
    await entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()
    assert state(hass, "binary_sensor.12_streaming") == "on"
    assert state(hass, "binary_sensor.11_streaming") == "off"


async def test_camswitcher_only(hass: HomeAssistant, sim: Simulator) -> None:
    camera = await sim.add_axis_camera(serial=AXIS_SERIAL, apps=("camswitcher",))
    entry = await setup_axis_entry(hass, camera)
    await pushed(hass, entry)
    assert state(hass, "select.playlist") == "Main camera"
    assert hass.states.get(f"switch.{P}sunday_mass_broadcast") is None
