"""The demo's Home Assistant configuration folder (under `.demo/`, ignored by git).

`configuration.yaml` is rewritten on every run (it belongs to the demo, not to the user); the
rest of the folder (`.storage/`: users, config entries, dashboards) is kept between runs unless
`--fresh` wipes it.

No `default_config:`: it pulls in go2rtc (a binary this project does not ship), zeroconf, ssdp,
dhcp, bluetooth, cloud, ... which would scan the network or pip-install packages. The list below
is what a usable UI with live cameras needs, with the logbook and history where a doorbell's
rings show (their recorder's requirements come with the test harness's pins); Home Assistant
adds its own always-on integrations (person, automation, backup, analytics with everything
off, ...) whose requirements ship with the `homeassistant` wheel.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import zoneinfo
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INTEGRATION = ROOT / "custom_components" / "camhub"
DOMAIN = "camhub"

# Onboarding steps as Home Assistant's onboarding component stores them (storage version 4).
ONBOARDING_STORAGE_VERSION = 4
# The core_config step is answered by `homeassistant:` in configuration.yaml. Finishing it over
# the API would also start the onboarding integrations (met, radio_browser, google_translate,
# shopping_list): pip installs at run time and requests to the Internet. So it is stored as done
# before the first start; user, analytics and integration are then done over the REST API.
PRESEEDED_ONBOARDING_STEPS = ("core_config",)


@dataclass(frozen=True)
class DemoPaths:
    """Where the demo keeps its files."""

    base: Path  # .demo/

    @property
    def config(self) -> Path:
        """Home Assistant's configuration folder (`hass -c`)."""
        return self.base / "config"

    @property
    def state(self) -> Path:
        """The demo's own state: the token it uses on the next run."""
        return self.base / "state.json"

    @property
    def devices(self) -> Path:
        """The simulator's device lines of this run (JSON), for tools such as browser-check."""
        return self.base / "devices.json"

    @property
    def hass_log(self) -> Path:
        """Home Assistant's own log file."""
        return self.config / "home-assistant.log"

    @property
    def hass_console(self) -> Path:
        """Home Assistant's stdout/stderr (start-up crashes land here)."""
        return self.base / "hass-console.log"

    @property
    def simulator_log(self) -> Path:
        """The simulator's stderr."""
        return self.base / "simulator.log"

    @property
    def onboarding(self) -> Path:
        """Home Assistant's onboarding storage."""
        return self.config / ".storage" / "onboarding"


def local_time_zone() -> str:
    """The machine's IANA time zone name, or UTC if it cannot be told."""
    candidates: list[str] = []
    if tz := os.environ.get("TZ", "").lstrip(":"):
        candidates.append(tz)
    with contextlib.suppress(OSError):
        candidates.append(Path("/etc/timezone").read_text(encoding="utf-8").strip())
    try:
        target = os.readlink("/etc/localtime")
    except OSError:
        pass
    else:
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])
    for name in candidates:
        if not name or name.startswith("/"):
            continue
        try:
            zoneinfo.ZoneInfo(name)
        except (ValueError, zoneinfo.ZoneInfoNotFoundError):
            continue
        return name
    return "UTC"


def configuration_yaml(port: int, time_zone: str) -> str:
    """The demo's configuration.yaml: loopback only, core config given, CamHub at info."""
    return f"""\
# Written by scripts/demo on every run: edits here are overwritten.
homeassistant:
  name: CamHub demo
  latitude: 50.0755
  longitude: 14.4378
  elevation: 200
  unit_system: metric
  currency: EUR
  country: CZ
  language: en
  time_zone: {time_zone}

http:
  server_host: 127.0.0.1
  server_port: {port}

frontend:
config:
camera:
stream:
logbook:
history:

logger:
  default: warning
  logs:
    custom_components.camhub: info
    homeassistant.setup: info
    homeassistant.requirements: info
    homeassistant.util.package: info
"""


def onboarding_seed() -> dict[str, object]:
    """Home Assistant's `.storage/onboarding` with only the pre-seeded steps done."""
    return {
        "version": ONBOARDING_STORAGE_VERSION,
        "minor_version": 1,
        "key": "onboarding",
        "data": {"done": list(PRESEEDED_ONBOARDING_STEPS)},
    }


def prepare(paths: DemoPaths, port: int, *, time_zone: str | None = None) -> None:
    """Create or update the configuration folder; keeps `.storage/` but for the HTTP settings.

    From 2026.10 Home Assistant reads `http:` from YAML once, into `.storage/http`, and ignores
    it afterwards: a later `--port` would be ignored and the demo would wait on a port nobody
    listens on. Removing the stored HTTP settings makes every start read this run's YAML
    again (on trial, which the demo then confirms: `HassClient.confirm_http_config`).
    """
    paths.config.mkdir(parents=True, exist_ok=True)
    (paths.config / "configuration.yaml").write_text(
        configuration_yaml(port, time_zone or local_time_zone()), encoding="utf-8"
    )
    (paths.config / ".storage" / "http").unlink(missing_ok=True)
    link_integration(paths.config)
    if not paths.onboarding.exists():
        paths.onboarding.parent.mkdir(parents=True, exist_ok=True)
        paths.onboarding.write_text(json.dumps(onboarding_seed(), indent=2), encoding="utf-8")


def link_integration(config_dir: Path, integration: Path = INTEGRATION) -> Path:
    """Symlink the integration into `custom_components/` (relative, so edits show up)."""
    link = config_dir / "custom_components" / integration.name
    link.parent.mkdir(parents=True, exist_ok=True)
    target = os.path.relpath(integration, link.parent)
    if link.is_symlink() and os.readlink(link) == target:
        return link
    if link.is_symlink() or link.is_file():
        link.unlink()
    elif link.is_dir():
        shutil.rmtree(link)
    link.symlink_to(target, target_is_directory=True)
    return link


def onboarded_user_exists(paths: DemoPaths) -> bool:
    """Whether Home Assistant in this folder already has its owner (onboarding's user step)."""
    try:
        stored = json.loads(paths.onboarding.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    done = stored.get("data", {}).get("done", []) if isinstance(stored, dict) else []
    return isinstance(done, list) and "user" in done


def running_hass_pid(paths: DemoPaths) -> int | None:
    """The pid of a Home Assistant still running on this folder (its `.ha_run.lock`), if any."""
    try:
        pid = json.loads((paths.config / ".ha_run.lock").read_text(encoding="utf-8"))["pid"]
        os.kill(int(pid), 0)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return int(pid)


def wipe(paths: DemoPaths) -> None:
    """Remove everything the demo wrote (`--fresh`)."""
    if paths.base.is_symlink() or paths.base.is_file():
        paths.base.unlink()
    elif paths.base.exists():
        shutil.rmtree(paths.base)
