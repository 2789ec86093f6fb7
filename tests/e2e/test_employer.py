"""The employer's face in a real browser, in Danish and English, on a phone and a desktop; axe checks
every page. Hanne (Testbageriet ApS) reports Bo and Ahmed sick and asks for fast track for both; Bo
sees his case and agrees, Ahmed declines; the caseworker sees Bo's handover with the employer's
answers and no fast track for Ahmed; Jens (another company) sees none of it."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import PageChecker, type_date
from .test_citizen_journey import TEXT
from .test_ongoing_case import either

pytestmark = pytest.mark.e2e


def employer_login(page, portal_url, lang, who, check=None):
    page.goto(portal_url + "/")
    if lang == "en":
        page.get_by_role("link", name="English").click()
    page.get_by_role("link", name=either("Log ind med MitID Erhverv", "Log in with MitID Erhverv")).click()
    page.get_by_role("button", name=re.compile(re.escape(who))).click()
    page.wait_for_url(re.compile(r"/arbejdsgiver/$"))
    if check:
        check(page, "employer-list-empty")


def report_employee(page, cpr, name, first_day, check=None):
    page.get_by_role("link", name=either("Sygemeld en medarbejder", "Report an employee sick")).first.click()
    if check:
        check(page, "employer-report")
    page.locator("#cpr").fill(cpr)
    page.locator("#employee_name").fill(name)
    type_date(page, "first_absence_day", first_day)
    page.locator("#absence_kind-0").check()
    page.get_by_role("button", name=either("Send sygemeldingen", "Send the sick report")).click()
    page.wait_for_url(re.compile(r"/arbejdsgiver/$"))


def request_fast_track(page, name, check=None):
    row = page.locator("tbody tr", has_text=name)
    row.get_by_role("link", name=either("Anmod om fast track", "Request fast track")).click()
    if check:
        check(page, "employer-fast-track")
    page.locator("#functions").fill("Tunge løft ved ovnen og nattevagter.")
    page.locator("#duration-2").check()
    page.locator("#adapted-1").check()
    page.locator("#adapted_how").fill("Lettere opgaver om dagen.")
    page.get_by_role("button", name=either("Anmod om fast track", "Request fast track")).click()
    page.wait_for_url(re.compile(r"/arbejdsgiver/$"))


def citizen_answers(page, portal_url, lang, who, decision, check, label):
    t = TEXT[lang]
    page.goto(portal_url + "/")
    if lang == "en":
        page.get_by_role("link", name="English").click()
    page.get_by_role("link", name=t["login"]).first.click()
    page.get_by_role("button", name=re.compile(re.escape(who))).first.click()
    page.wait_for_url(re.compile(r"/borger/mit-sygefravaer"))
    expect(page.locator("body")).to_contain_text(re.compile(r"9\. november 2026|9 November 2026"))
    page.get_by_role("link", name=either("Se sygemeldingen, og hvad du kan gøre",
                                         "See the sick leave and what you can do")).click()
    check(page, f"{label}-case")
    page.get_by_role("link", name=either("Svar på din arbejdsgivers anmodning",
                                         "Answer your employer's request")).first.click()
    check(page, f"{label}-answer")
    page.locator("#functions").fill("Jeg kan ikke løfte.")
    page.locator("#duration-2").check()
    page.locator("#adapted-1").check()
    page.locator("#decision-0" if decision == "consent" else "#decision-1").check()
    page.get_by_role("button", name=either("Send dit svar", "Send your answer")).click()
    page.wait_for_url(re.compile(r"/borger/sag/\d+$"))
    check(page, f"{label}-answered")


@pytest.mark.parametrize("lang, viewport", [("da", "phone"), ("da", "desktop"), ("en", "phone"), ("en", "desktop")])
def test_the_employer_journey(new_page, portal_url, lang, viewport):
    check = PageChecker(f"employer-{lang}-{viewport}")
    hanne = new_page(viewport)
    employer_login(hanne, portal_url, lang, "Hanne Arbejdsgiver", check)
    report_employee(hanne, "851177-4323", "Bo Eksempel", "9-11-2026", check)
    report_employee(hanne, "720385-4312", "Ahmed Prøvesen", ("09", "november", "2026"))
    listing = hanne.content()
    assert "851177-xxxx" in listing and "4323" not in listing
    check(hanne, "employer-list")
    request_fast_track(hanne, "Bo Eksempel", check)
    request_fast_track(hanne, "Ahmed Prøvesen")
    check(hanne, "employer-list-requests")
    row = hanne.locator("tbody tr", has_text="Bo Eksempel")
    row.get_by_role("link", name=either("Besvar arbejdsgiverspørgsmålene", "Answer the employer questions")).click()
    check(hanne, "employer-questions")
    hanne.locator("#conversation_held-0").check()
    type_date(hanne, "conversation_on", "13.11.2026")
    hanne.locator("#conversation_form-1").check()
    hanne.locator("#expected_known-1").check()
    hanne.locator("#adjustments").fill("Kortere vagter.")
    hanne.locator("#retention_plan-1").check()
    hanne.get_by_role("button", name=either("Send svarene", "Send the answers")).click()
    hanne.wait_for_url(re.compile(r"/arbejdsgiver/$"))

    citizen_answers(new_page(viewport), portal_url, lang, "Bo Eksempel", "consent", check, "bo")
    citizen_answers(new_page(viewport), portal_url, lang, "Ahmed Prøvesen", "decline", check, "ahmed")

    hanne.reload()
    expect(hanne.locator("body")).to_contain_text(re.compile(r"Medarbejderen sagde ja|The employee agreed"))
    expect(hanne.locator("body")).to_contain_text(re.compile(r"Medarbejderen sagde nej|The employee declined"))

    caseworker = new_page(viewport)
    caseworker.goto(portal_url + "/log-ind/caseworker")
    caseworker.get_by_role("button", name=re.compile("Mette Sagsbehandler")).click()
    caseworker.wait_for_url(re.compile(r"/jobcenter/"))
    caseworker.goto(portal_url + "/jobcenter/?reason=fast_track")
    rows = caseworker.locator("#queue tbody tr")
    assert "Bo Eksempel" in rows.first.inner_text() and "30.11.2026" in rows.first.inner_text()
    assert "Ahmed Prøvesen" not in caseworker.locator("#queue").inner_text()  # declined: the ordinary rule
    rows.first.get_by_role("link").click()
    caseworker.wait_for_url(re.compile(r"/jobcenter/sag/\d+"))
    file = caseworker.content()
    assert "Tunge løft ved ovnen og nattevagter." in file and "Kortere vagter." in file
    assert "Accepteret af borgeren" in file
    check(caseworker, "caseworker-employer-answers")

    jens = new_page(viewport)
    employer_login(jens, portal_url, lang, "Jens Virksomhed")
    assert "Bo Eksempel" not in jens.content() and "Ahmed" not in jens.content()
    bo_report = re.search(r"/arbejdsgiver/indberetning/(\d+)/", hanne.content()).group(1)
    answer = jens.goto(f"{portal_url}/arbejdsgiver/indberetning/{bo_report}/spoergsmaal")
    assert answer.status == 404


def test_the_employer_journey_without_javascript(new_page, portal_url):
    check = PageChecker("employer-da-phone-nojs", javascript=False)
    hanne = new_page("phone", javascript=False)
    employer_login(hanne, portal_url, "da", "Hanne Arbejdsgiver", check)
    report_employee(hanne, "851177-4323", "Bo Eksempel", "2026-11-09", check)
    request_fast_track(hanne, "Bo Eksempel", check)
    expect(hanne.locator("body")).to_contain_text("Venter på medarbejderens svar")
    check(hanne, "employer-list-requests")
