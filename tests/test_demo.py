"""Unit tests of the demo's pure helpers (scripts/demo itself is run by hand, not in CI).

The flow driver is tested against a scripted fake of Home Assistant's flow API: it must get
through the forms every family shows (a host, a login or token, AIPIX's camera choice) from a
simulator's JSON line alone, and end cleanly on an abort or on a form it cannot fill.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

import aiohttp
import pytest

from demo import dashboard
from demo.__main__ import (
    CameraReport,
    EntryReport,
    SimFamily,
    exit_text,
    format_summary,
    parse_args,
    reconcile_entries,
    simulator_families,
    with_every_family,
)
from demo.config import (
    DemoPaths,
    configuration_yaml,
    onboarded_user_exists,
    prepare,
    running_hass_pid,
)
from demo.flow import FlowOutcome, drive_flow, fill_form
from demo.hass import HassClient, Login
from demo.procs import hass_command, parse_device_lines


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """These tests need no Home Assistant (overrides the conftest's autouse fixture)."""


HOST_FORM = [
    {"name": "host", "required": True, "type": "string"},
    {"name": "port", "optional": True, "type": "integer"},
    {"name": "ssl", "required": True, "default": False, "type": "boolean"},
    {"name": "verify_ssl", "required": True, "default": True, "type": "boolean"},
]
LOGIN_FORM = [
    {"name": "username", "required": True, "type": "string"},
    {"name": "password", "required": True, "type": "string"},
]


class FakeFlows:
    """Home Assistant's flow API, replaying a list of step results."""

    def __init__(self, steps: list[dict[str, Any]]) -> None:
        self.steps = steps
        self.submitted: list[Mapping[str, Any]] = []
        self.aborted = False

    async def flow_start(self, handler: str) -> dict[str, Any]:
        return {"flow_id": "f1", **self.steps.pop(0)}

    async def flow_submit(self, flow_id: str, data: Mapping[str, Any]) -> dict[str, Any]:
        self.submitted.append(dict(data))
        return {"flow_id": flow_id, **self.steps.pop(0)}

    async def flow_get(self, flow_id: str) -> dict[str, Any]:
        return {"flow_id": flow_id, **self.steps.pop(0)}

    async def flow_abort(self, flow_id: str) -> None:
        self.aborted = True


def form(step: str, schema: list[dict[str, Any]], errors: Any = None) -> dict[str, Any]:
    return {"type": "form", "step_id": step, "data_schema": schema, "errors": errors}


def test_fill_form_takes_known_values_and_keeps_defaults() -> None:
    data = fill_form(HOST_FORM, {"host": "127.0.0.1", "port": 18000, "family": "x"})
    assert data == {"host": "127.0.0.1", "port": 18000}


def test_fill_form_names_every_missing_required_field() -> None:
    with pytest.raises(Exception, match="username, password"):
        fill_form(LOGIN_FORM, {})


def test_fill_form_fills_sections() -> None:
    schema = [{"name": "advanced", "type": "expandable", "schema": LOGIN_FORM}]
    known = {"username": "admin", "password": "secret"}
    assert fill_form(schema, known) == {"advanced": known}


async def test_flow_with_login_step() -> None:
    api = FakeFlows(
        [
            form("user", HOST_FORM),
            form("credentials", LOGIN_FORM),
            {"type": "create_entry", "title": "Front door", "result": {"entry_id": "e1"}},
        ]
    )
    device = {"family": "intercom_2n", "host": "127.0.0.1", "port": 18000}
    outcome = await drive_flow(api, "camhub", {**device, "username": "admin", "password": "s"})
    assert outcome == FlowOutcome("created", title="Front door", entry_id="e1")
    assert api.submitted == [
        {"host": "127.0.0.1", "port": 18000},
        {"username": "admin", "password": "s"},
    ]


async def test_flow_with_token_and_camera_choice() -> None:
    """AIPIX: a token step, then which cameras (the simulator lists their UUIDs)."""
    api = FakeFlows(
        [
            form("user", HOST_FORM),
            form("credentials", [{"name": "api_token", "required": True}]),
            form("extra", [{"name": "cameras", "required": True}]),
            {"type": "create_entry", "title": "AIPIX", "result": {"entry_id": "e2"}},
        ]
    )
    device = {"host": "127.0.0.1", "port": 1, "api_token": "t", "cameras": ["a", "b"]}
    outcome = await drive_flow(api, "camhub", device)
    assert outcome.status == "created"
    assert api.submitted[1:] == [{"api_token": "t"}, {"cameras": ["a", "b"]}]


async def test_flow_progress_and_abort() -> None:
    api = FakeFlows(
        [form("user", HOST_FORM), {"type": "show_progress"}, {"type": "abort", "reason": "r"}]
    )
    outcome = await drive_flow(api, "camhub", {"host": "h"}, progress_interval=0)
    assert outcome == FlowOutcome("aborted", reason="r")
    assert outcome.describe() == "aborted: r"


async def test_flow_refused_twice_is_given_up_and_aborted() -> None:
    api = FakeFlows(
        [
            form("user", HOST_FORM),
            form("credentials", LOGIN_FORM),
            form("credentials", LOGIN_FORM, {"base": "invalid_auth"}),
        ]
    )
    device = {"host": "h", "username": "u", "password": "p"}
    outcome = await drive_flow(api, "camhub", device)
    assert outcome.status == "failed"
    assert "invalid_auth" in str(outcome.reason)
    assert api.aborted


async def test_flow_without_a_value_for_a_required_field() -> None:
    api = FakeFlows([form("user", HOST_FORM), form("credentials", LOGIN_FORM)])
    outcome = await drive_flow(api, "camhub", {"host": "h"})
    assert outcome.status == "failed"
    assert "username, password" in str(outcome.reason)
    assert api.aborted


def test_every_family_gets_a_device() -> None:
    families = [SimFamily("intercoms", 2), SimFamily("aipix", 0), SimFamily("oak", 0)]
    assert with_every_family(["--fps", "5"], families) == [
        "--fps",
        "5",
        "--aipix",
        "1",
        "--oak",
        "1",
    ]
    assert with_every_family(["--aipix", "0", "--oak=2"], families) == ["--aipix", "0", "--oak=2"]


def test_simulator_families_are_read_from_its_command_line() -> None:
    flags = {family.flag for family in simulator_families()}
    assert {"intercoms", "aipix"} <= flags


def test_parse_device_lines_stops_at_ready() -> None:
    lines = [
        json.dumps({"family": "intercom_2n", "host": "127.0.0.1", "port": 1}),
        "not json",
        "{broken",
        json.dumps({"no": "host"}),
        "READY",
        json.dumps({"family": "late", "host": "127.0.0.1"}),
    ]
    assert [d["family"] for d in parse_device_lines(lines)] == ["intercom_2n"]


def test_reconcile_entries() -> None:
    devices = [
        {"family": "a", "serial": "1"},
        {"family": "b", "serial": "2"},
        {"family": "c", "name": "C"},
    ]
    outcomes = [
        FlowOutcome("created", entry_id="new1"),  # moved: replaces old1
        FlowOutcome("aborted", reason="already_configured"),
        FlowOutcome("failed", reason="down"),  # keeps its entry
    ]
    previous = {"a/1": "old1", "b/2": "e2", "c/C": "e3", "gone/9": "e9"}
    current, stale = reconcile_entries(previous, devices, outcomes)
    assert current == {"a/1": "new1", "b/2": "e2", "c/C": "e3"}
    assert sorted(stale) == ["e9", "old1"]


def test_summary(tmp_path: Path) -> None:
    entries = [
        EntryReport(
            "Front door",
            "loaded",
            [
                CameraReport("camera.front_door_internal", "idle", jpeg_bytes=17000),
                CameraReport("camera.switcher", "idle", error="HTTP 500"),
            ],
        ),
        EntryReport("Empty", "setup_retry"),
    ]
    devices = [{"family": "x", "name": "X", "host": "127.0.0.1", "port": 1}]
    text = format_summary(
        "http://127.0.0.1:8123/camhub-demo/cameras",
        Login(),
        devices,
        [FlowOutcome("failed", reason="boom")],
        entries,
        DemoPaths(tmp_path),
        12.3,
    )
    assert "ready after 12 s: 1 of 2 cameras serve pictures" in text
    assert "Log in   demo / demo-camhub" in text
    assert "idle, no snapshot (HTTP 500)" in text
    assert "(no camera entities)" in text
    assert "! X (x at 127.0.0.1:1): failed: boom" in text


def test_exit_text() -> None:
    assert exit_text(0) == "exited (0)"
    assert exit_text(-9) == "was killed (SIGKILL)"


def test_configuration_is_loopback_only_and_without_default_config(tmp_path: Path) -> None:
    text = configuration_yaml(8125, "UTC")
    assert "server_host: 127.0.0.1" in text
    assert "server_port: 8125" in text
    assert "default_config" not in text
    paths = DemoPaths(tmp_path / ".demo")
    prepare(paths, 8125, time_zone="UTC")
    link = paths.config / "custom_components" / "camhub"
    assert (link / "manifest.json").is_file()
    assert not onboarded_user_exists(paths)
    prepare(paths, 8125, time_zone="UTC")  # idempotent
    assert running_hass_pid(paths) is None
    lock = paths.config / ".ha_run.lock"
    lock.write_text(json.dumps({"pid": os.getpid()}))
    assert running_hass_pid(paths) == os.getpid()
    lock.write_text("{}")
    assert running_hass_pid(paths) is None


def test_hass_command(tmp_path: Path) -> None:
    python = tmp_path / "python"
    assert hass_command(tmp_path, str(python))[:3] == [str(python), "-m", "homeassistant"]
    (tmp_path / "hass").write_text("")
    assert hass_command(tmp_path, str(python))[:3] == [str(tmp_path / "hass"), "-c", str(tmp_path)]


def test_dashboard_limits_live_tiles_per_view() -> None:
    cam, dev = dashboard.Camera, dashboard.Device
    devices = [
        dev("Intercom", [cam("camera.i1"), cam("camera.i2")], ["switch.i_door"]),
        dev("Axis", [cam("camera.a1", dashboard.STREAM)]),
        dev("Server", [cam("camera.s1"), cam("camera.s2"), cam("camera.s3")]),
        dev("Nothing", []),
    ]
    config = dashboard.dashboard_config(devices, live_per_view=3)
    views = config["views"]
    assert [v["path"] for v in views] == ["cameras", "device-1", "device-2", "device-3"]

    def modes(view: Mapping[str, Any]) -> dict[str, str]:
        return {
            card["entity"]: card["camera_view"]
            for section in view["sections"]
            for card in section["cards"]
            if card["type"] == "picture-entity"
        }

    first = modes(views[0])
    assert len(first) == 6
    # One per device first, and never a STREAM camera (its HLS source is not simulated).
    assert {e for e, m in first.items() if m == "live"} == {"camera.i1", "camera.s1", "camera.i2"}
    assert first["camera.a1"] == "auto"
    assert set(modes(views[3]).values()) == {"live"}
    assert len(views[0]["sections"]) == 3
    tiles = [c for c in views[1]["sections"][1]["cards"] if c["type"] == "tile"]
    assert tiles == [{"type": "tile", "entity": "switch.i_door", "grid_options": {"columns": 12}}]
    assert views[1]["sections"][1]["column_span"] == 2


async def test_dashboard_install_creates_once_and_sets_the_default() -> None:
    class FakeWs:
        def __init__(self, existing: list[dict[str, Any]]) -> None:
            self.calls: list[Mapping[str, Any]] = []
            self.existing = existing

        async def ws_call(self, command: Mapping[str, Any]) -> Any:
            self.calls.append(command)
            if command["type"] == "lovelace/dashboards/list":
                return self.existing
            if command["type"] == "frontend/get_system_data":
                return {"value": {"other": 1}}
            return None

    ws = FakeWs([])
    assert await dashboard.install(ws, {"views": []}) == "/camhub-demo/cameras"
    types = [c["type"] for c in ws.calls]
    assert types == [
        "lovelace/dashboards/list",
        "lovelace/dashboards/create",
        "lovelace/config/save",
        "frontend/get_system_data",
        "frontend/set_system_data",
    ]
    assert ws.calls[-1]["value"] == {"other": 1, "default_panel": "camhub-demo"}
    ws = FakeWs([{"url_path": "camhub-demo"}])
    await dashboard.install(ws, {"views": []})
    assert "lovelace/dashboards/create" not in [c["type"] for c in ws.calls]


def test_dashboard_gives_a_camera_without_stills_an_entity_tile() -> None:
    devices = [
        dashboard.Device(
            "Axis",
            [
                dashboard.Camera("camera.a1"),
                dashboard.Camera("camera.out", dashboard.STREAM, False),
            ],
        )
    ]
    cards = dashboard.dashboard_config(devices)["views"][0]["sections"][0]["cards"]
    by_entity = {card["entity"]: card["type"] for card in cards if "entity" in card}
    assert by_entity == {"camera.a1": "picture-entity", "camera.out": "tile"}


class FakeHttpConfig(HassClient):
    """A HassClient whose WebSocket answers the http/config commands from a dict."""

    def __init__(self, active: str) -> None:
        super().__init__(cast(aiohttp.ClientSession, None), "http://127.0.0.1:8123")
        self.active = active
        self.sent: list[str] = []

    async def ws_call(self, command: Mapping[str, Any]) -> Any:
        self.sent.append(str(command["type"]))
        return {"active_config_type": self.active} if command["type"] == "http/config" else None


async def test_http_settings_on_trial_are_confirmed() -> None:
    pending = FakeHttpConfig("pending")
    assert await pending.confirm_http_config()
    assert pending.sent == ["http/config", "http/config/promote"]
    stable = FakeHttpConfig("stable")
    assert not await stable.confirm_http_config()
    assert stable.sent == ["http/config"]


def test_demo_folder_is_an_option(tmp_path: Path) -> None:
    args, rest = parse_args(["--dir", str(tmp_path / "d"), "--intercoms", "1"])
    assert args.dir == tmp_path / "d"
    assert rest == ["--intercoms", "1"]
    assert parse_args([])[0].dir.name == ".demo"
    assert DemoPaths(tmp_path).devices == tmp_path / "devices.json"


def test_every_run_gives_home_assistant_its_http_settings_again(tmp_path: Path) -> None:
    paths = DemoPaths(tmp_path / ".demo")
    prepare(paths, 8125, time_zone="UTC")
    stored = paths.config / ".storage" / "http"
    stored.write_text('{"data": {"stable": {"server_port": 8125}}}')
    (paths.config / ".storage" / "core.config_entries").write_text("{}")
    prepare(paths, 8200, time_zone="UTC")
    assert not stored.exists()  # Home Assistant reads this run's port from YAML
    assert "server_port: 8200" in (paths.config / "configuration.yaml").read_text()
    assert (paths.config / ".storage" / "core.config_entries").exists()  # the rest stays
