"""Issue 29 in a real browser: the case view's overview fits one screen at 1280 px, the queue keeps
names whole on a phone, ArrowDown in a filter list does not refilter per key, the coming weeks fit
at 1280 px, and the timeout warning counts down, ignores Esc and ends on the logged-out page.
Screenshots of the case view and the queue at 390 and 1280 px, in Danish and English, are kept in
PORTAL_SCREENSHOTS (a folder) when it is set, to be looked at."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .test_caseworkers_day import caseworker_login

pytestmark = pytest.mark.e2e


def shoot(page, name: str) -> None:
    folder = os.environ.get("PORTAL_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("lang", ["da", "en"])
def test_case_view_and_queue_fit_at_1280_and_390(new_page, portal_url, lang):
    desktop = new_page("desktop")
    caseworker_login(desktop, portal_url, lang, "Mette Sagsbehandler")
    shoot(desktop, f"queue-1280-{lang}")
    desktop.locator("#queue tbody tr").first.get_by_role("link").click()
    desktop.wait_for_url(re.compile(r"/jobcenter/sag/\d+"))
    shoot(desktop, f"case-1280-{lang}")
    # The overview (summary, deadlines, bookings, actions) ends inside the first screen.
    bottom = desktop.evaluate("document.querySelector('.case-overview').getBoundingClientRect().bottom")
    assert bottom <= 800, f"the overview ends at {bottom} px"
    claim = desktop.locator(".case-claim button")
    if claim.count():
        assert claim.is_enabled()
        # Nothing touches the button: the next element starts at least 8 px below it.
        gap = desktop.evaluate("""() => {
            const button = document.querySelector('.case-claim button').getBoundingClientRect();
            const next = document.querySelector('.case-overview').getBoundingClientRect();
            return next.top - button.bottom; }""")
        assert gap >= 8
    desktop.goto(portal_url + "/jobcenter/arbejdsbyrde")
    overflow = desktop.evaluate("(() => { const s = document.querySelector('.workload-table').closest('.table-scroll');"
                                " return s.scrollWidth - s.clientWidth; })()")
    assert overflow <= 0, f"the week table overflows by {overflow} px at 1280"

    phone = new_page("phone")
    caseworker_login(phone, portal_url, lang, "Mette Sagsbehandler")
    shoot(phone, f"queue-390-{lang}")
    # Every name is whole and on the screen, not behind a sideways scroll.
    cut = phone.evaluate("[...document.querySelectorAll('#queue tbody td:nth-child(2) a')].filter(a => {"
                         " const box = a.getBoundingClientRect();"
                         " return box.left < 0 || box.right > window.innerWidth || a.scrollWidth > a.clientWidth + 1;"
                         " }).length")
    assert cut == 0, "names are cut off on a phone"
    phone.locator("#queue tbody tr").first.get_by_role("link").click()
    phone.wait_for_url(re.compile(r"/jobcenter/sag/\d+"))
    shoot(phone, f"case-390-{lang}")


def test_arrow_keys_in_a_filter_list_wait_for_enter_or_leaving_it(new_page, portal_url):
    page = new_page("desktop")
    caseworker_login(page, portal_url, "da", "Mette Sagsbehandler")
    fetched = []
    page.on("request", lambda request: fetched.append(request.url)
            if request.headers.get("hx-request") and "/jobcenter/" in request.url else None)
    page.get_by_label("Årsag").focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(300)   # not a race: asserts that nothing was sent at all
    assert fetched == []
    with page.expect_request(lambda request: bool(request.headers.get("hx-request"))):
        page.keyboard.press("Tab")
    page.wait_for_url(re.compile(r"reason="))
    assert len(fetched) == 1
    # The tabs came back with the filter in their links.
    assert all("reason=" in href for href in page.eval_on_selector_all(
        "#queue-tabs a", "links => links.map(a => a.getAttribute('href'))"))


def test_the_timeout_warning_counts_down_ignores_esc_and_ends_on_the_logged_out_page(new_page, portal_url):
    page = new_page("desktop")
    page.clock.install()
    caseworker_login(page, portal_url, "da", "Mette Sagsbehandler")
    idle = int(page.get_attribute("body", "data-idle-seconds"))
    warn = int(page.get_attribute("body", "data-warn-seconds"))
    page.clock.run_for((idle - warn + 1) * 1000)
    dialog = page.locator("#session-timeout")
    expect(dialog).to_be_visible()
    first = page.inner_text("[data-timeout-countdown]")
    page.clock.run_for(2000)
    assert page.inner_text("[data-timeout-countdown]") != first and re.fullmatch(r"\d+:\d\d", first)
    page.keyboard.press("Escape")
    assert dialog.is_visible(), "Esc must not close the warning without a choice"
    page.clock.run_for(warn * 1000)
    page.wait_for_url(re.compile(r"/logget-ud$"))
    assert "Du er logget ud" in page.inner_text("h1")
