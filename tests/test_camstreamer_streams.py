"""Stream management through Home Assistant: camhub.get_stream, remove_stream, set_stream's
documented parameters (HLS, status LED/output, A/V sync, ...), against the simulated camera."""

from __future__ import annotations

from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.camhub.const import DOMAIN
from simulator import AxisCamera

from .test_camstreamer import pushed, state, until


async def act(
    hass: HomeAssistant, action: str, entry: MockConfigEntry, **data: Any
) -> dict[str, Any] | None:
    response = await hass.services.async_call(
        DOMAIN,
        action,
        {"config_entry_id": entry.entry_id, **data},
        blocking=True,
        return_response=action == "get_stream",
    )
    return dict(response) if response is not None else None


async def test_get_stream_answers_the_stored_parameters(
    hass: HomeAssistant, axis: AxisCamera, axis_entry: MockConfigEntry
) -> None:
    await pushed(hass, axis_entry)
    axis.streams["11"].params["mediaServerUrl"] = "rtmp://a.rtmp.youtube.com/live2/k"
    response = await act(hass, "get_stream", axis_entry, stream_id="11")
    assert response is not None
    assert response["stream_id"] == "11"
    params = response["parameters"]
    assert params["mediaServerUrl"] == "rtmp://a.rtmp.youtube.com/live2/k"
    assert params["title"] == "Sunday mass"
    assert params["enabled"] == "0"
    assert params["statusLed"] == "0"  # the documented set, defaults included
    with pytest.raises(ServiceValidationError) as err:
        await act(hass, "get_stream", axis_entry, stream_id="99")
    assert err.value.translation_key == "unknown_stream"
    axis.faults.status = 500
    with pytest.raises(HomeAssistantError) as err2:
        await act(hass, "get_stream", axis_entry, stream_id="11")
    assert err2.value.translation_domain == DOMAIN
    axis.faults.clear()


async def test_remove_stream_removes_its_entities_without_reload(
    hass: HomeAssistant, axis: AxisCamera, axis_entry: MockConfigEntry
) -> None:
    await pushed(hass, axis_entry)
    assert state(hass, "switch.sunday_mass_broadcast") is not None
    await act(hass, "remove_stream", axis_entry, stream_id="11")
    assert "11" not in axis.streams
    await until(hass, lambda: state(hass, "switch.sunday_mass_broadcast") is None, "gone")
    assert state(hass, "switch.facebook_broadcast") is not None  # the other stream stays
    with pytest.raises(ServiceValidationError) as err:
        await act(hass, "remove_stream", axis_entry, stream_id="11")
    assert err.value.translation_key == "unknown_stream"


async def test_set_stream_documented_parameters(
    hass: HomeAssistant, axis: AxisCamera, axis_entry: MockConfigEntry
) -> None:
    await pushed(hass, axis_entry)
    await act(
        hass,
        "set_stream",
        axis_entry,
        stream_id="api_hls",
        title="Web player",
        protocol="hls_pull",
        media_server_url="hls://",
        internal_vapix_parameters="resolution=1920x1080&videomaxbitrate=3000",
        output_parameters=" -hls_time 2 -hls_list_size 5 ",
        output_type="video",
        av_sync_msec=-120,
        force_stereo=True,
        stream_delay=5,
        status_led=True,
        status_port=1,
        call_api=False,
    )
    params = axis.streams["api_hls"].params
    assert params["internalVapixParameters"] == "resolution=1920x1080&videomaxbitrate=3000"
    assert params["outputParameters"] == " -hls_time 2 -hls_list_size 5 "
    assert params["avSyncMsec"] == "-120"
    assert (params["forceStereo"], params["statusLed"], params["callApi"]) == ("1", "1", "0")
    assert (params["streamDelay"], params["statusPort"]) == ("5", "1")
    await until(hass, lambda: state(hass, "switch.web_player_broadcast") is not None, "new")
    await act(hass, "set_stream", axis_entry, stream_id="api_hls", status_port="")
    assert axis.streams["api_hls"].params["statusPort"] == ""


@pytest.mark.parametrize(
    "data",
    [
        # HLS without resolution and videomaxbitrate in either VAPIX parameter set
        {"stream_id": "api_x", "media_server_url": "hls://"},
        {
            "stream_id": "api_x",
            "media_server_url": "hls://",
            "user_vapix_parameters": "resolution=1280x720",
        },
        {"stream_id": "11", "media_server_url": "hls://"},  # stored params checked too
        {"stream_id": "11", "status_port": -1},
        {"stream_id": "11", "stream_delay": -3},
    ],
)
async def test_set_stream_refuses_what_the_app_would_break_on(
    hass: HomeAssistant, axis: AxisCamera, axis_entry: MockConfigEntry, data: dict[str, Any]
) -> None:
    before = dict(axis.streams["11"].params)
    with pytest.raises(ServiceValidationError) as err:
        await act(hass, "set_stream", axis_entry, **data)
    assert err.value.translation_key == "invalid_value"
    assert "api_x" not in axis.streams
    assert axis.streams["11"].params == before


async def test_set_stream_hls_keeps_stored_vapix_parameters(
    hass: HomeAssistant, axis: AxisCamera, axis_entry: MockConfigEntry
) -> None:
    axis.streams["11"].params["userVapixParameters"] = "resolution=1280x720&videomaxbitrate=2000"
    await act(hass, "set_stream", axis_entry, stream_id="11", media_server_url="hls://")
    assert axis.streams["11"].params["mediaServerUrl"] == "hls://"
