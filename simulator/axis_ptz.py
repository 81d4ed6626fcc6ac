"""VAPIX video channels and PTZ presets of a simulated Axis camera.

Multi-sensor cameras (and view areas) are numbered from 1 by `camera=N` on `image.cgi` and
`video.cgi`; `ImageSource.NbrOfSources` says how many there are. PTZ presets come from
`ptz.cgi?query=presetposall` (plain text, one "Preset Positions for camera N" header per
camera, then `presetposnoK=Name` lines) and `gotoserverpresetname=` moves to one by name
(case-sensitive, as the CamSwitcher documentation notes). A camera without PTZ answers 404.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from aiohttp import web


@dataclass
class AxisVideo:
    """Channels and PTZ of one camera; `presets` is None for a camera without PTZ."""

    channels: int = 1
    presets: dict[int, list[str]] | None = None
    at_preset: dict[int, str] = field(default_factory=dict)
    moves: list[tuple[int, str]] = field(default_factory=list)

    def channel(self, request: web.Request) -> int | None:
        """The `camera=N` of a request (1 when absent); None when the camera has no such N."""
        raw = request.query.get("camera", "1")
        number = int(raw) if raw.isdigit() else 0
        return number if 1 <= number <= self.channels else None

    def params(self) -> dict[str, str]:
        """The VAPIX parameters that describe the channels."""
        return {"ImageSource.NbrOfSources": str(self.channels)}

    async def ptz(self, request: web.Request) -> web.Response:
        """`ptz.cgi`: list presets, or go to one by name."""
        if self.presets is None:
            return web.Response(status=404, text="404 Not Found\n")
        if request.query.get("query") == "presetposall":
            lines: list[str] = []
            for camera, names in sorted(self.presets.items()):
                lines.append(f"Preset Positions for camera {camera}")
                lines += [f"presetposno{i}={name}" for i, name in enumerate(names, 1)]
            return web.Response(text="\n".join(lines) + "\n")
        name = request.query.get("gotoserverpresetname")
        channel = self.channel(request)
        if name is None or channel is None or name not in self.presets.get(channel, []):
            return web.Response(status=400, text="Error: unknown preset or camera\n")
        self.at_preset[channel] = name
        self.moves.append((channel, name))
        return web.Response(status=204)
