"""Real video from the test card: H.264 HLS segments (MPEG-TS) and MP4 clips, encoded with PyAV.

Encoding is the expensive part, so a `Clip` is encoded once per source and size (a few
seconds of the `FrameRenderer` test card at `FPS`) and kept for the life of the process. A
live or archive stream of any length is that clip played in a loop: segment n is cached
segment ``n % len(segments)``, re-stamped by `Clip.segment(n)` so that timestamps (PTS, DTS,
PCR) keep rising across the loop and the TS continuity counters run on from the previous
segment, exactly as a client reading segment n-1 then n expects. Every segment starts with an
IDR frame and the encoder makes no B-frames, so any segment is a valid place to join.

Without continuous timestamps a reader sees time jump back at every segment: ffmpeg's HLS
demuxer passes them through, and Home Assistant's stream worker then drops every packet as
out of order, forever, without ever looking at its stop flag.
"""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from PIL import Image

from .frames import FrameRenderer

FPS = 10
SEGMENT_SECONDS = 2
SEGMENTS = 3  # the loop: 6 s of test card
TS_HZ = 90_000  # MPEG-TS PTS/DTS/PCR base clock
_WRAP = 1 << 33  # PTS, DTS and the PCR base are 33-bit counters
_PACKET = 188
_ENCODER_OPTIONS = {
    # An IDR frame exactly every segment and nowhere else; no B-frames (tune=zerolatency), so
    # DTS == PTS and a segment decodes on its own.
    "preset": "ultrafast",
    "tune": "zerolatency",
    "x264-params": f"keyint={FPS * SEGMENT_SECONDS}:min-keyint={FPS * SEGMENT_SECONDS}:scenecut=0",
}


@dataclass(frozen=True, slots=True)
class Clip:
    """A loop of H.264 MPEG-TS segments (and the same frames as one MP4), ready to serve."""

    width: int
    height: int
    segments: tuple[bytes, ...]  # cached segment k starts at k * SEGMENT_SECONDS
    mp4: bytes
    encode_seconds: float  # wall time the encoding took (for the report and benchmarks)
    _cc: tuple[dict[int, int], ...] = field(repr=False)  # per segment: payload packets per PID

    def segment(self, number: int) -> bytes:
        """Segment `number` (>= 0) of an endless stream: a cached one, re-stamped."""
        if number < 0:
            raise ValueError("segment numbers start at 0")
        loops, index = divmod(number, len(self.segments))
        shift = loops * len(self.segments) * SEGMENT_SECONDS * TS_HZ
        # Continuity counters: each cached segment was muxed on its own (counters from 0), so
        # segment n continues from the payload packets of every segment before it.
        counts: dict[int, int] = {}
        for k, per_pid in enumerate(self._cc):
            repeats = loops + (1 if k < index else 0)
            for pid, count in per_pid.items():
                counts[pid] = counts.get(pid, 0) + repeats * count
        return retime(self.segments[index], shift, counts)


def encode_clip(renderer: FrameRenderer, label: str = "") -> Clip:
    """Render `SEGMENTS * SEGMENT_SECONDS` seconds of `renderer`'s test card and encode them.

    Blocking (about 0.5 s at 640x360, 0.2 s at 320x180 on this machine): run it in an executor.
    """
    started = time.perf_counter()
    frames = [
        Image.open(io.BytesIO(renderer.render(tick, label=label or None))).convert("RGB")
        for tick in range(SEGMENTS * SEGMENT_SECONDS * FPS)
    ]
    per_segment = SEGMENT_SECONDS * FPS
    segments = tuple(
        _encode(
            frames[k * per_segment : (k + 1) * per_segment], "mpegts", first_pts=k * per_segment
        )
        for k in range(SEGMENTS)
    )
    mp4 = _encode(frames, "mp4", first_pts=0)
    return Clip(
        width=renderer.width,
        height=renderer.height,
        segments=segments,
        mp4=mp4,
        encode_seconds=time.perf_counter() - started,
        _cc=tuple(_payload_counts(segment) for segment in segments),
    )


def _encode(frames: Sequence[Image.Image], container: str, *, first_pts: int) -> bytes:
    """H.264 at `FPS` in `container`; frame i gets pts `first_pts + i` (1/FPS time base)."""
    import av  # noqa: PLC0415 - PyAV loads only when a client asks for video

    buf = io.BytesIO()
    with av.open(buf, "w", format=container) as out:
        stream = out.add_stream("libx264", rate=FPS, options=dict(_ENCODER_OPTIONS))
        stream.width, stream.height = frames[0].size
        stream.pix_fmt = "yuv420p"
        stream.time_base = Fraction(1, FPS)
        for i, image in enumerate(frames):
            frame = av.VideoFrame.from_image(image)  # type: ignore[no-untyped-call]
            frame.pts = first_pts + i
            frame.time_base = Fraction(1, FPS)
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return buf.getvalue()


def _payload_counts(ts: bytes) -> dict[int, int]:
    """How many payload-carrying TS packets each PID has (each advances its counter once)."""
    counts: dict[int, int] = {}
    for pos in range(0, len(ts), _PACKET):
        pid = (ts[pos + 1] & 0x1F) << 8 | ts[pos + 2]
        if ts[pos + 3] & 0x10:
            counts[pid] = counts.get(pid, 0) + 1
    return counts


def retime(ts: bytes, shift: int, counters: dict[int, int] | None = None) -> bytes:
    """Add `shift` (90 kHz ticks) to every PTS, DTS and PCR of an MPEG-TS byte string.

    `counters` adds a per-PID offset to the continuity counters (mod 16). Works in place on a
    copy, packet by packet; the input must be whole 188-byte packets, as PyAV's muxer writes.
    """
    if len(ts) % _PACKET:
        raise ValueError("not a whole number of MPEG-TS packets")
    counters = counters or {}
    out = bytearray(ts)
    for pos in range(0, len(out), _PACKET):
        if out[pos] != 0x47:
            raise ValueError(f"no sync byte at {pos}")
        pid = (out[pos + 1] & 0x1F) << 8 | out[pos + 2]
        control = out[pos + 3]
        if pid in counters:
            out[pos + 3] = (control & 0xF0) | ((control + counters[pid]) & 0x0F)
        payload = pos + 4
        if control & 0x20:  # adaptation field
            length = out[pos + 4]
            if length and out[pos + 5] & 0x10:  # PCR
                _shift_pcr(out, pos + 6, shift)
            payload += 1 + length
        pes = out[payload : payload + 3] == b"\x00\x00\x01" and out[payload + 3] >= 0xBC
        if out[pos + 1] & 0x40 and control & 0x10 and pes:  # a PES header starts here
            flags = out[payload + 7] >> 6
            if flags & 2:
                _shift_timestamp(out, payload + 9, shift)
            if flags == 3:
                _shift_timestamp(out, payload + 14, shift)
    return bytes(out)


def read_timestamp(data: bytes | bytearray, at: int) -> int:
    """A PES PTS/DTS: 33 bits in 5 bytes with marker bits."""
    return (
        ((data[at] >> 1) & 0x07) << 30
        | data[at + 1] << 22
        | (data[at + 2] >> 1) << 15
        | data[at + 3] << 7
        | data[at + 4] >> 1
    )


def _shift_timestamp(data: bytearray, at: int, shift: int) -> None:
    value = (read_timestamp(data, at) + shift) % _WRAP
    data[at] = (data[at] & 0xF0) | ((value >> 29) & 0x0E) | 1
    data[at + 1] = (value >> 22) & 0xFF
    data[at + 2] = ((value >> 14) & 0xFE) | 1
    data[at + 3] = (value >> 7) & 0xFF
    data[at + 4] = ((value << 1) & 0xFE) | 1


def _shift_pcr(data: bytearray, at: int, shift: int) -> None:
    base = (
        data[at] << 25
        | data[at + 1] << 17
        | data[at + 2] << 9
        | data[at + 3] << 1
        | data[at + 4] >> 7
    )
    base = (base + shift) % _WRAP
    data[at : at + 4] = (base >> 1).to_bytes(4, "big")
    data[at + 4] = ((base & 1) << 7) | (data[at + 4] & 0x7F)


_CLIPS: dict[tuple[str, str, int, int], Clip] = {}
_CLIPS_LOCK = threading.Lock()


def cached_clip(renderer: FrameRenderer, label: str = "") -> Clip:
    """`encode_clip` once per process for each renderer name, source, size (blocking)."""
    key = (renderer.name, renderer.source, renderer.width, renderer.height)
    with _CLIPS_LOCK:
        clip = _CLIPS.get(key)
    if clip is None:
        clip = encode_clip(renderer, label)
        with _CLIPS_LOCK:
            clip = _CLIPS.setdefault(key, clip)
    return clip
