"""MJPEG fan-out through Home Assistant's camera proxy view, against the simulated 2N.

The hub writes each frame straight to every viewer's transport (one shared, pre-framed
bytes object); HTTP/1.0 viewers take the fallback path; a stream whose bytes carry no frames
is reconnected by the watchdog, logged once, and recovers by itself.
"""

from __future__ import annotations

import asyncio
import logging

import pytest
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.camhub import streaming
from custom_components.camhub.api.mjpeg import MjpegParser
from simulator import Intercom2N

from .test_camera import INTERNAL, open_viewer, seq

HUB = "54-0000-0001_internal"


async def until(condition: object, timeout: float = 10) -> None:
    assert callable(condition)
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.02)


async def test_viewers_are_written_by_the_hub_directly(
    hass: HomeAssistant,
    intercom: Intercom2N,
    intercom_entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    client = await hass_client()
    hub = intercom_entry.runtime_data.hubs[HUB]
    viewers = [await open_viewer(client, INTERNAL) for _ in range(3)]
    batches = await asyncio.gather(*(v.read(4) for v in viewers))
    assert hub.viewers == 3 and hub.wire_viewers == 3
    assert hub.stats.wire_writes >= 9  # every frame after each viewer's first
    for frames in batches:  # whole JPEGs, in order, none repeated
        numbers = [seq(f) for f in frames]
        assert numbers == sorted(set(numbers))
    assert viewers[0].response.headers["Transfer-Encoding"] == "chunked"
    assert intercom.stats.open_streams == 1

    viewers[0].response.close()  # its transport closes: the hub drops it at the next frame
    await until(lambda: hub.wire_viewers == 2 and hub.viewers == 2)
    assert len(await viewers[1].read(2)) == 2
    for viewer in viewers[1:]:
        viewer.response.close()
    await until(lambda: hub.viewers == 0)


async def test_http10_viewer_takes_the_fallback_path(
    hass: HomeAssistant,
    intercom: Intercom2N,
    intercom_entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
    hass_access_token: str,
) -> None:
    """No chunked encoding on HTTP/1.0: aiohttp writes each part, the body ends with the
    connection."""
    client = await hass_client()
    hub = intercom_entry.runtime_data.hubs[HUB]
    url = client.make_url(f"/api/camera_proxy_stream/{INTERNAL}")
    reader, writer = await asyncio.open_connection(url.host, url.port)
    writer.write(
        f"GET {url.path} HTTP/1.0\r\nAuthorization: Bearer {hass_access_token}\r\n\r\n".encode()
    )
    async with asyncio.timeout(10):
        head = await reader.readuntil(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.0 200") and b"chunked" not in head.lower()
        parser, frames = MjpegParser("camhubframe"), []
        while len(frames) < 3:
            frames += parser.feed(await reader.read(65536))
    assert [seq(f) for f in frames] == sorted({seq(f) for f in frames})
    assert hub.viewers == 1 and hub.wire_viewers == 0
    writer.close()
    await until(lambda: hub.viewers == 0)


@pytest.mark.parametrize("fault", ["boundary", "bare"])
async def test_stream_without_frames_is_a_failure_that_recovers(
    hass: HomeAssistant,
    intercom: Intercom2N,
    intercom_entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    fault: str,
) -> None:
    """A wrong boundary or bare JPEGs: bytes flow, no frame does; the watchdog reconnects."""
    monkeypatch.setattr(streaming, "FRAME_WATCHDOG_MIN", 0.4)
    caplog.set_level(logging.INFO, logger="custom_components.camhub.streaming")
    hub = intercom_entry.runtime_data.hubs[HUB]
    client = await hass_client()
    viewer = await open_viewer(client, INTERNAL)
    await viewer.read(1)
    intercom.faults.frameless = fault  # type: ignore[assignment]
    await until(lambda: hub.stats.upstream_failures >= 2)  # reconnects, with backoff
    assert not hub.connected
    assert intercom.stats.streams_opened >= 2
    lost = [r for r in caplog.records if "interrupted" in r.getMessage()]
    assert len(lost) == 1 and lost[0].levelno == logging.INFO
    assert "no frame for 0.4 s" in lost[0].getMessage()

    intercom.faults.frameless = None
    assert len(await viewer.read(2, timeout=15)) == 2  # the same response resumes
    assert hub.connected
    recovered = [r for r in caplog.records if "recovered" in r.getMessage()]
    assert len(recovered) == 1 and recovered[0].levelno == logging.INFO
    viewer.response.close()
    await until(lambda: hub.viewers == 0)


async def test_unloading_the_entry_ends_viewers_waiting_for_a_first_frame(
    hass: HomeAssistant,
    intercom: Intercom2N,
    intercom_entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A viewer of a device that is down waits for its first frame; unloading ends it."""
    from custom_components.camhub import mjpeg_response

    monkeypatch.setattr(mjpeg_response, "VIEWER_HEARTBEAT", 0.1)
    hub = intercom_entry.runtime_data.hubs[HUB]
    await intercom.stop()
    client = await hass_client()
    viewer = await open_viewer(client, INTERNAL)
    await until(lambda: hub.viewers == 1)
    assert await hass.config_entries.async_unload(intercom_entry.entry_id)
    async with asyncio.timeout(5):
        assert await viewer.response.content.read() == b""  # the response ended, empty
    assert hub.closed and hub.viewers == 0
