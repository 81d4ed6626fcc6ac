"""The apps' event WebSockets on the simulated camera: the upgrade, the token, the init data.

A client upgrades with subprotocol `events` (and the HTTP login too when `ws_login`), sends
a single-use token of that app younger than `token_lifetime`, and then gets init data (again
on `sendInitData`) and every event `emit` sends. The knobs for the failure modes
(`ws_auth_delay`, `ws_greeting`) act here. The tokens are issued in camstreamer.py (tests
replace that module's `secrets` to see every token handed out).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from typing import Any

from aiohttp import WSMsgType, web

from .camstreamer_models import (
    AppName,
)
from .camstreamer_state import AxisCameraState


class EventSockets(AxisCameraState):
    """Serves the apps' event WebSockets."""

    def _events_handler(self, app: AppName) -> Any:
        async def handler(request: web.Request) -> web.StreamResponse:
            info = self.apps.get(app)
            if info is None or not info.usable:
                return self.error_response(404, "Not Found")
            if (
                self.ws_login
                and self.auth is not None
                and not self.auth.check(request, self.username, self.password)
            ):
                return self.unauthorized_response(self.auth.challenge())
            ws = web.WebSocketResponse(protocols=("events",), heartbeat=None)
            await ws.prepare(request)
            with self.track_stream():
                await self._serve_events(app, ws)
            return ws

        return handler

    async def _serve_events(self, app: AppName, ws: web.WebSocketResponse) -> None:
        try:
            first = await ws.receive(timeout=10)
        except TimeoutError:
            await ws.close()
            return
        if not self._authorize(app, first):
            await ws.send_json({"type": "authorization", "state": "Error"})
            await ws.close()
            return
        for frame in self.ws_greeting:
            await (ws.send_bytes(frame) if isinstance(frame, bytes) else ws.send_str(frame))
        await asyncio.sleep(self.ws_auth_delay)
        await ws.send_json({"type": "authorization", "state": "OK"})
        await self._send_init(app, ws)
        self.sockets[app].add(ws)
        try:
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    continue
                with contextlib.suppress(ValueError):
                    if json.loads(msg.data).get("command") == "sendInitData":
                        await self._send_init(app, ws)
        finally:
            self.sockets[app].discard(ws)

    async def _send_init(self, app: str, ws: web.WebSocketResponse) -> None:
        for event in self.init_data(app):
            await ws.send_json(event)

    def _authorize(self, app: str, msg: Any) -> bool:
        """A single-use token of this app, younger than `token_lifetime`."""
        if msg.type is not WSMsgType.TEXT:
            return False
        try:
            token = json.loads(msg.data).get("authorization")
        except (ValueError, AttributeError):
            return False
        issued = self.tokens.pop(token, None) if isinstance(token, str) else None
        if issued is None:
            return False
        return issued[0] == app and time.monotonic() - issued[1] <= self.token_lifetime
