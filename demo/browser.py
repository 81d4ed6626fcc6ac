"""A real Chromium driven by Selenium, as a person uses Home Assistant's web UI.

Home Assistant's frontend is built of web components whose insides live in shadow roots, out
of reach of plain CSS selectors. `Browser.deep()` finds elements through every shadow root (a
small script, the same walk a person's eye does over the rendered page), and the rest are the
few gestures the checks need: log in on the login page, open a page inside the app, click,
type, wait until something is true, and take screenshots.

Only Debian's `chromium` and `chromium-driver` are used (no browser is downloaded), and the
browser only ever loads 127.0.0.1.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from selenium import webdriver
from selenium.common.exceptions import JavascriptException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WINDOW = (1400, 1000)

DEEP_ALL = """
const [root, selector] = arguments;
const found = [];
const visit = (node) => {
  node.querySelectorAll(selector).forEach((el) => found.push(el));
  node.querySelectorAll('*').forEach((el) => { if (el.shadowRoot) visit(el.shadowRoot); });
};
visit(root ? (root.shadowRoot || root) : document);
return found;
"""

DEEP_TEXT = """
const [el] = arguments;
const parts = [];
const visit = (node) => {
  for (const child of node.childNodes) {
    if (child.nodeType === Node.TEXT_NODE) parts.push(child.textContent);
    else if (child.nodeType === Node.ELEMENT_NODE) {
      if (child.shadowRoot) visit(child.shadowRoot);
      visit(child);
    }
  }
};
if (el.shadowRoot) visit(el.shadowRoot);
visit(el);
return parts.join(' ').replace(/\\s+/g, ' ').trim();
"""

IMAGE_SHOWN = """
const [img] = arguments;
return img.complete && img.naturalWidth > 0 && img.getBoundingClientRect().width > 0;
"""


class CheckFailed(Exception):
    """A step of the check did not see what it should have."""


class Browser:
    """One headless Chromium window on one Home Assistant."""

    def __init__(self, base_url: str, shots: Path) -> None:
        """Start Chromium (headless, its own temporary profile)."""
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for arg in (
            "--headless=new",
            "--no-sandbox",  # runs as root in CI
            "--disable-gpu",
            "--disable-dev-shm-usage",
            f"--window-size={WINDOW[0]},{WINDOW[1]}",
            "--autoplay-policy=no-user-gesture-required",
        ):
            options.add_argument(arg)
        # Selenium Manager would look for drivers online; the Debian driver is given instead.
        os.environ.setdefault("SE_OFFLINE", "true")
        self.driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
        self.base_url = base_url.rstrip("/")
        self.shots = shots
        self.shots.mkdir(parents=True, exist_ok=True)

    def close(self) -> None:
        """Quit Chromium."""
        self.driver.quit()

    # --- finding things -------------------------------------------------------------------

    def deep(self, selector: str, root: WebElement | None = None) -> list[WebElement]:
        """Every element matching `selector`, through all shadow roots (under `root`)."""
        found: list[WebElement] = self.driver.execute_script(DEEP_ALL, root, selector)
        return found

    def text(self, element: WebElement) -> str:
        """An element's visible text, including its shadow roots'."""
        return str(self.driver.execute_script(DEEP_TEXT, element))

    def js(self, script: str, *args: object) -> Any:
        """Run a script in the page (`arguments[i]` are `args`)."""
        return self.driver.execute_script(script, *args)

    def image_shown(self, img: WebElement) -> bool:
        """Whether an <img> has loaded a picture and is on the page."""
        return bool(self.js(IMAGE_SHOWN, img))

    def wait(self, what: str, check: Callable[[], Any], timeout: float = 20.0) -> Any:
        """Poll `check` until it returns something true; CheckFailed naming `what` otherwise."""
        deadline = time.monotonic() + timeout
        last: Exception | None = None
        while time.monotonic() < deadline:
            try:
                if result := check():
                    return result
            except (WebDriverException, JavascriptException, LookupError) as err:
                last = err
            time.sleep(0.3)
        detail = f" ({type(last).__name__}: {str(last).splitlines()[0]})" if last else ""
        raise CheckFailed(f"timed out after {timeout:.0f} s waiting for {what}{detail}")

    def find(
        self, selector: str, *, text: str = "", root: WebElement | None = None, timeout: float = 20
    ) -> WebElement:
        """The first element matching `selector` whose text contains `text`, once it exists."""

        def look() -> WebElement | None:
            for element in self.deep(selector, root):
                if text.lower() in self.text(element).lower():
                    return element
            return None

        found: WebElement = self.wait(f"{selector} {text!r}".rstrip(" '"), look, timeout)
        return found

    # --- gestures -------------------------------------------------------------------------

    def log_in(self, username: str, password: str) -> None:
        """Type the login into Home Assistant's login page, as a person does."""
        self.driver.get(f"{self.base_url}/")
        user = self.wait(
            "the login page",
            lambda: self.driver.find_elements(By.CSS_SELECTOR, "input[name=username]"),
        )[0]
        user.send_keys(username)
        secret = self.driver.find_element(By.CSS_SELECTOR, "input[name=password]")
        secret.send_keys(password)
        secret.send_keys(Keys.ENTER)
        self.wait("the frontend after logging in", lambda: self.deep("home-assistant-main"), 30)

    def open(self, path: str) -> None:
        """Go to a page inside the app, as its own links do (the tokens stay in the page)."""
        self.js(
            "history.pushState(null, '', arguments[0]);"
            "window.dispatchEvent(new CustomEvent('location-changed'));",
            path,
        )

    def click(self, element: WebElement) -> None:
        """Click the middle of an element (scrolled into view first)."""
        self.js("arguments[0].scrollIntoView({block: 'center'});", element)
        element.click()

    def screenshot(self, name: str) -> Path:
        """Save the window as `<shots>/<name>.png`."""
        path = self.shots / f"{name}.png"
        self.driver.save_screenshot(str(path))
        return path

    def element_png(self, element: WebElement) -> bytes:
        """A PNG of one element as it is shown now."""
        png: bytes = element.screenshot_as_png
        return png
