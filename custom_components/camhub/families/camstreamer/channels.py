"""The apps' event channels, their supervision, and the slow timers while state is pushed."""

from __future__ import annotations

import functools
import logging
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from homeassistant.const import Platform
from homeassistant.helpers import entity_registry as er

from ...api.camstreamer import EVENT_APPS, App
from ...api.errors import CamHubError
from ...api.events import EventChannel
from ...const import DOMAIN
from ...devices import entity_unique_id
from .const import APP_TITLES, CHANNEL_SETTINGS, STATS_KEYS

if TYPE_CHECKING:
    from .host import CamStreamerHost

_LOGGER = logging.getLogger(__name__)


def sync_push(host: CamStreamerHost) -> None:
    """Push mode while every usable app's channel is up (and at least one exists)."""
    state = host.live
    apps = [app for app in EVENT_APPS if state is not None and state.usable(app)]
    up = bool(apps) and all(host.connected.get(app, False) for app in apps)
    host.coordinator.async_set_push_connected(up)


def refresh_soon(host: CamStreamerHost) -> None:
    """Read every list once more, now; requests made while a read runs get one more read.

    Not the coordinator's debounced refresh: its 10 s cooldown would delay a stream the
    camera just created, and going back to push mode cancels a refresh it deferred.
    """
    host.refresh_wanted = True
    if host.refresher is not None and not host.refresher.done():
        return

    async def refresh() -> None:
        while host.refresh_wanted:
            host.refresh_wanted = False
            await host.coordinator.async_refresh()

    host.refresher = host.entry.async_create_background_task(
        host.hass, refresh(), f"{DOMAIN} refresh {host.entry.title}"
    )


async def run_channel(host: CamStreamerHost, app: App) -> None:
    """Keep `app`'s event channel connected while the app is usable."""
    api = host.api

    async def token() -> str:
        await host.wait_usable(app)
        return await api.ws_token(app)

    def on_message(message: Any) -> None:
        if host.on_message(app, message):
            # A stream or service the lists do not have yet: read the lists once.
            refresh_soon(host)

    def on_connected(up: bool) -> None:
        host.connected[app] = up
        if app == "camstreamer":
            host.broadcasts.new_session()  # the init data after it is a snapshot, no events
        sync_push(host)
        if up:
            host.sessions[app] = host.sessions.get(app, 0) + 1
            if host.sessions[app] > 1:  # reconnected: the app may have restarted
                refresh_soon(host)

    channel = EventChannel(
        api.session,
        api.event_url(app),
        token,
        on_message,
        on_connected,
        settings=CHANNEL_SETTINGS,
        name=APP_TITLES[app],  # no address: the name is in info-level log lines
        handshake_headers=functools.partial(api.event_headers, app),
    )
    host.channels[app] = channel
    await channel.run()


async def slow_update(host: CamStreamerHost) -> None:
    """While pushed: statistics of live streams; the apps list while one needs fixing."""
    state = host.live
    if not host.coordinator.push_connected or state is None:
        return  # polling reads everything anyway
    registry = er.async_get(host.hass)
    try:
        streams = dict(state.streams or {})
        for sid, stream in streams.items():
            if stream.is_streaming and stats_shown(registry, state.info.serial, sid):
                streams[sid] = replace(stream, stats=await host.api.stream_stats(sid))
        apps = state.apps
        if any(not a.usable for a in state.apps.values()):
            apps = await host.api.applications()
    except CamHubError as err:
        _LOGGER.debug("Slow update of %s failed: %s", state.info.serial, err)
        return
    if host.live is not None:
        new = replace(host.live, streams=streams if state.streams is not None else None)
        if apps != state.apps:
            refresh_soon(host)  # an app came or went: read it all
            return
        host.set_state(replace(new, apps=apps))


def stats_shown(registry: er.EntityRegistry, serial: str, sid: str) -> bool:
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
