"""The Czech and German translations match en.json string for string.

Home Assistant falls back to English per missing key, silently, and a lost placeholder
makes the frontend show the raw `{name}` or fail to format; so every shipped language must
have exactly en.json's keys, the same placeholders in each string, and real text.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.helpers.translation import async_get_translations

from custom_components.camhub.const import DOMAIN
from simulator import Intercom2N

from .conftest import intercom_data, load_entry

ROOT = Path(__file__).parents[1]
TRANSLATIONS = ROOT / "custom_components" / "camhub" / "translations"
sys.path.insert(0, str(ROOT / "scripts"))

import translations  # noqa: E402

LANGUAGES = ("cs", "de")
PLACEHOLDER = re.compile(r"\{(\w+)\}")
# Key paths of longer strings that may stay English (product names); none is needed today.
SAME_AS_ENGLISH: frozenset[str] = frozenset()


def _flat(language: str) -> dict[str, str]:
    return translations.key_paths(json.loads((TRANSLATIONS / f"{language}.json").read_text()))


@pytest.mark.parametrize("language", LANGUAGES)
def test_same_keys_as_english(language: str) -> None:
    assert set(_flat(language)) == set(_flat("en"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_same_placeholders_per_string(language: str) -> None:
    english = _flat("en")
    for path, text in _flat(language).items():
        assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(english[path])), path


@pytest.mark.parametrize("language", LANGUAGES)
def test_real_text(language: str) -> None:
    """No empty string, no unresolved `[%key:...%]`, no English left in a longer string."""
    english = _flat("en")
    for path, text in _flat(language).items():
        assert text.strip(), path
        assert "[%key" not in text, path
        if len(english[path].split()) > 3 and path not in SAME_AS_ENGLISH:
            assert text != english[path], path


def test_missing_reports_each_language() -> None:
    report = translations.missing()
    assert set(report) >= set(LANGUAGES)
    assert all(report[language] == ([], []) for language in LANGUAGES)
    assert translations.main(["--missing"]) == 0
    flat = translations.key_paths({"a": {"b": "x"}, "c": "y"})
    assert flat == {"a.b": "x", "c": "y"}


def test_missing_names_lacking_and_extra_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "en.json").write_text(json.dumps({"a": {"b": "x", "c": "y"}}))
    (tmp_path / "de.json").write_text(json.dumps({"a": {"b": "x", "d": "z"}}))
    monkeypatch.setattr(translations, "TRANSLATIONS", tmp_path)
    monkeypatch.setattr(translations, "EN", tmp_path / "en.json")
    assert translations.missing() == {"de": (["a.c"], ["a.d"])}
    assert translations.main(["--missing"]) == 1


@pytest.mark.parametrize(
    ("language", "doorbell", "abort"),
    [
        ("cs", "Zvonek", "Zařízení je již nastaveno"),
        ("de", "Türklingel", "Gerät ist bereits konfiguriert"),
    ],
)
async def test_home_assistant_names_entities_in_the_language(
    hass: HomeAssistant, intercom: Intercom2N, language: str, doorbell: str, abort: str
) -> None:
    """Home Assistant loads the file for the configured language and names entities from it
    (the names voice assistants hear)."""
    loaded = await async_get_translations(hass, language, "config", {DOMAIN})
    assert loaded[f"component.{DOMAIN}.config.abort.already_configured"] == abort
    hass.config.language = language
    await load_entry(hass, "Front door", intercom.serial, intercom_data(intercom), {})
    names = {state.name for state in hass.states.async_all("event")}
    assert f"Front door {doorbell}" in names
