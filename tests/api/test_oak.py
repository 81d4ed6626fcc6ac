"""The Robopipe `/cameras/...` client against the simulated controller, and its parsers."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from custom_components.camhub.api.errors import DeviceError, ProtocolError
from custom_components.camhub.api.oak import (
    CameraInfo,
    CameraStats,
    IRConfig,
    OakClient,
    OakNotFoundError,
    OakValidationError,
    SensorControl,
    StreamConfig,
    StreamKind,
    check_config,
    check_control,
    check_stream_name,
    depth_sensors,
    parse_error,
    parse_streams,
    stream_kind,
)
from simulator import OakController, SimOakCamera, Simulator

PRO = "18443010D1E8AB1200"
ONE = "14442C10C1A1C60000"


@pytest.fixture
async def controller(socket_enabled: None) -> AsyncIterator[OakController]:
    async with Simulator(render_threads=0) as sim:
        yield await sim.add_oak(
            cameras=[
                SimOakCamera(PRO, name="OAK-D-PRO", stereo=True, ir=True),
                SimOakCamera(ONE, name="OAK-1", autofocus=False),
            ]
        )


@pytest.fixture
async def client(controller: OakController) -> AsyncIterator[OakClient]:
    async with aiohttp.ClientSession() as session:
        yield OakClient(session, controller.url)


async def test_cameras_streams_configs(client: OakClient) -> None:
    cameras = await client.cameras()
    assert [c.mxid for c in cameras] == [PRO, ONE]
    assert cameras[0].running and cameras[0].camera_name == "OAK-D-PRO"
    assert await client.streams(PRO) == {
        "CAM_A": True,
        "CAM_B": False,
        "CAM_C": False,
        "DEPTH_B_C": False,
    }
    color = await client.config(PRO, "CAM_A")
    assert color.kind is StreamKind.COLOR and color.resolution == "THE_1080_P"
    mono = await client.config(PRO, "CAM_B")
    assert mono.kind is StreamKind.MONO and "THE_400_P" in mono.resolutions
    depth = await client.config(PRO, "DEPTH_B_C")
    assert depth.kind is StreamKind.DEPTH and depth.resolution == "640x400"
    assert depth.resolutions == ()


async def test_controls_with_placeholders(client: OakClient, controller: OakController) -> None:
    control = await client.control(PRO, "CAM_A")
    assert control.get("exposure_time") == 1  # the server's placeholder, never the real value
    assert control.focus is not None and control.focus.lens_position == 0.5
    new = await client.set_control(PRO, "CAM_A", StreamKind.COLOR, control, "exposure_time", 8000)
    assert controller.cameras[PRO].streams["CAM_A"].control["exposure_time"] == 8000
    assert new.get("exposure_time") == 1
    await client.set_control(PRO, "CAM_A", StreamKind.COLOR, control, "auto_exposure_lock", True)
    await client.set_control(
        PRO, "CAM_A", StreamKind.COLOR, control, "auto_whitebalance_mode", "DAYLIGHT"
    )
    new = await client.set_control(PRO, "CAM_A", StreamKind.COLOR, control, "lens_position", 0.7)
    assert new.focus is not None and new.focus.auto_focus_mode == "OFF"
    stream = controller.cameras[PRO].streams["CAM_A"]
    assert stream.control["auto_exposure_lock"] is True
    assert stream.control["auto_whitebalance_mode"] == "DAYLIGHT"


async def test_config_merges_and_server_validation(
    client: OakClient, controller: OakController
) -> None:
    config = await client.set_config(PRO, "CAM_A", resolution="THE_4_K")
    assert config.resolution == "THE_4_K" and config.fps == 30
    with pytest.raises(OakValidationError) as err:
        await client.set_config(PRO, "CAM_A", fps=60)
    assert err.value.details == ["fps: Input should be less than or equal to 30 at THE_4_K"]
    assert err.value.translation_key == "oak_validation_error"
    config = await client.set_config(PRO, "DEPTH_B_C", fps=15)
    assert config.fps == 15 and controller.cameras[PRO].streams["DEPTH_B_C"].fps == 15
    with pytest.raises(ValueError, match="not available"):
        await client.set_config(PRO, "CAM_B", resolution="THE_4_K")


async def test_activation_ir_stats_stills(client: OakClient, controller: OakController) -> None:
    await client.set_stream_active(PRO, "DEPTH_B_C", True)
    assert (await client.streams(PRO))["DEPTH_B_C"]
    await client.set_stream_active(PRO, "CAM_B", True)
    streams = await client.streams(PRO)
    assert streams["CAM_B"] and not streams["DEPTH_B_C"]
    await client.set_stream_active(PRO, "CAM_B", False)
    assert await client.ir(ONE) is None
    with pytest.raises(ValueError, match="no IR"):
        await client.set_ir(ONE, flood_light=0.5)
    ir = await client.set_ir(PRO, dot_projector=0.4)
    assert ir == IRConfig(0.0, 0.4)
    ir = await client.set_ir(PRO, flood_light=0.2)
    assert ir == IRConfig(0.2, 0.4)  # merged: the POST alone would reset the projector
    with pytest.raises(ValueError):
        await client.set_ir(PRO, flood_light=2)
    stats = await client.stats(PRO)
    assert stats.temperatures["average"] == 42.0 and stats.ddr.used == 134217728
    jpeg = await client.still(PRO, "CAM_A")
    assert jpeg[:2] == b"\xff\xd8"
    png = await client.still(PRO, "CAM_A", "png")
    assert png[:4] == b"\x89PNG"
    with pytest.raises(ValueError):
        await client.still(PRO, "CAM_A", "gif")
    with pytest.raises(OakNotFoundError, match="Stream not active"):
        await client.still(PRO, "CAM_C")
    await client.set_running(ONE, False)
    assert not (await client.cameras())[1].running
    with pytest.raises(OakNotFoundError):
        await client.streams(ONE)
    await client.set_running(ONE, True)
    assert (await client.streams(ONE)) == {"CAM_A": True}


async def test_invalid_names_never_sent(client: OakClient, controller: OakController) -> None:
    with pytest.raises(ValueError):
        await client.stats("bad-mxid")
    with pytest.raises(ValueError):
        await client.set_stream_active(PRO, "CAM_Z", True)
    assert sum(controller.stats.requests.values()) == 0


async def test_malformed_answers(client: OakClient, controller: OakController) -> None:
    controller.faults.malformed = True
    with pytest.raises(ProtocolError):
        await client.cameras()


def test_parse_error() -> None:
    body = b'{"detail": [{"loc": ["body", "fps"], "msg": "bad", "type": "x"}, "odd", {"msg": "m"}]}'
    err = parse_error(422, body)
    assert isinstance(err, OakValidationError)
    assert err.details == ["fps: bad", "odd", "m"]
    assert isinstance(parse_error(404, b'{"detail": "Camera not found"}'), OakNotFoundError)
    other = parse_error(409, b'{"detail": "busy"}')
    assert isinstance(other, DeviceError) and other.code == 409
    assert parse_error(500, b"<html>") is None
    assert parse_error(500, b'{"error": 1}') is None


def test_parsers_refuse_bad_input() -> None:
    with pytest.raises(ProtocolError):
        CameraInfo.parse({"name": "x"})
    with pytest.raises(ProtocolError):
        CameraInfo.parse({"mxid": "bad-id"})
    assert CameraInfo.parse({"mxid": "AB12"}).name == "AB12"
    with pytest.raises(ProtocolError):
        StreamConfig.parse("CAM_A", [])
    with pytest.raises(ProtocolError):
        StreamConfig.parse("CAM_A", {"resolution": "THE_1080_P"})
    with pytest.raises(ProtocolError):
        SensorControl.parse("x")
    control = SensorControl.parse(
        {"brightness": 2.0, "contrast": True, "focus": {"lens_position": "x"}}
    )
    assert control.get("brightness") == 2 and control.get("contrast") is None
    assert control.focus is not None and control.focus.lens_position == 0.0
    with pytest.raises(ProtocolError):
        IRConfig.parse([1])
    with pytest.raises(ProtocolError):
        IRConfig.parse({"flood_light": "high"})
    with pytest.raises(ProtocolError):
        CameraStats.parse([])
    with pytest.raises(ProtocolError):
        CameraStats.parse({"chip_temperature": 1})
    memory = {"total": 1, "used": 1, "remaining": 0}
    with pytest.raises(ProtocolError):
        CameraStats.parse(
            {"chip_temperature": {}, "cmx_memory_usage": memory, "ddr_memory_usage": None}
        )
    with pytest.raises(ProtocolError):
        CameraStats.parse(
            {"chip_temperature": {}, "cmx_memory_usage": memory, "ddr_memory_usage": {"x": 1}}
        )
    assert parse_streams([{"name": "CAM_A", "active": True}, {"name": "bogus"}, 3]) == {
        "CAM_A": True
    }
    with pytest.raises(ProtocolError):
        parse_streams("CAM_A")


def test_names_and_kinds() -> None:
    assert depth_sensors("DEPTH_B_C") == ("CAM_B", "CAM_C")
    assert depth_sensors("CAM_A") is None
    assert stream_kind("DEPTH_B_C") is StreamKind.DEPTH
    assert stream_kind("CAM_B", {"resolution": "THE_400_P", "fps": 30}) is StreamKind.MONO
    assert stream_kind("CAM_A") is StreamKind.COLOR
    check_stream_name("DEPTH_A_B")
    with pytest.raises(ValueError):
        check_stream_name("DEPTH_B")


def test_check_control() -> None:
    control = SensorControl({}, None)
    with pytest.raises(ValueError, match="no sensor controls"):
        check_control(StreamKind.DEPTH, control, "brightness", 1)
    with pytest.raises(ValueError, match="mono"):
        check_control(StreamKind.MONO, control, "saturation", 1)
    with pytest.raises(ValueError, match="number"):
        check_control(StreamKind.COLOR, control, "brightness", "1")
    with pytest.raises(ValueError, match="whole number"):
        check_control(StreamKind.COLOR, control, "brightness", 11)
    with pytest.raises(ValueError, match="true or false"):
        check_control(StreamKind.COLOR, control, "auto_exposure_lock", 1)
    with pytest.raises(ValueError, match="white balance mode"):
        check_control(StreamKind.COLOR, control, "auto_whitebalance_mode", "SUNNY")
    with pytest.raises(ValueError, match="fixed focus"):
        check_control(StreamKind.COLOR, control, "lens_position", 0.5)
    with pytest.raises(ValueError, match="unknown control"):
        check_control(StreamKind.COLOR, control, "zoom", 2)
    with pytest.raises(ValueError, match="must be a number"):
        check_control(StreamKind.COLOR, SensorControl.parse({"focus": {}}), "lens_position", None)
    check_control(StreamKind.MONO, control, "brightness", 3)


def test_check_config() -> None:
    config = StreamConfig(StreamKind.MONO, "THE_400_P", 30.0, {})
    check_config(config, "THE_800_P", 10)
    with pytest.raises(ValueError, match="fps"):
        check_config(config, None, 0)
    color = StreamConfig(StreamKind.COLOR, "THE_1080_P", 30.0, {})
    check_config(color, "THE_4_K", None)
