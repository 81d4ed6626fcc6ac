"""Coordinator: one per config entry, holding the family's typed state.

Families with an event channel push state (`async_publish`) and the coordinator stops polling
while the channel is up (UniFi Protect's model); families without one poll at their interval.
Availability follows `last_update_success`, and Home Assistant's coordinator logs exactly once
when a device goes away and once when it comes back.

Pushed changes can be routed: `async_publish(state, changed={...})` wakes only the entities
subscribed (`async_subscribe`) to those keys (a device id or an item id), as unifiprotect
routes its websocket messages, so an I/O-port event does not re-evaluate every stream entity.
A publish without `changed`, every poll and every failure still reach every listener.

Credentials refused once are not yet a reason to bother the user: a rebooting camera often
refuses a login or two. Reauth starts after `AUTH_FAILURES_BEFORE_REAUTH` refusals in a row,
or at once during setup, when nothing has worked yet.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Collection, Iterable, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from .api.errors import AuthError, CamHubError
from .const import AUTH_FAILURES_BEFORE_REAUTH, DOMAIN
from .devices import CamHubDeviceInfo

if TYPE_CHECKING:
    from .data import CamHubConfigEntry

_LOGGER = logging.getLogger(__name__)

RETRY_INTERVAL = timedelta(seconds=30)
"""How often a push family whose last read failed re-reads until one works."""
AUTH_RETRY_INTERVAL = timedelta(seconds=20)
"""How soon a refused login is tried again: a reboot's refusal passes within seconds, and a
real credential change then prompts within about a minute, whatever the family's poll."""


class CamHubCoordinator[StateT](DataUpdateCoordinator[StateT]):
    """Fetches (or receives) one entry's state; the only writer of `update_interval`."""

    config_entry: CamHubConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: CamHubConfigEntry,
        fetch: Callable[[], Awaitable[StateT]],
        poll_interval: timedelta | None,
        devices: Callable[[StateT], Mapping[str, CamHubDeviceInfo]],
        *,
        has_login: bool = True,
    ) -> None:
        """Poll at `poll_interval` until (if ever) an event channel takes over."""
        super().__init__(
            hass,
            _LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} {entry.title}",
            update_interval=poll_interval,
        )
        self._fetch = fetch
        self._devices = devices
        self._has_login = has_login
        self._refusal_issue = f"access_refused_{entry.entry_id}"
        self._poll_interval = poll_interval
        self._auth_failures = 0
        self._device_infos: tuple[object, Mapping[str, CamHubDeviceInfo]] = (None, {})
        self._routes: dict[str, set[CALLBACK_TYPE]] = {}
        self.push_connected = False
        self._full_publish = False

    @property
    def device_infos(self) -> Mapping[str, CamHubDeviceInfo]:
        """The current state's devices by device id, computed once per state object.

        Entities (their device info), availability and the device registry all ask; a
        family builds them only when the state object changes.
        """
        data = self.data
        if self._device_infos[0] is not data:
            infos = self._devices(data) if data is not None else {}
            self._device_infos = (data, infos)
        return self._device_infos[1]

    @property
    def device_ids(self) -> Collection[str]:
        """Ids of the devices in the current state."""
        return self.device_infos.keys()

    @callback
    def async_set_poll_interval(self, interval: timedelta) -> None:
        """A family's own polling pace (OAK backs off while nothing changes)."""
        self._poll_interval = interval
        if not self.push_connected:
            self.update_interval = interval

    @callback
    def async_subscribe(self, key: str, update: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Call `update` when a publish names `key`; returns the unsubscribe callback."""
        self._routes.setdefault(key, set()).add(update)

        @callback
        def unsubscribe() -> None:
            self._routes[key].discard(update)

        return unsubscribe

    @callback
    def async_publish(self, state: StateT, changed: Iterable[str] | None = None) -> None:
        """A pushed state: to the subscribers of `changed`, or to everyone without it.

        Routing needs a healthy coordinator: after a failure the full update brings every
        entity back at once (and Home Assistant logs the recovery). When the channel came up
        before there was a healthy state, its first publish is full too: that drops the poll
        scheduled before (over a healthy state, `async_set_push_connected` already did).
        """
        if changed is None or not self.last_update_success or self._full_publish:
            self._full_publish = False
            self.async_set_updated_data(state)
            return
        self.data = state
        for key in set(changed):
            for update in list(self._routes.get(key, ())):
                update()

    @callback
    def async_set_push_connected(self, connected: bool) -> None:
        """An event channel came up (stop polling) or went down (poll until it returns)."""
        if connected == self.push_connected:
            return
        self.push_connected = connected
        self._full_publish = connected
        self.update_interval = None if connected else self._poll_interval
        # Public API only: `async_set_updated_data` drops the poll scheduled before, so an
        # idle channel (2N's log pulls nothing for minutes) costs no read a poll interval
        # later. Only over a healthy state: after a failure the read that follows (the
        # family re-reads on reconnection) brings entities back, not the stale state. A
        # lost channel asks for a read now, and polling goes on from it.
        if connected and self.data is not None and self.last_update_success:
            self._full_publish = False
            self.async_set_updated_data(self.data)
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

    async def _async_update_data(self) -> StateT:
        try:
            state = await self._fetch()
        except AuthError as err:
            self._auth_failures += 1
            if not self._has_login:
                self._report_refusal(err)
                self._poll_until_success()
                raise _update_failed(err) from err
            if self.data is None or self._auth_failures >= AUTH_FAILURES_BEFORE_REAUTH:
                raise ConfigEntryAuthFailed(
                    translation_domain=DOMAIN,
                    translation_key=err.translation_key,
                    translation_placeholders={"error": str(err)},
                ) from err
            self.update_interval = AUTH_RETRY_INTERVAL
            raise _update_failed(err) from err
        except CamHubError as err:
            self._poll_until_success()
            raise _update_failed(err) from err
        if self._auth_failures and not self._has_login:
            ir.async_delete_issue(self.hass, DOMAIN, self._refusal_issue)
        self._auth_failures = 0
        self.update_interval = None if self.push_connected else self._poll_interval
        return state

    def _report_refusal(self, err: AuthError) -> None:
        """A device without a login refused CamHub: no reauth could help, a repair says why.

        (A proxy in front of a Robopipe controller or a Camera Remote server that wants a
        login, or a device that denies this client.) Entities stay unavailable and the read is
        retried; the issue goes away once a read works.
        """
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            self._refusal_issue,
            is_fixable=False,
            severity=ir.IssueSeverity.ERROR,
            translation_key="access_refused",
            translation_placeholders={"name": self.config_entry.title, "error": str(err)},
            data={"entry_id": self.config_entry.entry_id},
        )

    def _poll_until_success(self) -> None:
        """A failed read leaves stale state that no event will repair: poll until one works.

        With an event channel up there is no polling; a re-read that fails (the device
        answered an event with a 500) would otherwise leave entities unavailable until the
        next event.
        """
        self.update_interval = self._poll_interval or RETRY_INTERVAL


def _update_failed(err: CamHubError) -> UpdateFailed:
    return UpdateFailed(
        translation_domain=DOMAIN,
        translation_key=err.translation_key,
        translation_placeholders={"error": str(err)},
    )
