"""The browser check's pieces that run without a browser.

`scripts/browser-check` itself needs Chromium and a running demo, so it is run by hand (and
its passing run is recorded in README); here, the probe it trusts to tell whether the camera
followed a click is checked against a simulated Axis camera over loopback, and the summary's
exit status against made-up outcomes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
import pytest_asyncio

from demo.device_probe import AxisProbe
from simulator import Simulator

ORGAN = "c0a1b2c3d-0000-4000-8000-000000000002"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """These tests need no Home Assistant (overrides the conftest's autouse fixture)."""


@pytest_asyncio.fixture
async def sim(socket_enabled: None) -> AsyncIterator[Simulator]:
    """A running simulator, stopped after the test."""
    async with Simulator(render_threads=0) as simulator:
        yield simulator


async def test_probe_sees_what_the_camera_does(sim: Simulator) -> None:
    camera = await sim.add_axis_camera(name="Church camera", serial="ACCC8E000001")
    async with aiohttp.ClientSession() as session:
        probe = AxisProbe(session, camera.describe())
        streams = {s.title: s for s in await probe.streams()}
        mass = streams["Sunday mass"]
        camera.set_stream_enabled(mass.stream_id, not mass.enabled)
        after = {s.stream_id: s.enabled for s in await probe.streams()}
        assert after[mass.stream_id] is not mass.enabled

        playlists = await probe.playlists()
        assert playlists[ORGAN] == "Organ camera"
        assert await probe.current_playlist() != ORGAN
        camera.switch_playlist(ORGAN)
        assert await probe.current_playlist() == ORGAN


async def test_probe_needs_the_camera_login(sim: Simulator) -> None:
    camera = await sim.add_axis_camera(name="Church camera", serial="ACCC8E000001")
    async with aiohttp.ClientSession() as session:
        probe = AxisProbe(session, {**camera.describe(), "password": "wrong"})
        with pytest.raises(aiohttp.ClientResponseError):
            await probe.streams()


def test_report_fails_on_a_failed_step_and_on_no_step(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("selenium")
    from demo.browser_check import Outcome, report  # needs selenium

    passed = Outcome("log in", "passed", "logged in as demo")
    skipped = Outcome("doorbell", "skipped", "no doorbell yet")
    assert report([passed, skipped], 1.0) == 0
    assert "1 passed, 0 failed, 1 skipped" in capsys.readouterr().out
    assert report([passed, Outcome("tiles", "failed", "broken image")], 1.0) == 1
    assert "1 passed, 1 failed, 0 skipped" in capsys.readouterr().out
    assert report([], 1.0) == 1
