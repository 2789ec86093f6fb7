"""Two caseworkers of København move the same case at the same moment, one to Aarhus and one to
Frederiksberg, in two processes, many times over, on PostgreSQL: exactly one move happens; the other
caseworker is told the case is no longer theirs, and neither the event log nor any audit log records
a move that did not happen."""
from __future__ import annotations

import os
from datetime import date

import pytest
from sqlmodel import Session, create_engine, select

from portal.models import AuditEntry, CaseEvent, Handover, SickCase

from .race import handovers_to_race_for, race

PG_URL = os.environ.get("PORTAL_TEST_DATABASE_URL")
pytestmark = pytest.mark.skipif(not PG_URL, reason="PostgreSQL only: set PORTAL_TEST_DATABASE_URL")
ROUNDS = 60
TO = {"aarhus": "751", "frederiksberg": "147"}


def _cases(database_url: str) -> list[int]:
    """ROUNDS open cases of København, each with a live handover (one citizen each)."""
    ids = []
    for n in range(ROUNDS):
        handover_ids = handovers_to_race_for(database_url, 1, f"transfer-race-{n}")
        engine = create_engine(database_url)
        with Session(engine) as db:
            ids.append(db.get(Handover, handover_ids[-1]).case_id)  # the newest: it lists them all
        engine.dispose()
    return ids


def _move(url, case_ids, who, barrier, results):
    from portal.cases.transfer import NoLongerYours, transfer

    engine = create_engine(url)
    won = []
    try:
        with Session(engine) as db:
            for case_id in case_ids:
                case = db.get(SickCase, case_id)  # both have the case open in København
                barrier.wait()
                try:
                    transfer(db, case, TO[who], "Borgeren er flyttet", date(2026, 11, 16), f"caseworker-{who}", who)
                    won.append(case_id)
                except NoLongerYours:
                    pass
                db.rollback()
                db.expunge_all()
    finally:  # a worker that fails still answers, and frees the other from the barrier
        barrier.abort()
        results.put((who, won))
        engine.dispose()


def test_two_moves_of_one_case_at_once_never_both_happen(database_url):
    case_ids = _cases(database_url)
    outcome = race(_move, database_url, case_ids, tuple(TO))
    to_aarhus, to_frederiksberg = set(outcome["aarhus"]), set(outcome["frederiksberg"])
    print(f"to Aarhus {len(to_aarhus)}, to Frederiksberg {len(to_frederiksberg)} of {len(case_ids)}")
    assert not (to_aarhus & to_frederiksberg), "a case was moved by both"
    assert to_aarhus | to_frederiksberg == set(case_ids), "a case was moved by neither"
    engine = create_engine(database_url)
    with Session(engine) as db:
        cases = {c.id: c.municipality_code for c in db.exec(select(SickCase))}
        live = {h.case_id: h.municipality_code for h in db.exec(select(Handover))}
        moves = db.exec(select(CaseEvent.case_id, CaseEvent.details).where(CaseEvent.kind == "case_transferred")).all()
        audit = db.exec(select(AuditEntry.case_id, AuditEntry.municipality_code, AuditEntry.action)
                        .where(AuditEntry.action.in_(["case_transferred_in", "case_transferred_out"]))).all()
    engine.dispose()
    for moved, code in ((to_aarhus, "751"), (to_frederiksberg, "147")):
        assert all(cases[i] == code and live[i] == code for i in moved)
    assert sorted(case_id for case_id, _ in moves) == sorted(case_ids)  # one move event a case
    expected = sorted([(i, "101", "case_transferred_out") for i in case_ids]
                      + [(i, cases[i], "case_transferred_in") for i in case_ids])
    assert sorted(audit) == expected  # the loser's municipality never hears of a case it did not get
