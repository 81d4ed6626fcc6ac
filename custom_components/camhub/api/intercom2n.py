"""Client for 2N IP intercoms (HTTP API, camera service).

The intercom has an internal camera and optionally an external IP camera. It serves JPEG
snapshots at the resolutions `/api/camera/caps` lists, server-push MJPEG when `fps` >= 1, and
frames from up to 30 s in the past (`time`), those at most 1280x960.

Errors come as `{"success": false, "error": {"code": N, "param": ..., "description": ...}}`,
sometimes with HTTP 200: `parse_error` maps them to typed errors.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp

from . import safejson
from .errors import AccessDeniedError, AuthError, CamHubError, DeviceError, ProtocolError
from .mjpeg import boundary_from_content_type, iter_frames
from .transport import AuthMode, Transport, stream_timeout

HISTORY_MAX_SECONDS = 30
HISTORY_MAX_WIDTH = 1280
HISTORY_MAX_HEIGHT = 960
FPS_MIN = 1
FPS_MAX = 15

ERROR_AUTH_REQUIRED = 9
ERROR_INSUFFICIENT_PRIVILEGES = 10


@dataclass(frozen=True, slots=True)
class SystemInfo:
    """Identity of an intercom, from `/api/system/info`."""

    serial: str
    variant: str
    name: str
    mac: str | None
    sw_version: str | None
    hw_version: str | None


@dataclass(frozen=True, slots=True, order=True)
class Resolution:
    """A JPEG resolution the camera supports."""

    width: int
    height: int

    def __str__(self) -> str:
        """`640x480`, the form used in options."""
        return f"{self.width}x{self.height}"

    @classmethod
    def parse(cls, text: str) -> Resolution:
        """Inverse of `str()`; raises ValueError on anything else."""
        width, _, height = text.partition("x")
        return cls(int(width), int(height))


@dataclass(frozen=True, slots=True)
class Caps:
    """What the camera service offers, from `/api/camera/caps`."""

    resolutions: tuple[Resolution, ...]
    sources: tuple[str, ...]

    def best_at_most(self, width: int, height: int) -> Resolution:
        """The largest listed resolution within width x height (the smallest if none fits)."""
        fitting = [r for r in self.resolutions if r.width <= width and r.height <= height]
        return max(fitting) if fitting else min(self.resolutions)


def parse_error(status: int, body: bytes) -> CamHubError | None:
    """Map a 2N JSON error body (whatever the HTTP status) to a typed error."""
    try:
        data = safejson.loads(body)
    except ProtocolError:
        return AuthError("HTTP 401") if status == 401 else None
    if not isinstance(data, dict) or data.get("success") is not False:
        return AuthError("HTTP 401") if status == 401 else None
    error = data.get("error")
    if not isinstance(error, dict):
        error = {}
    code = error.get("code", status)
    description = str(error.get("description", "")) or "unknown error"
    if code == ERROR_AUTH_REQUIRED or status == 401:
        return AuthError(f"2N error {code}: {description}")
    if code == ERROR_INSUFFICIENT_PRIVILEGES:
        return AccessDeniedError(f"2N error {code}: {description}")
    param = error.get("param")
    return DeviceError(code, description, str(param) if param is not None else None)


def _result(data: Any) -> dict[str, Any]:
    """The `result` object of a successful answer; a JSON error body raises its typed error."""
    if not isinstance(data, dict):
        raise ProtocolError("2N answer is not a JSON object")
    if data.get("success") is not True:
        raise parse_error(200, json.dumps(data).encode()) or ProtocolError("2N answer failed")
    result = data.get("result")
    if not isinstance(result, dict):
        raise ProtocolError("2N answer has no result object")
    return result


def parse_system_info(data: Any) -> SystemInfo:
    """Read `/api/system/info`."""
    result = _result(data)
    serial = result.get("serialNumber")
    if not isinstance(serial, str) or not serial:
        raise ProtocolError("2N system info has no serial number")
    variant = str(result.get("variant") or "2N IP intercom")
    return SystemInfo(
        serial=serial,
        variant=variant,
        name=str(result.get("deviceName") or variant),
        mac=_opt_str(result.get("macAddr")),
        sw_version=_opt_str(result.get("swVersion")),
        hw_version=_opt_str(result.get("hwVersion")),
    )


def parse_caps(data: Any) -> Caps:
    """Read `/api/camera/caps`; entries that are not well formed are skipped."""
    result = _result(data)
    resolutions = tuple(
        sorted(
            {
                Resolution(item["width"], item["height"])
                for item in result.get("jpegResolution") or []
                if isinstance(item, dict)
                and isinstance(item.get("width"), int)
                and isinstance(item.get("height"), int)
            }
        )
    )
    sources = tuple(
        item["source"]
        for item in result.get("sources") or []
        if isinstance(item, dict) and isinstance(item.get("source"), str)
    )
    if not resolutions:
        raise ProtocolError("2N camera caps list no JPEG resolution")
    return Caps(resolutions=resolutions, sources=sources or ("internal",))


def _opt_str(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


class Intercom2NClient:
    """The camera part of a 2N intercom's HTTP API."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: str,
        username: str | None = None,
        password: str | None = None,
    ) -> None:
        """2N accepts Basic or Digest depending on its settings: AUTO handles both."""
        self.transport = Transport(
            session,
            base_url,
            auth=AuthMode.AUTO if username else AuthMode.NONE,
            username=username,
            password=password,
            error_parser=parse_error,
        )

    async def system_info(self) -> SystemInfo:
        """Identity; needs no credentials."""
        return parse_system_info(await self.transport.get_json("/api/system/info"))

    async def caps(self) -> Caps:
        """Resolutions and sources; needs the Camera Monitoring privilege."""
        return parse_caps(await self.transport.get_json("/api/camera/caps"))

    async def snapshot(
        self, source: str, resolution: Resolution, seconds_ago: int | None = None
    ) -> bytes:
        """One JPEG; `seconds_ago` (0..30) asks for a frame from the intercom's memory."""
        params: dict[str, str | int] = {
            "width": resolution.width,
            "height": resolution.height,
            "source": source,
        }
        if seconds_ago is not None:
            if not 0 <= seconds_ago <= HISTORY_MAX_SECONDS:
                raise ValueError(f"seconds_ago must be 0..{HISTORY_MAX_SECONDS}")
            params["time"] = -seconds_ago
        return await self.transport.get_image("/api/camera/snapshot", params)

    async def mjpeg(self, source: str, resolution: Resolution, fps: int) -> AsyncIterator[bytes]:
        """Server-push MJPEG at `fps` (1..15): yields frames until the stream breaks."""
        if not FPS_MIN <= fps <= FPS_MAX:
            raise ValueError(f"fps must be {FPS_MIN}..{FPS_MAX}")
        params: dict[str, str | int] = {
            "width": resolution.width,
            "height": resolution.height,
            "source": source,
            "fps": fps,
        }
        async with self.transport.open(
            "GET", "/api/camera/snapshot", params=params, client_timeout=stream_timeout()
        ) as resp:
            if resp.content_type == "application/json":
                raise parse_error(resp.status, await resp.read()) or ProtocolError(
                    "2N answered JSON instead of a stream"
                )
            boundary = boundary_from_content_type(resp.headers.get("Content-Type", ""))
            async for frame in iter_frames(resp.content.iter_any(), boundary):
                yield frame
