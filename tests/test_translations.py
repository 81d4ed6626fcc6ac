"""strings.json and the shipped translations agree, and every key the code uses exists."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]
COMPONENT = ROOT / "custom_components" / "camhub"
sys.path.insert(0, str(ROOT / "scripts"))

import translations  # noqa: E402


def test_en_json_is_generated_from_strings() -> None:
    assert translations.main(["--check"]) == 0
    resolved = translations.resolve({"a": "[%key:common::config_flow::data::host%]"})
    assert resolved == {"a": "Host"}


def test_every_error_translation_key_exists() -> None:
    strings = json.loads((COMPONENT / "strings.json").read_text())
    used = set()
    for path in COMPONENT.rglob("*.py"):
        used.update(re.findall(r'translation_key\s*=\s*"([a-z_]+)"', path.read_text()))
    sections = (
        strings["exceptions"],
        strings["entity"].get("camera", {}),
        strings.get("device", {}),
        strings.get("issues", {}),
    )
    known = set().union(*sections)
    for platform in strings["entity"].values():
        known.update(platform)
    assert used - known == set()


def test_quality_scale_states_every_rule() -> None:
    import yaml

    rules = yaml.safe_load((COMPONENT / "quality_scale.yaml").read_text())["rules"]
    expected = """action-setup appropriate-polling brands common-modules config-flow
    config-flow-test-coverage dependency-transparency docs-actions docs-high-level-description
    docs-installation-instructions docs-removal-instructions entity-event-setup entity-unique-id
    has-entity-name runtime-data test-before-configure test-before-setup unique-config-entry
    action-exceptions config-entry-unloading docs-configuration-parameters
    docs-installation-parameters entity-unavailable integration-owner log-when-unavailable
    parallel-updates reauthentication-flow test-coverage devices diagnostics discovery
    discovery-update-info docs-data-update docs-examples docs-known-limitations
    docs-supported-devices docs-supported-functions docs-troubleshooting docs-use-cases
    dynamic-devices entity-category entity-device-class entity-disabled-by-default
    entity-translations exception-translations icon-translations reconfiguration-flow
    repair-issues stale-devices async-dependency inject-websession strict-typing""".split()
    assert set(rules) == set(expected)
    for rule, value in rules.items():
        status = value["status"] if isinstance(value, dict) else value
        assert status in {"done", "todo", "exempt"}, rule
        if status == "exempt":
            assert value.get("comment"), f"{rule} is exempt without a reason"


def test_manifest_keys_in_hassfest_order() -> None:
    manifest = json.loads((COMPONENT / "manifest.json").read_text())
    keys = list(manifest)
    assert keys[:2] == ["domain", "name"]
    assert keys[2:] == sorted(keys[2:])
    # Robopipe and AIPIX have no event channel: not every family pushes (README, Data updates).
    assert manifest["iot_class"] == "local_polling"
    assert not any("depthai" in req for req in manifest["requirements"])
    # `loggers` names the loggers of requirements (CamHub has none); the camera platform is
    # loaded by forwarding the entry, and camera brings http: neither is a dependency.
    assert "loggers" not in manifest and "dependencies" not in manifest


def test_flow_reasons_and_errors_have_strings() -> None:
    """Every abort reason the flows give has a string, none is left unused, and every error
    `form_error_key` returns is translated in both the config and the options flow."""
    strings = json.loads((COMPONENT / "strings.json").read_text())
    source = (COMPONENT / "config_flow.py").read_text()
    options = (COMPONENT / "options_flow.py").read_text()
    given = set(re.findall(r'reason="([a-z_]+)"', source))
    assert set(re.findall(r'reason="([a-z_]+)"', options)) == {"not_loaded"}
    # Home Assistant's own: unique-id and in-progress aborts, reauth and reconfigure endings.
    given |= {
        "already_configured",
        "already_in_progress",
        "reauth_successful",
        "reconfigure_successful",
    }
    assert set(strings["config"]["abort"]) == given - {"not_loaded"}
    assert "not_loaded" in strings["options"]["abort"]
    errors = (COMPONENT / "errors.py").read_text().split("def form_error_key")[1][:700]
    returned = set(re.findall(r'return "([a-z_]+)"', errors))
    assert returned >= {"invalid_auth", "cannot_connect", "device_error"}
    assert returned <= set(strings["config"]["error"])
    assert returned <= set(strings["options"]["error"])
    assert "2N IP intercoms" in strings["config"]["step"]["user"]["description"]
    assert "Axis" in strings["config"]["step"]["user"]["description"]
