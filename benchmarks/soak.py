"""Soak: a real Home Assistant with one CamHub entry per family, under faults, for minutes.

    .venv/bin/python -m benchmarks.soak [--minutes 10] [--viewers 20] [--out benchmarks/soak]

Not a test: it runs for a configurable time (default 10 minutes) and writes a report
(`<out>.json` and `<out>.md`). What it does:

- the simulator runs in this process (so faults and events are injected directly), Home
  Assistant in its own process (`benchmarks/ha.py`), every entry made through the real
  config flow;
- `--viewers` MJPEG viewers spread over the MJPEG cameras of all five families, each reading
  `/api/camera_proxy_stream/` from start to end (a viewer never reconnects: its one response
  must survive every fault);
- events at a steady rate: the Axis camera's "Sunday mass" broadcast toggles once a second,
  each toggle numbered; Home Assistant's `state_changed` events for its switch are read over
  the WebSocket API. A toggle sent while the camera's event socket was connected must show as
  a state change within 0.9 s, otherwise it counts as lost;
- every `--fault-every` seconds one fault on one device, in rotation: restart (down 2 s),
  dropped event sockets, 3 s of HTTP 500, 3 s of 2 s latency, 3 s of malformed bodies;
- memory (RSS) of Home Assistant every 30 s, its tasks and sockets after warm-up and at the
  end, frames per viewer, and every warning/error line of Home Assistant's log;
- at the end the viewers leave and the entries are unloaded: no CamHub task and no socket to
  a simulated device may be left (counted once the shared session's idle keep-alive
  connections have expired), nor an open stream on a device.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import random
import re
import shutil
import sys
import time
from collections import Counter
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import psutil  # type: ignore[import-untyped]

from demo.flow import Result, drive_flow
from simulator import AxisCamera, SimCamera, SimDevice, SimOakCamera, Simulator

from .ha import FlowError, HomeAssistantClient, HomeAssistantProcess
from .viewer import Viewer

WARM_UP = 60.0  # seconds before the baseline is taken (caches, first reconnects)
SAMPLE_EVERY = 30.0
EVENT_EVERY = 1.0
EVENT_WINDOW = 0.9  # a pushed change must show within this
STREAM = "11"  # the Axis stream that toggles
WORK_LOG = Path(__file__).parent / ".work" / "soak-home-assistant.log"  # ignored by git


@dataclass
class Toggle:
    """One numbered event the camera sent."""

    seq: int
    at: float
    enabled: bool
    connected: bool  # the camera had an authorised event socket when it sent it


@dataclass
class Report:
    """Everything the soak measured (written as JSON and Markdown)."""

    minutes: float
    viewers: int
    entries: dict[str, str] = field(default_factory=dict)
    rss_mb: list[tuple[float, float]] = field(default_factory=list)
    baseline: dict[str, Any] = field(default_factory=dict)
    end: dict[str, Any] = field(default_factory=dict)
    after_unload: dict[str, Any] = field(default_factory=dict)
    faults: Counter[str] = field(default_factory=Counter)
    events_sent: int = 0
    events_sent_connected: int = 0
    state_changes_seen: int = 0
    events_lost_connected: list[int] = field(default_factory=list)
    frames: dict[str, list[int]] = field(default_factory=dict)
    viewer_errors: list[str] = field(default_factory=list)
    log_lines: Counter[str] = field(default_factory=Counter)


class FlowClient:
    """`demo.flow.FlowApi` over the benchmark's REST client."""

    def __init__(self, client: HomeAssistantClient) -> None:
        self.client = client
        self.base = "/api/config/config_entries/flow"

    async def flow_start(self, handler: str) -> Result:
        """Start a flow."""
        return dict(await self.client.post(self.base, {"handler": handler}))

    async def flow_submit(self, flow_id: str, data: Any) -> Result:
        """Answer a step."""
        return dict(await self.client.post(f"{self.base}/{flow_id}", dict(data)))

    async def flow_get(self, flow_id: str) -> Result:
        """Read a step."""
        return dict(await self.client.get(f"{self.base}/{flow_id}"))

    async def flow_abort(self, flow_id: str) -> None:
        """Abort (nothing to do here: a failed soak flow ends the run)."""


async def add_devices(sim: Simulator) -> dict[str, SimDevice]:
    """One device of each family."""
    return {
        "intercom_2n": await sim.add_intercom_2n(name="Soak door", serial="54-0000-5001"),
        "camstreamer": await sim.add_axis_camera(serial="ACCC8E005001", name="Soak axis"),
        "oak": await sim.add_oak(cameras=[SimOakCamera("18443010D1E8AB5001", name="OAK-D-PRO")]),
        "liveview": await sim.add_liveview(cameras=[SimCamera("D10F60145001")]),
        "aipix": await sim.add_aipix(name="Soak VMS"),
    }


def sockets_to(pid: int, ports: set[int]) -> int:
    """TCP connections of the Home Assistant process to the simulated devices."""
    conns = psutil.Process(pid).net_connections(kind="tcp")
    return sum(1 for c in conns if c.raddr and c.raddr.port in ports and c.status != "TIME_WAIT")


class Soak:
    """One run; `run()` returns the report."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.report = Report(minutes=args.minutes, viewers=args.viewers)
        self.toggles: list[Toggle] = []
        self.changes: list[tuple[float, bool]] = []
        self.ha = HomeAssistantProcess("soak")
        self.stop = asyncio.Event()

    async def run(self) -> Report:
        """Start everything, soak, measure, tear down."""
        async with Simulator(fps=10) as sim, aiohttp.ClientSession() as session:
            devices = await add_devices(sim)
            await self.ha.start()
            try:
                await self._soak(session, devices)
            finally:
                log = self.ha.config_dir / "home-assistant.log"
                if log.exists():  # kept for reading (the config folder goes with stop())
                    shutil.copy(log, WORK_LOG)
                await asyncio.to_thread(self.ha.stop)
        return self.report

    async def _soak(self, session: aiohttp.ClientSession, devices: dict[str, SimDevice]) -> None:
        client = HomeAssistantClient(self.ha.url, session)
        await client.onboard()
        # Home Assistant 2026.10 tries the YAML `http:` settings as a pending config and, unless
        # it is confirmed, restarts itself after 5 minutes to revert it: confirm it.
        with contextlib.suppress(FlowError):
            await client.ws_call({"type": "http/config/promote"})
        for family, device in devices.items():
            outcome = await drive_flow(FlowClient(client), "camhub", device.describe())
            if outcome.status != "created" or outcome.entry_id is None:
                raise RuntimeError(f"{family}: {outcome.describe()}")
            self.report.entries[family] = outcome.entry_id
        await asyncio.sleep(5)
        cameras = await self._mjpeg_cameras(client)
        switch = await self._switch(client, self.report.entries["camstreamer"])
        viewers = [
            Viewer(f"{self.ha.url}/api/camera_proxy_stream/{cam}", dict(client.headers))
            for cam in itertools.islice(itertools.cycle(cameras), self.args.viewers)
        ]
        ports = {d.port for d in devices.values()}
        tasks = [asyncio.create_task(v.run(session)) for v in viewers]
        tasks.append(asyncio.create_task(self._watch(client, switch)))
        tasks.append(asyncio.create_task(self._events(devices["camstreamer"])))
        tasks.append(asyncio.create_task(self._faults(devices)))
        tasks.append(asyncio.create_task(self._sample_rss()))
        await asyncio.sleep(WARM_UP)
        self.report.baseline = await self._figures(client, ports)
        await asyncio.sleep(max(0.0, self.args.minutes * 60 - WARM_UP))
        self.stop.set()
        await asyncio.sleep(10)  # the last fault recovers
        self.report.end = await self._figures(client, ports)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._summarise(viewers)
        await asyncio.sleep(8)  # FrameHub grace after the last viewer left
        await client.post(
            "/api/camhub_bench/entries",
            {"action": "unload", "entry_ids": list(self.report.entries.values())},
        )
        # Idle keep-alive connections of Home Assistant's shared HTTP session close after 15 s.
        await asyncio.sleep(20)
        self.report.after_unload = await self._figures(client, ports)
        self.report.after_unload["device_open_streams"] = {
            f: d.stats.open_streams for f, d in devices.items()
        }
        self._read_log()

    async def _mjpeg_cameras(self, client: HomeAssistantClient) -> list[str]:
        """One MJPEG camera (no RTSP-only source) per family, in entry order."""
        found = []
        for entry_id in self.report.entries.values():
            cams = sorted(e for e in await client.entities_of(entry_id) if e.startswith("camera."))
            mjpeg = [c for c in cams if "output" not in c]
            if mjpeg:
                found.append(mjpeg[0])
        return found

    async def _switch(self, client: HomeAssistantClient, entry_id: str) -> str:
        entities = await client.entities_of(entry_id)
        return next(e for e in entities if e.endswith("sunday_mass_broadcast"))

    async def _watch(self, client: HomeAssistantClient, entity_id: str) -> None:
        """Record every state change of the toggling switch (Home Assistant's WebSocket)."""
        async with client.session.ws_connect(f"{self.ha.url}/api/websocket") as ws:
            await ws.receive_json()
            await ws.send_json({"type": "auth", "access_token": client.token})
            await ws.receive_json()
            await ws.send_json(
                {"id": 1, "type": "subscribe_trigger",
                 "trigger": {"platform": "state", "entity_id": entity_id}}
            )  # fmt: skip
            async for msg in ws:
                data = json.loads(msg.data)
                if data.get("type") != "event":
                    continue
                to_state = data["event"]["variables"]["trigger"]["to_state"]
                if to_state and to_state["state"] in ("on", "off"):
                    self.changes.append((time.monotonic(), to_state["state"] == "on"))

    async def _events(self, camera: SimDevice) -> None:
        """Toggle the stream once a second, numbered, noting whether a socket listened."""
        assert isinstance(camera, AxisCamera)
        for seq in itertools.count(1):
            await asyncio.sleep(EVENT_EVERY)
            if self.stop.is_set():
                return
            enabled = not camera.streams[STREAM].enabled
            connected = bool(camera.sockets["camstreamer"]) and camera.running
            camera.set_stream_enabled(STREAM, enabled)
            self.toggles.append(Toggle(seq, time.monotonic(), enabled, connected))

    async def _faults(self, devices: dict[str, SimDevice]) -> None:
        """One fault every few seconds, rotating over devices and kinds."""
        kinds: list[tuple[str, Callable[[SimDevice], Coroutine[Any, Any, None]]]] = [
            ("restart", lambda d: d.restart(down_for=2.0)),
            ("drop_event_sockets", _drop_sockets),
            ("http_500", lambda d: _for_a_while(d, "status", 500)),
            ("latency", lambda d: _for_a_while(d, "latency", 2.0)),
            ("malformed", lambda d: _for_a_while(d, "malformed", True)),
        ]
        rng = random.Random(15)
        names = list(devices)
        for n in itertools.count():
            await asyncio.sleep(self.args.fault_every)
            if self.stop.is_set():
                return
            family = names[n % len(names)]
            kind, inject = kinds[(n // len(names) + rng.randrange(2)) % len(kinds)]
            self.report.faults[f"{family} {kind}"] += 1
            await inject(devices[family])

    async def _sample_rss(self) -> None:
        started = time.monotonic()
        assert self.ha.proc is not None
        while True:
            if (code := self.ha.proc.poll()) is not None:
                raise RuntimeError(f"Home Assistant exited with {code}; see {WORK_LOG}")
            rss = self.ha.rss() / 2**20
            self.report.rss_mb.append((round(time.monotonic() - started), round(rss, 1)))
            await asyncio.sleep(SAMPLE_EVERY)

    async def _figures(self, client: HomeAssistantClient, ports: set[int]) -> dict[str, Any]:
        assert self.ha.proc is not None
        tasks = await client.get("/api/camhub_bench/tasks")
        return {
            "rss_mb": round(self.ha.rss() / 2**20, 1),
            "tasks_total": tasks["total"],
            "tasks_camhub": len(tasks["camhub"]),
            "camhub_task_names": dict(Counter(re.sub(r"\d+", "N", n) for n in tasks["camhub"])),
            "sockets_to_devices": sockets_to(self.ha.proc.pid, ports),
        }

    def _summarise(self, viewers: list[Viewer]) -> None:
        r = self.report
        r.events_sent = len(self.toggles)
        r.state_changes_seen = len(self.changes)
        for toggle in self.toggles:
            if not toggle.connected:
                continue
            r.events_sent_connected += 1
            end = toggle.at + EVENT_WINDOW
            seen = any(toggle.at <= t <= end and on == toggle.enabled for t, on in self.changes)
            if not seen:
                r.events_lost_connected.append(toggle.seq)
        for viewer in viewers:
            r.frames.setdefault(viewer.url.rsplit("/", 1)[1], []).append(len(viewer.arrivals))
            if viewer.error:
                r.viewer_errors.append(viewer.error)

    def _read_log(self) -> None:
        log = self.ha.config_dir / "home-assistant.log"
        if not log.exists():
            return
        for line in log.read_text(errors="replace").splitlines():
            match = re.match(r"\S+ \S+ (WARNING|ERROR|CRITICAL) \(\S+\) \[([\w.]+)\] (.*)", line)
            if match:
                text = re.sub(r"\d+(\.\d+)?", "N", match[3])[:140]
                self.report.log_lines[f"{match[1]} [{match[2]}] {text}"] += 1


async def _drop_sockets(device: SimDevice) -> None:
    if isinstance(device, AxisCamera):
        await device.drop_event_sockets()
    else:
        await device.restart(down_for=0.5)


async def _for_a_while(device: SimDevice, name: str, value: object) -> None:
    setattr(device.faults, name, value)
    await asyncio.sleep(3.0)
    device.faults.clear()


def write(report: Report, out: Path) -> None:
    """`<out>.json` and a Markdown summary `<out>.md`."""
    data = {k: dict(v) if isinstance(v, Counter) else v for k, v in vars(report).items()}
    out.with_suffix(".json").write_text(json.dumps(data, indent=1, default=str) + "\n")
    out.with_suffix(".md").write_text(markdown(report))


def markdown(r: Report) -> str:
    """The report as the README quotes it."""
    growth = (r.end["rss_mb"] - r.baseline["rss_mb"]) / r.baseline["rss_mb"] * 100
    frames = [n for counts in r.frames.values() for n in counts]
    lines = [
        f"# Soak: {r.minutes:g} minutes, {r.viewers} MJPEG viewers, one entry per family",
        "",
        "| figure | after warm-up (60 s) | end | after unload |",
        "|---|---|---|---|",
        f"| Home Assistant RSS (MB) | {r.baseline['rss_mb']} | {r.end['rss_mb']} "
        f"({growth:+.1f} %) | {r.after_unload['rss_mb']} |",
        f"| asyncio tasks (all) | {r.baseline['tasks_total']} | {r.end['tasks_total']} "
        f"| {r.after_unload['tasks_total']} |",
        f"| CamHub tasks | {r.baseline['tasks_camhub']} | {r.end['tasks_camhub']} "
        f"| {r.after_unload['tasks_camhub']} |",
        f"| sockets to the devices | {r.baseline['sockets_to_devices']} "
        f"| {r.end['sockets_to_devices']} | {r.after_unload['sockets_to_devices']} |",
        "",
        f"- Events sent: {r.events_sent} ({r.events_sent_connected} while the event socket "
        f"was connected); state changes seen: {r.state_changes_seen}; lost while connected: "
        f"{len(r.events_lost_connected)} {r.events_lost_connected[:20]}",
        f"- Faults injected: {sum(r.faults.values())} ({', '.join(sorted(r.faults))})",
        f"- Frames per viewer: min {min(frames, default=0)}, max {max(frames, default=0)}; "
        f"by camera: {json.dumps(r.frames)}",
        f"- Viewers whose response ended: {len(r.viewer_errors)} {r.viewer_errors[:5]}",
        f"- Device streams open after unload: {r.after_unload.get('device_open_streams')}",
        f"- RSS samples (s, MB): {r.rss_mb}",
        "",
        "## Warnings and errors logged by Home Assistant (count, digits as N)",
        "",
        *(f"- {n} x `{line}`" for line, n in r.log_lines.most_common()),
        "",
    ]
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--viewers", type=int, default=20)
    parser.add_argument("--fault-every", type=float, default=8.0, help="seconds")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/soak"))
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run and write the report; exit 1 if a target was missed."""
    args = parse_args(argv)
    report = asyncio.run(Soak(args).run())
    write(report, args.out)
    print(args.out.with_suffix(".md").read_text())
    growth = (report.end["rss_mb"] - report.baseline["rss_mb"]) / report.baseline["rss_mb"]
    leaked = report.after_unload["tasks_camhub"] or report.after_unload["sockets_to_devices"]
    return 1 if growth >= 0.05 or leaked or report.events_lost_connected else 0


if __name__ == "__main__":
    sys.exit(main())
