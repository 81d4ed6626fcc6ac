"""CamHub: network cameras of five families in Home Assistant.

Setting up an entry builds the family's client on Home Assistant's shared HTTP session,
fetches the first state (ConfigEntryNotReady if the device is down, reauth if the login is
refused), starts the family's event channels, then forwards to the family's platforms, which
add entities as the state offers them.
"""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any

from homeassistant.const import CONF_VERIFY_SSL
from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.typing import ConfigType

from .const import CONF_FAMILY, DOMAIN
from .coordinator import CamHubCoordinator
from .data import CamHubConfigEntry, CamHubRuntime
from .devices import registry_device_info
from .families import FAMILIES
from .families.base import Family, VideoSource
from .services import async_setup_services
from .streaming import FrameHub

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the actions once, whatever entries exist (action-setup rule)."""
    async_setup_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: CamHubConfigEntry) -> bool:
    """Connect to the device and create its entities."""
    family = FAMILIES[entry.data[CONF_FAMILY]]
    session = async_get_clientsession(hass, verify_ssl=entry.data.get(CONF_VERIFY_SSL, True))
    client = family.create_client(session, {**entry.options, **entry.data})
    coordinator = CamHubCoordinator(hass, entry, family, client)
    await coordinator.async_config_entry_first_refresh()

    def hub_factory(source: VideoSource) -> FrameHub:
        return _make_hub(hass, entry, coordinator, source)

    entry.runtime_data = CamHubRuntime(
        family=family,
        client=client,
        coordinator=coordinator,
        options=entry.options,
        hub_factory=hub_factory,
    )
    _register_devices(hass, entry, family)
    for index, task in enumerate(family.push_tasks(client, coordinator)):
        entry.async_create_background_task(hass, task, f"{DOMAIN} events {entry.title} {index}")
    await hass.config_entries.async_forward_entry_setups(entry, family.platforms)
    return True


def _register_devices(
    hass: HomeAssistant, entry: CamHubConfigEntry, family: Family[Any, Any]
) -> None:
    """Create the state's devices, parents first, so a child's `parent` is found.

    A parent may have no entities of its own (an AIPIX server). Families whose items are
    deleted for good (`remove_stale_entities`) also lose devices the state no longer has.
    """
    registry = dr.async_get(hass)
    infos = family.device_infos(entry.runtime_data.coordinator.data)
    for info in sorted(infos.values(), key=lambda info: "parent" in info):
        resolved = registry_device_info(hass, entry.entry_id, info)
        registry.async_get_or_create(config_entry_id=entry.entry_id, **resolved)
    if family.remove_stale_entities:
        for device in dr.async_entries_for_config_entry(registry, entry.entry_id):
            if not any(d == DOMAIN and i in infos for d, i in device.identifiers):
                registry.async_remove_device(device.id)


def _make_hub(
    hass: HomeAssistant,
    entry: CamHubConfigEntry,
    coordinator: CamHubCoordinator,
    source: VideoSource,
) -> FrameHub:
    assert source.frames is not None

    def task_factory(coro: Coroutine[Any, Any, None], name: str) -> Any:
        return entry.async_create_background_task(hass, coro, name)

    def on_connection(connected: bool) -> None:
        # A broken stream is the quickest sign a device went away: check now rather than
        # at the next poll, so entities turn unavailable (and back) promptly.
        if not connected and not coordinator.push_connected:
            hass.async_create_task(coordinator.async_request_refresh(), eager_start=False)

    return FrameHub(
        f"{entry.title} {source.uid}",
        source.frames,
        frame_interval=source.frame_interval,
        task_factory=task_factory,
        on_connection=on_connection,
    )


async def async_unload_entry(hass: HomeAssistant, entry: CamHubConfigEntry) -> bool:
    """Unload the platforms, then close every upstream stream of the entry."""
    unloaded = await hass.config_entries.async_unload_platforms(
        entry, entry.runtime_data.family.platforms
    )
    if unloaded:
        for hub in entry.runtime_data.hubs.values():
            await hub.async_close()
    return unloaded


async def async_remove_entry(hass: HomeAssistant, entry: CamHubConfigEntry) -> None:
    """A removed entry takes its repair issues with it (they name the entry in `data`)."""
    registry = ir.async_get(hass)
    for domain, issue_id in list(registry.issues):
        issue = registry.issues[(domain, issue_id)]
        if domain == DOMAIN and issue.data and issue.data.get("entry_id") == entry.entry_id:
            ir.async_delete_issue(hass, DOMAIN, issue_id)


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: CamHubConfigEntry, device: dr.DeviceEntry
) -> bool:
    """A device may be removed by hand once the entry's state no longer has it."""
    ids = entry.runtime_data.coordinator.device_ids
    return not any(
        domain == DOMAIN and identifier in ids for domain, identifier in device.identifiers
    )
