"""Entity descriptions: per camera running, IR and statistics; per stream config and controls."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

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
    CamHubDescription,
    CamHubNumberDescription,
    CamHubSelectDescription,
    CamHubSensorDescription,
    CamHubSwitchDescription,
)
from .models import OakCameraState, OakState, StreamState


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


def _camera_descriptions(mxid: str, camera: OakCameraState) -> list[CamHubDescription]:
    """Running switch, IR intensities and (disabled) statistics sensors of one camera."""

    def cam(state: OakState) -> OakCameraState | None:
        return state.cameras.get(mxid)

    found: list[CamHubDescription] = [
        CamHubSwitchDescription(
            key="running",
            translation_key="oak_running",
            device_id=mxid,
            entity_category=EntityCategory.CONFIG,
            exists_fn=lambda s: cam(s) is not None,
            value_fn=lambda s: (c := cam(s)) is not None and c.info.running,
            set_fn=lambda client, on: client.set_running(mxid, on),
        )
    ]
    for key in ("flood_light", "dot_projector"):
        found.append(_ir_number(mxid, key))
    for key in TEMPERATURES:
        found.append(_temperature(mxid, key))
    for memory in ("ddr", "cmx"):
        found.append(_memory(mxid, memory))
    return found


def _ir(state: OakState, mxid: str) -> IRConfig | None:
    camera = state.cameras.get(mxid)
    return camera.ir if camera is not None and camera.info.running else None


def _stats(state: OakState, mxid: str) -> CameraStats | None:
    camera = state.cameras.get(mxid)
    return camera.stats if camera is not None and camera.info.running else None


def _ir_number(mxid: str, key: str) -> CamHubNumberDescription:
    return CamHubNumberDescription(
        key=key,
        translation_key=f"oak_{key}",
        device_id=mxid,
        entity_category=EntityCategory.CONFIG,
        native_min_value=0.0,
        native_max_value=1.0,
        native_step=0.05,
        mode=NumberMode.SLIDER,
        exists_fn=lambda s: _ir(s, mxid) is not None,
        value_fn=lambda s: getattr(ir, key) if (ir := _ir(s, mxid)) is not None else None,
        set_fn=lambda client, value: client.set_ir(mxid, key, value),
    )


def _temperature(mxid: str, key: str) -> CamHubSensorDescription:
    return CamHubSensorDescription(
        key=f"temperature_{key}",
        translation_key=f"oak_temperature_{key}",
        device_id=mxid,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        device_class=SensorDeviceClass.TEMPERATURE,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfTemperature.CELSIUS,
        exists_fn=lambda s: _stats(s, mxid) is not None,
        value_fn=lambda s: st.temperatures.get(key) if (st := _stats(s, mxid)) else None,
    )


def _memory(mxid: str, memory: str) -> CamHubSensorDescription:
    def used(state: OakState) -> int | None:
        stats = _stats(state, mxid)
        if stats is None:
            return None
        return stats.ddr.used if memory == "ddr" else stats.cmx.used

    return CamHubSensorDescription(
        key=f"{memory}_memory_used",
        translation_key=f"oak_{memory}_memory_used",
        device_id=mxid,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        device_class=SensorDeviceClass.DATA_SIZE,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfInformation.BYTES,
        suggested_unit_of_measurement=UnitOfInformation.MEBIBYTES,
        exists_fn=lambda s: _stats(s, mxid) is not None,
        value_fn=used,
    )


def _stream_descriptions(mxid: str, stream: StreamState) -> list[CamHubDescription]:
    """Active switch and config of every stream; image controls of sensor streams."""
    name = stream.name
    found: list[CamHubDescription] = [
        CamHubSwitchDescription(
            key=f"{name}_active",
            translation_key="oak_stream_active",
            translation_placeholders={"stream": name},
            device_id=mxid,
            exists_fn=lambda s: s.stream(mxid, name) is not None,
            value_fn=lambda s: (st := s.stream(mxid, name)) is not None and st.active,
            set_fn=lambda client, on: client.set_stream_active(mxid, name, on),
        ),
        _fps_number(mxid, name),
    ]
    if stream.kind is not StreamKind.DEPTH:
        found.append(_resolution_select(mxid, name, stream.kind))
    if stream.control is not None:
        found.extend(_control_descriptions(mxid, name, stream.kind, stream.control))
    return found


def _config(state: OakState, mxid: str, name: str) -> StreamConfig | None:
    stream = state.stream(mxid, name)
    return stream.config if stream is not None else None


def _fps_number(mxid: str, name: str) -> CamHubNumberDescription:
    return CamHubNumberDescription(
        key=f"{name}_fps",
        translation_key="oak_fps",
        translation_placeholders={"stream": name},
        device_id=mxid,
        entity_category=EntityCategory.CONFIG,
        native_min_value=FPS_RANGE[0],
        native_max_value=FPS_RANGE[1],
        native_step=1,
        native_unit_of_measurement="fps",
        mode=NumberMode.BOX,
        exists_fn=lambda s: _config(s, mxid, name) is not None,
        value_fn=lambda s: c.fps if (c := _config(s, mxid, name)) is not None else None,
        set_fn=lambda client, value: client.set_config(mxid, name, fps=value),
    )


def _resolution_select(mxid: str, name: str, kind: StreamKind) -> CamHubSelectDescription:
    """Options are the spec's enum names in lower case (translation keys must be)."""
    resolutions = COLOR_RESOLUTIONS if kind is StreamKind.COLOR else MONO_RESOLUTIONS

    def value(state: OakState) -> str | None:
        current = _config(state, mxid, name)
        return current.resolution.lower() if current is not None else None

    return CamHubSelectDescription(
        key=f"{name}_resolution",
        translation_key=f"oak_{kind}_resolution",
        translation_placeholders={"stream": name},
        device_id=mxid,
        entity_category=EntityCategory.CONFIG,
        options=[r.lower() for r in resolutions],
        exists_fn=lambda s: _config(s, mxid, name) is not None,
        value_fn=value,
        set_fn=lambda client, option: client.set_config(mxid, name, resolution=option.upper()),
    )


def _control_descriptions(
    mxid: str, name: str, kind: StreamKind, control: SensorControl
) -> list[CamHubDescription]:
    """Image controls of a sensor stream; colour-only ones skipped on mono sensors."""

    def supported(key: str) -> bool:
        return kind is StreamKind.COLOR or key not in COLOR_ONLY

    def ctl(state: OakState) -> SensorControl | None:
        stream = state.stream(mxid, name)
        return stream.control if stream is not None else None

    found: list[CamHubDescription] = [
        _control_number(mxid, name, spec, ctl) for spec in NUMBER_CONTROLS if supported(spec.key)
    ]
    found.extend(_control_switch(mxid, name, key, ctl) for key in SWITCH_CONTROLS if supported(key))
    if supported("auto_whitebalance_mode"):
        found.append(
            CamHubSelectDescription(
                key=f"{name}_auto_whitebalance_mode",
                translation_key="oak_auto_whitebalance_mode",
                translation_placeholders={"stream": name},
                device_id=mxid,
                entity_category=EntityCategory.CONFIG,
                options=[mode.lower() for mode in AWB_MODES],
                exists_fn=lambda s: ctl(s) is not None,
                value_fn=lambda s: (
                    str(c.get("auto_whitebalance_mode")).lower()
                    if (c := ctl(s)) is not None
                    else None
                ),
                set_fn=lambda client, option: client.set_control(
                    mxid, name, "auto_whitebalance_mode", option.upper()
                ),
            )
        )
    if control.focus is not None:
        found.append(_focus_number(mxid, name, ctl))
    return found


def _control_number(
    mxid: str, name: str, spec: _Control, ctl: Callable[[OakState], SensorControl | None]
) -> CamHubNumberDescription:
    low, high = INT_CONTROLS[spec.key]

    def value(state: OakState) -> float | None:
        control = ctl(state)
        if control is None or spec.key in UNREADABLE_VALUES:
            return None  # a placeholder: the number shows the last value set
        current = control.get(spec.key)
        return float(current) if isinstance(current, int) else None

    return CamHubNumberDescription(
        key=f"{name}_{spec.key}",
        translation_key=f"oak_{spec.key}",
        translation_placeholders={"stream": name},
        device_id=mxid,
        entity_category=EntityCategory.CONFIG,
        native_min_value=low,
        native_max_value=high,
        native_step=STEP_CONTROLS.get(spec.key, 1),
        native_unit_of_measurement=spec.unit,
        device_class=spec.device_class,
        mode=NumberMode.BOX if high - low > 100 else NumberMode.SLIDER,
        restore=spec.restore,
        exists_fn=lambda s: ctl(s) is not None,
        value_fn=value,
        set_fn=lambda client, v: client.set_control(mxid, name, spec.key, _whole(v)),
    )


def _whole(value: float) -> int | float:
    """An integral float as int; anything else unchanged, for the API's check to refuse."""
    return int(value) if float(value).is_integer() else value


def _control_switch(
    mxid: str, name: str, key: str, ctl: Callable[[OakState], SensorControl | None]
) -> CamHubSwitchDescription:
    return CamHubSwitchDescription(
        key=f"{name}_{key}",
        translation_key=f"oak_{key}",
        translation_placeholders={"stream": name},
        device_id=mxid,
        entity_category=EntityCategory.CONFIG,
        exists_fn=lambda s: ctl(s) is not None,
        value_fn=lambda s: bool(c.get(key)) if (c := ctl(s)) is not None else None,
        set_fn=lambda client, on: client.set_control(mxid, name, key, on),
    )


def _focus_number(
    mxid: str, name: str, ctl: Callable[[OakState], SensorControl | None]
) -> CamHubNumberDescription:
    def value(state: OakState) -> float | None:
        control = ctl(state)
        return control.focus.lens_position if control and control.focus else None

    return CamHubNumberDescription(
        key=f"{name}_lens_position",
        translation_key="oak_lens_position",
        translation_placeholders={"stream": name},
        device_id=mxid,
        entity_category=EntityCategory.CONFIG,
        native_min_value=0.0,
        native_max_value=1.0,
        native_step=0.01,
        mode=NumberMode.SLIDER,
        exists_fn=lambda s: value(s) is not None,
        value_fn=value,
        set_fn=lambda client, v: client.set_control(mxid, name, "lens_position", v),
    )
