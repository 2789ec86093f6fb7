"""The browser layer: Debian's Chromium driven by Playwright, against the portal served by the
same command `make run` uses (gunicorn + the bundled identity provider) on loopback ports.

Without Chromium these tests skip and say so; with PORTAL_REQUIRE_E2E=1 (set by .ci/run) a missing
browser fails the run instead."""
from __future__ import annotations

import atexit
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests import memo_schema, processes

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ACE = ROOT / "node_modules" / "accessibility-checker-engine" / "ace.js"
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
JAVA = os.environ.get("PORTAL_JAVA", "java")
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
    if not (AXE.exists() and ACE.exists() and VNU_JAR.exists()):
        return "axe-core, accessibility-checker-engine or vnu-jar is not installed (npm ci)"
    if not shutil.which(JAVA):
        return "no Java for the Nu HTML Checker (apt-get install default-jre-headless)"
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(url: str, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).close()  # noqa: S310 (loopback)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not come up") from None
            time.sleep(0.3)


def _portal_env(instance: Path) -> dict:
    env = {**os.environ, "PORTAL_TODAY": TODAY, "DATABASE_URL": f"sqlite:///{instance}/portal.sqlite3",
           "PORTAL_OUTBOX_DIR": str(instance / "outbox"), "PORTAL_DEV_IDP": "1"}
    env.pop("PORTAL_OIDC_ISSUER", None)
    env.pop("PORTAL_DEV_IDP_ISSUER", None)
    return env


@pytest.fixture(scope="session")
def _demo_database(tmp_path_factory) -> Path:
    """`make run`'s set-up (migrate, seed the demo, sweep, send), done once a run: each test starts
    the servers on a copy of it, which is the same data a fresh set-up gives, in a fraction of the
    time (the set-up is four processes that each load the app)."""
    from portal.devrun import set_up

    instance = tmp_path_factory.mktemp("e2e-demo")
    set_up(_portal_env(instance))
    if memo_schema.available():  # what the demo's sweep sent: valid MeMo, every message
        assert not memo_schema.invalid_files(instance / "outbox")
    return instance / "portal.sqlite3"


@pytest.fixture
def portal_url(tmp_path_factory, _demo_database):
    """The portal as `make run` serves it, on free loopback ports, with its own SQLite file: a
    fresh copy of the demo for each test, so every journey starts from the same demo data."""
    if _missing_browser():
        pytest.skip(_missing_browser())
    port, idp_port = _free_port(), _free_port()
    instance = tmp_path_factory.mktemp("e2e")
    shutil.copy(_demo_database, instance / "portal.sqlite3")
    log = open(instance / "server.log", "wb")
    server = processes.start(
        # One worker process: a journey is one person at a time, and each worker costs a second of start-up.
        [sys.executable, "-m", "portal.devrun", "--no-setup", "--workers", "1", "--port", str(port),
         "--idp-port", str(idp_port)],
        cwd=ROOT, env=_portal_env(instance), stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait(f"http://127.0.0.1:{port}/")
        yield f"http://127.0.0.1:{port}"
    finally:
        # The copy is thrown away: nothing to shut down cleanly, and a graceful stop waited up to 10 s.
        processes.stop(server, first=signal.SIGKILL)
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
        page.set_default_timeout(60000)  # a hang, not a slow machine
        page.on("response", lambda response: _remember_document(page, response))
        return page

    yield make
    for context in contexts:
        context.close()


def _remember_document(page, response) -> None:
    """The HTML the server sent for the page now shown, for the Nu HTML Checker: the page as served,
    not as scripts have changed it since."""
    if response.request.is_navigation_request() and response.frame == page.main_frame and response.status < 300:
        # Read at once: the browser lets go of a POST's answer when the page moves on.
        page.served_document = (response.url, response.text())


def served_html(page) -> str:
    url, html = getattr(page, "served_document", (None, None))
    if url == page.url:
        return html
    # A page htmx has changed and given a new address: that address, as the server sends it.
    return page.request.get(page.url).text()


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
    """Every page the journey reaches, checked by three engines (axe-core, IBM Equal Access, the
    Nu HTML Checker), for reflow at 320 px with and without the WCAG text-spacing values, for the
    language of its parts; and a screenshot to look at."""

    def __init__(self, label: str, javascript: bool = True):
        self.label = label
        self.javascript = javascript
        self._copy = None
        self.count = 0
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def __call__(self, page, name: str) -> None:
        self.count += 1
        html = served_html(page)
        checked = page if self.javascript else self._scriptless_copy(page)
        state = page_state(checked, html, self.javascript)
        on_screen = state + json.dumps(page.viewport_size)
        if on_screen not in CHECKED:  # the same state on the same screen looks the same: one screenshot
            page.screenshot(path=str(SCREENSHOTS / f"{self.label}-{self.count:02d}-{name}.png"), full_page=True)
        findings = self._findings(checked, html, state, on_screen)
        self._report(page, name, findings)

    def _findings(self, checked, html, state: str, on_screen: str) -> dict:
        """The engines read the DOM, so they run once per page state; whether it fits the screen is
        asked once per state and screen size."""
        if state in CHECKED and on_screen in CHECKED:
            return {**CHECKED[state], **CHECKED[on_screen]}
        # Closed <details> hold forms too: the engines check what a user sees who opens them.
        closed = checked.evaluate("() => [...document.querySelectorAll('details:not([open])')]"
                                  ".map(d => { d.open = true; d.dataset.checkerOpened = '1'; return d; }).length")
        if on_screen not in CHECKED:
            overflow = checked.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
            CHECKED[on_screen] = _found({
                "overflow": f"the page is {overflow}px wider than the screen" if overflow > 0 else None,
                "reflow at 320 px": reflow_problems(checked),
            })
        if state not in CHECKED:
            CHECKED[state] = _found({
                "axe-core": axe_violations(checked),
                "IBM Equal Access": equal_access_violations(checked),
                "Nu HTML Checker": html_errors(html),
                "language of parts": unmarked_language(checked),
            })
        if closed:
            checked.evaluate("() => document.querySelectorAll('details[data-checker-opened]')"
                             ".forEach(d => { d.open = false; delete d.dataset.checkerOpened; })")
        return {**CHECKED[state], **CHECKED[on_screen]}

    def _report(self, page, name: str, findings: dict) -> None:
        if findings and os.environ.get("PORTAL_E2E_FINDINGS"):
            # For a developer fixing many pages at once: write every finding down and go on.
            with open(os.environ["PORTAL_E2E_FINDINGS"], "a") as out:
                out.write(json.dumps({"page": f"{self.label}/{name}", "url": page.url, **findings},
                                     ensure_ascii=False) + "\n")
            return
        assert not findings, f"{name}:\n" + json.dumps(findings, indent=2, ensure_ascii=False)

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


def _found(findings: dict) -> dict:
    return {engine: found for engine, found in findings.items() if found}


# What the engines found for each page state already checked in this process. The journeys pass
# the same pages again and again (the front page, the login, the overview): the engines run once.
CHECKED: dict[str, dict] = {}

# What differs between two showings of one page state without changing what a reader meets: the
# loopback ports of this test's servers, one-time tokens in hidden fields and links, script nonces.
_VOLATILE = [(re.compile(r"127\.0\.0\.1:\d+"), "127.0.0.1:PORT"),
             (re.compile(r'(<input[^>]*type="hidden"[^>]*value=")[^"]*'), r"\1"),
             (re.compile(r'(<input[^>]*value=")[^"]*("[^>]*type="hidden")'), r"\1\2"),
             (re.compile(r'nonce="[^"]*"'), 'nonce=""'),
             # a long run of letters and digits both: a token, not a word or a class name
             (re.compile(r"(?<![\w-])(?=[\w-]*\d)(?=[\w-]*[A-Za-z])[\w-]{22,}"), "TOKEN")]


def page_state(page, served: str, javascript: bool) -> str:
    """A page state: the address, scripts on or off, the DOM the engines will read and the HTML as
    served (the Nu HTML Checker reads that), less what is volatile (above)."""
    import hashlib

    parts = [urlsplit(page.url)._replace(netloc="").geturl(), str(javascript), page.content(), served or ""]
    digest = hashlib.sha256()
    for part in parts:
        for pattern, replacement in _VOLATILE:
            part = pattern.sub(replacement, part)
        digest.update(part.encode() + b"\0")
    return digest.hexdigest()


def type_date(page, field: str, typed) -> None:
    """Type a date into DKFDS's three date boxes as a person does: a string goes whole into the day
    box (10-11-2026, 10.11.2026, 10112026), a (day, month, year) tuple into the three boxes."""
    day, month, year = (typed, "", "") if isinstance(typed, str) else typed
    for part, text in (("day", day), ("month", month), ("year", year)):
        page.locator(f"#{field}-{part}").fill(text)


def equal_access_violations(page) -> list[dict]:
    """IBM's Equal Access engine (the rules of IBM's accessibility checker) with its WCAG 2.2 AA
    rule set: every result it calls a violation, not the ones it leaves to a person to judge."""
    if not page.evaluate("() => typeof window.ace !== 'undefined'"):
        page.add_script_tag(content=ACE.read_text())
    return page.evaluate("""async () => {
        const report = await new ace.Checker().check(document, ['WCAG_2_2']);
        return report.results.filter(r => r.value[0] === 'VIOLATION' && r.value[1] === 'FAIL')
            .map(r => ({rule: r.ruleId, message: r.message, path: r.path.dom, snippet: r.snippet}));
    }""")


_vnu: dict = {}


def _start_vnu() -> None:
    if "url" not in _vnu:
        port = _free_port()
        process = processes.start([JAVA, "-cp", str(VNU_JAR), "nu.validator.servlet.Main", str(port)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        atexit.register(processes.stop, process, 5)
        _vnu.update(url=f"http://127.0.0.1:{port}/", ready=False, process=process)


@pytest.fixture(scope="session", autouse=True)
def _nu_html_checker(request):
    """The Nu HTML Checker as a local web service, started once and early: it reads its schemas
    for half a minute while the first portal starts."""
    if any("e2e" in item.keywords for item in request.session.items) and not _missing_browser():
        _start_vnu()
    yield
    if "process" in _vnu:
        processes.stop(_vnu["process"], 5)


def _vnu_url() -> str:
    _start_vnu()
    if not _vnu["ready"]:
        _wait(_vnu["url"], seconds=300)
        _vnu["ready"] = True
    return _vnu["url"] + "?out=json"


def html_errors(html: str) -> list[str]:
    """What the Nu HTML Checker calls an error in the page's HTML as the browser has it now."""
    request = urllib.request.Request(_vnu_url(), data=html.encode(),
                                     headers={"Content-Type": "text/html; charset=utf-8"})
    with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310 (loopback)
        messages = json.load(answer)["messages"]
    return [f"{m.get('lastLine')}: {m['message']} :: {m.get('extract', '')}" for m in messages
            if m["type"] == "error" or m.get("subType") == "fatal"]


# Words that are only Danish (the official terms and the legal sources) and only English: a text in
# a page of the other language that holds one must sit inside an element with that lang (WCAG 3.1.2).
OTHER_LANGUAGE_WORDS = {
    "en": r"\b(lønmodtager|oplysningsskema\w*|opfølgning\w*|fraværssamtale\w*|fraværsdag\w*|sygedagpenge\w*|"
          r"raskmelding\w*|sygemelding\w*|standby-ordning\w*|bekendtgørelse\w*|lov nr\.|sygedagpengeloven\w*|"
          r"delvis|sygemeldt|uger|dage)\b",
    "da": r"\b(the|you|your|and|with|from|this|which|when)\b",
}


def unmarked_language(page) -> list[str]:
    return page.evaluate("""(words) => {
        const pageLang = document.documentElement.lang;
        const other = new RegExp(words[pageLang], 'iu');
        const found = [];
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const element = node.parentElement;
            if (!element || element.closest('script, style, [hidden]')) continue;
            const lang = element.closest('[lang]').getAttribute('lang');
            if (lang === pageLang && other.test(node.textContent)) found.push(node.textContent.trim().slice(0, 80));
        }
        for (const element of document.querySelectorAll('[aria-label], [title], [placeholder]')) {
            const lang = element.closest('[lang]').getAttribute('lang');
            for (const attribute of ['aria-label', 'title', 'placeholder']) {
                const value = element.getAttribute(attribute);
                if (value && lang === pageLang && other.test(value)) found.push(attribute + ': ' + value);
            }
        }
        return found;
    }""", OTHER_LANGUAGE_WORDS)


# WCAG 1.4.12: line height 1.5, paragraphs 2, letters 0.12 and words 0.16 times the font size.
TEXT_SPACING = ("* { line-height: 1.5 !important; letter-spacing: 0.12em !important;"
                " word-spacing: 0.16em !important; } p { margin-bottom: 2em !important; }")


def reflow_problems(page) -> list[str]:
    """WCAG 1.4.10 and 1.4.12: at 320 CSS pixels, and there with the text-spacing values, nothing
    makes the page scroll sideways. Names the widest elements when something does."""
    size = page.viewport_size
    page.set_viewport_size({"width": 320, "height": 640})
    problems = []
    try:
        for spacing in (False, True):
            if spacing:
                page.evaluate("(css) => { const s = document.createElement('style');"
                              " s.id = 'wcag-text-spacing'; s.textContent = css; document.head.append(s); }",
                              TEXT_SPACING)
            wide = page.evaluate("""() => {
                const overflow = document.documentElement.scrollWidth - window.innerWidth;
                if (overflow <= 0) return null;
                const widest = [...document.body.querySelectorAll('*')]
                    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
                    .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
                              (typeof e.className === 'string' && e.className ?
                               '.' + e.className.split(' ').join('.') : ''))
                    .slice(-5);
                return overflow + 'px: ' + widest.join(', ');
            }""")
            if wide:
                problems.append(("with text spacing " if spacing else "") + wide)
    finally:
        page.evaluate("() => document.getElementById('wcag-text-spacing')?.remove()")
        page.set_viewport_size(size)
    return problems
