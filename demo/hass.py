"""The few Home Assistant REST and WebSocket calls the demo makes, over loopback only."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp

from .flow import Result

ONBOARDING_STEPS = ("user", "core_config", "analytics", "integration")
RUNNING = "RUNNING"


class HassApiError(Exception):
    """Home Assistant answered with an error status (or not as expected)."""

    def __init__(self, what: str, status: int | None = None, body: str = "") -> None:
        """Keep the status; the message says what was asked and what came back."""
        self.status = status
        detail = f" -> {status}" if status is not None else ""
        super().__init__(f"{what}{detail} {body[:300]}".rstrip())


@dataclass(frozen=True)
class Login:
    """The demo user (onboarding's owner)."""

    name: str = "Demo"
    username: str = "demo"
    password: str = "demo-camhub"  # the documented demo login, loopback only
    language: str = "en"


class HassClient:
    """REST and WebSocket calls to one Home Assistant, as one user (a bearer token)."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str) -> None:
        """`base_url` like http://127.0.0.1:8123 (no trailing slash needed)."""
        self._session = session
        self.base_url = base_url.rstrip("/")
        self.token: str | None = None

    @property
    def client_id(self) -> str:
        """The OAuth client id the frontend on this URL uses too."""
        return f"{self.base_url}/"

    async def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Mapping[str, Any] | None = None,
        form: Mapping[str, str] | None = None,
        auth: bool = True,
    ) -> Any:
        """One request; the decoded JSON body (or text); HassApiError on a status >= 400."""
        headers = {"Authorization": f"Bearer {self.token}"} if auth and self.token else {}
        async with self._session.request(
            method, f"{self.base_url}{path}", json=json_body, data=form, headers=headers
        ) as resp:
            text = await resp.text()
            if resp.status >= 400:
                raise HassApiError(f"{method} {path}", resp.status, text)
            if resp.content_type == "application/json":
                return json.loads(text) if text else None
            return text

    # --- start-up -------------------------------------------------------------------------

    async def wait_until_up(self, alive: Callable[[], bool]) -> None:
        """Until the HTTP server answers (bound it with asyncio.timeout); HassApiError if dead."""
        while True:
            if not alive():
                raise HassApiError("Home Assistant exited during start-up")
            try:
                async with self._session.get(f"{self.base_url}/manifest.json") as resp:
                    await resp.read()
                    return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.5)

    async def wait_until_running(self) -> None:
        """Until /api/config says the core is RUNNING (bound it with asyncio.timeout)."""
        while True:
            config = await self.request("GET", "/api/config")
            if isinstance(config, dict) and config.get("state") == RUNNING:
                return
            await asyncio.sleep(0.5)

    async def confirm_http_config(self) -> bool:
        """Confirm the HTTP settings configuration.yaml gave this start; whether it had to.

        From 2026.10 Home Assistant moves `http:` from YAML into its storage as a *pending*
        configuration on trial: unless someone confirms it (the dialog the frontend shows an
        admin), it reverts to the stable one after 5 minutes and restarts, which would put the
        demo on port 8123 on every interface. The demo wrote these settings, so it confirms
        them, as the dialog's *Confirm* button does.
        """
        config = await self.ws_call({"type": "http/config"})
        if not isinstance(config, dict) or config.get("active_config_type") != "pending":
            return False
        await self.ws_call({"type": "http/config/promote"})
        return True

    # --- onboarding and tokens ------------------------------------------------------------

    async def onboarding_done(self) -> dict[str, bool] | None:
        """Step -> done, or None once onboarding is over (its views are gone then)."""
        try:
            steps = await self.request("GET", "/api/onboarding", auth=False)
        except HassApiError as err:
            if err.status == 404:
                return None
            raise
        return {str(step["step"]): bool(step["done"]) for step in steps}

    async def onboard(self, login: Login, done: Mapping[str, bool]) -> None:
        """Finish every open onboarding step over the REST API; leaves a token in self.token."""
        if not done.get("user"):
            created = await self.request(
                "POST",
                "/api/onboarding/users",
                json_body={
                    "client_id": self.client_id,
                    "name": login.name,
                    "username": login.username,
                    "password": login.password,
                    "language": login.language,
                },
                auth=False,
            )
            await self.exchange_code(str(created["auth_code"]))
        if self.token is None:
            raise HassApiError("onboarding: the user step is done but no token is known")
        if not done.get("core_config"):
            # Normally pre-seeded as done (see config.py); left open only if someone removed it.
            await self.request("POST", "/api/onboarding/core_config")
        if not done.get("analytics"):
            await self.request("POST", "/api/onboarding/analytics")
        if not done.get("integration"):
            await self.request(
                "POST",
                "/api/onboarding/integration",
                json_body={
                    "client_id": self.client_id,
                    "redirect_uri": f"{self.client_id}?auth_callback=1",
                },
            )

    async def exchange_code(self, code: str) -> dict[str, Any]:
        """OAuth authorization code -> tokens; keeps the access token."""
        tokens: dict[str, Any] = await self.request(
            "POST",
            "/auth/token",
            form={"grant_type": "authorization_code", "code": code, "client_id": self.client_id},
            auth=False,
        )
        self.token = str(tokens["access_token"])
        return tokens

    async def create_long_lived_token(self, client_name: str, days: int = 3650) -> str:
        """A long-lived access token for the demo's next runs."""
        token = await self.ws_call(
            {"type": "auth/long_lived_access_token", "client_name": client_name, "lifespan": days}
        )
        return str(token)

    async def token_works(self) -> bool:
        """Whether self.token is accepted."""
        try:
            await self.request("GET", "/api/")
        except HassApiError as err:
            if err.status in (401, 403):
                return False
            raise
        return True

    # --- WebSocket ------------------------------------------------------------------------

    async def ws_call(self, command: Mapping[str, Any]) -> Any:
        """One WebSocket command on its own connection; its result."""
        async with self._session.ws_connect(f"{self.base_url}/api/websocket") as ws:
            await ws.receive_json()  # auth_required
            await ws.send_json({"type": "auth", "access_token": self.token})
            reply = await ws.receive_json()
            if reply.get("type") != "auth_ok":
                raise HassApiError("websocket auth", body=json.dumps(reply))
            await ws.send_json({"id": 1, **command})
            while True:
                reply = await ws.receive_json()
                if reply.get("id") == 1 and reply.get("type") == "result":
                    if not reply.get("success"):
                        raise HassApiError(f"websocket {command['type']}", body=json.dumps(reply))
                    return reply.get("result")

    # --- config flows (demo.flow.FlowApi) -------------------------------------------------

    async def flow_start(self, handler: str) -> Result:
        """Start a config flow as the UI's "Add integration" does."""
        result: Result = await self.request(
            "POST",
            "/api/config/config_entries/flow",
            json_body={"handler": handler, "show_advanced_options": False},
        )
        return result

    async def flow_submit(self, flow_id: str, data: Mapping[str, Any]) -> Result:
        """Submit the current form."""
        result: Result = await self.request(
            "POST", f"/api/config/config_entries/flow/{flow_id}", json_body=data
        )
        return result

    async def flow_get(self, flow_id: str) -> Result:
        """The current step (for flows that show progress)."""
        result: Result = await self.request("GET", f"/api/config/config_entries/flow/{flow_id}")
        return result

    async def flow_abort(self, flow_id: str) -> None:
        """Abort a flow in progress."""
        await self.request("DELETE", f"/api/config/config_entries/flow/{flow_id}")

    # --- what the summary shows -----------------------------------------------------------

    async def config_entries(self, domain: str) -> list[dict[str, Any]]:
        """The domain's config entries (title, state, ...)."""
        entries: list[dict[str, Any]] = await self.request(
            "GET", f"/api/config/config_entries/entry?domain={domain}"
        )
        return entries

    async def delete_config_entry(self, entry_id: str) -> None:
        """Remove a config entry (and its devices and entities)."""
        await self.request("DELETE", f"/api/config/config_entries/entry/{entry_id}")

    async def entity_registry(self) -> list[dict[str, Any]]:
        """Every registered entity (entity_id, platform, config_entry_id, disabled_by, ...)."""
        entities: list[dict[str, Any]] = await self.ws_call({"type": "config/entity_registry/list"})
        return entities

    async def state(self, entity_id: str) -> dict[str, Any] | None:
        """One entity's state object, or None if it has none."""
        try:
            state: dict[str, Any] = await self.request("GET", f"/api/states/{entity_id}")
        except HassApiError as err:
            if err.status == 404:
                return None
            raise
        return state

    async def snapshot(self, entity_id: str) -> bytes:
        """A camera's current image through Home Assistant's camera proxy."""
        headers = {"Authorization": f"Bearer {self.token}"}
        path = f"/api/camera_proxy/{entity_id}"
        async with self._session.get(f"{self.base_url}{path}", headers=headers) as resp:
            body = await resp.read()
            if resp.status != 200:
                raise HassApiError(f"GET {path}", resp.status, body.decode(errors="replace"))
            if resp.content_type != "image/jpeg" or not body.startswith(b"\xff\xd8"):
                raise HassApiError(f"GET {path}: not a JPEG ({resp.content_type})")
            return body
