"""Entity descriptions: how a family declares its entities as data.

A family returns a list of these from `Family.entity_descriptions(client, state, options)`;
the platform is chosen by the description's type. Per-item entities (a stream, a playlist, a
port) are descriptions built in a loop, with the item id captured in their functions and the
item's name passed as `translation_placeholders`, e.g.
translation key `broadcast` with the name `"{name} broadcast"` in strings.json.

- `device_id`: the Home Assistant device (a key of `Family.device_infos(state)`).
- `exists_fn(state)`: whether the entity exists in this state. A description whose
  `exists_fn` is false is not added; an added entity whose `exists_fn` turns false becomes
  unavailable (and is removed if the family sets `remove_stale_entities`).
- `available_fn(state)`: whether an existing entity can be used now (a CamStreamer app that
  is stopped: its entities stay, unavailable, with the user's names and areas).
- `value_fn(state)`: the entity's value, read from the coordinator's typed state.
- `set_fn(client, value)` / `press_fn(client)`: the write. A `ValueError` it raises becomes a
  translated `ServiceValidationError`, a `CamHubError` a translated `HomeAssistantError`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from homeassistant.components.binary_sensor import BinarySensorEntityDescription
from homeassistant.components.button import ButtonEntityDescription
from homeassistant.components.number import NumberEntityDescription
from homeassistant.components.select import SelectEntityDescription
from homeassistant.components.sensor import SensorEntityDescription
from homeassistant.components.switch import SwitchEntityDescription
from homeassistant.components.text import TextEntityDescription
from homeassistant.helpers.entity import EntityDescription

StateValue = str | int | float | datetime | None


def _always(state: Any) -> bool:
    return True


@dataclass(frozen=True, kw_only=True)
class CamHubDescription(EntityDescription):
    """What every CamHub entity description has."""

    device_id: str
    exists_fn: Callable[[Any], bool] = _always
    available_fn: Callable[[Any], bool] = _always


@dataclass(frozen=True, kw_only=True)
class CamHubSwitchDescription(CamHubDescription, SwitchEntityDescription):
    """An on/off control."""

    value_fn: Callable[[Any], bool | None]
    set_fn: Callable[[Any, bool], Awaitable[None]]


@dataclass(frozen=True, kw_only=True)
class CamHubNumberDescription(CamHubDescription, NumberEntityDescription):
    """A numeric control.

    With `restore`, a value the device cannot read back (None) shows the last value set,
    kept across restarts.
    """

    value_fn: Callable[[Any], float | None]
    set_fn: Callable[[Any, float], Awaitable[None]]
    restore: bool = False


@dataclass(frozen=True, kw_only=True)
class CamHubSelectDescription(CamHubDescription, SelectEntityDescription):
    """A choice among options; `options_fn` for options that come from the device."""

    value_fn: Callable[[Any], str | None]
    set_fn: Callable[[Any, str], Awaitable[None]]
    options_fn: Callable[[Any], list[str]] | None = None
    restore: bool = False


@dataclass(frozen=True, kw_only=True)
class CamHubButtonDescription(CamHubDescription, ButtonEntityDescription):
    """A one-shot action."""

    press_fn: Callable[[Any], Awaitable[None]]


@dataclass(frozen=True, kw_only=True)
class CamHubTextDescription(CamHubDescription, TextEntityDescription):
    """A free-text control (an info ticker's text, ...)."""

    value_fn: Callable[[Any], str | None]
    set_fn: Callable[[Any, str], Awaitable[None]]


@dataclass(frozen=True, kw_only=True)
class CamHubSensorDescription(CamHubDescription, SensorEntityDescription):
    """A read-only value."""

    value_fn: Callable[[Any], StateValue]


@dataclass(frozen=True, kw_only=True)
class CamHubBinarySensorDescription(CamHubDescription, BinarySensorEntityDescription):
    """A read-only on/off state."""

    value_fn: Callable[[Any], bool | None]
