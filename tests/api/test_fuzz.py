"""Property-based tests (hypothesis) for every parser of device output.

The contract each parser keeps whatever a device sends: it returns its typed result or raises
a `CamHubError` (ProtocolError, DeviceError, AuthError), never anything else; and what it
buffers stays bounded. Example counts are kept modest (`FUZZ`) so the whole set runs in well
under a minute on two cores.
"""

from __future__ import annotations

import contextlib
import itertools
import json
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custom_components.camhub.api import aipix, intercom2n, liveview, oak, safejson
from custom_components.camhub.api import camstreamer as cs
from custom_components.camhub.api.errors import CamHubError, ProtocolError
from custom_components.camhub.api.mjpeg import (
    JPEG_SOI,
    MAX_HEADER_SIZE,
    MjpegParser,
    boundary_from_content_type,
)

FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)

# JSON values, with the keys and values the families' formats use, so the parsers get past
# their first type check often enough to reach the deeper branches.
KEYS = st.sampled_from(
    [
        "type", "data", "status", "message", "success", "error", "code", "description",
        "param", "result", "streamId", "streamID", "enabled", "active", "isStreaming", "port",
        "value", "serviceId", "playlist_name", "stream_name", "state", "streamList", "id",
        "name", "niceName", "services", "camera_list", "ip", "detail", "mxid", "url",
        "expired_at", "cameras", "sources", "resolutions", "CAM_A", "propertyList",
        "SerialNumber", "rtsp_url", "is_streaming", "stream_bytes", "loc", "msg",
        "dev", "circuit", "modes", "mode", "unit", "range", "counter", "pwm_duty", "pwm_freq",
        "automationState", "apiCall",
    ]
)  # fmt: skip
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
    | st.sampled_from(["1", "0", "true", "OK", "CAM_A", "rtsp://x/y", "2026-01-01T00:00:00Z"])
)


def _containers(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    keys = KEYS | st.text(max_size=8)
    return st.lists(inner, max_size=5) | st.dictionaries(keys, inner, max_size=6)


JSON = st.recursive(SCALARS, _containers, max_leaves=30)


def only_typed_errors(fn: Callable[[], object]) -> None:
    """Run a parser; anything but a result or a CamHubError fails the property."""
    with contextlib.suppress(CamHubError):
        fn()


# --- multipart MJPEG ---------------------------------------------------------------------

FRAMES = st.lists(
    st.binary(min_size=0, max_size=300).map(lambda b: JPEG_SOI + b), min_size=1, max_size=6
)
TOKEN = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_'()+,./:=?", min_size=1, max_size=30)


def chunked(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts})
    edges = [0, *points, len(data)]
    return [data[a:b] for a, b in itertools.pairwise(edges)]


@FUZZ
@given(FRAMES, TOKEN, st.lists(st.integers(0, 10_000), max_size=30), st.booleans())
def test_mjpeg_round_trip_any_chunking(
    frames: list[bytes], token: str, cuts: list[int], dashes: bool
) -> None:
    """Parts with Content-Length come back byte for byte, however the bytes are split."""
    delim = b"--" + token.encode()
    stream = b"".join(
        delim + b"\r\nContent-Type: image/jpeg\r\nContent-Length: %d\r\n\r\n" % len(f) + f + b"\r\n"
        for f in frames
    )
    parser = MjpegParser(("--" if dashes else "") + token)
    got = [frame for chunk in chunked(stream, cuts) for frame in parser.feed(chunk)]
    assert got == frames


@FUZZ
@given(FRAMES, TOKEN, st.lists(st.integers(0, 10_000), max_size=30))
def test_mjpeg_without_lengths_or_declared_boundary(
    frames: list[bytes], token: str, cuts: list[int]
) -> None:
    """No Content-Length, boundary learnt from the stream: frames split at the delimiter."""
    delim = b"--" + token.encode()
    frames = [f.replace(b"--", b"").rstrip(b"\r\n") or JPEG_SOI for f in frames]
    stream = b"".join(delim + b"\r\nContent-Type: image/jpeg\r\n\r\n" + f + b"\r\n" for f in frames)
    stream += delim + b"--\r\n"
    parser = MjpegParser(None)
    got = [frame for chunk in chunked(stream, cuts) for frame in parser.feed(chunk)]
    assert got == frames


@FUZZ
@given(
    st.one_of(st.none(), TOKEN),
    st.lists(st.binary(max_size=2000), max_size=20),
    st.integers(1_000, 50_000),
)
def test_mjpeg_garbage_only_typed_errors_and_bounded(
    boundary: str | None, chunks: list[bytes], limit: int
) -> None:
    """Arbitrary bytes: ProtocolError or frames, and the buffer never outgrows the limits."""
    parser = MjpegParser(boundary, max_frame_size=limit)
    try:
        for chunk in chunks:
            for frame in parser.feed(chunk):
                assert frame.startswith(JPEG_SOI) and len(frame) <= limit
            assert len(parser._buf) <= limit + MAX_HEADER_SIZE + len(chunk) + 64
    except ProtocolError:
        pass


@FUZZ
@given(TOKEN, st.integers(9 * 1024 * 1024, 10**12))
def test_mjpeg_oversized_part_refused_from_its_header(token: str, size: int) -> None:
    parser = MjpegParser(token)
    head = b"--%s\r\nContent-Type: image/jpeg\r\nContent-Length: %d\r\n\r\n" % (
        token.encode(),
        size,
    )
    try:
        parser.feed(head + JPEG_SOI)
    except ProtocolError as err:
        assert "exceeds" in str(err)
    else:
        raise AssertionError("an 8 MB+ part was accepted")


@FUZZ
@given(st.text(max_size=80))
def test_boundary_from_any_content_type(content_type: str) -> None:
    result = boundary_from_content_type(content_type)
    assert result is None or isinstance(result, str)


# --- JSON: every family's answers and events ---------------------------------------------


@FUZZ
@given(st.binary(max_size=400) | JSON.map(lambda v: json.dumps(v).encode()))
def test_safejson_only_protocol_errors(body: bytes) -> None:
    with contextlib.suppress(ProtocolError):
        value = safejson.loads(body)
        assert value is None or isinstance(value, dict | list | str | int | float)


ERROR_PARSERS = [
    cs.parse_error,
    intercom2n.parse_error,
    oak.parse_error,
    liveview.parse_error,
    aipix.parse_error,
]


@FUZZ
@given(st.integers(100, 599), st.binary(max_size=200) | JSON.map(lambda v: json.dumps(v).encode()))
def test_error_bodies_of_every_family(status: int, body: bytes) -> None:
    """2N, CamStreamer/VAPIX, OAK (FastAPI), Camera Remote and AIPIX error bodies."""
    for parse in ERROR_PARSERS:
        result = parse(status, body)
        assert result is None or isinstance(result, CamHubError)
    assert isinstance(aipix.is_aipix_answer(status, {}, body), bool)


@FUZZ
@given(st.sampled_from(["camstreamer", "camswitcher", "camoverlay"]), JSON)
def test_camstreamer_events_both_generations(app: str, message: Any) -> None:
    only_typed_errors(lambda: cs.parse_events(app, message))  # type: ignore[arg-type]


@FUZZ
@given(
    st.sampled_from(["camstreamer", "camswitcher", "camoverlay"]),
    st.sampled_from(
        ["StreamState", "PortChanged", "PlaylistSwitch", "StreamSwitchVideo", "StreamAvailable",
         "ServiceStart", "ServiceStop", "CS_API_SUCCESS", "CS_API_ERROR"]
    ),
    st.dictionaries(KEYS, SCALARS, max_size=6),
    st.booleans(),
)  # fmt: skip
def test_camstreamer_known_event_types(
    app: str, kind: str, fields: dict[str, Any], init: bool
) -> None:
    """Known types with arbitrary fields, bare or in the old `init` wrapper."""
    event = {**fields, "type": kind}
    message = {"type": "init", "data": event} if init else event
    only_typed_errors(lambda: cs.parse_events(app, message))  # type: ignore[arg-type]


CAMSTREAMER_PARSERS: list[Callable[[Any], object]] = [
    cs.parse_stream_list,
    cs.parse_stream_stats,
    cs.parse_playlists,
    cs.parse_clips,
    cs.parse_queue,
    cs.parse_services,
    cs.parse_output_info,
    cs.parse_ws_token,
    cs.parse_network_cameras,
    cs.parse_device_info,
]


@FUZZ
@given(JSON)
def test_camstreamer_answers(data: Any) -> None:
    for parse in CAMSTREAMER_PARSERS:
        only_typed_errors(lambda parse=parse: parse(data))  # type: ignore[misc]


@FUZZ
@given(st.text(max_size=200) | JSON.map(json.dumps))
def test_camstreamer_params_and_master_audio(text: str) -> None:
    only_typed_errors(lambda: cs.parse_params(text.encode()))
    only_typed_errors(lambda: cs.parse_master_audio(text))
    assert cs.realm_serial(text) is None or isinstance(cs.realm_serial(text), str)


OTHER_PARSERS: list[Callable[[Any], object]] = [
    intercom2n.parse_system_info,
    intercom2n.parse_caps,
    oak.CameraInfo.parse,
    oak.SensorControl.parse,
    oak.IRConfig.parse,
    oak.CameraStats.parse,
    oak.parse_streams,
    lambda d: oak.StreamConfig.parse("CAM_A", d),
    lambda d: oak.parse_circuits(d, oak.parse_digital_input),
    lambda d: oak.parse_circuits(d, oak.parse_digital_output),
    lambda d: oak.parse_circuits(d, oak.parse_analog_input),
    lambda d: oak.parse_circuits(d, oak.parse_analog_output),
    lambda d: oak.parse_circuits(d, oak.parse_led),
    liveview.parse_server_status,
    liveview.parse_live_view_status,
    liveview.parse_osd_status,
    liveview.parse_recording,
    lambda d: aipix.parse_links(d, 1),
    aipix.parse_time,
]


@FUZZ
@given(JSON)
def test_2n_oak_liveview_aipix_answers(data: Any) -> None:
    for parse in OTHER_PARSERS:
        only_typed_errors(lambda parse=parse: parse(data))  # type: ignore[misc]


@FUZZ
@given(st.lists(st.text(max_size=60), max_size=20))
def test_liveview_server_sent_events(lines: list[str]) -> None:
    parser = liveview.SseParser()
    for line in [*lines, ""]:
        event = parser.feed(line)
        assert event is None or isinstance(event.data, dict)
    for line in lines:
        failed, message = liveview.parse_notice(line)
        assert isinstance(failed, bool) and isinstance(message, str)


# --- XML application lists ---------------------------------------------------------------

APP_ATTRS = st.dictionaries(
    st.sampled_from(["Name", "NiceName", "Version", "License", "Status", "Vendor"]),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=20),
    max_size=6,
)


def _xml_attr(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


@FUZZ
@given(
    st.lists(APP_ATTRS, max_size=5),
    st.sampled_from(["ok", "error"]),
    st.sampled_from(["reply", "other"]),
)
def test_application_lists(apps: list[dict[str, str]], result: str, root: str) -> None:
    items = "".join(
        "<application " + " ".join(f'{k}="{_xml_attr(v)}"' for k, v in app.items()) + "/>"
        for app in apps
    )
    body = f'<{root} result="{result}">{items}</{root}>'.encode()
    try:
        parsed = cs.parse_applications(body)
    except ProtocolError:
        assert result != "ok" or root != "reply"
        return
    assert set(parsed) == {a["Name"].lower() for a in apps if a.get("Name")}


@FUZZ
@given(st.binary(max_size=300))
def test_application_list_garbage(body: bytes) -> None:
    only_typed_errors(lambda: cs.parse_applications(body))
