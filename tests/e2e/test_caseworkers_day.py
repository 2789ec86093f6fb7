"""The caseworker's day in a real browser (issue 19): Mette finds a citizen by CPR number and by
name, gives the case to her colleague Sofie, who finds it under "Mine sager"; Mette lets a case wait
with a reason, moves another to Aarhus, where Karsten finds it, and reads the team's coming weeks.
Both languages, phone and desktop, every page through the three engines."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from portal.demo import FIRST_NAMES, LAST_NAMES, demo_cpr

from .conftest import PageChecker, type_date
from .test_ongoing_case import either

pytestmark = pytest.mark.e2e

# Demo citizen 1: an odd number, so the case is København's (portal/demo.py).
CPR = demo_cpr(1)
TYPED_CPR = f"{CPR[:6]}-{CPR[6:]}"
NAME = f"{FIRST_NAMES[1]} {LAST_NAMES[1]}"


def caseworker_login(page, portal_url, lang, who):
    page.goto(portal_url + "/")
    if lang == "en":
        page.get_by_role("link", name="English").click()
    page.goto(portal_url + "/log-ind/caseworker")
    page.get_by_role("button", name=re.compile(re.escape(who))).click()
    page.wait_for_url(re.compile(r"/jobcenter/"))


def search(page, term):
    page.get_by_label(either("CPR-nummer, navn, sagsnummer", "CPR number, name, case number")).first.fill(term)
    with page.expect_navigation():  # a second search starts on /jobcenter/soeg: the URL alone does not wait
        page.get_by_role("button", name=either("Søg", "Search"), exact=True).first.click()
    page.wait_for_url(re.compile(r"/jobcenter/soeg$"))


@pytest.mark.parametrize("lang, viewport", [("da", "desktop"), ("en", "phone")])
def test_find_by_cpr_and_name_and_give_the_case_to_a_colleague(new_page, portal_url, lang, viewport):
    check = PageChecker(f"caseworkers-day-share-{lang}-{viewport}")
    mette = new_page(viewport)
    caseworker_login(mette, portal_url, lang, "Mette Sagsbehandler")
    check(mette, "queue-tabs")
    search(mette, TYPED_CPR)
    assert TYPED_CPR not in mette.url and CPR not in mette.url   # a POST: the number is in no address
    results = mette.locator("main table tbody tr")
    assert results.count() == 1 and NAME in results.first.inner_text()
    check(mette, "search-by-cpr")
    search(mette, CPR)                                            # typed without the hyphen
    assert mette.locator("main table tbody tr").count() == 1
    search(mette, NAME.lower()[:4] + " " + LAST_NAMES[1][:4])      # "mads eks"
    assert mette.locator("main table tbody tr").count() >= 1
    assert all(NAME in row for row in mette.locator("main table tbody tr").all_inner_texts())
    check(mette, "search-by-name")

    mette.locator("main table tbody tr").first.get_by_role("link").click()
    mette.wait_for_url(re.compile(r"/jobcenter/sag/\d+"))
    case_url = mette.url
    mette.get_by_text(either("Giv sagen til en kollega", "Give the case to a colleague")).first.click()
    mette.locator("#assign-colleague").select_option(label="Sofie Kollega")
    check(mette, "case-assign")
    mette.get_by_role("button", name=either("Giv sagen videre", "Give the case")).click()
    expect(mette.locator("body")).to_contain_text(
        re.compile("Sagen er givet til Sofie Kollega|The case is given to Sofie Kollega"))
    assert "Sofie Kollega" in mette.inner_text("main")

    sofie = new_page(viewport)
    caseworker_login(sofie, portal_url, lang, "Sofie Kollega")
    sofie.get_by_role("link", name=either("Mine sager", "My cases")).click()
    sofie.wait_for_url(re.compile(r"assignee=me"))
    assert NAME in sofie.inner_text("#queue")
    assert sofie.locator(".queue-tabs [aria-current=true]").inner_text().startswith(("Mine sager", "My cases"))
    check(sofie, "sofie-my-cases")
    sofie.goto(case_url)
    assert "Sofie Kollega" in sofie.inner_text("main")


@pytest.mark.parametrize("lang, viewport", [("da", "phone"), ("en", "desktop")])
def test_wait_with_a_reason_move_a_case_to_aarhus_and_see_the_coming_weeks(new_page, portal_url, lang, viewport):
    check = PageChecker(f"caseworkers-day-plan-{lang}-{viewport}")
    mette = new_page(viewport)
    caseworker_login(mette, portal_url, lang, "Mette Sagsbehandler")
    # A case due in months, so it can wait (the demo's long expected absence).
    mette.goto(portal_url + "/jobcenter/?reason=long_expected_absence")
    first = mette.locator("#queue tbody tr").first
    waiting_name = first.get_by_role("link").inner_text()
    first.get_by_role("link").click()
    mette.wait_for_url(re.compile(r"/jobcenter/sag/\d+"))
    mette.get_by_text(either("Sæt sagen i bero", "Put the case on hold")).first.click()
    type_date(mette, "wait-until", "20-11-2026")
    mette.locator("#wait-reason").fill("Venter på lægeerklæring")
    check(mette, "case-wait")
    mette.get_by_role("button", name=either("Sæt den i bero", "Put it on hold")).click()
    expect(mette.locator("body")).to_contain_text(re.compile("Sagen er i bero til|The case is on hold until"))
    assert "Venter på lægeerklæring" in mette.inner_text("main")
    check(mette, "case-waiting")
    mette.goto(portal_url + "/jobcenter/?assignee=waiting")
    assert waiting_name in mette.inner_text("#queue")
    check(mette, "queue-waiting")

    mette.goto(portal_url + "/jobcenter/?assignee=none")
    row = mette.locator("#queue tbody tr").nth(1)
    moved_name = row.get_by_role("link").inner_text()
    row.get_by_role("link").click()
    mette.wait_for_url(re.compile(r"/jobcenter/sag/\d+"))
    case_url = mette.url
    mette.get_by_text(either("Flyt sagen til en anden kommune", "Move the case to another municipality")).first.click()
    mette.locator("#move_to-to").select_option("751")
    mette.locator("#move_to-reason").fill("Borgeren er flyttet til Aarhus")
    check(mette, "case-transfer")
    mette.get_by_role("button", name=either("Flyt sagen", "Move the case"), exact=True).click()
    expect(mette.locator("body")).to_contain_text(re.compile("Sagen er flyttet til Aarhus|The case is moved to Aarhus"))
    assert mette.goto(case_url).status == 404

    karsten = new_page(viewport)
    caseworker_login(karsten, portal_url, lang, "Karsten Sagsbehandler")
    search(karsten, moved_name)
    assert karsten.locator("main table tbody tr").count() >= 1
    karsten.goto(case_url)
    karsten.locator("#timeline > summary").click()   # the case's history is a click away
    assert re.search("Flyttet til en anden kommune|Moved to another municipality", karsten.inner_text("main"))
    check(karsten, "karsten-moved-case")

    mette.goto(portal_url + "/jobcenter/")
    mette.get_by_role("link", name=either("Kommende uger", "Coming weeks")).click()
    mette.wait_for_url(re.compile(r"/jobcenter/arbejdsbyrde$"))
    weeks = mette.locator("table.workload-table tbody tr")
    assert weeks.count() == 8
    assert re.search(r"Uge 47|Week 47", weeks.first.inner_text())
    check(mette, "workload")
