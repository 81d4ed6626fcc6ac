"""CamStreamer apps: checking and encoding of writes (stream parameters, overlay texts)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from .models import TRIGGER_INPUT, TRIGGERS, URL_SCHEMES


def validate_stream_params(params: Mapping[str, Any]) -> dict[str, str]:
    """Check and encode a `stream/set.cgi` parameter set; raise ValueError with the reason."""
    out: dict[str, str] = {}
    for key, value in params.items():
        if value is None:
            continue
        out[key] = ("1" if value else "0") if isinstance(value, bool) else str(value)
    protocol = out.pop("protocol", None)
    url = out.get("mediaServerUrl")
    if url is not None:
        schemes = URL_SCHEMES.get(protocol or "") or tuple(
            s for group in URL_SCHEMES.values() for s in group
        )
        if not url.lower().startswith(schemes):
            raise ValueError(f"mediaServerUrl must start with {' or '.join(schemes)}")
    trigger = out.get("trigger")
    if trigger is not None and trigger not in TRIGGERS and not TRIGGER_INPUT.match(trigger):
        raise ValueError("trigger must be none, time, recurrent or inputN")
    if "schedule" in out:
        out["schedule"] = _validate_schedule(out["schedule"])
    for key in ("startTime", "stopTime", "prepareAhead", "avSyncMsec"):
        if key in out and not re.fullmatch(r"-?\d+", out[key]):
            raise ValueError(f"{key} must be a whole number")
    for key in ("statusPort", "streamDelay"):  # "" clears them, as the app's own UI does
        if out.get(key) and not re.fullmatch(r"\d+", out[key]):
            raise ValueError(f"{key} must be a whole number of 0 or more")
    if (
        trigger == "time"
        and "startTime" in out
        and "stopTime" in out
        and int(out["startTime"]) >= int(out["stopTime"])
    ):
        raise ValueError("startTime must be before stopTime")
    return out


def check_hls(params: Mapping[str, str]) -> None:
    """An HLS output needs `resolution` and `videomaxbitrate` in its VAPIX parameters.

    The app's documentation says so; without them it starts a stream no player can open,
    so `params` (the stream's stored parameters with the change on top) is checked first.
    """
    if not params.get("mediaServerUrl", "").lower().startswith("hls://"):
        return
    vapix = f"{params.get('internalVapixParameters', '')}&{params.get('userVapixParameters', '')}"
    keys = {part.partition("=")[0].strip().lower() for part in vapix.split("&")}
    missing = [key for key in ("resolution", "videomaxbitrate") if key not in keys]
    if missing:
        raise ValueError(
            "an HLS stream needs " + " and ".join(missing) + " in its VAPIX parameters"
        )


_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$")


def _validate_schedule(text: str) -> str:
    """The recurrent schedule: a JSON list of {day_from, day_to, time_from, time_to}."""
    try:
        items = json.loads(text)
    except (ValueError, RecursionError) as err:
        raise ValueError(f"schedule is not JSON: {err}") from err
    if not isinstance(items, list):
        raise ValueError("schedule must be a JSON list")
    for item in items:
        if not isinstance(item, dict):
            raise ValueError("schedule entries must be objects")
        for key in ("day_from", "day_to"):
            day = item.get(key)
            if not isinstance(day, int) or isinstance(day, bool) or not 0 <= day <= 6:
                raise ValueError(f"schedule {key} must be 0..6 (0 is Monday)")
        for key in ("time_from", "time_to"):
            if not isinstance(item.get(key), str) or not _TIME.match(item[key]):
                raise ValueError(f"schedule {key} must be HH:MM:SS")
    return json.dumps(items, separators=(",", ":"))


def _color(value: str) -> str:
    """A CamOverlay colour: 9 or 12 digits (RRRGGGBBB[AAA]) or "r,g,b[,a]"."""
    text = value.strip()
    if re.fullmatch(r"\d{9}(\d{3})?", text):
        return text
    parts = text.split(",")
    if len(parts) in (3, 4) and all(p.strip().isdigit() and int(p) <= 255 for p in parts):
        return "".join(f"{int(p):03d}" for p in parts)
    raise ValueError(f"colour {value!r} must be r,g,b[,a] (0..255) or RRRGGGBBB[AAA]")


def custom_graphics_params(
    service_id: int,
    texts: Mapping[str, str],
    colors: Mapping[str, str] | None = None,
    indexes: Mapping[str, int] | None = None,
) -> dict[str, str]:
    """`customGraphics.cgi?action=update_text` parameters; raise ValueError on bad input."""
    if not texts and not colors and not indexes:
        raise ValueError("give at least one field text, colour or variant index")
    params = {"action": "update_text", "service_id": str(service_id)}
    for name, text in texts.items():
        params[_field_name(name)] = str(text)
    for name, color in (colors or {}).items():
        params[f"{_field_name(name)}_color"] = _color(color)
    for name, index in (indexes or {}).items():
        if not isinstance(index, int) or isinstance(index, bool) or index < 0:
            raise ValueError(f"variant index of {name} must be 0 or more")
        params[f"{_field_name(name)}_index"] = str(index)
    return params


COORD_SYSTEMS = (
    "top_left", "top_right", "bottom_left", "bottom_right",
    "left", "right", "top", "bottom", "center",
)  # fmt: skip


def custom_graphics_image_params(
    service_id: int,
    image: str | None = None,
    coord_system: str | None = None,
    pos_x: int | None = None,
    pos_y: int | None = None,
) -> dict[str, str]:
    """`customGraphics.cgi?action=update_image` parameters; raise ValueError on bad input.

    The image is a file in the camera's storage (an absolute path) or a URL the camera
    fetches; position changes alone are allowed too.
    """
    params = {"action": "update_image", "service_id": str(service_id)}
    if image is not None:
        text = image.strip()
        if not text.startswith("/") and not re.match(r"https?://\S+$", text, re.IGNORECASE):
            raise ValueError("image must be a path on the camera (/...) or an http(s) URL")
        params["image"] = text
    if coord_system is not None:
        if coord_system not in COORD_SYSTEMS:
            raise ValueError(f"coord_system must be one of {', '.join(COORD_SYSTEMS)}")
        params["coord_system"] = coord_system
    for key, value in (("pos_x", pos_x), ("pos_y", pos_y)):
        if value is not None:
            params[key] = str(int(value))
    if len(params) == 2:
        raise ValueError("give an image, a coordinate system or a position")
    return params


def _field_name(name: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_\-]+", name) or name in ("action", "service_id"):
        raise ValueError(f"invalid field name {name!r}")
    return name
