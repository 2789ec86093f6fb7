"""Issue 29: every page tells one true story. What happens next on a case is said the same way on
the citizen's overview, her case page and the employer's list; what she already told us is carried
over. Today is Monday 16 November 2026 (week 47)."""
from __future__ import annotations

import re

from tests.conftest import Auth

from .test_citizen_journey import (
    CITIZEN,
    STEPS,
    case_id_from,
    post_form,
    report_sick,
    submit_everything,
    text,
)
from .test_employer import FAST_TRACK, HANNE, login, report_employee, report_id_of
from .test_self_booking import book, free_times, publish


def main_of(html: str) -> str:
    return html[html.index("<main"):html.index("</main>")]


def visible(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# The wording: Danish on Danish pages, and spoken to the citizen -----------------------------------

def test_the_overview_speaks_danish_to_the_citizen_of_her_own_expectation(client, auth):
    auth.login(CITIZEN)
    case_id = case_id_from(report_sick(client, expected_return_known="date", expected_return="2026-11-27"))
    submit_everything(client, case_id)  # "2 to 4 weeks": within 8 weeks, so no conversation as a rule
    for url in ("/borger/mit-sygefravaer", f"/borger/sag/{case_id}"):
        page = visible(main_of(text(client.get(url))))
        assert "expect recovery" not in page and "The citizen" not in page, url
        assert "Du regner med at være tilbage inden for 26 uger" in page, url
    # Her deadline list credits only the party who said so, in her own words, not the rule's "Borgeren".
    deadlines = visible(main_of(text(client.get(f"/borger/sag/{case_id}"))))
    deadlines = deadlines[deadlines.index("Dine frister"):]
    assert "Borgeren" not in deadlines and "Du og din arbejdsgiver" not in deadlines
    assert "Du regner med at være tilbage inden for 26 uger" in deadlines


# A conversation she asked for and booked herself ---------------------------------------------------

def test_a_self_booked_conversation_is_shown_and_replaces_the_promise_to_contact_her(make_app):
    app = make_app(PORTAL_TODAY="2026-11-16")
    mette = app.test_client()
    Auth(mette).login("Mette Sagsbehandler", "caseworker")
    publish(mette)
    lise = app.test_client()
    Auth(lise).login(CITIZEN)
    case_id = case_id_from(report_sick(lise))
    submit_everything(lise, case_id)
    asked = post_form(lise, f"/borger/sag/{case_id}/samtale", {"form": "phone", "reason": "Min arbejdstid"})
    # As a browser does: the redirect's page shows "we contact you" (issue 28: only that page shows it).
    assert "kontakter dig senest" in visible(main_of(text(lise.get(asked.headers["Location"]))))
    assert book(lise, case_id, free_times(app)[0].id).status_code == 303

    overview = visible(main_of(text(lise.get("/borger/mit-sygefravaer"))))
    assert "Din samtale med jobcentret er booket: 20.11.2026" in overview or \
        "Din samtale med jobcentret er booket: 20. nov" in overview, overview
    case_html = main_of(text(lise.get(f"/borger/sag/{case_id}")))
    case = visible(case_html)
    assert "Din samtale med jobcentret er booket" in case and "Du har selv valgt tiden." in case
    assert "ikke planlagt" not in case and "kontakter dig senest" not in case
    assert "Svar på invitationen" not in case
    requested = re.search(r'id="obligation-requested_conversation-\d+".*?</li>', case_html, flags=re.S).group(0)
    assert "Booket" in requested and "Aktuel nu" not in requested


# No "the date has passed" for a date that has not passed --------------------------------------------

def test_a_citizen_who_does_not_know_is_not_told_her_expected_date_has_passed(client, auth):
    auth.login(CITIZEN)
    case_id = case_id_from(report_sick(client))  # "Det ved jeg ikke endnu"
    submit_everything(client, case_id)
    page = visible(main_of(text(client.get(f"/borger/sag/{case_id}"))))
    assert "er passeret" not in page


# What she already said is carried over ---------------------------------------------------------------

def test_the_e_mail_of_the_sick_report_is_in_the_questionnaire(client, auth):
    auth.login(CITIZEN)
    case_id = case_id_from(report_sick(client, email="lise@example.dk"))
    page = text(client.get(f"/borger/sag/{case_id}/oplysningsskema/om-dig"))
    assert re.search(r'name="email"[^>]*value="lise@example.dk"|value="lise@example.dk"[^>]*name="email"', page)
    # sent on unchanged, the check page shows it, not "Ikke besvaret"
    post_form(client, f"/borger/sag/{case_id}/oplysningsskema/om-dig",
              {"phone": "", "email": "lise@example.dk"})
    for slug, answers in STEPS[1:]:
        post_form(client, f"/borger/sag/{case_id}/oplysningsskema/{slug}", answers)
    check = visible(main_of(text(client.get(f"/borger/sag/{case_id}/oplysningsskema/tjek"))))
    assert "lise@example.dk" in check


def test_the_weekly_hours_and_the_weeks_to_choose_follow_what_she_said(client, auth):
    auth.login(CITIZEN)
    case_id = case_id_from(report_sick(client, first_absence_day="2026-10-26"))  # week 44, reported week 47
    submit_everything(client, case_id)  # 37 hours a week
    page = text(client.get(f"/borger/sag/{case_id}/timer"))
    assert re.search(r'id="normal_hours"[^>]*value="37"|value="37"[^>]*id="normal_hours"', page)
    weeks = re.findall(r'<option[^>]*value="(2026-W\d\d)"', page)
    assert weeks == ["2026-W46", "2026-W45", "2026-W44"]  # not the week under way; the first week is there


def test_a_week_at_half_time_makes_the_sick_leave_partial(client, auth):
    auth.login(CITIZEN)
    case_id = case_id_from(report_sick(client, first_absence_day="2026-11-02"))
    assert "Helt fraværende" in visible(main_of(text(client.get("/borger/mit-sygefravaer"))))
    done = post_form(client, f"/borger/sag/{case_id}/timer",
                     {"week": "2026-W46", "normal_hours": "37", "worked_hours": "18,5"})
    assert done.status_code == 303
    for url in ("/borger/mit-sygefravaer", f"/borger/sag/{case_id}"):
        page = visible(main_of(text(client.get(url))))
        assert "Helt fraværende" not in page and "Delvist fraværende" in page, url


def test_the_fast_track_forms_offer_no_choice_that_is_always_refused(make_app, app):
    lise = app.test_client()
    Auth(lise).login(CITIZEN)
    case_id = case_id_from(report_sick(lise, first_absence_day="2026-11-02"))
    citizen_form = text(lise.get(f"/borger/sag/{case_id}/fast-track"))
    assert "under_8_weeks" not in citizen_form
    assert "Jeg forventer at være helt tilbage inden for 8 uger" not in citizen_form
    employer = login(make_app, HANNE, "employer")
    report_employee(employer, first_absence_day="2026-11-09", cpr="720385-4312", employee_name="Ahmed Prøvesen")
    form = text(employer.get(f"/arbejdsgiver/indberetning/{report_id_of(app)}/fast-track"))
    assert "Op til 8 uger" not in form and "under_8_weeks" not in form


# The employer ------------------------------------------------------------------------------------

def test_the_employer_row_says_the_questions_are_answered(make_app, app):
    employer = login(make_app, HANNE, "employer")
    report_employee(employer)
    before = visible(main_of(text(employer.get("/arbejdsgiver/"))))
    assert "Besvar arbejdsgiverspørgsmålene" in before
    post_form(employer, f"/arbejdsgiver/indberetning/{report_id_of(app)}/spoergsmaal",
              {"conversation_held": "no", "expected_known": "unknown", "retention_plan": "no"})
    after = visible(main_of(text(employer.get("/arbejdsgiver/"))))
    assert "Modtaget" not in after and "Besvar arbejdsgiverspørgsmålene" not in after
    assert "Jeres svar er sendt" in after and "Besvaret 16.11.2026" in after and "Ret jeres svar" in after


def lise_after_her_employer_asks_for_fast_track(make_app, app):
    """Hanne reports Lise sick and asks for fast track; Lise logs in. Their two clients."""
    employer = login(make_app, HANNE, "employer")
    report_employee(employer)
    assert post_form(employer, f"/arbejdsgiver/indberetning/{report_id_of(app)}/fast-track",
                     FAST_TRACK).status_code == 303
    lise = app.test_client()
    Auth(lise).login(CITIZEN)
    return employer, lise


def test_the_employers_fast_track_request_is_on_the_employees_overview(make_app, app):
    employer, lise = lise_after_her_employer_asks_for_fast_track(make_app, app)
    overview = visible(main_of(text(lise.get("/borger/mit-sygefravaer"))))
    assert "Din arbejdsgiver har bedt om fast track. Svar senest 18. november 2026" in overview
    row = visible(main_of(text(employer.get("/arbejdsgiver/"))))
    assert "Medarbejderen svarer på jeres anmodning om fast track senest 18.11.2026" in row


# Her deadlines speak to her; the employer's to the employer ------------------------------------------

def test_the_citizens_deadlines_address_her_in_her_language(client, auth):
    auth.login(CITIZEN)
    case_id = case_id_from(report_sick(client))
    page = visible(main_of(text(client.get(f"/borger/sag/{case_id}"))))
    deadlines = page[page.index("Dine frister"):]
    assert "orgeren" not in deadlines and "citizen" not in deadlines
    assert "Du besvarer det oplysningsskema, kommunen har sendt dig." in deadlines
    assert "Du eller din arbejdsgiver" in deadlines
    client.get("/sprog/en?next=/")
    page = visible(main_of(text(client.get(f"/borger/sag/{case_id}"))))
    deadlines = page[page.index("Your deadlines"):]
    assert "citizen" not in deadlines and "orgeren" not in deadlines
    assert "You answer the questionnaire the municipality sent you." in deadlines
    assert "You or your employer" in deadlines


def test_the_employers_deadlines_address_the_employer(make_app, app):
    employer = login(make_app, HANNE, "employer")
    report_employee(employer)
    url = f"/arbejdsgiver/indberetning/{report_id_of(app)}/spoergsmaal"
    page = visible(main_of(text(employer.get(url))))
    deadlines = page[page.index("Jeres frister som arbejdsgiver"):]
    assert "orgeren" not in deadlines and "citizen" not in deadlines
    assert "I eller medarbejderen kan bede om fast track" in deadlines
    employer.get("/sprog/en?next=/")
    page = visible(main_of(text(employer.get(url))))
    deadlines = page[page.index("Your deadlines as employer"):]
    assert "orgeren" not in deadlines and "citizen" not in deadlines
    assert "You or your employee can ask for fast track" in deadlines


def test_the_portals_service_goal_is_translated_on_english_pages(client, auth):
    auth.login(CITIZEN)
    case_id = case_id_from(report_sick(client))
    submit_everything(client, case_id)
    post_form(client, f"/borger/sag/{case_id}/samtale", {"form": "phone", "reason": "Min arbejdstid"})
    assert "portalens servicemål" in text(client.get(f"/borger/sag/{case_id}"))
    client.get("/sprog/en?next=/")
    page = text(client.get(f"/borger/sag/{case_id}"))
    assert "portalens servicemål" not in page
    assert "the portal&#39;s service goal" in page or "the portal's service goal" in page


def test_expected_back_is_the_duration_she_gave_in_the_questionnaire(client, auth):
    auth.login(CITIZEN)
    case_id = case_id_from(report_sick(client))  # "I don't know" at the report
    assert "Forventet tilbage Ikke kendt endnu" in visible(main_of(text(client.get(f"/borger/sag/{case_id}"))))
    submit_everything(client, case_id)  # "2 to 4 weeks" on 16 November: the timeline reckons with 14 December
    for url in ("/borger/mit-sygefravaer", f"/borger/sag/{case_id}"):
        page = visible(main_of(text(client.get(url))))
        assert "Forventet tilbage 14. december 2026" in page, url


def test_her_buttons_come_in_the_order_they_are_due(make_app, app):
    employer, lise = lise_after_her_employer_asks_for_fast_track(make_app, app)
    overview = text(lise.get("/borger/mit-sygefravaer"))
    case_id = int(re.search(r"/borger/sag/(\d+)", overview).group(1))
    page = main_of(text(lise.get(f"/borger/sag/{case_id}")))
    # The fast-track answer is due 18 November, the questionnaire 24 November: the sooner one comes first.
    assert "Svar senest 18. november 2026" in visible(page) and "senest 24. november 2026" in visible(page)
    buttons = [visible(b).strip() for b in re.findall(r'<a class="button button-primary"[^>]*>(.*?)</a>', page, re.S)]
    assert buttons == ["Svar på din arbejdsgivers anmodning", "Besvar oplysningsskemaet"]


# The caseworker's queue: a date that is not a date ------------------------------------------------

def test_a_due_date_that_does_not_exist_is_a_field_error_in_both_languages(client, auth):
    auth.login("Mette Sagsbehandler", "caseworker")
    query = "/jobcenter/?due_by-day=31&due_by-month=02&due_by-year=2026"
    for headers in ({}, {"HX-Request": "true"}):  # the whole page, and the list htmx swaps in
        page = visible(text(client.get(query, headers=headers)))
        assert "Datoen skal være en rigtig dato" in page, headers
        assert "Datoen i “Frist senest” er ikke en rigtig dato" in page, headers
        assert "0 sager" not in page, headers
    assert client.get("/jobcenter/?due_by=31-02-2026").status_code == 400
    client.get("/sprog/en?next=/")
    page = visible(text(client.get(query)))
    assert "Datoen" not in page and "0 cases" not in page
    assert "The date must be a real date" in page
    assert "The date in “Due on or before” is not a real date" in page
