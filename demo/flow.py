"""Drive a config flow the way a person would in the UI: fill each form, submit, repeat.

Nothing here knows CamHub's steps. Every form is filled from what the simulator said about the
device (its JSON line: host, port, username, password, api_token, ...; a form field takes the
value of the same name), so families added later with other steps or other credentials work
without changes here. Fields the line does not mention keep the form's defaults; a required
field without a default and without a value ends the flow (aborted, logged, the demo goes on).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

type Result = dict[str, Any]


class FlowApi(Protocol):
    """The four calls of Home Assistant's config flow REST API."""

    async def flow_start(self, handler: str) -> Result:
        """POST /api/config/config_entries/flow."""

    async def flow_submit(self, flow_id: str, data: Mapping[str, Any]) -> Result:
        """POST /api/config/config_entries/flow/<flow_id>."""

    async def flow_get(self, flow_id: str) -> Result:
        """GET /api/config/config_entries/flow/<flow_id> (a flow that shows progress)."""

    async def flow_abort(self, flow_id: str) -> None:
        """DELETE /api/config/config_entries/flow/<flow_id>."""


class FlowFailed(Exception):
    """The flow cannot go on with what is known about the device."""


@dataclass(frozen=True)
class FlowOutcome:
    """How one device's flow ended."""

    status: Literal["created", "aborted", "failed"]
    title: str | None = None
    entry_id: str | None = None
    reason: str | None = None  # abort reason, or what went wrong

    def describe(self) -> str:
        """One line for the log."""
        if self.status == "created":
            return f'entry "{self.title}" created'
        if self.status == "aborted" and self.reason == "already_configured":
            return "already configured (host and port updated)"
        return f"{self.status}: {self.reason}"


def known_values(device: Mapping[str, Any]) -> dict[str, Any]:
    """The values a form may take from a device's JSON line (nulls mean unknown)."""
    return {key: value for key, value in device.items() if value is not None}


def fill_form(schema: Sequence[Mapping[str, Any]], known: Mapping[str, Any]) -> dict[str, Any]:
    """User input for a serialized form schema: known values by field name, defaults otherwise.

    Sections (`"type": "expandable"`) are filled the same way, as nested objects. Raises
    FlowFailed naming every required field that has neither a value nor a default.
    """
    data: dict[str, Any] = {}
    missing: list[str] = []
    for field in schema:
        name = str(field.get("name"))
        if field.get("type") == "expandable":
            try:
                section = fill_form(field.get("schema") or [], known)
            except FlowFailed as err:
                missing.append(f"{name}.{err}")
                continue
            if section or field.get("required"):
                data[name] = section
            continue
        value = known.get(name)
        if value is not None:
            data[name] = value
        elif field.get("required") and "default" not in field:
            missing.append(name)
    if missing:
        raise FlowFailed(", ".join(missing))
    return data


async def drive_flow(
    api: FlowApi,
    handler: str,
    device: Mapping[str, Any],
    *,
    max_steps: int = 20,
    progress_interval: float = 1.0,
) -> FlowOutcome:
    """Run one config flow for one device to its end; never raises for a refused device."""
    known = known_values(device)
    result = await api.flow_start(handler)
    flow_id = str(result.get("flow_id", ""))
    previous_step: str | None = None
    try:
        for _ in range(max_steps):
            kind = result.get("type")
            if kind == "create_entry":
                entry = result.get("result")
                entry_id = entry.get("entry_id") if isinstance(entry, dict) else None
                return FlowOutcome("created", title=result.get("title"), entry_id=entry_id)
            if kind == "abort":
                return FlowOutcome("aborted", reason=str(result.get("reason")))
            if kind == "show_progress":
                await asyncio.sleep(progress_interval)
                result = await api.flow_get(flow_id)
                continue
            if kind != "form":
                raise FlowFailed(f"cannot answer a {kind!r} step ({result.get('step_id')})")
            step = str(result.get("step_id"))
            if result.get("errors") and step == previous_step:
                raise FlowFailed(f"step {step!r} refused the values: {result['errors']}")
            try:
                data = fill_form(result.get("data_schema") or [], known)
            except FlowFailed as err:
                raise FlowFailed(f"step {step!r} lacks values for: {err}") from None
            previous_step = step
            result = await api.flow_submit(flow_id, data)
        raise FlowFailed(f"no end after {max_steps} steps")
    except Exception as err:
        if flow_id:
            with contextlib.suppress(Exception):  # it may be gone already; nothing to undo
                await api.flow_abort(flow_id)
        return FlowOutcome("failed", reason=str(err) or type(err).__name__)
