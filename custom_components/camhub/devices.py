"""Devices as families describe them, and as Home Assistant's device registry takes them."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import DeviceInfo

from .const import DOMAIN


def entity_unique_id(device_id: str, key: str) -> str:
    """The one unique-id scheme of every CamHub entity: `<device id>_<key>`.

    Device ids are serials, mxids or UUIDs (never an address), so ids survive IP changes and
    reinstalls. Entities, video sources and look-ups of an entity by its key all use this.
    """
    return f"{device_id}_{key}"


class CamHubDeviceInfo(DeviceInfo, total=False):
    """A device as a family describes it: `DeviceInfo` plus the CamHub id of its parent.

    Home Assistant links a child to its parent by the parent's registry id (`via_device_id`),
    which a family cannot know; `parent` names the parent by the family's own device id and
    `registry_device_info` turns it into that link.
    """

    parent: str


def registry_device_info(hass: HomeAssistant, entry_id: str, info: CamHubDeviceInfo) -> DeviceInfo:
    """A family's device as Home Assistant registers it: `parent` becomes `via_device_id`.

    The parent must be registered already: `_register_devices` does parents first at set-up,
    and a device that appears later (an OAK camera plugged in) has a parent that never left.
    """
    result = info.copy()
    if (parent := result.pop("parent", None)) is not None:
        device = dr.async_get(hass).async_get_device_by_identifier((DOMAIN, parent), entry_id)
        if device is not None:
            result["via_device_id"] = device.id
    return result
