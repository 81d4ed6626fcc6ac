"""CamStreamer's HTTP API on the simulated camera: list, switch, configure and count streams.

Both generations' routes live here (`stream_list.cgi` and `set_stream_*.cgi` on current
firmware, `stream/list.cgi` with "1"/"0" strings on older), with `stream/set.cgi`, `get.cgi`,
`remove.cgi`, `get_streamstat.cgi` and the simulator-only `POST /sim/fail`. A mixin of
`AxisCamera` (camstreamer.py wires the paths), kept apart so each app's API reads alone.
"""

from __future__ import annotations

import time
from typing import Any

from aiohttp import web

from .camstreamer_broadcast import DEFAULT_FAILURE
from .camstreamer_models import (
    STREAM_DEFAULTS,
    SimStream,
    app_json,
    parse_flag,
)
from .camstreamer_state import AxisCameraState


class CamStreamerRoutes(AxisCameraState):
    """The CamStreamer app's request handlers."""

    async def _sim_fail(self, request: web.Request) -> web.Response:
        """`POST /sim/fail?stream_id=ID[&message=TEXT]`: `fail_stream` (simulator only)."""
        stream_id = request.query.get("stream_id", "")
        if stream_id not in self.streams:
            return app_json(status=400, message="Unknown stream_id")
        self.fail_stream(stream_id, request.query.get("message", DEFAULT_FAILURE))
        return app_json()

    async def _stream_list(self, request: web.Request) -> web.Response:
        if self.generation == "new":
            items = [
                {
                    "streamId": s.id,
                    "enabled": s.enabled,
                    "active": s.active,
                    "title": s.title,
                    "platform": s.platform,
                    "trigger": s.trigger(),
                    "isStreaming": self.is_streaming(s),
                }
                for s in self.streams.values()
            ]
            return app_json(data={"streamList": items})
        return web.json_response(
            {
                s.id: {
                    **s.params,
                    "enabled": "1" if s.enabled else "0",
                    "active": "1" if s.active else "0",
                    "trigger": s.trigger(),
                }
                for s in self.streams.values()
            }
        )

    def _set_flag(self, flag: str) -> Any:
        async def handler(request: web.Request) -> web.Response:
            form = await request.post()
            stream_id, value = str(form.get("stream_id", "")), parse_flag(str(form.get(flag, "")))
            if stream_id not in self.streams or value is None:
                return app_json(status=400, message=f"Invalid stream_id or {flag}")
            self._update_stream(stream_id, **{flag: value})
            return app_json()

        return handler

    async def _stream_set(self, request: web.Request) -> web.Response:
        query = dict(request.query)
        stream_id = query.pop("stream_id", "")
        if not stream_id:
            return app_json(status=400, message="Missing stream_id")
        stream = self.streams.get(stream_id)
        only_flags = stream is not None and set(query) <= {"enabled", "active"}
        if stream is None:
            stream = SimStream(stream_id, title=query.get("title", ""), platform="rtmp")
            self.streams[stream_id] = stream
        was = self.is_streaming(stream)
        for key, value in query.items():
            if key in ("enabled", "active"):
                setattr(stream, key, bool(parse_flag(value)))
            else:
                stream.params[key] = value
        stream.title = query.get("title", stream.title)
        if only_flags:
            stream.failure = None
            self._announce(stream, was)
        else:
            self._track_streaming(stream, was)
            self.restart_app("camstreamer")
        return app_json()

    async def _stream_get(self, request: web.Request) -> web.Response:
        stream = self.streams.get(request.query.get("stream_id", ""))
        if stream is None:
            return app_json(status=400, message="Unknown stream_id")
        params = {
            **STREAM_DEFAULTS,
            "title": stream.title,
            **stream.params,
            "enabled": "1" if stream.enabled else "0",
            "active": "1" if stream.active else "0",
            "trigger": stream.trigger(),
        }
        return app_json(data=params)

    async def _stream_remove(self, request: web.Request) -> web.Response:
        stream_id = request.query.get("stream_id", "")
        if stream_id not in self.streams:
            return app_json(status=400, message="Unknown stream_id")
        self.remove_stream(stream_id)
        return app_json()

    async def _stream_stat(self, request: web.Request) -> web.Response:
        stream = self.streams.get(request.query.get("stream_id", ""))
        if stream is None:
            return app_json(status=400, message="Unknown stream_id")
        return app_json(
            data={
                "net_stats": "110779840 1107300413",
                "stream_bytes_time_ms": int(time.time() * 1000),
                "stream_bytes": self.stream_bytes(stream),
                "start_count": stream.start_count,
                "is_streaming": int(self.is_streaming(stream)),
            }
        )
