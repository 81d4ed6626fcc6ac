"""Screenshot a running demo's page the way a person sees it: headless Chromium, real login.

    .venv/bin/python -m demo.screenshot [--path /camhub-demo/cameras] [--out demo.png]
                                        [--wait 10] [--port 8123] [--again 3]

Logs in as the demo user through Home Assistant's login flow (the same one the login page
uses), hands the authorization code to the frontend (`?auth_callback=1`), opens the page,
waits, and saves a PNG. `--again N` saves a second PNG N seconds later (`<out>-later.png`), so
a live tile can be told from a still one. Needs `chromium` on PATH (Debian's package); talks to
it over the DevTools protocol on 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import aiohttp

from .hass import Login

DEVTOOLS_PORT = 9333


async def login_code(session: aiohttp.ClientSession, base_url: str, login: Login) -> str:
    """An OAuth authorization code for `login`, from Home Assistant's login flow."""
    client_id = f"{base_url}/"
    async with session.post(
        f"{base_url}/auth/login_flow",
        json={
            "client_id": client_id,
            "handler": ["homeassistant", None],
            "redirect_uri": f"{client_id}?auth_callback=1",
        },
    ) as resp:
        flow = await resp.json()
    async with session.post(
        f"{base_url}/auth/login_flow/{flow['flow_id']}",
        json={"client_id": client_id, "username": login.username, "password": login.password},
    ) as resp:
        result = await resp.json()
    if result.get("type") != "create_entry":
        raise RuntimeError(f"login refused: {result.get('errors') or result}")
    return str(result["result"])


class DevTools:
    """One page of a Chromium, driven over its DevTools WebSocket."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        """Wrap a connected page socket."""
        self._ws = ws
        self._id = 0

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        """One command; its result (events in between are skipped)."""
        self._id += 1
        await self._ws.send_json({"id": self._id, "method": method, "params": params})
        while True:
            message = await self._ws.receive_json()
            if message.get("id") == self._id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                result: dict[str, Any] = message.get("result", {})
                return result

    async def screenshot(self, out: Path) -> None:
        """Save the page as PNG."""
        shot = await self.call("Page.captureScreenshot", format="png")
        out.write_bytes(base64.b64decode(shot["data"]))


async def _page_socket(session: aiohttp.ClientSession) -> str:
    for _ in range(100):
        with contextlib.suppress(aiohttp.ClientError, StopIteration):
            async with session.get(f"http://127.0.0.1:{DEVTOOLS_PORT}/json/list") as resp:
                targets = await resp.json()
            return str(next(t for t in targets if t["type"] == "page")["webSocketDebuggerUrl"])
        await asyncio.sleep(0.2)
    raise RuntimeError("Chromium's DevTools did not answer")


async def take(
    base_url: str, path: str, out: Path, wait: float, again: float, size: tuple[int, int]
) -> list[Path]:
    """Log in, open `path`, save the screenshot(s); their paths."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise RuntimeError("no chromium on PATH (Debian: apt-get install chromium)")
    saved: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="camhub-shot-") as profile:
        proc = subprocess.Popen(  # noqa: ASYNC220 - started once, stopped below
            [
                chromium,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--remote-debugging-address=127.0.0.1",
                f"--remote-debugging-port={DEVTOOLS_PORT}",
                f"--window-size={size[0]},{size[1]}",
                f"--user-data-dir={profile}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            async with aiohttp.ClientSession() as session:
                code = await login_code(session, base_url, Login())
                state = json.dumps({"hassUrl": base_url, "clientId": f"{base_url}/"})
                start = (
                    f"{base_url}/?auth_callback=1&code={code}"
                    f"&state={base64.b64encode(state.encode()).decode()}"
                )
                async with session.ws_connect(await _page_socket(session), max_msg_size=0) as ws:
                    page = DevTools(ws)
                    await page.call("Page.enable")
                    await page.call(
                        "Emulation.setDeviceMetricsOverride",
                        width=size[0],
                        height=size[1],
                        deviceScaleFactor=1,
                        mobile=False,
                    )
                    await page.call("Page.navigate", url=start)
                    await asyncio.sleep(5)  # the frontend trades the code for tokens
                    if path not in ("", "/"):
                        # In-app navigation: the tokens live in this page only.
                        await page.call(
                            "Runtime.evaluate",
                            expression=f"history.pushState(null, '', {json.dumps(path)});"
                            "window.dispatchEvent(new CustomEvent('location-changed'))",
                        )
                    await asyncio.sleep(wait)
                    await page.screenshot(out)
                    saved.append(out)
                    if again > 0:
                        await asyncio.sleep(again)
                        later = out.with_name(f"{out.stem}-later{out.suffix}")
                        await page.screenshot(later)
                        saved.append(later)
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
    return saved


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `python -m demo.screenshot`."""
    parser = argparse.ArgumentParser(prog="python -m demo.screenshot", description=__doc__)
    parser.add_argument("--port", type=int, default=8123)
    parser.add_argument("--path", default="/", help="page to open after logging in (/)")
    parser.add_argument("--out", type=Path, default=Path("demo.png"))
    parser.add_argument("--wait", type=float, default=10.0, help="seconds before the shot")
    parser.add_argument("--again", type=float, default=0.0, help="a second shot N s later")
    args = parser.parse_args(argv)
    try:
        saved = asyncio.run(
            take(
                f"http://127.0.0.1:{args.port}",
                args.path,
                args.out,
                args.wait,
                args.again,
                (1400, 1000),
            )
        )
    except (RuntimeError, aiohttp.ClientError, OSError) as err:
        print(f"screenshot: {err}", file=sys.stderr)
        return 1
    for path in saved:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
