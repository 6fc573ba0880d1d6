"""The console in a real browser (headless Chromium) against ``serve`` on a real socket.

One browser for the module, reused; the server's clock is frozen, so the pages change only when a
test moves it.
"""

from __future__ import annotations

import http.server
import threading
import uuid
from collections.abc import Callable, Iterator

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from mockserver.config import CONSOLE_PATH
from mockserver.control.journal import REDACTED
from mockserver.testing.remote import RemoteMockServer
from mockserver.testing.server import MockServer
from tests.support import browser as browser_support
from tests.support.browser import broken, chromium, same_origin_links, script_errors
from tests.support.control import ADMIN_PREFIX
from tests.support.live import call
from tests.support.redis import forget, fresh_prefix
from tests.support.serve import serving

NOW = "2030-01-15T12:00:00Z"
UI = ADMIN_PREFIX + CONSOLE_PATH
PAGES = ("/conversations", "/journal", "/notifications", "/controls", "/clock")
GONE = "does not belong to the document"  # Chromium, of an element a page's refresh replaced
WAIT = 10  # seconds a page may take to show what a test waits for (it polls every second)


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    with chromium() as driver:
        yield driver


@pytest.fixture(scope="module")
def served() -> Iterator[RemoteMockServer]:
    with serving("--now", NOW, "--frozen", "--token", "test-token") as server:
        yield RemoteMockServer(server.url)


@pytest.fixture
def mock(served: RemoteMockServer, browser: webdriver.Chrome) -> RemoteMockServer:
    served.reset()
    script_errors(browser)  # the log from here on is this test's
    return served


def _open(browser: webdriver.Chrome, mock: RemoteMockServer, page: str) -> None:
    browser.get(mock.url + UI + page)
    assert not script_errors(browser)


def test_every_page_opens_without_script_errors_and_every_link_answers(
    mock: RemoteMockServer, browser: webdriver.Chrome
) -> None:
    (conversation_id,) = mock.seed(1, traits=["connected"])
    mock.fault("GET", "/api/v2/routing/**", status=503)
    mock.stub("GET", "/api/v2/stubbed", status=200, body="{}")
    call(mock.url, "GET", "/api/v2/routing/queues")
    links: set[str] = set()
    for page in (*PAGES, f"/conversations/{conversation_id}"):
        _open(browser, mock, page)
        assert browser.find_element(By.TAG_NAME, "h1").text
        links |= same_origin_links(browser)
    assert mock.url + UI + f"/conversations/{conversation_id}" in links
    assert broken(links) == {}
    assert not script_errors(browser)


def test_a_conversation_opens_from_the_list_on_its_timeline(
    mock: RemoteMockServer, browser: webdriver.Chrome
) -> None:
    (conversation_id,) = mock.seed(1, traits=["connected"])
    _open(browser, mock, "/conversations")
    link = browser.find_element(By.LINK_TEXT, conversation_id)
    link.send_keys(Keys.ENTER)  # by keyboard: a real link
    _waiting(browser).until(lambda b: b.current_url.endswith(conversation_id))
    lanes = browser.find_elements(By.CSS_SELECTOR, "svg.timeline g.lane")
    purposes = {lane.get_attribute("class") for lane in lanes}
    assert {"lane lane-customer", "lane lane-acd", "lane lane-agent"} <= purposes
    assert browser.find_elements(By.CSS_SELECTOR, "rect.bar-alert")  # the offer
    assert browser.find_elements(By.CSS_SELECTOR, "rect.bar-interact")
    assert browser.find_element(By.ID, "now-line")
    assert not script_errors(browser)


def test_the_journal_filters_to_a_request_the_test_made(
    mock: RemoteMockServer, browser: webdriver.Chrome
) -> None:
    wanted = f"/api/v2/conversations/{uuid.uuid4()}"
    call(mock.url, "GET", "/api/v2/routing/queues")
    call(mock.url, "GET", wanted)  # 404: no such conversation
    _open(browser, mock, "/journal")
    assert len(browser.find_elements(By.CSS_SELECTOR, "article.request")) == 2
    field = browser.find_element(By.ID, "path")
    field.send_keys(wanted, Keys.ENTER)
    _waiting(browser).until(lambda b: len(b.find_elements(By.CSS_SELECTOR, "article.request")) == 1)
    article = browser.find_element(By.CSS_SELECTOR, "article.request")
    assert article.find_element(By.CSS_SELECTOR, ".path").text == wanted
    assert article.find_element(By.CSS_SELECTOR, ".status").text == "404"
    article.find_element(By.CSS_SELECTOR, "details[id$='-curl'] summary").click()
    curl = article.find_element(By.CSS_SELECTOR, "pre[id^='curl-']").text
    assert curl.startswith("curl -X GET ")
    assert f"{mock.url}{wanted}" in curl
    assert f"-H 'Authorization: Bearer {REDACTED}'" in curl  # as journaled: the token stays out
    assert not script_errors(browser)


def test_advancing_the_clock_from_the_page_moves_the_timeline(
    mock: RemoteMockServer, browser: webdriver.Chrome
) -> None:
    (conversation_id,) = mock.seed(1, traits=["connected"])
    _open(browser, mock, f"/conversations/{conversation_id}")
    before = _text(browser, "now")
    bars = len(browser.find_elements(By.CSS_SELECTOR, "rect.bar"))
    _open(browser, mock, "/clock")
    field = browser.find_element(By.ID, "advanceSeconds")
    field.clear()
    field.send_keys("3600", Keys.ENTER)  # the form posts, through the guard, and comes back
    _waiting(browser).until(lambda b: b.current_url.endswith(UI + "/clock"))
    _open(browser, mock, f"/conversations/{conversation_id}")
    after = _text(browser, "now")
    assert after != before
    assert mock.clock.now().isoformat().startswith(after[:19])
    # A connected callback an hour on has hung up and wrapped up: the ACW bar is drawn.
    assert len(browser.find_elements(By.CSS_SELECTOR, "rect.bar")) > bars
    assert browser.find_elements(By.CSS_SELECTOR, "rect.bar-wrapup")
    assert not script_errors(browser)


def test_a_page_refreshes_itself_as_the_mock_moves(mock: RemoteMockServer, browser: webdriver.Chrome) -> None:
    (conversation_id,) = mock.seed(1, traits=["connected"])
    _open(browser, mock, f"/conversations/{conversation_id}")
    before = _text(browser, "now")
    moved = mock.clock.advance(minutes=5)  # not from the page: the page must notice
    _waiting(browser).until(lambda b: _text(b, "now") != before)
    assert _text(browser, "now").startswith(moved.isoformat()[:19])
    assert not script_errors(browser)


def test_faults_and_stubs_are_removed_from_the_page(
    mock: RemoteMockServer, browser: webdriver.Chrome
) -> None:
    fault_id = mock.fault("GET", "/api/v2/routing/**", status=503)
    stub_id = mock.stub("GET", "/api/v2/stubbed", status=200, body="{}")
    mock.rate_limit(5)
    _open(browser, mock, "/controls")
    for label in (f"Remove fault {fault_id}", f"Remove stub {stub_id}"):
        button = f"button[aria-label='{label}']"
        _press(browser, button)
        _waiting(browser).until(_gone(button))
    _press(browser, "#lift-rate-limit")
    _waiting(browser).until(lambda b: _text(b, "rate-limit") == "No rate limit.")
    assert mock.faults() == []
    assert mock.stubs() == []
    assert not script_errors(browser)


def test_under_an_admin_token_the_console_asks_for_it_once(browser: webdriver.Chrome) -> None:
    with serving("--now", NOW, "--frozen", "--admin-token", "s3cret") as server:
        script_errors(browser)
        browser.get(server.url + UI + "/clock")
        assert "/login" in browser.current_url
        browser.find_element(By.ID, "token").send_keys("s3cret", Keys.ENTER)
        # The cookies are read once the page the redirect led to shows its clock: in one loaded CI run,
        # Chromium reported none right after the address changed.
        _waiting(browser).until(lambda b: b.current_url.endswith(UI + "/clock"))
        _waiting(browser).until(lambda b: b.find_elements(By.ID, "clock-now") and b.get_cookies())
        (cookie,) = browser.get_cookies()
        assert (cookie["httpOnly"], cookie["sameSite"], cookie["path"]) == (True, "Strict", UI + "/")
        assert "s3cret" not in cookie["value"]
        field = browser.find_element(By.ID, "advanceSeconds")
        field.clear()
        field.send_keys("60", Keys.ENTER)  # a write, with the cookie, through the guard
        _waiting(browser).until(lambda b: _text(b, "clock-now").startswith("2030-01-15T12:01:00"))
        admin = RemoteMockServer(server.url, admin_token="s3cret")
        assert admin.clock.now().isoformat().startswith("2030-01-15T12:01:00")
        assert not script_errors(browser)
        browser.delete_all_cookies()


def test_the_console_works_on_redis(redis_url: str, browser: webdriver.Chrome) -> None:
    prefix = fresh_prefix()
    with serving("--now", NOW, "--frozen", "--store", redis_url, "--store-prefix", prefix) as server:
        mock = RemoteMockServer(server.url)
        (conversation_id,) = mock.seed(1, traits=["connected"])
        script_errors(browser)
        for page in (*PAGES, f"/conversations/{conversation_id}"):
            browser.get(server.url + UI + page)
            assert browser.find_element(By.TAG_NAME, "h1").text
        assert browser.find_elements(By.CSS_SELECTOR, "svg.timeline g.lane")
        assert not script_errors(browser)
    forget(redis_url, prefix)


def _waiting(browser: webdriver.Chrome) -> WebDriverWait[webdriver.Chrome]:
    """A wait that looks again when the page swapped its live part under an element it had found."""
    return WebDriverWait(browser, WAIT, ignored_exceptions=(StaleElementReferenceException,))


def _text(browser: webdriver.Chrome, element_id: str) -> str:
    """The element's text, read in one step inside the page: the page swaps its live part as it
    refreshes itself, so an element found by one command may have left the document by the next
    (Chromium then answers ``GONE``)."""
    script = "const e = document.getElementById(arguments[0]); return e ? e.innerText : '';"
    text: str = browser.execute_script(script, element_id)
    return text


def _press(browser: webdriver.Chrome, selector: str) -> None:
    """Press the button with Enter, as a keyboard user does; the page may swap its live part between
    finding the button and pressing it (it refreshes itself), so a stale find is found again."""

    def pressed(driver: webdriver.Chrome) -> bool:
        try:
            driver.find_element(By.CSS_SELECTOR, selector).send_keys(Keys.ENTER)
        except WebDriverException as error:  # Chromium's word for a node the swap took away
            if GONE not in str(error.msg):
                raise
            return False
        return True

    _waiting(browser).until(pressed)


def _gone(selector: str) -> Callable[[webdriver.Chrome], bool]:
    return lambda b: not b.find_elements(By.CSS_SELECTOR, selector)


def test_a_page_refreshes_itself_under_the_in_process_server(browser: webdriver.Chrome) -> None:
    with MockServer({"NOW": NOW, "CLOCK_FROZEN": True}) as server:
        script_errors(browser)
        browser.get(server.url + UI + "/clock")
        assert _text(browser, "clock-now").startswith("2030-01-15T12:00:00")
        server.clock.advance(hours=1)
        _waiting(browser).until(lambda b: _text(b, "clock-now").startswith("2030-01-15T13:00:00"))
        assert not script_errors(browser)


class _Broken(http.server.BaseHTTPRequestHandler):
    """A page with a link to nowhere and a script that throws: what the checks above must catch."""

    def do_GET(self) -> None:
        if self.path != "/":
            self.send_error(404)
            return
        body = b'<!doctype html><link rel="icon" href="data:,"><a href="/gone">gone</a><script>nosuch();</script>'
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_the_checks_catch_a_broken_link_and_a_script_error(browser: webdriver.Chrome) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Broken)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        script_errors(browser)
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        browser.get(url)
        (error,) = script_errors(browser)
        assert "nosuch is not defined" in error
        assert broken(same_origin_links(browser)) == {url + "gone": 404}
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


def test_a_missing_chromium_fails_under_ci_and_skips_elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(browser_support, "CHROMIUM", "/nonexistent/chromium")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(
        pytest.fail.Exception,
        match="CI must run the browser tests: the browser tests need /nonexistent/chromium",
    ):
        browser_support.require_chromium()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="apt-get install chromium chromium-driver"):
        browser_support.require_chromium()
