"""The citizen's journey in a real browser: login over OIDC, report sick, every questionnaire step,
check answers, submit, receipt, logout. In Danish and English, on a phone and a desktop, with and
without JavaScript; axe-core checks every page on the way."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import PageChecker, type_date

pytestmark = pytest.mark.e2e

TEXT = {
    "da": {
        "login": "Log ind med MitID", "report": "Sygemeld dig", "submit_report": "Sygemeld dig",
        "first_day": "Første fraværsdag", "employed": "Lønmodtager", "cvr": "Arbejdsgiverens CVR-nummer",
        "employer": "Arbejdsgiverens navn", "full": "Helt fraværende", "unknown": "Det ved jeg ikke endnu",
        "answer": "Besvar oplysningsskemaet", "continue": "Gem og fortsæt", "yes": "Ja", "no": "Nej",
        "declaration": "Jeg erklærer", "send": "Send oplysningsskemaet", "received": "Vi har modtaget",
        "logout": "Log ud", "problem": "Der er et problem", "error": "Fejl:",
        "sick_from": "Sygemeldt fra 10. november 2026.",
        "hours_shown": "37,5", "satisfied": "Tilfreds", "improve": "Hvad kan vi gøre bedre",
        "send_feedback": "Send dit svar", "thanks": "Tak for dit svar",
    },
    "en": {
        "login": "Log in with MitID", "report": "Report sick", "submit_report": "Report sick",
        "first_day": "First day of absence", "employed": "Employed (lønmodtager)", "cvr": "Employer's CVR number",
        "employer": "Employer's name", "full": "Fully absent", "unknown": "I don't know yet",
        "answer": "Answer the questionnaire", "continue": "Save and continue", "yes": "Yes", "no": "No",
        "declaration": "I declare", "send": "Send the questionnaire", "received": "We have received",
        "logout": "Log out", "problem": "There is a problem", "error": "Error:",
        "sick_from": "Sick leave from 10 November 2026.",
        "hours_shown": "37.5", "satisfied": "Satisfied", "improve": "How could we improve it",
        "send_feedback": "Send your answer", "thanks": "Thank you for your answer",
    },
}
CITIZEN = "Lise Testesen"


def log_in(page, portal_url, who, t, check):
    page.goto(portal_url + "/")
    check(page, "front")
    page.get_by_role("link", name=t["login"]).first.click()
    check(page, "idp-login")
    page.get_by_role("button", name=re.compile(re.escape(who))).first.click()
    page.wait_for_url(re.compile(r"/borger/mit-sygefravaer"))


# How people type 10 November 2026 and 37,5 hours: the page must store exactly that, whatever the language.
TYPED_DATES = {("da", "phone"): "10-11-2026", ("da", "desktop"): "10.11.2026",
               ("en", "phone"): ("10", "nov", "2026"), ("en", "desktop"): "10/11/2026"}


def journey(page, portal_url, lang, who, check, typed_date="10-11-2026", typed_hours="37,5"):
    t = TEXT[lang]
    page.goto(portal_url + "/")
    if lang == "en":
        page.get_by_role("link", name="English").click()
    log_in(page, portal_url, who, t, check)
    check(page, "my-sick-leave")
    page.get_by_role("link", name=t["report"]).click()
    check(page, "report")

    # a failed submit first: the error summary takes focus and links to the field
    page.get_by_role("button", name=t["submit_report"]).click()
    check(page, "report-errors")
    # The error summary is spoken as "Fejl: Der er et problem" (the hidden label stands for its icon).
    summary = page.get_by_role("alert").first.inner_text().splitlines()
    assert summary[:2] == [t["error"], t["problem"]], summary

    type_date(page, "first_absence_day", typed_date)
    page.get_by_label(t["employed"], exact=True).check()
    page.get_by_label(t["cvr"]).fill("12345674")
    page.get_by_label(t["employer"]).fill("Testbageriet ApS")
    page.get_by_label(t["full"], exact=False).first.check()
    page.get_by_label(t["unknown"]).check()
    page.get_by_role("button", name=t["submit_report"]).click()
    check(page, "reported")
    assert t["sick_from"] in page.inner_text("main")  # what was stored, read back

    page.get_by_role("link", name=t["answer"]).click()
    page.get_by_label(re.compile("Telefonnummer|Phone number")).fill("12 34 56 78")
    check(page, "q1-contact")
    page.get_by_role("button", name=t["continue"]).click()
    page.get_by_label(re.compile("Stillingsbetegnelse|Job title")).fill("Bager")
    page.get_by_label(re.compile("arbejdstid|working hours")).fill(typed_hours)
    page.get_by_label(re.compile("arbejdsopgaver|work tasks")).fill("Tunge løft ved ovnen.")
    check(page, "q2-work")
    page.get_by_role("button", name=t["continue"]).click()
    page.get_by_label(re.compile("2 til 4 uger|2 to 4 weeks")).check()
    for group in page.locator("fieldset").all()[1:3]:
        group.get_by_label(t["no"], exact=True).check()
    page.locator("fieldset").nth(3).get_by_label(t["no"], exact=True).check()
    check(page, "q3-sickness")
    page.get_by_role("button", name=t["continue"]).click()
    page.locator("fieldset").first.get_by_label(t["yes"], exact=True).check()
    check(page, "q4-back-to-work")
    page.get_by_role("button", name=t["continue"]).click()
    page.get_by_label(t["no"], exact=True).check()
    check(page, "q5-standby")
    page.get_by_role("button", name=t["continue"]).click()
    page.get_by_label(t["no"], exact=True).check()
    check(page, "q6-conversation")
    page.get_by_role("button", name=t["continue"]).click()
    check(page, "check-answers")
    hours_row = page.locator(".summary-list-row", has_text=re.compile("Normal arbejdstid|Normal working hours"))
    assert hours_row.locator("dd").first.inner_text().strip() == t["hours_shown"]  # stored 37.5, shown by language
    page.get_by_label(re.compile(t["declaration"])).check()
    page.get_by_role("button", name=t["send"]).click()
    page.wait_for_url(re.compile(r"kvittering"))
    check(page, "receipt")
    assert t["received"] in page.content()
    expect(page.locator("body")).to_contain_text(re.compile(r"OS-[A-Z2-9]{8}"))
    # GOV.UK's confirmation pattern: one anonymous question about the service
    page.get_by_label(t["satisfied"], exact=True).check()
    page.get_by_label(re.compile(t["improve"])).fill("Let at udfylde på telefonen.")
    page.get_by_role("button", name=t["send_feedback"]).click()
    assert t["thanks"] in page.inner_text("#feedback")
    check(page, "receipt-feedback-sent")
    page.get_by_role("button", name=t["logout"]).click()
    page.wait_for_url(re.compile(r"/$|/logout"))
    check(page, "logged-out")


@pytest.mark.parametrize("lang, viewport", [("da", "phone"), ("da", "desktop"), ("en", "phone"),
                                            ("en", "desktop")])
def test_citizen_journey(new_page, portal_url, lang, viewport):
    page = new_page(viewport)
    journey(page, portal_url, lang, CITIZEN, PageChecker(f"{lang}-{viewport}"), TYPED_DATES[lang, viewport],
            "37,5" if viewport == "phone" else "37.5")


def test_citizen_journey_without_javascript(new_page, portal_url):
    """htmx and DKFDS's script only improve the pages: the journey works with JavaScript off."""
    page = new_page("phone", javascript=False)
    journey(page, portal_url, "da", CITIZEN, PageChecker("da-phone-nojs", javascript=False), "10112026", "37,5")


def focused(page) -> dict:
    return page.evaluate("""() => { const e = document.activeElement; const s = getComputedStyle(e);
        return {id: e.id, tag: e.tagName, text: (e.innerText || e.value || '').trim().slice(0, 60),
                outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0,
                shadow: s.boxShadow !== 'none', summary: e.hasAttribute('data-error-summary')}; }""")


def tab_to(page, locator, limit: int = 120) -> None:
    """Press Tab until the element has focus, as a keyboard user would; focus must be visible."""
    target = locator.element_handle()
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(el) => document.activeElement === el", target):
            state = focused(page)
            assert state["outline"] or state["shadow"], f"focus is not visible on {state}"
            return
    raise AssertionError(f"Tab never reached {locator}")


def choose(page, group_first, option) -> None:
    """Radio groups take one Tab stop; Space picks the focused one, the arrow keys move on."""
    tab_to(page, group_first)
    page.keyboard.press("Space")
    for _ in range(10):
        if option.is_checked():
            return
        page.keyboard.press("ArrowDown")
    assert option.is_checked()


def choose_by_name(page, name: str, label: str) -> None:
    group = page.locator(f"input[name={name}]")
    option = page.locator(f"input[name={name}] + label:text-is('{label}')").locator(
        "xpath=preceding-sibling::input[1]")
    choose(page, group.first, option)


def press_and_wait(page, key: str = "Enter") -> None:
    with page.expect_navigation():
        page.keyboard.press(key)


def test_keyboard_alone(new_page, portal_url):
    page = new_page("desktop")
    t = TEXT["da"]
    page.goto(portal_url + "/")
    tab_to(page, page.get_by_role("link", name=t["login"]).first)
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("button", name=re.compile(CITIZEN)).first)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/borger/mit-sygefravaer"))
    tab_to(page, page.get_by_role("link", name=t["report"]))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"sygemelding"))

    # a failed submit puts focus on the error summary, whose links move focus to the field
    tab_to(page, page.get_by_role("button", name=t["submit_report"]))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.hasAttribute('data-error-summary')")
    assert focused(page)["summary"], focused(page)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "first_absence_day-day"

    page.keyboard.type("10112026")  # the whole date in the day box, as many Danes type it
    radios = page.locator("input[name=employment]")
    choose(page, radios.first, page.get_by_label(t["employed"], exact=True))
    tab_to(page, page.get_by_label(t["cvr"]))
    page.keyboard.type("12345674")
    page.keyboard.press("Tab")
    page.keyboard.type("Testbageriet ApS")
    choose(page, page.locator("input[name=absence_kind]").first, page.get_by_label(t["full"]).first)
    choose(page, page.locator("input[name=expected_return_known]").first, page.get_by_label(t["unknown"]))
    tab_to(page, page.get_by_role("button", name=t["submit_report"]))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/modtaget"))
    assert t["sick_from"] in page.inner_text("main")  # 10 November, not 11 October
    tab_to(page, page.get_by_role("link", name=t["answer"]))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/om-dig"))
    tab_to(page, page.get_by_label("Telefonnummer"))
    page.keyboard.type("12345678")
    tab_to(page, page.get_by_role("button", name=t["continue"]))
    press_and_wait(page)
    expect(page.locator("body")).to_contain_text("Trin 2 af 7")
    tab_to(page, page.get_by_label("Stillingsbetegnelse"))
    page.keyboard.type("Bager")
    page.keyboard.press("Tab")
    page.keyboard.type("37,5")
    page.keyboard.press("Tab")
    page.keyboard.type("Tunge løft ved ovnen.")
    tab_to(page, page.get_by_role("button", name=t["continue"]))
    press_and_wait(page)
    for name, label in [("expected_duration", "2 til 4 uger"), ("in_treatment", "Nej"),
                        ("hospitalised", "Nej"), ("work_injury", "Nej")]:
        choose_by_name(page, name, label)
    tab_to(page, page.get_by_role("button", name=t["continue"]))
    press_and_wait(page)
    for step_name, label in [("partial_return", "Ja"), ("standby", "Nej"), ("wants_conversation", "Nej")]:
        choose_by_name(page, step_name, label)
        tab_to(page, page.get_by_role("button", name=t["continue"]))
        press_and_wait(page)
    expect(page.locator("body")).to_contain_text("Tjek dine svar")
    assert "37,5" in page.inner_text("main")
    tab_to(page, page.get_by_label(re.compile(t["declaration"])))
    page.keyboard.press("Space")
    tab_to(page, page.get_by_role("button", name=t["send"]))
    press_and_wait(page)
    assert t["received"] in page.content()
