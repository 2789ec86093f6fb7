"""One citizen opens the booking page in several tabs and sends them all at once, each with another
free time, many times over, on PostgreSQL: every case gets exactly one conversation and holds exactly
one time; the other tabs are told the case already has one, and their times stay free."""
from __future__ import annotations

import os
import threading
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, create_engine, select

from portal.models import Citizen, Conversation, FreeTime, Handover, SickCase

PG_URL = os.environ.get("PORTAL_TEST_DATABASE_URL")
pytestmark = pytest.mark.skipif(not PG_URL, reason="PostgreSQL only: set PORTAL_TEST_DATABASE_URL")
ROUNDS = 40
TABS = 4
ZONE = ZoneInfo("Europe/Copenhagen")
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=ZONE)


def _world(database_url) -> list[tuple[int, list[int]]]:
    """Per round: one citizen whose case needs a conversation by 31 December, and TABS free times."""
    engine = create_engine(database_url)
    rounds = []
    with Session(engine) as db:
        for n in range(ROUNDS):
            citizen = Citizen(cpr_hash=f"tabs-{n}", cpr_encrypted="x", name=f"Tabs {n}")
            db.add(citizen)
            db.flush()
            case = SickCase(citizen_id=citizen.id, municipality_code="101", first_absence_day=date(2026, 11, 2),
                            employment="employed", reported_on=date(2026, 11, 2))
            db.add(case)
            db.flush()
            db.add(Handover(case_id=case.id, municipality_code="101", due=date(2026, 12, 31)))
            times = [FreeTime(municipality_code="101", caseworker="caseworker-mette", caseworker_name="Mette",
                              starts_at=datetime(2026, 12, 10, 8 + tab, 0, tzinfo=UTC), form="phone")
                     for tab in range(TABS)]
            db.add_all(times)
            db.flush()
            rounds.append((case.id, [t.id for t in times]))
        db.commit()
    engine.dispose()
    return rounds


def _tab(url, rounds, tab, barrier, outcomes):
    from portal.cases.self_booking import AlreadyBooked, book
    from portal.notify.reminders import Invitations

    engine = create_engine(url)
    with Session(engine) as db:
        for case_id, times in rounds:
            case = db.get(SickCase, case_id)
            barrier.wait()  # every tab is sent at the same moment
            try:
                book(db, case, times[tab], NOW, ZONE, Invitations())
                outcomes.append((case_id, "booked"))
            except AlreadyBooked:
                outcomes.append((case_id, "already"))
            db.rollback()
    engine.dispose()


def test_many_tabs_sent_at_once_book_one_conversation_a_case(database_url):
    rounds = _world(database_url)
    barrier, outcomes = threading.Barrier(TABS), []
    threads = [threading.Thread(target=_tab, args=(database_url, rounds, tab, barrier, outcomes))
               for tab in range(TABS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)

    by_case: dict[int, list[str]] = {}
    for case_id, outcome in outcomes:
        by_case.setdefault(case_id, []).append(outcome)
    assert len(by_case) == ROUNDS
    assert all(sorted(results) == ["already"] * (TABS - 1) + ["booked"] for results in by_case.values()), by_case
    engine = create_engine(database_url)
    with Session(engine) as db:
        conversations = db.exec(select(Conversation.case_id)).all()
        taken = db.exec(select(FreeTime.taken_by_case_id).where(FreeTime.taken_by_case_id.is_not(None))).all()
    engine.dispose()
    assert sorted(conversations) == sorted(case_id for case_id, _ in rounds)  # one a case, never two
    assert sorted(taken) == sorted(case_id for case_id, _ in rounds)  # the other tabs' times stay free
