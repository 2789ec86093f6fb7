"""The timeline in a real browser, in Danish and English, at 390 px and 1280 px, axe on every page:
the public deadline calculator (also without JavaScript), the citizen's deadlines on the case page,
and the employer's own deadlines beside the employer questions."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import PageChecker, type_date
from .test_employer import employer_login, report_employee
from .test_ongoing_case import either, log_in, report_sick

pytestmark = pytest.mark.e2e

BOTH = [("da", "phone"), ("da", "desktop"), ("en", "phone"), ("en", "desktop")]


def open_calculator(page, portal_url, lang):
    page.goto(portal_url + "/")
    if lang == "en":
        page.get_by_role("link", name="English").click()
    page.get_by_role("link", name=either("Beregn fristerne i et sygeforløb",
                                         "Calculate the deadlines of a sick leave")).first.click()
    page.wait_for_url(re.compile(r"/frister"))


@pytest.mark.parametrize("lang, viewport", BOTH)
def test_the_deadline_calculator(new_page, portal_url, lang, viewport):
    check = PageChecker(f"calculator-{lang}-{viewport}")
    page = new_page(viewport)
    open_calculator(page, portal_url, lang)
    check(page, "calculator")
    page.get_by_role("button", name=either("Beregn", "Calculate")).click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("body")).to_contain_text(re.compile(r"Skriv første fraværsdag|Enter the first day of absence"))
    check(page, "calculator-error")
    type_date(page, "first_absence_day", "13.5.2026")
    page.locator("summary", has_text=either("Flere datoer", "More dates")).click()
    type_date(page, "expected_return", ("1", "sep", "2026"))
    type_date(page, "on", "20-06-2026")
    page.get_by_role("button", name=either("Beregn", "Calculate")).click()
    page.wait_for_url(re.compile(r"first_absence_day-day=13.5.2026"))
    result = page.locator("section", has=page.locator("#result-heading")).inner_text()
    assert re.search(r"7\. juli 2026|7 July 2026", result), "the first conversation by the end of week 8"
    assert re.search(r"11\. juni 2026|11 June 2026", result), "the employer period's last day"
    assert re.search(r"over 8 (uger|weeks)", result), "expected back after 16 weeks"
    check(page, "calculator-result")


def test_the_deadline_calculator_without_javascript(new_page, portal_url):
    check = PageChecker("calculator-da-phone-nojs", javascript=False)
    page = new_page("phone", javascript=False)
    page.goto(portal_url + "/frister?first_absence_day=2026-07-06&on=2026-07-10")
    expect(page.locator("body")).to_contain_text(re.compile(r"30\. august 2026"))  # 2026, not exempt: end of week 8
    check(page, "calculator-result")


@pytest.mark.parametrize("lang, viewport", BOTH)
def test_the_citizen_sees_her_deadlines(new_page, portal_url, lang, viewport):
    check = PageChecker(f"citizen-deadlines-{lang}-{viewport}")
    page = new_page(viewport)
    log_in(page, portal_url, lang, "Lise Testesen")
    report_sick(page, lang, "2026-11-02", check)
    deadlines = page.locator("section", has=page.locator("#deadlines-heading"))
    text = deadlines.inner_text()
    assert re.search(r"Dine frister|Your deadlines", text)
    assert re.search(r"1\. december 2026|1 December 2026", text), "the employer period ends on day 30"
    # The 2026 rules, not exempt: the first conversation by the end of week 8 (the safe reading)
    assert re.search(r"27\. december 2026|27 December 2026", text), "the first conversation by week 8"
    deadlines.scroll_into_view_if_needed()
    check(page, "case-deadlines")


@pytest.mark.parametrize("lang, viewport", BOTH)
def test_the_employer_sees_its_own_deadlines(new_page, portal_url, lang, viewport):
    check = PageChecker(f"employer-deadlines-{lang}-{viewport}")
    hanne = new_page(viewport)
    employer_login(hanne, portal_url, lang, "Hanne Arbejdsgiver")
    report_employee(hanne, "851177-4323", "Bo Eksempel", "2026-11-09")
    row = hanne.locator("tbody tr", has_text="Bo Eksempel")
    row.get_by_role("link", name=either("Besvar arbejdsgiverspørgsmålene", "Answer the employer questions")).click()
    section = hanne.locator("section", has=hanne.locator("#employer-deadlines-heading")).inner_text()
    assert re.search(r"Arbejdsgiverperioden slutter|The employer period ends", section)
    assert re.search(r"8\. december 2026|8 December 2026", section), "30 days from 9 November"
    assert re.search(r"6\. december 2026|6 December 2026", section), "the absence conversation by week 4"
    assert re.search(r"13\. december 2026|13 December 2026", section), "fast track may be asked until week 5"
    check(hanne, "employer-deadlines")
