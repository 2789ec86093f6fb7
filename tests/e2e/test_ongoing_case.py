"""The ongoing case in a real browser, in Danish and English, on a phone and a desktop; axe checks
every page on the way.

Lise (sick since 1 October) reports three weeks of partial hours, one refused with the rule
explained, makes a step-up plan, answers a check-in that asks to talk (which hands the case over),
opts in to standby and out again, and reports that she is well, which closes the case. Ahmed (sick
since 2 November) asks for fast track, and the caseworker finds him at the top of the fast-track
queue with the 2-week deadline."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import PageChecker, type_date
from .test_citizen_journey import TEXT

pytestmark = pytest.mark.e2e


def either(da: str, en: str):
    return re.compile(f"{re.escape(da)}|{re.escape(en)}")


def log_in(page, portal_url, lang, who):
    page.goto(portal_url + "/")
    if lang == "en":
        page.get_by_role("link", name="English").click()
    page.get_by_role("link", name=TEXT[lang]["login"]).first.click()
    page.get_by_role("button", name=re.compile(re.escape(who))).first.click()
    page.wait_for_url(re.compile(r"/borger/mit-sygefravaer"))


def report_sick(page, lang, first_day, check):
    t = TEXT[lang]
    page.get_by_role("link", name=t["report"]).click()
    type_date(page, "first_absence_day", first_day)
    page.get_by_label(t["employed"], exact=True).check()
    page.get_by_label(t["cvr"]).fill("12345674")
    page.get_by_label(t["employer"]).fill("Testbageriet ApS")
    page.get_by_label(t["full"], exact=False).first.check()
    page.get_by_label(t["unknown"]).check()
    page.locator("#email").fill("borger@example.dk")
    page.get_by_role("button", name=t["submit_report"]).click()
    page.wait_for_url(re.compile(r"/modtaget"))
    page.goto(re.sub(r"/modtaget$", "", page.url))
    page.wait_for_url(re.compile(r"/borger/sag/\d+$"))
    check(page, "case")


CHART_CONTRASTS = """() => {
    const luminance = (css) => {
        const [r, g, b] = css.match(/[\\d.]+/g).slice(0, 3).map(Number).map(v => v / 255)
            .map(c => c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const against_white = (css) => 1.05 / (luminance(css) + 0.05);
    const contrasts = {};
    for (const [part, selector] of [['normal hours', '.hours-normal'], ['worked hours', '.hours-worked'],
                                    ['plan', '.hours-plan']]) {
        const element = document.querySelector(selector);
        if (!element) continue;
        const style = getComputedStyle(element);
        // A part is seen by its fill or, where the fill is light, by its outline: the better of the two.
        const colours = [style.fill, style.stroke].filter(c => c && c.startsWith('rgb'));
        contrasts[part] = Math.max(...colours.map(against_white));
    }
    return contrasts;
}"""


def chart_contrasts(page) -> dict:
    contrasts = page.evaluate(CHART_CONTRASTS)
    assert contrasts, "the hours chart should be on the page"
    return contrasts


def back_to_case(page):
    page.goto(re.sub(r"(/borger/sag/\d+).*", r"\1", page.url))


def report_week(page, week, normal, worked):
    page.locator("#week").select_option(week)
    page.locator("#normal_hours").fill(normal)
    page.locator("#worked_hours").fill(worked)
    with page.expect_navigation():  # the form posts and the page comes back: the next week waits for it
        page.get_by_role("button", name=either("Gem ugen", "Save the week")).click()


def lise(page, portal_url, lang, check):
    log_in(page, portal_url, lang, "Lise Testesen")
    report_sick(page, lang, "1.10.2026", check)
    assert re.search(r"1\. oktober 2026|1 October 2026", page.inner_text("main"))

    # three weeks of partial hours; one is refused, with the rule and its source
    page.get_by_role("link", name=either("Indberet timer ved delvis sygemelding",
                                         "Report partial sick leave hours")).click()
    check(page, "hours")
    report_week(page, "2026-W45", "37,5", "12,5")  # a decimal comma, in English too
    saved = either("Dine timer for uge 45 er gemt", "Your hours for week 45 are saved")
    expect(page.get_by_text(saved)).to_be_visible()
    week45 = page.locator("table tbody tr", has_text="45").first.locator("td")
    comma = "," if lang == "da" else "."
    assert [week45.nth(i).inner_text().strip() for i in range(2)] == [f"37{comma}5", f"12{comma}5"]
    assert week45.nth(2).inner_text().startswith("25 ")  # 25 hours of absence, stored and worked out
    report_week(page, "2026-W46", "37", "34")
    expect(page.get_by_role("alert").first).to_be_visible()
    expect(page.locator("body")).to_contain_text(re.compile(r"mindst 4 timer om ugen|at least 4 hours a week"))
    expect(page.locator("body")).to_contain_text("sygedagpengeloven § 7")
    check(page, "hours-refused")
    report_week(page, "2026-W46", "37", "20")
    report_week(page, "2026-W44", "37", "25")  # the week under way is not offered; one before it is
    expect(page.locator("table tbody tr")).to_have_count(3)
    check(page, "hours-three-weeks")

    page.get_by_role("link", name=either("Lav en plan", "Make a plan")).click()
    check(page, "plan")
    page.locator("#start_week").select_option("2026-W47")
    page.locator("#start_hours").fill("25")
    page.locator("#weekly_increase").fill("4")
    page.locator("#full_hours").fill("37")
    page.get_by_role("button", name=either("Gem planen", "Save the plan")).click()
    expect(page.locator("body")).to_contain_text(re.compile(r"fuld tid i uge 50|full hours in week 50"))
    check(page, "hours-with-plan")
    for part, contrast in chart_contrasts(page).items():
        assert contrast >= 3, f"WCAG 1.4.11: the chart's {part} is {contrast:.2f}:1 against white"

    # the check-in is due (every 6 weeks): asking to talk hands the case over
    back_to_case(page)
    page.get_by_role("link", name=either("Besvar opfølgningen", "Answer the follow-up")).first.click()
    check(page, "check-in")
    page.locator("#feeling-1").check()
    page.locator("#expected_return_known-1").check()
    page.locator("#can_work_partly-0").check()
    page.locator("#wants_conversation-0").check()
    page.get_by_role("button", name=either("Send dine svar", "Send your answers")).click()
    check(page, "check-in-errors")  # the form of the talk is missing
    page.locator("#conversation_form-1").check()
    page.locator("#conversation_reason").fill("Hvordan jeg kommer op i tid.")
    page.get_by_role("button", name=either("Send dine svar", "Send your answers")).click()
    page.wait_for_url(re.compile(r"/borger/sag/\d+$"))
    expect(page.locator("body")).to_contain_text(
        re.compile(r"Du har bedt om en samtale|You have asked for a conversation"))
    check(page, "case-conversation-asked")

    # standby in and out
    page.get_by_role("link", name=either("Standby-ordningen", "Standby scheme (standby-ordning)")).click()
    check(page, "standby")
    page.locator("#group-0").check()
    page.locator("#understood").check()
    page.get_by_role("button", name=either("Vælg standby", "Choose standby")).click()
    page.wait_for_url(re.compile(r"/borger/sag/\d+$"))
    expect(page.locator("body")).to_contain_text(re.compile(r"Du er på standby|You are on standby"))
    assert not re.search(r"Besvar opfølgningen|Answer the follow-up", page.content())
    check(page, "case-standby")
    page.get_by_role("link", name=either("Læs mere, eller fortryd standby",
                                         "Read more or withdraw standby")).first.click()
    check(page, "standby-chosen")
    page.get_by_role("button", name=either("Fortryd standby", "Withdraw standby")).click()
    page.wait_for_url(re.compile(r"/borger/sag/\d+$"))
    assert not re.search(r"Du er på standby|You are on standby", page.content())

    # recovery closes the case
    page.get_by_role("link", name=either("Raskmeld dig", "Report that you are well")).click()
    check(page, "recovery")
    page.locator("#kind-0").check()
    type_date(page, "recovered_on", ("16", "11", "2026"))
    page.get_by_role("button", name=either("Indberet", "Report")).click()
    page.wait_for_url(re.compile(r"/borger/sag/\d+$"))
    expect(page.locator("body")).to_contain_text(re.compile(r"Afsluttet|Closed"))
    assert not re.search(r"Det kan du gøre|What you can do", page.content())
    check(page, "case-closed")


def ahmed(page, portal_url, lang, check):
    log_in(page, portal_url, lang, "Ahmed Prøvesen")
    report_sick(page, lang, ("2", "nov.", "2026"), check)
    assert re.search(r"2\. november 2026|2 November 2026", page.inner_text("main"))
    page.get_by_role("link", name=either("Bed om fast track", "Ask for fast track")).click()
    check(page, "fast-track")
    # "Up to 8 weeks" is not offered (fast track is for longer absences, §§ 7 c og 7 e); sent
    # without a choice, the form says what is missing.
    page.locator("#consent").check()
    page.get_by_role("button", name=either("Bed om fast track", "Ask for fast track")).click()
    expect(page.locator("body")).to_contain_text(re.compile(
        "Vælg, hvor længe du regner med at være væk|Choose how long you expect to be away"))
    check(page, "fast-track-refused")
    page.locator("#expected_duration-1").check()  # 13 to 26 weeks
    page.get_by_role("button", name=either("Bed om fast track", "Ask for fast track")).click()
    page.wait_for_url(re.compile(r"/borger/sag/\d+$"))
    expect(page.locator("body")).to_contain_text(
        re.compile(r"senest den 30\. november 2026|no later than 30 November 2026"))
    check(page, "case-fast-track")


def caseworker_sees_fast_track(page, portal_url, check):
    page.goto(portal_url + "/log-ind/caseworker")
    page.get_by_role("button", name=re.compile("Karsten Sagsbehandler")).click()  # Ahmed lives in Aarhus
    page.wait_for_url(re.compile(r"/jobcenter/"))
    page.goto(portal_url + "/jobcenter/?reason=fast_track")
    first = page.locator("#queue tbody tr", has_text="Ahmed Prøvesen").first
    assert "Ahmed Prøvesen" in first.inner_text() and "30.11.2026" in first.inner_text()
    check(page, "queue-fast-track")
    first.get_by_role("link").click()
    page.wait_for_url(re.compile(r"/jobcenter/sag/\d+"))
    reasons = page.inner_text("main")  # the overview: why the jobcenter has it, and the due date
    assert "Fast track" in reasons and "30.11.2026" in reasons
    check(page, "case-fast-track")


@pytest.mark.parametrize("lang, viewport", [("da", "phone"), ("da", "desktop"), ("en", "phone"), ("en", "desktop")])
def test_the_ongoing_case(new_page, portal_url, lang, viewport):
    check = PageChecker(f"ongoing-{lang}-{viewport}")
    lise(new_page(viewport), portal_url, lang, check)
    ahmed(new_page(viewport), portal_url, lang, check)
    caseworker_sees_fast_track(new_page(viewport), portal_url, check)


def test_the_ongoing_case_without_javascript(new_page, portal_url):
    check = PageChecker("ongoing-da-phone-nojs", javascript=False)
    lise(new_page("phone", javascript=False), portal_url, "da", check)
