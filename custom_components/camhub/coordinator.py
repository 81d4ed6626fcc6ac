"""Coordinator: one per config entry, holding the family's typed state.

Families with an event channel push state with `async_set_updated_data` and set
`update_interval` to None while the channel is up (UniFi Protect's model); families without one
poll at their interval. Availability follows `last_update_success`, and Home Assistant's
coordinator logs exactly once when a device goes away and once when it comes back.

Credentials refused once are not yet a reason to bother the user: a rebooting camera often
refuses a login or two. Reauth starts after `AUTH_FAILURES_BEFORE_REAUTH` refusals in a row,
or at once during setup, when nothing has worked yet.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from .api.errors import AuthError, CamHubError
from .const import AUTH_FAILURES_BEFORE_REAUTH, DOMAIN

if TYPE_CHECKING:
    from .data import CamHubConfigEntry
    from .families.base import Family

_LOGGER = logging.getLogger(__name__)

RETRY_INTERVAL = timedelta(seconds=30)
"""How often a push family whose last read failed re-reads until one works."""


class CamHubCoordinator(DataUpdateCoordinator[Any]):
    """Fetches (or receives) one device family's state."""

    config_entry: CamHubConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: CamHubConfigEntry,
        family: Family[Any, Any],
        client: Any,
    ) -> None:
        """Poll at the family's interval until (if ever) an event channel takes over."""
        super().__init__(
            hass,
            _LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} {entry.title}",
            update_interval=family.update_interval,
        )
        self.family = family
        self.client = client
        self._auth_failures = 0
        self._device_ids: tuple[Any, frozenset[str]] = (None, frozenset())
        self.push_connected = False

    @property
    def device_ids(self) -> frozenset[str]:
        """Ids of the devices in the current state (cached per state object)."""
        data = self.data
        if self._device_ids[0] is not data:
            ids = frozenset(self.family.device_infos(data)) if data is not None else frozenset()
            self._device_ids = (data, ids)
        return self._device_ids[1]

    @callback
    def async_set_push_connected(self, connected: bool) -> None:
        """An event channel came up (stop polling) or went down (poll until it returns)."""
        if connected == self.push_connected:
            return
        self.push_connected = connected
        self.update_interval = None if connected else self.family.update_interval
        # Public API only: the channel's first pushed state (`async_set_updated_data`) drops
        # the pending poll; a lost channel asks for a read now, and polling goes on from it.
        if not connected:
            self.config_entry.async_create_background_task(
                self.hass, self.async_request_refresh(), f"{self.name} poll after push loss"
            )

    async def async_after_write(self) -> None:
        """After a write: families with events get the new state pushed; others re-read.

        Not debounced: after a second write within the debouncer's cooldown the entity would
        show the old value for seconds, and a user moving a slider sees it jump back.
        """
        if not self.push_connected:
            await self.async_refresh()

    async def _async_update_data(self) -> Any:
        try:
            state = await self.family.fetch_state(self.client)
        except AuthError as err:
            self._auth_failures += 1
            if self.data is None or self._auth_failures >= AUTH_FAILURES_BEFORE_REAUTH:
                raise ConfigEntryAuthFailed(
                    translation_domain=DOMAIN,
                    translation_key=err.translation_key,
                    translation_placeholders={"error": str(err)},
                ) from err
            raise _update_failed(err) from err
        except CamHubError as err:
            self._poll_until_success()
            raise _update_failed(err) from err
        self._auth_failures = 0
        if self.push_connected:
            self.update_interval = None
        return state

    def _poll_until_success(self) -> None:
        """A failed read leaves stale state that no event will repair: poll until one works.

        With an event channel up there is no polling; a re-read that fails (the device
        answered an event with a 500) would otherwise leave entities unavailable until the
        next event.
        """
        self.update_interval = self.family.update_interval or RETRY_INTERVAL


def _update_failed(err: CamHubError) -> UpdateFailed:
    return UpdateFailed(
        translation_domain=DOMAIN,
        translation_key=err.translation_key,
        translation_placeholders={"error": str(err)},
    )
