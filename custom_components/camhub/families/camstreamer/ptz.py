"""Axis video channels and PTZ presets: a camera entity per channel, a preset select each.

Multi-sensor cameras number their channels from 1 (`camera=N` on `image.cgi`, `video.cgi`
and RTSP); channel 1 keeps the `camera` entity every Axis entry has, so its unique id does
not change. A channel with PTZ presets (`ptz.cgi?query=presetposall`) gets a select that
moves it with `gotoserverpresetname=`; the camera does not say which preset it is at, so
the select shows the last one CamHub went to.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Final

from ...api.camstreamer import AxisCamStreamerClient, AxisState
from ...descriptions import CamHubDescription, CamHubSelectDescription, PlacedEntity, place
from ..base import VideoSource

if TYPE_CHECKING:
    from .host import CamStreamerHost


def _presets(state: AxisState, item: str) -> list[str]:
    return list(state.presets.get(int(item), ()))


async def _goto(host: CamStreamerHost, item: str, option: str) -> None:
    channel = int(item)
    if host.live is None or option not in host.live.presets.get(channel, ()):
        raise ValueError(f"channel {channel} has no preset {option!r}")
    await host.api.goto_preset(channel, option)
    host.update(lambda s: replace(s, at_preset={**s.at_preset, channel: option}))


PTZ_PRESET: Final = CamHubSelectDescription[AxisState, "CamStreamerHost"](
    key="ptz_preset",
    translation_key="ptz_preset",
    exists_fn=lambda s, item: bool(s.presets.get(int(item))),
    options_fn=_presets,
    value_fn=lambda s, item: s.at_preset.get(int(item)),
    set_fn=_goto,
)
"""Per channel with presets; channel 1's key is `ptz_preset`, others `ptz_preset_<n>`."""

PTZ_PRESET_CHANNEL: Final = replace(PTZ_PRESET, translation_key="ptz_preset_channel")


def ptz_entities(state: AxisState) -> list[PlacedEntity[AxisState]]:
    """A preset select per channel that has presets."""
    found: list[PlacedEntity[AxisState]] = []
    for channel in sorted(state.presets):
        if channel == 1:
            found += place([PTZ_PRESET], state.info.serial, item="1")
        else:
            kinds: list[CamHubDescription[AxisState]] = [PTZ_PRESET_CHANNEL]
            found += place(
                kinds, state.info.serial, item=str(channel), suffix=str(channel),
                names={"channel": str(channel)},
            )  # fmt: skip
    return found


def channel_sources(api: AxisCamStreamerClient, state: AxisState, fps: int) -> list[VideoSource]:
    """A camera entity per channel after the first (`camera_<n>`)."""
    return [_channel_source(api, state, channel, fps) for channel in range(2, state.channels + 1)]


def _channel_source(
    api: AxisCamStreamerClient, state: AxisState, channel: int, fps: int
) -> VideoSource:
    async def snapshot() -> bytes:
        return await api.snapshot(channel)

    async def rtsp() -> str:
        return api.rtsp_url(channel)

    return VideoSource(
        key=f"camera_{channel}",
        device_id=state.info.serial,
        translation_key="camera_channel",
        translation_placeholders={"channel": str(channel)},
        snapshot=snapshot,
        frames=lambda: api.mjpeg(fps, channel),
        stream_source=rtsp,
        frame_interval=1 / fps,
    )
