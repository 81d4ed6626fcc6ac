"""The simulated CamStreamer broadcast life: automationState, CS_API_* messages, failures."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from simulator import Simulator
from simulator.camstreamer_broadcast import DEFAULT_FAILURE, automation_state
from simulator.control import control_url, main, parse_args

from .test_camstreamer import EventClient, _camera, http, sim

__all__ = ["http", "sim"]  # the fixtures, shared with the camera's own tests


def test_automation_state_of_each_trigger() -> None:
    ports = {0: True, 1: False}
    assert automation_state("none", {}, ports)
    assert automation_state("input0", {}, ports)
    assert not automation_state("input1", {}, ports)
    window = {"startTime": "100", "stopTime": "200"}
    assert automation_state("time", window, ports, now=150)
    assert not automation_state("time", window, ports, now=200)
    assert not automation_state("time", {"startTime": "x"}, ports, now=150)
    assert automation_state("recurrent", {}, ports)


@pytest.mark.parametrize("generation", ["new", "old"])
async def test_api_stream_reports_its_calls_and_its_failure(
    sim: Simulator, http: aiohttp.ClientSession, generation: str
) -> None:
    camera = await _camera(sim, generation=generation)
    key = "streamId" if generation == "new" else "streamID"
    client = EventClient(http, camera, "camstreamer")
    await client.connect()
    camera.set_stream_enabled("11", True)  # the YouTube stream: the app calls its API
    success = await client.until("CS_API_SUCCESS")
    assert success == {
        "type": "CS_API_SUCCESS",
        key: "11",
        "apiCall": "startBroadcast",
        "message": "Broadcast started.",
    }
    state = await client.until("StreamState", **{key: "11"})
    assert state["isStreaming"] in (True, 1) and state["automationState"] in (True, 1)

    async with http.post(
        f"{camera.url}/sim/fail", params={"stream_id": "11", "message": "Stream key invalid"}
    ) as resp:  # no login: a simulator-only control path
        assert resp.status == 200 and (await resp.json())["status"] == 200
    error = await client.until("CS_API_ERROR")
    assert (error[key], error["message"], error["code"]) == (
        "11",
        "Stream key invalid",
        "ERR_BROADCAST",
    )
    state = await client.until("StreamState", **{key: "11"})
    assert state["enabled"] in (True, 1) and state["isStreaming"] in (False, 0)
    assert camera.streams["11"].failure == "Stream key invalid"

    camera.set_stream_enabled("11", True)  # switched again: a new attempt that works
    state = await client.until("StreamState", **{key: "11"})
    assert state["isStreaming"] in (True, 1)
    camera.set_stream_enabled("11", False)
    assert (await client.until("CS_API_SUCCESS"))["apiCall"] == "stopBroadcast"
    await client.close()


async def test_plain_stream_fails_silently_and_follows_its_input(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    camera = await _camera(sim)
    client = EventClient(http, camera, "camstreamer")
    await client.connect()
    assert (await client.until("StreamState", streamId="12"))["isStreaming"]  # init data
    camera.fail_stream("12")  # RTMP to Facebook: no API calls, only the stream state
    state = await client.until("StreamState", streamId="12")
    assert (state["enabled"], state["isStreaming"]) == (True, False)
    camera.streams["12"].params["trigger"] = "input1"
    camera.set_stream_enabled("12", True)
    state = await client.until("StreamState", streamId="12")
    assert (state["automationState"], state["isStreaming"]) == (False, False)
    camera.set_port(1, True)
    state = await client.until("StreamState", streamId="12")
    assert (state["automationState"], state["isStreaming"]) == (True, True)
    async with http.post(f"{camera.url}/sim/fail", params={"stream_id": "nope"}) as resp:
        assert (await resp.json())["status"] == 400
    await client.close()


async def test_the_command_line_breaks_a_broadcast(sim: Simulator) -> None:
    """`python -m simulator.control fail`: what the demo's README tells a person to run."""
    camera = await _camera(sim)
    camera.set_stream_enabled("11", True)
    args = ["fail", "--port", str(camera.port), "--message", "Quota exceeded"]
    assert control_url(parse_args(args)) == (
        f"http://127.0.0.1:{camera.port}/sim/fail?stream_id=11&message=Quota+exceeded"
    )
    assert await asyncio.to_thread(main, args) == 0
    assert camera.streams["11"].failure == "Quota exceeded"
    assert not camera.is_streaming(camera.streams["11"])
    assert (
        await asyncio.to_thread(main, ["fail", "--port", str(camera.port), "--stream", "12"]) == 0
    )
    assert camera.streams["12"].failure == DEFAULT_FAILURE
    assert await asyncio.to_thread(main, ["fail", "--port", str(camera.port), "--stream", "9"]) == 1
