"""The caseworkers' face: the queue of their own municipality, claim and release, the case view
with its audit trail, and conversations that stop the clock."""
from __future__ import annotations

import re

from sqlmodel import select

from portal.db import session_scope
from portal.models import AuditEntry, Handover, SickCase

from ..conftest import Auth, csrf_token
from .test_citizen_journey import CITIZEN, case_id_from, report_sick

COPENHAGEN = "Mette Sagsbehandler"   # municipality 101, where the test citizens' cases go
AARHUS = "Karsten Sagsbehandler"     # municipality 751


def text(response) -> str:
    return response.get_data(as_text=True)


def handed_over_case(app) -> int:
    citizen = app.test_client()
    Auth(citizen).login(CITIZEN)
    return case_id_from(report_sick(citizen, employment="unemployed", employer_cvr="", employer_name=""))


def caseworker(app, name=COPENHAGEN):
    client = app.test_client()
    Auth(client).login(name, face="caseworker")
    return client


def handover_id(app, case_id) -> int:
    with app.app_context(), session_scope(app) as db:
        return db.exec(select(Handover.id).where(Handover.case_id == case_id)).one()


def test_the_queue_shows_own_municipality_sorted_with_marks(app):
    case_id = handed_over_case(app)
    page = caseworker(app).get("/jobcenter/")
    assert page.status_code == 200
    assert "Lise Testesen" in text(page)
    assert "Ikke i beskæftigelse" in text(page)
    assert f"/jobcenter/sag/{case_id}" in text(page)
    assert "Lise Testesen" not in text(caseworker(app, AARHUS).get("/jobcenter/"))


def test_the_english_queue_reads_its_reasons_counts_and_filter_in_english(app):
    handed_over_case(app)
    mette = caseworker(app)
    mette.get("/sprog/en")
    page = text(mette.get("/jobcenter/"))
    assert "Not employed" in page and "Ikke i beskæftigelse" not in page
    assert "The team's cases (1)" in page and ">All reasons</option>" in page
    mette.get("/sprog/da")
    assert "Ikke i beskæftigelse" in text(mette.get("/jobcenter/"))


def test_dates_read_day_first_in_both_languages_as_a_reader_in_denmark_expects(app):
    """English dates are British (04/07/2026): Babel's bare "en" wrote 7/4/26, which a reader here
    takes for the 7th of April, and a deadline read a quarter wrong is a deadline missed."""
    case_id = handed_over_case(app)
    with app.app_context(), session_scope(app) as db:
        due = db.exec(select(Handover.due).where(Handover.case_id == case_id)).one()
    mette = caseworker(app)
    assert due.strftime("%d.%m.%Y") in text(mette.get("/jobcenter/"))
    mette.get("/sprog/en")
    english = text(mette.get("/jobcenter/"))
    assert due.strftime("%d/%m/%Y") in english
    assert f"{due.month}/{due.day}/{due:%y}" not in english


def test_the_queue_filters_and_answers_htmx_with_the_table_only(app):
    handed_over_case(app)
    client = caseworker(app)
    none = client.get("/jobcenter/?reason=fast_track")
    assert "Ingen sager passer til filteret." in text(none)
    partial = client.get("/jobcenter/?reason=not_employed", headers={"HX-Request": "true"})
    assert "<html" not in text(partial) and "Lise Testesen" in text(partial)
    assert "Lise Testesen" in text(client.get("/jobcenter/?assignee=none"))
    assert "Lise Testesen" not in text(client.get("/jobcenter/?assignee=me"))


def claim(client, handover):
    page = client.get("/jobcenter/")
    return client.post(f"/jobcenter/overdragelse/{handover}/tag",
                       data={"csrf_token": csrf_token(text(page))}, follow_redirects=True)


def test_exactly_one_caseworker_wins_a_claim(app):
    case_id = handed_over_case(app)
    handover = handover_id(app, case_id)
    first, second = caseworker(app), caseworker(app)
    assert "Du har taget sagen." in text(claim(first, handover))
    assert "En anden sagsbehandler tog sagen først." in text(claim(second, handover))
    with app.app_context(), session_scope(app) as db:
        assert db.get(Handover, handover).assignee == "caseworker-mette"


def test_release_puts_the_case_back(app):
    case_id = handed_over_case(app)
    handover = handover_id(app, case_id)
    client = caseworker(app)
    claim(client, handover)
    page = client.get("/jobcenter/")
    client.post(f"/jobcenter/overdragelse/{handover}/frigiv", data={"csrf_token": csrf_token(text(page))})
    with app.app_context(), session_scope(app) as db:
        assert db.get(Handover, handover).status == "open"


def test_another_municipality_cannot_see_or_claim_by_guessing_ids(app):
    case_id = handed_over_case(app)
    handover = handover_id(app, case_id)
    aarhus = caseworker(app, AARHUS)
    assert aarhus.get(f"/jobcenter/sag/{case_id}").status_code == 404
    assert aarhus.get(f"/jobcenter/sag/{case_id + 1}").status_code == 404
    assert claim(aarhus, handover).status_code == 404  # as if it did not exist
    with app.app_context(), session_scope(app) as db:
        assert db.get(Handover, handover).assignee is None
        assert db.exec(select(AuditEntry)).all() == []


def test_the_case_view_explains_reasons_and_is_audited(app):
    case_id = handed_over_case(app)
    client = caseworker(app)
    page = client.get(f"/jobcenter/sag/{case_id}")
    assert page.status_code == 200
    body = text(page)
    assert "610590-4321" in body                         # the caseworker needs the whole CPR number
    assert "Borgeren er ikke lønmodtager" in body        # the reason in plain Danish
    assert "sygedagpengeloven" in body                   # with its legal source
    assert "Anmeldt sygdom" in body                      # the timeline
    audit = client.get("/jobcenter/revisionslog")
    assert "Mette Sagsbehandler" in text(audit) and "Så sagen" in text(audit)
    with app.app_context(), session_scope(app) as db:
        [entry] = db.exec(select(AuditEntry)).all()
        assert entry.case_id == case_id and entry.actor == "caseworker-mette"


def test_book_and_record_a_conversation_stops_the_clock(app):
    case_id = handed_over_case(app)
    client = caseworker(app)
    page = client.get(f"/jobcenter/sag/{case_id}")
    bad = client.post(f"/jobcenter/sag/{case_id}/samtale", data={
        "book-csrf_token": csrf_token(text(page)), "book-day": "2026-11-01", "book-at": "10:00",
        "book-form": "phone"})
    assert bad.status_code == 400 and "kan ikke bookes i fortiden" in text(bad)
    booked = client.post(f"/jobcenter/sag/{case_id}/samtale", data={
        "book-csrf_token": csrf_token(text(page)), "book-day": "2026-11-18", "book-at": "10:30",
        "book-form": "phone"}, follow_redirects=True)
    assert "Samtalen er booket." in text(booked)
    conversation = re.search(r"/samtale/(\d+)/afholdt", text(booked)).group(1)
    held = client.post(f"/jobcenter/sag/{case_id}/samtale/{conversation}/afholdt", data={
        "held-csrf_token": csrf_token(text(booked)), "held-held_on": "2026-11-16",
        "held-outcome": "self_service"}, follow_redirects=True)
    assert "Samtalen er registreret som afholdt." in text(held)
    with app.app_context(), session_scope(app) as db:
        case = db.get(SickCase, case_id)
        assert case.first_conversation_held_on.isoformat() == "2026-11-16"
        assert db.exec(select(Handover).where(Handover.case_id == case_id)).one().status == "closed"


def test_citizens_cannot_reach_the_jobcenter_pages(client, auth):
    auth.login(CITIZEN)
    assert client.get("/jobcenter/").status_code == 403
    assert client.get("/jobcenter/revisionslog").status_code == 403


def test_the_compliance_page_counts_conversations_and_reasons(app):
    from datetime import date

    from portal.cases.sickness import SickReport, report_sickness
    from portal.models import AbsenceKind, Citizen, Employment

    case_id = handed_over_case(app)
    with app.app_context(), session_scope(app) as db:
        # under the 2025 rules: week 8 ended on 2026-06-28 and no conversation was held
        citizen = Citizen(cpr_hash="late", cpr_encrypted="x", name="Sen Sag")
        db.add(citizen)
        db.commit()
        report_sickness(db, citizen.id, "101", SickReport(
            first_absence_day=date(2026, 5, 4), employment=Employment.EMPLOYED,
            absence_kind=AbsenceKind.FULL), date(2026, 5, 4))
    client = caseworker(app)
    page = text(client.get("/jobcenter/overholdelse"))
    assert "0 %" in page and "0 af 1 første samtaler" in page
    assert "Ikke i beskæftigelse" in page and "<svg" in page
    # hold the first case's conversation on time: the share moves
    from datetime import UTC, datetime

    from portal.models import Conversation

    with app.app_context(), session_scope(app) as db:
        db.add(Conversation(case_id=case_id, scheduled_at=datetime(2026, 11, 16, 10, tzinfo=UTC), form="phone",
                            status="held", held_on=date(2026, 11, 16), outcome="self_service", booked_by="test"))
        db.commit()
    page = text(client.get("/jobcenter/overholdelse"))
    assert "50 %" in page and "1 af 2 første samtaler" in page


def test_the_queue_pages_through_many_cases(app):
    from datetime import date

    from portal.cases.handover import sweep

    from .test_handover import make_cases

    make_cases(app, 30, date(2026, 9, 1))
    with app.app_context(), session_scope(app) as db:
        sweep(db, date(2026, 11, 16))
    client = caseworker(app)
    first = text(client.get("/jobcenter/"))
    assert "30 sager" in first and "Side 1 af 2" in first and "?side=2" in first
    second = text(client.get("/jobcenter/?side=2"))
    assert "Side 2 af 2" in second and second.count("/jobcenter/sag/") == 5
    assert client.get("/jobcenter/?side=99&reason=nonsense").status_code == 200
