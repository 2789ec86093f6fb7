"""Nothing is lost and nothing is stored twice: a double-clicked form, a resent form, a request that
fails half-way, and a database that goes away (the last on PostgreSQL, in tests/pg)."""
from __future__ import annotations

import re

from sqlalchemy import text as sql
from sqlmodel import func, select

from portal.db import session_scope
from portal.models import CaseEvent, EmployerAnswer, EmployerReport, SickCase, SubmittedForm

from ..conftest import Auth, csrf_token
from .test_citizen_journey import CITIZEN, REPORT, text
from .test_employer import HANNE
from .test_employer import REPORT as EMPLOYER_REPORT


def form_fields(html: str) -> dict:
    return {"csrf_token": csrf_token(html),
            "submission": re.search(r'name="submission" value="([^"]+)"', html).group(1)}


def count(app, model) -> int:
    with app.app_context(), session_scope(app) as db:
        return db.exec(select(func.count()).select_from(model)).one()


def test_a_double_clicked_report_is_stored_once_and_both_clicks_land_on_the_receipt(app):
    client = app.test_client()
    Auth(client).login(HANNE, "employer")
    fields = form_fields(text(client.get("/arbejdsgiver/sygemelding")))
    first = client.post("/arbejdsgiver/sygemelding", data={**EMPLOYER_REPORT, **fields})
    second = client.post("/arbejdsgiver/sygemelding", data={**EMPLOYER_REPORT, **fields})
    assert first.status_code == 303 and second.status_code == 303
    assert second.headers["Location"] == first.headers["Location"]
    assert count(app, EmployerReport) == 1 and count(app, SickCase) == 1


def test_the_same_answers_sent_twice_are_kept_once(app):
    client = app.test_client()
    Auth(client).login(HANNE, "employer")
    fields = form_fields(text(client.get("/arbejdsgiver/sygemelding")))
    client.post("/arbejdsgiver/sygemelding", data={**EMPLOYER_REPORT, **fields})
    with app.app_context(), session_scope(app) as db:
        report_id = db.exec(select(EmployerReport.id)).one()
    url = f"/arbejdsgiver/indberetning/{report_id}/spoergsmaal"
    answers = {"conversation_held": "no", "expected_known": "unknown", "adjustments": "Kortere vagter.",
               "retention_plan": "no"}
    fields = form_fields(text(client.get(url)))
    for _ in range(3):
        client.post(url, data={**answers, **fields})
    assert count(app, EmployerAnswer) == 1


def test_a_form_refused_for_its_errors_can_be_corrected_and_sent(app):
    client = app.test_client()
    Auth(client).login(CITIZEN)
    fields = form_fields(text(client.get("/borger/sygemelding")))
    refused = client.post("/borger/sygemelding", data={**REPORT, "first_absence_day": "", **fields})
    assert refused.status_code == 400
    # The same page again (its key was freed), now correct: stored.
    accepted = client.post("/borger/sygemelding", data={**REPORT, **fields})
    assert accepted.status_code == 303
    assert count(app, SickCase) == 1


def test_a_key_from_another_person_is_of_no_use(app):
    hanne = app.test_client()
    Auth(hanne).login(HANNE, "employer")
    fields = form_fields(text(hanne.get("/arbejdsgiver/sygemelding")))
    hanne.post("/arbejdsgiver/sygemelding", data={**EMPLOYER_REPORT, **fields})
    jens = app.test_client()
    Auth(jens).login("Jens Virksomhed", "employer")
    mine = form_fields(text(jens.get("/arbejdsgiver/sygemelding")))
    reused = jens.post("/arbejdsgiver/sygemelding", data={**EMPLOYER_REPORT, **mine,
                                                          "submission": fields["submission"]})
    assert reused.status_code == 303
    assert count(app, EmployerReport) == 2  # Jens's own report, not a redirect to Hanne's


def test_a_request_that_fails_half_way_leaves_no_half_written_case(make_app):
    """A real fault in the database (a trigger refuses the case's event log) mid-way through
    reporting sick: the case, its questionnaire and its events are all rolled back."""
    app = make_app(PROPAGATE_EXCEPTIONS=False, TESTING=False)
    dialect = app.extensions["portal.engine"].dialect.name
    with app.extensions["portal.engine"].begin() as connection:
        if dialect == "sqlite":
            connection.execute(sql("CREATE TRIGGER refuse_events BEFORE INSERT ON case_event "
                                   "BEGIN SELECT RAISE(ABORT, 'disk full'); END"))
        else:
            connection.execute(sql("CREATE FUNCTION refuse_event() RETURNS trigger AS $$ BEGIN "
                                   "RAISE EXCEPTION 'disk full'; END $$ LANGUAGE plpgsql"))
            connection.execute(sql("CREATE TRIGGER refuse_events BEFORE INSERT ON case_event "
                                   "FOR EACH ROW EXECUTE FUNCTION refuse_event()"))
    try:
        client = app.test_client()
        Auth(client).login(CITIZEN)
        fields = form_fields(text(client.get("/borger/sygemelding")))
        failed = client.post("/borger/sygemelding", data={**REPORT, **fields})
        assert failed.status_code == 500
        assert "Intet af det, du sendte, er gemt halvt" in text(failed)
        assert count(app, SickCase) == 0 and count(app, CaseEvent) == 0
        assert count(app, SubmittedForm) == 0  # the key is free: the same page can be sent again
    finally:
        with app.extensions["portal.engine"].begin() as connection:
            connection.execute(sql("DROP TRIGGER refuse_events" + ("" if dialect == "sqlite" else " ON case_event")))
            if dialect != "sqlite":
                connection.execute(sql("DROP FUNCTION refuse_event()"))
    sent_again = client.post("/borger/sygemelding", data={**REPORT, **fields})
    assert sent_again.status_code == 303 and count(app, SickCase) == 1
