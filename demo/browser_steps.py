"""The browser check's steps: each does what a person does and says what it saw.

A step returns a line for the summary, raises `Skipped` for what cannot be checked yet, and
`CheckFailed` (naming what was missing) otherwise. The demo's dashboard is the one
`demo/dashboard.py` writes: a first view with every camera, then a view per device.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING, Any

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement

from . import browser_flows
from .browser import Browser, CheckFailed
from .dashboard import URL_PATH, VIEW_PATH
from .device_probe import AxisProbe
from .hass import Login

if TYPE_CHECKING:
    from .browser_check import Context

LIVE_GAP = 4.0  # seconds between the two pictures of a live view
LIVE_STREAM = "camera_proxy_stream"  # the MJPEG URL the frontend shows live tiles with


class Skipped(Exception):
    """A step that cannot run yet; the message says why."""


def log_in(ctx: Context) -> str:
    """Type the demo login into the login page; the dashboard opens."""
    login = Login()
    ctx.browser.log_in(login.username, login.password)
    return f"logged in as {login.username}"


def _cards(browser: Browser) -> list[WebElement]:
    return browser.deep("hui-picture-entity-card")


def _card_image(browser: Browser, card: WebElement) -> WebElement | None:
    images = browser.deep("img", card)
    return images[0] if images else None


def _changes(browser: Browser, element: WebElement) -> bool:
    first = browser.element_png(element)
    time.sleep(LIVE_GAP)
    return browser.element_png(element) != first


def dashboard_tiles(ctx: Context) -> str:
    """Every camera tile shows a picture, none is broken, the live ones move."""
    browser = ctx.browser
    browser.open(f"/{URL_PATH}/{VIEW_PATH}")
    cards = browser.wait("the camera tiles", lambda: _cards(browser))

    def all_shown() -> bool:
        images = [_card_image(browser, card) for card in _cards(browser)]
        return all(img is not None and browser.image_shown(img) for img in images)

    try:
        browser.wait("every camera tile to show a picture", all_shown, 40)
    except CheckFailed:
        missing = [
            browser.text(card)
            for card in _cards(browser)
            if (img := _card_image(browser, card)) is None or not browser.image_shown(img)
        ]
        browser.screenshot("dashboard")
        raise CheckFailed(f"tiles without a picture: {', '.join(missing)}") from None
    broken = browser.js(
        "return arguments[0].filter(i => i.complete && i.naturalWidth === 0).length",
        browser.deep("img"),
    )
    if broken:
        raise CheckFailed(f"{broken} broken image(s) on the dashboard")
    browser.screenshot("dashboard")
    live = [
        card
        for card in cards
        if (img := _card_image(browser, card)) is not None
        and LIVE_STREAM in (img.get_attribute("src") or "")
    ]
    if not live:
        raise CheckFailed("no live tile on the dashboard")
    before = [browser.element_png(card) for card in live]
    time.sleep(LIVE_GAP)
    browser.screenshot("dashboard-later")
    still = [
        browser.text(card)
        for card, png in zip(live, before, strict=True)
        if browser.element_png(card) == png
    ]
    if still:
        raise CheckFailed(f"live tiles that did not change in {LIVE_GAP:.0f} s: {still}")
    return f"{len(cards)} camera tiles with pictures, {len(live)} live tiles moving"


def _close_dialog(browser: Browser, inside: WebElement) -> None:
    """Escape, as a person closes a dialog; until `inside` (an element in it) is gone."""
    ActionChains(browser.driver).send_keys(Keys.ESCAPE).perform()

    def closed() -> bool:
        try:
            return bool(
                browser.js(
                    "return !arguments[0].isConnected || !arguments[0].checkVisibility()", inside
                )
            )
        except StaleElementReferenceException:  # removed from the page with its dialog
            return True

    browser.wait("the dialog to close", closed, 10)


def more_info(ctx: Context) -> str:
    """Click a live tile: its dialog plays the live stream."""
    browser = ctx.browser
    browser.open(f"/{URL_PATH}/{VIEW_PATH}")
    card = browser.wait(
        "a live tile",
        lambda: next(
            (
                c
                for c in _cards(browser)
                if LIVE_STREAM in ((_card_image(browser, c) or c).get_attribute("src") or "")
            ),
            None,
        ),
    )
    name = browser.text(card)
    browser.click(card)
    dialog = browser.wait("the more-info dialog", lambda: browser.deep("ha-more-info-dialog"))[0]
    stream = browser.wait(
        "the dialog's live stream",
        lambda: [
            i
            for i in browser.deep("img", dialog)
            if LIVE_STREAM in (i.get_attribute("src") or "") and browser.image_shown(i)
        ],
    )[0]
    browser.screenshot("more-info")
    moving = _changes(browser, stream)
    _close_dialog(browser, stream)
    if not moving:
        raise CheckFailed(f"the live stream of {name} did not change in {LIVE_GAP:.0f} s")
    return f"{name}: live stream in the dialog, moving"


def _axis(ctx: Context) -> AxisProbe:
    device = next((d for d in ctx.demo_devices if d.get("generation") == "new"), None)
    if device is None:
        raise Skipped("the demo has no current-generation Axis camera")
    return AxisProbe(ctx.session, device)


def _tile_domain(browser: Browser, tile: WebElement) -> str | None:
    """The domain of a tile's entity (its icon says it: `data-domain`)."""
    icons = browser.deep("ha-tile-icon", tile)
    return icons[0].get_attribute("data-domain") if icons else None


def _open_view_with(browser: Browser, text: str, domain: str | None = None) -> WebElement:
    """The tile whose text has `text` (of an entity of `domain`), on whichever device view.

    The domain tells a broadcast's switch from its event entity, whose name has the same
    words ("<stream> broadcast" and "<stream> broadcast event").
    """
    for index in range(1, 12):
        browser.open(f"/{URL_PATH}/device-{index}")
        with_text = browser.wait(
            "the view's tiles", lambda: browser.deep("hui-tile-card") or [None], 10
        )
        if with_text == [None]:
            continue
        for tile in browser.deep("hui-tile-card"):
            if text.lower() not in browser.text(tile).lower():
                continue
            if domain is None or _tile_domain(browser, tile) == domain:
                return tile
    raise CheckFailed(f"no tile {text!r} on any device view")


def _says(browser: Browser, element: WebElement, word: str) -> bool:
    return word in browser.text(element)


def broadcast(ctx: Context) -> str:
    """Flip a broadcast switch on its tile; the camera's stream follows, and back.

    Then the broadcast's event entity has fired (started / stopped): its state, the time of
    its last event, moved on.
    """
    browser, probe = ctx.browser, _axis(ctx)
    stream = next((s for s in ctx.call(probe.streams()) if s.title != s.stream_id), None)
    if stream is None:
        raise CheckFailed("the camera lists no broadcast with a title")
    event = _camhub_entity_named(ctx, "event", f"{stream.title} broadcast event")
    fired_before = _state_of(ctx, event)
    tile = _open_view_with(browser, f"{stream.title} broadcast", "switch")
    seen = []
    for want in (not stream.enabled, stream.enabled):
        browser.click(browser.deep("ha-tile-icon", tile)[0])

        def follows(want: bool = want) -> bool:
            return any(
                s.stream_id == stream.stream_id and s.enabled is want
                for s in ctx.call(probe.streams())
            )

        browser.wait(f"the camera's stream {stream.title!r} to be {want}", follows, 15)
        word = "On" if want else "Off"
        browser.wait(f"the tile to say {word}", partial(_says, browser, tile, word), 10)
        if want != stream.enabled:
            browser.screenshot("broadcast")
        seen.append(word.lower())
    browser.wait(f"{event} to fire", lambda: _state_of(ctx, event) != fired_before, 10)
    return f"{stream.title!r} broadcast turned {' then '.join(seen)} on the camera; {event} fired"


def playlist(ctx: Context) -> str:
    """Choose another CamSwitcher playlist in the Playlist dialog; the camera plays it."""
    browser, probe = ctx.browser, _axis(ctx)
    playlists = ctx.call(probe.playlists())
    current = ctx.call(probe.current_playlist())
    target_id, target = next((k, v) for k, v in playlists.items() if k != current)
    browser.click(_open_view_with(browser, "Playlist"))
    dialog = browser.wait("the Playlist dialog", lambda: browser.deep("ha-more-info-dialog"))[0]
    menu = browser.find("ha-control-select-menu", root=dialog)
    browser.click(menu)
    browser.click(browser.find("ha-dropdown-item", text=target))
    browser.wait(
        f"the camera to play {target!r}", lambda: ctx.call(probe.current_playlist()) == target_id
    )
    browser.screenshot("playlist")
    _close_dialog(browser, menu)
    return f"{playlists.get(current or '', current)!r} -> {target!r} on the camera"


def doorbell(ctx: Context) -> str:
    """Ring the simulated 2N; its doorbell event shows in the logbook.

    Needs CamHub's doorbell event entity and the simulator's `POST /sim/ring` (both from issue
    "2N intercoms beyond the camera"); without either the step is skipped, saying which.
    """
    bell = _doorbell_entity(ctx)
    intercom = next(d for d in ctx.demo_devices if d.get("family") == "intercom_2n")
    before = ctx.call(ctx.hass.state(bell))
    status = ctx.call(_ring(ctx, f"http://{intercom['host']}:{intercom['port']}/sim/ring"))
    if status == 404:
        raise Skipped("the simulated 2N cannot ring yet (no POST /sim/ring)")
    if status >= 400:
        raise CheckFailed(f"POST /sim/ring answered {status}")
    ctx.browser.wait(f"{bell} to fire", lambda: ctx.call(ctx.hass.state(bell)) != before, 20)
    state = ctx.call(ctx.hass.state(bell)) or {}
    name = str(state.get("attributes", {}).get("friendly_name", bell))
    ctx.browser.open(f"/logbook?entity_id={bell}")
    # The logbook shows the entity's own name and the event type: "Doorbell → Ring".
    ctx.browser.find("ha-logbook", text="Ring", timeout=30)
    ctx.browser.screenshot("doorbell-logbook")
    return f"{name} rang; the logbook shows it"


def _state_of(ctx: Context, entity_id: str) -> str | None:
    """An entity's state string (an event entity's: the time of its last event)."""
    state = ctx.call(ctx.hass.state(entity_id)) or {}
    value = state.get("state")
    return None if value is None else str(value)


def _camhub_attributes(ctx: Context, domain: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each CamHub entity of `domain` with its state's attributes, from the registry."""
    for entry in ctx.call(ctx.hass.entity_registry()):
        entity_id = str(entry.get("entity_id", ""))
        if entry.get("platform") == "camhub" and entity_id.startswith(f"{domain}."):
            state = ctx.call(ctx.hass.state(entity_id)) or {}
            yield entity_id, dict(state.get("attributes", {}))


def _camhub_entity_named(ctx: Context, domain: str, words: str) -> str:
    """The CamHub entity of `domain` whose friendly name has `words`."""
    for entity_id, attributes in _camhub_attributes(ctx, domain):
        if words.lower() in str(attributes.get("friendly_name", "")).lower():
            return entity_id
    raise CheckFailed(f"no CamHub {domain} entity named like {words!r}")


def _doorbell_entity(ctx: Context) -> str:
    for entity_id, attributes in _camhub_attributes(ctx, "event"):
        if attributes.get("device_class") == "doorbell":
            return entity_id
    raise Skipped(
        'CamHub has no 2N doorbell event entity yet (issue "2N intercoms beyond the camera")'
    )


async def _ring(ctx: Context, url: str) -> int:
    async with ctx.session.post(url) as resp:
        return resp.status


def add_integrations(ctx: Context) -> str:
    """*Add integration → CamHub* for one more device of each family."""
    done = []
    for device in ctx.extra_devices:
        family = str(device["family"])
        before = {e["entry_id"] for e in ctx.call(ctx.hass.config_entries("camhub"))}
        try:
            browser_flows.walk(ctx.browser, family, {**device, "host": "127.0.0.1"})
        except CheckFailed as err:
            raise CheckFailed(f"{family}: {err}") from None
        entries = ctx.call(ctx.hass.config_entries("camhub"))
        new = [e for e in entries if e["entry_id"] not in before]
        if not new:
            raise CheckFailed(f"{family}: the flow ended but no entry was created")
        done.append(f"{family} ({new[0]['title']})")
    return "entries created: " + ", ".join(done)
