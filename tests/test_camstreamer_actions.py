"""CamStreamer family actions, voice commands and automations, against the simulated camera."""

from __future__ import annotations

from typing import Any

import pytest
from homeassistant.components import automation, conversation
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.camhub.const import DOMAIN
from simulator import AxisCamera, Simulator

from .conftest import AXIS_SERIAL, setup_axis_entry
from .test_camstreamer import FULL, ORGAN, P, pushed, state, until


async def act(hass: HomeAssistant, action: str, entry: MockConfigEntry, **data: Any) -> None:
    await hass.services.async_call(
        DOMAIN, action, {"config_entry_id": entry.entry_id, **data}, blocking=True
    )


def translation_key(err: pytest.ExceptionInfo[HomeAssistantError]) -> str | None:
    return err.value.translation_key


# --- camhub.queue_playlist --------------------------------------------------------------------


async def test_queue_playlist(
    hass: HomeAssistant, axis: AxisCamera, axis_entry: MockConfigEntry
) -> None:
    await pushed(hass, axis_entry)
    await act(hass, "queue_playlist", axis_entry, playlist="Full service")
    assert axis.queue == [FULL]
    await act(hass, "queue_playlist", axis_entry, playlist=ORGAN)  # ids work too
    assert axis.queue == [FULL, ORGAN]
    await act(hass, "queue_playlist", axis_entry, playlist="Organ camera", play_now=True)
    assert axis.current_playlist == ORGAN
    assert axis.queue == []  # playing now clears the queue
    await until(hass, lambda: state(hass, "select.playlist") == "Organ camera")
    with pytest.raises(ServiceValidationError) as err:
        await act(hass, "queue_playlist", axis_entry, playlist="Nope")
    assert translation_key(err) == "unknown_playlist"
    axis.faults.status = 500
    with pytest.raises(HomeAssistantError) as err:
        await act(hass, "queue_playlist", axis_entry, playlist="Full service")
    assert err.value.translation_domain == DOMAIN
    axis.faults.clear()


async def test_actions_check_their_target(
    hass: HomeAssistant, sim: Simulator, axis: AxisCamera, axis_entry: MockConfigEntry
) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "queue_playlist",
            {"config_entry_id": "nope", "playlist": "x"},
            blocking=True,
        )
    assert translation_key(err) == "not_camstreamer_entry"
    other = MockConfigEntry(domain=DOMAIN, data={"family": "camstreamer"}, unique_id="X")
    other.add_to_hass(hass)  # never loaded
    with pytest.raises(ServiceValidationError) as err:
        await act(hass, "queue_playlist", other, playlist="x")
    assert translation_key(err) == "entry_not_loaded"
    lonely = await sim.add_axis_camera(serial="ACCC8E000002", apps=("camstreamer",))
    entry = await setup_axis_entry(hass, lonely)
    with pytest.raises(ServiceValidationError) as err:
        await act(hass, "queue_playlist", entry, playlist="x")
    assert translation_key(err) == "app_unavailable"
    assert err.value.translation_placeholders["app"] == "CamSwitcher"
    with pytest.raises(ServiceValidationError):
        await act(hass, "update_overlay_text", entry, service="1", fields={"a": "b"})
    # Unloaded (runtime_data is still there): refused before any request.
    assert await hass.config_entries.async_unload(axis_entry.entry_id)
    with pytest.raises(ServiceValidationError) as err:
        await act(hass, "queue_playlist", axis_entry, playlist="x")
    assert translation_key(err) == "entry_not_loaded"


# --- camhub.update_overlay_text ---------------------------------------------------------------


async def test_update_overlay_text(
    hass: HomeAssistant, axis: AxisCamera, axis_entry: MockConfigEntry
) -> None:
    await act(
        hass,
        "update_overlay_text",
        axis_entry,
        service="Scoreboard",
        fields={"field1": "2:1"},
        colors={"field1": "255,0,0"},
        indexes={"field2": 1},
    )
    assert axis.services[2].fields == {
        "field1": "2:1",
        "field1_color": "255000000",
        "field2_index": "1",
    }
    await act(hass, "update_overlay_text", axis_entry, service=2, fields={"field1": "3:1"})
    assert axis.services[2].fields["field1"] == "3:1"
    with pytest.raises(ServiceValidationError) as err:  # an Info Ticker, not Custom Graphics
        await act(hass, "update_overlay_text", axis_entry, service="1", fields={"a": "b"})
    assert translation_key(err) == "unknown_overlay_service"
    with pytest.raises(ServiceValidationError) as err:
        await act(hass, "update_overlay_text", axis_entry, service="Scoreboard")
    assert translation_key(err) == "invalid_value"
    with pytest.raises(ServiceValidationError) as err:
        await act(
            hass,
            "update_overlay_text",
            axis_entry,
            service="Scoreboard",
            colors={"field1": "red"},
        )
    assert translation_key(err) == "invalid_value"
    axis.faults.status = 500
    with pytest.raises(HomeAssistantError) as err:
        await act(hass, "update_overlay_text", axis_entry, service="2", fields={"f": "x"})
    assert err.value.translation_domain == DOMAIN
    axis.faults.clear()


# --- camhub.set_stream ------------------------------------------------------------------------


async def test_set_stream_creates_and_modifies(
    hass: HomeAssistant, axis: AxisCamera, axis_entry: MockConfigEntry
) -> None:
    await pushed(hass, axis_entry)
    await act(
        hass,
        "set_stream",
        axis_entry,
        stream_id="api_01",
        protocol="rtmp",
        title="Evening prayer",
        media_server_url="rtmp://a.rtmp.youtube.com/live2/key",
        trigger="recurrent",
        schedule=[{"day_from": 0, "day_to": 4, "time_from": "18:00:00", "time_to": "19:00:00"}],
        enabled=False,
    )
    stream = axis.streams["api_01"]
    assert stream.title == "Evening prayer"
    assert stream.params["mediaServerUrl"] == "rtmp://a.rtmp.youtube.com/live2/key"
    assert stream.params["trigger"] == "recurrent"
    assert '"day_from":0' in stream.params["schedule"]
    await until(hass, lambda: state(hass, "sensor.evening_prayer_automation") == "recurrent", "new")
    await act(hass, "set_stream", axis_entry, stream_id="11", enabled=True)
    await until(hass, lambda: state(hass, "switch.sunday_mass_broadcast") == STATE_ON)
    await act(
        hass,
        "set_stream",
        axis_entry,
        stream_id="11",
        trigger="time",
        start_time=1_800_000_000,
        stop_time=1_800_003_600,
        schedule='[{"day_from": 5, "day_to": 6, "time_from": "09:00:00", "time_to": "11:00:00"}]',
    )
    assert axis.streams["11"].params["startTime"] == "1800000000"


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"stream_id": "99"}, "new_stream_id"),
        ({"stream_id": "11"}, "nothing_to_set"),
        (
            {"stream_id": "11", "protocol": "srt", "media_server_url": "rtmp://x/y"},
            "invalid_value",
        ),
        ({"stream_id": "11", "trigger": "sometimes"}, "invalid_value"),
        ({"stream_id": "11", "schedule": "not json"}, "invalid_value"),
        (
            {"stream_id": "11", "trigger": "time", "start_time": 10, "stop_time": 5},
            "invalid_value",
        ),
    ],
)
async def test_set_stream_validates(
    hass: HomeAssistant,
    axis: AxisCamera,
    axis_entry: MockConfigEntry,
    data: dict[str, Any],
    key: str,
) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await act(hass, "set_stream", axis_entry, **data)
    assert translation_key(err) == key
    assert "99" not in axis.streams


async def test_set_stream_device_error(
    hass: HomeAssistant, axis: AxisCamera, axis_entry: MockConfigEntry
) -> None:
    axis.faults.status = 500
    with pytest.raises(HomeAssistantError) as err:
        await act(hass, "set_stream", axis_entry, stream_id="11", title="x")
    assert err.value.translation_domain == DOMAIN
    axis.faults.clear()


# --- voice and automations --------------------------------------------------------------------


async def test_voice_turns_a_broadcast_on_and_off(
    hass: HomeAssistant, axis: AxisCamera, axis_entry: MockConfigEntry
) -> None:
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    await pushed(hass, axis_entry)
    name = hass.states.get(f"switch.{P}sunday_mass_broadcast").name
    assert name == "AXIS M1065-L Sunday mass broadcast"
    result = await conversation.async_converse(
        hass, f"turn on {name}", None, Context(), language="en"
    )
    assert result.response.response_type.value == "action_done", result.as_dict()
    await until(hass, lambda: axis.streams["11"].enabled, "stream enabled by voice")
    await until(hass, lambda: state(hass, "switch.sunday_mass_broadcast") == STATE_ON)
    result = await conversation.async_converse(
        hass, f"turn off {name}", None, Context(), language="en"
    )
    assert result.response.response_type.value == "action_done", result.as_dict()
    await until(hass, lambda: not axis.streams["11"].enabled, "stream disabled by voice")
    await until(hass, lambda: state(hass, "switch.sunday_mass_broadcast") == STATE_OFF)


async def test_automation_selects_a_playlist_when_an_input_fires(
    hass: HomeAssistant, axis: AxisCamera, axis_entry: MockConfigEntry
) -> None:
    await pushed(hass, axis_entry)
    assert await async_setup_component(
        hass,
        automation.DOMAIN,
        {
            automation.DOMAIN: {
                "alias": "Goal",
                "triggers": {
                    "trigger": "state",
                    "entity_id": f"binary_sensor.{P}i_o_port_1",
                    "to": "on",
                },
                "actions": [
                    {
                        "action": "select.select_option",
                        "target": {"entity_id": f"select.{P}playlist"},
                        "data": {"option": "Full service"},
                    },
                    {
                        "action": "camhub.queue_playlist",
                        "data": {
                            "config_entry_id": axis_entry.entry_id,
                            "playlist": "Main camera",
                        },
                    },
                ],
            }
        },
    )
    axis.set_port(1, True)
    await until(hass, lambda: axis.current_playlist == FULL, "automation switched playlist")
    await until(hass, lambda: state(hass, "select.playlist") == "Full service")
    await until(hass, lambda: len(axis.queue) == 1, "automation queued a playlist")


async def test_actions_on_an_old_generation_camera(hass: HomeAssistant, sim: Simulator) -> None:
    camera = await sim.add_axis_camera(serial=AXIS_SERIAL, generation="old")
    entry = await setup_axis_entry(hass, camera)
    await pushed(hass, entry)
    await act(hass, "queue_playlist", entry, playlist="Full service", play_now=True)
    assert camera.current_playlist == FULL
    await until(hass, lambda: state(hass, "select.playlist") == "Full service")
    await hass.services.async_call(
        "switch",
        "turn_on",
        {"entity_id": f"switch.{P}11_broadcast"},
        blocking=True,
    )
    assert camera.streams["11"].enabled
    await until(hass, lambda: state(hass, "switch.11_broadcast") == STATE_ON)
