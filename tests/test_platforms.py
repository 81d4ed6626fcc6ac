"""The generic entity platforms, driven by a small in-memory family defined here.

Each real family exercises the platforms it needs; this family has one entity of every kind,
so that the platforms' own behaviour (writes, translated errors, restore of values a device
cannot read back, items that come and go) is tested once, independent of any vendor.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar
from unittest.mock import patch

import aiohttp
import pytest
from homeassistant.const import STATE_UNAVAILABLE, Platform
from homeassistant.core import HomeAssistant, State
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    mock_restore_cache_with_extra_data,
)
from yarl import URL

from custom_components.camhub.api.errors import ConnectError
from custom_components.camhub.const import CONF_FAMILY, DOMAIN
from custom_components.camhub.data import CamHubConfigEntry
from custom_components.camhub.descriptions import (
    CamHubBinarySensorDescription,
    CamHubButtonDescription,
    CamHubDescription,
    CamHubNumberDescription,
    CamHubSelectDescription,
    CamHubSensorDescription,
    CamHubSwitchDescription,
    CamHubTextDescription,
    PlacedEntity,
    place,
)
from custom_components.camhub.devices import CamHubDeviceInfo
from custom_components.camhub.families import FAMILIES
from custom_components.camhub.families.base import FamilyFlow, FamilyHost, Identity, VideoSource

DEVICE = "shelf-1"


@dataclass
class Shelf:
    """The device: a few values, one that cannot be read back, and removable items."""

    power: bool = False
    level: float = 10.0
    exposure: float | None = None  # write-only, like an OAK camera's exposure time
    mode: str = "auto"
    label: str = "hello"
    presses: int = 0
    items: list[str] = field(default_factory=lambda: ["a", "b"])
    broken: bool = False

    def check(self) -> None:
        """A device that went away."""
        if self.broken:
            raise ConnectError("shelf unreachable")


class ShelfHost(FamilyHost[Shelf, Shelf]):
    """One entity of every platform over a `Shelf`: the smallest complete host."""

    platforms: ClassVar[tuple[Platform, ...]] = (
        Platform.SWITCH,
        Platform.NUMBER,
        Platform.SELECT,
        Platform.BUTTON,
        Platform.TEXT,
        Platform.SENSOR,
        Platform.BINARY_SENSOR,
    )

    async def fetch_state(self) -> Shelf:
        """A copy, as a real family parses a fresh state."""
        self.client.check()
        return replace(self.client, items=list(self.client.items))

    def device_infos(self, state: Shelf) -> dict[str, CamHubDeviceInfo]:
        """One device."""
        return {DEVICE: CamHubDeviceInfo(identifiers={(DOMAIN, DEVICE)}, name="Shelf")}

    def video_sources(self, state: Shelf) -> list[VideoSource]:
        """No cameras."""
        return []

    def entities(self, state: Shelf) -> list[PlacedEntity[Shelf]]:
        """One of each kind, plus a switch per item."""
        found = place(CONTROLS, DEVICE)
        for item in state.items:
            # Real families name item entities by translation placeholders; this test family
            # has no strings.json, so it names them directly.
            named = replace(ITEM_SWITCH, name=f"Item {item}")
            found += place((named,), DEVICE, item=item, suffix=item)
        return found


class StaleShelfHost(ShelfHost):
    """A shelf whose items, once gone, are gone for good."""

    remove_stale_entities: ClassVar[bool] = True


class ShelfFlow(FamilyFlow[Shelf]):
    """Never found by the config flow: entries are made by the tests."""

    key: ClassVar[str] = "test_shelf"
    name: ClassVar[str] = "Test shelf"
    needs_auth: ClassVar[bool] = False

    def __init__(self, shelf: Shelf, *, remove_stale: bool) -> None:
        """Wrap one shelf; `remove_stale` picks the host kind."""
        self.shelf = shelf
        self.host_type = StaleShelfHost if remove_stale else ShelfHost

    async def probe(self, session: aiohttp.ClientSession, url: URL) -> Identity | None:
        """Never found by the config flow."""
        return None

    def create_client(self, session: aiohttp.ClientSession, data: Mapping[str, Any]) -> Shelf:
        """The shelf itself is the client."""
        return self.shelf

    async def validate(self, client: Shelf) -> Identity:
        """Who the shelf is."""
        return Identity(unique_id=DEVICE, title="Shelf")

    def create_host(
        self, hass: HomeAssistant, entry: CamHubConfigEntry, client: Shelf
    ) -> ShelfHost:
        """The shelf's host."""
        return self.host_type(hass, entry, client)


async def _set_power(host: ShelfHost, item: str, value: bool) -> None:
    host.client.check()
    host.client.power = value


async def _set_level(host: ShelfHost, item: str, value: float) -> None:
    if value == 13:
        raise ValueError("13 is unlucky")
    host.client.level = value


async def _set_exposure(host: ShelfHost, item: str, value: float) -> None:
    host.client.exposure = None  # accepted, never reported


async def _set_mode(host: ShelfHost, item: str, value: str) -> None:
    host.client.mode = value


async def _set_label(host: ShelfHost, item: str, value: str) -> None:
    host.client.label = value


async def _press(host: ShelfHost, item: str) -> None:
    host.client.presses += 1


CONTROLS: tuple[CamHubDescription[Shelf], ...] = (
    CamHubSwitchDescription[Shelf, ShelfHost](
        key="power", name="Power", value_fn=lambda s, _: s.power, set_fn=_set_power,
    ),
    CamHubNumberDescription[Shelf, ShelfHost](
        key="level", name="Level", native_min_value=0,
        native_max_value=100, value_fn=lambda s, _: s.level, set_fn=_set_level,
    ),
    CamHubNumberDescription[Shelf, ShelfHost](
        key="exposure", name="Exposure", native_min_value=0,
        native_max_value=1000, value_fn=lambda s, _: s.exposure, set_fn=_set_exposure,
        restore=True,
    ),
    CamHubSelectDescription[Shelf, ShelfHost](
        key="mode", name="Mode", options=["auto", "manual"],
        value_fn=lambda s, _: s.mode, set_fn=_set_mode,
    ),
    CamHubSelectDescription[Shelf, ShelfHost](
        key="scene", name="Scene", options_fn=lambda s, _: list(s.items),
        value_fn=lambda s, _: None, set_fn=_set_mode, restore=True,
    ),
    CamHubButtonDescription[Shelf, ShelfHost](key="press", name="Press", press_fn=_press),
    CamHubTextDescription[Shelf, ShelfHost](
        key="label", name="Label", value_fn=lambda s, _: s.label, set_fn=_set_label,
    ),
    CamHubSensorDescription[Shelf](
        key="count", name="Item count", value_fn=lambda s, _: len(s.items)
    ),
    CamHubBinarySensorDescription[Shelf](
        key="busy", name="Busy", value_fn=lambda s, _: s.power
    ),
)  # fmt: skip

ITEM_SWITCH = CamHubSwitchDescription[Shelf, ShelfHost](
    key="item",
    exists_fn=lambda s, item: item in s.items,
    value_fn=lambda s, item: item in s.items,
    set_fn=_set_power,
)


async def _setup(hass: HomeAssistant, shelf: Shelf, *, remove_stale: bool) -> MockConfigEntry:
    entry = MockConfigEntry(
        domain=DOMAIN, title="Shelf", unique_id=DEVICE, data={CONF_FAMILY: "test_shelf"}
    )
    entry.add_to_hass(hass)
    family = ShelfFlow(shelf, remove_stale=remove_stale)
    with patch.dict(FAMILIES, {family.key: family}):
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
    return entry


async def _call(hass: HomeAssistant, domain: str, service: str, entity: str, **data: Any) -> None:
    await hass.services.async_call(domain, service, {"entity_id": entity, **data}, blocking=True)


def _state(hass: HomeAssistant, entity_id: str) -> str:
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return state.state


async def test_every_platform_reads_and_writes(hass: HomeAssistant) -> None:
    shelf = Shelf()
    entry = await _setup(hass, shelf, remove_stale=False)
    assert _state(hass, "switch.shelf_power") == "off"
    assert _state(hass, "number.shelf_level") == "10.0"
    assert _state(hass, "select.shelf_mode") == "auto"
    assert _state(hass, "text.shelf_label") == "hello"
    assert _state(hass, "sensor.shelf_item_count") == "2"
    assert _state(hass, "binary_sensor.shelf_busy") == "off"

    await _call(hass, "switch", "turn_on", "switch.shelf_power")
    await _call(hass, "number", "set_value", "number.shelf_level", value=42)
    await _call(hass, "select", "select_option", "select.shelf_mode", option="manual")
    await _call(hass, "text", "set_value", "text.shelf_label", value="world")
    await _call(hass, "button", "press", "button.shelf_press")
    await hass.async_block_till_done()
    assert (shelf.power, shelf.level, shelf.mode, shelf.label, shelf.presses) == (
        True,
        42,
        "manual",
        "world",
        1,
    )
    # No event channel: each write is followed by a re-read, and the entities show it.
    assert _state(hass, "switch.shelf_power") == "on"
    assert _state(hass, "binary_sensor.shelf_busy") == "on"
    assert _state(hass, "number.shelf_level") == "42.0"
    assert _state(hass, "text.shelf_label") == "world"
    await _call(hass, "switch", "turn_off", "switch.shelf_power")
    assert _state(hass, "switch.shelf_power") == "off"
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_write_errors_are_translated(hass: HomeAssistant) -> None:
    shelf = Shelf()
    await _setup(hass, shelf, remove_stale=False)
    with pytest.raises(ServiceValidationError) as invalid:
        await _call(hass, "number", "set_value", "number.shelf_level", value=13)
    assert invalid.value.translation_key == "invalid_value"
    assert invalid.value.translation_placeholders == {"error": "13 is unlucky"}
    assert shelf.level == 10.0  # nothing was written
    shelf.broken = True
    with pytest.raises(HomeAssistantError) as failed:
        await _call(hass, "switch", "turn_on", "switch.shelf_power")
    assert failed.value.translation_key == "cannot_connect"
    assert not shelf.power


async def test_write_only_values_show_the_last_set(hass: HomeAssistant) -> None:
    number_data = {
        "native_value": 250.0,
        "native_min_value": 0,
        "native_max_value": 1000,
        "native_step": 1,
        "native_unit_of_measurement": None,
    }
    mock_restore_cache_with_extra_data(
        hass,
        [
            (State("number.shelf_exposure", "250.0"), number_data),
            (State("select.shelf_scene", "b"), {}),
        ],
    )
    shelf = Shelf()
    await _setup(hass, shelf, remove_stale=False)
    assert _state(hass, "number.shelf_exposure") == "250.0"
    assert _state(hass, "select.shelf_scene") == "b"
    await _call(hass, "number", "set_value", "number.shelf_exposure", value=500)
    assert _state(hass, "number.shelf_exposure") == "500.0"
    await _call(hass, "select", "select_option", "select.shelf_scene", option="a")
    assert _state(hass, "select.shelf_scene") == "a"


async def test_items_that_go_away(hass: HomeAssistant) -> None:
    """Kept but unavailable where an item may come back; removed where it is gone for good."""
    registry = er.async_get(hass)
    for remove_stale, expected in ((False, STATE_UNAVAILABLE), (True, None)):
        shelf = Shelf()
        entry = await _setup(hass, shelf, remove_stale=remove_stale)
        coordinator = entry.runtime_data.coordinator
        assert _state(hass, "switch.shelf_item_b") == "on"
        shelf.items.remove("b")
        shelf.items.append("c")
        await coordinator.async_refresh()
        await hass.async_block_till_done()
        state = hass.states.get("switch.shelf_item_b")
        assert (state.state if state else None) == expected
        assert (registry.async_get("switch.shelf_item_b") is None) is remove_stale
        assert _state(hass, "switch.shelf_item_c") == "on"  # added without a reload
        assert _state(hass, "sensor.shelf_item_count") == "2"
        await hass.config_entries.async_remove(entry.entry_id)
        await hass.async_block_till_done()


async def test_device_gone_makes_everything_unavailable(hass: HomeAssistant) -> None:
    shelf = Shelf()
    entry = await _setup(hass, shelf, remove_stale=False)
    shelf.broken = True
    await entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()
    assert _state(hass, "sensor.shelf_item_count") == STATE_UNAVAILABLE
    assert _state(hass, "text.shelf_label") == STATE_UNAVAILABLE
    shelf.broken = False
    await entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()
    assert _state(hass, "sensor.shelf_item_count") == "2"
