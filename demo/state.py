"""What the demo keeps in `.demo/state.json` between runs: its token and its config entries.

The entries are keyed by each simulated device's identity, so a rerun knows which entries it
made before and can remove those whose device is gone or moved.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .config import DemoPaths
from .flow import FlowOutcome


@dataclass
class DemoState:
    """What the demo remembers between runs (`.demo/state.json`, this user only)."""

    token: str | None = None  # a long-lived access token of the demo user
    entries: dict[str, str] = field(default_factory=dict)  # device_key -> entry_id

    @classmethod
    def load(cls, paths: DemoPaths) -> DemoState:
        """The stored state, or an empty one."""
        try:
            stored = json.loads(paths.state.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        if not isinstance(stored, dict):
            return cls()
        token = stored.get("token")
        entries = stored.get("entries")
        return cls(
            token if isinstance(token, str) and token else None,
            {str(k): str(v) for k, v in entries.items()} if isinstance(entries, dict) else {},
        )

    def save(self, paths: DemoPaths) -> None:
        """Write it (mode 0600: the token logs in as the demo's owner)."""
        paths.state.write_text(
            json.dumps({"token": self.token, "entries": self.entries}, indent=2), encoding="utf-8"
        )
        paths.state.chmod(0o600)


def device_key(device: Mapping[str, Any]) -> str:
    """A device's identity across runs: family and serial, else family and name."""
    ident = (
        device.get("serial") or device.get("name") or f"{device.get('host')}:{device.get('port')}"
    )
    return f"{device.get('family')}/{ident}"


def reconcile_entries(
    previous: Mapping[str, str],
    devices: Sequence[Mapping[str, Any]],
    outcomes: Sequence[FlowOutcome],
) -> tuple[dict[str, str], list[str]]:
    """Which entry belongs to which device now, and which entries the demo made are stale.

    An entry made on an earlier run is stale when its device is no longer simulated, or when
    this run created a new entry for the same device (its identity moved, e.g. to a new port).
    A device whose flow merely failed this time keeps its entry.
    """
    current: dict[str, str] = {}
    for device, outcome in zip(devices, outcomes, strict=True):
        key = device_key(device)
        if outcome.status == "created" and outcome.entry_id:
            current[key] = outcome.entry_id
        elif key in previous:
            current[key] = previous[key]
    kept = set(current.values())
    stale = [entry_id for entry_id in previous.values() if entry_id not in kept]
    return current, stale
