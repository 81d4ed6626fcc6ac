"""CamSwitcher's HTTP API on the simulated camera: playlists, clips, the queue, output links.

A mixin of `AxisCamera` (camstreamer.py wires the paths, with or without `/api/` by
generation); the playlist state and the events a switch emits live in camstreamer_state.py.
"""

from __future__ import annotations

import json
import secrets

from aiohttp import web

from .camstreamer_models import (
    app_json,
)
from .camstreamer_state import AxisCameraState


class CamSwitcherRoutes(AxisCameraState):
    """The CamSwitcher app's request handlers."""

    async def _playlists(self, request: web.Request) -> web.Response:
        data = {
            pid: {
                "niceName": p["niceName"],
                "loop": False,
                "isFavourite": False,
                "stream_list": [],
                "keyboard": {},
                "channel": "av",
            }
            for pid, p in self.playlists.items()
        }
        return app_json(data=data)

    async def _clips(self, request: web.Request) -> web.Response:
        clips = {
            pid: {"niceName": p["niceName"], "channel": "av"}
            for pid, p in self.playlists.items()
            if p["kind"] == "clip"
        }
        return app_json(data=clips)

    def _playlist_param(self, request: web.Request) -> str | None:
        name = request.query.get("playlist_name", "")
        return name if name in self.playlists else None

    async def _playlist_switch(self, request: web.Request) -> web.Response:
        if (pid := self._playlist_param(request)) is None:
            return app_json(status=400, message="Unknown playlist")
        self.queue.clear()
        self.switch_playlist(pid)
        return app_json()

    async def _queue_push(self, request: web.Request) -> web.Response:
        if (pid := self._playlist_param(request)) is None:
            return app_json(status=400, message="Unknown playlist")
        self.queue.append(pid)
        return app_json()

    async def _queue_play_next(self, request: web.Request) -> web.Response:
        if self.queue:
            self.switch_playlist(self.queue.pop(0))
        return app_json()

    async def _queue_clear(self, request: web.Request) -> web.Response:
        self.queue.clear()
        return app_json()

    async def _queue_list(self, request: web.Request) -> web.Response:
        return app_json(data={"playlist_queue_list": list(self.queue)})

    async def _output_info(self, request: web.Request) -> web.Response:
        alias = secrets.token_hex(32)
        self.output_links.append(alias)
        return app_json(
            data={
                "rtsp_url": f"rtsp://127.0.0.1:1554/{alias}",
                "ws": "ws://127.0.0.1/local/camswitcher/video",
                "ws_initial_message": json.dumps({"type": "ALIAS_NAME", "data": alias}),
            }
        )
