"""Voice: Home Assistant's own conversation agent (English) against the simulated devices.

What a person says to Assist goes through the default agent's sentence matching
(home-assistant-intents) to an intent, then to CamHub's entity, then to the device: each test
checks the simulated device itself, not only the entity's state. The default agent has no
intent for choosing a select's option (no such sentences in home-assistant-intents, no
handler in Home Assistant), so a playlist is chosen by an automation, a script or the UI; the
last test pins that down, so README's claim is noticed when a release adds one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from homeassistant.components import conversation
from homeassistant.components.homeassistant.exposed_entities import async_expose_entity
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import intent
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry

from simulator import AxisCamera, LiveViewServer

from .conftest import LIVEVIEW_CAM_A

BROADCAST = "switch.axis_m1065_l_sunday_mass_broadcast"
LIVE_VIEW = "switch.ilce_7m4_live_view"
PLAYLIST = "select.axis_m1065_l_playlist"


async def assist(hass: HomeAssistant, text: str) -> conversation.ConversationResult:
    """Say `text` to the default agent, in English, as the Assist dialog does."""
    for component in ("homeassistant", "intent", "conversation"):
        assert await async_setup_component(hass, component, {})
    result = await conversation.async_converse(hass, text, None, Context(), language="en")
    await hass.async_block_till_done()
    return result


async def until(check: Callable[[], bool], what: str) -> None:
    """Pushed state arrives asynchronously; wait for it, bounded."""
    try:
        async with asyncio.timeout(5):
            while not check():
                await asyncio.sleep(0.02)
    except TimeoutError:
        raise AssertionError(f"timed out waiting for {what}") from None


def state(hass: HomeAssistant, entity_id: str) -> str:
    current = hass.states.get(entity_id)
    assert current is not None, entity_id
    return current.state


async def test_a_broadcast_on_and_off_by_voice(
    hass: HomeAssistant, axis: AxisCamera, axis_entry: MockConfigEntry
) -> None:
    assert state(hass, BROADCAST) == STATE_OFF
    result = await assist(hass, "turn on AXIS M1065-L Sunday mass broadcast")
    assert result.response.response_type is intent.IntentResponseType.ACTION_DONE
    await until(lambda: axis.streams["11"].enabled, "the camera to start the stream")
    await until(lambda: state(hass, BROADCAST) == STATE_ON, "the switch to follow")

    result = await assist(hass, "turn off the AXIS M1065-L Sunday mass broadcast")
    assert result.response.response_type is intent.IntentResponseType.ACTION_DONE
    await until(lambda: not axis.streams["11"].enabled, "the camera to stop the stream")
    await until(lambda: state(hass, BROADCAST) == STATE_OFF, "the switch to follow")


async def test_live_view_on_by_its_name_and_by_an_alias(
    hass: HomeAssistant, liveview: LiveViewServer, liveview_entry: MockConfigEntry
) -> None:
    camera = liveview.cameras[LIVEVIEW_CAM_A]
    # Live view is a configuration switch, which Assist does not get until it is exposed
    # (Settings -> Voice assistants -> Expose): said before that, it is refused.
    result = await assist(hass, "turn on ILCE-7M4 live view")
    assert result.response.error_code is intent.IntentResponseErrorCode.NO_VALID_TARGETS
    assert not camera.live_view_enabled

    async_expose_entity(hass, conversation.DOMAIN, LIVE_VIEW, True)
    result = await assist(hass, "turn on ILCE-7M4 live view")
    assert result.response.response_type is intent.IntentResponseType.ACTION_DONE
    await until(lambda: camera.live_view_enabled, "the camera's live view to start")
    await until(lambda: state(hass, LIVE_VIEW) == STATE_ON, "the switch to follow")

    # A shorter name to say every day: an alias, as README suggests.
    er.async_get(hass).async_update_entity(LIVE_VIEW, aliases={"studio live view"})
    await assist(hass, "turn off studio live view")
    await until(lambda: not camera.live_view_enabled, "the camera's live view to stop")
    result = await assist(hass, "turn on the studio live view")
    assert result.response.response_type is intent.IntentResponseType.ACTION_DONE
    await until(lambda: camera.live_view_enabled, "the camera's live view to start again")


async def test_the_default_agent_cannot_choose_a_playlist(
    hass: HomeAssistant, axis: AxisCamera, axis_entry: MockConfigEntry
) -> None:
    before = axis.current_playlist
    result = await assist(hass, "set AXIS M1065-L Playlist to Full service")
    assert result.response.response_type is intent.IntentResponseType.ERROR
    assert axis.current_playlist == before
    assert state(hass, PLAYLIST) != "Full service"
