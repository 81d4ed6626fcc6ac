"""`scripts/demo`: a real Home Assistant with CamHub and simulated devices, in one command.

    scripts/demo [--port 8123] [--fresh] [--base-port 18000] [SIMULATOR OPTIONS]

Starts the simulator (every device on 127.0.0.1), prepares `.demo/config`, starts Home
Assistant on it, onboards the demo user over the REST API, adds every simulated device through
CamHub's real config flow, checks that each camera serves a JPEG, prints the URL and the login,
and runs until Ctrl-C (or SIGTERM), which stops both. Options it does not know go to the
simulator (`python -m simulator --help`), e.g. `--intercoms 3 --fps 10`.

`.demo/` is kept between runs (users, entries, dashboards); the simulator's ports are fixed
(`--base-port`), so the entries stay valid. `--fresh` starts from nothing.

The work lives in the modules beside this one: `cli` (the options, the simulator's arguments),
`state` (what `.demo/state.json` remembers), `runner` (the sequence, the children, the signals),
`cameras` (waiting for each camera's JPEG) and `summary` (the text printed when ready). This
module is only the entry point; it re-exports their names, which the tests import from here.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence

from .cameras import CAMERA_GRACE, CAMERA_TIMEOUT, collect_entries
from .cli import (
    DEFAULT_BASE_PORT,
    DEFAULT_PORT,
    SimFamily,
    parse_args,
    simulator_families,
    with_every_family,
)
from .runner import (
    HASS_START_TIMEOUT,
    HASS_STOP_GRACE,
    LOGIN,
    SIMULATOR_STOP_GRACE,
    STILL_STOPPING_NOTICE,
    TOKEN_NAME,
    Demo,
    amain,
    exit_text,
    log,
    port_in_use,
)
from .state import DemoState, device_key, reconcile_entries
from .summary import CameraReport, EntryReport, device_label, format_summary

__all__ = [
    "CAMERA_GRACE",
    "CAMERA_TIMEOUT",
    "DEFAULT_BASE_PORT",
    "DEFAULT_PORT",
    "HASS_START_TIMEOUT",
    "HASS_STOP_GRACE",
    "LOGIN",
    "SIMULATOR_STOP_GRACE",
    "STILL_STOPPING_NOTICE",
    "TOKEN_NAME",
    "CameraReport",
    "Demo",
    "DemoState",
    "EntryReport",
    "SimFamily",
    "amain",
    "collect_entries",
    "device_key",
    "device_label",
    "exit_text",
    "format_summary",
    "log",
    "main",
    "parse_args",
    "port_in_use",
    "reconcile_entries",
    "simulator_families",
    "with_every_family",
]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `python -m demo`."""
    args, simulator_args = parse_args(argv)
    return asyncio.run(amain(args, simulator_args))


if __name__ == "__main__":
    sys.exit(main())
