"""camhub.update_overlay_image (CamOverlay Custom Graphics `update_image`) through Home
Assistant against the simulated camera."""

from __future__ import annotations

from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.camhub.const import DOMAIN
from simulator import AxisCamera


async def image(hass: HomeAssistant, entry: MockConfigEntry, **data: Any) -> None:
    await hass.services.async_call(
        DOMAIN,
        "update_overlay_image",
        {"config_entry_id": entry.entry_id, **data},
        blocking=True,
    )


async def test_update_overlay_image_from_storage_url_and_position(
    hass: HomeAssistant, axis: AxisCamera, axis_entry: MockConfigEntry
) -> None:
    await image(hass, axis_entry, service="Scoreboard", image="/var/spool/storage/SD_DISK/a.png")
    assert axis.services[2].image == {"image": "/var/spool/storage/SD_DISK/a.png"}
    await image(hass, axis_entry, service=2, coord_system="bottom_right", pos_x=20, pos_y=-5)
    assert axis.services[2].image["coord_system"] == "bottom_right"
    assert (axis.services[2].image["pos_x"], axis.services[2].image["pos_y"]) == ("20", "-5")
    await image(hass, axis_entry, service="2", image="https://example.invalid/logo.png")
    assert axis.services[2].image["image"] == "https://example.invalid/logo.png"
    assert axis.services[2].fields == {"field1": "0:0"}  # texts untouched


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"service": "Scoreboard"}, "invalid_value"),  # nothing to change
        ({"service": "Scoreboard", "image": "logo.png"}, "invalid_value"),
        ({"service": "Scoreboard", "image": "ftp://x/logo.png"}, "invalid_value"),
        ({"service": "News ticker", "image": "/a.png"}, "unknown_overlay_service"),
        ({"service": 99, "image": "/a.png"}, "unknown_overlay_service"),
    ],
)
async def test_update_overlay_image_refuses_bad_input(
    hass: HomeAssistant,
    axis: AxisCamera,
    axis_entry: MockConfigEntry,
    data: dict[str, Any],
    key: str,
) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await image(hass, axis_entry, **data)
    assert err.value.translation_key == key
    assert axis.services[2].image == {}


async def test_update_overlay_image_device_error(
    hass: HomeAssistant, axis: AxisCamera, axis_entry: MockConfigEntry
) -> None:
    axis.faults.status = 500
    with pytest.raises(HomeAssistantError) as err:
        await image(hass, axis_entry, service="Scoreboard", pos_x=1)
    assert err.value.translation_domain == DOMAIN
    axis.faults.clear()
