"""Client for 2N IP intercoms (HTTP API): camera, event log, switch and call services.

The intercom has an internal camera and optionally an external IP camera. It serves JPEG
snapshots at the resolutions `/api/camera/caps` lists, server-push MJPEG when `fps` >= 1, and
frames from up to 30 s in the past (`time`), those at most 1280x960. Its event log is a
subscription the client long-polls (`/api/log/subscribe`, `/api/log/pull`): the push channel
`log.EventLog` runs on. Switches (door locks, relays) are listed, read and controlled by
`/api/switch/*`; calls are read by `/api/call/status`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable
from typing import Any

import aiohttp

from ..errors import AccessDeniedError, DeviceError, ProtocolError
from ..mjpeg import boundary_from_content_type, iter_frames
from ..transport import AuthMode, Reply, Transport, stream_timeout
from .logevents import LogEvent, parse_log_caps, parse_pull, parse_subscribe
from .models import (
    ERROR_INVALID_PARAMETER,
    FPS_MAX,
    FPS_MIN,
    HISTORY_MAX_SECONDS,
    CallStatus,
    Caps,
    Resolution,
    SubscriptionNotFoundError,
    SwitchAction,
    SwitchCaps,
    SwitchPrivilegeError,
    SwitchStatus,
    SystemInfo,
    parse_call_status,
    parse_caps,
    parse_error,
    parse_switch_caps,
    parse_switch_status,
    parse_system_info,
    result_of,
)

PULL_TIMEOUT_MAX = 3600  # the longest a pull may be held; an hour, like the longest duration
SUBSCRIPTION_DURATION_MAX = 3600
PULL_HTTP_MARGIN = 10.0  # seconds the HTTP request may take beyond the pull's own timeout
PULL_BODY_MAX = 4 * 1024 * 1024  # a pull returns at most 128 records: far less than this


class Intercom2NClient:
    """A 2N intercom's HTTP API (camera, log, switch and call services)."""

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

    # --- system and camera ------------------------------------------------------------------

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

    # --- event log ----------------------------------------------------------------------------

    async def log_caps(self) -> tuple[str, ...]:
        """The event names this intercom can report (a subscription may ask for these only)."""
        return parse_log_caps(await self.transport.get_json("/api/log/caps"))

    async def log_subscribe(
        self, events: Iterable[str], duration: int, include: str = "new"
    ) -> int:
        """Open a subscription for `events` and return its id.

        The device queues every matching event for the subscription until it is pulled, and
        forgets the subscription after `duration` seconds (1..3600) without a pull.
        `include` is "new" (events from now on), "all" (the device's whole history too) or
        "-N" (also the history of the last N seconds, to catch up after a lost subscription).
        """
        names = ",".join(events)
        if not names:
            raise ValueError("subscribe to at least one event")
        if not 1 <= duration <= SUBSCRIPTION_DURATION_MAX:
            raise ValueError(f"duration must be 1..{SUBSCRIPTION_DURATION_MAX} s")
        if include not in ("new", "all") and not (include[:1] == "-" and include[1:].isdigit()):
            raise ValueError('include must be "new", "all" or "-N"')
        params: dict[str, str | int] = {"include": include, "filter": names, "duration": duration}
        return parse_subscribe(await self.transport.get_json("/api/log/subscribe", params))

    async def log_pull(
        self,
        subscription: int,
        timeout: int,  # noqa: ASYNC109 - the device's long-poll parameter
    ) -> list[LogEvent]:
        """The subscription's queued events, waiting up to `timeout` s (0..3600) for one.

        The device answers as soon as one event is queued, or with an empty list when the
        timeout passes. A subscription the device does not know (expired, or forgotten in a
        restart) raises `SubscriptionNotFoundError`.
        """
        if not 0 <= timeout <= PULL_TIMEOUT_MAX:
            raise ValueError(f"timeout must be 0..{PULL_TIMEOUT_MAX} s")
        params: dict[str, str | int] = {"id": subscription, "timeout": timeout}
        try:
            return parse_pull(await self._long_json("/api/log/pull", params, timeout))
        except DeviceError as err:
            if err.code == ERROR_INVALID_PARAMETER and err.param in (None, "id"):
                raise SubscriptionNotFoundError(err.code, err.description, err.param) from err
            raise

    async def _long_json(self, path: str, params: dict[str, str | int], wait: float) -> object:
        """GET JSON that the device may hold back for `wait` seconds (a long poll)."""
        client_timeout = aiohttp.ClientTimeout(total=wait + PULL_HTTP_MARGIN)
        async with self.transport.open(
            "GET", path, params=params, client_timeout=client_timeout
        ) as resp:
            # A read that breaks or stalls leaves `open` as ConnectError / DeviceTimeoutError.
            body = bytearray()
            async for chunk in resp.content.iter_any():
                body += chunk
                if len(body) > PULL_BODY_MAX:
                    raise ProtocolError(f"{path}: answer exceeds {PULL_BODY_MAX} bytes")
        return Reply(resp.status, resp.content_type, bytes(body)).json()

    async def log_unsubscribe(self, subscription: int) -> None:
        """Close a subscription (an unknown one raises `SubscriptionNotFoundError`)."""
        try:
            _confirmed(await self.transport.get_json("/api/log/unsubscribe", {"id": subscription}))
        except DeviceError as err:
            if err.code == ERROR_INVALID_PARAMETER:
                raise SubscriptionNotFoundError(err.code, err.description, err.param) from err
            raise

    # --- switches -----------------------------------------------------------------------------

    async def switch_caps(self) -> tuple[SwitchCaps, ...]:
        """Every switch with its mode (needs the Switch monitoring privilege)."""
        return await self._switch_request("/api/switch/caps", {}, parse_switch_caps)

    async def switch_status(self) -> tuple[SwitchStatus, ...]:
        """Every switch's state (needs the Switch monitoring privilege)."""
        return await self._switch_request("/api/switch/status", {}, parse_switch_status)

    async def switch_ctrl(self, switch: int, action: SwitchAction) -> None:
        """Switch `switch` on / off / trigger it (needs the Switch control privilege).

        The new state arrives as a `SwitchStateChanged` event (and in `switch_status`).
        """
        if switch < 1:
            raise ValueError("switch ids start at 1")
        params: dict[str, str | int] = {"switch": switch, "action": SwitchAction(action).value}
        await self._switch_request("/api/switch/ctrl", params, _confirmed)

    async def _switch_request[T](
        self, path: str, params: dict[str, str | int], parse: Callable[[Any], T]
    ) -> T:
        """A switch request: a missing privilege (code 10) is the switch service's own error."""
        try:
            return parse(await self.transport.get_json(path, params))
        except AccessDeniedError as err:
            raise SwitchPrivilegeError(str(err)) from err

    # --- calls --------------------------------------------------------------------------------

    async def call_status(self) -> CallStatus:
        """The intercom's call sessions right now (needs the Call monitoring privilege)."""
        return parse_call_status(await self.transport.get_json("/api/call/status"))


def _confirmed(data: Any) -> None:
    """An answer that only confirms (`{"success": true}`); an error body raises."""
    result_of(data, allow_empty=True)
