"""The benchmark's world: the simulator process, Home Assistant, and the entries on both.

`BenchEnv` starts the simulator (`benchmarks.simproc`) and Home Assistant as subprocesses,
onboards, and creates config entries through the real config flows: CamHub for a simulated
2N intercom, and the anchors Home Assistant ships, the core `mjpeg` camera (MJPEG URL + still
URL, Digest) and the core `generic` camera (still URL, Digest), on the very same device.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

import aiohttp

from .ha import ROOT, HomeAssistantClient, HomeAssistantProcess

WIDTH, HEIGHT, FPS = 640, 480, 15


@dataclass(frozen=True, slots=True)
class SimDeviceInfo:
    """A simulated device as the simulator process describes it."""

    name: str
    family: str
    port: int
    username: str
    password: str
    raw: dict[str, Any]

    @property
    def base(self) -> str:
        """Base URL."""
        return f"http://127.0.0.1:{self.port}"

    def snapshot_url(self, *, fps: int | None = None) -> str:
        """The 2N still (or, with fps, MJPEG) URL at the benchmark's resolution."""
        url = f"{self.base}/api/camera/snapshot?width={WIDTH}&height={HEIGHT}&source=internal"
        return f"{url}&fps={fps}" if fps else url


@dataclass(frozen=True, slots=True)
class Camera:
    """A camera entity created for the benchmark."""

    entry_id: str
    entity_id: str


class SimProcess:
    """`python -m benchmarks.simproc` and its control API."""

    def __init__(self, intercoms: int, extra: list[str] | None = None) -> None:
        self.args = ["--intercoms", str(intercoms), *(extra or [])]
        self.proc: asyncio.subprocess.Process | None = None
        self.control = ""
        self.devices: list[SimDeviceInfo] = []
        self.session: aiohttp.ClientSession | None = None

    async def start(self, session: aiohttp.ClientSession) -> None:
        """Start the process and read its JSON line."""
        self.session = session
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "benchmarks.simproc",
            *self.args,
            cwd=ROOT,
            stdout=subprocess.PIPE,
        )
        assert self.proc.stdout is not None
        line = await asyncio.wait_for(self.proc.stdout.readline(), 60)
        if not line:
            raise RuntimeError("the simulator process did not start")
        info = json.loads(line)
        self.control = f"http://127.0.0.1:{info['control']}"
        self.devices = [
            SimDeviceInfo(d["name"], d["family"], d["port"], d["username"], d["password"], d)
            for d in info["devices"]
        ]

    async def stop(self) -> None:
        """Terminate the process."""
        if self.proc is not None and self.proc.returncode is None:
            self.proc.terminate()
            await self.proc.wait()

    def of_family(self, family: str) -> list[SimDeviceInfo]:
        """Devices of one family."""
        return [d for d in self.devices if d.family == family]

    async def call(self, method: str, path: str, body: Any = None) -> Any:
        """A control API call."""
        assert self.session is not None
        async with self.session.request(method, f"{self.control}{path}", json=body) as resp:
            resp.raise_for_status()
            return await resp.json()

    async def stats(self, name: str | None = None) -> Any:
        """Counters of one device (or of all, by name)."""
        return await self.call("GET", f"/stats/{name}" if name else "/stats")

    async def set_latency(self, name: str, seconds: float) -> None:
        """Delay every answer of one device by `seconds` (0: answer at once)."""
        await self.call("POST", f"/latency/{name}", {"seconds": seconds})

    async def reset(self) -> None:
        """Zero every device's counters."""
        await self.call("POST", "/reset")

    async def wait_streams_closed(self, limit: float = 20.0) -> None:
        """Wait until no device streams (CamHub closes 5 s after its last viewer).

        Every device, not just the one measured: a lingering upstream elsewhere would
        count in the Home Assistant CPU of the phase that follows.
        """
        deadline = time.monotonic() + limit
        while open_now := {
            n: s["open_streams"] for n, s in (await self.stats()).items() if s["open_streams"]
        }:
            if time.monotonic() > deadline:
                raise TimeoutError(f"device streams still open: {open_now}")
            await asyncio.sleep(0.25)


class BenchEnv:
    """Simulator + Home Assistant + an onboarded client; use as `async with`."""

    def __init__(self, intercoms: int = 1, sim_args: list[str] | None = None) -> None:
        self.sim = SimProcess(intercoms, sim_args)
        self.ha = HomeAssistantProcess("bench")
        self.session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=0, force_close=False)
        )
        self.client = HomeAssistantClient(self.ha.url, self.session)

    async def __aenter__(self) -> Self:
        try:
            await asyncio.gather(self.sim.start(self.session), self.ha.start())
            await self.client.onboard()
        except BaseException:
            await self.close()
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Stop everything this environment started."""
        await self.sim.stop()
        await asyncio.to_thread(self.ha.stop)
        await self.session.close()

    @property
    def auth_headers(self) -> dict[str, str]:
        """Bearer token for Home Assistant's HTTP API."""
        return self.client.headers

    def stream_url(self, entity_id: str) -> str:
        """The MJPEG URL every dashboard card reads."""
        return f"{self.ha.url}/api/camera_proxy_stream/{entity_id}"

    def snapshot_url(self, entity_id: str) -> str:
        """The snapshot URL the frontend refreshes thumbnails from."""
        return f"{self.ha.url}/api/camera_proxy/{entity_id}"

    async def _camera_of(self, entry: dict[str, Any]) -> Camera:
        entry_id = entry["result"]["entry_id"]
        for _ in range(40):
            cameras = [
                e for e in await self.client.entities_of(entry_id) if e.startswith("camera.")
            ]
            if cameras:
                return Camera(entry_id, sorted(cameras)[0])
            await asyncio.sleep(0.25)
        raise RuntimeError(f"no camera entity for entry {entry_id}")

    async def add_camhub(self, device: SimDeviceInfo, *, options: bool = True) -> Camera:
        """CamHub's config flow for a simulated device (15 fps, 640x480 for a 2N)."""
        entry = await self.client.run_flow(
            "camhub",
            {
                "user": {
                    "host": "127.0.0.1",
                    "port": device.port,
                    "ssl": False,
                    "verify_ssl": False,
                },
                "credentials": {"username": device.username, "password": device.password},
            },
        )
        if options and device.family == "intercom_2n":
            await self.client.run_flow(
                entry["result"]["entry_id"],
                {"init": {"resolution": f"{WIDTH}x{HEIGHT}", "fps": FPS, "snapshot_max_age": 2}},
                options=True,
            )
        return await self._camera_of(entry)

    async def add_mjpeg(self, device: SimDeviceInfo, name: str) -> Camera:
        """Home Assistant's core `mjpeg` camera on the same MJPEG and still URLs."""
        entry = await self.client.run_flow(
            "mjpeg",
            {
                "user": {
                    "name": name,
                    "mjpeg_url": device.snapshot_url(fps=FPS),
                    "still_image_url": device.snapshot_url(),
                    "username": device.username,
                    "password": device.password,
                    "verify_ssl": False,
                }
            },
        )
        return await self._camera_of(entry)

    async def add_generic(self, device: SimDeviceInfo) -> Camera:
        """Home Assistant's core `generic` camera on the same still URL (Digest, 15 fps)."""
        entry = await self.client.run_flow(
            "generic",
            {
                "user": {
                    "still_image_url": device.snapshot_url(),
                    "username": device.username,
                    "password": device.password,
                    "advanced": {
                        "framerate": FPS,
                        "verify_ssl": False,
                        "authentication": "digest",
                    },
                },
                "user_confirm": {"confirmed_ok": True},
            },
        )
        return await self._camera_of(entry)
