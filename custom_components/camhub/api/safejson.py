"""JSON from devices, decoded so that a hostile or broken device cannot hurt Home Assistant.

A device's body is untrusted. Three things go wrong with a plain `json.loads` of it:
- a body nested 100,000 deep raises RecursionError (on interpreters whose decoder recurses),
  which no caller expects;
- 15 MB of tiny objects (`[{},{},...]`, under the transport's 16 MB cap) becomes ~400 MB of
  Python objects, and decoding it stalls the event loop for most of a second (the C decoder
  holds the GIL, so an executor thread would stall the loop just the same);
- `Infinity` / `NaN` decode as floats that later overflow an `int()`.

`loads` refuses all of it as `ProtocolError`, the type every caller already handles. It counts
containers and elements before decoding (two `bytes.count`, ~1 ms for 16 MB), so memory and
decode time stay bounded by the document's size rather than by what it expands to: at most
~15 ms on the event loop and a few tens of MB of objects.
"""

from __future__ import annotations

import json
from typing import Any

from .errors import ProtocolError

MAX_CONTAINERS = 50_000
"""Objects + arrays in one document.

The largest real answer (an OAK controller's cameras with their controls, a CamStreamer stream
list with a hundred streams) holds a few thousand. Brackets inside strings count too, so this
is an upper bound that only makes the limit stricter for text-heavy documents.
"""
MAX_ELEMENTS = 200_000
"""Array elements + object members (counted by their separating commas), same reasoning."""


def _refuse_constant(name: str) -> Any:
    raise ProtocolError(f"non-finite number {name} in JSON")


def loads(data: bytes | bytearray | str, max_containers: int = MAX_CONTAINERS) -> Any:
    """Decode a JSON document, or raise ProtocolError for anything unusable."""
    raw = data.encode() if isinstance(data, str) else bytes(data)
    containers = raw.count(b"{") + raw.count(b"[")
    if containers > max_containers:
        raise ProtocolError(f"JSON with {containers} objects/arrays exceeds {max_containers}")
    if (elements := raw.count(b",")) > MAX_ELEMENTS:
        raise ProtocolError(f"JSON with {elements} elements exceeds {MAX_ELEMENTS}")
    try:
        return json.loads(raw, parse_constant=_refuse_constant)
    except RecursionError as err:
        raise ProtocolError("JSON nested too deeply") from err
    except (ValueError, UnicodeDecodeError) as err:
        raise ProtocolError(f"invalid JSON: {err}") from err
