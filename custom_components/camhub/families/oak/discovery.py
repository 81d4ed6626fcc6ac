"""Local discovery with depthai (optional): OAK devices visible from this host."""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass
from typing import Any

from homeassistant.core import HomeAssistant

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class LocalDevice:
    """An OAK device visible from this host, as depthai's `DeviceInfo` describes it."""

    device_id: str
    name: str
    state: str
    protocol: str


def scan_local_devices() -> list[LocalDevice] | None:
    """Blocking (run it in an executor): None where depthai is not installed.

    depthai has no wheel for Home Assistant OS / Container (musl), so it is never a
    requirement: only imported here, where it exists (`requirements_dev.txt`).
    """
    try:
        dai = importlib.import_module("depthai")
    except ImportError:
        return None
    try:
        infos = dai.Device.getAllAvailableDevices()
    except RuntimeError as err:  # XLink could not search (no USB access in a container, ...)
        _LOGGER.debug("depthai could not search for devices: %s", err)
        return []
    return [
        LocalDevice(
            device_id=str(info.getDeviceId()),
            name=str(info.name),
            state=_enum_name(info.state),
            protocol=_enum_name(info.protocol),
        )
        for info in infos
    ]


def _enum_name(value: Any) -> str:
    return str(getattr(value, "name", value))


async def async_scan_local_devices(hass: HomeAssistant) -> list[LocalDevice] | None:
    """`scan_local_devices` in Home Assistant's executor: the search blocks for about 0.5 s."""
    return await hass.async_add_executor_job(scan_local_devices)
