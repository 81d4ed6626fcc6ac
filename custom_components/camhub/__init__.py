"""CamHub: network cameras of five families in Home Assistant.

Setting up an entry builds the family's client on Home Assistant's shared HTTP session and
the entry's host around it, fetches the first state (ConfigEntryNotReady if the device is
down, reauth if the login is refused), starts the host's event channels, then forwards to the
host's platforms, which add entities as the state offers them.
"""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any, Final

from homeassistant.const import CONF_VERIFY_SSL
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.typing import ConfigType

from .const import CONF_FAMILY, DOMAIN
from .coordinator import CamHubCoordinator
from .data import CamHubConfigEntry, CamHubRuntime
from .devices import registry_device_info
from .families import FAMILIES
from .families.base import FamilyHost, VideoSource
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
    host = family.create_host(
        hass, entry, family.create_client(session, {**entry.options, **entry.data})
    )
    await host.coordinator.async_config_entry_first_refresh()

    def hub_factory(source: VideoSource) -> FrameHub:
        return _make_hub(hass, entry, host.coordinator, source)

    entry.runtime_data = CamHubRuntime(host=host, hub_factory=hub_factory)
    _register_devices(hass, entry, host)
    _follow_devices(hass, entry, host)
    await host.async_start()
    await hass.config_entries.async_forward_entry_setups(entry, host.platforms)
    return True


def _register_devices(
    hass: HomeAssistant, entry: CamHubConfigEntry, host: FamilyHost[Any, Any]
) -> None:
    """Create the state's devices, parents first, so a child's `parent` is found.

    A parent may have no entities of its own (an AIPIX server). Families whose items are
    deleted for good (`remove_stale_entities`) also lose devices the state no longer has.
    """
    registry = dr.async_get(hass)
    infos = host.coordinator.device_infos
    for info in sorted(infos.values(), key=lambda info: "parent" in info):
        resolved = registry_device_info(hass, entry.entry_id, info)
        registry.async_get_or_create(config_entry_id=entry.entry_id, **resolved)
    if host.remove_stale_entities:
        for device in dr.async_entries_for_config_entry(registry, entry.entry_id):
            if not any(d == DOMAIN and i in infos for d, i in device.identifiers):
                registry.async_remove_device(device.id)


def _follow_devices(
    hass: HomeAssistant, entry: CamHubConfigEntry, host: FamilyHost[Any, Any]
) -> None:
    """Keep the device registry current: new firmware, a new name, without a reload.

    Only when the family's device descriptions change (compared per state), so a pushed
    event costs one dict comparison.
    """
    last = [host.coordinator.device_infos]

    @callback
    def changed() -> None:
        if host.coordinator.data is None:
            return
        infos = host.coordinator.device_infos
        if infos != last[0]:
            last[0] = infos
            _register_devices(hass, entry, host)

    entry.async_on_unload(host.coordinator.async_add_listener(changed))


def _make_hub(
    hass: HomeAssistant,
    entry: CamHubConfigEntry,
    coordinator: CamHubCoordinator[Any],
    source: VideoSource,
) -> FrameHub:
    assert source.frames is not None

    def task_factory(coro: Coroutine[Any, Any, None], name: str) -> Any:
        return entry.async_create_background_task(hass, coro, name)

    def on_connection(connected: bool) -> None:
        # A broken stream is the quickest sign a device went away, and frames flowing again
        # the quickest sign it is back: check now rather than at the next poll, so entities
        # turn unavailable (and available again) promptly.
        if connected and coordinator.last_update_success:
            return
        if not connected and coordinator.push_connected:
            return
        hass.async_create_task(coordinator.async_request_refresh(), eager_start=False)

    return FrameHub(
        f"{entry.title} {source.uid}",
        source.frames,
        frame_interval=source.frame_interval,
        task_factory=task_factory,
        on_connection=on_connection,
    )


ADDRESS_KEYED: Final = frozenset({"oak", "liveview", "aipix"})
"""Families whose servers have no id: version 1 keyed their entries and devices by address."""


async def async_migrate_entry(hass: HomeAssistant, entry: CamHubConfigEntry) -> bool:
    """Version 1 → 2: address-keyed servers lose the address as unique id.

    Their own device (and entities on it, such as the Camera Remote `connected_cameras`
    sensor) move from `host:port` to the entry id, so an IP change or a second entry by host
    name cannot collide; entity ids, names and areas the user set stay, as only the unique
    ids change. Devices behind the server (cameras) keep their hardware ids.
    """
    if entry.version > 2:
        return False  # a newer CamHub wrote this entry: do not guess
    if entry.version == 1:
        old = entry.unique_id
        if entry.data.get(CONF_FAMILY) in ADDRESS_KEYED and old:
            _rekey_server(hass, entry, old)
            hass.config_entries.async_update_entry(entry, unique_id=None, version=2)
        else:
            hass.config_entries.async_update_entry(entry, version=2)
    return True


def _rekey_server(hass: HomeAssistant, entry: CamHubConfigEntry, old: str) -> None:
    new = entry.entry_id
    devices = dr.async_get(hass)
    if device := devices.async_get_device_by_identifier((DOMAIN, old), entry.entry_id):
        devices.async_update_device(device.id, new_identifiers={(DOMAIN, new)})
    entities = er.async_get(hass)
    for entity in er.async_entries_for_config_entry(entities, entry.entry_id):
        if entity.unique_id.startswith(f"{old}_"):
            suffix = entity.unique_id.removeprefix(f"{old}_")
            entities.async_update_entity(entity.entity_id, new_unique_id=f"{new}_{suffix}")


async def async_unload_entry(hass: HomeAssistant, entry: CamHubConfigEntry) -> bool:
    """Unload the platforms, then close every upstream stream of the entry."""
    unloaded = await hass.config_entries.async_unload_platforms(
        entry, entry.runtime_data.host.platforms
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
