"""CamHub actions, registered once in `async_setup` (action-setup rule).

`snapshot_history` is every family's (a camera with a `history` source answers it); the rest
are each family's own `ACTIONS` (see `actions.Action`).
"""

from __future__ import annotations

import probatio
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import config_validation as cv

from .actions import Action
from .api.intercom2n import HISTORY_MAX_SECONDS
from .const import ATTR_FILENAME, ATTR_SECONDS_AGO, SERVICE_SNAPSHOT_HISTORY
from .families import ACTIONS

SNAPSHOT_HISTORY = Action(
    name=SERVICE_SNAPSHOT_HISTORY,
    schema={
        probatio.Required(ATTR_SECONDS_AGO): probatio.All(
            probatio.Coerce(int), probatio.Range(min=0, max=HISTORY_MAX_SECONDS)
        ),
        probatio.Required(ATTR_FILENAME): cv.string,
    },
    entity_handler="async_snapshot_history",
)


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register every CamHub action."""
    for action in (SNAPSHOT_HISTORY, *ACTIONS):
        action.register(hass)
