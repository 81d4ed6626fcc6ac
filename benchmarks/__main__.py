"""Run the benchmarks and write `benchmarks/results.md` and `benchmarks/results.json`.

    python -m benchmarks [--size small|large] [--only fanout,events,snapshot,scale]
                         [--intercoms N] [--out DIR]

One simulator process, one Home Assistant process (with CamHub, the core `mjpeg` and
`generic` cameras and the benchmark probe), and this process as the viewers and the clock.
Everything listens on 127.0.0.1 only. A scenario that fails is reported as missing, with
the reason, and the others still run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
import time
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import events, fanout, report, scale, snapshot
from .env import BenchEnv, Camera
from .ha import ROOT
from .machine import LoadMeter, machine_info

_LOGGER = logging.getLogger("benchmarks")
SCENARIOS = ("fanout", "snapshot", "events", "scale")


@dataclass(frozen=True)
class Size:
    """How long and how much each scenario measures."""

    warmup: float
    duration: float
    viewers: tuple[int, ...]
    changes: int
    snapshots: int
    idle_snapshots: int
    intercoms: int
    idle: float


SIZES = {
    "small": Size(
        warmup=2,
        duration=8,
        viewers=(1, 5, 20, 50, 100),
        changes=200,
        snapshots=60,
        idle_snapshots=30,
        intercoms=50,
        idle=60,
    ),
    "large": Size(
        warmup=3,
        duration=20,
        viewers=(1, 5, 20, 50, 100),
        changes=1000,
        snapshots=300,
        idle_snapshots=100,
        intercoms=50,
        idle=300,
    ),
}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command line."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument(
        "--only",
        default=",".join(SCENARIOS),
        help="comma-separated subset of " + ", ".join(SCENARIOS),
    )
    parser.add_argument("--intercoms", type=int, help="2N intercoms in the scale scenario")
    parser.add_argument("--warmup", type=float, help="seconds before each measuring window")
    parser.add_argument("--duration", type=float, help="seconds per fan-out phase")
    parser.add_argument("--changes", type=int, help="state changes in the event scenario")
    parser.add_argument("--snapshots", type=int, help="snapshots per row")
    parser.add_argument("--idle", type=float, help="seconds of the idle-request windows")
    parser.add_argument(
        "--viewers", help="comma-separated viewer counts for the fan-out (default 1,5,20,50,100)"
    )
    parser.add_argument("--no-axis", action="store_true", help="leave out the CamStreamer parts")
    parser.add_argument(
        "--no-basic", action="store_true", help="leave out the core mjpeg camera on Basic auth"
    )
    parser.add_argument(
        "--axis-size",
        default="64,32,32",
        help="streams,overlay services,playlists of the big Axis camera (scale)",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks", help="results folder")
    parser.add_argument(
        "--merge",
        action="store_true",
        help="keep the scenarios not chosen with --only from the existing results.json",
    )
    parser.add_argument(
        "--report",
        action="store_true",
        help="only rewrite results.md from the results.json in --out (no measuring)",
    )
    return parser.parse_args(argv)


def size_of(args: argparse.Namespace) -> Size:
    """The chosen size with the command-line overrides applied."""
    base = SIZES[args.size]
    return Size(
        warmup=args.warmup if args.warmup is not None else base.warmup,
        duration=args.duration or base.duration,
        viewers=tuple(int(v) for v in args.viewers.split(",")) if args.viewers else base.viewers,
        changes=args.changes or base.changes,
        snapshots=args.snapshots or base.snapshots,
        idle_snapshots=args.snapshots or base.idle_snapshots,
        intercoms=args.intercoms if args.intercoms is not None else base.intercoms,
        idle=args.idle or base.idle,
    )


async def _scenario(
    name: str,
    results: dict[str, Any],
    meter: LoadMeter,
    body: Callable[[], Awaitable[dict[str, Any]]],
) -> None:
    """Run one scenario; a failure is recorded as missing, with its reason."""
    _LOGGER.warning("scenario %s: start", name)
    started = time.monotonic()
    meter.begin(name)
    try:
        results[name] = await body()
    except Exception as err:  # a scenario that cannot run is reported, not fatal
        _LOGGER.error("scenario %s failed: %s", name, traceback.format_exc())
        results[name] = {"missing": f"{type(err).__name__}: {err}"}
    results[name]["seconds"] = time.monotonic() - started
    results[name]["load"] = meter.end(name)
    _LOGGER.warning("scenario %s: done in %.0f s", name, results[name]["seconds"])


class Scenarios:
    """The four scenarios over one environment, sharing the cameras they need."""

    def __init__(self, env: BenchEnv, size: Size) -> None:
        self.env = env
        self.size = size
        intercoms = env.sim.of_family("intercom_2n")
        self.intercoms = [d for d in intercoms if "basic" not in d.name]
        self.basic = [d for d in intercoms if "basic" in d.name]
        self.intercom = self.intercoms[0]
        self.cams: dict[str, Camera] = {}

    async def cameras(self) -> dict[str, Camera]:
        """CamHub, core mjpeg (Digest and Basic) and core generic on the first intercom."""
        if not self.cams:
            env = self.env
            self.cams["camhub"] = await env.add_camhub(self.intercom)
            self.cams["mjpeg"] = await env.add_mjpeg(self.intercom, "Core MJPEG")
            self.cams["generic"] = await env.add_generic(self.intercom)
            if self.basic:
                self.cams["mjpeg_basic"] = await env.add_mjpeg(self.basic[0], "Core MJPEG Basic")
        return self.cams

    async def fanout(self) -> dict[str, Any]:
        """Scenario 1."""
        c = await self.cameras()
        anchors = [("mjpeg", c["mjpeg"], self.intercom)]
        if self.basic:
            anchors.append(("mjpeg_basic", c["mjpeg_basic"], self.basic[0]))
        return await fanout.run(
            self.env,
            self.intercom,
            c["camhub"],
            anchors,
            viewer_counts=self.size.viewers,
            warmup=self.size.warmup,
            duration=self.size.duration,
        )

    async def snapshot(self) -> dict[str, Any]:
        """Scenario 3."""
        c = await self.cameras()
        return await snapshot.run(
            self.env,
            self.intercom,
            c["camhub"],
            c["generic"],
            count=self.size.snapshots,
            idle_count=self.size.idle_snapshots,
            warmup=self.size.warmup,
        )

    async def events(self) -> dict[str, Any]:
        """Scenario 2."""
        devices = [d for d in self.env.sim.of_family("camstreamer") if "events" in d.name]
        if not devices:
            raise RuntimeError("no simulated Axis camera (run without --no-axis)")
        return await events.run(self.env, devices[0], count=self.size.changes)

    async def scale(self) -> dict[str, Any]:
        """Scenario 4."""
        devices = self.intercoms[1 : 1 + self.size.intercoms]
        big = [d for d in self.env.sim.of_family("camstreamer") if "big" in d.name][:1]
        return await scale.run(self.env, devices, big, idle=self.size.idle)


def _sim_args(args: argparse.Namespace, chosen: list[str]) -> list[str]:
    axis = not args.no_axis and ("events" in chosen or "scale" in chosen)
    streams, services, playlists = (int(x) for x in args.axis_size.split(","))
    sim_args = (
        [f"--big-streams={streams}", f"--big-services={services}", f"--big-playlists={playlists}"]
        if axis
        else ["--axis-events=0", "--axis-big=0"]
    )
    if "fanout" in chosen and not args.no_basic:
        sim_args.append("--basic-intercom")  # the core mjpeg camera's other (aiohttp) path
    return sim_args


async def main(args: argparse.Namespace) -> dict[str, Any]:
    """Every chosen scenario in one environment; the results as one JSON-able dict."""
    size = size_of(args)
    chosen = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(chosen) - set(SCENARIOS)
    if unknown:
        raise SystemExit(f"unknown scenarios: {', '.join(sorted(unknown))}")
    intercoms = 1 + (size.intercoms if "scale" in chosen else 0)
    meter = LoadMeter()
    results: dict[str, Any] = {
        "size": args.size,
        "parameters": {**size.__dict__, "axis_size": args.axis_size},
        "scenarios": chosen,
        "machine": machine_info(),
    }
    meter.begin("run")
    async with BenchEnv(intercoms=intercoms, sim_args=_sim_args(args, chosen)) as env:
        meter.watch(env.ha.proc.pid if env.ha.proc else None, "home_assistant")
        meter.watch(env.sim.proc.pid if env.sim.proc else None, "simulator")
        meter.watch(os.getpid(), "benchmark")
        results["machine"]["home_assistant_started_s"] = env.ha.started_in
        scenarios = Scenarios(env, size)
        for name in SCENARIOS:
            if name in chosen:
                await _scenario(name, results, meter, getattr(scenarios, name))
        results["load"] = meter.end("run")
    results["finished"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    return results


def _merge(results: dict[str, Any], previous: Path) -> None:
    """Carry over the scenarios this run did not measure, marked with their own run."""
    try:
        old = json.loads(previous.read_text())
    except (OSError, ValueError):
        return
    for name in SCENARIOS:
        if name in results or name not in old:
            continue
        results[name] = old[name]
        results[name].setdefault(
            "from_run",
            {"date": old["machine"]["date"], "commit": old["machine"].get("commit")},
        )
        results["scenarios"] = [*results["scenarios"], name]


def run(argv: list[str] | None = None) -> int:
    """Entry point: run, then write results.json and results.md."""
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(message)s", stream=sys.stderr)
    args = parse_args(argv)
    if args.report:
        results = json.loads((args.out / "results.json").read_text())
    else:
        results = asyncio.run(main(args))
        if args.merge:
            _merge(results, args.out / "results.json")
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "results.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    markdown = report.markdown(results)
    (args.out / "results.md").write_text(markdown)
    print(markdown)
    return 0


if __name__ == "__main__":
    sys.exit(run())
