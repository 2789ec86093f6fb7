"""One caseworker takes a case while a colleague gives the same case to someone else, in two
processes at the same moment, on PostgreSQL: exactly one of them changes it, every time, and the
other is told the case changed meanwhile."""
from __future__ import annotations

import os

import pytest
from sqlmodel import Session, create_engine

from portal.models import Caseworker

from .race import handovers_to_race_for, holders, race

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
        db.commit()
    engine.dispose()
    ids = handovers_to_race_for(database_url, ROUNDS, "assign-race")
    outcome = race(_act, database_url, ids, ("claimer", "assigner"))
    claimed, assigned = set(outcome["claimer"]), set(outcome["assigner"])
    print(f"claimed {len(claimed)}, assigned {len(assigned)} of {len(ids)}")
    assert not (claimed & assigned), "a case was changed by both"
    assert claimed | assigned == set(ids), "a case was changed by neither"
    held = holders(database_url)
    assert all(held[i] == "caseworker-a" for i in claimed)
    assert all(held[i] == "caseworker-c" for i in assigned)
