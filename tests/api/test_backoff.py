"""`Backoff`: capped exponential delays with jitter."""

from __future__ import annotations

import pytest

from custom_components.camhub.api.backoff import Backoff


def test_delays_double_up_to_the_cap_and_reset() -> None:
    backoff = Backoff(initial=0.5, maximum=4.0, jitter=0)
    assert backoff.peek() == 0.0
    assert [backoff.failed() for _ in range(6)] == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
    backoff.succeeded()
    assert backoff.failures == 0
    assert backoff.failed() == 0.5
    for _ in range(200):  # a long outage stays at the cap (no float overflow)
        backoff.failed()
    assert backoff.peek() == 4.0


def test_jitter_spreads_each_delay() -> None:
    calls: list[tuple[float, float]] = []

    def rand(low: float, high: float) -> float:
        calls.append((low, high))
        return high

    backoff = Backoff(initial=1.0, maximum=10.0, jitter=0.25, rand=rand)
    assert backoff.failed() == 1.25
    assert calls == [(0.75, 1.25)]
    assert 0.8 <= Backoff(initial=1.0, jitter=0.2).failed() <= 1.2


@pytest.mark.parametrize(
    "kwargs",
    [{"initial": 0}, {"initial": 2, "maximum": 1}, {"factor": 0.5}, {"jitter": 1.0}],
)
def test_settings_that_would_spin_are_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        Backoff(**kwargs)  # type: ignore[arg-type]
