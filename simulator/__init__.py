"""Simulated network cameras on loopback, for CamHub's tests, benchmarks and demo.

Pure asyncio + aiohttp + Pillow (no Home Assistant import). Every device is its own HTTP
server on 127.0.0.1 with real JPEG test-card frames, MJPEG, authentication, statistics and
fault injection. One module per device family; `core.Simulator` ties them together.

    async with Simulator() as sim:
        door = await sim.add_intercom_2n(name="Front door")
        ...  # talk to door.url; inspect door.stats; set door.faults
"""

from .aipix import AipixServer
from .camstreamer import AxisCamera
from .core import Simulator
from .device import Faults, SimDevice, Stats
from .frames import FrameClock, FrameRenderer, FrameTag, parse_frame_tag
from .intercom2n import Intercom2N
from .liveview import LiveViewServer, SimCamera
from .oak import OakController, SimOakCamera

__all__ = [
    "AipixServer",
    "AxisCamera",
    "Faults",
    "FrameClock",
    "FrameRenderer",
    "FrameTag",
    "Intercom2N",
    "LiveViewServer",
    "OakController",
    "SimCamera",
    "SimDevice",
    "SimOakCamera",
    "Simulator",
    "Stats",
    "parse_frame_tag",
]
