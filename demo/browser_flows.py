"""Walk *Settings → Devices & services → Add integration → CamHub* in the browser.

Each form is read from the page (the `schema` that Home Assistant's `ha-form` element shows),
and every field the simulated device's JSON line has a value for is typed in, as a person
would type what is written on the device's label; the other fields keep their defaults. The
walk ends on the dialog's success page (*Finish*) and saves a screenshot of every step.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement

from .browser import Browser, CheckFailed

MAX_STEPS = 8

FIELD = """
const [form, name] = arguments;
const found = [];
const visit = (node) => {
  node.querySelectorAll('*').forEach((el) => {
    if (el !== form && el.schema && el.schema.name === name) found.push(el);
    if (el.shadowRoot) visit(el.shadowRoot);
  });
};
visit(form.shadowRoot || form);
return found[found.length - 1] || null;
"""


def _schema(browser: Browser, form: WebElement) -> list[dict[str, Any]]:
    schema = browser.js("return arguments[0].schema || []", form)
    return list(schema) if isinstance(schema, list) else []


def _input_of(browser: Browser, form: WebElement, name: str) -> WebElement:
    """The text box of field `name`, once it is shown (the dialog may still be opening)."""

    def shown() -> list[WebElement]:
        field = browser.js(FIELD, form, name)
        boxes = browser.deep("input, textarea", field) if field is not None else []
        return [e for e in boxes if e.is_displayed()]

    found: WebElement = browser.wait(f"a box to type {name!r} into", shown, 10)[0]
    return found


def _add_to_list(browser: Browser, form: WebElement, name: str, item: str) -> None:
    """A list with custom values: its add button opens a search box; type, Enter adds it."""

    def buttons() -> list[WebElement]:
        field = browser.js(FIELD, form, name)
        found = browser.deep("ha-button", field) if field is not None else []
        return [e for e in found if e.is_displayed()]

    add = browser.wait(f"the add button of {name!r}", buttons, 10)[0]
    before = {e.id for e in browser.deep("input")}
    browser.click(add)
    box: WebElement = browser.wait(
        f"the search box of {name!r}",
        lambda: [e for e in browser.deep("input") if e.id not in before and e.is_displayed()],
        10,
    )[0]
    box.send_keys(item)
    box.send_keys(Keys.ENTER)


def fill(browser: Browser, form: WebElement, known: Mapping[str, Any]) -> list[str]:
    """Type the known values into the form's text, number and free-entry list fields."""
    typed: list[str] = []
    for field in _schema(browser, form):
        name = str(field.get("name"))
        value = known.get(name)
        if value is None or isinstance(value, bool):
            continue  # switches keep their defaults (plain HTTP, certificate checks on)
        if isinstance(value, list):
            for item in value:
                _add_to_list(browser, form, name, str(item))
        else:
            box = _input_of(browser, form, name)
            browser.click(box)
            box.send_keys(str(value))
        typed.append(name)
    for name in typed:
        if isinstance(want := known[name], list):
            browser.wait(
                f"field {name!r} to hold {want!r}",
                partial(_holds, browser, form, name, want),
                10,
            )
    return typed


def _holds(browser: Browser, form: WebElement, name: str, want: list[Any]) -> bool:
    """Whether the form's data has exactly these items in field `name` (the frontend's view)."""
    data = browser.js("return arguments[0].data || {}", form)
    got = data.get(name) if isinstance(data, dict) else None
    return sorted(map(str, got or ())) == sorted(map(str, want))


def _dialog(browser: Browser) -> WebElement:
    found: WebElement = browser.wait(
        "the Add integration dialog", lambda: browser.deep("dialog-data-entry-flow")
    )[0]
    return found


def _step_key(browser: Browser, dialog: WebElement) -> str:
    forms = browser.deep("ha-form", dialog)
    if forms:
        return "form:" + ",".join(str(f.get("name")) for f in _schema(browser, forms[0]))
    return "text:" + browser.text(dialog)[:200]


def start(browser: Browser) -> WebElement:
    """From the integrations page: *Add integration*, search "CamHub", pick it."""
    browser.open("/config/integrations/dashboard")
    browser.click(browser.find("ha-button", text="Add integration"))
    search = browser.wait(
        "the integration search box",
        lambda: [
            e
            for e in browser.deep("input")
            if "brand" in (e.get_attribute("placeholder") or "") and e.is_displayed()
        ],
    )[0]
    search.send_keys("CamHub")
    browser.click(browser.find("ha-integration-list-item", text="CamHub"))
    return _dialog(browser)


def walk(browser: Browser, family: str, known: Mapping[str, Any]) -> list[str]:
    """One device through the whole flow; the screenshots it saved."""
    dialog = start(browser)
    shots: list[str] = []
    for step in range(1, MAX_STEPS + 1):
        browser.wait("a form or the end of the flow", lambda: _settled(browser, dialog), 30)
        finish = [b for b in _buttons(browser, dialog) if _words(browser, b) & FINISH]
        if finish:  # the success page: "Name and assign" the new device(s)
            shots.append(browser.screenshot(f"flow-{family}-{step}-done").name)
            browser.click(finish[0])
            return shots
        if forms := browser.deep("ha-form", dialog):
            fill(browser, forms[0], known)
        shots.append(browser.screenshot(f"flow-{family}-{step}").name)
        submit = [b for b in _buttons(browser, dialog) if _words(browser, b) & SUBMIT]
        if not submit:
            raise CheckFailed(f"the flow stopped: {browser.text(dialog)[:300]}")
        before = _step_key(browser, dialog)
        browser.click(submit[-1])
        browser.wait(
            f"step {step} to be accepted",
            partial(_moved_on, browser, dialog, before),
            30,
        )
        if error := _error(browser, dialog):
            raise CheckFailed(f"step {step} was refused: {error}")
    raise CheckFailed(f"no end after {MAX_STEPS} steps")


SUBMIT = {"submit", "next", "continue"}
FINISH = {"finish", "skip and finish"}


def _buttons(browser: Browser, dialog: WebElement) -> list[WebElement]:
    return [b for b in browser.deep("ha-button", dialog) if b.is_displayed()]


def _words(browser: Browser, button: WebElement) -> set[str]:
    return {browser.text(button).lower()}


def _settled(browser: Browser, dialog: WebElement) -> bool:
    """A form or a button to go on with: no longer "Please wait"."""
    if browser.deep("ha-form", dialog):
        return True
    words = set().union(*(_words(browser, b) for b in _buttons(browser, dialog)))
    return bool(words & (SUBMIT | FINISH | {"close"}))


def _moved_on(browser: Browser, dialog: WebElement, before: str) -> bool:
    """The dialog shows another step than `before`, or an error."""
    return _step_key(browser, dialog) != before or bool(_error(browser, dialog))


def _error(browser: Browser, dialog: WebElement) -> str:
    alerts = [browser.text(a) for a in browser.deep("ha-alert", dialog)]
    return "; ".join(a for a in alerts if a)
