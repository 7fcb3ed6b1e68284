"""Debian's chromium driven through its chromedriver (Selenium), for the dashboard's
browser tests: no browser or driver is downloaded. ``missing()`` says why the tests skip."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--disable-quic", "--window-size=1280,800",
         "--disable-features=Translate,OptimizationHints,MediaRouter")
SCREEN = (1280, 800)
T = TypeVar("T")


def missing() -> str | None:
    """Why the browser cannot run here (None: it can)."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            return f"{path} is not installed (Debian: apt-get install chromium chromium-driver)"
    return None


def marked(testid: str, /, **data: str) -> str:
    """The CSS selector of ``data-testid=testid`` with ``data-<key>=value`` for each of
    ``data``."""
    parts = [f'[data-testid="{testid}"]']
    parts += [f'[data-{key.replace("_", "-")}="{value}"]' for key, value in data.items()]
    return "".join(parts)


def private_env(root: Path) -> dict[str, str]:
    """The environment of the driver and the browser: their home, caches and settings under
    ``root`` (chromium writes no file outside it)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "SKILLSHARE_"))}
    env.update(HOME=str(root / "home"), XDG_CONFIG_HOME=str(root / "config"),
               XDG_CACHE_HOME=str(root / "cache"), XDG_DATA_HOME=str(root / "data"),
               XDG_STATE_HOME=str(root / "state"), XDG_RUNTIME_DIR=str(root / "run"))
    return env


class Browser:
    """One headless chromium, its profile and home under ``root`` (a fresh folder)."""

    def __init__(self, root: Path) -> None:
        profile = root / "profile"
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={profile}")
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        service = Service(executable_path=CHROMEDRIVER, log_output=os.devnull,
                          env=private_env(root))
        self.driver = webdriver.Chrome(options=options, service=service)
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": SCREEN[0], "height": SCREEN[1], "deviceScaleFactor": 1, "mobile": False})

    def quit(self) -> None:
        self.driver.quit()

    def open(self, url: str) -> None:
        self.driver.get(url)

    def wait(self, predicate: Callable[[], T], timeout: float = 15.0,
             what: str = "the page") -> T:
        """Wait until ``predicate()`` is true (a stale element, from a redraw, asks again)."""
        def check(_: object) -> T | bool:
            try:
                return predicate()
            except StaleElementReferenceException:
                return False
        value = WebDriverWait(self.driver, timeout, poll_frequency=0.05).until(
            check, f"timed out waiting for {what}")
        return cast(T, value)

    def all(self, selector: str) -> list[WebElement]:
        return list(self.driver.find_elements(By.CSS_SELECTOR, selector))

    def one(self, selector: str, timeout: float = 15.0) -> WebElement:
        """The first element matching ``selector`` once it is there."""
        found = self.wait(lambda: next(iter(self.all(selector)), None), timeout, selector)
        assert found is not None
        return found

    def data(self, selector: str) -> list[dict[str, str]]:
        """Each element matching ``selector``: its ``data-*`` attributes and its ``text``, read
        at once (the page redraws as events arrive: elements held across reads go stale)."""
        found: list[dict[str, str]] = self.driver.execute_script(
            "return Array.from(document.querySelectorAll(arguments[0]),"
            " (e) => Object.assign({text: e.textContent}, e.dataset));", selector)
        return found

    def click(self, selector: str) -> None:
        self.wait(lambda: self._click(selector), what=f"{selector} to click")

    def _click(self, selector: str) -> bool:
        found = [e for e in self.all(selector) if e.is_displayed() and e.is_enabled()]
        if not found:
            return False
        found[0].click()
        return True

    def problems(self) -> list[str]:
        """The browser console's errors and warnings (a CSP violation is one)."""
        try:
            entries: list[dict[str, Any]] = self.driver.get_log(  # type: ignore[no-untyped-call]
                "browser")
        except WebDriverException:
            return []
        return [str(e.get("message")) for e in entries if e.get("level") in ("SEVERE", "WARNING")]

    def screenshot(self, folder: Path, name: str) -> Path:
        """A PNG of the window (1280x800) in ``folder``."""
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.png"
        self.driver.save_screenshot(str(path))
        return path


def screenshots_folder() -> Path | None:
    """Where screenshots go (``SKILLSHARE_SCREENSHOTS``), or None: none are taken."""
    value = os.environ.get("SKILLSHARE_SCREENSHOTS")
    return Path(value) if value else None



class Shots:
    """Screenshots taken in a test's temp folders, copied out (to ``SKILLSHARE_SCREENSHOTS``)
    when the module ends: the tests themselves write only under their temp roots."""

    def __init__(self, temp: Path, out: Path | None) -> None:
        self.temp = temp
        self.out = out

    def take(self, browser: Browser, name: str) -> None:
        if self.out is not None:
            browser.screenshot(self.temp, name)

    def publish(self) -> None:
        if self.out is not None:
            self.out.mkdir(parents=True, exist_ok=True)
            for png in sorted(self.temp.glob("*.png")):
                shutil.copyfile(png, self.out / png.name)

