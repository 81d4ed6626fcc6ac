"""What the benchmark ran on, and how busy the machine was meanwhile.

The machine may be shared, so every scenario records the load average and how the CPU time
of the whole machine split between Home Assistant, the simulator, the benchmark itself and
everything else (other users' work), from `/proc/stat` and psutil.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import platform
import subprocess
import time
from dataclasses import dataclass, field
from typing import Any

import psutil  # type: ignore[import-untyped]

from .ha import ROOT


def _version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        )
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() + (" + uncommitted changes" if dirty.stdout.strip() else "")


def machine_info() -> dict[str, Any]:
    """Machine, operating system and versions of everything measured."""
    manifest = json.loads(
        (ROOT / "custom_components" / "camhub" / "manifest.json").read_text(encoding="utf-8")
    )
    return {
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "homeassistant": _version("homeassistant"),
        "aiohttp": _version("aiohttp"),
        "httpx": _version("httpx"),
        "camhub": manifest.get("version"),
        "commit": _git_commit(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def _busy_seconds() -> float:
    times = psutil.cpu_times()
    return float(times.user + times.nice + times.system + times.irq + times.softirq)


@dataclass
class LoadMeter:
    """CPU of the whole machine and of the watched processes between begin() and end()."""

    processes: dict[str, psutil.Process] = field(default_factory=dict)
    _marks: dict[str, tuple[float, float, dict[str, float]]] = field(default_factory=dict)

    def watch(self, pid: int | None, name: str) -> None:
        """Account a process's CPU time separately."""
        if pid is not None:
            self.processes[name] = psutil.Process(pid)

    def _process_cpu(self) -> dict[str, float]:
        cpu: dict[str, float] = {}
        for name, proc in self.processes.items():
            try:
                times = proc.cpu_times()
                cpu[name] = float(times.user + times.system)
                # children: Home Assistant's executor threads are threads, not children
            except psutil.Error:
                cpu[name] = 0.0
        return cpu

    def begin(self, name: str) -> None:
        """Start a window."""
        self._marks[name] = (time.monotonic(), _busy_seconds(), self._process_cpu())

    def end(self, name: str) -> dict[str, Any]:
        """The window's load: load averages, and cores used by whom."""
        started, busy0, procs0 = self._marks.pop(name)
        wall = max(time.monotonic() - started, 1e-9)
        busy = _busy_seconds() - busy0
        procs1 = self._process_cpu()
        ours = {n: (procs1.get(n, 0.0) - procs0.get(n, 0.0)) for n in procs1}
        cores = os.cpu_count() or 1
        return {
            "load_average": [round(x, 2) for x in os.getloadavg()],
            "cores_busy": round(busy / wall, 2),
            "cores": cores,
            "cores_busy_by": {n: round(v / wall, 2) for n, v in ours.items()},
            "cores_busy_others": round(max(0.0, busy - sum(ours.values())) / wall, 2),
        }
