"""A conversation from invitation to minutes in two real browsers, the citizen's and the
caseworker's: Lise asks to talk, Mette books a conversation, Lise answers that she needs another
time, Mette moves it, holds it and writes the minutes, and Lise reads them. Danish on a phone and
English on a desktop for the citizen; every page through the three engines."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from .conftest import PageChecker, type_date
from .test_ongoing_case import either, log_in, report_sick

pytestmark = pytest.mark.e2e


def open_section(page, section: str) -> None:
    """The caseworker's case view keeps its forms in <details> a click away; open one (if shut)."""
    page.locator(f"details#{section}").evaluate("details => { details.open = true; }")


def caseworker_opens_lises_case(page, portal_url, check):
    page.goto(portal_url + "/log-ind/caseworker")
    page.get_by_role("button", name=re.compile("Mette Sagsbehandler")).click()
    page.wait_for_url(re.compile(r"/jobcenter/"))
    page.goto(portal_url + "/jobcenter/?reason=conversation_requested")
    page.get_by_role("link", name="Lise Testesen").first.click()
    page.wait_for_url(re.compile(r"/jobcenter/sag/\d+"))
    check(page, "mette-case")


@pytest.mark.parametrize("lang, viewport", [("da", "phone"), ("en", "desktop")])
def test_an_invitation_answered_moved_held_and_minuted(new_page, portal_url, lang, viewport):
    check = PageChecker(f"conversation-{lang}-{viewport}")
    lise = new_page(viewport)
    log_in(lise, portal_url, lang, "Lise Testesen")
    report_sick(lise, lang, "10-11-2026", check)
    lise.get_by_role("link", name=either("Bed om en samtale med jobcentret",
                                         "Ask for a conversation with the jobcenter")).click()
    lise.get_by_label(either("På telefon", "By phone")).check()
    lise.get_by_label(either("Hvad vil du gerne tale om?", "What would you like to talk about?")).fill(
        "Min arbejdstid")
    lise.get_by_role("button", name=either("Send anmodningen", "Send the request")).click()
    case_url = lise.url.split("?")[0]

    mette = new_page("desktop")
    caseworker_opens_lises_case(mette, portal_url, check)
    open_section(mette, "book")
    type_date(mette, "book-day", "20-11-2026")
    mette.locator("#book-at").fill("10:30")
    mette.locator("#book-form-1").check()  # phone
    mette.locator("#book-details").fill("Vi ringer til dig på dit mobilnummer")
    mette.locator("#book-agenda").fill("Din arbejdstid de næste uger")
    mette.get_by_role("button", name="Book samtalen").click()
    expect(mette.locator("body")).to_contain_text("Samtalen er booket.")
    check(mette, "mette-booked")

    lise.goto(case_url)
    assert "Din arbejdstid de næste uger" in lise.inner_text("main")
    check(lise, "lise-invited")
    lise.get_by_role("link", name=either("Svar på invitationen", "Answer the invitation")).click()
    check(lise, "lise-answer")
    lise.get_by_label(either("Jeg har brug for en anden tid", "I need another time")).check()
    lise.get_by_label(either("Hvorfor tiden ikke passer dig", "Why the time does not suit you")).fill(
        "Jeg skal til scanning")
    lise.get_by_label(re.compile("Hvilke dage|Which days")).fill("Mandag formiddag")
    lise.get_by_role("button", name=either("Send dit svar", "Send your answer")).click()
    expect(lise.locator("body")).to_contain_text(
        re.compile("Jobcentret finder en anden tid|The jobcenter will find another time"))
    check(lise, "lise-answered")

    mette.reload()
    open_section(mette, "conversations")
    main = mette.inner_text("main")
    assert "Beder om en anden tid" in main and "Jeg skal til scanning" in main and "Mandag formiddag" in main
    conversation = re.search(r"conversation-(\d+)", mette.content()).group(1)
    type_date(mette, f"move{conversation}-day", "23.11.2026")
    mette.locator(f"#move{conversation}-at").fill("09:00")
    mette.locator(f"#move{conversation}-form-2").check()  # video
    mette.get_by_role("button", name="Flyt og giv borgeren besked").click()
    expect(mette.locator("body")).to_contain_text("Samtalen er flyttet.")
    assert "23.11.2026" in mette.inner_text("main")
    check(mette, "mette-moved")

    open_section(mette, "conversations")
    type_date(mette, "held-held_on", "16-11-2026")
    mette.get_by_label("Fortsætter i jobcentret").check()
    mette.get_by_role("button", name="Registrér som afholdt").click()
    expect(mette.locator("body")).to_contain_text("Samtalen er registreret som afholdt.")
    open_section(mette, "conversations")
    mette.locator(f"#minutes{conversation}-talked").fill("Din arbejdstid\nDine opgaver i bageriet")
    mette.locator(f"#minutes{conversation}-agreed").fill("Du starter på 20 timer om ugen.")
    type_date(mette, f"minutes{conversation}-next_follow_up_on", "14-12-2026")
    mette.get_by_role("button", name="Gem referatet").click()
    expect(mette.locator("body")).to_contain_text("Referatet er gemt.")
    check(mette, "mette-minutes")

    lise.goto(case_url)
    main = lise.inner_text("main")
    assert "Du starter på 20 timer om ugen." in main and "Dine opgaver i bageriet" in main
    assert re.search("14. december 2026|14 December 2026", main)
    check(lise, "lise-minutes")
    assert "Københavns Kommune" in main and "33 66 33 66" in main  # her municipality, on the case page

    # The minutes as a letter: the letterhead says who wrote, about which case, and how to reach them.
    with lise.expect_download() as download:
        lise.get_by_role("link", name=either("Referat af samtalen", "Minutes of the conversation")).first.click()
    letter = "\n".join(sheet.extract_text() for sheet in PdfReader(download.value.path()).pages)
    case_number = case_url.rstrip("/").rsplit("/", 1)[1]
    for words in ("Københavns Kommune", "Jobcenter København", "33 66 33 66", "Mette Sagsbehandler",
                  f"(?:Sagsnummer|Case number): {case_number}"):
        assert re.search(words, letter), words

    # The footer of both faces links the three statements; each opens in the page's language.
    for page, face_words in ((lise, either("Skriv ikke din diagnose", "Do not write your diagnosis")),
                             (mette, re.compile("skrevet i loggen"))):
        page.goto(portal_url + "/")
        assert face_words.search(page.inner_text("footer"))
        for link in (either("Tilgængelighedserklæring", "Accessibility statement"),
                     either("Privatlivspolitik", "Privacy notice"), either("Kontakt", "Contact")):
            page.locator("footer").get_by_role("link", name=link).click()
            expect(page.locator("h1")).to_have_text(link)  # waits for the new page, not the old heading
            check(page, f"{'lise' if page is lise else 'mette'}-{page.url.rsplit('/', 1)[1]}")


@pytest.mark.parametrize("lang, viewport", [("da", "desktop"), ("en", "phone")])
def test_self_booking_and_a_plan_the_employer_sees_after_consent(new_page, portal_url, lang, viewport):
    """Hanne reports Bo sick; Bo asks to talk; Mette publishes free times and Bo books one; Mette
    holds the conversation and makes the plan; Bo reads it and shares it; only then Hanne sees
    the return-to-work part, and never the doctor's task."""
    from .test_employer import employer_login, report_employee

    check = PageChecker(f"plan-{lang}-{viewport}")
    hanne = new_page(viewport)
    employer_login(hanne, portal_url, lang, "Hanne Arbejdsgiver")
    report_employee(hanne, "851177-4323", "Bo Eksempel", "9-11-2026")

    bo = new_page(viewport)
    log_in(bo, portal_url, lang, "Bo Eksempel")
    bo.get_by_role("link", name=either("Se sygemeldingen, og hvad du kan gøre",
                                       "See the sick leave and what you can do")).click()
    bo.get_by_role("link", name=either("Bed om en samtale med jobcentret",
                                       "Ask for a conversation with the jobcenter")).click()
    bo.get_by_label(either("På telefon", "By phone")).check()
    bo.get_by_label(either("Hvad vil du gerne tale om?", "What would you like to talk about?")).fill("Mine timer")
    bo.get_by_role("button", name=either("Send anmodningen", "Send the request")).click()
    case_url = bo.url.split("?")[0]

    mette = new_page("desktop")
    mette.goto(portal_url + "/log-ind/caseworker")
    mette.get_by_role("button", name=re.compile("Mette Sagsbehandler")).click()
    mette.wait_for_url(re.compile(r"/jobcenter/"))
    mette.get_by_role("link", name="Ledige tider").click()
    type_date(mette, "time-day", "20-11-2026")
    mette.locator("#time-at").fill("09:00")
    mette.locator("#time-form-1").check()  # phone
    mette.locator("#time-count").fill("2")
    mette.get_by_role("button", name="Offentliggør").click()
    expect(mette.locator("body")).to_contain_text("2 ledige tider er offentliggjort.")
    check(mette, "free-times")

    bo.goto(case_url)
    bo.get_by_role("link", name=either("Se ledige tider og book en", "See free times and book one")).click()
    check(bo, "book-time")
    bo.locator("#time-1").check()  # the second time: 09:45
    bo.get_by_role("button", name=either("Book tiden", "Book the time")).click()
    expect(bo.locator("body")).to_contain_text(re.compile("Din samtale er booket|Your conversation is booked"))
    assert re.search("09[.:]45|9:45", bo.inner_text("main"))

    mette.goto(portal_url + "/jobcenter/?reason=conversation_requested")
    mette.get_by_role("link", name="Bo Eksempel").first.click()
    open_section(mette, "conversations")
    type_date(mette, "held-held_on", "16-11-2026")
    mette.get_by_label("Fortsætter i jobcentret").check()
    mette.get_by_role("button", name="Registrér som afholdt").click()
    mette.get_by_role("link", name="Lav planen").click()
    mette.locator("#plan-goal-1").check()  # back part of the time
    mette.locator("#plan-adjustments").fill("Ingen tunge løft ved ovnen")
    mette.locator("#plan-measure_1_what").fill("Lettere opgaver ved disken")
    mette.locator("#plan-measure_1_who").select_option("employer")
    mette.locator("#plan-measure_2_what").fill("Fysioterapi to gange om ugen")
    mette.locator("#plan-measure_2_who").select_option("doctor")
    check(mette, "plan-form")
    mette.get_by_role("button", name="Gem som ny version").click()
    expect(mette.locator("body")).to_contain_text("Version 1 af opfølgningsplanen er gemt.")

    questions = hanne.url  # the list; the report's own page is one click away
    hanne.goto(questions)
    hanne.locator("tbody tr", has_text="Bo Eksempel").get_by_role("link").first.click()
    report_page = hanne.url
    assert not re.search("Plan for tilbagevenden|Plan for the return", hanne.content())

    bo.goto(case_url)
    assert "Fysioterapi to gange om ugen" in bo.inner_text("main")
    check(bo, "plan-read")
    bo.locator("input[id^='share-'][id$='-0']").first.check()  # yes, for Bo's one employer
    bo.get_by_role("button", name=either("Gem dit valg", "Save your choice")).click()
    check(bo, "plan-shared")

    hanne.goto(report_page)
    main = hanne.inner_text("main")
    assert re.search("Plan for tilbagevenden til arbejdet|Plan for the return to work", main)
    assert "Lettere opgaver ved disken" in main and "Fysioterapi" not in main
    check(hanne, "employer-plan")
