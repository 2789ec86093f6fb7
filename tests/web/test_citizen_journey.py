"""The citizen's first journey through the web, as the citizen meets it: log in over OIDC, report
sick, answer the questionnaire step by step, check, declare, submit, receipt."""
from __future__ import annotations

import re

import pytest
from sqlmodel import select

from portal.db import session_scope
from portal.models import CaseEvent, Questionnaire, SickCase

from ..conftest import Auth, age_sessions, csrf_token

CITIZEN = "Lise Testesen"
OTHER_CITIZEN = "Ahmed Prøvesen"

REPORT = {
    "first_absence_day": "2026-11-10",
    "employment": "employed",
    "employer_cvr": "12345674",
    "employer_name": "Testbageriet ApS",
    "absence_kind": "full",
    "partial_hours": "",
    "expected_return_known": "unknown",
    "expected_return": "",
}

STEPS = [
    ("om-dig", {"phone": "12 34 56 78", "email": "lise@example.dk"}),
    ("dit-arbejde", {"job_title": "Bager", "weekly_hours": "37",
                     "affected_functions": "Tunge løft og lange vagter ved ovnen."}),
    ("din-sygdom", {"expected_duration": "2_4_weeks", "in_treatment": "yes", "treatment": "Fysioterapi",
                    "hospitalised": "no", "work_injury": "no"}),
    ("tilbage-til-arbejde", {"partial_return": "yes", "adjustments": "Lettere opgaver en tid."}),
    ("standby", {"standby": "no"}),
    ("samtale", {"wants_conversation": "no", "conversation_topic": ""}),
]


def post_form(client, url, data, **kwargs):
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    return client.post(url, data={**data, "csrf_token": csrf_token(page.get_data(as_text=True))},
                       **kwargs)


def report_sick(client, **changes):
    return post_form(client, "/borger/sygemelding", {**REPORT, **changes})


def case_id_from(response) -> int:
    return int(re.search(r"/sag/(\d+)/", response.headers["Location"]).group(1))


def text(response) -> str:
    return response.get_data(as_text=True)


def test_front_page_is_danish_and_offers_mitid(client):
    page = client.get("/")
    assert page.status_code == 200
    assert '<html lang="da">' in text(page)
    assert "Log ind med MitID" in text(page)


def test_language_switch_keeps_the_page(client):
    switched = client.get("/sprog/en?next=/borger/sygemelding")
    assert switched.status_code == 302
    assert switched.headers["Location"].endswith("/borger/sygemelding")
    assert '<html lang="en">' in text(client.get("/"))
    assert "Log in with MitID" in text(client.get("/"))


def test_language_switch_refuses_other_sites(client):
    switched = client.get("/sprog/en?next=//evil.example/")
    assert switched.headers["Location"] == "/"


def test_my_sick_leave_asks_for_login(client):
    response = client.get("/borger/mit-sygefravaer")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/log-ind/citizen")


def test_login_through_the_provider_lands_on_my_sick_leave(client, auth):
    done = auth.login(CITIZEN)
    assert done.headers["Location"].endswith("/borger/mit-sygefravaer")
    page = client.get("/borger/mit-sygefravaer")
    assert page.status_code == 200
    assert CITIZEN in text(page)
    assert "Du har ingen åben sygemelding" in text(page)


def test_the_whole_journey_in_danish(client, auth, app):
    auth.login(CITIZEN)
    reported = report_sick(client)
    assert reported.status_code == 303
    case_id = case_id_from(reported)
    receipt_page = client.get(reported.headers["Location"])
    # sent on 16 November, due 8 days later (RULES.md: § 11 stk. 3)
    assert "24. november 2026" in text(receipt_page)

    start = client.get(f"/borger/sag/{case_id}/oplysningsskema")
    assert start.headers["Location"].endswith("/oplysningsskema/om-dig")
    for slug, answers in STEPS:
        page = client.get(f"/borger/sag/{case_id}/oplysningsskema/{slug}")
        assert page.status_code == 200
        assert "Trin" in text(page)
        response = client.post(f"/borger/sag/{case_id}/oplysningsskema/{slug}",
                               data={**answers, "csrf_token": csrf_token(text(page)),
                                     "action": "continue"})
        assert response.status_code == 303, text(response)
    assert response.headers["Location"].endswith("/oplysningsskema/tjek")

    check = client.get(f"/borger/sag/{case_id}/oplysningsskema/tjek")
    assert "Tunge løft og lange vagter ved ovnen." in text(check)
    assert "2 til 4 uger" in text(check)

    refused = client.post(f"/borger/sag/{case_id}/oplysningsskema/tjek",
                          data={"csrf_token": csrf_token(text(check))})
    assert refused.status_code == 400
    assert "Du skal bekræfte erklæringen" in text(refused)

    sent = client.post(f"/borger/sag/{case_id}/oplysningsskema/tjek",
                       data={"csrf_token": csrf_token(text(check)), "declaration": "y"})
    assert sent.status_code == 303
    receipt = client.get(sent.headers["Location"])
    reference = re.search(r"OS-[A-Z2-9]{8}", text(receipt)).group(0)

    overview = client.get("/borger/mit-sygefravaer")
    assert reference in text(overview)
    assert "Oplysningsskema modtaget" in text(overview)
    with app.app_context(), session_scope(app) as db:
        questionnaire = db.exec(select(Questionnaire).where(Questionnaire.case_id == case_id)).one()
        assert questionnaire.status == "submitted"
        assert questionnaire.answers["dit-arbejde"]["job_title"] == "Bager"
        kinds = [e.kind for e in db.exec(select(CaseEvent).where(CaseEvent.case_id == case_id))]
        assert kinds.count("questionnaire_submitted") == 1
        assert "sickness_reported" in kinds


def test_the_journey_in_english(client, auth):
    client.get("/sprog/en?next=/")
    auth.login(CITIZEN)
    reported = report_sick(client)
    page = client.get(reported.headers["Location"])
    assert "Your sickness is reported" in text(page)
    assert "24 November 2026" in text(page)
    case_id = case_id_from(reported)
    step = client.get(f"/borger/sag/{case_id}/oplysningsskema/om-dig")
    assert "Step 1 of 7" in text(step)
    assert "How can the jobcenter reach you?" in text(step)


@pytest.mark.parametrize("changes, message", [
    ({"first_absence_day": "2026-11-17"}, "Første fraværsdag kan ikke være i fremtiden."),
    ({"first_absence_day": ""}, "Skriv den første dag, du var fraværende på grund af sygdom."),
    ({"first_absence_day": "2026-02-30"}, "Datoen skal være en rigtig dato"),
    ({"first_absence_day": "2025-11-01"}, "højst ligge 12 måneder tilbage"),
    ({"absence_kind": "partial", "partial_hours": "3.5"}, "mindst 4 timers fravær om ugen"),
    ({"absence_kind": "partial", "partial_hours": ""}, "Skriv, hvor mange timer om ugen du er fraværende."),
    ({"employer_cvr": "1234567"}, "Et CVR-nummer består af 8 cifre"),
    ({"employer_cvr": "12345675"}, "Det er ikke et gyldigt CVR-nummer"),
    ({"employer_cvr": ""}, "Skriv din arbejdsgivers CVR-nummer."),
    ({"employer_name": ""}, "Skriv din arbejdsgivers navn."),
    ({"employment": ""}, "Vælg din arbejdssituation."),
    ({"expected_return_known": "date", "expected_return": ""}, "Skriv den dato, du forventer at være tilbage"),
    ({"expected_return_known": "date", "expected_return": "2026-11-09"}, "skal ligge efter første fraværsdag"),
])
def test_report_refuses_bad_input_with_a_clear_error(client, auth, app, changes, message):
    auth.login(CITIZEN)
    response = report_sick(client, **changes)
    assert response.status_code == 400
    page = text(response)
    assert "Der er et problem" in page
    assert message in page
    with app.app_context(), session_scope(app) as db:
        assert db.exec(select(SickCase)).all() == []


def test_partial_absence_of_exactly_four_hours_is_accepted(client, auth):
    auth.login(CITIZEN)
    response = report_sick(client, absence_kind="partial", partial_hours="4")
    assert response.status_code == 303


def test_not_employed_needs_no_employer(client, auth, app):
    auth.login(CITIZEN)
    response = report_sick(client, employment="unemployed", employer_cvr="", employer_name="")
    assert response.status_code == 303
    with app.app_context(), session_scope(app) as db:
        case = db.exec(select(SickCase)).one()
        assert case.employment == "unemployed" and case.employer_cvr is None


def test_an_open_case_that_covers_the_date_is_refused(client, auth, app):
    auth.login(CITIZEN)
    assert report_sick(client).status_code == 303
    again = report_sick(client, first_absence_day="2026-11-12")
    assert again.status_code == 400
    assert "Du har allerede en åben sygemelding fra 10. november 2026" in text(again)
    with app.app_context(), session_scope(app) as db:
        assert len(db.exec(select(SickCase)).all()) == 1


def test_a_double_clicked_report_makes_one_case(client, auth, app):
    auth.login(CITIZEN)
    page = client.get("/borger/sygemelding")
    data = {**REPORT, "csrf_token": csrf_token(text(page))}
    first = client.post("/borger/sygemelding", data=data)
    second = client.post("/borger/sygemelding", data=data)
    assert first.status_code == 303
    assert second.status_code == 400
    with app.app_context(), session_scope(app) as db:
        assert len(db.exec(select(SickCase)).all()) == 1


def test_a_draft_can_be_finished_on_another_device(app):
    phone = app.test_client()
    Auth(phone).login(CITIZEN)
    case_id = case_id_from(report_sick(phone))
    slug, answers = STEPS[0]
    saved = post_form(phone, f"/borger/sag/{case_id}/oplysningsskema/{slug}",
                      {**answers, "action": "save_and_leave"})
    assert saved.headers["Location"].endswith("/borger/mit-sygefravaer")

    desktop = app.test_client()
    Auth(desktop).login(CITIZEN)
    overview = desktop.get("/borger/mit-sygefravaer")
    assert "Fortsæt oplysningsskemaet" in text(overview)
    resumed = desktop.get(f"/borger/sag/{case_id}/oplysningsskema")
    assert resumed.headers["Location"].endswith("/oplysningsskema/dit-arbejde")
    first_step = desktop.get(f"/borger/sag/{case_id}/oplysningsskema/om-dig")
    assert 'value="lise@example.dk"' in text(first_step)


def test_questionnaire_step_errors_keep_what_was_typed(client, auth):
    auth.login(CITIZEN)
    case_id = case_id_from(report_sick(client))
    response = post_form(client, f"/borger/sag/{case_id}/oplysningsskema/dit-arbejde",
                         {"job_title": "Bager", "weekly_hours": "200", "affected_functions": ""})
    assert response.status_code == 400
    page = text(response)
    assert "Skriv et antal timer mellem 0,5 og 80." in page
    assert "Beskriv, hvilke arbejdsopgaver du ikke kan klare lige nu." in page
    assert 'value="Bager"' in page


def test_contact_step_needs_phone_or_email(client, auth):
    auth.login(CITIZEN)
    case_id = case_id_from(report_sick(client))
    response = post_form(client, f"/borger/sag/{case_id}/oplysningsskema/om-dig", {"phone": "", "email": ""})
    assert response.status_code == 400
    assert "Skriv et telefonnummer eller en e-mailadresse" in text(response)


def submit_everything(client, case_id):
    for slug, answers in STEPS:
        post_form(client, f"/borger/sag/{case_id}/oplysningsskema/{slug}", {**answers, "action": "continue"})
    return post_form(client, f"/borger/sag/{case_id}/oplysningsskema/tjek", {"declaration": "y"})


def test_a_submitted_questionnaire_cannot_be_changed_or_sent_twice(client, auth, app):
    auth.login(CITIZEN)
    case_id = case_id_from(report_sick(client))
    check = client.get(f"/borger/sag/{case_id}/oplysningsskema/tjek")
    token = csrf_token(text(client.get(f"/borger/sag/{case_id}/oplysningsskema/om-dig")))
    submit_everything(client, case_id)
    # the same check form posted again (a second click, or the back button)
    again = client.post(f"/borger/sag/{case_id}/oplysningsskema/tjek",
                        data={"csrf_token": token, "declaration": "y"})
    assert again.headers["Location"].endswith("/oplysningsskema/kvittering")
    change = client.post(f"/borger/sag/{case_id}/oplysningsskema/om-dig",
                         data={"csrf_token": token, "phone": "87654321", "email": ""})
    assert change.headers["Location"].endswith("/oplysningsskema/kvittering")
    assert check.status_code in (200, 302)
    with app.app_context(), session_scope(app) as db:
        questionnaire = db.exec(select(Questionnaire).where(Questionnaire.case_id == case_id)).one()
        assert questionnaire.answers["om-dig"]["phone"] == "12 34 56 78"
        events = db.exec(select(CaseEvent).where(CaseEvent.case_id == case_id,
                                                 CaseEvent.kind == "questionnaire_submitted")).all()
        assert len(events) == 1


def test_another_citizen_cannot_see_the_case(app):
    owner = app.test_client()
    Auth(owner).login(CITIZEN)
    case_id = case_id_from(report_sick(owner))
    stranger = app.test_client()
    Auth(stranger).login(OTHER_CITIZEN)
    for path in ("oplysningsskema", "oplysningsskema/om-dig", "oplysningsskema/tjek", "modtaget"):
        assert stranger.get(f"/borger/sag/{case_id}/{path}").status_code == 404
    assert "Testbageriet" not in text(stranger.get("/borger/mit-sygefravaer"))


def test_logout_ends_the_session(client, auth):
    auth.login(CITIZEN)
    out = auth.logout()
    assert out.status_code == 302
    assert "/logout" in out.headers["Location"] or out.headers["Location"].endswith("/")
    assert "lise" not in out.headers["Location"].lower()
    assert client.get("/borger/mit-sygefravaer").status_code == 302


def test_the_session_ends_after_30_minutes_idle(app, client, auth):
    auth.login(CITIZEN)
    age_sessions(app, idle_minutes=31)
    response = client.get("/borger/mit-sygefravaer")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/log-ind/citizen")


def test_a_session_used_within_30_minutes_stays(app, client, auth):
    auth.login(CITIZEN)
    age_sessions(app, idle_minutes=29)
    assert client.get("/borger/mit-sygefravaer").status_code == 200
