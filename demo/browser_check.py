"""`scripts/browser-check`: the demo, used in a real browser, as a new user would.

    .venv/bin/python -m demo.browser_check [--port 8125] [--base-port 18500]
                                           [--shots docs/screenshots]

Starts `python -m demo --fresh` in its own folder (`.demo-browser/`) and ports, so a demo you
are running is left alone; then drives Debian's Chromium with Selenium through:

1. the login page (demo / demo-camhub, typed in);
2. the demo dashboard: every camera tile shows a picture (none a broken image), and the live
   tiles change between two screenshots;
3. a camera's more-info dialog, whose live stream moves;
4. a broadcast switch flipped on the Axis camera's view, and a CamSwitcher playlist chosen
   in its dialog, each followed on the simulated camera itself (its own API, not HA's), and
   the broadcast's event entity fired;
5. the 2N doorbell in the logbook (skipped, saying so, while CamHub has no doorbell event);
6. *Add integration → CamHub* for one more device of each family (served by this process).

Screenshots go to `--shots`; the exit status is non-zero when any step failed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import re
import sys
import time
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from simulator.core import Simulator
from simulator.device import SimDevice
from simulator.liveview import SimCamera
from simulator.oak import SimOakCamera

from . import browser_steps
from .browser import Browser, CheckFailed
from .config import ROOT, DemoPaths
from .hass import HassClient

DEMO_READY_TIMEOUT = 420.0


@dataclass
class Outcome:
    """One step's result."""

    name: str
    status: str  # "passed", "failed", "skipped"
    detail: str = ""
    seconds: float = 0.0


@dataclass
class Context:
    """What the steps share: the browser, Home Assistant's REST API, the devices."""

    browser: Browser
    hass: HassClient
    loop: asyncio.AbstractEventLoop
    demo_devices: list[dict[str, Any]]
    extra_devices: list[dict[str, Any]]
    session: aiohttp.ClientSession
    outcomes: list[Outcome] = field(default_factory=list)

    def call[T](self, coro: Coroutine[Any, Any, T], timeout: float = 30.0) -> T:
        """Run a coroutine on the main loop from the browser's thread; its result."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)


def log(message: str) -> None:
    """A progress line on stderr."""
    print(f"browser-check: {message}", file=sys.stderr, flush=True)


def run_step(ctx: Context, name: str, step: Callable[[Context], str]) -> None:
    """Run one step, record how it went; a failure does not stop the later steps."""
    started = time.monotonic()
    try:
        detail = step(ctx)
    except browser_steps.Skipped as why:
        outcome = Outcome(name, "skipped", str(why))
    except (CheckFailed, AssertionError) as err:
        outcome = Outcome(name, "failed", str(err))
        with contextlib.suppress(Exception):
            ctx.browser.screenshot(f"failed-{re.sub(r'\W+', '-', name)}")
    except Exception as err:  # a broken step is reported, the others still run
        outcome = Outcome(name, "failed", f"{type(err).__name__}: {str(err).splitlines()[0]}")
    else:
        outcome = Outcome(name, "passed", detail)
    outcome.seconds = time.monotonic() - started
    ctx.outcomes.append(outcome)
    log(f"{outcome.status.upper():7} {name} ({outcome.seconds:.1f} s) {outcome.detail}")


async def start_demo(args: argparse.Namespace, paths: DemoPaths) -> asyncio.subprocess.Process:
    """`python -m demo --fresh` in its own folder; returns once it printed its summary."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "demo",
        "--fresh",
        "--dir",
        str(paths.base),
        "--port",
        str(args.port),
        "--base-port",
        str(args.base_port),
        cwd=ROOT,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
    )
    assert proc.stdout is not None
    async with asyncio.timeout(DEMO_READY_TIMEOUT):
        while line := (await proc.stdout.readline()).decode():
            print(f"  | {line.rstrip()}", file=sys.stderr, flush=True)
            if "Ctrl-C stops" in line:
                return proc
    raise CheckFailed(f"the demo ended before it was ready ({await proc.wait()})")


async def stop_demo(proc: asyncio.subprocess.Process) -> None:
    """Ctrl-C, as a person stops it; SIGKILL if it hangs."""
    if proc.returncode is None:
        proc.send_signal(2)
        try:
            await asyncio.wait_for(proc.wait(), 90)
        except TimeoutError:
            proc.kill()
            await proc.wait()


async def add_extra_devices(sim: Simulator) -> list[SimDevice]:
    """One more device of each family, with identities the demo's devices do not have."""
    return [
        await sim.add_intercom_2n(
            name="Side door", serial="54-0000-0099", mac="7C:1E:B3:00:00:99", port=0
        ),
        await sim.add_axis_camera(name="Tower camera", serial="ACCC8E000099", port=0),
        await sim.add_aipix(
            name="AIPIX VMS 2",
            token="aipix-token-99",
            cameras=["7d3c9b1e-4a5f-4e2b-9c8d-1a2b3c4d5e6f"],
            port=0,
        ),
        await sim.add_liveview(
            name="Camera Remote server 2",
            cameras=[SimCamera("D10F60149999", model="ILCE-7M4")],
            port=0,
        ),
        await sim.add_oak(
            name="Robopipe controller 2",
            cameras=[SimOakCamera("14442C10C1A1C69999", name="OAK-1", autofocus=False)],
            port=0,
        ),
    ]


def steps() -> list[tuple[str, Callable[[Context], str]]]:
    """The checks, in the order a new user meets them."""
    return [
        ("log in", browser_steps.log_in),
        ("dashboard tiles", browser_steps.dashboard_tiles),
        ("more-info live stream", browser_steps.more_info),
        ("broadcast switch", browser_steps.broadcast),
        ("CamSwitcher playlist", browser_steps.playlist),
        ("2N doorbell in the logbook", browser_steps.doorbell),
        ("add integration, every family", browser_steps.add_integrations),
    ]


async def check(args: argparse.Namespace) -> list[Outcome]:
    """Everything, with the demo and the extra devices up; the outcomes."""
    paths = DemoPaths((ROOT / ".demo-browser").resolve())
    for stale in args.shots.glob("failed-*.png"):  # an earlier run's failures
        stale.unlink()
    demo = await start_demo(args, paths)
    try:
        state = json.loads(paths.state.read_text(encoding="utf-8"))
        demo_devices = json.loads(paths.devices.read_text(encoding="utf-8"))
        async with aiohttp.ClientSession() as session, Simulator(render_threads=1) as sim:
            extra = [d.describe() for d in await add_extra_devices(sim)]
            hass = HassClient(session, f"http://127.0.0.1:{args.port}")
            hass.token = str(state["token"])
            loop = asyncio.get_running_loop()
            browser = await asyncio.to_thread(Browser, hass.base_url, args.shots)
            ctx = Context(browser, hass, loop, demo_devices, extra, session)
            try:
                await asyncio.to_thread(_run_all, ctx)
            finally:
                await asyncio.to_thread(browser.close)
            return ctx.outcomes
    finally:
        await stop_demo(demo)


def _run_all(ctx: Context) -> None:
    for name, step in steps():
        run_step(ctx, name, step)


def report(outcomes: Sequence[Outcome], elapsed: float) -> int:
    """Print the summary; the exit status."""
    counts = {s: sum(o.status == s for o in outcomes) for s in ("passed", "failed", "skipped")}
    print(f"\nbrowser-check: {elapsed:.0f} s", flush=True)
    for outcome in outcomes:
        print(f"  {outcome.status:8} {outcome.name}: {outcome.detail}", flush=True)
    print(f"{counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped")
    return 1 if counts["failed"] or not outcomes else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `python -m demo.browser_check`."""
    parser = argparse.ArgumentParser(prog="scripts/browser-check", description=__doc__)
    parser.add_argument("--port", type=int, default=8125, help="Home Assistant's port (8125)")
    parser.add_argument(
        "--base-port", type=int, default=18500, help="the demo devices' first port (18500)"
    )
    parser.add_argument(
        "--shots", type=Path, default=ROOT / "docs" / "screenshots", help="screenshot folder"
    )
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        outcomes = asyncio.run(check(args))
    except (CheckFailed, OSError, TimeoutError, aiohttp.ClientError, ValueError) as err:
        log(f"error: {type(err).__name__}: {err}")
        return 1
    return report(outcomes, time.monotonic() - started)


if __name__ == "__main__":
    sys.exit(main())
