"""Test-card JPEG frames for simulated cameras.

Tests and benchmarks need real, decodable JPEGs that visibly differ from frame to frame and
carry a machine-readable tag (sequence number, render time, source) in a JPEG COM segment, so
a client can tell frames apart and measure end-to-end latency without OCR.

Rendering is the simulator's only CPU-heavy work, so it is driven by a shared `FrameClock`:
a `FrameRenderer` (one per source and resolution) renders a given clock tick at most once, and
every viewer asking for that tick gets the very same bytes. Nothing renders unless asked.
"""

from __future__ import annotations

import asyncio
import colorsys
import io
import math
import re
import threading
import time
from collections import OrderedDict
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

TAG_PREFIX = "camhub-sim"
_TAG_RE = re.compile(rb"camhub-sim seq=(\d+) t=(\d+(?:\.\d+)?) src=(.*)", re.DOTALL)
_BARS = ((192, 192, 192), (192, 192, 0), (0, 192, 192), (0, 192, 0), (192, 0, 192), (192, 0, 0))
_CACHED_TICKS = 4  # a few recent ticks, so clients a tick behind still share bytes
# Pillow's FreeType glyph rendering is not documented as thread-safe; text is cheap, so
# serialise it and let the expensive part (JPEG encoding, which drops the GIL) run in parallel.
_TEXT_LOCK = threading.Lock()

type Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@dataclass(frozen=True, slots=True)
class FrameTag:
    """What a simulator frame says about itself (its COM segment)."""

    seq: int
    t: float  # time.time() when the frame was rendered (or "captured", for history frames)
    src: str  # "<device name>/<source>"


class FrameClock:
    """The shared ticker: tick n is due at ``epoch + n / hz``.

    Streams at a lower rate than ``hz`` map their own slots onto clock ticks, so viewers of the
    same source at compatible rates ask for the same tick and share one rendering.
    """

    def __init__(self, hz: float = 15.0, epoch: float | None = None) -> None:
        if hz <= 0:
            raise ValueError("hz must be positive")
        self.hz = hz
        self.epoch = time.time() if epoch is None else epoch

    def tick_at(self, when: float) -> int:
        """Tick current at wall-clock time `when` (never negative)."""
        return max(0, math.floor((when - self.epoch) * self.hz))

    def now_tick(self) -> int:
        """Tick current now."""
        return self.tick_at(time.time())

    def slot_now(self, fps: float) -> float:
        """Fractional slot index of a stream at `fps`, now."""
        return (time.time() - self.epoch) * fps

    def slot_time(self, slot: int, fps: float) -> float:
        """Wall-clock time at which `slot` of a stream at `fps` is due."""
        return self.epoch + slot / fps

    def slot_tick(self, slot: int, fps: float) -> int:
        """Clock tick that `slot` of a stream at `fps` shows.

        Computed from the slot number, not measured, so concurrent viewers agree exactly.
        """
        return max(0, math.floor(slot * self.hz / fps + 1e-9))


def parse_frame_tag(jpeg: bytes) -> FrameTag | None:
    """Read the simulator's tag from a JPEG's COM segments; None if it has none."""
    if not jpeg.startswith(b"\xff\xd8"):
        return None
    pos = 2
    while pos + 4 <= len(jpeg):
        if jpeg[pos] != 0xFF:
            return None
        marker = jpeg[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0xD9, 0xDA):  # EOI / start of scan: no tag in the header
            return None
        length = int.from_bytes(jpeg[pos + 2 : pos + 4], "big")
        if marker == 0xFE:
            match = _TAG_RE.fullmatch(jpeg[pos + 4 : pos + 2 + length])
            if match:
                src = match[3].decode("utf-8", "replace")
                return FrameTag(seq=int(match[1]), t=float(match[2]), src=src)
        pos += 2 + length
    return None


def insert_comment(jpeg: bytes, text: str) -> bytes:
    """Insert a COM segment right after SOI (decoders accept it before APP0)."""
    data = text.encode()[:65000]
    return jpeg[:2] + b"\xff\xfe" + (len(data) + 2).to_bytes(2, "big") + data + jpeg[2:]


@lru_cache(maxsize=16)
def _font(size: int) -> Font:
    """Pillow's bundled font; scalable when Pillow has FreeType, else the fixed bitmap."""
    try:
        return ImageFont.load_default(size=size)
    except (ImportError, OSError):  # pragma: no cover - Pillow without FreeType
        return ImageFont.load_default()


@lru_cache(maxsize=16)
def _base_card(width: int, height: int) -> Image.Image:
    """The static part of the test card (colour bars over a dark info panel)."""
    img = Image.new("RGB", (width, height), (24, 24, 24))
    draw = ImageDraw.Draw(img)
    bar_w = width / len(_BARS)
    for i, colour in enumerate(_BARS):
        draw.rectangle((round(i * bar_w), 0, round((i + 1) * bar_w), height * 3 // 5), colour)
    return img


class FrameRenderer:
    """Renders the test card of one source at one resolution, once per clock tick.

    `frame(tick)` is the shared, cached path used by streams and snapshots; `render()` is the
    uncached path (history frames). With an `executor`, rendering runs off the event loop.
    """

    def __init__(
        self,
        name: str,
        source: str,
        width: int = 640,
        height: int = 480,
        *,
        clock: FrameClock | None = None,
        executor: Executor | None = None,
        quality: int = 70,
    ) -> None:
        self.name = name
        self.source = source
        self.width = width
        self.height = height
        self.clock = clock or FrameClock()
        self.executor = executor
        self.quality = quality
        self.renders = 0  # how many frames were actually rendered (for tests and benchmarks)
        self._cache: OrderedDict[int, asyncio.Future[bytes]] = OrderedDict()

    @property
    def src(self) -> str:
        """The tag's src value."""
        return f"{self.name}/{self.source}"

    async def frame(self, tick: int | None = None) -> bytes:
        """JPEG for `tick` (default: now); concurrent callers for one tick share one render."""
        if tick is None:
            tick = self.clock.now_tick()
        fut = self._cache.get(tick)
        if fut is None:
            fut = self._start(tick, None, None)
            self._cache[tick] = fut
            while len(self._cache) > _CACHED_TICKS:
                self._cache.popitem(last=False)
        # shield: a viewer that goes away must not cancel the render other viewers await.
        return await asyncio.shield(fut)

    async def render_async(
        self, tick: int, *, label: str | None = None, at: float | None = None
    ) -> bytes:
        """Uncached `render()`, off the loop when an executor is set."""
        return await asyncio.shield(self._start(tick, label, at))

    def _start(self, tick: int, label: str | None, at: float | None) -> asyncio.Future[bytes]:
        loop = asyncio.get_running_loop()
        if self.executor is not None:
            return loop.run_in_executor(self.executor, self._render_call, tick, label, at)
        fut: asyncio.Future[bytes] = loop.create_future()
        fut.set_result(self.render(tick, label=label, at=at))
        return fut

    def _render_call(self, tick: int, label: str | None, at: float | None) -> bytes:
        return self.render(tick, label=label, at=at)

    def render(self, tick: int, *, label: str | None = None, at: float | None = None) -> bytes:
        """Draw tick `tick` now (uncached).

        `at` overrides the capture time; `label` adds a caption such as "history -5 s".
        """
        when = time.time() if at is None else at
        w, h = self.width, self.height
        img = _base_card(w, h).copy()
        draw = ImageDraw.Draw(img)
        # Moving colour: a hue-cycling box sweeping across the bars and a hue strip.
        hue = (tick % 90) / 90
        r, g, b = (round(c * 255) for c in colorsys.hsv_to_rgb(hue, 0.9, 1.0))
        box = max(8, h // 6)
        span = max(1, w - box)
        x = (tick * max(2, w // 60)) % (2 * span)
        x = x if x < span else 2 * span - x
        y = h * 3 // 10 - box // 2
        draw.rectangle((x, y, x + box, y + box), (r, g, b), outline=(0, 0, 0))
        draw.rectangle((0, h * 3 // 5, w, h * 3 // 5 + max(2, h // 60)), (r, g, b))
        stamp = datetime.fromtimestamp(when).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
        lines = [self.name, f"source: {self.source}  {w}x{h}", stamp, f"frame {tick}"]
        if label:
            lines.append(label)
        size = max(6, h // 18)
        font = _font(size)
        with _TEXT_LOCK:
            for i, text in enumerate(lines):
                pos = (max(4, w // 40), h * 3 // 5 + max(4, h // 30) + i * (size + 2))
                draw.text(pos, text, fill=(255, 255, 255), font=font)
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=self.quality)
        self.renders += 1
        tag = f"{TAG_PREFIX} seq={tick} t={when:.6f} src={self.src}"
        return insert_comment(buf.getvalue(), tag)
