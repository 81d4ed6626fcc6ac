"""Repair issues for CamStreamer apps that are installed but not licensed or not running."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from ...api.camstreamer import AxisState
from ...const import DOMAIN
from .const import APP_TITLES


def _issue_id(serial: str, app: str, kind: str) -> str:
    return f"{serial}_{app}_{kind}"


class _RepairSync:
    """Keeps the repair issues in line with the apps list (only when that list changed)."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        self.hass = hass
        self.entry_id = entry_id
        self._apps: Any = None

    @callback
    def __call__(self, state: AxisState | None) -> None:
        if state is not None and state.apps is not self._apps:
            self._apps = state.apps
            _sync_repairs(self.hass, self.entry_id, state)


@callback
def _sync_repairs(hass: HomeAssistant, entry_id: str, state: AxisState) -> None:
    """An issue per installed app that is not licensed or not running; gone once fixed."""
    for app, title in APP_TITLES.items():
        info = state.apps.get(app)
        for kind, broken in (
            ("unlicensed", info is not None and not info.licensed),
            ("not_running", info is not None and info.licensed and not info.running),
        ):
            issue_id = _issue_id(state.info.serial, app, kind)
            if not broken:
                ir.async_delete_issue(hass, DOMAIN, issue_id)
                continue
            ir.async_create_issue(
                hass,
                DOMAIN,
                issue_id,
                is_fixable=False,
                severity=ir.IssueSeverity.WARNING,
                translation_key=f"app_{kind}",
                translation_placeholders={
                    "app": title,
                    "camera": f"{state.info.name} ({state.info.serial})",
                    "status": info.status if info else "",
                },
                data={"entry_id": entry_id},
            )
