"""Two caseworkers in two processes claim the same cases at the same moment, many times over, on
PostgreSQL: every case gets exactly one winner."""
from __future__ import annotations

import os

import pytest
from sqlmodel import Session, create_engine

from .race import handovers_to_race_for, holders, race

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
    ids = handovers_to_race_for(database_url, ROUNDS, "race")
    outcome = race(_claim_all, database_url, ids, ("caseworker-a", "caseworker-b"))
    won_a, won_b = set(outcome["caseworker-a"]), set(outcome["caseworker-b"])
    print(f"caseworker-a won {len(won_a)}, caseworker-b won {len(won_b)} of {len(ids)}")
    assert not (won_a & won_b), "a case was won twice"
    assert won_a | won_b == set(ids), "a case was won by nobody"
    held = holders(database_url)
    assert all(held[i] == "caseworker-a" for i in won_a)
    assert all(held[i] == "caseworker-b" for i in won_b)
