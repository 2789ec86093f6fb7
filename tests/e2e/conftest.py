"""The browser layer: Debian's Chromium driven by Playwright, against the portal served by the
same command `make run` uses (gunicorn + the bundled identity provider) on loopback ports.

Without Chromium these tests skip and say so; with PORTAL_REQUIRE_E2E=1 (set by .ci/run) a missing
browser fails the run instead."""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "tests" / "e2e" / "screenshots"
TODAY = "2026-11-16"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def pytest_collection_modifyitems(config, items):
    missing = [why for why in (_missing_browser(),) if why]
    if not missing:
        return
    if os.environ.get("PORTAL_REQUIRE_E2E") == "1":
        raise pytest.UsageError(f"browser tests required but cannot run: {missing[0]}")
    skip = pytest.mark.skip(reason=f"browser tests skipped: {missing[0]}")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


def _missing_browser() -> str | None:
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    if not AXE.exists():
        return "axe-core is not installed (npm ci)"
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).close()  # noqa: S310 (loopback)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not come up") from None
            time.sleep(0.3)


@pytest.fixture
def portal_url(tmp_path_factory):
    """The portal as `make run` serves it, on free loopback ports, with its own SQLite file: a
    fresh one for each test, so every journey starts from the same demo data."""
    if _missing_browser():
        pytest.skip(_missing_browser())
    port, idp_port = _free_port(), _free_port()
    instance = tmp_path_factory.mktemp("e2e")
    env = {**os.environ, "PORTAL_TODAY": TODAY, "DATABASE_URL": f"sqlite:///{instance}/portal.sqlite3",
           "PORTAL_DEV_IDP": "1"}
    env.pop("PORTAL_OIDC_ISSUER", None)
    env.pop("PORTAL_DEV_IDP_ISSUER", None)
    log = open(instance / "server.log", "wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "portal.devrun", "--port", str(port), "--idp-port", str(idp_port)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait(f"http://127.0.0.1:{port}/")
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
        log.close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser):
    contexts = []

    def make(viewport: str = "desktop", javascript: bool = True):
        # bypass_csp only lets the test inject axe-core; the portal's own CSP is tested elsewhere.
        context = browser.new_context(viewport=VIEWPORTS[viewport], java_script_enabled=javascript,
                                      bypass_csp=True, locale="da-DK")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        return page

    yield make
    for context in contexts:
        context.close()


def axe_violations(page) -> list[dict]:
    """Run axe-core's WCAG 2.0/2.1 A and AA rules on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE.read_text())
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => n.target.join(' ') + ' :: ' + n.failureSummary).slice(0, 5)}));
    }""")
    return result


class PageChecker:
    """Every page the journey reaches: no axe violation, no horizontal overflow, a screenshot."""

    def __init__(self, label: str, javascript: bool = True):
        self.label = label
        self.javascript = javascript
        self._copy = None
        self.count = 0
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def __call__(self, page, name: str) -> None:
        self.count += 1
        page.screenshot(path=str(SCREENSHOTS / f"{self.label}-{self.count:02d}-{name}.png"), full_page=True)
        checked = page if self.javascript else self._scriptless_copy(page)
        overflow = checked.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name}: the page is {overflow}px wider than the screen"
        violations = axe_violations(checked)
        assert not violations, f"{name}: axe found\n" + json.dumps(violations, indent=2, ensure_ascii=False)

    def _scriptless_copy(self, page):
        """axe needs JavaScript, which the page under test has off. So the very HTML that page
        got is served again, at the same address, to a page whose own scripts are all blocked:
        the same DOM and styles a reader without JavaScript has, and axe can run beside it."""
        html, url = page.content(), page.url
        if self._copy is None:
            context = page.context.browser.new_context(viewport=page.viewport_size, bypass_csp=True)
            context.route("**/*.js", lambda route: route.abort())
            self._copy = context.new_page()
        self._copy.unroute_all()
        self._copy.route(url, lambda route: route.fulfill(body=html, content_type="text/html"))
        self._copy.goto(url)
        return self._copy


def type_date(page, field: str, typed) -> None:
    """Type a date into DKFDS's three date boxes as a person does: a string goes whole into the day
    box (10-11-2026, 10.11.2026, 10112026), a (day, month, year) tuple into the three boxes."""
    day, month, year = (typed, "", "") if isinstance(typed, str) else typed
    for part, text in (("day", day), ("month", month), ("year", year)):
        page.locator(f"#{field}-{part}").fill(text)
