"""What a simulated Axis camera itself says about its broadcasts and its CamSwitcher playlist.

The browser check changes things in Home Assistant's UI and must see the *device* follow, not
just the entity: so it asks the camera over the camera's own API, as any other client of the
camera would (Digest login; `stream_list.cgi` for the broadcasts; CamSwitcher's event socket,
whose initial data names the playlist on air, for the playlist). Nothing here goes through
Home Assistant.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp

SOCKET_TIMEOUT = 5.0


@dataclass(frozen=True)
class Stream:
    """One CamStreamer broadcast as the camera lists it."""

    stream_id: str
    title: str
    enabled: bool


class AxisProbe:
    """Reads one current-generation Axis camera (the simulator's first) over loopback."""

    def __init__(self, session: aiohttp.ClientSession, device: Mapping[str, Any]) -> None:
        """`device` is the simulator's JSON line (host, port, username, password)."""
        self._session = session
        self.base = f"http://{device['host']}:{device['port']}"
        self._auth = aiohttp.DigestAuthMiddleware(str(device["username"]), str(device["password"]))

    async def _json(self, path: str) -> Any:
        async with self._session.get(f"{self.base}{path}", middlewares=(self._auth,)) as resp:
            resp.raise_for_status()
            return await resp.json(content_type=None)

    async def streams(self) -> list[Stream]:
        """The broadcasts, with whether each is enabled (on)."""
        body = await self._json("/local/camstreamer/stream_list.cgi")
        data = body.get("data") if isinstance(body, dict) else None
        items = data.get("streamList") if isinstance(data, dict) else None
        return [
            Stream(str(s["streamId"]), str(s.get("title") or s["streamId"]), bool(s["enabled"]))
            for s in items or ()
        ]

    async def playlists(self) -> dict[str, str]:
        """Playlist id -> its name (`niceName`)."""
        body = await self._json("/local/camswitcher/api/playlists.cgi")
        data = body.get("data") if isinstance(body, dict) else None
        return {str(k): str(v.get("niceName", k)) for k, v in (data or {}).items()}

    async def current_playlist(self) -> str | None:
        """The id of the playlist on air: the `StreamSwitchVideo` of CamSwitcher's init data."""
        body = await self._json("/local/camswitcher/api/ws_authorization.cgi")
        token = body.get("data") if isinstance(body, dict) else None
        url = f"{self.base.replace('http', 'ws', 1)}/local/camswitcher/events"
        async with self._session.ws_connect(
            url, protocols=("events",), timeout=aiohttp.ClientWSTimeout(ws_close=SOCKET_TIMEOUT)
        ) as ws:
            await ws.send_str(json.dumps({"authorization": token}))
            while True:
                msg = await ws.receive(timeout=SOCKET_TIMEOUT)
                if msg.type is not aiohttp.WSMsgType.TEXT:
                    return None
                event = json.loads(msg.data)
                if event.get("type") == "init":  # init data comes wrapped
                    event = event.get("data") or {}
                if event.get("type") == "StreamSwitchVideo":
                    return str(event.get("playlist_name"))
