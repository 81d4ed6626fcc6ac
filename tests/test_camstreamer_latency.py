"""Event-to-state latency of the CamStreamer family, measured (not asserted) for the README.

Each change is made on the simulated camera (as its web UI or an I/O input would); the time
until Home Assistant writes the entity's new state is recorded. Run with `-s` to see the
figures; the test only checks that every change arrived, without any HTTP request.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Callable

from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event, HomeAssistant, callback
from pytest_homeassistant_custom_component.common import MockConfigEntry

from simulator import AxisCamera

from .test_camstreamer import MAIN, ORGAN, P, pushed

CHANGES = 50


async def measure(
    hass: HomeAssistant, entity_id: str, change: Callable[[int], None]
) -> list[float]:
    """Milliseconds from each `change(i)` to the state write of `entity_id`."""
    arrived: asyncio.Queue[float] = asyncio.Queue()

    @callback
    def on_change(event: Event) -> None:
        if event.data["entity_id"] == entity_id:
            arrived.put_nowait(time.perf_counter())

    unsub = hass.bus.async_listen(EVENT_STATE_CHANGED, on_change)
    timings: list[float] = []
    try:
        for i in range(CHANGES):
            start = time.perf_counter()
            change(i)
            end = await asyncio.wait_for(arrived.get(), 5)
            timings.append((end - start) * 1000)
    finally:
        unsub()
    return timings


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def test_event_to_state_latency(
    hass: HomeAssistant, axis: AxisCamera, axis_entry: MockConfigEntry
) -> None:
    await pushed(hass, axis_entry)
    axis.stats.reset()
    results = {
        "stream broadcast (StreamState)": await measure(
            hass,
            f"switch.{P}sunday_mass_broadcast",
            lambda i: axis.set_stream_enabled("11", i % 2 == 0),
        ),
        "broadcast event (started/stopped)": await measure(
            hass,
            f"event.{P}sunday_mass_broadcast_event",
            lambda i: axis.set_stream_enabled("11", i % 2 == 0),
        ),
        "I/O port (PortChanged)": await measure(
            hass, f"binary_sensor.{P}i_o_port_1", lambda i: axis.set_port(1, i % 2 == 0)
        ),
        "playlist (StreamSwitchVideo)": await measure(
            hass,
            f"select.{P}playlist",
            lambda i: axis.switch_playlist(ORGAN if i % 2 == 0 else MAIN),
        ),
        "overlay service (ServiceStart/Stop)": await measure(
            hass,
            f"switch.{P}scoreboard_overlay",
            lambda i: axis.set_service_enabled(2, i % 2 == 0),
        ),
    }
    for name, timings in results.items():
        print(
            f"{name}: n={len(timings)} p50={statistics.median(timings):.2f} ms "
            f"p95={percentile(timings, 0.95):.2f} ms max={max(timings):.2f} ms"
        )
        assert len(timings) == CHANGES
    assert sum(axis.stats.requests.values()) == 0  # pushed: not one HTTP request
