"""The summary the demo prints when it is ready: where to log in, and what each entry serves.

`CameraReport` / `EntryReport` are what the camera check (`cameras`) found; `format_summary`
turns them, the devices and their flows' outcomes into the text a person reads.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .config import ROOT, DemoPaths
from .flow import FlowOutcome
from .hass import Login


def device_label(device: Mapping[str, Any]) -> str:
    """`Front door (intercom_2n at 127.0.0.1:18000)`."""
    where = f"{device.get('host')}:{device['port']}" if device.get("port") else device.get("host")
    return f"{device.get('name', '?')} ({device.get('family', '?')} at {where})"


@dataclass
class CameraReport:
    """One camera entity as the summary shows it."""

    entity_id: str
    state: str
    jpeg_bytes: int | None = None
    error: str | None = None
    supported_features: int = 0


@dataclass
class EntryReport:
    """One CamHub config entry and its cameras."""

    title: str
    state: str
    cameras: list[CameraReport] = field(default_factory=list)
    controls: list[str] = field(default_factory=list)  # its other enabled entities


def format_summary(
    url: str,
    login: Login,
    devices: Sequence[Mapping[str, Any]],
    outcomes: Sequence[FlowOutcome],
    entries: Sequence[EntryReport],
    paths: DemoPaths,
    elapsed: float,
) -> str:
    """What the person running the demo needs: where, who, what is live, where the logs are."""
    live = sum(1 for entry in entries for cam in entry.cameras if cam.jpeg_bytes)
    total = sum(len(entry.cameras) for entry in entries)
    lines = [
        "",
        f"CamHub demo is ready after {elapsed:.0f} s: {live} of {total} cameras serve pictures.",
        "",
        f"  Open     {url}",
        f"  Log in   {login.username} / {login.password}",
        "",
    ]
    width = max((len(cam.entity_id) for entry in entries for cam in entry.cameras), default=0)
    for entry in entries:
        lines.append(f"  {entry.title}  [{entry.state}]")
        for cam in entry.cameras:
            if cam.jpeg_bytes:
                status = f"{cam.state}, snapshot OK ({cam.jpeg_bytes / 1024:.0f} kB JPEG)"
            else:
                status = f"{cam.state}, no snapshot ({cam.error or 'no image'})"
            lines.append(f"    {cam.entity_id:<{width}}  {status}")
        if not entry.cameras:
            lines.append("    (no camera entities)")
    problems = [
        f"  ! {device_label(device)}: {outcome.describe()}"
        for device, outcome in zip(devices, outcomes, strict=True)
        if outcome.status == "failed"
        or (outcome.status == "aborted" and outcome.reason != "already_configured")
    ]
    if problems:
        lines += ["", "  Devices not added:", *problems]
    rel = {p: os.path.relpath(p, ROOT) for p in (paths.hass_log, paths.simulator_log)}
    lines += [
        "",
        f"  Logs     {rel[paths.hass_log]}  {rel[paths.simulator_log]}",
        "  Ctrl-C stops Home Assistant and the simulator.",
        "",
    ]
    return "\n".join(lines)
