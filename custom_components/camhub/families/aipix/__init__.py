"""AIPIX VMS: one server device, one device per chosen camera (by UUID), links that expire.

The integration API hands out signed links (`expired_at`) instead of streaming; CamHub asks
for them with the user's integration token (Bearer) and caches each until shortly before it
expires (`api/aipix.py`). The token never leaves the API requests; the links, which work
without it until they expire, never reach entity attributes or logs.

Update model: every 5 minutes one batched jpg preview request for all cameras (and stream
types) proves the token and the cameras, and refreshes the links snapshots use, so a
dashboard refreshing thumbnails costs image fetches but no extra link requests. When the
batch is refused because of one camera (403/404/422), each camera is asked alone, so only
that camera turns unavailable.

The AIPIX integration API documents no camera list, so the user gives camera UUIDs (an
extra config step, then the options), each checked with a preview request.

Modules: `flow` (recognising a server, the token and camera steps), `host` (the per-entry
`AipixHost`: links, cached images, state, options), `actions` (preview and archive links),
`models` (state, settings, constants).
"""

from __future__ import annotations

from .actions import ACTIONS, GET_ARCHIVE_SCHEMA, GET_PREVIEW_SCHEMA
from .flow import AipixFlow
from .host import AipixHost
from .models import AipixCamera, AipixSettings, AipixState, parse_uuids

FLOW = AipixFlow()

__all__ = [
    "ACTIONS",
    "FLOW",
    "GET_ARCHIVE_SCHEMA",
    "GET_PREVIEW_SCHEMA",
    "AipixCamera",
    "AipixFlow",
    "AipixHost",
    "AipixSettings",
    "AipixState",
    "parse_uuids",
]
