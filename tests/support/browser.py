"""A headless Chromium from the system packages, driven by Selenium through the system chromedriver.

Without Chromium (``apt-get install chromium chromium-driver``) a browser test skips locally and
fails in CI (``CI=true``), where a skip would pass a check that never ran. Nothing is downloaded:
both paths are given, so Selenium Manager has nothing to find.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
# What runs headless as root in a container, with nothing fetched in the background.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,900",
)


def require_chromium() -> None:
    """Skip (fail under CI) unless Chromium and chromedriver are installed."""
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if shutil.which(path) is None]
    if not missing:
        return
    message = f"the browser tests need {', '.join(missing)} (apt-get install chromium chromium-driver)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must run the browser tests: {message}")
    pytest.skip(message)


@contextmanager
def chromium() -> Iterator[webdriver.Chrome]:
    """A headless Chromium with a fresh profile, its console log kept for ``script_errors``."""
    require_chromium()
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in (*FLAGS, f"--user-data-dir={profile}"):
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
        try:
            yield driver
        finally:
            driver.quit()


def script_errors(driver: webdriver.Chrome) -> list[str]:
    """The console log's errors since last asked (a script error, a failed load): each a message."""
    log: list[dict[str, str]] = driver.get_log("browser")  # type: ignore[no-untyped-call]
    return [entry["message"] for entry in log if entry["level"] == "SEVERE"]


def same_origin_links(driver: webdriver.Chrome) -> set[str]:
    """Every link of the open page to its own origin, fragments dropped."""
    here = urlsplit(driver.current_url)
    found = set()
    for anchor in driver.find_elements(By.CSS_SELECTOR, "a[href]"):
        href = urldefrag(urljoin(driver.current_url, anchor.get_attribute("href") or ""))[0]
        target = urlsplit(href)
        if (target.scheme, target.netloc) == (here.scheme, here.netloc):
            found.add(href)
    return found


def broken(links: set[str], cookie: str | None = None) -> dict[str, int]:
    """The links (followed through redirects) that do not answer 200, with what they answered."""
    failures = {}
    for link in sorted(links):
        fetched = urllib.request.Request(link, headers={"Cookie": cookie} if cookie else {})
        try:
            with urllib.request.urlopen(fetched, timeout=10) as answer:
                status = answer.status
        except urllib.error.HTTPError as error:
            status = error.code
        if status != 200:
            failures[link] = status
    return failures
