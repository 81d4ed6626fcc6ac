"""A real Home Assistant in its own process, and a REST/WebSocket client for it.

The benchmark talks to Home Assistant only the way a browser or a script would: onboarding
creates the owner and a token, config entries are created through the REST config-flow API
(so CamHub and the core cameras go through their real flows), and viewers read
`/api/camera_proxy_stream/` over real HTTP. CPU time is read from the process with psutil.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import aiohttp
import psutil  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / ".work"
CLIENT_ID = "http://127.0.0.1/"

CONFIGURATION = """\
homeassistant:
  name: CamHub benchmark
  latitude: 50.08
  longitude: 14.42
  elevation: 200
  unit_system: metric
  time_zone: UTC
  country: CZ
  currency: EUR
http:
  server_host: 127.0.0.1
  server_port: {port}
api:
config:
onboarding:
websocket_api:
camhub_bench:
logger:
  default: warning
"""


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class HomeAssistantProcess:
    """`python -m homeassistant -c <dir> --skip-pip` with CamHub and the benchmark probe."""

    def __init__(self, name: str = "ha") -> None:
        self.port = free_port()
        self.config_dir = WORK / f"{name}-{os.getpid()}"
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self.ps: psutil.Process | None = None
        self.started_in = 0.0  # seconds until the HTTP API answered

    def prepare(self) -> None:
        """A fresh config directory with CamHub and the probe linked in."""
        shutil.rmtree(self.config_dir, ignore_errors=True)
        custom = self.config_dir / "custom_components"
        custom.mkdir(parents=True)
        (self.config_dir / "configuration.yaml").write_text(CONFIGURATION.format(port=self.port))
        (custom / "camhub").symlink_to(ROOT / "custom_components" / "camhub")
        (custom / "camhub_bench").symlink_to(ROOT / "benchmarks" / "ha_probe" / "camhub_bench")

    async def start(self, limit: float = 120.0) -> None:
        """Start and wait until the HTTP API answers."""
        self.prepare()
        log = (self.config_dir / "stdout.log").open("wb")
        self.proc = subprocess.Popen(  # noqa: ASYNC220 - started once, waited for below
            [sys.executable, "-m", "homeassistant", "-c", str(self.config_dir), "--skip-pip"],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=self.config_dir,
        )
        self.ps = psutil.Process(self.proc.pid)
        started = time.monotonic()
        deadline = started + limit
        async with aiohttp.ClientSession() as session:
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"Home Assistant exited; see {self.config_dir}")
                try:
                    async with session.get(f"{self.url}/api/onboarding") as resp:
                        if resp.status == 200:
                            self.started_in = time.monotonic() - started
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.25)
        raise TimeoutError("Home Assistant did not start")

    def cpu_seconds(self) -> float:
        """User + system CPU time of the Home Assistant process so far."""
        assert self.ps is not None
        times = self.ps.cpu_times()
        return float(times.user + times.system)

    def rss(self) -> int:
        """Resident memory of the process (bytes)."""
        assert self.ps is not None
        return int(self.ps.memory_info().rss)

    def stop(self) -> None:
        """Stop (SIGTERM, then kill) and remove the config directory.

        If Home Assistant had already exited, its exit status and the end of its log go to
        stderr first: the directory, and with it the log, is about to go.
        """
        if self.proc is not None and self.proc.poll() is not None:
            log = self.config_dir / "stdout.log"
            tail = log.read_text(errors="replace")[-4000:] if log.exists() else ""
            print(
                f"Home Assistant exited early with status {self.proc.returncode}:\n{tail}",
                file=sys.stderr,
            )
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        log = self.config_dir / "stdout.log"
        if log.exists():  # the last run's log survives its directory, for a post-mortem
            shutil.copyfile(log, WORK / "last-home-assistant.log")
        shutil.rmtree(self.config_dir, ignore_errors=True)


class FlowError(RuntimeError):
    """A config or options flow did not end as expected."""


class HomeAssistantClient:
    """Just the REST and WebSocket calls the benchmark needs."""

    def __init__(self, url: str, session: aiohttp.ClientSession) -> None:
        self.url = url
        self.session = session
        self.token = ""
        self._ws_id = 0

    @property
    def headers(self) -> dict[str, str]:
        """Authorization for REST calls."""
        return {"Authorization": f"Bearer {self.token}"}

    async def onboard(self) -> None:
        """Create the owner, log in, and keep a long-lived token."""
        user = {
            "client_id": CLIENT_ID,
            "name": "Benchmark",
            "username": "bench",
            "password": "bench-password",
            "language": "en",
        }
        async with self.session.post(f"{self.url}/api/onboarding/users", json=user) as resp:
            resp.raise_for_status()
            code = (await resp.json())["auth_code"]
        form = {"grant_type": "authorization_code", "code": code, "client_id": CLIENT_ID}
        async with self.session.post(f"{self.url}/auth/token", data=form) as resp:
            resp.raise_for_status()
            self.token = (await resp.json())["access_token"]
        self.token = await self.ws_call(
            {"type": "auth/long_lived_access_token", "client_name": "bench", "lifespan": 30}
        )
        # Home Assistant (2026.10+) moves the YAML `http:` settings to storage as a pending
        # config on trial: unless promoted, it reverts and restarts the HTTP server after
        # five minutes, in the middle of a measurement.
        if (await self.ws_call({"type": "http/config"})).get("pending") is not None:
            await self.ws_call({"type": "http/config/promote"})

    async def ws_call(self, message: Mapping[str, Any]) -> Any:
        """One WebSocket command on a fresh connection; its result."""
        async with self.session.ws_connect(f"{self.url}/api/websocket") as ws:
            await ws.receive_json()  # auth_required
            await ws.send_json({"type": "auth", "access_token": self.token})
            if (await ws.receive_json())["type"] != "auth_ok":
                raise FlowError("websocket auth failed")
            await ws.send_json({"id": 1, **message})
            while True:
                reply = await ws.receive_json()
                if reply.get("id") == 1 and reply["type"] == "result":
                    if not reply["success"]:
                        raise FlowError(str(reply.get("error")))
                    return reply["result"]

    async def post(self, path: str, body: Mapping[str, Any]) -> Any:
        """POST JSON, answer JSON (raise on HTTP errors)."""
        async with self.session.post(f"{self.url}{path}", json=body, headers=self.headers) as r:
            text = await r.text()
            if r.status >= 400:
                raise FlowError(f"POST {path}: HTTP {r.status} {text[:300]}")
            return json.loads(text)

    async def get(self, path: str) -> Any:
        """GET JSON."""
        async with self.session.get(f"{self.url}{path}", headers=self.headers) as r:
            r.raise_for_status()
            return await r.json()

    async def run_flow(
        self, handler: str, steps: Mapping[str, Mapping[str, Any]], *, options: bool = False
    ) -> dict[str, Any]:
        """Drive a config (or options) flow, answering each step from `steps` by step_id."""
        base = "/api/config/config_entries/" + ("options/flow" if options else "flow")
        result = await self.post(base, {"handler": handler, "show_advanced_options": True})
        for _ in range(10):
            if result["type"] == "create_entry":
                return dict(result)
            if result["type"] != "form" or result["step_id"] not in steps:
                raise FlowError(f"{handler}: unexpected {result}")
            if result.get("errors"):
                raise FlowError(f"{handler}: errors {result['errors']}")
            result = await self.post(f"{base}/{result['flow_id']}", steps[result["step_id"]])
        raise FlowError(f"{handler}: too many steps")

    async def cpu_seconds(self) -> float:
        """CPU seconds of the Home Assistant process, from inside it (the probe)."""
        return float((await self.get("/api/camhub_bench/cpu"))["cpu"])

    async def entities_of(self, entry_id: str) -> list[str]:
        """Entity ids of one config entry (from the entity registry)."""
        entities = await self.ws_call({"type": "config/entity_registry/list"})
        return [e["entity_id"] for e in entities if e.get("config_entry_id") == entry_id]

    async def entries(self, domain: str) -> list[dict[str, Any]]:
        """Config entries of a domain."""
        return list(await self.get(f"/api/config/config_entries/entry?domain={domain}"))

    async def state(self, entity_id: str) -> dict[str, Any]:
        """The current state object of an entity."""
        return dict(await self.get(f"/api/states/{entity_id}"))
