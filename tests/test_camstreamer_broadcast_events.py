"""CamStreamer broadcast events in Home Assistant: an event entity per stream.

Through the real harness against the simulated camera: a broadcast started with its switch
fires `started` (with the app's "Broadcast started." for the YouTube stream), stopped fires
`stopped`, a broken broadcast fires `failed` with the app's message; a reconnection (the
init data again, even with a changed stream) fires nothing; an automation triggered by the
event entity runs.
"""

from __future__ import annotations

from typing import Any

from homeassistant.components import automation
from homeassistant.const import STATE_ON, STATE_UNKNOWN
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry

from simulator import AxisCamera, Simulator

from .conftest import AXIS_SERIAL, setup_axis_entry
from .test_camstreamer import P, call, pushed, state, until

SUNDAY = f"event.{P}sunday_mass_broadcast_event"  # stream 11, YouTube: the app calls its API
FACEBOOK = f"event.{P}facebook_broadcast_event"  # stream 12, plain RTMP, enabled


class Fired:
    """The event entities' fired events (state changes that are not availability)."""

    def __init__(self, hass: HomeAssistant, *entity_ids: str) -> None:
        ids = entity_ids or (SUNDAY, FACEBOOK)
        self.events: dict[str, list[dict[str, Any]]] = {entity_id: [] for entity_id in ids}
        hass.bus.async_listen("state_changed", self._changed)

    @callback
    def _changed(self, event: Event[EventStateChangedData]) -> None:
        new, entity_id = event.data["new_state"], event.data["entity_id"]
        if (
            entity_id in self.events
            and new is not None
            and new.state not in ("unknown", "unavailable")
        ):
            self.events[entity_id].append(dict(new.attributes))

    def kinds(self, entity_id: str) -> list[str]:
        return [attrs["event_type"] for attrs in self.events[entity_id]]


async def test_event_entity_per_stream(
    hass: HomeAssistant, axis: AxisCamera, axis_entry: MockConfigEntry
) -> None:
    await pushed(hass, axis_entry)
    sunday = hass.states.get(SUNDAY)
    assert sunday is not None and sunday.state == STATE_UNKNOWN  # nothing happened yet
    assert sunday.attributes["event_types"] == ["started", "stopped", "failed"]
    assert sunday.attributes["friendly_name"] == "AXIS M1065-L Sunday mass broadcast event"
    assert hass.states.get(FACEBOOK) is not None


async def test_switch_starts_and_stops_a_broadcast_a_failure_is_reported(
    hass: HomeAssistant, axis: AxisCamera, axis_entry: MockConfigEntry
) -> None:
    await pushed(hass, axis_entry)
    fired = Fired(hass)
    await call(hass, "switch", "turn_on", "sunday_mass_broadcast")
    await until(hass, lambda: fired.kinds(SUNDAY) == ["started"], "started")
    started = fired.events[SUNDAY][0]
    assert started["message"] == "Broadcast started."
    assert started["api_call"] == "startBroadcast"
    assert "code" not in started

    axis.fail_stream("11", "The stream key is invalid")  # CS_API_ERROR, then isStreaming 0
    await until(hass, lambda: fired.kinds(SUNDAY) == ["started", "failed"], "failed")
    failed = fired.events[SUNDAY][1]
    assert (failed["message"], failed["code"]) == ("The stream key is invalid", "ERR_BROADCAST")
    await until(hass, lambda: state(hass, "binary_sensor.sunday_mass_streaming") == "off")
    assert state(hass, "switch.sunday_mass_broadcast") == STATE_ON  # still meant to run

    await call(hass, "switch", "turn_on", "sunday_mass_broadcast")  # try again: it works
    await until(hass, lambda: fired.kinds(SUNDAY)[-1:] == ["started"], "started again")
    await call(hass, "switch", "turn_off", "sunday_mass_broadcast")
    await until(hass, lambda: fired.kinds(SUNDAY) == ["started", "failed", "started", "stopped"])
    assert fired.events[SUNDAY][-1]["message"] == "Broadcast stopped."
    assert fired.kinds(FACEBOOK) == []  # routed: the other stream's entity heard nothing

    axis.fail_stream("12")  # a plain RTMP broadcast drops: no message of the app's
    await until(hass, lambda: fired.kinds(FACEBOOK) == ["failed"], "facebook failed")
    assert "message" not in fired.events[FACEBOOK][0]


async def test_reconnects_and_repeats_fire_nothing(
    hass: HomeAssistant, axis: AxisCamera, axis_entry: MockConfigEntry
) -> None:
    await pushed(hass, axis_entry)
    fired = Fired(hass)
    axis.set_stream_enabled("11", True)
    await until(hass, lambda: fired.kinds(SUNDAY) == ["started"])
    coordinator = axis_entry.runtime_data.coordinator
    for _ in range(2):  # the init data again; then a stream that changed while nobody listened
        await axis.drop_event_sockets()
        await until(hass, lambda: coordinator.push_connected, "reconnected")
        axis.streams["12"].enabled = False
    await until(hass, lambda: state(hass, "switch.facebook_broadcast") == "off", "caught up")
    axis.emit("camstreamer", axis.init_data("camstreamer")[0])  # a repeated StreamState
    await coordinator.async_refresh()  # a full read of the lists fires nothing either
    await hass.async_block_till_done()
    assert fired.kinds(SUNDAY) == ["started"]
    assert fired.kinds(FACEBOOK) == []
    axis.set_stream_enabled("11", False)  # the next real change still fires, once
    await until(hass, lambda: fired.kinds(SUNDAY) == ["started", "stopped"])


async def test_an_input_trigger_ending_is_a_stop_not_a_failure(
    hass: HomeAssistant, sim: Simulator
) -> None:
    """The old API generation (0/1, `streamID`; its lists name streams by id)."""
    camera = await sim.add_axis_camera(serial=AXIS_SERIAL, generation="old")
    camera.streams["12"].params["trigger"] = "input1"
    entry = await setup_axis_entry(hass, camera)
    await pushed(hass, entry)
    events = f"event.{P}12_broadcast_event"
    fired = Fired(hass, events)
    camera.set_port(1, True)  # automationState 1: the broadcast starts
    await until(hass, lambda: fired.kinds(events) == ["started"])
    camera.set_port(1, False)  # automationState 0: it ends as planned
    await until(hass, lambda: fired.kinds(events) == ["started", "stopped"])
    stream = entry.runtime_data.host.state.streams["12"]
    assert stream.automation_state is False


async def test_automation_reacts_to_a_failed_broadcast(
    hass: HomeAssistant, axis: AxisCamera, axis_entry: MockConfigEntry
) -> None:
    """A user's automation: when a broadcast fails, turn it off and tell someone why."""
    await pushed(hass, axis_entry)
    notices: list[dict[str, Any]] = []
    hass.bus.async_listen("broadcast_failed", lambda event: notices.append(dict(event.data)))
    assert await async_setup_component(
        hass,
        automation.DOMAIN,
        {
            automation.DOMAIN: {
                "alias": "Broadcast failed",
                "triggers": {"trigger": "state", "entity_id": SUNDAY},
                "conditions": {
                    "condition": "state",
                    "entity_id": SUNDAY,
                    "attribute": "event_type",
                    "state": "failed",
                },
                "actions": [
                    {
                        "action": "switch.turn_off",
                        "target": {"entity_id": f"switch.{P}sunday_mass_broadcast"},
                    },
                    {
                        "event": "broadcast_failed",
                        "event_data": {"why": "{{ trigger.to_state.attributes.message }}"},
                    },
                ],
            }
        },
    )
    axis.set_stream_enabled("11", True)  # started: the condition keeps the automation quiet
    await until(hass, lambda: state(hass, "binary_sensor.sunday_mass_streaming") == STATE_ON)
    await hass.async_block_till_done()
    assert axis.streams["11"].enabled and notices == []
    axis.fail_stream("11", "Quota exceeded")
    await until(hass, lambda: not axis.streams["11"].enabled, "the automation turned it off")
    await until(hass, lambda: notices == [{"why": "Quota exceeded"}], "the notice")
