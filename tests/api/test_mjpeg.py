"""The MJPEG reader against the ways real cameras bend multipart/x-mixed-replace."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from custom_components.camhub.api.errors import ProtocolError
from custom_components.camhub.api.mjpeg import (
    MjpegParser,
    boundary_from_content_type,
    iter_frames,
)

JPEG_A = b"\xff\xd8" + b"A" * 300 + b"\xff\xd9"
JPEG_B = b"\xff\xd8" + b"B--not-a-boundary" * 20 + b"\xff\xd9"


def part(frame: bytes, boundary: bytes = b"--myboundary", length: bool = True) -> bytes:
    headers = b"Content-Type: image/jpeg\r\n"
    if length:
        headers += b"Content-Length: %d\r\n" % len(frame)
    return boundary + b"\r\n" + headers + b"\r\n" + frame + b"\r\n"


def feed_all(parser: MjpegParser, data: bytes, step: int) -> list[bytes]:
    frames: list[bytes] = []
    for i in range(0, len(data), step):
        frames += parser.feed(data[i : i + step])
    return frames


@pytest.mark.parametrize("step", [1, 7, 4096])
@pytest.mark.parametrize("length", [True, False])
def test_frames_whatever_the_chunking(step: int, length: bool) -> None:
    stream = part(JPEG_A, length=length) + part(JPEG_B, length=length) + b"--myboundary\r\n"
    assert feed_all(MjpegParser("myboundary"), stream, step) == [JPEG_A, JPEG_B]


@pytest.mark.parametrize("declared", ["myboundary", "--myboundary", '"myboundary"', None])
def test_boundary_declared_any_way(declared: str | None) -> None:
    stream = part(JPEG_A) + part(JPEG_B)
    assert MjpegParser(declared).feed(stream) == [JPEG_A, JPEG_B]


def test_garbage_and_blank_lines_between_parts() -> None:
    stream = b"\r\n\r\nnoise" + part(JPEG_A) + b"\r\n\r\njunk junk\r\n" + part(JPEG_B)
    assert MjpegParser("myboundary").feed(stream) == [JPEG_A, JPEG_B]


def test_bare_newlines_in_headers() -> None:
    stream = b"--b\nContent-Type: image/jpeg\nContent-Length: %d\n\n" % len(JPEG_A) + JPEG_A
    assert MjpegParser("b").feed(stream) == [JPEG_A]


def test_non_jpeg_parts_are_skipped() -> None:
    stream = part(b"<html>oops</html>") + part(JPEG_A)
    assert MjpegParser("myboundary").feed(stream) == [JPEG_A]


def test_part_over_the_limit_is_an_error_not_an_allocation() -> None:
    parser = MjpegParser("myboundary", max_frame_size=100)
    with pytest.raises(ProtocolError):
        parser.feed(b"--myboundary\r\nContent-Length: 5000000\r\n\r\n")
    parser = MjpegParser("myboundary", max_frame_size=100)
    with pytest.raises(ProtocolError):
        parser.feed(part(JPEG_A, length=False) + b"x" * 200)


def test_endless_headers_are_an_error() -> None:
    parser = MjpegParser("myboundary")
    with pytest.raises(ProtocolError):
        parser.feed(b"--myboundary\r\n" + b"X-Junk: y\r\n" * 3000)


def test_garbage_without_any_boundary_is_bounded() -> None:
    parser = MjpegParser("myboundary")
    for _ in range(100):
        assert parser.feed(b"z" * 10_000) == []
    assert len(parser._buf) <= 16 * 1024
    unknown = MjpegParser(None)
    for _ in range(10):
        assert unknown.feed(b"z" * 10_000) == []
    assert len(unknown._buf) <= 16 * 1024


def test_bad_content_length_falls_back_to_the_boundary() -> None:
    stream = b"--b\r\nContent-Length: many\r\n\r\n" + JPEG_A + b"\r\n--b\r\n"
    assert MjpegParser("b").feed(stream) == [JPEG_A]


def test_boundary_from_content_type() -> None:
    assert boundary_from_content_type("multipart/x-mixed-replace; boundary=abc") == "abc"
    assert boundary_from_content_type("multipart/x-mixed-replace;Boundary=--x") == "--x"
    assert boundary_from_content_type("multipart/x-mixed-replace") is None
    assert boundary_from_content_type("image/jpeg; boundary=") is None


async def test_iter_frames() -> None:
    async def chunks() -> AsyncIterator[bytes]:
        data = part(JPEG_A) + part(JPEG_B)
        for i in range(0, len(data), 100):
            yield data[i : i + 100]

    assert [f async for f in iter_frames(chunks(), "myboundary")] == [JPEG_A, JPEG_B]


@pytest.mark.parametrize(
    ("declared", "stream"),
    [
        ("myboundary", part(JPEG_A, b"--otherboundary") * 200),  # not the declared boundary
        (None, JPEG_A * 200),  # bare JPEGs: no delimiter to learn
    ],
)
def test_bytes_that_never_form_a_part_are_an_error(declared: str | None, stream: bytes) -> None:
    parser = MjpegParser(declared, max_frame_size=20_000)
    with pytest.raises(ProtocolError, match="bytes without an MJPEG part delimited by"):
        feed_all(parser, stream, 4096)


def test_garbage_count_restarts_at_each_part() -> None:
    """Noise between parts adds up only until the next part: a long stream stays fine."""
    parser = MjpegParser("myboundary", max_frame_size=20_000)
    noise = b"x" * 17_000
    frames = feed_all(parser, (noise + part(JPEG_A)) * 10, 4096)
    assert frames == [JPEG_A] * 10
