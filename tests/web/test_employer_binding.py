"""An employer acts only on its own employment relation with the citizen. The attack that worked
before: a second company reported another company's employee sick by her CPR number (not a secret),
and its report, answers and fast-track request reached her case and its screening, while its list
and pages revealed her case. Now the report stays the company's own until she confirms it."""
from __future__ import annotations

import re

from sqlmodel import select

from portal.db import session_scope
from portal.models import EmployerAnswer, EmployerReport, FastTrackRequest, Handover, SickCase

from ..conftest import Auth, csrf_token
from .test_citizen_journey import CITIZEN, case_id_from, report_sick, text
from .test_employer import FAST_TRACK, JENS, REPORT, login, report_id_of
from .test_jobcenter import caseworker

ANSWERS = {"conversation_held": "no", "expected_known": "date", "expected_return": "2027-12-20",
           "retention_plan": "no"}


def lise_reports_sick(app) -> tuple:
    """Lise reports herself sick from 2 November; her employer is Testbageriet ApS (CVR 12345674)."""
    lise = app.test_client()
    Auth(lise).login(CITIZEN)
    return lise, case_id_from(report_sick(lise, first_absence_day="2026-11-02"))


def snapshot(app, case_id):
    with app.app_context(), session_scope(app) as db:
        case = db.get(SickCase, case_id)
        handovers = db.exec(select(Handover.reason_codes, Handover.due).where(Handover.case_id == case_id)).all()
        return (list(case.expectations), case.employer_fast_track_asked_on, case.employer_cvr, list(handovers))


def post(client, url, data):
    page = client.get(url)
    return client.post(url, data={**data, "csrf_token": csrf_token(text(page))})


def test_another_company_learns_nothing_and_changes_nothing_until_the_citizen_confirms(make_app, app):
    lise, case_id = lise_reports_sick(app)
    before = snapshot(app, case_id)
    jens = login(make_app, JENS, "employer")
    reported = post(jens, "/arbejdsgiver/sygemelding", {**REPORT, "first_absence_day": "2026-11-12"})
    assert reported.status_code == 303
    report_id = report_id_of(app, cvr="12345682")
    with app.app_context(), session_scope(app) as db:
        report = db.get(EmployerReport, report_id)
        assert (report.case_id, report.relation) == (None, "unconfirmed")

    listing = text(jens.get("/arbejdsgiver/"))
    assert "Lise Testesen" in listing and not re.search(r"(?<!\d)2\. november 2026", listing)
    assert "02.11.2026" not in listing
    fast_track_page = text(jens.get(f"/arbejdsgiver/indberetning/{report_id}/fast-track"))
    assert not re.search(r"(?<!\d)(2\. november|7\. december)", fast_track_page), "her case's dates show"
    assert "16. december 2026" in fast_track_page, "the window from the company's own report, 12 November"
    assert post(jens, f"/arbejdsgiver/indberetning/{report_id}/spoergsmaal", ANSWERS).status_code == 303
    assert post(jens, f"/arbejdsgiver/indberetning/{report_id}/fast-track", FAST_TRACK).status_code == 303
    assert snapshot(app, case_id) == before, "nothing from the company reached her case or its screening"
    with app.app_context(), session_scope(app) as db:
        assert db.exec(select(EmployerAnswer.case_id).where(EmployerAnswer.cvr == "12345682")).one() is None
        assert db.exec(select(FastTrackRequest.case_id).where(FastTrackRequest.cvr == "12345682")).one() is None

    case_page = text(lise.get(f"/borger/sag/{case_id}"))
    assert "Er Prøvefabrikken A/S din arbejdsgiver?" in case_page and "CVR 12345682" in case_page
    assert "har bedt om fast track" not in case_page, "no request is shown as her employer's"
    rejected = lise.post(f"/borger/sag/{case_id}/arbejdsgiver/{report_id}",
                         data={f"relation-{report_id}-is_employer": "no", "csrf_token": csrf_token(case_page)})
    assert rejected.status_code == 303
    assert snapshot(app, case_id) == before
    assert "Er Prøvefabrikken A/S din arbejdsgiver?" not in text(lise.get(f"/borger/sag/{case_id}"))
    with app.app_context(), session_scope(app) as db:
        assert db.get(EmployerReport, report_id).relation == "rejected"


def test_a_confirmed_company_s_answers_and_request_join_the_case_with_its_name(make_app, app):
    lise, case_id = lise_reports_sick(app)
    jens = login(make_app, JENS, "employer")
    post(jens, "/arbejdsgiver/sygemelding", {**REPORT, "first_absence_day": "2026-11-02"})
    report_id = report_id_of(app, cvr="12345682")
    post(jens, f"/arbejdsgiver/indberetning/{report_id}/spoergsmaal", ANSWERS)
    post(jens, f"/arbejdsgiver/indberetning/{report_id}/fast-track", FAST_TRACK)
    case_page = text(lise.get(f"/borger/sag/{case_id}"))
    confirmed = lise.post(f"/borger/sag/{case_id}/arbejdsgiver/{report_id}",
                          data={f"relation-{report_id}-is_employer": "yes", "csrf_token": csrf_token(case_page)})
    assert confirmed.status_code == 303
    expectations, asked_on, _cvr, handovers = snapshot(app, case_id)
    assert {"party": "employer", "given_on": "2026-11-16", "expected_return": "2027-12-20"} in expectations
    assert asked_on is not None
    assert any("|long_expected_absence|" in codes for codes, _due in handovers), "now it counts"
    case_page = text(lise.get(f"/borger/sag/{case_id}"))
    assert "Prøvefabrikken A/S (CVR 12345682) har bedt om fast track" in case_page
    answer_page = text(lise.get(f"/borger/sag/{case_id}/fast-track/arbejdsgiver"))
    assert "Prøvefabrikken A/S (CVR 12345682)" in answer_page and "Testbageriet" not in answer_page
    view = text(caseworker(app).get(f"/jobcenter/sag/{case_id}"))
    assert view.count("Fra Prøvefabrikken A/S, CVR 12345682") == 2


def test_a_company_cannot_answer_for_a_report_of_another_citizen(make_app, app):
    lise, case_id = lise_reports_sick(app)
    jens = login(make_app, JENS, "employer")
    post(jens, "/arbejdsgiver/sygemelding", {**REPORT, "first_absence_day": "2026-11-02"})
    report_id = report_id_of(app, cvr="12345682")
    other = app.test_client()
    Auth(other).login("Ahmed Prøvesen")
    other_case = case_id_from(report_sick(other, first_absence_day="2026-11-02"))
    page = text(other.get(f"/borger/sag/{other_case}"))
    refused = other.post(f"/borger/sag/{other_case}/arbejdsgiver/{report_id}",
                         data={f"relation-{report_id}-is_employer": "yes", "csrf_token": csrf_token(page)})
    assert refused.status_code == 404
    with app.app_context(), session_scope(app) as db:
        assert db.get(EmployerReport, report_id).relation == "unconfirmed"


def questions_on(lise, case_id) -> int:
    return text(lise.get(f"/borger/sag/{case_id}")).count(">Er Prøvefabrikken A/S din arbejdsgiver?<")


def test_a_company_that_reports_the_same_employee_again_joins_its_open_question(make_app, app):
    lise, case_id = lise_reports_sick(app)
    jens = login(make_app, JENS, "employer")
    for _ in range(3):
        assert post(jens, "/arbejdsgiver/sygemelding", {**REPORT, "first_absence_day": "2026-11-12"}).status_code == 303
    assert questions_on(lise, case_id) == 1
    with app.app_context(), session_scope(app) as db:
        assert len(db.exec(select(EmployerReport).where(EmployerReport.cvr == "12345682")).all()) == 1


def test_reports_of_one_company_sent_at_once_ask_the_employee_once(make_app, app):
    import threading

    lise, case_id = lise_reports_sick(app)
    jens = login(make_app, JENS, "employer")
    token = csrf_token(text(jens.get("/arbejdsgiver/sygemelding")))
    barrier, answers = threading.Barrier(3), []

    def send():
        barrier.wait()
        answers.append(jens.post("/arbejdsgiver/sygemelding", data={
            **REPORT, "first_absence_day": "2026-11-12", "csrf_token": token}).status_code)

    posts = [threading.Thread(target=send) for _ in range(3)]
    for thread in posts:
        thread.start()
    for thread in posts:
        thread.join(timeout=60)
    assert answers == [303] * 3
    assert questions_on(lise, case_id) == 1
    with app.app_context(), session_scope(app) as db:
        assert db.exec(select(EmployerReport.relation).where(EmployerReport.cvr == "12345682")).all() == ["unconfirmed"]
