"""What a page costs a citizen's phone, measured in the browser (bytes on the wire, compressed,
fonts included): the first visit under 200 KB, a repeat visit under 20 KB. Bytes, not time: the
same every run, so a test and not a benchmark."""
from __future__ import annotations

import pytest

from .test_citizen_journey import log_in

pytestmark = pytest.mark.e2e
FIRST_VISIT_LIMIT = 200 * 1024
REPEAT_VISIT_LIMIT = 20 * 1024

TRANSFERRED = """() => {
    const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
    return entries.map(e => ({name: e.name, bytes: e.transferSize, encoded: e.encodedBodySize}));
}"""


def transferred(page) -> tuple[int, list]:
    page.wait_for_load_state("networkidle")
    entries = page.evaluate(TRANSFERRED)
    return sum(e["bytes"] for e in entries), entries


@pytest.mark.parametrize("path", ["/", "/borger/mit-sygefravaer"])
def test_first_visit_under_200_kb_and_repeat_under_20_kb(new_page, portal_url, path):
    page = new_page("phone")
    if path != "/":
        log_in(page, portal_url, "Lise Testesen", {"login": "Log ind med MitID"}, lambda *_: None)
        # A fresh browser cache for the measured page: a new context with the login's cookies.
        cookies = page.context.cookies()
        page = new_page("phone")
        page.context.add_cookies(cookies)
    page.goto(portal_url + path)
    first, entries = transferred(page)
    fonts = [e for e in entries if ".woff" in e["name"]]
    assert fonts, "the page should load its fonts"
    assert first < FIRST_VISIT_LIMIT, entries
    page.goto(portal_url + "/sprog/da?next=" + path)  # another page in between, then back
    page.goto(portal_url + path)
    repeat, entries = transferred(page)
    assert repeat < REPEAT_VISIT_LIMIT, entries
    print(f"{path}: first visit {first / 1024:.1f} KB, repeat visit {repeat / 1024:.1f} KB")


STEP_FIRST_VISIT_LIMIT = 110 * 1024


def test_a_questionnaire_step_under_110_kb_first_visit(new_page, portal_url):
    """The page a sick citizen spends longest on, on a phone's first visit: step 1 of the
    questionnaire, with the step list's check icon (an SVG, not a glyph outside the font subset)."""
    page = new_page("phone")
    log_in(page, portal_url, "Lise Testesen", {"login": "Log ind med MitID"}, lambda *_: None)
    page.get_by_role("link", name="Sygemeld dig").click()
    page.locator("#first_absence_day-day").fill("10-11-2026")
    page.get_by_label("Lønmodtager", exact=True).check()
    page.get_by_label("Arbejdsgiverens CVR-nummer").fill("12345674")
    page.get_by_label("Arbejdsgiverens navn").fill("Testbageriet ApS")
    page.get_by_label("Helt fraværende").first.check()
    page.get_by_label("Det ved jeg ikke endnu").check()
    page.get_by_role("button", name="Sygemeld dig").click()
    page.get_by_role("link", name="Besvar oplysningsskemaet").click()
    page.get_by_label("Telefonnummer").fill("12 34 56 78")
    page.get_by_role("button", name="Gem og fortsæt").click()  # step 1 answered: its check icon shows
    step_two = page.url
    cookies = page.context.cookies()
    page = new_page("phone")
    page.context.add_cookies(cookies)
    page.goto(step_two)
    first, entries = transferred(page)
    assert page.locator(".step-icon svg").count() >= 1, "an answered step shows the check icon"
    assert first < STEP_FIRST_VISIT_LIMIT, entries
    print(f"questionnaire step 2: first visit {first / 1024:.1f} KB")


LAYOUT_SHIFT = """() => new Promise(resolve => {
    let shift = 0;
    new PerformanceObserver(list => {
        for (const entry of list.getEntries()) if (!entry.hadRecentInput) shift += entry.value;
    }).observe({type: 'layout-shift', buffered: true});
    setTimeout(() => resolve(shift), 300);
})"""


@pytest.mark.parametrize("path", ["/", "/frister"])
def test_the_web_font_arriving_late_moves_nothing(new_page, portal_url, path):
    """Cumulative layout shift on a slow phone connection (400 ms, 400 kbit/s), where the fonts
    arrive after the first paint: under 0.1, what Google calls good."""
    page = new_page("phone")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 400,
                                                  "downloadThroughput": 400 * 1024 / 8,
                                                  "uploadThroughput": 400 * 1024 / 8})
    page.goto(portal_url + path, wait_until="load")
    shift = page.evaluate(LAYOUT_SHIFT)
    assert shift < 0.1, f"{path}: cumulative layout shift {shift:.3f}"
    print(f"{path}: cumulative layout shift {shift:.3f}")
