"""2N IP intercoms: one device per intercom, one camera per video source.

Identity comes from `/api/system/info`, which answers without credentials, so the config flow
can recognise a 2N device before asking for a login. The login is verified with
`/api/camera/caps`, which needs the Camera Monitoring privilege.

Modules: `flow` (recognising and checking an intercom), `host` (the per-entry
`Intercom2NHost`: state, devices, video sources, entities, options), `models` (the typed
state), `events` (the event log folded into the state and published), `entities` (doorbell,
call state, motion, door, switches).
"""

from __future__ import annotations

from .flow import Intercom2NFlow
from .host import Intercom2NHost
from .models import Intercom2NState

FLOW = Intercom2NFlow()

__all__ = ["FLOW", "Intercom2NFlow", "Intercom2NHost", "Intercom2NState"]
