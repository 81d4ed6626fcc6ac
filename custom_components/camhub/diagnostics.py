"""Diagnostics: entry, options, the family's state and the live streams, with secrets redacted."""

from __future__ import annotations

import dataclasses
import re
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
    "controller_id",
    "server_id",
    "mxid",
    "uuid",
    "camera_id",
    "cameraId",
    "discovery_keys",
    "device_id",
    "ip",
    "rtsp_url",
    "hls_url",
    "stream_key",
}
"""Keys whose values identify the device, its owner or its address, or are secrets.

Their values are also removed wherever else they occur (`_scrub`): as a map's key (state
keyed by serial, mxid or camera UUID), inside a URL, or inside a longer string.
"""
_MIN_SECRET = 4  # shorter values ("1", "on") would blank out harmless text
_IPV4 = re.compile(r"(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d.])")
"""An IPv4 address anywhere (an OAK PoE camera's name is its address); not a version."""


def _secrets(value: Any, found: set[str], redact: bool = False) -> set[str]:
    """Every string (or number) stored under a key of TO_REDACT, at any depth."""
    if isinstance(value, dict):
        for key, item in value.items():
            _secrets(item, found, redact or key in TO_REDACT)
    elif isinstance(value, list):
        for item in value:
            _secrets(item, found, redact)
    elif redact and isinstance(value, str | int) and not isinstance(value, bool):
        text = str(value)
        if len(text) >= _MIN_SECRET:
            found.add(text)
            found.add(text.lower())
            found.add(text.upper())
    return found


def _scrub(value: Any, secrets: set[str]) -> Any:
    """Remove every secret from map keys and strings (after async_redact_data)."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for index, (key, item) in enumerate(value.items()):
            clean = _scrub(key, secrets)
            out[clean if clean == key else f"{clean} {index}"] = _scrub(item, secrets)
        return out
    if isinstance(value, list):
        return [_scrub(item, secrets) for item in value]
    if isinstance(value, str):
        for secret in sorted(secrets, key=len, reverse=True):
            if secret in value:
                value = value.replace(secret, "**REDACTED**")
        value = _IPV4.sub("**REDACTED**", value)
    return value


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
    data = {
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
    }
    found = _secrets(data, set())
    # The device registry ids are serials, mxids, camera ids and UUIDs; AIPIX's options list
    # camera UUIDs. Wherever they occur (map keys, inside strings), they go.
    named = [entry.unique_id, entry.title, *coordinator.device_ids]
    named += [c for c in entry.options.get("cameras", ()) if isinstance(c, str)]
    found.update(str(v) for v in named if v and len(str(v)) >= _MIN_SECRET)
    scrubbed: dict[str, Any] = _scrub(async_redact_data(data, TO_REDACT), found)
    return scrubbed
