"""A caseworker in a real browser: log in, filter the queue (htmx, and without JavaScript), take a
case, book and record a conversation, see the compliance page and the audit log. axe checks every
page."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import PageChecker, type_date

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("viewport, javascript", [("desktop", True), ("phone", True), ("desktop", False)])
def test_caseworker_journey(new_page, portal_url, viewport, javascript):
    page = new_page(viewport, javascript=javascript)
    check = PageChecker(f"caseworker-{viewport}{'' if javascript else '-nojs'}", javascript=javascript)
    page.goto(portal_url + "/log-ind/caseworker")
    check(page, "idp-login")
    page.get_by_role("button", name=re.compile("Mette Sagsbehandler")).click()
    page.wait_for_url(re.compile(r"/jobcenter/"))
    check(page, "queue")
    rows_before = page.locator("#queue tbody tr").count()
    assert rows_before > 0, "the demo data gives the queue cases"

    page.get_by_label("Årsag").select_option("questionnaire_overdue")
    if not javascript:
        page.get_by_role("button", name="Filtrér").click()
    page.wait_for_url(re.compile(r"reason=questionnaire_overdue"))
    page.wait_for_function("() => [...document.querySelectorAll('#queue tbody tr')].every("
                           "r => r.innerText.includes('Oplysningsskema for sent'))")
    check(page, "queue-filtered")

    page.locator("#queue tbody tr").first.get_by_role("link").click()
    page.wait_for_url(re.compile(r"/jobcenter/sag/\d+"))
    check(page, "case")
    page.get_by_role("button", name="Tag sagen").click()
    expect(page.locator("body")).to_contain_text("Du har taget sagen.")

    page.locator("#book > summary").click()   # the overview's actions open a click away
    type_date(page, "book-day", "18.11.2026")
    page.get_by_label("Tidspunkt").fill("10:30")
    page.get_by_label("Telefon").check()
    page.get_by_role("button", name="Book samtalen").click()
    expect(page.locator("body")).to_contain_text("Samtalen er booket.")
    assert "18.11.2026" in page.inner_text("main")  # the date typed, stored
    check(page, "case-booked")

    page.locator("#conversations > summary").click()
    type_date(page, "held-held_on", "16-11-2026")
    page.get_by_label("Tilbage til selvbetjening").check()
    page.get_by_role("button", name="Registrér som afholdt").click()
    expect(page.locator("body")).to_contain_text("Samtalen er registreret som afholdt.")
    page.locator("#conversations > summary").click()
    assert "Afholdt 16.11.2026" in page.inner_text("main")
    check(page, "case-held")

    page.get_by_role("link", name="Overholdelse").click()
    expect(page.locator("body")).to_contain_text("Første samtaler holdt inden fristen")
    expect(page.locator("body")).to_contain_text(re.compile(r"\d+ af \d+ første samtaler"))
    check(page, "compliance")

    page.get_by_role("link", name="Revisionslog").click()
    expect(page.locator("body")).to_contain_text("Så sagen")
    check(page, "audit-log")
