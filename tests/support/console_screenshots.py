"""The console's screenshots in the docs (docs/images/console-*.png), taken from a live ``serve``.

    python -m tests.support.console_screenshots

Starts ``serve`` on its frozen clock, arranges what each page shows (conversations at several
stages, requests with a fault and a stub, a pushed notification, a rate limit), and saves one
PNG per page with the headless Chromium of the browser tests.
"""

from __future__ import annotations

from pathlib import Path

from selenium.webdriver.common.by import By

from mockserver.config import CONSOLE_PATH
from mockserver.testing.remote import RemoteMockServer
from tests.support.browser import chromium
from tests.support.control import ADMIN_PREFIX
from tests.support.live import call
from tests.support.serve import serving

IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"
UI = ADMIN_PREFIX + CONSOLE_PATH


def arrange(mock: RemoteMockServer) -> str:
    """Fill the server; the id of the conversation whose timeline is shown."""
    mock.seed(12, traits=["connected"], seed=3)
    (shown,) = mock.seed(1, traits=["connected"], seed=4)
    conversation = call(mock.url, "GET", f"/api/v2/conversations/{shown}").json()
    # The queue's topic: the token's own user may read its queues, not another user's topic.
    queue = next(p["queueId"] for p in conversation["participants"] if p.get("purpose") == "acd")
    channel = call(mock.url, "POST", "/api/v2/notifications/channels").json()
    subscribed = call(
        mock.url,
        "PUT",
        f"/api/v2/notifications/channels/{channel['id']}/subscriptions",
        [{"id": f"v2.routing.queues.{queue}.conversations"}],
    )
    assert subscribed.status == 200, subscribed.body
    mock.clock.advance(minutes=20)  # the callback hangs up and wraps up: ACW on the timeline
    mock.fault("GET", "/api/v2/routing/queues/**", status=503, times=1)
    mock.stub("GET", "/api/v2/routing/skills", status=200, body='{"entities": []}')
    mock.rate_limit(300)
    call(mock.url, "GET", "/api/v2/routing/queues/any/members")
    call(mock.url, "GET", "/api/v2/routing/skills")
    call(mock.url, "GET", f"/api/v2/conversations/{shown}")
    call(mock.url, "GET", "/api/v2/conversations?pageSize=2")
    return shown


def main() -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    with serving("--now", "2030-01-15T12:00:00Z", "--frozen", "--token", "test-token") as server:
        mock = RemoteMockServer(server.url)
        shown = arrange(mock)
        with chromium() as browser:
            browser.set_window_size(1280, 900)
            pages = {
                "conversations": "/conversations",
                "timeline": f"/conversations/{shown}",
                "journal": "/journal",
                "notifications": "/notifications",
                "controls": "/controls",
                "clock": "/clock",
            }
            for name, page in pages.items():
                browser.get(server.url + UI + page)
                if name == "journal":
                    opened = browser.find_elements(By.CSS_SELECTOR, "article.request details summary")
                    for summary in opened[:2]:
                        summary.click()
                height = browser.execute_script("return document.documentElement.scrollHeight")
                browser.set_window_size(1280, min(max(int(height), 600), 1400))
                browser.save_screenshot(str(IMAGES / f"console-{name}.png"))
                browser.set_window_size(1280, 900)
                print(IMAGES / f"console-{name}.png")


if __name__ == "__main__":
    main()
