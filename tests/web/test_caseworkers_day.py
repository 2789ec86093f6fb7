"""The caseworker's day (issue 19): find a case, share the work in the team, move a case when the
citizen moves, let a case wait, and see the coming weeks. Everything within one municipality."""
from __future__ import annotations

import re
from datetime import UTC, date, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import select

from portal.cases.handover import sweep
from portal.db import session_scope
from portal.models import AuditEntry, CaseEvent, Conversation, Handover, NameToken, SickCase, WorkloadCount

from ..conftest import Auth, csrf_token
from .test_citizen_journey import CITIZEN, case_id_from, post_form, report_sick
from .test_jobcenter import AARHUS, COPENHAGEN, caseworker, handover_id, text

COLLEAGUE = "Sofie Kollega"   # København too
LISE_CPR = "610590-4321"


def lises_case(app) -> int:
    citizen = app.test_client()
    Auth(citizen).login(CITIZEN)
    return case_id_from(report_sick(citizen, employment="unemployed", employer_cvr="", employer_name=""))


def search(client, term: str):
    page = client.get("/jobcenter/soeg")
    return client.post("/jobcenter/soeg", data={"find-term": term, "csrf_token": csrf_token(text(page))})


def handover(app, case_id) -> Handover:
    with app.app_context(), session_scope(app) as db:
        return db.exec(select(Handover).where(Handover.case_id == case_id)).one()


def audit(app, municipality: str, action: str) -> list[AuditEntry]:
    with app.app_context(), session_scope(app) as db:
        return list(db.exec(select(AuditEntry).where(AuditEntry.municipality_code == municipality,
                                                     AuditEntry.action == action)))


def test_search_finds_by_cpr_with_or_without_hyphen_name_case_number_and_reference(app):
    case_id = lises_case(app)
    mette = caseworker(app)
    for term in (LISE_CPR, LISE_CPR.replace("-", ""), "lise", "Lis Test", "testesen", str(case_id),
                 f"sag {case_id}"):
        found = search(mette, term)
        assert found.status_code == 200, term
        assert f"/jobcenter/sag/{case_id}" in text(found), term
        assert "1 sag fundet" in text(found), term
    with app.app_context(), session_scope(app) as db:
        live = db.exec(select(Handover).where(Handover.case_id == case_id)).one()
        live.external_reference = "KBH-2026-0042"
        db.add(live)
        db.commit()
    assert f"/jobcenter/sag/{case_id}" in text(search(mette, "KBH-2026-0042"))
    assert "0 sager fundet" in text(search(mette, "Bo Eksempel"))
    assert "0 sager fundet" in text(search(mette, "Lise Eksempel")), "every word must match the same citizen"


def test_search_is_a_post_audited_like_a_view_and_keeps_the_cpr_number_out_of_urls_and_logs(app):
    case_id = lises_case(app)
    mette = caseworker(app)
    found = search(mette, LISE_CPR)
    assert found.headers["Cache-Control"] == "no-store"
    # A GET with the term in the address searches nothing.
    assert "sag fundet" not in text(mette.get(f"/jobcenter/soeg?find-term={LISE_CPR}"))
    entries = audit(app, "101", "search")
    assert [e.case_id for e in entries] == [case_id]
    assert entries[0].actor_name == COPENHAGEN and entries[0].detail == "search by cpr: 1 found"
    assert all("4321" not in (e.detail or "") for e in entries)
    search(mette, "Ingen Sådan")
    assert [e.case_id for e in audit(app, "101", "search")] == [case_id, None]
    # The audit log names the search in both languages.
    assert "Søgte efter en borger eller sag" in text(mette.get("/jobcenter/revisionslog"))


def test_a_caseworker_of_another_municipality_finds_nothing(app):
    case_id = lises_case(app)
    karsten = caseworker(app, AARHUS)
    for term in (LISE_CPR, "Lise Testesen", str(case_id)):
        found = search(karsten, term)
        assert f"/jobcenter/sag/{case_id}" not in text(found) and "0 sager fundet" in text(found), term


def test_search_says_what_is_wrong_with_a_term(app):
    mette = caseworker(app)
    empty = search(mette, "  ")
    assert empty.status_code == 400 and "Skriv, hvad du vil søge efter." in text(empty)
    short = search(mette, "x")
    assert short.status_code == 400 and "Skriv mindst to bogstaver af et navn, eller et nummer." in text(short)
    long = search(mette, "x" * 101)
    assert long.status_code == 400 and "Skriv højst 100 tegn." in text(long)


def test_tabs_assign_to_a_colleague_who_finds_it_under_my_cases(app):
    case_id = lises_case(app)
    sofie = caseworker(app, COLLEAGUE)   # logged in once: now a colleague the team can give cases to
    mette = caseworker(app)
    assert "Lise Testesen" in text(mette.get("/jobcenter/?assignee=none"))
    assert "Lise Testesen" not in text(sofie.get("/jobcenter/?assignee=me"))
    page = mette.get(f"/jobcenter/sag/{case_id}")
    assert COLLEAGUE in text(page) and AARHUS not in text(page)   # only the team is offered
    given = mette.post(f"/jobcenter/overdragelse/{handover_id(app, case_id)}/giv", data={
        "assign-colleague": "caseworker-sofie", "assign-holder": "", "assign-csrf_token": csrf_token(text(page)),
        "next": f"/jobcenter/sag/{case_id}"})
    assert given.status_code == 303 and given.headers["Location"].endswith(f"/jobcenter/sag/{case_id}")
    assert "Sagen er givet til Sofie Kollega" in text(mette.get(given.headers["Location"]))
    mine = text(sofie.get("/jobcenter/?assignee=me"))
    assert "Lise Testesen" in mine and "Mine sager (1)" in mine
    assert "Lise Testesen" not in text(mette.get("/jobcenter/?assignee=none"))
    assert handover(app, case_id).assignee_name == COLLEAGUE
    # A page shown before the change cannot give the case away again: someone changed it meanwhile.
    stale = mette.post(f"/jobcenter/overdragelse/{handover_id(app, case_id)}/giv", data={
        "assign-colleague": "caseworker-mette", "assign-holder": "", "assign-csrf_token": csrf_token(text(page)),
        "next": f"/jobcenter/sag/{case_id}"})
    assert "ændret af en anden" in text(mette.get(stale.headers["Location"]))
    assert handover(app, case_id).assignee_name == COLLEAGUE
    # The holder releases it: back under "Ikke fordelt".
    released = sofie.post(f"/jobcenter/overdragelse/{handover_id(app, case_id)}/frigiv",
                          data={"csrf_token": csrf_token(text(sofie.get("/jobcenter/")))})
    assert released.status_code == 303
    assert "Lise Testesen" in text(mette.get("/jobcenter/?assignee=none"))


def test_an_unknown_tab_shows_the_teams_cases(app):
    lises_case(app)
    mette = caseworker(app)
    for tab in (" ", "alle", "mine"):
        page = mette.get("/jobcenter/", query_string={"assignee": tab})
        assert page.status_code in (200, 400) and "Lise Testesen" in text(page), tab


def test_a_case_cannot_be_given_to_someone_outside_the_team(app):
    case_id = lises_case(app)
    caseworker(app, AARHUS)
    mette = caseworker(app)
    page = mette.get(f"/jobcenter/sag/{case_id}")
    refused = mette.post(f"/jobcenter/overdragelse/{handover_id(app, case_id)}/giv", data={
        "assign-colleague": "caseworker-karsten", "assign-holder": "", "assign-csrf_token": csrf_token(text(page))})
    assert refused.status_code == 303
    assert handover(app, case_id).assignee is None


def wait_form(client, case_id: int, until: str, reason: str):
    page = client.get(f"/jobcenter/sag/{case_id}")
    return client.post(f"/jobcenter/sag/{case_id}/vent", data={
        "wait-until": until, "wait-reason": reason, "wait-csrf_token": csrf_token(text(page))})


def test_wait_until_a_day_because_of_a_reason_and_never_past_the_deadline(app):
    case_id = lises_case(app)
    mette = caseworker(app)
    due = handover(app, case_id).due
    assert due > date(2026, 11, 18)
    late = wait_form(mette, case_id, due.strftime("%d-%m-%Y"), "Venter på lægeerklæring")
    assert late.status_code == 400 and "Sagen skal være tilbage før sin frist" in text(late)
    no_reason = wait_form(mette, case_id, "18-11-2026", "")
    assert no_reason.status_code == 400 and "Skriv, hvorfor sagen er i bero." in text(no_reason)
    waited = wait_form(mette, case_id, "18-11-2026", "Venter på lægeerklæring")
    assert waited.status_code == 303
    stored = handover(app, case_id)
    assert (stored.waiting_until, stored.wait_reason, stored.wait_by_name) == (
        date(2026, 11, 18), "Venter på lægeerklæring", COPENHAGEN)
    assert "Lise Testesen" not in text(mette.get("/jobcenter/"))
    waiting = text(mette.get("/jobcenter/?assignee=waiting"))
    assert "Lise Testesen" in waiting and "Venter på lægeerklæring" in waiting
    # On the day it comes back by itself.
    later = make_caseworker_on(app, "2026-11-18")
    assert "Lise Testesen" in text(later.get("/jobcenter/"))


def make_caseworker_on(app, today: str):
    from flask import Flask  # noqa: F401  (the same app, another day)

    app.config["PORTAL_TODAY"] = today
    return caseworker(app)


def test_a_deadline_that_moves_nearer_ends_the_wait(app):
    case_id = lises_case(app)
    mette = caseworker(app)
    assert wait_form(mette, case_id, "20-11-2026", "Venter på svar fra lægen").status_code == 303
    with app.app_context(), session_scope(app) as db:
        live = db.exec(select(Handover).where(Handover.case_id == case_id)).one()
        live.due = date(2026, 11, 19)  # the rules now say the 19th: the wait cannot hold it past that
        db.add(live)
        db.commit()
    assert "Lise Testesen" in text(mette.get("/jobcenter/"))
    assert "Lise Testesen" not in text(mette.get("/jobcenter/?assignee=waiting"))


def test_moving_a_case_to_another_municipality_takes_its_history_along(app):
    case_id = lises_case(app)
    mette = caseworker(app)
    page = mette.get(f"/jobcenter/sag/{case_id}")
    booked = mette.post(f"/jobcenter/sag/{case_id}/samtale", data={
        "book-day": "2026-11-20", "book-at": "10:00", "book-form": "phone", "book-csrf_token": csrf_token(text(page))})
    assert booked.status_code == 303
    page = mette.get(f"/jobcenter/sag/{case_id}")
    missing = mette.post(f"/jobcenter/sag/{case_id}/flyt-kommune", data={
        "move_to-to": "751", "move_to-reason": "", "move_to-csrf_token": csrf_token(text(page))})
    assert missing.status_code == 400 and "Skriv, hvorfor sagen flyttes." in text(missing)
    moved = mette.post(f"/jobcenter/sag/{case_id}/flyt-kommune", data={
        "move_to-to": "751", "move_to-reason": "Borgeren er flyttet til Aarhus 1. november",
        "move_to-csrf_token": csrf_token(text(page))})
    assert moved.status_code == 303
    assert "Lise Testesen" not in text(mette.get("/jobcenter/"))
    assert mette.get(f"/jobcenter/sag/{case_id}").status_code == 404
    karsten = caseworker(app, AARHUS)
    assert "Lise Testesen" in text(karsten.get("/jobcenter/?assignee=none"))
    view = text(karsten.get(f"/jobcenter/sag/{case_id}"))
    assert "Flyttet til en anden kommune" in view and "Samtale booket" in view   # the whole history
    with app.app_context(), session_scope(app) as db:
        assert db.get(SickCase, case_id).municipality_code == "751"
        assert db.exec(select(Conversation.status).where(Conversation.case_id == case_id)).one() == "cancelled"
        kinds = [e.kind for e in db.exec(select(CaseEvent).where(CaseEvent.case_id == case_id))]
    assert "case_transferred" in kinds
    assert [(e.case_id, e.detail) for e in audit(app, "101", "case_transferred_out")] == [(case_id, "to 751 Aarhus")]
    assert [(e.case_id, e.detail) for e in audit(app, "751", "case_transferred_in")] == [
        (case_id, "from 101 København")]
    assert "Flyttede sagen til en anden kommune" in text(mette.get("/jobcenter/revisionslog"))
    assert "Sagen kom fra en anden kommune" in text(karsten.get("/jobcenter/revisionslog"))
    # The name goes with the case: the new team finds her by it, and the old team's words hold it no more.
    assert f"/jobcenter/sag/{case_id}" in text(search(karsten, "lis test"))
    assert "0 sager fundet" in text(search(mette, "lis test"))
    assert name_words(app) == {("751", "lise"), ("751", "testesen")}


def name_words(app) -> set[tuple[str, str]]:
    with app.app_context(), session_scope(app) as db:
        return {(row.municipality_code, row.token) for row in db.exec(select(NameToken))}


def test_a_name_is_searched_only_among_the_municipalitys_own_words(app):
    """Search reads the words kept under the caseworker's municipality (issue 33): a citizen with a
    case in København is in København's words only, so Aarhus's search never reads them."""
    lises_case(app)
    assert name_words(app) == {("101", "lise"), ("101", "testesen")}
    with app.app_context(), session_scope(app) as db:
        from portal.cases.search import _citizens, read_term

        assert _citizens(db.connection(), "101", read_term("lis test")) != []
        assert _citizens(db.connection(), "751", read_term("lis test")) == []


def test_a_move_of_a_case_someone_moved_a_moment_before_changes_nothing(app):
    """The loser of two moves at once (tests/pg/test_transfer_race.py) holds the case as it was when
    the page was read: the move matches only while the case is still there, and writes nothing else."""
    import pytest

    from portal.cases.transfer import NoLongerYours, transfer

    case_id = lises_case(app)
    with app.app_context(), session_scope(app) as late, session_scope(app) as first:
        stale = late.get(SickCase, case_id)  # Sofie has the case open in København
        transfer(first, first.get(SickCase, case_id), "751", "Flyttet til Aarhus", date(2026, 11, 16),
                 "caseworker-mette", "Mette")
        with pytest.raises(NoLongerYours):
            transfer(late, stale, "147", "Flyttet til Frederiksberg", date(2026, 11, 16), "caseworker-sofie", "Sofie")
    with app.app_context(), session_scope(app) as db:
        assert db.get(SickCase, case_id).municipality_code == "751"
        assert [e.details["to"] for e in db.exec(select(CaseEvent).where(CaseEvent.kind == "case_transferred"))
                ] == ["751"]
    assert audit(app, "147", "case_transferred_in") == []
    assert len(audit(app, "101", "case_transferred_out")) == 1


def test_a_case_cannot_move_to_its_own_or_an_unknown_municipality(app):
    case_id = lises_case(app)
    mette = caseworker(app)
    for code in ("101", "999"):
        page = mette.get(f"/jobcenter/sag/{case_id}")
        refused = mette.post(f"/jobcenter/sag/{case_id}/flyt-kommune", data={
            "move_to-to": code, "move_to-reason": "Flyttet", "move_to-csrf_token": csrf_token(text(page))})
        assert refused.status_code == 400, code
    assert handover(app, case_id).municipality_code == "101"


def test_the_workload_page_shows_the_coming_weeks_by_reason_beside_what_is_booked(app):
    citizen = app.test_client()
    Auth(citizen).login(CITIZEN)
    case_id = case_id_from(report_sick(citizen))
    mette = caseworker(app)
    assert post_form(citizen, f"/borger/sag/{case_id}/samtale", {"form": "phone", "reason": "Om min arbejdstid"}
                     ).status_code == 303
    assert "ikke talt endnu" in text(mette.get("/jobcenter/arbejdsbyrde"))
    with app.app_context(), session_scope(app) as db:
        assert sweep(db, date(2026, 11, 16))[0] == 1
        counted = db.exec(select(WorkloadCount)).all()
    # the requested conversation, and (the 2026 rules' safe reading) the first conversation by week 8
    assert sorted((c.municipality_code, c.reason, c.due_count) for c in counted) == [
        ("101", "conversation_requested", 1), ("101", "first_conversation_due", 1)]
    requested = next(c for c in counted if c.reason == "conversation_requested")
    due = requested.week_of + timedelta(days=2)
    page = mette.get(f"/jobcenter/sag/{case_id}")
    booked = mette.post(f"/jobcenter/sag/{case_id}/samtale", data={
        "book-day": due.isoformat(), "book-at": "10:00", "book-form": "phone",
        "book-csrf_token": csrf_token(text(page))})
    assert booked.status_code == 303
    html = text(mette.get("/jobcenter/arbejdsbyrde"))
    # The sweep's time, in Copenhagen's time, as the datetime_short filter writes it.
    swept = max(c.counted_at for c in counted).replace(tzinfo=UTC).astimezone(ZoneInfo("Europe/Copenhagen"))
    assert f"gennemgang {swept:%d.%m.%Y %H.%M}. Bookede" in html
    weeks = re.findall(r'<th scope="row"><span class="nowrap">Uge (\d+)</span><br>', html)
    assert weeks == ["47", "48", "49", "50", "51", "52", "53", "1"]   # 8 weeks from Monday 16 November 2026
    assert '<th scope="col">Ønsker samtale</th>' in html
    week_head = f'<th scope="row"><span class="nowrap">Uge {due.isocalendar().week}</span><br>'
    row = html.split(week_head)[1].split("</tr>")[0]
    cells = re.findall(r'<td class="number">(?:<strong>)?(\d+)', row)
    # the reasons (first conversation: not this week; requested conversation), in all, of these
    # conversations, booked, free times, missing
    assert cells == ["0", "1", "1", "1", "1", "0", "0"]
    # Karsten's team has nothing of it.
    assert "Ønsker samtale</th>" not in text(caseworker(app, AARHUS).get("/jobcenter/arbejdsbyrde"))


def test_a_week_without_enough_times_is_marked(app):
    citizen = app.test_client()
    Auth(citizen).login(CITIZEN)
    case_id = case_id_from(report_sick(citizen))
    post_form(citizen, f"/borger/sag/{case_id}/samtale", {"form": "phone", "reason": "Om min arbejdstid"})
    with app.app_context(), session_scope(app) as db:
        sweep(db, date(2026, 11, 16))
    html = text(caseworker(app).get("/jobcenter/arbejdsbyrde"))
    assert '<strong class="badge badge-error">1 mangler</strong>' in html
