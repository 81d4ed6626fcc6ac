"""The per-entry CamStreamerDevice, fetching of the state and the event channels' supervision."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from homeassistant.const import Platform
from homeassistant.helpers import entity_registry as er

from ...api.camstreamer import (
    EVENT_APPS,
    App,
    AxisCamStreamerClient,
    AxisState,
    Event,
    OverlayState,
    PlaylistEvent,
    Stream,
    SwitcherState,
    apply_event,
    is_unknown_item,
    parse_events,
)
from ...api.errors import CamHubError
from ...api.events import EventChannel
from ...const import DOMAIN
from ...devices import entity_unique_id
from .const import APP_TITLES, CHANNEL_SETTINGS, RECENT_EVENTS, STATS_KEYS

if TYPE_CHECKING:
    from ...coordinator import CamHubCoordinator

_LOGGER = logging.getLogger(__name__)


class CamStreamerDevice:
    """The client of one camera plus its live state, shared by fetches, events and writes.

    The family is stateless; this object is what `create_client` returns and what every
    `set_fn` receives. `publish` is set by `push_tasks` to hand a new state to the coordinator.
    """

    def __init__(self, api: AxisCamStreamerClient, fps: int) -> None:
        """Wrap the API client; no state until the first fetch."""
        self.api = api
        self.fps = fps
        self.state: AxisState | None = None
        self.publish: Callable[[AxisState], None] | None = None
        self.connected: dict[App, bool] = {}
        self.sessions: dict[App, int] = {}
        self.channels: dict[App, EventChannel] = {}
        self.refresh_wanted = False
        self.refresher: asyncio.Task[None] | None = None
        self.seq = 0  # events applied so far
        self._recent: deque[tuple[int, Event]] = deque(maxlen=RECENT_EVENTS)
        self._changed = asyncio.Event()

    def adopt(self, state: AxisState) -> None:
        """Take a new state; wake the channels waiting for their app to become usable."""
        self.state = state
        self._changed.set()
        self._changed = asyncio.Event()

    def set_state(self, state: AxisState) -> None:
        """Adopt a new state and tell the coordinator (when events are wired up)."""
        self.adopt(state)
        if self.publish is not None:
            self.publish(state)

    def update(self, change: Callable[[AxisState], AxisState]) -> None:
        """Apply a change the camera accepted but announces by no event."""
        if self.state is not None:
            self.set_state(change(self.state))

    async def wait_usable(self, app: App) -> None:
        """Return once `app` is installed, licensed and running (checked on every change)."""
        while self.state is None or not self.state.usable(app):
            await self._changed.wait()

    def on_message(self, app: App, message: Any) -> bool:
        """Apply an event message; True if it names an item the state does not list yet."""
        events: list[Event] = parse_events(app, message)
        state = self.state
        if state is None or not events:
            return False
        unknown = False
        for event in events:
            if is_unknown_item(state, event):
                unknown = True
                if not isinstance(event, PlaylistEvent):
                    # Only the lists know a new stream's or service's name: an entity made
                    # from the event alone would be named (and get an entity id) from its id.
                    continue
            state = apply_event(state, event)
            self.seq += 1
            self._recent.append((self.seq, event))
        self.set_state(state)
        return unknown

    def replay(self, state: AxisState, since: int) -> AxisState:
        """`state` (read from the lists) with the events that arrived after `since` on top.

        A fetch takes a few requests; an event in the meantime (a playlist switched, a port
        changed) must not be lost when the fetched state replaces the current one. Events
        carry absolute values, so applying one twice is harmless.
        """
        for seq, event in self._recent:
            if seq > since:
                state = apply_event(state, event)
        return state


async def fetch_axis_state(api: AxisCamStreamerClient, previous: AxisState | None) -> AxisState:
    """Read every usable app's lists; keep what only events tell (current playlist, ports)."""
    info = await api.device_info()
    apps = await api.applications()
    state = AxisState(info=info, apps=apps, ports=dict(previous.ports) if previous else {})
    if state.usable("camstreamer"):
        state = replace(state, streams=await _fetch_streams(api, previous))
    elif "camstreamer" in apps and previous is not None:
        state = replace(state, streams=previous.streams)  # stopped: keep its entities
    if state.usable("camswitcher"):
        state = replace(state, switcher=await _fetch_switcher(api, previous))
    elif "camswitcher" in apps and previous is not None:
        state = replace(state, switcher=previous.switcher)
    if state.usable("camoverlay"):
        services = await api.services()
        state = replace(state, overlay=OverlayState(await api.overlay_enabled(), services))
    elif "camoverlay" in apps and previous is not None:
        state = replace(state, overlay=previous.overlay)
    return state


async def _fetch_streams(
    api: AxisCamStreamerClient, previous: AxisState | None
) -> dict[str, Stream]:
    streams = await api.streams()
    old = previous.streams if previous and previous.streams else {}
    merged: dict[str, Stream] = {}
    for sid, stream in streams.items():
        before = old.get(sid)
        streaming = stream.is_streaming
        if streaming is None and before is not None:
            streaming = before.is_streaming
        stats = before.stats if before else None
        if streaming:
            stats = await api.stream_stats(sid)
            streaming = stats.is_streaming
        merged[sid] = replace(stream, is_streaming=streaming, stats=stats)
    return merged


async def _fetch_switcher(api: AxisCamStreamerClient, previous: AxisState | None) -> SwitcherState:
    old = previous.switcher if previous else None
    return SwitcherState(
        playlists=await api.playlists(),
        clips=await api.clips(),
        master_audio=await api.master_audio(),
        current_playlist=old.current_playlist if old else None,
        available=dict(old.available) if old else {},
    )


# --- event channels -------------------------------------------------------------------------


def _sync_push(client: CamStreamerDevice, coordinator: CamHubCoordinator) -> None:
    """Push mode while every usable app's channel is up (and at least one exists)."""
    state = client.state
    apps = [app for app in EVENT_APPS if state is not None and state.usable(app)]
    up = bool(apps) and all(client.connected.get(app, False) for app in apps)
    coordinator.async_set_push_connected(up)


def _refresh_soon(client: CamStreamerDevice, coordinator: CamHubCoordinator) -> None:
    """Read every list once more, now; requests made while a read runs get one more read.

    Not the coordinator's debounced refresh: its 10 s cooldown would delay a stream the
    camera just created, and going back to push mode cancels a refresh it deferred.
    """
    client.refresh_wanted = True
    if client.refresher is not None and not client.refresher.done():
        return

    async def refresh() -> None:
        while client.refresh_wanted:
            client.refresh_wanted = False
            await coordinator.async_refresh()

    client.refresher = coordinator.config_entry.async_create_background_task(
        coordinator.hass, refresh(), f"{DOMAIN} refresh {coordinator.config_entry.title}"
    )


async def _run_channel(client: CamStreamerDevice, coordinator: CamHubCoordinator, app: App) -> None:
    """Keep `app`'s event channel connected while the app is usable."""

    async def token() -> str:
        await client.wait_usable(app)
        return await client.api.ws_token(app)

    def on_message(message: Any) -> None:
        if client.on_message(app, message):
            # A stream or service the lists do not have yet: read the lists once.
            _refresh_soon(client, coordinator)

    def on_connected(up: bool) -> None:
        client.connected[app] = up
        _sync_push(client, coordinator)
        if up:
            client.sessions[app] = client.sessions.get(app, 0) + 1
            if client.sessions[app] > 1:  # reconnected: the app may have restarted
                _refresh_soon(client, coordinator)

    channel = EventChannel(
        client.api.session,
        client.api.event_url(app),
        token,
        on_message,
        on_connected,
        settings=CHANNEL_SETTINGS,
        name=APP_TITLES[app],  # no address: the name is in info-level log lines
        handshake_headers=functools.partial(client.api.event_headers, app),
    )
    client.channels[app] = channel
    await channel.run()


async def _slow_update(client: CamStreamerDevice, coordinator: CamHubCoordinator) -> None:
    """While pushed: statistics of live streams; the apps list while one needs fixing."""
    state = client.state
    if not coordinator.push_connected or state is None:
        return  # polling reads everything anyway
    registry = er.async_get(coordinator.hass)
    try:
        streams = dict(state.streams or {})
        for sid, stream in streams.items():
            if stream.is_streaming and _stats_shown(registry, state.info.serial, sid):
                streams[sid] = replace(stream, stats=await client.api.stream_stats(sid))
        apps = state.apps
        if any(not a.usable for a in state.apps.values()):
            apps = await client.api.applications()
    except CamHubError as err:
        _LOGGER.debug("Slow update of %s failed: %s", state.info.serial, err)
        return
    if client.state is not None:
        new = replace(client.state, streams=streams if state.streams is not None else None)
        if apps != state.apps:
            _refresh_soon(client, coordinator)  # an app came or went: read it all
            return
        client.set_state(replace(new, apps=apps))


def _stats_shown(registry: er.EntityRegistry, serial: str, sid: str) -> bool:
    """Whether a statistics sensor of the stream is enabled: nothing else reads statistics.

    Both are disabled by default, so an idle camera gets no request at all while its event
    channels run; enabling one reloads the entry, which starts its polling.
    """
    for key in STATS_KEYS:
        entity_id = registry.async_get_entity_id(
            Platform.SENSOR, DOMAIN, entity_unique_id(serial, f"stream_{sid}_{key}")
        )
        entry = registry.async_get(entity_id) if entity_id else None
        if entry is not None and not entry.disabled:
            return True
    return False
