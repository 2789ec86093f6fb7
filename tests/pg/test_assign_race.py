"""One caseworker takes a case while a colleague gives the same case to someone else, in two
processes at the same moment, on PostgreSQL: exactly one of them changes it, every time, and the
other is told the case changed meanwhile."""
from __future__ import annotations

import multiprocessing
import os
from datetime import date

import pytest
from sqlmodel import Session, create_engine, select

from portal.models import Caseworker, Citizen, Handover, SickCase

PG_URL = os.environ.get("PORTAL_TEST_DATABASE_URL")
pytestmark = pytest.mark.skipif(not PG_URL, reason="PostgreSQL only: set PORTAL_TEST_DATABASE_URL")
ROUNDS = 100


def _act(url, ids, who, barrier, results):
    from portal.cases.jobcenter import AssignRefused, assign, claim

    engine = create_engine(url)
    won = []
    with Session(engine) as db:
        for handover_id in ids:
            barrier.wait()
            if who == "claimer":
                if claim(db, handover_id, "101", "caseworker-a", "A"):
                    won.append(handover_id)
            else:
                try:
                    assign(db, handover_id, "101", "caseworker-c", None, "caseworker-b", "B")
                    won.append(handover_id)
                except AssignRefused:
                    pass
    results.put((who, won))
    engine.dispose()


def test_a_claim_and_an_assignment_at_once_never_both_win(database_url):
    engine = create_engine(database_url)
    with Session(engine) as db:
        db.add(Caseworker(subject="caseworker-c", municipality_code="101", name="C"))
        citizen = Citizen(cpr_hash="assign-race", cpr_encrypted="x", name="Race Test")
        db.add(citizen)
        db.commit()
        for n in range(ROUNDS):
            case = SickCase(citizen_id=citizen.id, municipality_code="101", first_absence_day=date(2026, 9, 1),
                            employment="employed", reported_on=date(2026, 9, 1),
                            status="open" if n == 0 else "closed")
            db.add(case)
            db.flush()
            db.add(Handover(case_id=case.id, municipality_code="101", due=date(2026, 10, 1)))
        db.commit()
        ids = [h.id for h in db.exec(select(Handover).order_by(Handover.id))]
    engine.dispose()

    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(2), context.Queue()
    workers = [context.Process(target=_act, args=(database_url, ids, who, barrier, results))
               for who in ("claimer", "assigner")]
    for worker in workers:
        worker.start()
    outcome = dict(results.get(timeout=120) for _ in workers)
    for worker in workers:
        worker.join(timeout=30)

    claimed, assigned = set(outcome["claimer"]), set(outcome["assigner"])
    print(f"claimed {len(claimed)}, assigned {len(assigned)} of {len(ids)}")
    assert not (claimed & assigned), "a case was changed by both"
    assert claimed | assigned == set(ids), "a case was changed by neither"
    engine = create_engine(database_url)
    with Session(engine) as db:
        holders = {h.id: h.assignee for h in db.exec(select(Handover))}
    engine.dispose()
    assert all(holders[i] == "caseworker-a" for i in claimed)
    assert all(holders[i] == "caseworker-c" for i in assigned)
