"""The 2N doorbell through a real Home Assistant: ring -> event entity, and the idle cost.

    python -m benchmarks.intercom_ha [--rings 10] [--spacing 1] [--idle 120] [--out FILE]

Home Assistant and the simulator run as separate processes (`benchmarks.env`, 127.0.0.1
only), the 2N entry is created through CamHub's config flow, and the benchmark watches
`state_changed` over Home Assistant's WebSocket API, as a dashboard or an automation client
would. A ring is `POST /sim/ring` on the simulated intercom (what a visitor's press does);
latency is from just before that request to the doorbell entity's `state_changed`
(`time_fired`, and when the client had read it). The idle cost is the intercom's count of
`/api/log/pull` requests while nothing happens. Nothing is asserted: these are figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .env import BenchEnv
from .events import StateWatch, _entity, summary

RING_TIMEOUT = 5.0


async def measure(rings: int, spacing: float, idle: float) -> dict[str, Any]:
    """Ring `rings` times `spacing` s apart, then stay idle for `idle` s."""
    async with BenchEnv(intercoms=1) as env:
        device = env.sim.of_family("intercom_2n")[0]
        camera = await env.add_camhub(device, options=False)
        doorbell = await _entity(env, camera.entry_id, "_doorbell")
        await asyncio.sleep(2)  # the event log subscribed, its first long poll held
        watch = StateWatch(env.ha.url, env.client.token)
        await watch.start(env.session)
        fired_ms: list[float] = []
        seen_ms: list[float] = []
        try:
            for number in range(rings):
                if number:
                    await asyncio.sleep(spacing)
                watch.drain()
                rang_at = time.time()
                async with env.session.post(f"{device.base}/sim/ring") as resp:
                    resp.raise_for_status()
                got = await watch.wait_for(doorbell, RING_TIMEOUT)
                if got is not None:
                    _, fired, received = got
                    fired_ms.append((fired - rang_at) * 1000)
                    seen_ms.append((received - rang_at) * 1000)
        finally:
            await watch.stop()
        await asyncio.sleep(1)
        before = (await env.sim.stats(quote(device.name)))["requests"].get("/api/log/pull", 0)
        await asyncio.sleep(idle)
        after = (await env.sim.stats(quote(device.name)))["requests"].get("/api/log/pull", 0)
    return {
        "rings": rings,
        "spacing_s": spacing,
        "ring_events": len(fired_ms),
        "state_changed": {k: round(v, 2) for k, v in summary(fired_ms).items()},
        "client_saw": {k: round(v, 2) for k, v in summary(seen_ms).items()},
        "idle_s": idle,
        "idle_pulls": after - before,
        "idle_pulls_per_minute": round((after - before) * 60 / idle, 2),
    }


def main(argv: list[str] | None = None) -> None:
    """Run and print the figures as JSON (and write them to `--out`)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.intercom_ha", description=__doc__)
    parser.add_argument("--rings", type=int, default=10)
    parser.add_argument("--spacing", type=float, default=1.0)
    parser.add_argument("--idle", type=float, default=120.0)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    text = json.dumps(asyncio.run(measure(args.rings, args.spacing, args.idle)), indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
