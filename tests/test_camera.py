"""Cameras through Home Assistant's own HTTP views, against the simulated 2N intercom."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from aiohttp import ClientResponse
from homeassistant.components.camera import async_get_image
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.camhub.api.mjpeg import MjpegParser
from custom_components.camhub.const import DOMAIN
from simulator import Intercom2N, parse_frame_tag

INTERNAL = "camera.front_door_internal_camera"
EXTERNAL = "camera.front_door_external_camera"


class Viewer:
    """A dashboard tab reading /api/camera_proxy_stream/ and decoding the parts."""

    def __init__(self, response: ClientResponse) -> None:
        self.response = response
        self.parser = MjpegParser(None)
        self.frames: list[bytes] = []

    async def read(self, count: int, timeout: float = 10) -> list[bytes]:
        async with asyncio.timeout(timeout):
            while len(self.frames) < count:
                chunk = await self.response.content.readany()
                assert chunk, "the stream ended"
                self.frames += self.parser.feed(chunk)
        got, self.frames = self.frames[:count], self.frames[count:]
        return got


async def open_viewer(client: object, entity_id: str) -> Viewer:
    response = await client.get(f"/api/camera_proxy_stream/{entity_id}")  # type: ignore[attr-defined]
    assert response.status == 200
    assert response.content_type == "multipart/x-mixed-replace"
    return Viewer(response)


def seq(frame: bytes) -> int:
    tag = parse_frame_tag(frame)
    assert tag is not None
    return tag.seq


async def test_entities_and_device(hass: HomeAssistant, intercom_entry: MockConfigEntry) -> None:
    internal = hass.states.get(INTERNAL)
    external = hass.states.get(EXTERNAL)
    assert internal is not None and internal.state == "idle"
    assert external is not None
    assert internal.attributes["friendly_name"] == "Front door Internal camera"
    from homeassistant.helpers import device_registry as dr

    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, "54-0000-0001"), intercom_entry.entry_id
    )
    assert device is not None
    assert device.manufacturer == "2N" and device.model == "2N IP Verso"
    assert device.sw_version == "2.41.0.62.3"
    assert ("mac", "7c:1e:b3:00:00:01") in device.connections


async def test_snapshot_through_camera_proxy(
    hass: HomeAssistant,
    intercom: Intercom2N,
    intercom_entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    client = await hass_client()
    response = await client.get(f"/api/camera_proxy/{INTERNAL}")
    assert response.status == 200
    assert response.content_type == "image/jpeg"
    body = await response.read()
    tag = parse_frame_tag(body)
    assert tag is not None and tag.src.endswith("/internal")
    assert intercom.stats.requests["/api/camera/snapshot"] == 1
    image = await async_get_image(hass, EXTERNAL)
    assert (parse_frame_tag(image.content) or tag).src.endswith("/external")


async def test_snapshot_error_is_translated(
    hass: HomeAssistant, intercom: Intercom2N, intercom_entry: MockConfigEntry
) -> None:
    intercom.faults.status = 500
    with pytest.raises(HomeAssistantError) as err:
        await async_get_image(hass, INTERNAL)
    assert err.value.translation_key == "device_error"
    assert err.value.translation_domain == DOMAIN
    assert "unspecified processing error" in str(err.value.translation_placeholders)
    assert type(err.value.__cause__).__name__ == "DeviceError"


async def test_mjpeg_viewers_share_one_upstream(
    hass: HomeAssistant,
    intercom: Intercom2N,
    intercom_entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    client = await hass_client()
    viewers = [await open_viewer(client, INTERNAL) for _ in range(5)]
    batches = await asyncio.gather(*(v.read(3) for v in viewers))
    assert intercom.stats.open_streams == 1
    assert intercom.stats.streams_opened == 1
    for frames in batches:
        assert [seq(f) for f in frames] == sorted({seq(f) for f in frames})
    # Every viewer got the same frames (bytes equal), all from one upstream.
    later = await asyncio.gather(*(v.read(2) for v in viewers))
    newest = max(seq(f) for frames in later for f in frames)
    assert newest > max(seq(f) for f in batches[0])

    # While the stream runs, snapshots are its latest frame: no new device request.
    before = intercom.stats.requests["/api/camera/snapshot"]
    response = await client.get(f"/api/camera_proxy/{INTERNAL}")
    assert response.status == 200
    await response.read()
    assert intercom.stats.requests["/api/camera/snapshot"] == before

    for viewer in viewers:
        viewer.response.close()
    await hass.config_entries.async_unload(intercom_entry.entry_id)
    await asyncio.sleep(0.1)
    assert intercom.stats.open_streams == 0


async def test_mjpeg_viewer_survives_device_restart(
    hass: HomeAssistant,
    intercom: Intercom2N,
    intercom_entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    client = await hass_client()
    viewer = await open_viewer(client, INTERNAL)
    await viewer.read(2)
    await intercom.restart(down_for=0.5)
    frames = await viewer.read(3, timeout=15)  # the same response keeps going
    assert len(frames) == 3
    assert intercom.stats.streams_opened >= 2
    hub = intercom_entry.runtime_data.hubs["54-0000-0001_internal"]
    assert hub.connected and hub.stats.upstream_failures >= 1
    viewer.response.close()


async def test_mjpeg_viewer_survives_dropped_stream(
    hass: HomeAssistant,
    intercom: Intercom2N,
    intercom_entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    intercom.faults.drop_stream_after = 2
    client = await hass_client()
    viewer = await open_viewer(client, EXTERNAL)
    assert len(await viewer.read(5, timeout=15)) == 5
    assert intercom.stats.streams_opened >= 2
    viewer.response.close()


async def test_snapshot_history_action(
    hass: HomeAssistant,
    intercom: Intercom2N,
    intercom_entry: MockConfigEntry,
    tmp_path: Path,
) -> None:
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    target = tmp_path / "sub" / "ring.jpg"
    await hass.services.async_call(
        DOMAIN,
        "snapshot_history",
        {"entity_id": INTERNAL, "seconds_ago": 5, "filename": str(target)},
        blocking=True,
    )
    data = target.read_bytes()
    assert data.startswith(b"\xff\xd8")
    assert intercom.stats.requests["/api/camera/snapshot"] == 1


@pytest.mark.parametrize("seconds", [-1, 31, "soon"])
async def test_snapshot_history_rejects_bad_seconds(
    hass: HomeAssistant, intercom_entry: MockConfigEntry, tmp_path: Path, seconds: object
) -> None:
    from probatio import Invalid

    with pytest.raises(Invalid):
        await hass.services.async_call(
            DOMAIN,
            "snapshot_history",
            {"entity_id": INTERNAL, "seconds_ago": seconds, "filename": str(tmp_path / "x.jpg")},
            blocking=True,
        )


async def test_snapshot_history_rejects_path_outside_allowlist(
    hass: HomeAssistant, intercom_entry: MockConfigEntry, tmp_path: Path
) -> None:
    hass.config.allowlist_external_dirs = set()
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "snapshot_history",
            {"entity_id": INTERNAL, "seconds_ago": 1, "filename": str(tmp_path / "x.jpg")},
            blocking=True,
        )
    assert err.value.translation_key == "path_not_allowed"


async def test_snapshot_history_device_error(
    hass: HomeAssistant, intercom: Intercom2N, intercom_entry: MockConfigEntry, tmp_path: Path
) -> None:
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    intercom.faults.unauthorized = True
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            DOMAIN,
            "snapshot_history",
            {"entity_id": INTERNAL, "seconds_ago": 1, "filename": str(tmp_path / "x.jpg")},
            blocking=True,
        )
    assert err.value.translation_key == "invalid_auth"
    assert not (tmp_path / "x.jpg").exists()


async def test_viewer_leaving_while_device_down_releases_the_upstream(
    hass: HomeAssistant,
    intercom: Intercom2N,
    intercom_entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    """With no frames to write, the heartbeat still notices a viewer that has gone."""
    from unittest.mock import patch

    with patch("custom_components.camhub.mjpeg_response.VIEWER_HEARTBEAT", 0.1):
        client = await hass_client()
        viewer = await open_viewer(client, INTERNAL)
        await viewer.read(1)
        hub = intercom_entry.runtime_data.hubs["54-0000-0001_internal"]
        await intercom.stop()
        viewer.response.close()
        async with asyncio.timeout(5):
            while hub.viewers:
                await asyncio.sleep(0.05)
    assert hub.viewers == 0


async def test_no_stream_source_for_mjpeg_only_cameras(
    hass: HomeAssistant, intercom_entry: MockConfigEntry
) -> None:
    from homeassistant.components.camera import async_get_stream_source

    assert await async_get_stream_source(hass, INTERNAL) is None
    state = hass.states.get(INTERNAL)
    assert state is not None and state.attributes["supported_features"] == 0
