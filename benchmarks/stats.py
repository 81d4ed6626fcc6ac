"""Small statistics and formatting helpers shared by the scenarios."""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0..100) by linear interpolation; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    pos = (len(ordered) - 1) * p / 100
    low = math.floor(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def median(values: Sequence[float]) -> float:
    """The median; NaN for no values."""
    return percentile(values, 50)


def ratio(anchor: float, camhub: float) -> float:
    """anchor / camhub (how many times better CamHub is when lower is better)."""
    if camhub == 0 or math.isnan(camhub) or math.isnan(anchor):
        return math.nan
    return anchor / camhub


def fmt(value: float | int | None, digits: int = 1) -> str:
    """A number for a Markdown table; '-' when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, int):
        return str(value)
    return f"{value:.{digits}f}"
