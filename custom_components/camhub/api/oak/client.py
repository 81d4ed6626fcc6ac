"""`OakClient`: the `/cameras/...` part of a Robopipe controller's REST API, and its I/O.

Every value is checked (`models.check_*`) before a request, so a bad value never reaches the
device; every answer is parsed by `models` (cameras) or `controller` (the I/O circuits).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Final

import aiohttp
from yarl import URL

from ..errors import ProtocolError
from ..transport import AuthMode, Transport
from .controller import ControllerClient
from .models import (
    INT_CONTROLS,
    MXID_RE,
    STILL_FORMATS,
    CameraInfo,
    CameraStats,
    IRConfig,
    SensorControl,
    StreamConfig,
    StreamKind,
    check_config,
    check_control,
    check_stream_name,
    check_unit,
    parse_error,
    parse_streams,
)

ONE_SHOT_FOCUS_MODES: Final = ("AUTO", "MACRO")
"""Autofocus modes in which a trigger runs one focus sweep and then holds the lens; from any
other mode (OFF, continuous, EDOF) a trigger switches to AUTO first."""


class OakClient:
    """The `/cameras/...` part of a Robopipe controller's API; its I/O as `controller`."""

    def __init__(
        self, session: aiohttp.ClientSession, base_url: URL | str, *, timeout: float = 10.0
    ) -> None:
        """No credentials: the controller has no authentication."""
        self.transport = Transport(
            session, base_url, auth=AuthMode.NONE, timeout=timeout, error_parser=parse_error
        )
        self.controller = ControllerClient(self.transport)

    async def cameras(self) -> list[CameraInfo]:
        """Every OAK camera the controller knows (running or shut down)."""
        data = await self.transport.get_json("/cameras/")
        if not isinstance(data, list):
            raise ProtocolError("/cameras/ did not answer a list")
        return [CameraInfo.parse(item) for item in data]

    async def set_running(self, mxid: str, running: bool) -> None:
        """Boot (POST) or shut down (DELETE) a camera."""
        await self.transport.request("POST" if running else "DELETE", _camera(mxid))

    async def stats(self, mxid: str) -> CameraStats:
        """Chip temperatures and memory use."""
        return CameraStats.parse(await self.transport.get_json(_camera(mxid) + "stats"))

    async def ir(self, mxid: str) -> IRConfig | None:
        """The IR config; None on cameras without IR."""
        return IRConfig.parse(await self.transport.get_json(_camera(mxid) + "ir"))

    async def set_ir(
        self, mxid: str, *, flood_light: float | None = None, dot_projector: float | None = None
    ) -> IRConfig | None:
        """Change one or both intensities; the other keeps its value (the POST resets it)."""
        for key, value in (("flood_light", flood_light), ("dot_projector", dot_projector)):
            if value is not None:
                check_unit(key, value)
        current = await self.ir(mxid)
        if current is None:
            raise ValueError("this camera has no IR illumination")
        body = {
            "flood_light": current.flood_light if flood_light is None else flood_light,
            "dot_projector": current.dot_projector if dot_projector is None else dot_projector,
        }
        reply = await self.transport.request("POST", _camera(mxid) + "ir", json_body=body)
        return IRConfig.parse(reply.json())

    async def streams(self, mxid: str) -> dict[str, bool]:
        """Stream name -> active."""
        return parse_streams(await self.transport.get_json(_camera(mxid) + "streams/"))

    async def set_stream_active(self, mxid: str, stream: str, active: bool) -> None:
        """Activate (POST) or deactivate (DELETE); the controller keeps depth exclusive."""
        check_stream_name(stream)
        await self.transport.request("POST" if active else "DELETE", _stream(mxid, stream))

    async def config(self, mxid: str, stream: str) -> StreamConfig:
        """A stream's config."""
        data = await self.transport.get_json(_stream(mxid, stream) + "config")
        return StreamConfig.parse(stream, data)

    async def set_config(
        self, mxid: str, stream: str, *, resolution: str | None = None, fps: float | None = None
    ) -> StreamConfig:
        """Change resolution and/or fps; the POST needs the whole config, so merge first."""
        check_stream_name(stream)
        current = await self.config(mxid, stream)
        check_config(current, resolution, fps)
        body = dict(current.raw)
        if resolution is not None:
            body["resolution"] = resolution
        if fps is not None:
            body["fps"] = fps
        reply = await self.transport.request(
            "POST", _stream(mxid, stream) + "config", json_body=body
        )
        return StreamConfig.parse(stream, reply.json())

    async def control(self, mxid: str, stream: str) -> SensorControl:
        """A stream's sensor controls (see `UNREADABLE`)."""
        data = await self.transport.get_json(_stream(mxid, stream) + "control")
        return SensorControl.parse(data)

    async def set_control(
        self,
        mxid: str,
        stream: str,
        kind: StreamKind,
        control: SensorControl | None,
        key: str,
        value: int | bool | str | float,
    ) -> SensorControl:
        """Change one control after checking it (`check_control`); the rest is left alone."""
        check_stream_name(stream)
        check_control(kind, control, key, value)
        body: dict[str, Any]
        if key == "lens_position":
            assert control is not None and control.focus is not None
            focus = replace(control.focus, lens_position=float(value))
            body = {"focus": {"auto_focus_mode": "OFF", "lens_position": focus.lens_position}}
        elif key in INT_CONTROLS:
            body = {key: int(value)}
        else:
            body = {key: value}
        reply = await self.transport.request(
            "POST", _stream(mxid, stream) + "control", json_body=body
        )
        return SensorControl.parse(reply.json())

    async def trigger_autofocus(
        self, mxid: str, stream: str, control: SensorControl | None
    ) -> SensorControl:
        """Run one autofocus sweep (`focus.auto_focus_trigger`); the answer has the new lens.

        The spec's `SensorFocus` is replaced whole (a missing field takes its default, lens 0.0),
        so the current lens position goes along; the mode stays AUTO or MACRO, anything else
        becomes AUTO, where a trigger focuses once and then holds (`ONE_SHOT_FOCUS_MODES`).
        """
        check_stream_name(stream)
        if control is None or control.focus is None:
            raise ValueError("this sensor has a fixed focus")
        mode = control.focus.auto_focus_mode
        focus = {
            "auto_focus_mode": mode if mode in ONE_SHOT_FOCUS_MODES else "AUTO",
            "auto_focus_trigger": True,
            "lens_position": control.focus.lens_position,
        }
        reply = await self.transport.request(
            "POST", _stream(mxid, stream) + "control", json_body={"focus": focus}
        )
        return SensorControl.parse(reply.json())

    async def still(self, mxid: str, stream: str, fmt: str = "jpeg") -> bytes:
        """One still image of a stream, JPEG or PNG."""
        if fmt not in STILL_FORMATS:
            raise ValueError(f"format must be one of {', '.join(STILL_FORMATS)}")
        check_stream_name(stream)
        return await self.transport.get_image(_stream(mxid, stream) + "still", {"format": fmt})


def _camera(mxid: str) -> str:
    if not MXID_RE.fullmatch(mxid):
        raise ValueError(f"invalid mxid {mxid!r}")
    return f"/cameras/{mxid}/"


def _stream(mxid: str, stream: str) -> str:
    return f"{_camera(mxid)}streams/{stream}/"
