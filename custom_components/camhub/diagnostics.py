"""Diagnostics: entry, options, the family's state and the live streams, with secrets redacted."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_TOKEN, CONF_USERNAME
from homeassistant.core import HomeAssistant

from .const import CONF_FAMILY, CONF_MAC
from .data import CamHubConfigEntry

TO_REDACT = {
    CONF_HOST,
    CONF_PASSWORD,
    CONF_TOKEN,
    CONF_USERNAME,
    CONF_MAC,
    "api_token",
    "mac",
    "serial",
    "serial_number",
    "serialNumber",
    "macAddr",
    "unique_id",
    "url",
    "title",
    "peer",  # 2N: the called party, a SIP address
    "call_peer",
    "jpeg",  # 2N: the last visitor's picture
}


def _plain(value: Any) -> Any:
    """Dataclasses (the families' typed state) as JSON-friendly dicts."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):  # read-only mappings of the typed state too
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return value


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: CamHubConfigEntry
) -> dict[str, Any]:
    """What support needs to see, without credentials, serials, MACs or addresses."""
    runtime = entry.runtime_data
    coordinator = runtime.coordinator
    return async_redact_data(
        {
            "entry": entry.as_dict(),
            "family": entry.data.get(CONF_FAMILY),
            "last_update_success": coordinator.last_update_success,
            "update_interval": str(coordinator.update_interval),
            "state": _plain(coordinator.data),
            # Listed by the source's own key: the uid contains the device's serial.
            "streams": [
                {
                    "source": runtime.sources[uid].key,
                    "running": hub.running,
                    "connected": hub.connected,
                    "viewers": hub.viewers,
                    **dataclasses.asdict(hub.stats),
                }
                for uid, hub in runtime.hubs.items()
            ],
        },
        TO_REDACT,
    )
