"""The CPU one frame costs before any work is done: waking an idle process.

    python -m benchmarks.wakefloor [--fps 15] [--wakes 150]

A server that forwards a 15 fps stream is woken from idle once per frame, whatever it then
does with the frame. On a virtual machine that wake is not free (the vCPU halts while idle,
caches go cold while other processes run), and it is paid once per frame however many
viewers share it, so at few viewers it dominates the CPU per delivered frame. This measures
it in a fresh process, two ways: an asyncio loop sleeping one frame interval (what a Home
Assistant or any asyncio server pays), and a bare `epoll.poll` with the same timeout (the
kernel's part). Prints one JSON line with the CPU milliseconds per wake.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import select
import time


async def _asyncio_wakes(interval: float, wakes: int) -> float:
    cpu0 = time.process_time()
    for _ in range(wakes):
        await asyncio.sleep(interval)
    return (time.process_time() - cpu0) / wakes * 1000


def _epoll_wakes(interval: float, wakes: int) -> float:
    poller = select.epoll()
    try:
        cpu0 = time.process_time()
        for _ in range(wakes):
            poller.poll(interval)
        return (time.process_time() - cpu0) / wakes * 1000
    finally:
        poller.close()


def main() -> None:
    """Measure both, print them."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.wakefloor", description=__doc__)
    parser.add_argument("--fps", type=float, default=15.0)
    parser.add_argument("--wakes", type=int, default=150)
    args = parser.parse_args()
    interval = 1 / args.fps
    result = {
        "fps": args.fps,
        "asyncio_wake_ms": asyncio.run(_asyncio_wakes(interval, args.wakes)),
        "epoll_wake_ms": _epoll_wakes(interval, args.wakes),
    }
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
