"""`Simulator`: a set of simulated devices sharing one frame clock and one render pool.

Tests, benchmarks and the demo start devices through it (``async with Simulator() as sim``),
so every device ticks on the same clock and renders on the same small thread pool, and one
``stop()`` tears everything down (no lingering threads or timers for Home Assistant's test
harness to complain about). Each family adds one ``add_<family>()`` method here.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from types import TracebackType
from typing import Self, TypeVar, Unpack

from .aipix import AipixOptions, AipixServer
from .camstreamer import AxisCamera, AxisCameraOptions
from .device import Faults, SimDevice, Stats
from .frames import FrameClock
from .intercom2n import Intercom2N, Intercom2NOptions
from .liveview import LiveViewServer, LiveViewServerOptions
from .oak import OakController, OakControllerOptions

__all__ = ["Faults", "SimDevice", "Simulator", "Stats"]

D = TypeVar("D", bound=SimDevice)


class Simulator:
    """Holds simulated devices; each one serves on its own 127.0.0.1 port.

    `fps` is the frame clock rate: the most frames per second any source renders (streams
    asking for more are capped). `render_threads` sizes the JPEG render pool (0 renders on
    the event loop).
    """

    def __init__(self, *, fps: float = 15.0, render_threads: int = 2) -> None:
        self.clock = FrameClock(fps)
        self.devices: list[SimDevice] = []
        self._executor = (
            ThreadPoolExecutor(render_threads, thread_name_prefix="camhub-sim-render")
            if render_threads > 0
            else None
        )
        self._started = False
        self._closed = False

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def start(self) -> None:
        """Start every device added so far; later additions start immediately."""
        if self._closed:
            raise RuntimeError("a Simulator cannot be restarted after stop()")
        self._started = True
        for device in self.devices:
            await device.start()

    async def stop(self) -> None:
        """Stop every device and the render pool."""
        self._started = False
        self._closed = True
        await asyncio.gather(*(device.stop() for device in self.devices))
        if self._executor is not None:
            # Renders take milliseconds; waiting here means no thread outlives the simulator.
            self._executor.shutdown(wait=True, cancel_futures=True)

    async def add(self, device: D) -> D:
        """Adopt a device (started now if the simulator is running)."""
        self.devices.append(device)
        if self._started:
            await device.start()
        return device

    async def add_intercom_2n(self, **kwargs: Unpack[Intercom2NOptions]) -> Intercom2N:
        """A 2N IP intercom; see `Intercom2N` for the options."""
        return await self.add(Intercom2N(clock=self.clock, executor=self._executor, **kwargs))

    async def add_liveview(self, **kwargs: Unpack[LiveViewServerOptions]) -> LiveViewServer:
        """A Camera Remote live-view server; see `LiveViewServer` for the options."""
        return await self.add(LiveViewServer(clock=self.clock, executor=self._executor, **kwargs))

    async def add_aipix(self, **kwargs: Unpack[AipixOptions]) -> AipixServer:
        """An AIPIX VMS server with cameras; see `AipixServer` for the options."""
        return await self.add(AipixServer(clock=self.clock, executor=self._executor, **kwargs))

    async def add_axis_camera(self, **kwargs: Unpack[AxisCameraOptions]) -> AxisCamera:
        """An Axis camera with the CamStreamer apps; see `AxisCamera` for the options."""
        return await self.add(AxisCamera(clock=self.clock, executor=self._executor, **kwargs))

    async def add_oak(self, **kwargs: Unpack[OakControllerOptions]) -> OakController:
        """A Robopipe controller with OAK cameras; see `OakController` for the options."""
        return await self.add(OakController(clock=self.clock, executor=self._executor, **kwargs))
