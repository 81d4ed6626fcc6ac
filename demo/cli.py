"""The demo's command line: its own options, and the simulator arguments it passes on.

`scripts/demo` takes the demo's few options (`--port`, `--fresh`, `--base-port`, `--dir`) and
hands every other option to the simulator, adding one device of each family the simulator would
otherwise start none of, so that the demo shows every family.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .config import ROOT

DEFAULT_PORT = 8123
DEFAULT_BASE_PORT = 18000


def parse_args(argv: Sequence[str] | None = None) -> tuple[argparse.Namespace, list[str]]:
    """The demo's own options, and the rest (for the simulator)."""
    parser = argparse.ArgumentParser(
        prog="scripts/demo",
        allow_abbrev=False,
        description="Run Home Assistant with CamHub and simulated devices on 127.0.0.1.",
        epilog="Other options go to the simulator (see: .venv/bin/python -m simulator --help), "
        "e.g. --intercoms 3 --fps 10. Every family gets at least one device unless its count "
        "is given (--aipix 0 leaves AIPIX out).",
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"Home Assistant's port ({DEFAULT_PORT})"
    )
    parser.add_argument(
        "--fresh", action="store_true", help="wipe .demo/ first (new user, new entries)"
    )
    parser.add_argument(
        "--base-port",
        type=int,
        default=DEFAULT_BASE_PORT,
        metavar="P",
        help=f"the simulated devices' first port ({DEFAULT_BASE_PORT}; fixed, so entries "
        "stay valid across runs)",
    )
    parser.add_argument(
        "--dir",
        type=Path,
        default=ROOT / ".demo",
        metavar="DIR",
        help="the demo's folder (.demo): Home Assistant's configuration, logs, the token",
    )
    return parser.parse_known_args(argv)


@dataclass(frozen=True)
class SimFamily:
    """What the demo needs to know about one of the simulator's families: its count flag."""

    flag: str  # "--<flag> N"
    default: int


def simulator_families() -> list[SimFamily]:
    """The simulator's families, read from its command line definition."""
    from simulator.__main__ import FAMILIES  # noqa: PLC0415 - only the demo needs it

    return [SimFamily(family.flag, family.default) for family in FAMILIES]


def with_every_family(simulator_args: Sequence[str], families: Sequence[SimFamily]) -> list[str]:
    """The simulator's arguments, asking for one device of each family it starts none of.

    The demo shows every family: a family whose default count is 0 (AIPIX, for example) gets
    `--<flag> 1`, unless the command line already says how many (`--aipix 0` is respected).
    """
    args = list(simulator_args)
    for family in families:
        option = f"--{family.flag}"
        given = any(arg == option or arg.startswith(f"{option}=") for arg in args)
        if not given and family.default < 1:
            args += [option, "1"]
    return args
