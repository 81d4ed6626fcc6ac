"""Camera properties of the Camera Remote server: ISO, aperture, shutter speed, ...

A property is a snapshot of the camera *now*: its value (hex, for writes, and formatted, for
people), whether it is `writable` and the `available_values` it accepts. Both move with other
settings (aperture is read-only outside Manual / Aperture priority, the Tracking focus areas
exist only in continuous AF) and with the priority key (`camera-position`: nothing writable,
no values). So nothing here is cached: a write re-reads the property first (`choose_value`
checks the wanted value against that live list), and the family re-reads every property on
the camera's `propertyChanged` events.

The two read endpoints have different shapes (the spec says so): the single GET has `value`
/ `formatted` and a stringified `writable`; `properties/all` has `current_hex_value` /
`current_formatted`, a real boolean and values with both `value` and `hex_value`. Both are
parsed into the same `CameraProperty`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import ProtocolError
from .parse import answer_data, parse_bool


class PropertyValueError(ValueError):
    """A value the camera does not accept now (not writable, or not among its values).

    A `ValueError`, so Home Assistant shows it as invalid input, translated, before any
    write reaches the camera.
    """


@dataclass(frozen=True, slots=True)
class PropertyOption:
    """One of a property's available values: hex (what a write sends) and its label."""

    hex_value: str
    formatted: str


@dataclass(frozen=True, slots=True)
class CameraProperty:
    """A property as the camera reports it now."""

    name: str
    hex_value: str
    formatted: str
    writable: bool
    options: tuple[PropertyOption, ...] = ()

    @property
    def labels(self) -> list[str]:
        """Unique labels of the available values, in the camera's order.

        Two values sharing a label (bodies report e.g. two "Custom" white balances) get
        their hex value appended, so every label names one value.
        """
        return [self.label(option) for option in self.options]

    def label(self, option: PropertyOption) -> str:
        """The option's label, made unique among this property's options."""
        shared = sum(o.formatted == option.formatted for o in self.options) > 1
        return f"{option.formatted} ({option.hex_value})" if shared else option.formatted

    @property
    def current(self) -> str:
        """The current value's label, as `labels` spells it (the formatted value otherwise)."""
        for option in self.options:
            if _same_hex(option.hex_value, self.hex_value):
                return self.label(option)
        return self.formatted

    @property
    def settable(self) -> bool:
        """Writable now, with values to choose from."""
        return self.writable and bool(self.options)


def _same_hex(a: str, b: str) -> bool:
    try:
        return int(a, 16) == int(b, 16)
    except ValueError:
        return a == b


def choose_value(prop: CameraProperty, label: str) -> str:
    """The hex value to write for `label`; `PropertyValueError` if the camera refuses it now."""
    if not prop.writable:
        raise PropertyValueError(f"{prop.name} is not writable now (currently {prop.formatted})")
    for option in prop.options:
        if label in (prop.label(option), option.hex_value):
            return option.hex_value
    allowed = ", ".join(prop.labels) or "none"
    raise PropertyValueError(f"{label!r} is not available for {prop.name} now ({allowed})")


def _str(entry: dict[str, Any], key: str, name: str) -> str:
    value = entry.get(key)
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ProtocolError(f"property {name} has no {key}")
    return str(value)


def _options(raw: Any, hex_key: str, name: str) -> tuple[PropertyOption, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ProtocolError(f"available_values of {name} is not a list")
    found: list[PropertyOption] = []
    for item in raw:
        if not isinstance(item, dict):
            raise ProtocolError(f"an available value of {name} is not an object")
        found.append(PropertyOption(_str(item, hex_key, name), _str(item, "formatted", name)))
    return tuple(found)


def parse_property(answer: Any) -> CameraProperty:
    """A single `GET properties/{name}` (`writable` may be a string)."""
    data = answer_data(answer)
    name = _str(data, "property", "?")
    return CameraProperty(
        name=name,
        hex_value=_str(data, "value", name),
        formatted=_str(data, "formatted", name),
        writable=parse_bool(data.get("writable", False), "writable"),
        options=_options(data.get("available_values"), "value", name),
    )


def parse_all_properties(answer: Any) -> dict[str, CameraProperty]:
    """`GET properties/all`: every property the camera reports, by name."""
    properties = answer_data(answer).get("properties")
    if not isinstance(properties, dict):
        raise ProtocolError("properties/all has no properties map")
    found: dict[str, CameraProperty] = {}
    for name, entry in properties.items():
        if not isinstance(entry, dict):
            raise ProtocolError(f"property {name} is not an object")
        found[name] = CameraProperty(
            name=name,
            hex_value=_str(entry, "current_hex_value", name),
            formatted=_str(entry, "current_formatted", name),
            writable=parse_bool(entry.get("writable", False), "writable"),
            options=_options(entry.get("available_values"), "hex_value", name),
        )
    return found
