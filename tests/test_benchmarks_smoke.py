"""Smoke test: the benchmark command runs end to end at its smallest size.

It starts a real Home Assistant and the simulator in subprocesses (127.0.0.1 only) and checks
that every scenario produced its section and the JSON parses. It never asserts a timing:
figures on a shared machine are the benchmark's business, not the test suite's.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.timeout(110)
def test_benchmark_runs_at_smallest_size(tmp_path: Path) -> None:
    args = [
        sys.executable,
        "-m",
        "benchmarks",
        "--viewers=1",
        "--warmup=0.5",
        "--duration=1",
        "--snapshots=1",
        "--changes=4",
        "--intercoms=1",
        "--idle=1",
        "--axis-size=4,3,4",
        "--no-basic",
        f"--out={tmp_path}",
    ]
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=100, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads((tmp_path / "results.json").read_text())
    assert set(results["scenarios"]) == {"fanout", "snapshot", "events", "scale"}
    for name in ("fanout", "snapshot", "scale"):
        assert "missing" not in results[name], results[name]
    assert {p["integration"] for p in results["fanout"]["phases"]} >= {"camhub", "mjpeg"}
    wake = results["fanout"]["wake_floor"]
    assert wake["asyncio_wake_ms"] > 0 and wake["epoll_wake_ms"] > 0
    assert wake["home_assistant_wake_ms"] > 0
    markdown = (tmp_path / "results.md").read_text()
    assert "Waking an idle asyncio loop" in markdown
    assert "on Home Assistant's own loop" in markdown
    for title in ("1. MJPEG fan-out", "2. Event to state", "3. Snapshot", "4. Scale", "Machine"):
        assert f"## {title}" in markdown


@pytest.mark.timeout(110)
def test_intercom_benchmark_through_home_assistant_runs(tmp_path: Path) -> None:
    """`benchmarks.intercom_ha` at its smallest: a real Home Assistant sees every ring."""
    out = tmp_path / "intercom_ha.json"
    args = [sys.executable, "-m", "benchmarks.intercom_ha", "--rings=2", "--spacing=0.2"]
    args += ["--idle=1", f"--out={out}"]
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=100, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(out.read_text())
    assert results["ring_events"] == 2
    assert set(results["state_changed"]) == {"p50_ms", "p95_ms", "max_ms"}
