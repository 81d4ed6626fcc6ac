"""The simulator and Home Assistant as child processes that never outlive the demo.

Each child gets its own session, so a Ctrl-C in the terminal reaches only the demo, which then
stops Home Assistant first (while its devices still answer) and the simulator second, each with
SIGTERM and, after a grace period, SIGKILL. On Linux each child also asks the kernel for SIGTERM
if the demo itself dies (even by SIGKILL), so nothing is left behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import json
import signal
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Any

from .config import ROOT

RESTART_EXIT_CODE = 100  # Home Assistant's "restart me" (Settings -> Restart)
_PR_SET_PDEATHSIG = 1

_LIBC: ctypes.CDLL | None = None
if sys.platform == "linux":
    with contextlib.suppress(OSError):
        _LIBC = ctypes.CDLL(None, use_errno=True)


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    if _LIBC is not None:
        _LIBC.prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM))


class DemoError(Exception):
    """Something the person running the demo must know about; the demo stops."""


class Child:
    """One child process with a name (for messages) and a log file."""

    def __init__(self, name: str, proc: asyncio.subprocess.Process, log: Path) -> None:
        """Wrap a started process."""
        self.name = name
        self.proc = proc
        self.log = log
        self.tasks: set[asyncio.Task[None]] = set()

    @property
    def running(self) -> bool:
        """Whether the process has not exited yet."""
        return self.proc.returncode is None

    async def stop(self, grace: float) -> int:
        """SIGTERM, wait up to `grace` seconds, then SIGKILL; the exit code."""
        if self.running:
            with contextlib.suppress(ProcessLookupError):
                self.proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.proc.wait(), grace)
            except TimeoutError:
                self.kill()
        return await self.proc.wait()

    def kill(self) -> None:
        """SIGKILL now."""
        with contextlib.suppress(ProcessLookupError):
            self.proc.kill()

    def log_tail(self, lines: int = 25) -> str:
        """The end of the child's log, for an error message."""
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


async def _spawn(args: Sequence[str], stdout: int | IO[Any], stderr: IO[Any]) -> Any:
    return await asyncio.create_subprocess_exec(
        *args,
        cwd=ROOT,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=stdout,
        stderr=stderr,
        start_new_session=True,
        preexec_fn=_die_with_parent,
    )


def parse_device_line(line: str) -> dict[str, Any] | None:
    """One simulator line -> the device it describes, or None for anything else."""
    line = line.strip()
    if not line.startswith("{"):
        return None
    try:
        device = json.loads(line)
    except ValueError:
        return None
    if not isinstance(device, dict) or not device.get("host"):
        return None
    return device


def parse_device_lines(lines: Iterable[str]) -> list[dict[str, Any]]:
    """The devices announced before READY (a whole output, for tests and tools)."""
    devices = []
    for line in lines:
        if line.strip() == "READY":
            break
        if (device := parse_device_line(line)) is not None:
            devices.append(device)
    return devices


async def start_simulator(
    args: Sequence[str], log: Path, ready_within: float = 60.0
) -> tuple[Child, list[dict[str, Any]]]:
    """`python -m simulator ARGS`; its devices once it says READY."""
    with log.open("ab") as stderr:
        proc = await _spawn(
            [sys.executable, "-u", "-m", "simulator", *args], asyncio.subprocess.PIPE, stderr
        )
    child = Child("simulator", proc, log)
    assert proc.stdout is not None
    devices: list[dict[str, Any]] = []
    try:
        async with asyncio.timeout(ready_within):
            while True:
                raw = await proc.stdout.readline()
                if not raw:
                    code = await proc.wait()
                    tail = child.log_tail()
                    hint = (
                        "\na port it needs is taken (another demo still running? try another "
                        "--base-port)"
                        if "address already in use" in tail
                        else ""
                    )
                    raise DemoError(f"the simulator exited ({code}) before READY:\n{tail}{hint}")
                line = raw.decode(errors="replace")
                if line.strip() == "READY":
                    break
                if (device := parse_device_line(line)) is not None:
                    devices.append(device)
    except BaseException:
        await child.stop(5)
        raise
    # Anything it prints later goes to its log, so a full pipe can never block it.
    child.tasks.add(asyncio.get_running_loop().create_task(_drain(proc.stdout, log)))
    return child, devices


async def _drain(stream: asyncio.StreamReader, log: Path) -> None:
    while line := await stream.readline():
        with log.open("ab") as out:
            out.write(line)


def hass_command(config_dir: Path, python: str = sys.executable) -> list[str]:
    """`.venv/bin/hass -c DIR` (the venv's own `hass`, else `python -m homeassistant`).

    `--skip-pip`: Home Assistant never installs packages at run time here; what the demo's
    configuration needs is pinned and installed by scripts/setup.
    """
    hass = Path(python).with_name("hass")
    start = [str(hass)] if hass.is_file() else [python, "-m", "homeassistant"]
    return [*start, "-c", str(config_dir), "--skip-pip", "--log-no-color"]


async def start_hass(config_dir: Path, console_log: Path) -> Child:
    """Home Assistant on the demo's folder."""
    with console_log.open("ab") as out:
        proc = await _spawn(hass_command(config_dir), out, out)
    return Child("Home Assistant", proc, console_log)
