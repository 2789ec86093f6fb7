"""The timeline through the web: the public calculator (page and JSON), one set of dates on the
citizen's page, the caseworker's case view and in screening, a caseworker's correction, and the
standby cases the rules used to miss."""
from __future__ import annotations

import re
from datetime import date

from sqlmodel import select

from portal.cases.facts import case_facts
from portal.db import session_scope
from portal.models import CaseEvent, Handover, SickCase
from portal.rules import Code, State, find, screen, timeline

from ..conftest import Auth, csrf_token
from .test_citizen_journey import CITIZEN, case_id_from, report_sick, text
from .test_jobcenter import caseworker

TODAY = date(2026, 11, 16)


def json_deadlines(client, query, **headers):
    return client.get(f"/frister?{query}", headers={"Accept": "application/json", **headers})


# ---- the public calculator ---------------------------------------------------------------------------

def test_the_calculator_answers_json_with_every_required_code(client):
    answer = json_deadlines(client, "first_absence_day=2026-05-13&fast_track_requested_on=2026-05-20"
                                    "&questionnaire_sent_on=2026-06-15&expected_return=2026-09-01&on=2026-06-20")
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    body = answer.get_json()
    assert body["regime"] == "2025"
    dates = {o["code"]: o["date"] for o in body["obligations"]}
    assert dates == {**dates,
                     "employer_period_end": "2026-06-11", "employer_absence_conversation": "2026-06-09",
                     "fast_track_window_end": "2026-06-16", "questionnaire_due": "2026-06-23",
                     "first_conversation": "2026-07-07", "fast_track_conversation": "2026-06-03",
                     "reassessment": "2026-10-13"}
    states = {o["code"]: o["state"] for o in body["obligations"]}
    assert states["fast_track_conversation"] == "overdue" and states["fast_track_window_end"] == "met"
    assert states["questionnaire_due"] == "due" and states["employer_period_end"] == "met"
    for obligation in body["obligations"]:
        assert obligation["who"] in ("employer", "citizen", "employer_or_citizen", "municipality")
        assert obligation["source"] and obligation["text_da"] and obligation["text_en"]


def test_the_calculator_s_answer_follows_the_case_s_regime_across_1_july_2026(client):
    before = json_deadlines(client, "first_absence_day=2026-06-30&on=2026-07-02").get_json()
    after = json_deadlines(client, "first_absence_day=2026-07-01&on=2026-07-02").get_json()
    first = {b["code"]: b for b in before["obligations"]}["first_conversation"]
    assert (before["regime"], first["date"]) == ("2025", "2026-08-24")
    first = {b["code"]: b for b in after["obligations"]}["first_conversation"]
    # the safe reading of lov nr. 1750/2025: a case that is not exempt keeps week 8
    assert (after["regime"], first["date"]) == ("2026", "2026-08-25")
    short = json_deadlines(client, "first_absence_day=2026-07-01&expected_return=2026-09-01&on=2026-07-02").get_json()
    first = {b["code"]: b for b in short["obligations"]}["first_conversation"]
    assert first["state"] == "not_required" and "26" in first["why_en"]


def test_bad_input_gets_a_problem_body_in_the_page_s_language(client):
    impossible = json_deadlines(client, "first_absence_day=2026-02-31")
    assert impossible.status_code == 400 and impossible.mimetype == "application/problem+json"
    assert impossible.get_json()["errors"][0]["field"] == "first_absence_day"
    assert "rigtig dato" in impossible.get_json()["errors"][0]["detail"]
    missing = json_deadlines(client, "on=2026-11-16")
    assert missing.status_code == 400 and missing.get_json()["errors"] == [
        {"field": "first_absence_day", "detail": "Skriv første fraværsdag."}]
    early = json_deadlines(client, "first_absence_day=2026-05-13&fast_track_requested_on=2026-05-01")
    assert early.status_code == 400 and early.get_json()["errors"] == [
        {"field": "fast_track_requested_on", "detail": "Datoen kan ikke ligge før første fraværsdag."}]
    client.get("/sprog/en")
    english = json_deadlines(client, "first_absence_day=2026-05-13&expected_return=2026-05-13")
    assert english.get_json()["errors"] == [
        {"field": "expected_return", "detail": "The expected return must be after the first day of absence."}]


def test_the_calculator_page_in_both_languages(client):
    page = client.get("/frister?first_absence_day=2026-05-13&on=2026-06-20")
    assert page.status_code == 200
    html = text(page)
    assert "Beregn frister" in html and "Arbejdsgiverperioden slutter" in html and "7. juli 2026" in html
    assert "sygedagpengeloven § 13 b" in html
    client.get("/sprog/en")
    html = text(client.get("/frister?first_absence_day=2026-05-13&on=2026-06-20"))
    assert "Calculate deadlines" in html and "The employer period ends" in html and "7 July 2026" in html
    assert re.search(r'<span class="source" lang="da">sygedagpengeloven § 13 b</span>', html)
    wrong = client.get("/frister?first_absence_day=2026-06-20&questionnaire_sent_on=2026-06-01")
    assert wrong.status_code == 400 and "The date cannot be before the first day of absence." in text(wrong)
    assert "error-summary" in text(wrong)


def test_the_calculator_is_linked_from_the_front_page(client):
    assert 'href="/frister"' in text(client.get("/"))


# ---- one set of dates everywhere ----------------------------------------------------------------------

def _reported_case(app, **changes) -> int:
    citizen = app.test_client()
    Auth(citizen).login(CITIZEN)
    return citizen, case_id_from(report_sick(citizen, **changes))


def test_the_citizen_s_page_the_case_view_and_screening_agree_on_every_date(app):
    citizen, case_id = _reported_case(app, first_absence_day="2026-09-21", employment="unemployed",
                                      employer_cvr="", employer_name="")
    with app.app_context(), session_scope(app) as db:
        case = db.get(SickCase, case_id)
        facts = case_facts(db, case)
        handover = db.exec(select(Handover).where(Handover.case_id == case_id)).one()
    obligations = timeline(facts, TODAY)
    reasons = screen(facts, TODAY)
    citizen_page = text(citizen.get(f"/borger/sag/{case_id}"))
    case_view = text(caseworker(app).get(f"/jobcenter/sag/{case_id}"))
    first = find(obligations, Code.FIRST_CONVERSATION)
    # sick from 21 September 2026: the 2026 rules, and (the safe reading) the first conversation by the
    # end of week 8, overdue on 16 November; handed over at once, since the citizen is not employed
    assert first.date == date(2026, 11, 15) and first.state == State.OVERDUE and first.regime == "2026"
    assert "15. november 2026" in citizen_page and "15.11.2026" in case_view
    assert handover.due == min(r.due for r in reasons if r.start <= TODAY)
    for obligation in obligations:
        if obligation.date and obligation.code != Code.CHECK_IN:
            assert f"{obligation.date.day}. " in citizen_page, obligation.code
            assert obligation.date.strftime("%d.%m.%Y") in case_view, obligation.code


# ---- a caseworker corrects the rules' result -------------------------------------------------------------

def test_a_caseworker_waives_a_deadline_with_a_reason(app):
    citizen, case_id = _reported_case(app, employment="unemployed", employer_cvr="", employer_name="")
    client = caseworker(app)
    page = text(client.get(f"/jobcenter/sag/{case_id}"))
    token = csrf_token(page)
    url = f"/jobcenter/sag/{case_id}/frist"
    no_reason = client.post(url, data={"csrf_token": token, "fix-obligation": "first_conversation|2027-01-04",
                                       "fix-kind": "waive"})
    assert no_reason.status_code == 400 and "Skriv begrundelsen for rettelsen." in text(no_reason)
    no_date = client.post(url, data={"csrf_token": token, "fix-obligation": "first_conversation|2027-01-04",
                                     "fix-kind": "move", "fix-reason": "Ferie"})
    assert no_date.status_code == 400 and "Skriv den nye dato." in text(no_date)
    done = client.post(url, data={"csrf_token": token, "fix-obligation": "first_conversation|2027-01-04",
                                  "fix-kind": "waive", "fix-reason": "Borgeren er indlagt; en samtale er ikke mulig."})
    assert done.status_code == 303
    view = text(client.get(f"/jobcenter/sag/{case_id}"))
    assert "Frafaldet" in view and "Borgeren er indlagt; en samtale er ikke mulig." in view
    with app.app_context(), session_scope(app) as db:
        event = db.exec(select(CaseEvent).where(CaseEvent.case_id == case_id,
                                                CaseEvent.kind == "obligation_corrected")).one()
        assert event.details["reason"] == "Borgeren er indlagt; en samtale er ikke mulig."
        assert event.details["obligation"] == "first_conversation" and event.details["correction"] == "waive"
    compliance = text(client.get("/jobcenter/overholdelse"))
    assert "1 første samtaler frafaldet" in compliance
    own_page = text(citizen.get(f"/borger/sag/{case_id}"))
    assert "Jobcenteret har besluttet, at det ikke er nødvendigt i din sag." in own_page
    assert "indlagt" not in own_page, "the caseworker's reason is an internal note"


# ---- standby -------------------------------------------------------------------------------------

def test_on_standby_a_conversation_request_reaches_the_caseworker_who_books_only_with_a_reason(app):
    citizen, case_id = _reported_case(app, first_absence_day="2026-11-02")
    page = text(citizen.get(f"/borger/sag/{case_id}/standby"))
    citizen.post(f"/borger/sag/{case_id}/standby", data={"csrf_token": csrf_token(page), "group": "cancer",
                                                          "understood": "y"})
    with app.app_context(), session_scope(app) as db:
        assert db.get(SickCase, case_id).standby_since is not None, "standby chosen"
    own_page = text(citizen.get(f"/borger/sag/{case_id}"))
    assert "Du er i standby-ordningen, så jobcenteret følger op på din sag uden at indkalde dig." in own_page, \
        "the step standby makes unnecessary says why, in her words"
    assert "Oplysningsskema ikke nødvendigt" in own_page and "Venter på dit oplysningsskema" not in own_page, \
        "the status at the top agrees with the deadlines: no questionnaire awaited on standby"
    assert "Du behøver ikke at besvare oplysningsskemaet." in own_page
    button = re.search(r'<a class="button ([\w-]+)" href="[^"]*/oplysningsskema">\s*Besvar oplysningsskemaet', own_page)
    assert button and button.group(1) == "button-secondary", "she may still answer; it is not the main action"
    overview = text(citizen.get("/borger/mit-sygefravaer"))
    assert re.search(r'<a class="button button-secondary" href="[^"]*/oplysningsskema">', overview), \
        "her overview agrees with the case page"
    ask = text(citizen.get(f"/borger/sag/{case_id}/samtale"))
    assert "kontakter jobcentret dig kun om denne samtale" in ask
    asked = citizen.post(f"/borger/sag/{case_id}/samtale", data={"csrf_token": csrf_token(ask), "form": "phone",
                                                                  "reason": "Jeg vil gerne tale om at komme tilbage."})
    assert asked.status_code == 303
    with app.app_context(), session_scope(app) as db:
        handover = db.exec(select(Handover).where(Handover.case_id == case_id)).one()
        assert "|conversation_requested|" in handover.reason_codes and "|standby|" in handover.reason_codes
    client = caseworker(app)
    token = csrf_token(text(client.get(f"/jobcenter/sag/{case_id}")))
    booking = {"csrf_token": token, "book-day": "2026-11-20", "book-at": "10:00", "book-form": "phone"}
    refused = client.post(f"/jobcenter/sag/{case_id}/samtale", data=booking)
    assert refused.status_code == 400 and "Borgeren er i standby-ordningen. Skriv, hvorfor" in text(refused)
    booked = client.post(f"/jobcenter/sag/{case_id}/samtale",
                         data={**booking, "book-standby_reason": "Borgeren har selv bedt om en samtale."})
    assert booked.status_code == 303
    assert "booket under standby, fordi: Borgeren har selv bedt om en samtale." in text(
        client.get(f"/jobcenter/sag/{case_id}"))


def test_a_citizen_on_standby_cannot_ask_for_fast_track(app):
    citizen, case_id = _reported_case(app, first_absence_day="2026-11-02")
    page = text(citizen.get(f"/borger/sag/{case_id}/standby"))
    citizen.post(f"/borger/sag/{case_id}/standby", data={"csrf_token": csrf_token(page), "group": "cancer",
                                                          "understood": "y"})
    fast_track = text(citizen.get(f"/borger/sag/{case_id}/fast-track"))
    assert "standby" in fast_track and 'name="expected_duration"' not in fast_track


def test_a_cvr_number_typed_with_dk_is_stored_as_eight_digits(app):
    _citizen, case_id = _reported_case(app, employer_cvr="DK 1234 5674")
    with app.app_context(), session_scope(app) as db:
        assert db.get(SickCase, case_id).employer_cvr == "12345674"


def test_a_passed_expected_return_asks_the_citizen_and_then_hands_over(make_app, app):
    citizen, case_id = _reported_case(app, first_absence_day="2026-11-09", expected_return_known="date",
                                      expected_return="2026-11-20")
    later = make_app(PORTAL_TODAY="2026-11-21").test_client()
    Auth(later).login(CITIZEN)
    page = text(later.get(f"/borger/sag/{case_id}/opfoelgning"))
    assert "Du forventede at være tilbage på arbejde 20. november 2026" in page
    def reasons_after_sweep(day):
        make_app(PORTAL_TODAY=day).test_cli_runner().invoke(args=["sweep"])
        with app.app_context(), session_scope(app) as db:
            handover = db.exec(select(Handover).where(Handover.case_id == case_id)).first()
            return handover.reason_codes if handover else ""

    assert "return_passed" not in reasons_after_sweep("2026-11-27"), "7 days to answer after the expected return"
    assert "|return_passed|" in reasons_after_sweep("2026-11-28")
