"""Handover: screening reasons become a handover record the jobcenter picks up from its queue.

`rescreen` runs after every change to a case and from the `sweep` command. It is idempotent: the
live handover of a case is updated in place, and a new one is inserted with ON CONFLICT DO NOTHING
against the one-live-handover-per-case index, so two sweeps at once cannot make two. The sweep
inserts a batch's new handovers in one statement and logs the ones it made in one more."""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import fields
from datetime import date

from sqlalchemy import Date, Integer, String, bindparam, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from ..models import CaseStatus, Handover, HandoverStatus, Questionnaire, SickCase, fixed, utcnow
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


_REASON_FIELDS = tuple(f.name for f in fields(Reason))


def _serialise(reasons: Iterable[Reason]) -> list[dict]:
    # Reason's fields are flat: a shallow dict is what asdict() gave, at a fraction of its cost.
    return [{**{name: getattr(r, name) for name in _REASON_FIELDS}, "code": str(r.code),
             "start": r.start.isoformat(), "due": r.due.isoformat(), "legal_deadline": r.legal_deadline.isoformat()}
            for r in reasons]


def _codes(reasons: Iterable[Reason]) -> str:
    return "|" + "|".join(sorted({str(r.code) for r in reasons})) + "|"


def live_handover(db: Session, case_id: int) -> Handover | None:
    return db.exec(select(Handover).where(Handover.case_id == case_id,
                                          Handover.status != fixed(HandoverStatus.CLOSED))).first()


def reasons_on(case: SickCase, questionnaire: Questionnaire | None, history: CaseHistory, today: date,
               lead_time_days: int | None = None, tally: Tally | None = None) -> list[Reason]:
    """The screening step: why the case needs the jobcenter on `today` (empty: it does not).
    `tally` counts every reason's week, active or not, for the team's plan."""
    every_reason = screen(facts_of(case, questionnaire, history), today, lead_time_days)
    if tally is not None:
        tally.add(case.municipality_code, every_reason)
    return active_reasons(every_reason, today)


def rescreen(db: Session, case: SickCase, questionnaire: Questionnaire | None, today: date,
             lead_time_days: int | None = None, live: Handover | None = None, *, lookup: bool = True,
             history: CaseHistory | None = None, tally: Tally | None = None) -> bool:
    """Screen the case on `today` and bring its handover up to date in the caller's transaction.
    Returns True when a new handover was made. `tally` counts the reasons' weeks for the team's plan."""
    if history is None:
        history = histories_of(db, [case])[case.id]
    reasons = reasons_on(case, questionnaire, history, today, lead_time_days, tally)
    if lookup and live is None:
        live = live_handover(db, case.id)
    if live is not None:
        _update_live(db, case, live, reasons)
        return False
    if not reasons:
        return False
    return bool(_insert(db, [(case, reasons)]))


def _update_live(db: Session, case: SickCase, live: Handover, reasons: list[Reason]) -> None:
    """A live handover keeps its place in the queue; its reasons and due date follow the case."""
    codes = _codes(reasons) if reasons else live.reason_codes
    if reasons and (codes != live.reason_codes or live.due != min(r.due for r in reasons)):
        live.reasons, live.reason_codes = _serialise(reasons), codes
        live.due, live.updated_at = min(r.due for r in reasons), utcnow()
        db.add(live)
        events.record(db, case.id, "portal", "handover_updated", reasons=codes.strip("|").split("|"))


def _insert(db: Session, new: list[tuple[SickCase, list[Reason]]]) -> int:
    """Insert a live handover for each case in one statement; a case that got one meanwhile (another
    process, between our read and this insert) is skipped by the index, and only the handovers this
    call made are logged. Returns how many it made."""
    if not new:
        return 0
    now = utcnow()
    rows = [{"case_id": case.id, "municipality_code": case.municipality_code, "status": HandoverStatus.OPEN,
             "due": min(r.due for r in reasons), "reasons": _serialise(reasons), "reason_codes": _codes(reasons),
             "created_at": now, "updated_at": now} for case, reasons in new]
    db.flush()  # what the caller added goes first, as before: the event log keeps its order
    if db.get_bind().dialect.name == "postgresql":
        made = set(db.connection().execute(_INSERT_FROM_ARRAYS, _as_arrays(rows)).scalars())
    else:  # one statement compiled once, sent as multi-row VALUES (SQLAlchemy's insertmanyvalues)
        statement = sqlite.insert(Handover.__table__).on_conflict_do_nothing(
            index_elements=["case_id"], index_where=text("status != 'closed'"),
        ).returning(Handover.__table__.c.case_id)
        made = set(db.connection().execute(statement, rows).scalars())
    # A case missing from `made` got its live handover from another process first: not logged here.
    events.record_many(db, "portal", "handed_over", [
        (case.id, {"reasons": [str(r.code) for r in reasons], "due": min(r.due for r in reasons).isoformat()})
        for case, reasons in new if case.id in made])
    return len(made)


# PostgreSQL: the rows as one array a column (zipped by ROWS FROM), so the statement stays short and is prepared once
# (a thousand-row VALUES list cost more in parameter parsing than the insert itself).
_COLUMNS = Handover.__table__.c
_INSERT_FROM_ARRAYS = text("""
    INSERT INTO handover (case_id, municipality_code, status, due, reasons, reason_codes, created_at, updated_at)
    SELECT case_id, municipality_code, :status, due, reasons, reason_codes, :now, :now
    FROM ROWS FROM (unnest(:case_id), unnest(:municipality_code), unnest(:due),
                    json_array_elements(CAST(:reasons AS json)), unnest(:reason_codes))
         AS row(case_id, municipality_code, due, reasons, reason_codes)
    ON CONFLICT (case_id) WHERE status != 'closed' DO NOTHING
    RETURNING case_id""").bindparams(
    bindparam("status", type_=_COLUMNS.status.type), bindparam("now", type_=_COLUMNS.created_at.type),
    bindparam("case_id", type_=postgresql.ARRAY(Integer)), bindparam("due", type_=postgresql.ARRAY(Date)),
    bindparam("reasons", type_=String),
    *(bindparam(name, type_=postgresql.ARRAY(String)) for name in ("municipality_code", "reason_codes")))


def _as_arrays(rows: list[dict]) -> dict:
    arrays = {name: [row[name] for row in rows] for name in ("case_id", "municipality_code", "due", "reason_codes")}
    # One JSON array of every row's reasons (the JSON column's serialiser): an array of JSON texts
    # would be escaped character by character.
    arrays["reasons"] = json.dumps([row["reasons"] for row in rows])
    return {**arrays, "status": rows[0]["status"], "now": rows[0]["created_at"]}


def open_case_batch(db: Session, after_id: int, batch_size: int) -> list[tuple]:
    """The next open cases by id, each with its questionnaire and live handover, in one query."""
    return db.exec(
        select(SickCase, Questionnaire, Handover)
        .join(Questionnaire, Questionnaire.case_id == SickCase.id, isouter=True)
        .join(Handover, (Handover.case_id == SickCase.id) & (Handover.status != fixed(HandoverStatus.CLOSED)),
              isouter=True)
        .where(SickCase.status == CaseStatus.OPEN, SickCase.id > after_id)
        .order_by(SickCase.id).limit(fixed(batch_size))
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
        new = []  # cases without a live handover that need one: inserted together below
        for case, questionnaire, live in rows:
            reasons = reasons_on(case, questionnaire, histories[case.id], today, lead_time_days, tally)
            if live is not None:
                _update_live(db, case, live, reasons)
            elif reasons:
                new.append((case, reasons))
            screened += 1
        made += _insert(db, new)
        db.commit()
        last_id = rows[-1][0].id
