"""Command line: make a running simulated device do what a visitor, its door or a network would.

    python -m simulator.control ring [--port 18000] [--button 1]
    python -m simulator.control answer | hangup [--port P]
    python -m simulator.control motion | door | input | switch on|off [--port P] [...]
    python -m simulator.control fail --port 18002 [--stream 11] [--message TEXT]

Posts to the devices' simulator-only control paths (`/sim/<action>`, no login, on
127.0.0.1 only), so a person watching the demo's Home Assistant can ring the bell, or break a
CamStreamer broadcast, from a second terminal. 18000 is the demo's first intercom ("Front
door"), 18001 the second, 18002 the Axis camera ("Church camera"; its stream 11 is the
YouTube broadcast "Sunday mass", which reports the failing API call with `--message`).
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence

DEMO_PORT = 18000
ON_OFF_ACTIONS = ("motion", "door", "input", "switch")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The action and its options."""
    parser = argparse.ArgumentParser(
        prog="python -m simulator.control",
        description="Drive a simulated 2N intercom on 127.0.0.1 (ring the bell, ...).",
    )
    parser.add_argument("action", choices=("ring", "answer", "hangup", "fail", *ON_OFF_ACTIONS))
    parser.add_argument("state", nargs="?", choices=("on", "off"), default="on")
    parser.add_argument("--port", type=int, default=DEMO_PORT, help=f"default {DEMO_PORT}")
    parser.add_argument("--button", default="1", help="ring: the call button (default 1)")
    parser.add_argument("--switch", type=int, default=1, help="switch: its number (default 1)")
    parser.add_argument("--input", default="input1", help="input: its name (default input1)")
    parser.add_argument("--stream", default="11", help="fail: the stream id (default 11)")
    parser.add_argument("--message", help="fail: the app's error message (API streams)")
    return parser.parse_args(argv)


def control_url(args: argparse.Namespace) -> str:
    """The control request for the parsed command line."""
    query: dict[str, str] = {}
    if args.action == "ring":
        query["button"] = args.button
    elif args.action == "fail":
        query["stream_id"] = args.stream
        if args.message:
            query["message"] = args.message
    elif args.action in ON_OFF_ACTIONS:
        query["state"] = "1" if args.state == "on" else "0"
        if args.action == "switch":
            query["switch"] = str(args.switch)
        if args.action == "input":
            query["port"] = args.input
    encoded = f"?{urllib.parse.urlencode(query)}" if query else ""
    return f"http://127.0.0.1:{args.port}/sim/{args.action}{encoded}"


def main(argv: Sequence[str] | None = None) -> int:
    """Send the request; print the intercom's answer."""
    url = control_url(parse_args(argv))
    request = urllib.request.Request(url, data=b"", method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as resp:
            answer = json.loads(resp.read())
    except (urllib.error.URLError, OSError, ValueError) as err:
        print(f"{url}: {err}", file=sys.stderr)
        return 1
    print(json.dumps(answer))
    # 2N answers {"success": true}; the CamStreamer apps {"status": 200, "message": "OK"}.
    return 0 if answer.get("success") or answer.get("status") == 200 else 1


if __name__ == "__main__":
    sys.exit(main())
