"""`scripts/demo`: a real Home Assistant with CamHub and simulated devices, in one command.

    scripts/demo [--port 8123] [--fresh] [--base-port 18000] [SIMULATOR OPTIONS]

Starts the simulator (every device on 127.0.0.1), prepares `.demo/config`, starts Home
Assistant on it, onboards the demo user over the REST API, adds every simulated device through
CamHub's real config flow, checks that each camera serves a JPEG, prints the URL and the login,
and runs until Ctrl-C (or SIGTERM), which stops both. Options it does not know go to the
simulator (`python -m simulator --help`), e.g. `--intercoms 3 --fps 10`.

`.demo/` is kept between runs (users, entries, dashboards); the simulator's ports are fixed
(`--base-port`), so the entries stay valid. `--fresh` starts from nothing.
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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from . import config, dashboard
from .config import DOMAIN, ROOT, DemoPaths
from .flow import FlowOutcome, drive_flow
from .hass import HassApiError, HassClient, Login
from .procs import RESTART_EXIT_CODE, Child, DemoError, start_hass, start_simulator

DEFAULT_PORT = 8123
DEFAULT_BASE_PORT = 18000
HASS_START_TIMEOUT = 300.0  # a first start on a slow machine; usually 10-20 s
CAMERA_TIMEOUT = 30.0  # the longest the demo waits for entries and cameras to come up
CAMERA_GRACE = 3.0  # how long an available camera may fail to give a JPEG before it is reported
HASS_STOP_GRACE = 60.0  # Home Assistant usually stops in 2-3 s; SIGKILL after this
SIMULATOR_STOP_GRACE = 10.0
STILL_STOPPING_NOTICE = 10.0
TOKEN_NAME = "CamHub demo script"
LOGIN = Login()


def log(message: str) -> None:
    """A progress line on stderr."""
    print(f"demo: {message}", file=sys.stderr, flush=True)


def parse_args(argv: Sequence[str] | None = None) -> tuple[argparse.Namespace, list[str]]:
    """The demo's own options, and the rest (for the simulator)."""
    parser = argparse.ArgumentParser(
        prog="scripts/demo",
        allow_abbrev=False,
        description="Run Home Assistant with CamHub and simulated devices on 127.0.0.1.",
        epilog="Other options go to the simulator (see: .venv/bin/python -m simulator --help), "
        "e.g. --intercoms 3 --fps 10. Every family gets at least one device unless its count "
        "is given (--aipix 0 leaves AIPIX out).",
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"Home Assistant's port ({DEFAULT_PORT})"
    )
    parser.add_argument(
        "--fresh", action="store_true", help="wipe .demo/ first (new user, new entries)"
    )
    parser.add_argument(
        "--base-port",
        type=int,
        default=DEFAULT_BASE_PORT,
        metavar="P",
        help=f"the simulated devices' first port ({DEFAULT_BASE_PORT}; fixed, so entries "
        "stay valid across runs)",
    )
    parser.add_argument(
        "--dir",
        type=Path,
        default=ROOT / ".demo",
        metavar="DIR",
        help="the demo's folder (.demo): Home Assistant's configuration, logs, the token",
    )
    return parser.parse_known_args(argv)


@dataclass(frozen=True)
class SimFamily:
    """What the demo needs to know about one of the simulator's families: its count flag."""

    flag: str  # "--<flag> N"
    default: int


def simulator_families() -> list[SimFamily]:
    """The simulator's families, read from its command line definition."""
    from simulator.__main__ import FAMILIES  # noqa: PLC0415 - only the demo needs it

    return [SimFamily(family.flag, family.default) for family in FAMILIES]


def with_every_family(simulator_args: Sequence[str], families: Sequence[SimFamily]) -> list[str]:
    """The simulator's arguments, asking for one device of each family it starts none of.

    The demo shows every family: a family whose default count is 0 (AIPIX, for example) gets
    `--<flag> 1`, unless the command line already says how many (`--aipix 0` is respected).
    """
    args = list(simulator_args)
    for family in families:
        option = f"--{family.flag}"
        given = any(arg == option or arg.startswith(f"{option}=") for arg in args)
        if not given and family.default < 1:
            args += [option, "1"]
    return args


def port_in_use(port: int) -> bool:
    """Whether something already listens on 127.0.0.1:port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class DemoState:
    """What the demo remembers between runs (`.demo/state.json`, this user only)."""

    token: str | None = None  # a long-lived access token of the demo user
    entries: dict[str, str] = field(default_factory=dict)  # device_key -> entry_id

    @classmethod
    def load(cls, paths: DemoPaths) -> DemoState:
        """The stored state, or an empty one."""
        try:
            stored = json.loads(paths.state.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        if not isinstance(stored, dict):
            return cls()
        token = stored.get("token")
        entries = stored.get("entries")
        return cls(
            token if isinstance(token, str) and token else None,
            {str(k): str(v) for k, v in entries.items()} if isinstance(entries, dict) else {},
        )

    def save(self, paths: DemoPaths) -> None:
        """Write it (mode 0600: the token logs in as the demo's owner)."""
        paths.state.write_text(
            json.dumps({"token": self.token, "entries": self.entries}, indent=2), encoding="utf-8"
        )
        paths.state.chmod(0o600)


def device_key(device: Mapping[str, Any]) -> str:
    """A device's identity across runs: family and serial, else family and name."""
    ident = (
        device.get("serial") or device.get("name") or f"{device.get('host')}:{device.get('port')}"
    )
    return f"{device.get('family')}/{ident}"


def reconcile_entries(
    previous: Mapping[str, str],
    devices: Sequence[Mapping[str, Any]],
    outcomes: Sequence[FlowOutcome],
) -> tuple[dict[str, str], list[str]]:
    """Which entry belongs to which device now, and which entries the demo made are stale.

    An entry made on an earlier run is stale when its device is no longer simulated, or when
    this run created a new entry for the same device (its identity moved, e.g. to a new port).
    A device whose flow merely failed this time keeps its entry.
    """
    current: dict[str, str] = {}
    for device, outcome in zip(devices, outcomes, strict=True):
        key = device_key(device)
        if outcome.status == "created" and outcome.entry_id:
            current[key] = outcome.entry_id
        elif key in previous:
            current[key] = previous[key]
    kept = set(current.values())
    stale = [entry_id for entry_id in previous.values() if entry_id not in kept]
    return current, stale


def device_label(device: Mapping[str, Any]) -> str:
    """`Front door (intercom_2n at 127.0.0.1:18000)`."""
    where = f"{device.get('host')}:{device['port']}" if device.get("port") else device.get("host")
    return f"{device.get('name', '?')} ({device.get('family', '?')} at {where})"


def exit_text(code: int) -> str:
    """`exited (0)`, or `was killed (SIGKILL)` for a negative return code."""
    if code < 0:
        with contextlib.suppress(ValueError):
            return f"was killed ({signal.Signals(-code).name})"
    return f"exited ({code})"


@dataclass
class CameraReport:
    """One camera entity as the summary shows it."""

    entity_id: str
    state: str
    jpeg_bytes: int | None = None
    error: str | None = None
    supported_features: int = 0


@dataclass
class EntryReport:
    """One CamHub config entry and its cameras."""

    title: str
    state: str
    cameras: list[CameraReport] = field(default_factory=list)
    controls: list[str] = field(default_factory=list)  # its other enabled entities


def format_summary(
    url: str,
    login: Login,
    devices: Sequence[Mapping[str, Any]],
    outcomes: Sequence[FlowOutcome],
    entries: Sequence[EntryReport],
    paths: DemoPaths,
    elapsed: float,
) -> str:
    """What the person running the demo needs: where, who, what is live, where the logs are."""
    live = sum(1 for entry in entries for cam in entry.cameras if cam.jpeg_bytes)
    total = sum(len(entry.cameras) for entry in entries)
    lines = [
        "",
        f"CamHub demo is ready after {elapsed:.0f} s: {live} of {total} cameras serve pictures.",
        "",
        f"  Open     {url}",
        f"  Log in   {login.username} / {login.password}",
        "",
    ]
    width = max((len(cam.entity_id) for entry in entries for cam in entry.cameras), default=0)
    for entry in entries:
        lines.append(f"  {entry.title}  [{entry.state}]")
        for cam in entry.cameras:
            if cam.jpeg_bytes:
                status = f"{cam.state}, snapshot OK ({cam.jpeg_bytes / 1024:.0f} kB JPEG)"
            else:
                status = f"{cam.state}, no snapshot ({cam.error or 'no image'})"
            lines.append(f"    {cam.entity_id:<{width}}  {status}")
        if not entry.cameras:
            lines.append("    (no camera entities)")
    problems = [
        f"  ! {device_label(device)}: {outcome.describe()}"
        for device, outcome in zip(devices, outcomes, strict=True)
        if outcome.status == "failed"
        or (outcome.status == "aborted" and outcome.reason != "already_configured")
    ]
    if problems:
        lines += ["", "  Devices not added:", *problems]
    rel = {p: os.path.relpath(p, ROOT) for p in (paths.hass_log, paths.simulator_log)}
    lines += [
        "",
        f"  Logs     {rel[paths.hass_log]}  {rel[paths.simulator_log]}",
        "  Ctrl-C stops Home Assistant and the simulator.",
        "",
    ]
    return "\n".join(lines)


async def collect_entries(
    client: HassClient, patience: float = CAMERA_TIMEOUT, grace: float = CAMERA_GRACE
) -> list[EntryReport]:
    """CamHub's entries and their cameras, waiting (bounded) until each camera serves a JPEG.

    Cameras are checked at once. A camera that is unavailable is waited for until `patience`
    runs out; one that is available but gives no JPEG (a stream-only source, say) only for
    `grace` seconds, so it does not hold the demo up.
    """
    deadline = time.monotonic() + patience
    settling = {"not_loaded", "setup_in_progress"}
    while True:
        entries = await client.config_entries(DOMAIN)
        if not any(e.get("state") in settling for e in entries) or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.5)
    registry = await client.entity_registry()
    reports: list[EntryReport] = []
    checks = []
    for entry in entries:
        report = EntryReport(str(entry.get("title")), str(entry.get("state")))
        own = sorted(
            str(e["entity_id"])
            for e in registry
            if e.get("config_entry_id") == entry.get("entry_id") and not e.get("disabled_by")
        )
        cameras = [entity_id for entity_id in own if entity_id.startswith("camera.")]
        report.controls = [entity_id for entity_id in own if not entity_id.startswith("camera.")]
        checks += [(report, _check_camera(client, cam, deadline, grace)) for cam in cameras]
        reports.append(report)
    results = await asyncio.gather(*(check for _, check in checks))
    for (report, _), camera in zip(checks, results, strict=True):
        report.cameras.append(camera)
    return reports


async def _check_camera(
    client: HassClient, entity_id: str, deadline: float, grace: float
) -> CameraReport:
    failing_since: float | None = None
    while True:
        state = await client.state(entity_id)
        report = CameraReport(entity_id, str(state["state"]) if state else "missing")
        if state:
            features = state.get("attributes", {}).get("supported_features")
            report.supported_features = features if isinstance(features, int) else 0
        try:
            report.jpeg_bytes = len(await client.snapshot(entity_id))
        except HassApiError as err:
            report.error = f"HTTP {err.status}" if err.status else str(err)
        except aiohttp.ClientError as err:
            report.error = str(err) or type(err).__name__
        else:
            return report
        now = time.monotonic()
        if report.state in ("unavailable", "missing"):
            failing_since = None
        elif failing_since is None:
            failing_since = now
        if now > deadline or (failing_since is not None and now - failing_since >= grace):
            return report
        await asyncio.sleep(1)


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


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `python -m demo`."""
    args, simulator_args = parse_args(argv)
    return asyncio.run(amain(args, simulator_args))


if __name__ == "__main__":
    sys.exit(main())
