"""Two citizens press "Book the time" for the same free time at the same moment, many times over,
on PostgreSQL: every time goes to exactly one of them, and the other is told it was taken."""
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
ROUNDS = 60
ZONE = ZoneInfo("Europe/Copenhagen")
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=ZONE)


def _world(database_url) -> list[tuple[int, int, int]]:
    """Per round: one free time and two citizens whose cases need a conversation by 31 December."""
    engine = create_engine(database_url)
    rounds = []
    with Session(engine) as db:
        for n in range(ROUNDS):
            cases = []
            for who in ("a", "b"):
                citizen = Citizen(cpr_hash=f"race-{who}-{n}", cpr_encrypted="x", name=f"Race {who} {n}")
                db.add(citizen)
                db.flush()
                case = SickCase(citizen_id=citizen.id, municipality_code="101", first_absence_day=date(2026, 11, 2),
                                employment="employed", reported_on=date(2026, 11, 2))
                db.add(case)
                db.flush()
                db.add(Handover(case_id=case.id, municipality_code="101", due=date(2026, 12, 31)))
                cases.append(case.id)
            time = FreeTime(municipality_code="101", caseworker="caseworker-mette", caseworker_name="Mette",
                            starts_at=datetime(2026, 12, 10, 9, 0, tzinfo=UTC), form="phone")
            db.add(time)
            db.flush()
            rounds.append((time.id, cases[0], cases[1]))
        db.commit()
    engine.dispose()
    return rounds


def _press(url, rounds, index, barrier, outcomes):
    from portal.cases.self_booking import TimeTaken, book
    from portal.notify.reminders import Invitations

    engine = create_engine(url)
    with Session(engine) as db:
        for time_id, *cases in rounds:
            case = db.get(SickCase, cases[index])
            barrier.wait()  # both citizens press at the same moment
            try:
                book(db, case, time_id, NOW, ZONE, Invitations())
                outcomes.append((time_id, index, "booked"))
            except TimeTaken:
                outcomes.append((time_id, index, "taken"))
    engine.dispose()


def test_one_free_time_goes_to_exactly_one_of_two_citizens(database_url):
    rounds = _world(database_url)
    barrier, outcomes = threading.Barrier(2), []
    threads = [threading.Thread(target=_press, args=(database_url, rounds, index, barrier, outcomes))
               for index in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    by_time: dict[int, list[str]] = {}
    for time_id, _index, outcome in outcomes:
        by_time.setdefault(time_id, []).append(outcome)
    assert len(by_time) == ROUNDS
    assert all(sorted(results) == ["booked", "taken"] for results in by_time.values()), by_time
    engine = create_engine(database_url)
    with Session(engine) as db:
        conversations = db.exec(select(Conversation)).all()
        times = {t.id: t for t in db.exec(select(FreeTime))}
    engine.dispose()
    assert len(conversations) == ROUNDS  # one conversation a time, never two
    assert all(times[time_id].taken_by_case_id in cases for time_id, *cases in rounds)
