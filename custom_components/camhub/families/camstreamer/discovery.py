"""LAN discovery: the cameras CamScripter (or CamOverlay) lists, offered as new entries."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import SOURCE_INTEGRATION_DISCOVERY
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.helpers import discovery_flow

from ...api.camstreamer import App, NetworkCamera
from ...api.errors import CamHubError
from ...const import DOMAIN

if TYPE_CHECKING:
    from .host import CamStreamerHost

_LOGGER = logging.getLogger(__name__)


async def discover_cameras(hass: HomeAssistant, client: CamStreamerHost) -> None:
    """Offer every camera CamScripter/CamOverlay found that is not configured yet.

    A configured camera listed at another address gets a discovery flow too: the flow finds
    its entry by serial and moves it to the new host (discovery-update-info). One listed
    where its entry already points needs nothing.
    """
    state = client.live
    candidates: tuple[App, ...] = ("camscripter", "camoverlay")
    app = next((a for a in candidates if state is not None and state.usable(a)), None)
    if app is None:
        return
    try:
        cameras = await client.api.network_cameras(app)
    except CamHubError as err:
        _LOGGER.debug("Camera list of %s failed: %s", client.api.base_url.host, err)
        return
    hosts = {e.unique_id: e.data.get(CONF_HOST) for e in hass.config_entries.async_entries(DOMAIN)}
    for camera in cameras:
        if camera.serial is None or hosts.get(camera.serial, object()) == camera.host:
            continue
        discovery_flow.async_create_flow(
            hass,
            DOMAIN,
            context={"source": SOURCE_INTEGRATION_DISCOVERY},
            data=_discovery_data(camera),
        )


def _discovery_data(camera: NetworkCamera) -> dict[str, Any]:
    data: dict[str, Any] = {CONF_HOST: camera.host, "serial": camera.serial, "name": camera.name}
    if camera.port is not None:
        data[CONF_PORT] = camera.port
    return data
