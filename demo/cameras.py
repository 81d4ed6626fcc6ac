"""Waiting until CamHub's entries are set up and each camera serves a JPEG, within bounds.

The demo reports what works rather than hanging on what does not: unavailable cameras are
waited for until a deadline, available cameras that give no JPEG only for a short grace.
"""

from __future__ import annotations

import asyncio
import time

import aiohttp

from .config import DOMAIN
from .hass import HassApiError, HassClient
from .summary import CameraReport, EntryReport

CAMERA_TIMEOUT = 30.0  # the longest the demo waits for entries and cameras to come up
CAMERA_GRACE = 3.0  # how long an available camera may fail to give a JPEG before it is reported


async def collect_entries(
    client: HassClient, patience: float = CAMERA_TIMEOUT, grace: float = CAMERA_GRACE
) -> list[EntryReport]:
    """CamHub's entries and their cameras, waiting (bounded) until each camera serves a JPEG.

    Cameras are checked at once. A camera that is unavailable is waited for until `patience`
    runs out; one that is available but gives no JPEG (a stream-only source, say) only for
    `grace` seconds, so it does not hold the demo up.
    """
    deadline = time.monotonic() + patience
    settling = {"not_loaded", "setup_in_progress"}
    while True:
        entries = await client.config_entries(DOMAIN)
        if not any(e.get("state") in settling for e in entries) or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.5)
    registry = await client.entity_registry()
    reports: list[EntryReport] = []
    checks = []
    for entry in entries:
        report = EntryReport(str(entry.get("title")), str(entry.get("state")))
        own = sorted(
            str(e["entity_id"])
            for e in registry
            if e.get("config_entry_id") == entry.get("entry_id") and not e.get("disabled_by")
        )
        cameras = [entity_id for entity_id in own if entity_id.startswith("camera.")]
        report.controls = [entity_id for entity_id in own if not entity_id.startswith("camera.")]
        checks += [(report, _check_camera(client, cam, deadline, grace)) for cam in cameras]
        reports.append(report)
    results = await asyncio.gather(*(check for _, check in checks))
    for (report, _), camera in zip(checks, results, strict=True):
        report.cameras.append(camera)
    return reports


async def _check_camera(
    client: HassClient, entity_id: str, deadline: float, grace: float
) -> CameraReport:
    failing_since: float | None = None
    while True:
        state = await client.state(entity_id)
        report = CameraReport(entity_id, str(state["state"]) if state else "missing")
        if state:
            features = state.get("attributes", {}).get("supported_features")
            report.supported_features = features if isinstance(features, int) else 0
        try:
            report.jpeg_bytes = len(await client.snapshot(entity_id))
        except HassApiError as err:
            report.error = f"HTTP {err.status}" if err.status else str(err)
        except aiohttp.ClientError as err:
            report.error = str(err) or type(err).__name__
        else:
            return report
        now = time.monotonic()
        if report.state in ("unavailable", "missing"):
            failing_since = None
        elif failing_since is None:
            failing_since = now
        if now > deadline or (failing_since is not None and now - failing_since >= grace):
            return report
        await asyncio.sleep(1)
