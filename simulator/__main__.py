"""Command line: run simulated devices until interrupted.

    python -m simulator [--intercoms N] [--base-port P] [--fps F]

Prints one JSON line per device (family, name, host, port, credentials, identity), then
READY, so scripts (the demo, benchmarks) can read where everything listens. Each family is
one entry in FAMILIES: a count flag and a coroutine that adds its i-th device.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from .core import Simulator
from .device import SimDevice
from .liveview import SimCamera
from .oak import SimOakCamera


@dataclass(frozen=True)
class Family:
    """How the CLI starts devices of one family."""

    flag: str  # "--<flag> N"
    help: str
    default: int
    add: Callable[[Simulator, int, int], Awaitable[SimDevice]]  # (sim, index, port or 0)


_INTERCOM_NAMES = ("Front door", "Back gate")


def _add_intercom(sim: Simulator, i: int, port: int) -> Awaitable[SimDevice]:
    name = _INTERCOM_NAMES[i] if i < len(_INTERCOM_NAMES) else f"Intercom {i + 1}"
    return sim.add_intercom_2n(
        name=name, serial=f"54-0000-{i + 1:04d}", mac=f"7C:1E:B3:00:00:{i + 1:02X}", port=port
    )


def _add_aipix(sim: Simulator, i: int, port: int) -> Awaitable[SimDevice]:
    return sim.add_aipix(name=f"AIPIX VMS {i + 1}", token=f"aipix-token-{i + 1}", port=port)


def _add_liveview(sim: Simulator, i: int, port: int) -> Awaitable[SimDevice]:
    """A live-view server with two cameras: an ILCE-7M4 with OSD and an FX3 without."""
    cameras = [
        SimCamera(f"D10F6014{i:04X}", model="ILCE-7M4"),
        SimCamera(f"D06CE05E{i:04X}", model="ILCE-FX3", osd_supported=False),
    ]
    return sim.add_liveview(name=f"Camera Remote server {i + 1}", cameras=cameras, port=port)


_AXIS_NAMES = ("Church camera", "Organ camera")


def _add_axis_camera(sim: Simulator, i: int, port: int) -> Awaitable[SimDevice]:
    """Axis cameras with all four CamStreamer apps, alternating the two API generations."""
    name = _AXIS_NAMES[i] if i < len(_AXIS_NAMES) else f"Axis camera {i + 1}"
    return sim.add_axis_camera(
        name=name,
        serial=f"ACCC8E{i + 1:06X}",
        generation="new" if i % 2 == 0 else "old",
        port=port,
    )


def _add_oak(sim: Simulator, i: int, port: int) -> Awaitable[SimDevice]:
    """A Robopipe controller with two OAK cameras: an OAK-D Pro (stereo depth, IR), an OAK-1."""
    cameras = [
        SimOakCamera(f"18443010D1E8AB{i:04X}", name="OAK-D-PRO", stereo=True, ir=True),
        SimOakCamera(f"14442C10C1A1C6{i:04X}", name="OAK-1", autofocus=False),
    ]
    return sim.add_oak(name=f"Robopipe controller {i + 1}", cameras=cameras, port=port)


FAMILIES: tuple[Family, ...] = (
    Family("intercoms", "2N IP intercoms", 2, _add_intercom),
    Family("axis", "Axis cameras with the CamStreamer apps", 1, _add_axis_camera),
    Family("aipix", "AIPIX VMS servers (three cameras each)", 0, _add_aipix),
    Family("liveview", "Camera Remote live-view servers (two cameras each)", 1, _add_liveview),
    Family("oak", "Robopipe controllers (two OAK cameras each, one with depth)", 1, _add_oak),
)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line (one count flag per family)."""
    parser = argparse.ArgumentParser(
        prog="python -m simulator", description="Run simulated CamHub devices on 127.0.0.1."
    )
    for family in FAMILIES:
        parser.add_argument(
            f"--{family.flag}",
            type=int,
            default=family.default,
            metavar="N",
            help=f"number of {family.help} (default {family.default})",
        )
    parser.add_argument(
        "--base-port",
        type=int,
        default=0,
        metavar="P",
        help="give devices consecutive ports from P (default: free ports)",
    )
    parser.add_argument(
        "--fps",
        type=float,
        default=15.0,
        metavar="F",
        help="frame clock rate: the most frames per second a source renders (default 15)",
    )
    return parser.parse_args(argv)


async def run(args: argparse.Namespace) -> None:
    """Start the devices, announce them, serve until SIGINT/SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with Simulator(fps=args.fps) as sim:
        port = args.base_port
        for family in FAMILIES:
            for i in range(getattr(args, family.flag.replace("-", "_"))):
                device = await family.add(sim, i, port)
                port = port + 1 if port else 0
                print(json.dumps(device.describe()), flush=True)
        print("READY", flush=True)
        await stop.wait()
    print("STOPPED", file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point."""
    asyncio.run(run(parse_args(argv)))


if __name__ == "__main__":
    main()
