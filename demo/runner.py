"""The demo's sequence and its child processes: set-up, supervision, shutdown on signals.

`Demo` starts the simulator and Home Assistant, logs in (onboarding on a first run), adds each
simulated device through the config flow, checks the cameras, installs the dashboard, prints
the summary, then supervises both children until Ctrl-C; `amain` wires the signals to it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import socket
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import aiohttp

from . import config, dashboard
from .cameras import collect_entries
from .cli import simulator_families, with_every_family
from .config import DOMAIN, ROOT, DemoPaths
from .flow import FlowOutcome, drive_flow
from .hass import HassApiError, HassClient, Login
from .procs import RESTART_EXIT_CODE, Child, DemoError, start_hass, start_simulator
from .state import DemoState, reconcile_entries
from .summary import EntryReport, device_label, format_summary

HASS_START_TIMEOUT = 300.0  # a first start on a slow machine; usually 10-20 s
HASS_STOP_GRACE = 60.0  # Home Assistant usually stops in 2-3 s; SIGKILL after this
SIMULATOR_STOP_GRACE = 10.0
STILL_STOPPING_NOTICE = 10.0
TOKEN_NAME = "CamHub demo script"
LOGIN = Login()


def log(message: str) -> None:
    """A progress line on stderr."""
    print(f"demo: {message}", file=sys.stderr, flush=True)


def port_in_use(port: int) -> bool:
    """Whether something already listens on 127.0.0.1:port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def exit_text(code: int) -> str:
    """`exited (0)`, or `was killed (SIGKILL)` for a negative return code."""
    if code < 0:
        with contextlib.suppress(ValueError):
            return f"was killed ({signal.Signals(-code).name})"
    return f"exited ({code})"


class Demo:
    """The whole demo: children, set-up, supervision, shutdown."""

    def __init__(self, args: argparse.Namespace, simulator_args: Sequence[str]) -> None:
        """Nothing runs yet."""
        self.args = args
        self.simulator_args = [
            "--base-port",
            str(args.base_port),
            *with_every_family(simulator_args, simulator_families()),
        ]
        self.paths = DemoPaths(args.dir.resolve())
        self.url = f"http://127.0.0.1:{args.port}/"
        self.state = DemoState()
        self.hass: Child | None = None
        self.simulator: Child | None = None
        try:
            self.t0 = float(os.environ.get("CAMHUB_DEMO_T0", ""))
        except ValueError:
            self.t0 = time.time()

    async def run(self) -> int:
        """Set everything up, print the summary, supervise until stopped."""
        if port_in_use(self.args.port):
            raise DemoError(
                f"127.0.0.1:{self.args.port} is in use (another demo still running?); "
                "stop it or choose another --port"
            )
        self._prepare_folder()
        log(f"starting the simulator: python -m simulator {' '.join(self.simulator_args)}")
        self.simulator, devices = await start_simulator(
            self.simulator_args, self.paths.simulator_log
        )
        log(f"the simulator is ready ({self._since_start()})")
        self.paths.devices.write_text(json.dumps(devices, indent=2), encoding="utf-8")
        self.paths.devices.chmod(0o600)  # the simulated devices' logins
        for device in devices:
            log(f"  simulated {device_label(device)}")
        if not devices:
            log("  the simulator announced no devices")
        async with aiohttp.ClientSession() as session:
            client = HassClient(session, self.url)
            await self._start_hass(client)
            await self._log_in(client)
            async with asyncio.timeout(HASS_START_TIMEOUT):
                await client.wait_until_running()
            if await client.confirm_http_config():
                log("confirmed the HTTP settings of configuration.yaml (127.0.0.1 only)")
            log(f"Home Assistant is running ({self._since_start()}); adding the devices")
            outcomes = []
            for device in devices:
                outcome = await drive_flow(client, DOMAIN, device)
                log(f"  {device_label(device)}: {outcome.describe()}")
                outcomes.append(outcome)
            await self._remove_stale_entries(client, devices, outcomes)
            log(f"checking every camera through /api/camera_proxy ({self._since_start()})")
            entries = await collect_entries(client)
            board = await self._install_dashboard(client, entries)
            print(
                format_summary(
                    f"{self.url.rstrip('/')}{board}" if board else self.url,
                    LOGIN,
                    devices,
                    outcomes,
                    entries,
                    self.paths,
                    time.time() - self.t0,
                ),
                flush=True,
            )
            return await self._supervise(client)

    async def _install_dashboard(self, client: HassClient, entries: Sequence[EntryReport]) -> str:
        """The live-camera dashboard's path, or "" if Home Assistant refused it."""
        devices = [
            dashboard.Device(
                e.title,
                [
                    dashboard.Camera(c.entity_id, c.supported_features, c.jpeg_bytes is not None)
                    for c in e.cameras
                ],
                e.controls,
            )
            for e in entries
        ]
        try:
            return await dashboard.install(client, dashboard.dashboard_config(devices))
        except (HassApiError, aiohttp.ClientError) as err:
            log(f"could not set up the demo dashboard ({err}); use the Overview instead")
            return ""

    @staticmethod
    def _rel(path: Path) -> str:
        return os.path.relpath(path, ROOT)

    def _since_start(self) -> str:
        return f"{time.time() - self.t0:.1f} s after start"

    def _prepare_folder(self) -> None:
        if (pid := config.running_hass_pid(self.paths)) is not None:
            raise DemoError(
                f"a Home Assistant (pid {pid}) still runs on .demo/config: another demo? "
                "stop it first (Ctrl-C in its terminal)"
            )
        if self.args.fresh:
            log(f"--fresh: removing {self._rel(self.paths.base)}/")
            config.wipe(self.paths)
        elif config.onboarded_user_exists(self.paths) and DemoState.load(self.paths).token is None:
            log(".demo/ has a user but the demo's token is gone: starting fresh")
            config.wipe(self.paths)
        self.paths.base.mkdir(parents=True, exist_ok=True)
        config.prepare(self.paths, self.args.port)
        self.state = DemoState.load(self.paths)

    async def _start_hass(self, client: HassClient) -> None:
        log(f"starting Home Assistant on {self.url} (config: {self._rel(self.paths.config)})")
        started = time.monotonic()
        hass = self.hass = await start_hass(self.paths.config, self.paths.hass_console)
        try:
            async with asyncio.timeout(HASS_START_TIMEOUT):
                await client.wait_until_up(lambda: hass.running)
        except TimeoutError:
            raise DemoError(
                f"Home Assistant did not answer within {HASS_START_TIMEOUT:.0f} s:\n"
                f"{hass.log_tail()}"
            ) from None
        except HassApiError as err:
            raise DemoError(f"{err} ({hass.proc.returncode}):\n{hass.log_tail()}") from None
        log(f"Home Assistant answers after {time.monotonic() - started:.0f} s")

    async def _log_in(self, client: HassClient) -> None:
        done = await client.onboarding_done()
        if done is not None and not done.get("user"):
            await client.onboard(LOGIN, done)
            self.state = DemoState(await client.create_long_lived_token(TOKEN_NAME))
            self.state.save(self.paths)
            client.token = self.state.token
            log(f"onboarded user {LOGIN.username!r} over the REST API")
            return
        client.token = self.state.token
        if client.token is None or not await client.token_works():
            raise DemoError(
                "the demo's stored token is not accepted by .demo/'s Home Assistant; "
                "run scripts/demo --fresh"
            )
        if done is not None:
            await client.onboard(LOGIN, done)  # steps left open by an interrupted first run
        log(f"logged in with the token from an earlier run ({self.paths.state.name})")

    async def _remove_stale_entries(
        self,
        client: HassClient,
        devices: Sequence[Mapping[str, Any]],
        outcomes: Sequence[FlowOutcome],
    ) -> None:
        self.state.entries, stale = reconcile_entries(self.state.entries, devices, outcomes)
        if stale:
            titles = {
                e.get("entry_id"): e.get("title") for e in await client.config_entries(DOMAIN)
            }
            for entry_id in stale:
                if entry_id in titles:
                    await client.delete_config_entry(entry_id)
                    log(f'  removed entry "{titles[entry_id]}": its device is gone or moved')
        self.state.save(self.paths)

    async def _supervise(self, client: HassClient) -> int:
        """Wait for Ctrl-C; restart Home Assistant when it asks; fail if a child dies."""
        while True:
            assert self.hass is not None and self.simulator is not None
            hass, simulator = self.hass, self.simulator
            waits = {
                asyncio.create_task(hass.proc.wait()): hass,
                asyncio.create_task(simulator.proc.wait()): simulator,
            }
            try:
                await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for task in waits:
                    task.cancel()
            if simulator.proc.returncode is not None:
                raise DemoError(
                    f"the simulator exited ({simulator.proc.returncode}):\n{simulator.log_tail()}"
                )
            if hass.proc.returncode == RESTART_EXIT_CODE:
                log("Home Assistant asked for a restart; restarting it")
                await self._start_hass(client)
                continue
            raise DemoError(f"Home Assistant exited ({hass.proc.returncode}):\n{hass.log_tail()}")

    async def shutdown(self) -> None:
        """Home Assistant first (its devices still answer while it unloads), then the devices."""
        if self.hass is not None and self.hass.running:
            log("stopping Home Assistant")
            stopping = asyncio.ensure_future(self.hass.stop(HASS_STOP_GRACE))
            done, _ = await asyncio.wait({stopping}, timeout=STILL_STOPPING_NOTICE)
            if not done:
                log(
                    "Home Assistant is still stopping (a stuck stream worker, say); it is killed "
                    f"after {HASS_STOP_GRACE:.0f} s, or now on a second Ctrl-C"
                )
            log(f"Home Assistant {exit_text(await stopping)}")
        if self.simulator is not None and self.simulator.running:
            log("stopping the simulator")
            log(f"the simulator {exit_text(await self.simulator.stop(SIMULATOR_STOP_GRACE))}")
        if self.simulator is not None:
            for task in self.simulator.tasks:
                task.cancel()

    def kill(self) -> None:
        """A second Ctrl-C: no more waiting."""
        for child in (self.hass, self.simulator):
            if child is not None:
                child.kill()


async def amain(args: argparse.Namespace, simulator_args: Sequence[str]) -> int:
    """Run the demo until it fails or a signal stops it."""
    demo = Demo(args, simulator_args)
    task = asyncio.create_task(demo.run())
    signals: list[str] = []

    def on_signal(name: str) -> None:
        signals.append(name)
        if len(signals) == 1:
            log(f"{name}: stopping (again to kill at once)")
            task.cancel()
        else:
            demo.kill()

    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, on_signal, sig.name)
    try:
        return await task
    except asyncio.CancelledError:
        return 0
    except DemoError as err:
        log(f"error: {err}")
        return 1
    except (HassApiError, TimeoutError, aiohttp.ClientError, OSError) as err:
        log(f"error: {type(err).__name__}: {err}")
        return 1
    finally:
        with contextlib.suppress(asyncio.CancelledError):
            await demo.shutdown()
