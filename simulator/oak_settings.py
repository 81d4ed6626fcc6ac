"""Validating and applying a stream's `config` and `control` bodies, as the real server does.

`apply_config` takes a whole `StreamConfig` (resolution from the sensor kind's enum, or a
pair for depth; fps, at most 30 at the large sizes), `apply_control` a `SensorControlUpdate`
(every field optional, unknown fields ignored, colour-only fields refused by a mono sensor,
focus only where the sensor has a lens). Either raises `ValidationFailed` with FastAPI's
422 entries and changes nothing, or applies every field. Split out of oak.py so the
controller keeps to routing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .fastapi import (
    ValidationFailed,
    error,
    number_in,
)
from .oak_camera import (
    AF_MODES,
    AWB_MODES,
    BOOLS,
    COLOR_ONLY,
    COLOR_RESOLUTIONS,
    INT_RANGES,
    LARGE_MAX_FPS,
    LARGE_RESOLUTIONS,
    MONO_RESOLUTIONS,
    SimStream,
)


def apply_config(stream: SimStream, body: Any) -> None:
    """Validate a whole config against the stream's schema, then take it."""
    if not isinstance(body, dict):
        raise ValidationFailed([error(["body"], "Input should be an object", "dict")])
    errors: list[dict[str, Any]] = []
    resolution = body.get("resolution")
    if stream.kind == "depth":
        if not (
            isinstance(resolution, list)
            and len(resolution) == 2
            and all(isinstance(v, int) and v > 0 for v in resolution)
        ):
            errors.append(error(["body", "resolution"], "Input should be a pair", "tuple_type"))
    else:
        table = COLOR_RESOLUTIONS if stream.kind == "color" else MONO_RESOLUTIONS
        if resolution not in table:
            allowed = ", ".join(f"'{r}'" for r in table)
            errors.append(error(["body", "resolution"], f"Input should be {allowed}", "enum"))
    fps = body.get("fps")
    if not isinstance(fps, int | float) or not number_in(fps, 0.0001, None):
        errors.append(error(["body", "fps"], "Input should be a valid number", "float_type"))
    elif isinstance(resolution, str) and resolution in LARGE_RESOLUTIONS and fps > LARGE_MAX_FPS:
        # The sensor's modes: above 1080p-class sizes the IMX378 delivers at most 30 fps.
        errors.append(
            error(
                ["body", "fps"],
                f"Input should be less than or equal to {LARGE_MAX_FPS} at {resolution}",
                "less_than_equal",
            )
        )
    if errors:
        raise ValidationFailed(errors)
    stream.resolution = resolution  # type: ignore[assignment]  # checked above
    stream.fps = float(body["fps"])


def apply_control(stream: SimStream, body: Any) -> None:
    """Validate a SensorControlUpdate (every field optional) for this sensor, then apply it."""
    if not isinstance(body, dict):
        raise ValidationFailed([error(["body"], "Input should be an object", "dict")])
    errors = list(_control_errors(stream, body))
    if errors:
        raise ValidationFailed(errors)
    for key, value in body.items():
        if key == "focus":
            if value is not None and stream.focus is not None:
                _apply_focus(stream, value)
        elif key in stream.control:
            stream.control[key] = value


def _apply_focus(stream: SimStream, focus: dict[str, Any]) -> None:
    """A `SensorFocus` replaces the focus; a trigger sweeps the lens to `focus_target`."""
    assert stream.focus is not None
    stream.focus = {**stream.focus, **focus, "auto_focus_trigger": False}
    if focus.get("auto_focus_trigger") is True:
        stream.autofocus_triggers += 1
        stream.focus["lens_position"] = stream.focus_target


def _control_errors(stream: SimStream, body: Mapping[str, Any]) -> list[dict[str, Any]]:
    errors: list[dict[str, Any]] = []
    for key, value in body.items():
        loc: list[str | int] = ["body", key]
        if key in INT_RANGES:
            low, high = INT_RANGES[key]
            if isinstance(value, bool) or not isinstance(value, int):
                errors.append(error(loc, "Input should be a valid integer", "int_type"))
            elif not number_in(value, low, high):
                errors.append(error(loc, f"Input should be between {low} and {high}", "range"))
        elif key in BOOLS:
            if not isinstance(value, bool):
                errors.append(error(loc, "Input should be a valid boolean", "bool_type"))
        elif key == "auto_whitebalance_mode":
            if value not in AWB_MODES:
                errors.append(error(loc, "Input should be a white balance mode", "enum"))
        elif key == "focus":
            errors.extend(_focus_errors(stream, value))
        else:
            continue  # FastAPI ignores unknown fields
        if key in COLOR_ONLY and stream.kind == "mono" and not errors:
            errors.append(error(loc, "Not supported by a mono sensor", "value_error"))
    return errors


def _focus_errors(stream: SimStream, value: Any) -> list[dict[str, Any]]:
    if value is None:
        return []
    if stream.focus is None:
        return [error(["body", "focus"], "Sensor has a fixed focus", "value_error")]
    if not isinstance(value, dict):
        return [error(["body", "focus"], "Input should be an object", "dict")]
    errors = []
    if "lens_position" in value and not number_in(value["lens_position"], 0.0, 1.0):
        errors.append(error(["body", "focus", "lens_position"], "Input should be <= 1.0", "range"))
    if "auto_focus_mode" in value and value["auto_focus_mode"] not in AF_MODES:
        errors.append(error(["body", "focus", "auto_focus_mode"], "Invalid mode", "enum"))
    if not isinstance(value.get("auto_focus_trigger", False), bool):
        message = "Input should be a valid boolean"
        errors.append(error(["body", "focus", "auto_focus_trigger"], message, "bool_type"))
    return errors
