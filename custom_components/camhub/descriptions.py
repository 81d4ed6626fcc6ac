"""Entity descriptions: how a family declares its entities as static, typed data.

A family declares a tuple of descriptions per item kind (a stream, a playlist, an OAK camera,
the device itself), once, at import. `FamilyHost.entities(state)` places them on the items
the state has (`place`): the item's id is passed to every function, so a description never
captures an item in a closure and mypy checks what each function receives:
`CamHubSwitchDescription[AxisState, CamStreamerHost]` has
`value_fn(state: AxisState, item: str)` and `set_fn(host: CamStreamerHost, item: str, on: bool)`.

- `exists_fn(state, item)`: whether the entity exists in this state. A placed description
  whose `exists_fn` is false is not added; an added entity whose `exists_fn` turns false
  becomes unavailable (and is removed if the host sets `remove_stale_entities`).
- `available_fn(state, item)`: whether an existing entity can be used now (a CamStreamer app
  that is stopped: its entities stay, unavailable, with the user's names and areas).
- `value_fn(state, item)`: the entity's value, read from the coordinator's typed state.
- `set_fn(host, item, value)` / `press_fn(host, item)`: the write. A `ValueError` it raises
  becomes a translated `ServiceValidationError`, a `CamHubError` a translated
  `HomeAssistantError`.
- `image_fn(state, item)` (image entities): the picture the state holds, with its moment.
- `events_fn(state, item)` (event entities): the item's recent events, oldest first, each
  with a sequence number that only grows. An event entity fires each one it has not fired
  yet, so several events published at once (a pull with two rings) are all fired, and a
  publish that only changed something else fires nothing.

The item's name reaches the entity name through `translation_placeholders` of the placement,
e.g. translation key `broadcast` with the name `"{name} broadcast"` in strings.json.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from homeassistant.components.binary_sensor import BinarySensorEntityDescription
from homeassistant.components.button import ButtonEntityDescription
from homeassistant.components.event import EventEntityDescription
from homeassistant.components.image import ImageEntityDescription
from homeassistant.components.number import NumberEntityDescription
from homeassistant.components.select import SelectEntityDescription
from homeassistant.components.sensor import SensorDeviceClass, SensorEntityDescription
from homeassistant.components.switch import SwitchEntityDescription
from homeassistant.components.text import TextEntityDescription
from homeassistant.helpers.entity import EntityDescription

from .devices import entity_unique_id

StateValue = str | int | float | datetime | None


def _always(state: object, item: str) -> bool:
    return True


@dataclass(frozen=True, kw_only=True)
class CamHubDescription[StateT](EntityDescription):
    """What every CamHub entity description has."""

    exists_fn: Callable[[StateT, str], bool] = _always
    available_fn: Callable[[StateT, str], bool] = _always


@dataclass(frozen=True, kw_only=True)
class CamHubSwitchDescription[StateT, HostT](CamHubDescription[StateT], SwitchEntityDescription):
    """An on/off control."""

    value_fn: Callable[[StateT, str], bool | None]
    set_fn: Callable[[HostT, str, bool], Awaitable[None]]


@dataclass(frozen=True, kw_only=True)
class CamHubNumberDescription[StateT, HostT](CamHubDescription[StateT], NumberEntityDescription):
    """A numeric control.

    With `restore`, a value the device cannot read back (None) shows the last value set,
    kept across restarts.
    """

    value_fn: Callable[[StateT, str], float | None]
    set_fn: Callable[[HostT, str, float], Awaitable[None]]
    restore: bool = False
    range_fn: Callable[[StateT, str], tuple[float, float] | None] | None = None
    """(min, max) the device reports for this item (an analog output's mode), if it does."""
    unit_fn: Callable[[StateT, str], str | None] | None = None
    """The unit the device reports for this item, where it is not fixed."""


@dataclass(frozen=True, kw_only=True)
class CamHubSelectDescription[StateT, HostT](CamHubDescription[StateT], SelectEntityDescription):
    """A choice among options; `options_fn` for options that come from the device."""

    value_fn: Callable[[StateT, str], str | None]
    set_fn: Callable[[HostT, str, str], Awaitable[None]]
    options_fn: Callable[[StateT, str], list[str]] | None = None
    restore: bool = False


@dataclass(frozen=True, kw_only=True)
class CamHubButtonDescription[StateT, HostT](CamHubDescription[StateT], ButtonEntityDescription):
    """A one-shot action."""

    press_fn: Callable[[HostT, str], Awaitable[None]]


@dataclass(frozen=True, kw_only=True)
class CamHubTextDescription[StateT, HostT](CamHubDescription[StateT], TextEntityDescription):
    """A free-text control (an info ticker's text, ...)."""

    value_fn: Callable[[StateT, str], str | None]
    set_fn: Callable[[HostT, str, str], Awaitable[None]]


@dataclass(frozen=True, kw_only=True)
class CamHubSensorDescription[StateT](CamHubDescription[StateT], SensorEntityDescription):
    """A read-only value; `unit_fn` / `device_class_fn` where the device reports the unit."""

    value_fn: Callable[[StateT, str], StateValue]
    unit_fn: Callable[[StateT, str], str | None] | None = None
    device_class_fn: Callable[[StateT, str], SensorDeviceClass | None] | None = None


@dataclass(frozen=True, kw_only=True)
class CamHubBinarySensorDescription[StateT](
    CamHubDescription[StateT], BinarySensorEntityDescription
):
    """A read-only on/off state."""

    value_fn: Callable[[StateT, str], bool | None]


EventAttribute = str | int | float | None


@dataclass(frozen=True, slots=True)
class EntityEvent:
    """One event for an event entity: its type and attributes, and a growing `seq`.

    `seq` is the host's counter (device record ids restart with the device), so an entity
    knows which events of `events_fn` it has fired already.
    """

    seq: int
    event_type: str
    attributes: Mapping[str, EventAttribute] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, kw_only=True)
class CamHubEventDescription[StateT](CamHubDescription[StateT], EventEntityDescription):
    """Something that happens (a doorbell ring): fires what `events_fn` lists and is new."""

    events_fn: Callable[[StateT, str], Sequence[EntityEvent]]


@dataclass(frozen=True, slots=True)
class StillImage:
    """A picture an image entity shows: JPEG bytes and the moment they show."""

    taken_at: datetime
    jpeg: bytes = field(repr=False)


@dataclass(frozen=True, kw_only=True)
class CamHubImageDescription[StateT](CamHubDescription[StateT], ImageEntityDescription):
    """A picture held in the state (the visitor at the last ring), not fetched on request."""

    image_fn: Callable[[StateT, str], StillImage | None]


@dataclass(frozen=True, slots=True)
class PlacedEntity[StateT]:
    """A description placed on one item of one device: one entity.

    `key` (unique within the device) is the description's key, prefixed for item entities
    (`stream_<id>_broadcast`); `item` is what the description's functions receive.
    """

    description: CamHubDescription[StateT]
    device_id: str
    key: str
    item: str = ""
    placeholders: Mapping[str, str] | None = None

    @property
    def unique_id(self) -> str:
        """The entity's unique id (the one scheme, `devices.entity_unique_id`)."""
        return entity_unique_id(self.device_id, self.key)

    def exists(self, state: StateT) -> bool:
        """Whether the entity exists in `state`."""
        return self.description.exists_fn(state, self.item)


def place[StateT](
    descriptions: Iterable[CamHubDescription[StateT]],
    device_id: str,
    *,
    item: str = "",
    prefix: str | None = None,
    suffix: str | None = None,
    names: Mapping[str, str] | None = None,
) -> list[PlacedEntity[StateT]]:
    """Place descriptions on an item; keys are `[<prefix>_]<key>[_<suffix>]`.

    The prefix or suffix (usually the item's id) makes the key unique within the device;
    which of the two a family uses is fixed by the unique ids its users already have.
    """
    return [
        PlacedEntity(
            description,
            device_id,
            "_".join(part for part in (prefix, description.key, suffix) if part),
            item,
            names,
        )
        for description in descriptions
    ]
