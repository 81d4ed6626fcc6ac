"""CamOverlay's HTTP API on the simulated camera (and CamScripter's camera list).

Services (list, and a `POST` that restarts the app), `enabled.cgi` by id or custom name, the
infoticker text, customGraphics text and images, and the network camera list that CamOverlay
and CamScripter both answer. A mixin of `AxisCamera`; camstreamer.py wires the paths.
"""

from __future__ import annotations

from aiohttp import web

from .camstreamer_models import (
    SimService,
    app_json,
    parse_flag,
)
from .camstreamer_state import AxisCameraState


class CamOverlayRoutes(AxisCameraState):
    """The CamOverlay (and CamScripter) apps' request handlers."""

    async def _services(self, request: web.Request) -> web.Response:
        if request.method == "POST":
            self.restart_app("camoverlay")
            return app_json()
        services = [
            {
                "id": s.id,
                "enabled": int(s.enabled),
                "automationType": "manual",
                "cameraList": [0],
                "schedule": "",
                "name": s.name,
                "customName": s.custom_name,
                **({"sourceType": "text", "source": s.source} if s.name == "infoticker" else {}),
                **({"fields": dict(s.fields)} if s.name == "customGraphics" else {}),
            }
            for s in self.services.values()
        ]
        return web.json_response({"services": services})

    async def _enabled(self, request: web.Request) -> web.Response:
        changes: list[tuple[SimService, bool]] = []
        for key, value in request.query.items():
            service = self._service_by_key(key)
            flag = parse_flag(value)
            if service is None or flag is None:
                return app_json(status=400, message=f"Invalid parameter {key}")
            changes.append((service, flag))
        for service, flag in changes:
            self.set_service_enabled(service.id, flag)
        return app_json()

    def _service_by_key(self, key: str) -> SimService | None:
        if key.startswith("id_") and key[3:].isdigit():
            return self.services.get(int(key[3:]))
        if key.startswith("name_"):
            return next((s for s in self.services.values() if s.custom_name == key[5:]), None)
        return None

    def _service_param(self, request: web.Request, kind: str) -> SimService | None:
        raw = request.query.get("service_id", "")
        service = self.services.get(int(raw)) if raw.isdigit() else None
        return service if service is not None and service.name == kind else None

    async def _infoticker(self, request: web.Request) -> web.Response:
        service = self._service_param(request, "infoticker")
        if service is None or "text" not in request.query:
            return app_json(status=400, message="Invalid service_id or missing text")
        service.source = request.query["text"]
        return app_json()

    async def _custom_graphics(self, request: web.Request) -> web.Response:
        service = self._service_param(request, "customGraphics")
        action = request.query.get("action")
        if service is None or action not in ("update_text", "update_image"):
            return app_json(status=400, message="Invalid service_id or action")
        target = service.fields if action == "update_text" else service.image
        for key, value in request.query.items():
            if key not in ("action", "service_id"):
                target[key] = value
        return app_json()

    async def _camera_list(self, request: web.Request) -> web.Response:
        return web.json_response({"camera_list": list(self.network_cameras)})
