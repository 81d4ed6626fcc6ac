"""Entity descriptions per stream, CamSwitcher, CamOverlay service and I/O port."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.const import EntityCategory, UnitOfInformation

from ...api.camstreamer import (
    TRIGGERS,
    App,
    AxisState,
    MasterAudio,
    OverlayState,
    Stream,
    SwitcherState,
)
from ...descriptions import (
    CamHubBinarySensorDescription,
    CamHubButtonDescription,
    CamHubDescription,
    CamHubSelectDescription,
    CamHubSensorDescription,
    CamHubSwitchDescription,
    CamHubTextDescription,
)
from .const import AUDIO_NONE, AUDIO_SILENCE, CLIP_PREFIX, SERVICE_TYPES, STREAM_PREFIX
from .host import CamStreamerDevice


def _stream(state: AxisState, sid: str) -> Stream | None:
    return (state.streams or {}).get(sid)


def _stream_descriptions(serial: str, stream: Stream) -> list[CamHubDescription]:
    sid = stream.id
    names = {"name": stream.name}

    def exists(state: AxisState) -> bool:
        return _stream(state, sid) is not None

    def attr(name: str) -> Callable[[AxisState], Any]:
        return lambda state: getattr(_stream(state, sid), name, None)

    def stat(name: str) -> Callable[[AxisState], Any]:
        def value(state: AxisState) -> Any:
            s = _stream(state, sid)
            return getattr(s.stats, name, None) if s is not None and s.stats else None

        return value

    async def set_enabled(client: CamStreamerDevice, on: bool) -> None:
        await client.api.set_stream_flag(sid, "enabled", on)

    async def set_active(client: CamStreamerDevice, on: bool) -> None:
        await client.api.set_stream_flag(sid, "active", on)

    return [
        CamHubSwitchDescription(
            key=f"stream_{sid}_broadcast",
            device_id=serial,
            translation_key="broadcast",
            translation_placeholders=names,
            exists_fn=exists,
            value_fn=attr("enabled"),
            set_fn=set_enabled,
        ),
        CamHubSwitchDescription(
            key=f"stream_{sid}_active",
            device_id=serial,
            translation_key="stream_active",
            translation_placeholders=names,
            entity_category=EntityCategory.CONFIG,
            exists_fn=exists,
            value_fn=attr("active"),
            set_fn=set_active,
        ),
        CamHubBinarySensorDescription(
            key=f"stream_{sid}_streaming",
            device_id=serial,
            translation_key="streaming",
            translation_placeholders=names,
            device_class=BinarySensorDeviceClass.RUNNING,
            exists_fn=exists,
            value_fn=attr("is_streaming"),
        ),
        CamHubSensorDescription(
            key=f"stream_{sid}_bytes_sent",
            device_id=serial,
            translation_key="bytes_sent",
            translation_placeholders=names,
            device_class=SensorDeviceClass.DATA_SIZE,
            native_unit_of_measurement=UnitOfInformation.BYTES,
            suggested_unit_of_measurement=UnitOfInformation.MEGABYTES,
            state_class=SensorStateClass.TOTAL_INCREASING,
            entity_category=EntityCategory.DIAGNOSTIC,
            entity_registry_enabled_default=False,
            exists_fn=exists,
            value_fn=stat("bytes_sent"),
        ),
        CamHubSensorDescription(
            key=f"stream_{sid}_start_count",
            device_id=serial,
            translation_key="start_count",
            translation_placeholders=names,
            state_class=SensorStateClass.TOTAL_INCREASING,
            entity_category=EntityCategory.DIAGNOSTIC,
            entity_registry_enabled_default=False,
            exists_fn=exists,
            value_fn=stat("start_count"),
        ),
        CamHubSensorDescription(
            key=f"stream_{sid}_trigger",
            device_id=serial,
            translation_key="automation",
            translation_placeholders=names,
            device_class=SensorDeviceClass.ENUM,
            options=[*TRIGGERS, "input"],
            entity_category=EntityCategory.DIAGNOSTIC,
            exists_fn=exists,
            value_fn=lambda state: _trigger_kind(_stream(state, sid)),
        ),
    ]


def _while_usable(app: App, found: list[CamHubDescription]) -> list[CamHubDescription]:
    """Tie descriptions to their app: stopped or unlicensed means unavailable, not removed.

    The user's names, areas and automations stay; a repair issue says what to fix. Only an
    app that is uninstalled loses its entities.
    """

    def usable(state: AxisState) -> bool:
        return state.usable(app)

    return [replace(description, available_fn=usable) for description in found]


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


def _switcher_descriptions(serial: str, switcher: SwitcherState) -> list[CamHubDescription]:
    def has_switcher(state: AxisState) -> bool:
        return state.switcher is not None

    def playlist_value(state: AxisState) -> str | None:
        sw = state.switcher
        playlist = sw.playlists.get(sw.current_playlist or "") if sw else None
        return playlist.nice_name if playlist else None

    async def select_playlist(client: CamStreamerDevice, option: str) -> None:
        sw = client.state.switcher if client.state else None
        pid = _playlist_by_name(sw, option) if sw else None
        if pid is None:
            raise ValueError(f"unknown playlist {option!r}")
        await client.api.playlist_switch(pid)

    async def select_audio(client: CamStreamerDevice, option: str) -> None:
        sw = client.state.switcher if client.state else None
        if sw is None:
            raise ValueError("CamSwitcher is not available")
        audio = _audio_choice(sw, option)
        await client.api.set_master_audio(audio)
        client.update(
            lambda s: replace(s, switcher=replace(s.switcher, master_audio=audio))
            if s.switcher
            else s
        )

    async def play_next(client: CamStreamerDevice) -> None:
        await client.api.queue_play_next()

    async def clear_queue(client: CamStreamerDevice) -> None:
        await client.api.queue_clear()

    found: list[CamHubDescription] = [
        CamHubSelectDescription(
            key="camswitcher_playlist",
            device_id=serial,
            translation_key="playlist",
            exists_fn=has_switcher,
            options_fn=lambda s: [p.nice_name for p in s.switcher.playlists.values()]
            if s.switcher
            else [],
            value_fn=playlist_value,
            set_fn=select_playlist,
        ),
        CamHubSelectDescription(
            key="camswitcher_master_audio",
            device_id=serial,
            translation_key="master_audio",
            entity_category=EntityCategory.CONFIG,
            exists_fn=has_switcher,
            options_fn=lambda s: _audio_options(s.switcher) if s.switcher else [],
            value_fn=lambda s: _audio_value(s.switcher) if s.switcher else None,
            set_fn=select_audio,
        ),
        CamHubButtonDescription(
            key="camswitcher_play_next",
            device_id=serial,
            translation_key="play_next",
            exists_fn=has_switcher,
            press_fn=play_next,
        ),
        CamHubButtonDescription(
            key="camswitcher_clear_queue",
            device_id=serial,
            translation_key="clear_queue",
            exists_fn=has_switcher,
            press_fn=clear_queue,
        ),
    ]
    for source in switcher.available:
        playlist = switcher.playlists.get(source)
        found.append(
            _source_description(serial, source, playlist.nice_name if playlist else source)
        )
    return found


def _source_description(serial: str, source: str, name: str) -> CamHubDescription:
    def available(state: AxisState) -> bool | None:
        return state.switcher.available.get(source) if state.switcher else None

    return CamHubBinarySensorDescription(
        key=f"camswitcher_source_{source}",
        device_id=serial,
        translation_key="source_available",
        translation_placeholders={"name": name},
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        exists_fn=lambda s: s.switcher is not None and source in s.switcher.available,
        value_fn=available,
    )


def service_name(kind: str, custom_name: str, service_id: int) -> str:
    """An overlay service's display name: its custom name, else its type and id."""
    return custom_name or f"{SERVICE_TYPES.get(kind, kind)} {service_id}"


def _overlay_descriptions(serial: str, overlay: OverlayState) -> list[CamHubDescription]:
    async def set_all(client: CamStreamerDevice, on: bool) -> None:
        await client.api.set_overlay_enabled(on)
        client.update(
            lambda s: replace(s, overlay=replace(s.overlay, enabled=on)) if s.overlay else s
        )

    found: list[CamHubDescription] = [
        CamHubSwitchDescription(
            key="camoverlay_enabled",
            device_id=serial,
            translation_key="overlays",
            exists_fn=lambda s: s.overlay is not None,
            value_fn=lambda s: s.overlay.enabled if s.overlay else None,
            set_fn=set_all,
        )
    ]
    for service in overlay.services.values():
        found += _service_descriptions(
            serial,
            service.id,
            service_name(service.type, service.custom_name, service.id),
            service.text is not None,
        )
    return found


def _service_descriptions(
    serial: str, service_id: int, name: str, ticker: bool
) -> list[CamHubDescription]:
    def get(state: AxisState) -> Any:
        return state.overlay.services.get(service_id) if state.overlay else None

    async def set_enabled(client: CamStreamerDevice, on: bool) -> None:
        await client.api.set_service_enabled(service_id, on)

    async def set_text(client: CamStreamerDevice, text: str) -> None:
        await client.api.set_infoticker_text(service_id, text)

        def change(s: AxisState) -> AxisState:
            if s.overlay is None or service_id not in s.overlay.services:
                return s
            services = {**s.overlay.services}
            services[service_id] = replace(services[service_id], text=text)
            return replace(s, overlay=replace(s.overlay, services=services))

        client.update(change)

    names = {"name": name}
    found: list[CamHubDescription] = [
        CamHubSwitchDescription(
            key=f"camoverlay_service_{service_id}",
            device_id=serial,
            translation_key="overlay_service",
            translation_placeholders=names,
            exists_fn=lambda s: get(s) is not None,
            value_fn=lambda s: getattr(get(s), "enabled", None),
            set_fn=set_enabled,
        )
    ]
    if ticker:
        found.append(
            CamHubTextDescription(
                key=f"camoverlay_ticker_{service_id}",
                device_id=serial,
                translation_key="ticker_text",
                translation_placeholders=names,
                native_max=1024,
                exists_fn=lambda s: getattr(get(s), "text", None) is not None,
                value_fn=lambda s: getattr(get(s), "text", None),
                set_fn=set_text,
            )
        )
    return found


def _port_description(serial: str, port: int) -> CamHubDescription:
    return CamHubBinarySensorDescription(
        key=f"io_port_{port}",
        device_id=serial,
        translation_key="io_port",
        translation_placeholders={"port": str(port)},
        exists_fn=lambda s: port in s.ports,
        value_fn=lambda s: s.ports.get(port),
    )
