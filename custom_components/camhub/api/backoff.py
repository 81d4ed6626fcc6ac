"""Capped exponential backoff with jitter, for loops that retry a device.

Every retry loop needs the same three things: wait longer after each consecutive failure (so a
device that is down is not hammered), never longer than a cap (so recovery is noticed soon),
and a random spread (so many entries that lost the same device do not retry in lockstep).
One small object keeps the failure count so the loop only says `failed()` / `succeeded()`.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Backoff:
    """Delays of `initial * factor**(n-1)` seconds after the n-th failure, capped at `maximum`.

    `jitter` spreads each delay uniformly over ±jitter of its value (0 gives exact delays,
    which tests use). `rand` is injectable for the same reason.
    """

    initial: float = 1.0
    maximum: float = 60.0
    factor: float = 2.0
    jitter: float = 0.2
    rand: Callable[[float, float], float] = field(default=random.uniform, repr=False)
    failures: int = 0

    def __post_init__(self) -> None:
        """Reject settings that would make a loop spin or never retry."""
        if self.initial <= 0 or self.maximum < self.initial or self.factor < 1:
            raise ValueError("need 0 < initial <= maximum and factor >= 1")
        if not 0 <= self.jitter < 1:
            raise ValueError("jitter must be in [0, 1)")

    def failed(self) -> float:
        """Count one more failure and return how long to wait before the next attempt."""
        self.failures += 1
        return self.peek()

    def peek(self) -> float:
        """The delay for the current failure count (0 while nothing has failed)."""
        if self.failures == 0:
            return 0.0
        exponent = min(self.failures - 1, 64)  # beyond this the cap applies anyway
        base = min(self.maximum, self.initial * self.factor**exponent)
        if self.jitter == 0:
            return base
        return max(0.0, base * self.rand(1 - self.jitter, 1 + self.jitter))

    def succeeded(self) -> None:
        """The device works again: the next failure starts from `initial`."""
        self.failures = 0
