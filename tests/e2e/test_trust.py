"""Trust in a real browser, in Danish and English: a second company reports another company's
employee sick and learns nothing, and she is asked whether it is her employer; and the warning
before the idle timeout (DKFDS "session udløber"), whose button keeps the session."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import PageChecker
from .test_employer import employer_login, report_employee
from .test_ongoing_case import either, log_in, report_sick

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("lang, viewport", [("da", "phone"), ("en", "desktop")])
def test_another_company_learns_nothing_and_the_citizen_decides(new_page, portal_url, lang, viewport):
    check = PageChecker(f"binding-{lang}-{viewport}")
    lise = new_page(viewport)
    log_in(lise, portal_url, lang, "Lise Testesen")
    report_sick(lise, lang, "2026-11-02", check)  # her employer: Testbageriet ApS

    jens = new_page(viewport)
    employer_login(jens, portal_url, lang, "Jens Virksomhed")
    report_employee(jens, "610590-4321", "Lise Testesen", "2026-11-12")
    listing = jens.content()
    assert "Lise Testesen" in listing and not re.search(r"(?<!\d)2\. november|2 November 2026", listing)
    check(jens, "second-company-list")

    lise.reload()
    question = lise.locator(".alert", has_text=re.compile("Prøvefabrikken A/S"))
    assert re.search(r"CVR 12345682", question.inner_text())
    check(lise, "asked-about-employer")
    question.get_by_label(either("Nej, det er ikke min arbejdsgiver", "No, it is not my employer")).check()
    question.get_by_role("button", name=either("Send dit svar", "Send your answer")).click()
    lise.wait_for_url(re.compile(r"/borger/sag/\d+$"))
    expect(lise.locator("body")).to_contain_text(re.compile(r"Intet fra virksomheden|Nothing from the company"))
    assert "Prøvefabrikken" not in lise.locator("main").inner_text()
    check(lise, "employer-rejected")


@pytest.mark.parametrize("lang, viewport", [("da", "phone"), ("en", "desktop")])
def test_the_idle_timeout_is_announced_and_can_be_put_off(new_page, portal_url, lang, viewport):
    check = PageChecker(f"timeout-{lang}-{viewport}")
    page = new_page(viewport)
    page.clock.install()
    log_in(page, portal_url, lang, "Ahmed Prøvesen")
    dialog = page.locator("#session-timeout")
    assert not dialog.is_visible()
    page.clock.fast_forward("25:01")
    dialog.wait_for(state="visible")
    assert re.search(r"Du bliver snart logget ud|You will soon be logged out", dialog.inner_text())
    assert re.search(r"om [45]:[0-5]\d|in [45]:[0-5]\d", dialog.inner_text())   # the countdown (m:ss)
    check(page, "warning")
    with page.expect_response(re.compile(r"/session/forny$")) as renewed:
        dialog.get_by_role("button", name=either("Bliv logget ind", "Stay logged in")).click()
    assert renewed.value.status == 204
    dialog.wait_for(state="hidden")
    page.reload()
    assert page.url.endswith("/borger/mit-sygefravaer"), "still logged in"
