"""Two caseworkers in two processes claim the same cases at the same moment, many times over, on
PostgreSQL: every case gets exactly one winner."""
from __future__ import annotations

import multiprocessing
import os
from datetime import date

import pytest
from sqlmodel import Session, create_engine, select

from portal.models import Citizen, Handover, SickCase

PG_URL = os.environ.get("PORTAL_TEST_DATABASE_URL")
pytestmark = pytest.mark.skipif(not PG_URL, reason="PostgreSQL only: set PORTAL_TEST_DATABASE_URL")
ROUNDS = 200


def _claim_all(url, ids, me, barrier, results):
    from portal.cases.jobcenter import claim

    engine = create_engine(url)
    won = []
    with Session(engine) as db:
        for handover_id in ids:
            barrier.wait()  # both processes fire at the same case at the same moment
            if claim(db, handover_id, "101", me, me):
                won.append(handover_id)
    results.put((me, won))
    engine.dispose()


def test_exactly_one_of_two_processes_wins_each_claim(database_url):
    engine = create_engine(database_url)
    with Session(engine) as db:
        citizen = Citizen(cpr_hash="race", cpr_encrypted="x", name="Race Test")
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
    workers = [context.Process(target=_claim_all, args=(database_url, ids, me, barrier, results))
               for me in ("caseworker-a", "caseworker-b")]
    for worker in workers:
        worker.start()
    outcome = dict(results.get(timeout=120) for _ in workers)
    for worker in workers:
        worker.join(timeout=30)

    won_a, won_b = set(outcome["caseworker-a"]), set(outcome["caseworker-b"])
    print(f"caseworker-a won {len(won_a)}, caseworker-b won {len(won_b)} of {len(ids)}")
    assert not (won_a & won_b), "a case was won twice"
    assert won_a | won_b == set(ids), "a case was won by nobody"
    engine = create_engine(database_url)
    with Session(engine) as db:
        holders = {h.id: h.assignee for h in db.exec(select(Handover))}
    engine.dispose()
    assert all(holders[i] == "caseworker-a" for i in won_a)
    assert all(holders[i] == "caseworker-b" for i in won_b)
