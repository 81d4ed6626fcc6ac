"""Entity descriptions: per camera running, IR and statistics; per stream config and controls.

Camera entities get the camera's mxid as their item; stream entities `<mxid>/<stream>`
(`stream_item`), so one static description serves every stream of every camera.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from homeassistant.components.number import NumberDeviceClass, NumberMode
from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.const import (
    EntityCategory,
    UnitOfInformation,
    UnitOfTemperature,
    UnitOfTime,
)

from ...api.oak import (
    AWB_MODES,
    COLOR_ONLY,
    COLOR_RESOLUTIONS,
    FPS_RANGE,
    INT_CONTROLS,
    MONO_RESOLUTIONS,
    CameraStats,
    IRConfig,
    SensorControl,
    StreamConfig,
    StreamKind,
)
from ...descriptions import (
    CamHubButtonDescription,
    CamHubDescription,
    CamHubNumberDescription,
    CamHubSelectDescription,
    CamHubSensorDescription,
    CamHubSwitchDescription,
    PlacedEntity,
    place,
)
from .models import OakCameraState, OakState

if TYPE_CHECKING:
    from .host import OakHost

type Description = CamHubDescription[OakState]
type Number = CamHubNumberDescription[OakState, OakHost]
type Switch = CamHubSwitchDescription[OakState, OakHost]
type Select = CamHubSelectDescription[OakState, OakHost]


@dataclass(frozen=True, slots=True)
class _Control:
    """How one integer image control shows as a number."""

    key: str
    unit: str | None = None
    device_class: NumberDeviceClass | None = None
    restore: bool = False


NUMBER_CONTROLS: Final = (
    _Control("exposure_time", UnitOfTime.MICROSECONDS, NumberDeviceClass.DURATION, restore=True),
    _Control("sensitivity_iso", restore=True),
    _Control("auto_exposure_compensation"),
    _Control("auto_exposure_limit", UnitOfTime.MICROSECONDS, NumberDeviceClass.DURATION),
    _Control("brightness"),
    _Control("contrast"),
    _Control("saturation"),
    _Control("luma_denoise"),
    _Control("chroma_denoise"),
    _Control("manual_whitebalance", UnitOfTemperature.KELVIN, restore=True),
)
"""`exposure_time`, `sensitivity_iso` and `manual_whitebalance` are read back as placeholders:
their value_fn says None and the number shows (and restores) the last value set."""
SWITCH_CONTROLS: Final = ("auto_exposure_enable", "auto_exposure_lock", "auto_whitebalance_lock")
UNREADABLE_VALUES: Final = frozenset({"exposure_time", "sensitivity_iso", "manual_whitebalance"})
STEP_CONTROLS: Final = {"exposure_time": 100, "auto_exposure_limit": 100, "sensitivity_iso": 100}
TEMPERATURES: Final = ("average", "css", "dss", "mss", "upa")


def stream_item(mxid: str, name: str) -> str:
    """The item of a stream's entities: camera and stream in one string."""
    return f"{mxid}/{name}"


def _parts(item: str) -> tuple[str, str]:
    mxid, _, name = item.partition("/")
    return mxid, name


def _cam(state: OakState, mxid: str) -> OakCameraState | None:
    return state.cameras.get(mxid)


def _ir(state: OakState, mxid: str) -> IRConfig | None:
    camera = state.cameras.get(mxid)
    return camera.ir if camera is not None and camera.info.running else None


def _stats(state: OakState, mxid: str) -> CameraStats | None:
    camera = state.cameras.get(mxid)
    return camera.stats if camera is not None and camera.info.running else None


def _config(state: OakState, item: str) -> StreamConfig | None:
    stream = state.stream(*_parts(item))
    return stream.config if stream is not None else None


def _ctl(state: OakState, item: str) -> SensorControl | None:
    stream = state.stream(*_parts(item))
    return stream.control if stream is not None else None


def _ir_number(key: str) -> Number:
    return CamHubNumberDescription[OakState, "OakHost"](
        key=key,
        translation_key=f"oak_{key}",
        entity_category=EntityCategory.CONFIG,
        native_min_value=0.0,
        native_max_value=1.0,
        native_step=0.05,
        mode=NumberMode.SLIDER,
        exists_fn=lambda s, mxid: _ir(s, mxid) is not None,
        value_fn=lambda s, mxid: getattr(ir, key) if (ir := _ir(s, mxid)) is not None else None,
        set_fn=lambda host, mxid, value: host.set_ir(mxid, key, value),
    )


def _temperature(key: str) -> Description:
    return CamHubSensorDescription[OakState](
        key=f"temperature_{key}",
        translation_key=f"oak_temperature_{key}",
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        device_class=SensorDeviceClass.TEMPERATURE,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfTemperature.CELSIUS,
        exists_fn=lambda s, mxid: _stats(s, mxid) is not None,
        value_fn=lambda s, mxid: st.temperatures.get(key) if (st := _stats(s, mxid)) else None,
    )


def _memory(memory: str) -> Description:
    def used(state: OakState, mxid: str) -> int | None:
        stats = _stats(state, mxid)
        if stats is None:
            return None
        return stats.ddr.used if memory == "ddr" else stats.cmx.used

    return CamHubSensorDescription[OakState](
        key=f"{memory}_memory_used",
        translation_key=f"oak_{memory}_memory_used",
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        device_class=SensorDeviceClass.DATA_SIZE,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfInformation.BYTES,
        suggested_unit_of_measurement=UnitOfInformation.MEBIBYTES,
        exists_fn=lambda s, mxid: _stats(s, mxid) is not None,
        value_fn=used,
    )


CAMERA_ENTITIES: Final[tuple[Description, ...]] = (
    CamHubSwitchDescription[OakState, "OakHost"](
        key="running",
        translation_key="oak_running",
        entity_category=EntityCategory.CONFIG,
        exists_fn=lambda s, mxid: _cam(s, mxid) is not None,
        value_fn=lambda s, mxid: (c := _cam(s, mxid)) is not None and c.info.running,
        set_fn=lambda host, mxid, on: host.set_running(mxid, on),
    ),
    *(_ir_number(key) for key in ("flood_light", "dot_projector")),
    *(_temperature(key) for key in TEMPERATURES),
    *(_memory(memory) for memory in ("ddr", "cmx")),
)
"""Running switch, IR intensities and (disabled) statistics sensors of one camera."""

STREAM_ENTITIES: Final[tuple[Description, ...]] = (
    CamHubSwitchDescription[OakState, "OakHost"](
        key="active",
        translation_key="oak_stream_active",
        exists_fn=lambda s, item: s.stream(*_parts(item)) is not None,
        value_fn=lambda s, item: (st := s.stream(*_parts(item))) is not None and st.active,
        set_fn=lambda host, item, on: host.set_stream_active(*_parts(item), on),
    ),
    CamHubNumberDescription[OakState, "OakHost"](
        key="fps",
        translation_key="oak_fps",
        entity_category=EntityCategory.CONFIG,
        native_min_value=FPS_RANGE[0],
        native_max_value=FPS_RANGE[1],
        native_step=1,
        native_unit_of_measurement="fps",
        mode=NumberMode.BOX,
        exists_fn=lambda s, item: _config(s, item) is not None,
        value_fn=lambda s, item: c.fps if (c := _config(s, item)) is not None else None,
        set_fn=lambda host, item, value: host.set_config(*_parts(item), fps=value),
    ),
)
"""Active switch and frame rate of every stream."""


def _resolution_select(kind: StreamKind) -> Select:
    """Options are the spec's enum names in lower case (translation keys must be)."""
    resolutions = COLOR_RESOLUTIONS if kind is StreamKind.COLOR else MONO_RESOLUTIONS

    def value(state: OakState, item: str) -> str | None:
        current = _config(state, item)
        return current.resolution.lower() if current is not None else None

    return CamHubSelectDescription[OakState, "OakHost"](
        key="resolution",
        translation_key=f"oak_{kind}_resolution",
        entity_category=EntityCategory.CONFIG,
        options=[r.lower() for r in resolutions],
        exists_fn=lambda s, item: _config(s, item) is not None,
        value_fn=value,
        set_fn=lambda host, item, option: host.set_config(*_parts(item), resolution=option.upper()),
    )


RESOLUTION_SELECTS: Final = {
    kind: _resolution_select(kind) for kind in (StreamKind.COLOR, StreamKind.MONO)
}
"""A sensor stream's resolution (depth streams have none)."""


def _control_number(spec: _Control) -> Number:
    low, high = INT_CONTROLS[spec.key]

    def value(state: OakState, item: str) -> float | None:
        control = _ctl(state, item)
        if control is None or spec.key in UNREADABLE_VALUES:
            return None  # a placeholder: the number shows the last value set
        current = control.get(spec.key)
        return float(current) if isinstance(current, int) else None

    return CamHubNumberDescription[OakState, "OakHost"](
        key=spec.key,
        translation_key=f"oak_{spec.key}",
        entity_category=EntityCategory.CONFIG,
        native_min_value=low,
        native_max_value=high,
        native_step=STEP_CONTROLS.get(spec.key, 1),
        native_unit_of_measurement=spec.unit,
        device_class=spec.device_class,
        mode=NumberMode.BOX if high - low > 100 else NumberMode.SLIDER,
        restore=spec.restore,
        exists_fn=lambda s, item: _ctl(s, item) is not None,
        value_fn=value,
        set_fn=lambda host, item, v: host.set_control(*_parts(item), spec.key, _whole(v)),
    )


def _whole(value: float) -> int | float:
    """An integral float as int; anything else unchanged, for the API's check to refuse."""
    return int(value) if float(value).is_integer() else value


def _control_switch(key: str) -> Switch:
    return CamHubSwitchDescription[OakState, "OakHost"](
        key=key,
        translation_key=f"oak_{key}",
        entity_category=EntityCategory.CONFIG,
        exists_fn=lambda s, item: _ctl(s, item) is not None,
        value_fn=lambda s, item: bool(c.get(key)) if (c := _ctl(s, item)) is not None else None,
        set_fn=lambda host, item, on: host.set_control(*_parts(item), key, on),
    )


def _lens_position(state: OakState, item: str) -> float | None:
    control = _ctl(state, item)
    return control.focus.lens_position if control and control.focus else None


CONTROL_ENTITIES: Final[tuple[Description, ...]] = (
    *(_control_number(spec) for spec in NUMBER_CONTROLS),
    *(_control_switch(key) for key in SWITCH_CONTROLS),
    CamHubSelectDescription[OakState, "OakHost"](
        key="auto_whitebalance_mode",
        translation_key="oak_auto_whitebalance_mode",
        entity_category=EntityCategory.CONFIG,
        options=[mode.lower() for mode in AWB_MODES],
        exists_fn=lambda s, item: _ctl(s, item) is not None,
        value_fn=lambda s, item: (
            str(c.get("auto_whitebalance_mode")).lower()
            if (c := _ctl(s, item)) is not None
            else None
        ),
        set_fn=lambda host, item, option: host.set_control(
            *_parts(item), "auto_whitebalance_mode", option.upper()
        ),
    ),
)
"""Image controls of a sensor stream (colour-only ones are not placed on mono sensors)."""

FOCUS: Final = CamHubNumberDescription[OakState, "OakHost"](
    key="lens_position",
    translation_key="oak_lens_position",
    entity_category=EntityCategory.CONFIG,
    native_min_value=0.0,
    native_max_value=1.0,
    native_step=0.01,
    mode=NumberMode.SLIDER,
    exists_fn=lambda s, item: _lens_position(s, item) is not None,
    value_fn=_lens_position,
    set_fn=lambda host, item, v: host.set_control(*_parts(item), "lens_position", v),
)
"""Manual focus, for sensors with a focus motor."""

AUTOFOCUS: Final = CamHubButtonDescription[OakState, "OakHost"](
    key="autofocus",
    translation_key="oak_autofocus",
    exists_fn=lambda s, item: _lens_position(s, item) is not None,
    press_fn=lambda host, item: host.trigger_autofocus(*_parts(item)),
)
"""One autofocus sweep (`auto_focus_trigger`), for sensors with a focus motor."""


def camera_entities(mxid: str, camera: OakCameraState) -> list[PlacedEntity[OakState]]:
    """Place the descriptions on one camera and on each of its streams."""
    found = place(CAMERA_ENTITIES, mxid, item=mxid)
    for name, stream in camera.streams.items():
        descriptions: list[Description] = list(STREAM_ENTITIES)
        if stream.kind is not StreamKind.DEPTH:
            descriptions.append(RESOLUTION_SELECTS[stream.kind])
        if stream.control is not None:
            descriptions += [
                d
                for d in CONTROL_ENTITIES
                if stream.kind is StreamKind.COLOR or d.key not in COLOR_ONLY
            ]
            if stream.control.focus is not None:
                descriptions += [FOCUS, AUTOFOCUS]
        found += place(
            descriptions, mxid, item=stream_item(mxid, name), prefix=name, names={"stream": name}
        )
    return found
