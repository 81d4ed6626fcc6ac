"""Scenario 2: a device event to the entity's new state in Home Assistant.

The simulated Axis camera changes a CamStreamer stream (broadcast on/off) or the CamSwitcher
playlist and sends the event on its WebSocket, the way the apps do. The benchmark notes the
time just before the event is sent (in the simulator process) and waits for Home Assistant's
`state_changed` event of the entity, over Home Assistant's WebSocket API, as a dashboard
would. Two figures per change: until Home Assistant fired `state_changed` (its `time_fired`),
and until the benchmark's client had read it. Changes are made one at a time.

Home Assistant has no core integration for the CamStreamer apps, so the anchor is what any
polling integration gives: on average half its scan interval (30 s is the default of Home
Assistant's entity platforms, and CamHub's own fallback when an event channel is down), and
up to the whole interval.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote

import aiohttp

from .env import BenchEnv, SimDeviceInfo
from .stats import percentile

POLL_INTERVAL_S = 30.0  # Home Assistant's default SCAN_INTERVAL for polling entity platforms
CHANGE_TIMEOUT = 5.0
SPACING = 0.02  # seconds between one change being seen and the next one being made


@dataclass
class StateWatch:
    """Home Assistant's `state_changed` events over its WebSocket API."""

    url: str
    token: str
    changes: asyncio.Queue[tuple[str, str, float, float]] = field(default_factory=asyncio.Queue)
    _task: asyncio.Task[None] | None = None
    _ready: asyncio.Event = field(default_factory=asyncio.Event)

    async def start(self, session: aiohttp.ClientSession) -> None:
        """Connect, subscribe, and queue (entity_id, state, time_fired, received) tuples."""
        self._task = asyncio.create_task(self._run(session))
        await asyncio.wait_for(self._ready.wait(), 10)

    async def stop(self) -> None:
        """Unsubscribe by closing the socket."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self, session: aiohttp.ClientSession) -> None:
        async with session.ws_connect(f"{self.url}/api/websocket", max_msg_size=0) as ws:
            await ws.receive_json()
            await ws.send_json({"type": "auth", "access_token": self.token})
            await ws.receive_json()
            await ws.send_json({"id": 1, "type": "subscribe_events", "event_type": "state_changed"})
            async for msg in ws:
                received = time.time()
                if msg.type != aiohttp.WSMsgType.TEXT:
                    break
                data: dict[str, Any] = msg.json()
                if data.get("type") == "result" and data.get("id") == 1:
                    self._ready.set()
                    continue
                if data.get("type") != "event":
                    continue
                event = data["event"]
                new, old = event["data"].get("new_state"), event["data"].get("old_state")
                if new is None or (old is not None and old["state"] == new["state"]):
                    continue
                fired = datetime.fromisoformat(event["time_fired"]).timestamp()
                self.changes.put_nowait((event["data"]["entity_id"], new["state"], fired, received))

    async def wait_for(self, entity_id: str, limit: float) -> tuple[str, float, float] | None:
        """The next state change of `entity_id` (others are dropped), or None after `limit`."""
        deadline = time.monotonic() + limit
        while (left := deadline - time.monotonic()) > 0:
            try:
                eid, state, fired, received = await asyncio.wait_for(self.changes.get(), left)
            except TimeoutError:
                return None
            if eid == entity_id:
                return state, fired, received
        return None

    def drain(self) -> None:
        """Forget queued changes."""
        while not self.changes.empty():
            self.changes.get_nowait()


async def _entity(env: BenchEnv, entry_id: str, suffix: str) -> str:
    """The enabled entity of an entry whose unique id ends with `suffix`."""
    entities = await env.client.ws_call({"type": "config/entity_registry/list"})
    for entity in entities:
        if (
            entity.get("config_entry_id") == entry_id
            and str(entity.get("unique_id", "")).endswith(suffix)
            and not entity.get("disabled_by")
        ):
            return str(entity["entity_id"])
    raise RuntimeError(f"no enabled entity *{suffix} in entry {entry_id}")


def summary(latencies: list[float]) -> dict[str, float]:
    """p50 / p95 / max in milliseconds."""
    return {
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "max_ms": max(latencies, default=float("nan")),
    }


async def run(env: BenchEnv, device: SimDeviceInfo, *, count: int) -> dict[str, Any]:
    """`count` changes, alternating stream on/off and playlist switches."""
    cam = await env.add_camhub(device)
    name = quote(device.name)
    sim_state = await env.sim.call("GET", f"/axis/{name}")
    stream_id = sorted(sim_state["streams"])[0]
    switch = await _entity(env, cam.entry_id, f"_stream_{stream_id}_broadcast")
    select = await _entity(env, cam.entry_id, "_camswitcher_playlist")
    playlists: list[str] = sim_state["playlists"]
    enabled = bool(sim_state["streams"][stream_id])
    current = playlists.index(sim_state["current_playlist"])
    await asyncio.sleep(1)  # event channels connected and initial data applied

    watch = StateWatch(env.ha.url, env.client.token)
    await watch.start(env.session)
    fired_ms: dict[str, list[float]] = {"stream": [], "playlist": []}
    seen_ms: dict[str, list[float]] = {"stream": [], "playlist": []}
    missed = {"stream": 0, "playlist": 0}
    try:
        for i in range(count):
            watch.drain()
            if i % 2 == 0:
                kind, entity = "stream", switch
                enabled = not enabled
                answer = await env.sim.call(
                    "POST", f"/axis/{name}/stream/{stream_id}", {"enabled": enabled}
                )
            else:
                kind, entity = "playlist", select
                current = (current + 1) % len(playlists)
                answer = await env.sim.call("POST", f"/axis/{name}/playlist/{playlists[current]}")
            got = await watch.wait_for(entity, CHANGE_TIMEOUT)
            if got is None:
                missed[kind] += 1
            else:
                _, fired, received = got
                fired_ms[kind].append((fired - answer["t"]) * 1000)
                seen_ms[kind].append((received - answer["t"]) * 1000)
            await asyncio.sleep(SPACING)
    finally:
        await watch.stop()
    every_fired = fired_ms["stream"] + fired_ms["playlist"]
    every_seen = seen_ms["stream"] + seen_ms["playlist"]
    return {
        "changes": count,
        "entities": {"stream": switch, "playlist": select},
        "missed": missed,
        "state_changed": summary(every_fired),
        "client_saw": summary(every_seen),
        "by_kind": {
            kind: {"state_changed": summary(fired_ms[kind]), "client_saw": summary(seen_ms[kind])}
            for kind in fired_ms
        },
        "anchor": {
            "poll_interval_s": POLL_INTERVAL_S,
            "p50_ms": POLL_INTERVAL_S / 2 * 1000,
            "p95_ms": POLL_INTERVAL_S * 0.95 * 1000,
            "max_ms": POLL_INTERVAL_S * 1000,
        },
    }
