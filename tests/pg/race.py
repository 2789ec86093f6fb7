"""What the two-process races share: handovers to fight over, and two processes started at once
that meet at a barrier before each round."""
from __future__ import annotations

import multiprocessing
from datetime import date

from sqlmodel import Session, create_engine, select

from portal.models import Citizen, Handover, SickCase


def handovers_to_race_for(database_url: str, rounds: int, tag: str) -> list[int]:
    """`rounds` open handovers of København (one case open, the rest closed: one open case a citizen)."""
    engine = create_engine(database_url)
    with Session(engine) as db:
        citizen = Citizen(cpr_hash=tag, cpr_encrypted="x", name="Race Test")
        db.add(citizen)
        db.commit()
        for n in range(rounds):
            case = SickCase(citizen_id=citizen.id, municipality_code="101", first_absence_day=date(2026, 9, 1),
                            employment="employed", reported_on=date(2026, 9, 1),
                            status="open" if n == 0 else "closed")
            db.add(case)
            db.flush()
            db.add(Handover(case_id=case.id, municipality_code="101", due=date(2026, 10, 1)))
        db.commit()
        ids = [h.id for h in db.exec(select(Handover).order_by(Handover.id))]
    engine.dispose()
    return ids


def race(target, database_url: str, ids: list[int], names: tuple[str, str]) -> dict[str, list[int]]:
    """Run target(url, ids, name, barrier, results) in two spawned processes; what each put in results."""
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(2), context.Queue()
    workers = [context.Process(target=target, args=(database_url, ids, name, barrier, results)) for name in names]
    for worker in workers:
        worker.start()
    outcome = dict(results.get(timeout=120) for _ in workers)
    for worker in workers:
        worker.join(timeout=30)
    return outcome


def holders(database_url: str) -> dict[int, str | None]:
    engine = create_engine(database_url)
    with Session(engine) as db:
        found = {h.id: h.assignee for h in db.exec(select(Handover))}
    engine.dispose()
    return found
