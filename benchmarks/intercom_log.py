"""The 2N event log at the API level: ring -> event latency, idle cost, restart recovery.

    python -m benchmarks.intercom_log [--rings 10] [--spacing 1] [--idle 120]
                                      [--pull-timeout 30] [--out FILE]

One process: the simulated intercom (127.0.0.1) and CamHub's `EventLog` pump on the same
event loop, so one monotonic clock times both ends. Latency is from the moment the simulated
intercom records the ring's first event (`KeyPressed`) to the moment the pump hands that event
to its callback: the long-poll's answer, the HTTP round trip and the parsing. Idle cost is the
pulls the pump makes while nothing happens. Recovery is a simulated restart (1 s down): from
the device serving again to the pump's first good pull on a new subscription, then the next
ring is checked to arrive. The Home Assistant figure (to the doorbell event entity) is
`benchmarks.intercom_ha`'s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import aiohttp

from custom_components.camhub.api.errors import CamHubError
from custom_components.camhub.api.intercom2n import (
    EventLog,
    EventLogSettings,
    Intercom2NClient,
    KeyPressed,
    LogEvent,
)
from simulator import Intercom2N, Simulator

from .stats import percentile


@dataclass
class Result:
    rings: int
    spacing_s: float
    rings_seen: int
    latency_ms_p50: float
    latency_ms_p95: float
    latency_ms_max: float
    pull_timeout_s: int
    idle_s: float
    idle_pulls: int
    idle_pulls_per_minute: float
    restart_recovery_s: float
    ring_after_restart_seen: bool


class Watcher:
    def __init__(self) -> None:
        self.keys: list[tuple[LogEvent, float]] = []
        self.arrived = asyncio.Event()
        self.connected = asyncio.Event()

    def on_event(self, event: LogEvent) -> None:
        if isinstance(event, KeyPressed):
            self.keys.append((event, time.monotonic()))
            self.arrived.set()

    def on_connection(self, connected: bool, error: CamHubError | None) -> None:
        if connected:
            self.connected.set()
        else:
            self.connected.clear()

    async def next_key(self, count: int, patience: float = 10) -> bool:
        try:
            async with asyncio.timeout(patience):
                while len(self.keys) < count:
                    self.arrived.clear()
                    await self.arrived.wait()
        except TimeoutError:
            return False
        return True


async def measure(rings: int, spacing: float, idle: float, pull_timeout: int) -> Result:
    async with Simulator() as sim, aiohttp.ClientSession() as session:
        door: Intercom2N = await sim.add_intercom_2n(ring_timeout=None)
        watcher = Watcher()
        client = Intercom2NClient(session, door.url, door.username, door.password)
        pump = EventLog(
            client,
            watcher.on_event,
            watcher.on_connection,
            settings=EventLogSettings(pull_timeout=pull_timeout),
        )
        task = asyncio.create_task(pump.run())
        try:
            await asyncio.wait_for(watcher.connected.wait(), 10)
            await asyncio.sleep(0.2)  # the first pull is being held
            latencies = []
            for i in range(rings):
                door.ring()
                emitted = next(
                    r.emitted for r in reversed(door.log.history) if r.event == "KeyPressed"
                )
                if await watcher.next_key(i + 1):
                    latencies.append(watcher.keys[i][1] - emitted)
                await asyncio.sleep(spacing)
            seen = len(watcher.keys)

            door.stats.reset()
            await asyncio.sleep(idle)
            idle_pulls = door.stats.requests["/api/log/pull"]

            await door.restart(down_for=1.0)
            back = time.monotonic()
            watcher.connected.clear()
            await asyncio.wait_for(watcher.connected.wait(), 30)
            recovery = time.monotonic() - back
            door.ring()
            after = await watcher.next_key(seen + 1)
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            await pump.unsubscribe()
    ms = sorted(latency * 1000 for latency in latencies)
    return Result(
        rings=rings,
        spacing_s=spacing,
        rings_seen=seen,
        latency_ms_p50=round(percentile(ms, 50), 2),
        latency_ms_p95=round(percentile(ms, 95), 2),
        latency_ms_max=round(ms[-1], 2),
        pull_timeout_s=pull_timeout,
        idle_s=idle,
        idle_pulls=idle_pulls,
        idle_pulls_per_minute=round(idle_pulls * 60 / idle, 2),
        restart_recovery_s=round(recovery, 2),
        ring_after_restart_seen=after,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.intercom_log", description=__doc__)
    parser.add_argument("--rings", type=int, default=10)
    parser.add_argument("--spacing", type=float, default=1.0)
    parser.add_argument("--idle", type=float, default=120.0)
    parser.add_argument("--pull-timeout", type=int, default=EventLogSettings().pull_timeout)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    result = asyncio.run(measure(args.rings, args.spacing, args.idle, args.pull_timeout))
    text = json.dumps(asdict(result), indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
