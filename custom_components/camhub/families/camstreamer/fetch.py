"""Reading a camera's whole state from the apps' list endpoints (start-up, reconnects, polls)."""

from __future__ import annotations

from dataclasses import replace

from ...api.camstreamer import (
    AxisCamStreamerClient,
    AxisState,
    OverlayState,
    Stream,
    SwitcherState,
)


async def fetch_axis_state(api: AxisCamStreamerClient, previous: AxisState | None) -> AxisState:
    """Read every usable app's lists; keep what only events tell (current playlist, ports)."""
    info = await api.device_info()
    apps = await api.applications()
    state = AxisState(
        info=info,
        apps=apps,
        ports=dict(previous.ports) if previous else {},
        channels=await api.channels(),
        presets=await api.ptz_presets(),
        at_preset=dict(previous.at_preset) if previous else {},
    )
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
        automation = before.automation_state if before else None  # only events carry it
        merged[sid] = replace(
            stream, is_streaming=streaming, stats=stats, automation_state=automation
        )
    return merged


async def _fetch_switcher(api: AxisCamStreamerClient, previous: AxisState | None) -> SwitcherState:
    old = previous.switcher if previous else None
    return SwitcherState(
        playlists=await api.playlists(),
        clips=await api.clips(),
        master_audio=await api.master_audio(),
        current_playlist=old.current_playlist if old else None,
        available=dict(old.available) if old else {},
        audio_source=old.audio_source if old else None,
        default_playlist=old.default_playlist if old else None,
        queue=tuple(await api.queue()),
    )
