"""Entity descriptions per stream, CamSwitcher, CamOverlay service and I/O port.

Static tuples, one per item kind; `camera_entities` places them on the items a state has.
Items: a stream id, a CamSwitcher source id, an overlay service id, an I/O port number (as
text); CamSwitcher's and CamOverlay's own controls sit on the camera without an item.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Final

from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.const import EntityCategory, UnitOfInformation

from ...api.camstreamer import (
    BROADCAST_KINDS,
    TRIGGERS,
    App,
    AxisState,
    BroadcastEvent,
    MasterAudio,
    OverlayService,
    Stream,
    StreamStats,
    SwitcherState,
)
from ...descriptions import (
    CamHubBinarySensorDescription,
    CamHubButtonDescription,
    CamHubDescription,
    CamHubEventDescription,
    CamHubSelectDescription,
    CamHubSensorDescription,
    CamHubSwitchDescription,
    CamHubTextDescription,
    EntityEvent,
    EventAttribute,
    PlacedEntity,
    StateValue,
    place,
)
from .const import AUDIO_NONE, AUDIO_SILENCE, CLIP_PREFIX, SERVICE_TYPES, STREAM_PREFIX

if TYPE_CHECKING:
    from .host import CamStreamerHost

type Description = CamHubDescription[AxisState]


def mac_of(serial: str) -> str | None:
    """An Axis serial is the camera's MAC address."""
    s = serial.upper()
    if len(s) != 12 or any(c not in "0123456789ABCDEF" for c in s):
        return None
    return ":".join(s[i : i + 2] for i in range(0, 12, 2)).lower()


# --- streams ----------------------------------------------------------------------------------


def _stream(state: AxisState, sid: str) -> Stream | None:
    return (state.streams or {}).get(sid)


def _has_stream(state: AxisState, sid: str) -> bool:
    return _stream(state, sid) is not None


def _stats(state: AxisState, sid: str) -> StreamStats | None:
    stream = _stream(state, sid)
    return stream.stats if stream is not None else None


def _bytes_sent(state: AxisState, sid: str) -> StateValue:
    return stats.bytes_sent if (stats := _stats(state, sid)) else None


def _start_count(state: AxisState, sid: str) -> StateValue:
    return stats.start_count if (stats := _stats(state, sid)) else None


def _entity_event(event: BroadcastEvent) -> EntityEvent:
    """A broadcast event for the event entity; the app's words only where it sent any."""
    found = {"message": event.message, "api_call": event.api_call, "code": event.code}
    attributes: dict[str, EventAttribute] = {k: v for k, v in found.items() if v is not None}
    return EntityEvent(event.seq, event.kind, attributes)


def _broadcast_events(state: AxisState, sid: str) -> list[EntityEvent]:
    return [_entity_event(event) for event in state.broadcasts.get(sid, ())]


STREAM_ENTITIES: Final[tuple[Description, ...]] = (
    CamHubSwitchDescription[AxisState, "CamStreamerHost"](
        key="broadcast",
        translation_key="broadcast",
        exists_fn=_has_stream,
        value_fn=lambda s, sid: (st := _stream(s, sid)) is not None and st.enabled,
        set_fn=lambda host, sid, on: host.api.set_stream_flag(sid, "enabled", on),
    ),
    CamHubSwitchDescription[AxisState, "CamStreamerHost"](
        key="active",
        translation_key="stream_active",
        entity_category=EntityCategory.CONFIG,
        exists_fn=_has_stream,
        value_fn=lambda s, sid: (st := _stream(s, sid)) is not None and st.active,
        set_fn=lambda host, sid, on: host.api.set_stream_flag(sid, "active", on),
    ),
    CamHubBinarySensorDescription[AxisState](
        key="streaming",
        translation_key="streaming",
        device_class=BinarySensorDeviceClass.RUNNING,
        exists_fn=_has_stream,
        value_fn=lambda s, sid: st.is_streaming if (st := _stream(s, sid)) else None,
    ),
    CamHubSensorDescription[AxisState](
        key="bytes_sent",
        translation_key="bytes_sent",
        device_class=SensorDeviceClass.DATA_SIZE,
        native_unit_of_measurement=UnitOfInformation.BYTES,
        suggested_unit_of_measurement=UnitOfInformation.MEGABYTES,
        state_class=SensorStateClass.TOTAL_INCREASING,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        exists_fn=_has_stream,
        value_fn=_bytes_sent,
    ),
    CamHubSensorDescription[AxisState](
        key="start_count",
        translation_key="start_count",
        state_class=SensorStateClass.TOTAL_INCREASING,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        exists_fn=_has_stream,
        value_fn=_start_count,
    ),
    CamHubSensorDescription[AxisState](
        key="trigger",
        translation_key="automation",
        device_class=SensorDeviceClass.ENUM,
        options=[*TRIGGERS, "input"],
        entity_category=EntityCategory.DIAGNOSTIC,
        exists_fn=_has_stream,
        value_fn=lambda s, sid: _trigger_kind(_stream(s, sid)),
    ),
    CamHubEventDescription[AxisState](
        key="broadcast_event",
        translation_key="broadcast_event",
        event_types=list(BROADCAST_KINDS),
        exists_fn=_has_stream,
        events_fn=_broadcast_events,
    ),
)
"""Per CamStreamer stream (the item is the stream id; keys `stream_<id>_<key>`)."""


def _trigger_kind(stream: Stream | None) -> str | None:
    if stream is None:
        return None
    if stream.trigger.startswith("input"):
        return "input"
    return stream.trigger if stream.trigger in TRIGGERS else None


def _playlist_by_name(switcher: SwitcherState, name: str) -> str | None:
    """A playlist id from its niceName (or its id, for actions)."""
    if name in switcher.playlists:
        return name
    return next((p.id for p in switcher.playlists.values() if p.nice_name == name), None)


def _audio_options(switcher: SwitcherState) -> list[str]:
    streams = [p.nice_name for p in switcher.playlists.values() if p.id.startswith("c")]
    return [
        AUDIO_NONE,
        AUDIO_SILENCE,
        *(STREAM_PREFIX + name for name in streams),
        *(CLIP_PREFIX + name for name in switcher.clips.values()),
    ]


def _audio_value(switcher: SwitcherState) -> str | None:
    audio = switcher.master_audio
    if audio.type == "NONE":
        return AUDIO_NONE
    if audio.type == "SILENCE":
        return AUDIO_SILENCE
    if audio.type == "STREAM" and (p := switcher.playlists.get(audio.stream_name)):
        return STREAM_PREFIX + p.nice_name
    if audio.type == "CLIP" and audio.clip_name in switcher.clips:
        return CLIP_PREFIX + switcher.clips[audio.clip_name]
    return None


def _audio_choice(switcher: SwitcherState, option: str) -> MasterAudio:
    """The master audio setting an option stands for; ValueError if none."""
    if option == AUDIO_NONE:
        return MasterAudio("NONE")
    if option == AUDIO_SILENCE:
        return MasterAudio("SILENCE")
    if option.startswith(STREAM_PREFIX):
        pid = _playlist_by_name(switcher, option.removeprefix(STREAM_PREFIX))
        if pid is not None:
            return MasterAudio("STREAM", stream_name=pid)
    if option.startswith(CLIP_PREFIX):
        name = option.removeprefix(CLIP_PREFIX)
        cid = next((c for c, n in switcher.clips.items() if n == name), None)
        if cid is not None:
            return MasterAudio("CLIP", clip_name=cid)
    raise ValueError(f"unknown master audio {option!r}")


# --- CamSwitcher ------------------------------------------------------------------------------


def _has_switcher(state: AxisState, _: str) -> bool:
    return state.switcher is not None


def _playlist_value(state: AxisState, _: str) -> str | None:
    sw = state.switcher
    playlist = sw.playlists.get(sw.current_playlist or "") if sw else None
    return playlist.nice_name if playlist else None


async def _select_playlist(host: CamStreamerHost, _: str, option: str) -> None:
    sw = host.live.switcher if host.live else None
    pid = _playlist_by_name(sw, option) if sw else None
    if pid is None:
        raise ValueError(f"unknown playlist {option!r}")
    await host.api.playlist_switch(pid)


def _playlist_label(switcher: SwitcherState, pid: str | None) -> str | None:
    """A playlist's (unique) name; an id the lists do not know stays an id."""
    if pid is None:
        return None
    playlist = switcher.playlists.get(pid)
    return playlist.nice_name if playlist else pid


async def _play_next(host: CamStreamerHost, _: str) -> None:
    await host.api.queue_play_next()
    await host.read_queue()


async def _clear_queue(host: CamStreamerHost, _: str) -> None:
    await host.api.queue_clear()
    await host.read_queue()


async def _select_audio(host: CamStreamerHost, _: str, option: str) -> None:
    sw = host.live.switcher if host.live else None
    if sw is None:
        raise ValueError("CamSwitcher is not available")
    audio = _audio_choice(sw, option)
    await host.api.set_master_audio(audio)
    host.update(
        lambda s: replace(s, switcher=replace(s.switcher, master_audio=audio)) if s.switcher else s
    )


SWITCHER_ENTITIES: Final[tuple[Description, ...]] = (
    CamHubSelectDescription[AxisState, "CamStreamerHost"](
        key="camswitcher_playlist",
        translation_key="playlist",
        exists_fn=_has_switcher,
        options_fn=lambda s, _: (
            [p.nice_name for p in s.switcher.playlists.values()] if s.switcher else []
        ),
        value_fn=_playlist_value,
        set_fn=_select_playlist,
    ),
    CamHubSelectDescription[AxisState, "CamStreamerHost"](
        key="camswitcher_master_audio",
        translation_key="master_audio",
        entity_category=EntityCategory.CONFIG,
        exists_fn=_has_switcher,
        options_fn=lambda s, _: _audio_options(s.switcher) if s.switcher else [],
        value_fn=lambda s, _: _audio_value(s.switcher) if s.switcher else None,
        set_fn=_select_audio,
    ),
    CamHubButtonDescription[AxisState, "CamStreamerHost"](
        key="camswitcher_play_next",
        translation_key="play_next",
        exists_fn=_has_switcher,
        press_fn=_play_next,
    ),
    CamHubButtonDescription[AxisState, "CamStreamerHost"](
        key="camswitcher_clear_queue",
        translation_key="clear_queue",
        exists_fn=_has_switcher,
        press_fn=_clear_queue,
    ),
    CamHubSensorDescription[AxisState](
        key="camswitcher_audio_source",
        translation_key="audio_source",
        exists_fn=_has_switcher,
        value_fn=lambda s, _: _playlist_label(s.switcher, s.switcher.audio_source)
        if s.switcher
        else None,
    ),
    CamHubSensorDescription[AxisState](
        key="camswitcher_default_playlist",
        translation_key="default_playlist",
        entity_category=EntityCategory.DIAGNOSTIC,
        exists_fn=_has_switcher,
        value_fn=lambda s, _: _playlist_label(s.switcher, s.switcher.default_playlist)
        if s.switcher
        else None,
    ),
    CamHubSensorDescription[AxisState](
        key="camswitcher_queue",
        translation_key="queue",
        state_class=SensorStateClass.MEASUREMENT,
        exists_fn=_has_switcher,
        value_fn=lambda s, _: len(s.switcher.queue) if s.switcher else None,
    ),
    CamHubSensorDescription[AxisState](
        key="camswitcher_queue_next",
        translation_key="queue_next",
        exists_fn=_has_switcher,
        value_fn=lambda s, _: _playlist_label(s.switcher, next(iter(s.switcher.queue), None))
        if s.switcher
        else None,
    ),
)
"""CamSwitcher's own controls, on the camera."""

SOURCE_ENTITIES: Final[tuple[Description, ...]] = (
    CamHubBinarySensorDescription[AxisState](
        key="camswitcher_source",
        translation_key="source_available",
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        exists_fn=lambda s, src: s.switcher is not None and src in s.switcher.available,
        value_fn=lambda s, src: s.switcher.available.get(src) if s.switcher else None,
    ),
)
"""Per CamSwitcher source (key `camswitcher_source_<id>`)."""


# --- CamOverlay -------------------------------------------------------------------------------


def service_name(kind: str, custom_name: str, service_id: int) -> str:
    """An overlay service's display name: its custom name, else its type and id."""
    return custom_name or f"{SERVICE_TYPES.get(kind, kind)} {service_id}"


def _service(state: AxisState, item: str) -> OverlayService | None:
    return state.overlay.services.get(int(item)) if state.overlay else None


async def _set_overlays(host: CamStreamerHost, _: str, on: bool) -> None:
    await host.api.set_overlay_enabled(on)
    host.update(lambda s: replace(s, overlay=replace(s.overlay, enabled=on)) if s.overlay else s)


async def _set_ticker(host: CamStreamerHost, item: str, text: str) -> None:
    service_id = int(item)
    await host.api.set_infoticker_text(service_id, text)

    def change(s: AxisState) -> AxisState:
        if s.overlay is None or service_id not in s.overlay.services:
            return s
        services = {**s.overlay.services}
        services[service_id] = replace(services[service_id], text=text)
        return replace(s, overlay=replace(s.overlay, services=services))

    host.update(change)


OVERLAY_ENTITIES: Final[tuple[Description, ...]] = (
    CamHubSwitchDescription[AxisState, "CamStreamerHost"](
        key="camoverlay_enabled",
        translation_key="overlays",
        exists_fn=lambda s, _: s.overlay is not None,
        value_fn=lambda s, _: s.overlay.enabled if s.overlay else None,
        set_fn=_set_overlays,
    ),
)
"""CamOverlay's own switch, on the camera."""

SERVICE_SWITCH: Final = CamHubSwitchDescription[AxisState, "CamStreamerHost"](
    key="camoverlay_service",
    translation_key="overlay_service",
    exists_fn=lambda s, item: _service(s, item) is not None,
    value_fn=lambda s, item: sv.enabled if (sv := _service(s, item)) else None,
    set_fn=lambda host, item, on: host.api.set_service_enabled(int(item), on),
)
"""Per overlay service (key `camoverlay_service_<id>`)."""

TICKER_TEXT: Final = CamHubTextDescription[AxisState, "CamStreamerHost"](
    key="camoverlay_ticker",
    translation_key="ticker_text",
    native_max=1024,
    exists_fn=lambda s, item: (sv := _service(s, item)) is not None and sv.text is not None,
    value_fn=lambda s, item: sv.text if (sv := _service(s, item)) else None,
    set_fn=_set_ticker,
)
"""Per info ticker service (key `camoverlay_ticker_<id>`)."""

PORT_ENTITIES: Final[tuple[Description, ...]] = (
    CamHubBinarySensorDescription[AxisState](
        key="io_port",
        translation_key="io_port",
        exists_fn=lambda s, port: int(port) in s.ports,
        value_fn=lambda s, port: s.ports.get(int(port)),
    ),
)
"""Per I/O port CamStreamer reports (key `io_port_<n>`)."""


def _while_usable(app: App, found: list[PlacedEntity[AxisState]]) -> list[PlacedEntity[AxisState]]:
    """Tie entities to their app: stopped or unlicensed means unavailable, not removed.

    The user's names, areas and automations stay; a repair issue says what to fix. Only an
    app that is uninstalled loses its entities.
    """
    return [replace(p, description=_USABLE[app](p.description)) for p in found]


class _UsableCache:
    """Each static description with `available_fn` tied to its app, made once per app."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.made: dict[int, Description] = {}

    def __call__(self, description: Description) -> Description:
        found = self.made.get(id(description))
        if found is None:
            app = self.app
            found = replace(description, available_fn=lambda s, _: s.usable(app))
            self.made[id(description)] = found
        return found


_APPS_WITH_ENTITIES: Final[tuple[App, ...]] = ("camstreamer", "camswitcher", "camoverlay")
_USABLE: Final[dict[App, _UsableCache]] = {app: _UsableCache(app) for app in _APPS_WITH_ENTITIES}


def camera_entities(state: AxisState) -> list[PlacedEntity[AxisState]]:
    """Place every description on the items this state has."""
    serial = state.info.serial
    found: list[PlacedEntity[AxisState]] = []
    streams: list[PlacedEntity[AxisState]] = []
    for sid in state.streams or {}:
        streams += place(
            STREAM_ENTITIES, serial, item=sid, prefix=f"stream_{sid}",
            names={"name": state.streams[sid].name} if state.streams else None,
        )  # fmt: skip
    found += _while_usable("camstreamer", streams)
    if (switcher := state.switcher) is not None:
        placed = place(SWITCHER_ENTITIES, serial)
        for source in switcher.available:
            playlist = switcher.playlists.get(source)
            names = {"name": playlist.nice_name if playlist else source}
            placed += place(SOURCE_ENTITIES, serial, item=source, suffix=source, names=names)
        found += _while_usable("camswitcher", placed)
    if (overlay := state.overlay) is not None:
        placed = place(OVERLAY_ENTITIES, serial)
        for service in overlay.services.values():
            item = str(service.id)
            names = {"name": service_name(service.type, service.custom_name, service.id)}
            kinds: list[Description] = [SERVICE_SWITCH]
            if service.text is not None:
                kinds.append(TICKER_TEXT)
            placed += place(kinds, serial, item=item, suffix=item, names=names)
        found += _while_usable("camoverlay", placed)
    for port in sorted(state.ports):
        found += place(
            PORT_ENTITIES, serial, item=str(port), suffix=str(port), names={"port": str(port)}
        )
    return found
