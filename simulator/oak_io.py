"""A Robopipe controller's own I/O: the `/controller/...` routes of the spec, stateful.

Digital inputs and outputs, analog inputs and outputs and LEDs, each kind with its list
(`GET`, and a `POST` that sets every circuit of the kind), `/{circuit}` to read or set one,
and the untyped `/controller/` and `/controller/{device_type}` lists. Bodies are checked
against the spec's `...Update` schemas and refused with FastAPI's 422 bodies; an unknown
circuit is a 404 `{"detail": "Circuit not found"}`.

Outside the API (tests, the demo): `set_input` and `set_analog_input` change what an input
reads, as a wire on the terminal would; over HTTP `POST /sim/di/{circuit}?value=1` and
`POST /sim/ai/{circuit}?value=3.3` do the same.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from .fastapi import ValidationFailed, detail_response, error, guard, number_in

DEVICE_TYPE_RE = re.compile(
    r"di|ro|do|ai|ao|sensor|led|watchdog|modbus_slave|owpower|register|data_point|owbus|device_info"
)
TYPED = ("di", "do", "ai", "ao", "led")
AI_MODES = ("Disabled", "Voltage", "Voltage2V5", "Current", "Resistance3W", "Resistance2W")
AO_MODES = ("Voltage", "Current", "Resistance")
AI_SCALES: dict[str, tuple[str, list[int]]] = {
    "Voltage": ("V", [0, 10]),
    "Voltage2V5": ("V", [0, 2]),
    "Current": ("mA", [0, 20]),
    "Resistance3W": ("Ohm", [0, 1960]),
    "Resistance2W": ("Ohm", [0, 100000]),
}
AO_SCALES: dict[str, tuple[str, list[int]]] = {
    "Voltage": ("V", [0, 10]),
    "Current": ("mA", [0, 20]),
    "Resistance": ("Ohm", [0, 2000]),
}

type Circuit = dict[str, Any]
type Apply = Callable[[Circuit, dict[str, Any]], None]


def _digital_input(circuit: str) -> Circuit:
    return {
        "dev": "input",
        "circuit": circuit,
        "counter_modes": ["Enabled", "Disabled"],
        "modes": ["Simple", "DirectSwitch"],
        "value": 0,
        "counter": 0,
        "counter_mode": "Enabled",
        "mode": "Simple",
        "debounce": 50,
    }


def _digital_output(circuit: str) -> Circuit:
    return {
        "dev": "output",
        "circuit": circuit,
        "modes": ["Simple", "PWM"],
        "pwm_freq": 4800.0,
        "pwm_duty": 0,
        "value": 0,
        "mode": "Simple",
    }


def _analog(dev: str, circuit: str, mode: str, scales: dict[str, tuple[str, list[int]]]) -> Circuit:
    modes = {name: {"value": 0, "unit": unit, "range": r} for name, (unit, r) in scales.items()}
    return {"dev": dev, "circuit": circuit, "modes": modes, "mode": mode}


class SimControllerIO:
    """The circuits of one controller, by kind and circuit name; `POST` changes them."""

    def __init__(
        self,
        *,
        digital_inputs: int = 4,
        digital_outputs: int = 4,
        analog_inputs: int = 2,
        analog_outputs: int = 1,
        leds: int = 4,
        absent: tuple[str, ...] = (),
    ) -> None:
        """Circuits named `1_01`, `1_02`, ... per kind; kinds in `absent` answer 404."""
        self.absent = absent
        names = [f"1_{i:02d}" for i in range(1, 33)]
        self.circuits: dict[str, dict[str, Circuit]] = {
            "di": {n: _digital_input(n) for n in names[:digital_inputs]},
            "do": {n: _digital_output(n) for n in names[:digital_outputs]},
            "ai": {
                n: _analog("ai", n, "Current" if i % 2 else "Voltage", AI_SCALES)
                for i, n in enumerate(names[:analog_inputs])
            },
            "ao": {n: _analog("ao", n, "Voltage", AO_SCALES) for n in names[:analog_outputs]},
            "led": {n: {"dev": "led", "circuit": n, "value": 0} for n in names[:leds]},
        }
        for output in self.circuits["ao"].values():
            output["value"] = 0.0

    # --- what a wire on the terminals does (tests, the demo) -----------------------------

    def set_input(self, circuit: str, on: bool) -> None:
        """Drive a digital input; a rising edge counts (its counter is enabled by default)."""
        item = self.circuits["di"][circuit]
        if on and not item["value"] and item["counter_mode"] == "Enabled":
            item["counter"] += 1
        item["value"] = int(on)

    def set_analog_input(self, circuit: str, value: float) -> None:
        """What an analog input reads in its current mode (the spec's integer, rounded)."""
        item = self.circuits["ai"][circuit]
        if item["mode"] in item["modes"]:
            item["modes"][item["mode"]]["value"] = round(value)

    def answer(self, kind: str, item: Circuit) -> Circuit:
        """A circuit as the API shows it (a disabled analog input reads nothing)."""
        if kind == "ao":
            item["modes"][item["mode"]]["value"] = round(item["value"])
        return item

    # --- routes --------------------------------------------------------------------------

    def setup_routes(self, app: web.Application) -> None:
        """The spec's `/controller/...` routes: typed kinds first, then the generic ones."""
        r = app.router
        r.add_get("/controller/", self._all)
        for kind in (k for k in TYPED if k not in self.absent):
            r.add_route("*", f"/controller/{kind}", self._kind_handler(kind))
            r.add_route("*", f"/controller/{kind}/{{circuit}}", self._circuit_handler(kind))
        r.add_get("/controller/{device_type}", self._device_type)
        r.add_post("/sim/di/{circuit}", self._sim_input)
        r.add_post("/sim/ai/{circuit}", self._sim_analog)

    async def _all(self, request: web.Request) -> web.Response:
        items = [self.answer(k, c) for k in TYPED for c in self.circuits[k].values()]
        return web.json_response(items)

    async def _device_type(self, request: web.Request) -> web.StreamResponse:
        async def impl(request: web.Request) -> web.Response:
            device_type = request.match_info["device_type"]
            if not DEVICE_TYPE_RE.fullmatch(device_type):
                message = f"String should match pattern '{DEVICE_TYPE_RE.pattern}'"
                raise ValidationFailed(
                    [error(["path", "device_type"], message, "string_pattern_mismatch")]
                )
            if device_type in self.absent:
                return detail_response(404, "Not Found")
            return web.json_response([])  # none of the untyped kinds on this controller

        return await guard(impl, request)

    def _kind_handler(self, kind: str) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def impl(request: web.Request) -> web.Response:
            circuits = self.circuits[kind]
            if request.method == "POST":
                body = await _body(request)
                for item in circuits.values():
                    APPLY[kind](item, body)
            elif request.method != "GET":
                return detail_response(405, "Method Not Allowed")
            return web.json_response([self.answer(kind, c) for c in circuits.values()])

        async def handler(request: web.Request) -> web.StreamResponse:
            return await guard(impl, request)

        return handler

    def _circuit_handler(self, kind: str) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def impl(request: web.Request) -> web.Response:
            item = self.circuits[kind].get(request.match_info["circuit"])
            if item is None:
                return detail_response(404, "Circuit not found")
            if request.method == "POST":
                APPLY[kind](item, await _body(request))
            elif request.method != "GET":
                return detail_response(405, "Method Not Allowed")
            return web.json_response(self.answer(kind, item))

        async def handler(request: web.Request) -> web.StreamResponse:
            return await guard(impl, request)

        return handler

    async def _sim_input(self, request: web.Request) -> web.Response:
        circuit = request.match_info["circuit"]
        if circuit not in self.circuits["di"]:
            return detail_response(404, "Circuit not found")
        self.set_input(circuit, request.query.get("value", "1") in ("1", "on", "true"))
        return web.json_response(self.circuits["di"][circuit])

    async def _sim_analog(self, request: web.Request) -> web.Response:
        circuit = request.match_info["circuit"]
        if circuit not in self.circuits["ai"]:
            return detail_response(404, "Circuit not found")
        try:
            value = float(request.query.get("value", "0"))
        except ValueError:
            return detail_response(422, "value is not a number")
        self.set_analog_input(circuit, value)
        return web.json_response(self.circuits["ai"][circuit])


async def _body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise ValidationFailed([error(["body"], "JSON decode error", "json_invalid")]) from None
    if not isinstance(body, dict):
        raise ValidationFailed([error(["body"], "Input should be an object", "dict")])
    return body


def _require_int(body: dict[str, Any], key: str, low: int | None, high: int | None) -> int:
    value = body.get(key)
    if key not in body:
        raise ValidationFailed([error(["body", key], "Field required", "missing")])
    if isinstance(value, bool) or not isinstance(value, int):
        message = "Input should be a valid integer"
        raise ValidationFailed([error(["body", key], message, "int_type")])
    if not number_in(value, low, high):
        message = f"Input should be between {low} and {high}"
        raise ValidationFailed([error(["body", key], message, "range")])
    return value


def _enum(body: dict[str, Any], key: str, allowed: tuple[str, ...], default: str) -> str:
    value = body.get(key, default)
    if value not in allowed:
        message = f"Input should be {', '.join(repr(a) for a in allowed)}"
        raise ValidationFailed([error(["body", key], message, "enum")])
    return str(value)


def _apply_di(item: Circuit, body: dict[str, Any]) -> None:
    """`DigitalInputUpdate`: counter required; counter mode, mode and debounce defaulted."""
    counter = _require_int(body, "counter", 0, None)
    counter_mode = _enum(body, "counter_mode", ("Enabled", "Disabled"), "Enabled")
    mode = _enum(body, "mode", ("Simple", "DirectSwitch"), "Simple")
    debounce = _require_int({"debounce": body.get("debounce", 50)}, "debounce", 0, None)
    item.update(counter=counter, counter_mode=counter_mode, mode=mode, debounce=debounce)


def _apply_do(item: Circuit, body: dict[str, Any]) -> None:
    """`DigitalOutputUpdate`: all three required; a duty above 0 is PWM, else the level."""
    value = _require_int(body, "value", 0, 1)
    duty = _require_int(body, "pwm_duty", 0, 100)
    freq = body.get("pwm_freq", -1.0)
    if not number_in(freq, 0.0, None):
        raise ValidationFailed([error(["body", "pwm_freq"], "Input should be a number", "float")])
    if duty > 0:
        item.update(mode="PWM", pwm_duty=duty, pwm_freq=float(freq), value=0)
    else:
        item.update(mode="Simple", pwm_duty=0, pwm_freq=float(freq), value=value)


def _apply_led(item: Circuit, body: dict[str, Any]) -> None:
    """`LedUpdate`: value 0 or 1."""
    item["value"] = _require_int(body, "value", 0, 1)


def _apply_ai(item: Circuit, body: dict[str, Any]) -> None:
    """`AnalogInputUpdate`: the mode (default Voltage)."""
    item["mode"] = _enum(body, "mode", AI_MODES, "Voltage")


def _apply_ao(item: Circuit, body: dict[str, Any]) -> None:
    """`AnalogOutputUpdate`: value required, within the range of the mode (default Voltage)."""
    mode = _enum(body, "mode", AO_MODES, "Voltage")
    low, high = item["modes"][mode]["range"]
    value = body.get("value", float("nan"))
    if not number_in(value, low, high):
        message = f"Input should be a number from {low} to {high}"
        raise ValidationFailed([error(["body", "value"], message, "range")])
    item.update(mode=mode, value=float(value))


APPLY: dict[str, Apply] = {
    "di": _apply_di,
    "do": _apply_do,
    "ai": _apply_ai,
    "ao": _apply_ao,
    "led": _apply_led,
}
