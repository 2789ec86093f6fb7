"""The CPR register in a real browser (issue 31): Ahmed Prøvesen, who lives in Aarhus, reports sick;
Karsten (Aarhus) finds his case, Mette (København) does not."""
from __future__ import annotations

import re

import pytest

from .conftest import PageChecker
from .test_caseworkers_day import caseworker_login, search
from .test_ongoing_case import log_in, report_sick

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("lang, viewport", [("da", "desktop"), ("en", "phone")])
def test_ahmed_s_case_reaches_aarhus_and_not_koebenhavn(new_page, portal_url, lang, viewport):
    check = PageChecker(f"register-{lang}-{viewport}")
    ahmed = new_page(viewport)
    log_in(ahmed, portal_url, lang, "Ahmed Prøvesen")
    report_sick(ahmed, lang, ("9", "nov.", "2026"), check)
    case_number = re.search(r"/borger/sag/(\d+)$", ahmed.url).group(1)

    karsten = new_page(viewport)
    caseworker_login(karsten, portal_url, lang, "Karsten Sagsbehandler")
    search(karsten, "Ahmed Prøvesen")
    rows = karsten.locator("main table tbody tr")
    assert rows.count() == 1 and "Ahmed Prøvesen" in rows.first.inner_text()
    check(karsten, "karsten-finds-ahmed")
    rows.first.get_by_role("link").click()
    karsten.wait_for_url(re.compile(rf"/jobcenter/sag/{case_number}$"))
    assert "Ahmed Prøvesen" in karsten.locator("h1").inner_text()

    mette = new_page(viewport)
    caseworker_login(mette, portal_url, lang, "Mette Sagsbehandler")
    search(mette, "Ahmed Prøvesen")
    assert mette.locator("main table tbody tr").count() == 0
    assert mette.goto(f"{portal_url}/jobcenter/sag/{case_number}").status == 404
