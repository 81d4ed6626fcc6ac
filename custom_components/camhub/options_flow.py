"""Options flow: the family's own options (from the loaded entry's host) and the shared ones.

The form needs the device's capabilities (a 2N's resolutions, AIPIX's cameras), so the entry
must be loaded; every saved change reloads it (`OptionsFlowWithReload`).
"""

from __future__ import annotations

from typing import Any

import probatio
from homeassistant.config_entries import ConfigEntryState, ConfigFlowResult, OptionsFlowWithReload
from homeassistant.helpers import selector

from .api.errors import CamHubError
from .const import CONF_SNAPSHOT_MAX_AGE, DEFAULT_SNAPSHOT_MAX_AGE
from .errors import form_error_key


class CamHubOptionsFlow(OptionsFlowWithReload):
    """Options that need the device's capabilities, so the entry must be loaded."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """One form: the family's options and the snapshot age."""
        entry = self.config_entry
        if entry.state is not ConfigEntryState.LOADED:
            return self.async_abort(reason="not_loaded")
        host = entry.runtime_data.host
        errors: dict[str, str] = {}
        if user_input is not None:
            try:
                errors = await host.async_validate_options(user_input)
            except CamHubError as err:
                errors = {"base": form_error_key(err)}
            if not errors:
                return self.async_create_entry(data=user_input)
        schema = host.options_schema().extend(
            {
                probatio.Required(
                    CONF_SNAPSHOT_MAX_AGE,
                    default=entry.options.get(CONF_SNAPSHOT_MAX_AGE, DEFAULT_SNAPSHOT_MAX_AGE),
                ): selector.NumberSelector(
                    selector.NumberSelectorConfig(
                        min=0,
                        max=60,
                        step=0.5,
                        unit_of_measurement="s",
                        mode=selector.NumberSelectorMode.BOX,
                    )
                ),
            }
        )
        return self.async_show_form(
            step_id="init",
            data_schema=self.add_suggested_values_to_schema(schema, user_input),
            errors=errors,
        )
