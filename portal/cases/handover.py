"""Handover: screening reasons become a handover record the jobcenter picks up from its queue.

`rescreen` runs after every change to a case and from the `sweep` command. It is idempotent: the
live handover of a case is updated in place, and a new one is inserted with ON CONFLICT DO NOTHING
against the one-live-handover-per-case index, so two sweeps at once cannot make two."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from datetime import date

from sqlalchemy import text
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from ..models import CaseStatus, Handover, HandoverStatus, Questionnaire, SickCase, utcnow
from ..rules import Reason, active_reasons, screen
from . import events
from .facts import CaseHistory, facts_of, histories_of
from .workload import Tally


def questionnaire_of(db: Session, case_id: int) -> Questionnaire | None:
    return db.exec(select(Questionnaire).where(Questionnaire.case_id == case_id)).first()


def close_live_handover(db: Session, case_id: int, today: date, why: str) -> None:
    """The case no longer needs the jobcenter (the citizen recovered): its handover leaves the queue."""
    live = live_handover(db, case_id)
    if live is not None:
        live.status, live.closed_on, live.updated_at = HandoverStatus.CLOSED, today, utcnow()
        db.add(live)
        events.record(db, case_id, "portal", "handover_closed", why=why)


def _serialise(reasons: Iterable[Reason]) -> list[dict]:
    return [{**asdict(r), "code": str(r.code), "start": r.start.isoformat(), "due": r.due.isoformat(),
             "legal_deadline": r.legal_deadline.isoformat()} for r in reasons]


def _codes(reasons: Iterable[Reason]) -> str:
    return "|" + "|".join(sorted({str(r.code) for r in reasons})) + "|"


def live_handover(db: Session, case_id: int) -> Handover | None:
    return db.exec(select(Handover).where(Handover.case_id == case_id,
                                          Handover.status != HandoverStatus.CLOSED)).first()


def rescreen(db: Session, case: SickCase, questionnaire: Questionnaire | None, today: date,
             lead_time_days: int | None = None, live: Handover | None = None, *, lookup: bool = True,
             history: CaseHistory | None = None, tally: Tally | None = None) -> bool:
    """Screen the case on `today` and bring its handover up to date in the caller's transaction.
    Returns True when a new handover was made. `tally` counts the reasons' weeks for the team's plan."""
    if history is None:
        history = histories_of(db, [case])[case.id]
    every_reason = screen(facts_of(case, questionnaire, history), today, lead_time_days)
    if tally is not None:
        tally.add(case.municipality_code, every_reason)
    reasons = active_reasons(every_reason, today)
    if lookup and live is None:
        live = live_handover(db, case.id)
    if live is not None:
        codes = _codes(reasons) if reasons else live.reason_codes
        if reasons and (codes != live.reason_codes or live.due != min(r.due for r in reasons)):
            live.reasons, live.reason_codes = _serialise(reasons), codes
            live.due, live.updated_at = min(r.due for r in reasons), utcnow()
            db.add(live)
            events.record(db, case.id, "portal", "handover_updated", reasons=codes.strip("|").split("|"))
        return False
    if not reasons:
        return False
    return _insert(db, case, reasons)


def _insert(db: Session, case: SickCase, reasons: list[Reason]) -> bool:
    dialect = db.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    now = utcnow()
    statement = insert(Handover.__table__).values(
        case_id=case.id, municipality_code=case.municipality_code, status=HandoverStatus.OPEN,
        due=min(r.due for r in reasons), reasons=_serialise(reasons), reason_codes=_codes(reasons),
        created_at=now, updated_at=now,
    ).on_conflict_do_nothing(
        index_elements=["case_id"], index_where=text("status != 'closed'"),
    ).returning(Handover.__table__.c.id)
    made = db.exec(statement).first() is not None  # no row back: another process made it first
    if made:
        events.record(db, case.id, "portal", "handed_over",
                      reasons=[str(r.code) for r in reasons], due=min(r.due for r in reasons).isoformat())
    return made


def open_case_batch(db: Session, after_id: int, batch_size: int) -> list[tuple]:
    """The next open cases by id, each with its questionnaire and live handover, in one query."""
    return db.exec(
        select(SickCase, Questionnaire, Handover)
        .join(Questionnaire, Questionnaire.case_id == SickCase.id, isouter=True)
        .join(Handover, (Handover.case_id == SickCase.id) & (Handover.status != HandoverStatus.CLOSED),
              isouter=True)
        .where(SickCase.status == CaseStatus.OPEN, SickCase.id > after_id)
        .order_by(SickCase.id).limit(batch_size)
    ).all()


def sweep(db: Session, today: date, batch_size: int = 1000, lead_time_days: int | None = None) -> tuple[int, int]:
    """Re-screen every open case and count the team's coming weeks. Returns (cases screened, handovers
    made). Safe to run twice, or in two processes at once: the database index lets only one live
    handover per case exist."""
    screened = made = 0
    last_id = 0
    tally = Tally(today)
    while True:
        rows = open_case_batch(db, last_id, batch_size)
        if not rows:
            tally.store(db)
            return screened, made
        histories = histories_of(db, [row[0] for row in rows])
        for case, questionnaire, live in rows:
            made += rescreen(db, case, questionnaire, today, lead_time_days, live, lookup=False,
                             history=histories[case.id], tally=tally)
            screened += 1
        db.commit()
        last_id = rows[-1][0].id
