"""Reader for `multipart/x-mixed-replace` MJPEG streams.

Real cameras are loose with this format: some omit `Content-Length`, some declare the boundary
with its leading dashes and some without, some quote it, some put blank lines or junk between
parts. The parser below accepts all of these, yields whole JPEG frames as immutable `bytes`
(shared by every viewer, never copied again), and bounds memory: a part larger than
`max_frame_size` is a `ProtocolError`, not an allocation. So is a stream whose bytes never
form a part (a boundary other than the declared one, JPEGs without any multipart framing):
after `max_frame_size` bytes of nothing it fails with an error that says so, instead of
dropping bytes silently forever (FrameHub's watchdog catches the slower streams sooner).
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator

from .errors import ProtocolError

DEFAULT_MAX_FRAME_SIZE = 8 * 1024 * 1024
MAX_HEADER_SIZE = 16 * 1024
JPEG_SOI = b"\xff\xd8"


def boundary_from_content_type(content_type: str) -> str | None:
    """The `boundary=` parameter of a Content-Type header, if any."""
    for param in content_type.split(";")[1:]:
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "boundary" and value.strip():
            return value.strip()
    return None


def _content_length(headers: bytes) -> int | None:
    for line in headers.splitlines():
        name, sep, value = line.partition(b":")
        if sep and name.strip().lower() == b"content-length":
            try:
                return int(value.strip())
            except ValueError:
                return None
    return None


def _headers_end(buf: bytearray, start: int) -> tuple[int, int]:
    """Index of the blank line that ends a part's headers and its length, or (-1, 0)."""
    crlf = buf.find(b"\r\n\r\n", start)
    lf = buf.find(b"\n\n", start)
    if crlf >= 0 and (lf < 0 or crlf <= lf):
        return crlf, 4
    if lf >= 0:
        return lf, 2
    return -1, 0


class MjpegParser:
    """Incremental parser: feed it chunks as they arrive, get whole frames back."""

    def __init__(self, boundary: str | None, max_frame_size: int = DEFAULT_MAX_FRAME_SIZE) -> None:
        """Normalise the declared boundary; with none, learn it from the first `--` line."""
        token = (boundary or "").strip().strip('"').lstrip("-")
        self._delim: bytes | None = b"--" + token.encode("latin-1") if token else None
        self._max = max_frame_size
        self._buf = bytearray()
        self._length: int | None = None
        self._in_body = False
        self._discarded = 0  # bytes thrown away since the last part began

    def feed(self, chunk: bytes) -> list[bytes]:
        """Add received bytes; return the frames they completed (possibly none)."""
        self._buf += chunk
        frames: list[bytes] = []
        while True:
            if not self._in_body and not self._read_headers():
                break
            frame = self._read_body()
            if frame is None:
                break
            if frame.startswith(JPEG_SOI):
                frames.append(frame)
        return frames

    def _learn_delimiter(self) -> bool:
        start = self._buf.find(b"--")
        end = self._buf.find(b"\n", start)
        if start < 0 or end < 0:
            return False
        token = bytes(self._buf[start:end]).strip().lstrip(b"-")
        self._delim = b"--" + token
        return True

    def _read_headers(self) -> bool:
        if self._delim is None and not self._learn_delimiter():
            self._discard_garbage()
            return False
        assert self._delim is not None
        start = self._buf.find(self._delim)
        if start < 0:
            self._discard_garbage()
            return False
        end, sep = _headers_end(self._buf, start + len(self._delim))
        if end < 0:
            if len(self._buf) - start > MAX_HEADER_SIZE:
                raise ProtocolError("MJPEG part headers too long")
            return False
        self._length = _content_length(bytes(self._buf[start + len(self._delim) : end]))
        if self._length is not None and self._length > self._max:
            raise ProtocolError(f"MJPEG part of {self._length} bytes exceeds {self._max}")
        del self._buf[: end + sep]
        self._in_body = True
        self._discarded = 0
        return True

    def _read_body(self) -> bytes | None:
        if self._length is not None:
            if len(self._buf) < self._length:
                return None
            with memoryview(self._buf) as view:  # one copy, not a slice and then a copy
                frame = bytes(view[: self._length])
            del self._buf[: self._length]
        else:
            assert self._delim is not None
            end = self._buf.find(self._delim)
            if end < 0:
                if len(self._buf) > self._max:
                    raise ProtocolError(f"MJPEG part exceeds {self._max} bytes")
                return None
            frame = bytes(self._buf[:end]).rstrip(b"\r\n")
            del self._buf[:end]
        self._in_body = False
        return frame

    def _discard_garbage(self) -> None:
        """Between parts, keep only a tail that could still start a delimiter."""
        keep = len(self._delim) if self._delim else MAX_HEADER_SIZE
        if len(self._buf) > max(keep, MAX_HEADER_SIZE):
            self._discarded += len(self._buf) - keep
            del self._buf[:-keep]
            if self._discarded > self._max:
                expected = self._delim.decode("latin-1") if self._delim else "--<boundary>"
                raise ProtocolError(
                    f"{self._discarded} bytes without an MJPEG part delimited by {expected!r}"
                )


async def iter_frames(
    chunks: AsyncIterable[bytes],
    boundary: str | None,
    max_frame_size: int = DEFAULT_MAX_FRAME_SIZE,
) -> AsyncIterator[bytes]:
    """Yield each whole JPEG frame of a multipart stream given as chunks of bytes."""
    parser = MjpegParser(boundary, max_frame_size)
    async for chunk in chunks:
        for frame in parser.feed(chunk):
            yield frame
