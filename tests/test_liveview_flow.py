"""Config and options flow of a Camera Remote live-view server."""

from __future__ import annotations

from homeassistant import config_entries
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.camhub.const import CONF_CONNECT_CAMERAS, CONF_FAMILY, CONF_FPS, DOMAIN
from custom_components.camhub.families import FAMILIES
from custom_components.camhub.families.liveview import LiveViewFlow
from simulator import Intercom2N, LiveViewServer


async def test_user_step_recognises_the_server(
    hass: HomeAssistant, liveview: LiveViewServer
) -> None:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: liveview.host, CONF_PORT: liveview.port}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Camera Remote server (127.0.0.1)"
    assert result["data"][CONF_FAMILY] == "liveview"
    assert result["result"].unique_id is None
    await hass.async_block_till_done()
    # The same server cannot be added twice.
    again = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_USER}
    )
    again = await hass.config_entries.flow.async_configure(
        again["flow_id"], {CONF_HOST: liveview.host, CONF_PORT: liveview.port}
    )
    assert again["type"] is FlowResultType.ABORT and again["reason"] == "already_configured"


async def test_probe_ignores_other_families(
    hass: HomeAssistant, intercom: Intercom2N, liveview: LiveViewServer
) -> None:
    from homeassistant.helpers.aiohttp_client import async_get_clientsession
    from yarl import URL

    family = FAMILIES["liveview"]
    session = async_get_clientsession(hass)
    assert await family.probe(session, URL(intercom.url)) is None
    identity = await family.probe(session, URL(liveview.url))
    assert identity is not None and identity.model == "Camera Remote server 3.0.0"
    # Another family's probe does not mistake the live-view server for its device.
    assert await FAMILIES["intercom_2n"].probe(session, URL(liveview.url)) is None
    assert LiveViewFlow().default_port(False) == 8080


async def test_options_flow(
    hass: HomeAssistant, liveview: LiveViewServer, liveview_entry: MockConfigEntry
) -> None:
    result = await hass.config_entries.options.async_init(liveview_entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    fields = {str(key): key for key in result["data_schema"].schema}
    assert fields[CONF_CONNECT_CAMERAS].default() is False
    assert fields[CONF_FPS].default() == 15
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {CONF_FPS: 5, CONF_CONNECT_CAMERAS: True, "snapshot_max_age": 1.0},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert liveview_entry.options[CONF_CONNECT_CAMERAS] is True
