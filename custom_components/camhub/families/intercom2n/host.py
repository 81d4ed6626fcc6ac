"""The per-entry host of a 2N intercom: its state, device, cameras and options.

The state (identity and caps) is polled slowly, mainly to know the intercom is reachable.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, ClassVar

import probatio
from homeassistant.const import Platform
from homeassistant.helpers import selector
from homeassistant.helpers.device_registry import CONNECTION_NETWORK_MAC

from ...api.intercom2n import (
    FPS_MAX,
    FPS_MIN,
    HISTORY_MAX_HEIGHT,
    HISTORY_MAX_WIDTH,
    Caps,
    Intercom2NClient,
    Resolution,
    SystemInfo,
)
from ...const import CONF_FPS, CONF_RESOLUTION, DEFAULT_FPS, DOMAIN
from ...devices import CamHubDeviceInfo
from ..base import FamilyHost, VideoSource, fps_option

DEFAULT_RESOLUTION = Resolution(640, 480)
KNOWN_SOURCES = ("internal", "external")


@dataclass(frozen=True, slots=True)
class Intercom2NState:
    """Identity and camera capabilities of one intercom."""

    info: SystemInfo
    caps: Caps


class Intercom2NHost(FamilyHost[Intercom2NClient, Intercom2NState]):
    """One intercom: its identity and caps, polled slowly (it has no event channel yet)."""

    platforms: ClassVar[tuple[Platform, ...]] = (Platform.CAMERA,)
    update_interval: ClassVar[timedelta | None] = timedelta(seconds=30)

    async def fetch_state(self) -> Intercom2NState:
        """Identity and caps (caps also prove the credentials still work)."""
        client = self.client
        return Intercom2NState(info=await client.system_info(), caps=await client.caps())

    def device_infos(self, state: Intercom2NState) -> dict[str, CamHubDeviceInfo]:
        """One device: the intercom."""
        info = state.info
        device = CamHubDeviceInfo(
            identifiers={(DOMAIN, info.serial)},
            manufacturer="2N",
            model=info.variant,
            name=info.name,
            serial_number=info.serial,
            sw_version=info.sw_version,
            hw_version=info.hw_version,
            configuration_url=str(self.client.transport.base_url),
        )
        if info.mac:
            device["connections"] = {(CONNECTION_NETWORK_MAC, info.mac.lower())}
        return {info.serial: device}

    def video_sources(self, state: Intercom2NState) -> list[VideoSource]:
        """One camera per source the caps list, at the chosen resolution and frame rate."""
        options, client = self.options, self.client
        resolution = _resolution(state.caps, options)
        fps = int(options.get(CONF_FPS, DEFAULT_FPS))
        history = state.caps.best_at_most(
            min(resolution.width, HISTORY_MAX_WIDTH), min(resolution.height, HISTORY_MAX_HEIGHT)
        )
        return [
            _source(client, state.info.serial, name, resolution, history, fps)
            for name in state.caps.sources
        ]

    def options_schema(self) -> probatio.Schema:
        """Resolution from the caps; MJPEG frame rate within what the intercom allows."""
        state, options = self.state, self.options
        return probatio.Schema(
            {
                probatio.Required(
                    CONF_RESOLUTION, default=str(_resolution(state.caps, options))
                ): selector.SelectSelector(
                    selector.SelectSelectorConfig(
                        options=[str(r) for r in state.caps.resolutions],
                        mode=selector.SelectSelectorMode.DROPDOWN,
                    )
                ),
            }
        ).extend(fps_option(options, DEFAULT_FPS, FPS_MIN, FPS_MAX).schema)


def _resolution(caps: Caps, options: Mapping[str, Any]) -> Resolution:
    """The chosen resolution if the camera still offers it, else the best up to 640x480."""
    try:
        chosen = Resolution.parse(str(options[CONF_RESOLUTION]))
    except (KeyError, ValueError):
        chosen = DEFAULT_RESOLUTION
    if chosen in caps.resolutions:
        return chosen
    return caps.best_at_most(DEFAULT_RESOLUTION.width, DEFAULT_RESOLUTION.height)


def _source(
    client: Intercom2NClient,
    serial: str,
    source: str,
    resolution: Resolution,
    history: Resolution,
    fps: int,
) -> VideoSource:
    async def snapshot() -> bytes:
        return await client.snapshot(source, resolution)

    def frames() -> AsyncIterator[bytes]:
        return client.mjpeg(source, resolution, fps)

    async def from_history(seconds_ago: int) -> bytes:
        return await client.snapshot(source, history, seconds_ago)

    return VideoSource(
        key=source,
        device_id=serial,
        translation_key=source if source in KNOWN_SOURCES else "camera",
        snapshot=snapshot,
        frames=frames,
        history=from_history,
        frame_interval=1 / fps,
    )
