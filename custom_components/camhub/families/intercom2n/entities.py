"""The intercom's entities: doorbell, call state, motion, door, and its switches.

Static tuples placed by `intercom_entities`: the intercom's own ones (no item), which exist
where the intercom reports the event behind them (`/api/log/caps`), and per switch (item: the
switch number as text) from `/api/switch/caps`: a bistable switch is a `switch`; a monostable
one (a door lock release, which turns itself off) is a button that triggers it and a lock
binary sensor that is on while the lock is released.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Final

from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
from homeassistant.components.event import DoorbellEventType, EventDeviceClass
from homeassistant.components.sensor import SensorDeviceClass

from ...api.intercom2n import (
    CallPhase,
    CallStateChanged,
    DoorStateChanged,
    MotionDetected,
    SwitchAction,
    SwitchMode,
)
from ...descriptions import (
    CamHubBinarySensorDescription,
    CamHubButtonDescription,
    CamHubDescription,
    CamHubEventDescription,
    CamHubImageDescription,
    CamHubSensorDescription,
    CamHubSwitchDescription,
    EntityEvent,
    PlacedEntity,
    StateValue,
    StillImage,
    place,
)
from .models import Intercom2NState

if TYPE_CHECKING:
    from .host import Intercom2NHost

type Description = CamHubDescription[Intercom2NState]


# --- the intercom itself ----------------------------------------------------------------------


def _reports_calls(state: Intercom2NState, item: str) -> bool:
    return CallStateChanged.NAME in state.log_events


def _reports_motion(state: Intercom2NState, item: str) -> bool:
    return MotionDetected.NAME in state.log_events


def _reports_door(state: Intercom2NState, item: str) -> bool:
    return DoorStateChanged.NAME in state.log_events


def _rings(state: Intercom2NState, item: str) -> Sequence[EntityEvent]:
    return state.rings


def _call(state: Intercom2NState, item: str) -> StateValue:
    return state.intercom.call.value


def _visitor(state: Intercom2NState, item: str) -> StillImage | None:
    return None if state.visitor is None else state.visitor.picture


INTERCOM_ENTITIES: Final[tuple[Description, ...]] = (
    CamHubEventDescription[Intercom2NState](
        key="doorbell",
        translation_key="doorbell",
        device_class=EventDeviceClass.DOORBELL,
        event_types=[DoorbellEventType.RING.value],
        exists_fn=_reports_calls,
        events_fn=_rings,
    ),
    CamHubImageDescription[Intercom2NState](
        key="last_visitor",
        translation_key="last_visitor",
        exists_fn=_reports_calls,
        image_fn=_visitor,
    ),
    CamHubSensorDescription[Intercom2NState](
        key="call_state",
        translation_key="call_state",
        device_class=SensorDeviceClass.ENUM,
        options=[phase.value for phase in CallPhase],
        exists_fn=_reports_calls,
        value_fn=_call,
    ),
    CamHubBinarySensorDescription[Intercom2NState](
        key="motion",
        device_class=BinarySensorDeviceClass.MOTION,
        exists_fn=_reports_motion,
        value_fn=lambda state, item: state.intercom.motion,
    ),
    CamHubBinarySensorDescription[Intercom2NState](
        key="door",
        device_class=BinarySensorDeviceClass.DOOR,
        exists_fn=_reports_door,
        value_fn=lambda state, item: state.intercom.door_open,
    ),
)


# --- switches ---------------------------------------------------------------------------------


def _is_mode(mode: SwitchMode) -> Callable[[Intercom2NState, str], bool]:
    def exists(state: Intercom2NState, item: str) -> bool:
        caps = state.switch(item)
        return caps is not None and caps.enabled and caps.mode is mode

    return exists


def _active(state: Intercom2NState, item: str) -> bool | None:
    return state.intercom.switches.get(int(item))


async def _set(host: Intercom2NHost, item: str, on: bool) -> None:
    await host.client.switch_ctrl(int(item), SwitchAction.ON if on else SwitchAction.OFF)


async def _trigger(host: Intercom2NHost, item: str) -> None:
    await host.client.switch_ctrl(int(item), SwitchAction.TRIGGER)


SWITCH_ENTITIES: Final[tuple[Description, ...]] = (
    CamHubSwitchDescription[Intercom2NState, "Intercom2NHost"](
        key="switch",
        translation_key="intercom_switch",
        exists_fn=_is_mode(SwitchMode.BISTABLE),
        value_fn=_active,
        set_fn=_set,
    ),
    CamHubButtonDescription[Intercom2NState, "Intercom2NHost"](
        key="open",
        translation_key="open_door",
        exists_fn=_is_mode(SwitchMode.MONOSTABLE),
        press_fn=_trigger,
    ),
    CamHubBinarySensorDescription[Intercom2NState](
        key="lock",
        translation_key="door_lock",
        device_class=BinarySensorDeviceClass.LOCK,  # on = unlocked: the release is active
        exists_fn=_is_mode(SwitchMode.MONOSTABLE),
        value_fn=_active,
    ),
)


def intercom_entities(state: Intercom2NState) -> list[PlacedEntity[Intercom2NState]]:
    """The intercom's own entities, and those of each enabled switch."""
    serial = state.info.serial
    placed = place(INTERCOM_ENTITIES, serial)
    for caps in state.switches:
        item = str(caps.switch)
        placed += place(
            SWITCH_ENTITIES, serial, item=item, prefix=f"switch_{item}", names={"switch": item}
        )
    return placed
