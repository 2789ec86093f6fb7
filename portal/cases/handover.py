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
from functools import cached_property
from types import SimpleNamespace

from sqlalchemy import JSON, String, bindparam, cast, delete, func, or_, text, update
from sqlalchemy.dialects import sqlite
from sqlmodel import Session, select

from ..models import (
    CaseCheck,
    CaseStatus,
    Handover,
    HandoverStatus,
    Questionnaire,
    QuestionnaireStatus,
    SickCase,
    fixed,
    utcnow,
)
from ..rules import CaseFacts, Reason, active_reasons, screen, timeline
from ..rules.next_check import next_check
from . import events
from .batch_text import among_ids, as_lines
from .facts import CaseHistory, facts_of, facts_of_row, histories_of
from .workload import Tally, count_between_sweeps


def _aware(moment):
    from datetime import UTC
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


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


# Built once: every use case that re-screens its case asks this (building it cost more than running it).
_LIVE = select(Handover).where(Handover.case_id == bindparam("case_id"),
                               Handover.status != fixed(HandoverStatus.CLOSED))


def live_handover(db: Session, case_id: int) -> Handover | None:
    return db.exec(_LIVE, params={"case_id": case_id}).first()


def reasons_on(case: SickCase, questionnaire: Questionnaire | None, history: CaseHistory, today: date,
               lead_time_days: int | None = None, tally: Tally | None = None) -> list[Reason]:
    """The screening step: why the case needs the jobcenter on `today` (empty: it does not).
    `tally` counts every reason's week, active or not, for the team's plan."""
    return _active_reasons(facts_of(case, questionnaire, history), case.municipality_code, today,
                           lead_time_days, tally)


def _active_reasons(facts: CaseFacts, municipality: str, today: date, lead_time_days: int | None,
                    tally: Tally | None) -> list[Reason]:
    every_reason = screen(facts, today, lead_time_days)
    if tally is not None:
        tally.add(municipality, every_reason)
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
    made = bool(_insert(db, [(case, _Outcome(reasons))]))
    if made and tally is None:  # outside the sweep: the team's coming weeks count it now, not at the next sweep
        count_between_sweeps(db, case.municipality_code, facts_of(case, questionnaire, history),
                             _aware(case.created_at), today)
    return made


def _update_live(db: Session, case: SickCase, live: Handover, reasons: list[Reason]) -> None:
    """A live handover keeps its place in the queue; its reasons and due date follow the case."""
    codes = _codes(reasons) if reasons else live.reason_codes
    if reasons and (codes != live.reason_codes or live.due != min(r.due for r in reasons)):
        live.reasons, live.reason_codes = _serialise(reasons), codes
        live.due, live.updated_at = min(r.due for r in reasons), utcnow()
        db.add(live)
        events.record(db, case.id, "portal", "handover_updated", reasons=codes.strip("|").split("|"))


class _Outcome:
    """A case's active reasons and what a handover stores of them, each worked out once: the sweep
    shares one outcome between the cases of equal facts."""

    def __init__(self, reasons: list[Reason]):
        self.reasons = reasons

    @cached_property
    def codes(self) -> str:
        return _codes(self.reasons)

    @cached_property
    def due(self) -> date:
        return min(r.due for r in self.reasons)

    @cached_property
    def serialised(self) -> list[dict]:
        return _serialise(self.reasons)

    @cached_property
    def serialised_json(self) -> str:
        return json.dumps(self.serialised)

    @cached_property
    def handed_over_json(self) -> events.Encoded:
        """The handed_over event's details, as the JSON text the event's column stores."""
        return events.Encoded(json.dumps({"reasons": [str(r.code) for r in self.reasons],
                                          "due": self.due.isoformat()}))


def _insert(db: Session, new: list[tuple[SickCase, _Outcome]]) -> int:
    """Insert a live handover for each case in one statement; a case that got one meanwhile (another
    process, between our read and this insert) is skipped by the index, and only the handovers this
    call made are logged. Returns how many it made."""
    if not new:
        return 0
    now = utcnow()
    db.flush()  # what the caller added goes first, as before: the event log keeps its order
    if db.get_bind().dialect.name == "postgresql":
        made = set(db.connection().execute(_INSERT_FROM_ARRAYS, _as_arrays(new, now)).scalars())
    else:  # one statement compiled once, sent as multi-row VALUES (SQLAlchemy's insertmanyvalues)
        rows = [{"case_id": case.id, "municipality_code": case.municipality_code, "status": HandoverStatus.OPEN,
                 "due": outcome.due, "reasons": outcome.serialised, "reason_codes": outcome.codes,
                 "created_at": now, "updated_at": now} for case, outcome in new]
        statement = sqlite.insert(Handover.__table__).on_conflict_do_nothing(
            index_elements=["case_id"], index_where=text("status != 'closed'"),
        ).returning(Handover.__table__.c.case_id)
        made = set(db.connection().execute(statement, rows).scalars())
    # A case missing from `made` got its live handover from another process first: not logged here.
    events.record_many(db, "portal", "handed_over", [
        (case.id, outcome.handed_over_json) for case, outcome in new if case.id in made])
    return len(made)


# PostgreSQL: the rows as one text a column (batch_text), so the statement stays short and is prepared
# once (a thousand-row VALUES list cost more in parameter parsing than the insert itself).
_COLUMNS = Handover.__table__.c
_INSERT_FROM_ARRAYS = text("""
    INSERT INTO handover (case_id, municipality_code, status, due, reasons, reason_codes, created_at, updated_at)
    SELECT CAST(case_id AS integer), municipality_code, :status, CAST(due AS date), reasons, reason_codes, :now, :now
    FROM ROWS FROM (regexp_split_to_table(:case_id, E'\\n'), regexp_split_to_table(:municipality_code, E'\\n'),
                    regexp_split_to_table(:due, E'\\n'), json_array_elements(CAST(:reasons AS json)),
                    regexp_split_to_table(:reason_codes, E'\\n'))
         AS row(case_id, municipality_code, due, reasons, reason_codes)
    ON CONFLICT (case_id) WHERE status != 'closed' DO NOTHING
    RETURNING case_id""").bindparams(
    bindparam("status", type_=_COLUMNS.status.type), bindparam("now", type_=_COLUMNS.created_at.type),
    *(bindparam(name, type_=String) for name in ("case_id", "municipality_code", "due", "reasons", "reason_codes")))


def _as_arrays(new: list[tuple[SickCase, _Outcome]], now) -> dict:
    return {"case_id": as_lines(case.id for case, _ in new),
            "municipality_code": as_lines(case.municipality_code for case, _ in new),
            "due": as_lines(outcome.due for _, outcome in new),
            "reason_codes": as_lines(outcome.codes for _, outcome in new),
            # One JSON array of every row's reasons, each element the JSON column's serialiser's text
            # (json.dumps), written once an outcome: many cases share one.
            "reasons": "[" + ",".join(outcome.serialised_json for _, outcome in new) + "]",
            "status": HandoverStatus.OPEN, "now": now}


# What the sweep reads of a case: the columns facts_of_row and histories_of read, by their names, and
# the municipality. Plain rows, not three ORM entities a case (most of the read's cost), and not the
# questionnaire's answers (only whether it is submitted) nor the live handover's reasons (only the
# codes and the due date are compared). The JSON columns come as their text: parsed only for facts
# not screened before in the sweep (_FACTS, the row's columns that make the facts, are its memo key).
_SWEEP_CASE_COLUMNS = (*(SickCase.__table__.c[name] for name in ("id", "citizen_id", "municipality_code")), *(
    cast(column, String).label(column.name) if isinstance(column.type, JSON) else column
    for column in (SickCase.__table__.c[name] for name in (
        "status", "first_absence_day", "reported_on", "employment", "closed_on", "expectations",
        "questionnaire_sent_on", "questionnaire_submitted_on", "employer_absence_conversation_on",
        "fast_track_requested_on", "fast_track_declined_on", "employer_fast_track_asked_on",
        "employer_fast_track_answered_on", "fast_track_decided_on", "conversation_requested_on", "standby_since",
        "plan_stalled_on", "follow_up_plan_made_on", "corrections"))),
    Questionnaire.status.label("questionnaire_status"))
_FACTS = slice(3, len(_SWEEP_CASE_COLUMNS))  # from status to the questionnaire's status


def open_case_batch(db: Session, after_id: int, batch_size: int, due_by: date | None = None,
                    ids: list[int] | None = None) -> list:
    """The next open cases by id, as rows of their facts' columns (the JSON ones as text), with their
    questionnaire's status (`questionnaire_status`), their live handover's `live_id`, `live_codes` and
    `live_due` (None: no live handover) and their `facts_version` (0: no case_check row yet), in one
    query. `due_by`: only the cases whose next check has come by then (or that have no row);
    `ids`: only these (sorted, all above `after_id`)."""
    upto = ids[-1] if ids else None
    within = (lambda column: (column > after_id) & (column <= upto)) if ids else (lambda column: column > after_id)
    statement = (
        select(*_SWEEP_CASE_COLUMNS,
               Handover.id.label("live_id"), Handover.reason_codes.label("live_codes"), Handover.due.label("live_due"),
               func.coalesce(CaseCheck.facts_version, 0).label("facts_version"))
        # `case_id > after_id` says again what the join implies: without it PostgreSQL's merge joins
        # read the questionnaires and handovers from the first case on, every batch (at 100,000 cases
        # the last batch read 55 ms instead of 1; the whole sweep grew with the square of the cases).
        .join(Questionnaire, (Questionnaire.case_id == SickCase.id) & within(Questionnaire.case_id), isouter=True)
        .join(Handover, (Handover.case_id == SickCase.id) & (Handover.status != fixed(HandoverStatus.CLOSED))
              & within(Handover.case_id), isouter=True)
        .join(CaseCheck, (CaseCheck.case_id == SickCase.id) & within(CaseCheck.case_id), isouter=True)
        .where(SickCase.status == CaseStatus.OPEN, within(SickCase.id)))
    if due_by is not None:
        statement = statement.where(_due(due_by))
    if ids:
        statement = statement.where(_among(db, SickCase.id, ids))
    return db.exec(statement.order_by(SickCase.id).limit(fixed(batch_size))).all()


def _among(db: Session, column, ids: list[int]):
    """`column IN ids`; on PostgreSQL as `= ANY(array)`, one parameter: psycopg parses a query of a
    thousand parameters anew each time (too long for its cache), which cost more than the query."""
    if db.get_bind().dialect.name == "postgresql":
        return among_ids(column, None, ids)
    return column.in_(ids)


def _due(today: date):
    # A case without a case_check row (new, or from before the table) is due.
    return or_(CaseCheck.case_id.is_(None), CaseCheck.next_check_on <= today)


def due_case_ids(db: Session, today: date) -> list[int]:
    """The open cases whose next check has come, or that have no case_check row, by id."""
    return list(db.exec(select(SickCase.id).join(CaseCheck, CaseCheck.case_id == SickCase.id, isouter=True)
                        .where(SickCase.status == CaseStatus.OPEN, _due(today)).order_by(SickCase.id)).all())


def forget_closed(db: Session, today: date) -> None:
    """Drop the rows of closed cases that are due (closing a case made it due): they would otherwise
    stay in the due range of the index, read every day. A case opened again is due without a row."""
    closed = select(SickCase.id).where(SickCase.status != CaseStatus.OPEN).scalar_subquery()
    db.exec(delete(CaseCheck).where(CaseCheck.next_check_on <= today, CaseCheck.case_id.in_(closed)))


def _facts(row, history: CaseHistory) -> CaseFacts:
    case = SimpleNamespace(**row._mapping)
    case.expectations, case.corrections = json.loads(row.expectations), json.loads(row.corrections)
    return facts_of_row(case, row.questionnaire_status == QuestionnaireStatus.SUBMITTED, history)


_UPDATE_LIVE = update(Handover.__table__).where(Handover.__table__.c.id == bindparam("live_id")).values(
    reasons=bindparam("reasons"), reason_codes=bindparam("reason_codes"), due=bindparam("due"),
    updated_at=bindparam("updated_at"))


def _update_many(db: Session, changed: list[tuple]) -> None:
    """What _update_live does, for a batch's live handovers whose reasons changed (row, outcome):
    one executemany, then their handover_updated events."""
    if not changed:
        return
    now = utcnow()
    db.connection().execute(_UPDATE_LIVE, [
        {"live_id": row.live_id, "reasons": outcome.serialised, "reason_codes": outcome.codes, "due": outcome.due,
         "updated_at": now} for row, outcome in changed])
    events.record_many(db, "portal", "handover_updated", [
        (row.id, {"reasons": outcome.codes.strip("|").split("|")}) for row, outcome in changed])


# Cases of equal facts have equal reasons (screening is pure), and on a sweep's day many open cases
# have the same few facts (a new case: its first absence day, reported and sent on the same day).
# Bounded: emptied when full.
_SCREENED_MEMO_SIZE = 10_000


def due_reasons_text(reasons: Iterable[Reason]) -> str:
    """What a case stores of its reasons for the team's coming weeks: "code:due|code:due"."""
    return "|".join(f"{r.code}:{r.due.isoformat()}" for r in reasons)


def _store_checks(db: Session, checked: list[tuple]) -> None:
    """Store each screened case's next-check day and reasons (case id, facts version read, day,
    reasons text) in case_check, one statement a batch. A case whose facts changed since the sweep
    read them (its facts_version moved on, or a row was made for it) keeps CHECK_NOW: the next sweep
    screens what it now is."""
    if not checked:
        return
    if db.get_bind().dialect.name == "postgresql":
        ids, versions, days, reasons = zip(*checked, strict=True)
        db.connection().execute(_STORE_FROM_ARRAYS, {"id": as_lines(ids), "version": as_lines(versions),
                                                     "day": as_lines(days), "reasons": as_lines(reasons)})
        return
    db.connection().execute(_STORE_CHECK, [{"case_id": i, "facts_version": v, "next_check_on": d, "due_reasons": r}
                                           for i, v, d, r in checked])


_NEW_CHECK = sqlite.insert(CaseCheck.__table__)
_STORE_CHECK = _NEW_CHECK.on_conflict_do_update(
    index_elements=[CaseCheck.__table__.c.case_id],
    set_={"next_check_on": _NEW_CHECK.excluded.next_check_on, "due_reasons": _NEW_CHECK.excluded.due_reasons},
    where=CaseCheck.__table__.c.facts_version == _NEW_CHECK.excluded.facts_version)
_STORE_FROM_ARRAYS = text("""
    INSERT INTO case_check (case_id, facts_version, next_check_on, due_reasons)
    SELECT CAST(id AS integer), CAST(version AS integer), CAST(day AS date), reasons
    FROM ROWS FROM (regexp_split_to_table(:id, E'\\n'), regexp_split_to_table(:version, E'\\n'),
                    regexp_split_to_table(:day, E'\\n'), regexp_split_to_table(:reasons, E'\\n'))
         AS row(id, version, day, reasons)
    ON CONFLICT (case_id) DO UPDATE SET next_check_on = excluded.next_check_on, due_reasons = excluded.due_reasons
    WHERE case_check.facts_version = excluded.facts_version""").bindparams(
    *(bindparam(name, type_=String) for name in ("id", "version", "day", "reasons")))


def count_coming_weeks(db: Session, today: date) -> Tally:
    """The team's coming weeks from every open case's stored reasons: one grouped read, each distinct
    list of reasons parsed once (many cases share one)."""
    tally = Tally(today)
    for municipality, stored, cases in db.exec(
            select(SickCase.municipality_code, CaseCheck.due_reasons, func.count())
            .join(CaseCheck, CaseCheck.case_id == SickCase.id).where(SickCase.status == CaseStatus.OPEN)
            .group_by(SickCase.municipality_code, CaseCheck.due_reasons)).all():
        if stored:
            tally.add_due(municipality, [(code, date.fromisoformat(due)) for code, due in
                                         (part.split(":") for part in stored.split("|"))], cases)
    return tally


def sweep(db: Session, today: date, batch_size: int = 1000, lead_time_days: int | None = None,
          every_case: bool = False) -> tuple[int, int]:
    """Re-screen the open cases whose next check has come (`every_case`: all open cases), store
    each one's next-check day, and count the team's coming weeks. Returns (cases screened, handovers
    made). Safe to run twice, or in two processes at once: the database index lets only one live
    handover per case exist, and a next-check day is stored only over the facts it was worked out
    from."""
    screened = made = 0
    last_id = 0
    forget_closed(db, today)
    db.commit()  # its own short transaction: no write lock held while the batches are read and screened
    due = None if every_case else due_case_ids(db, today)
    # Cases of equal facts have equal reasons: each distinct (row's facts, history) is screened once.
    screened_facts: dict[tuple, tuple[_Outcome | None, date, str]] = {}
    start = 0
    while True:
        if due is None:
            rows = open_case_batch(db, last_id, batch_size)
        else:
            chunk = due[start:start + batch_size]
            start += batch_size
            rows = open_case_batch(db, last_id, batch_size, today, chunk) if chunk else []
            if chunk and not rows and start < len(due):  # all of this chunk closed or changed meanwhile
                last_id = chunk[-1]
                continue
        if not rows:
            count_coming_weeks(db, today).store(db)
            return screened, made
        histories = histories_of(db, rows)
        new = []  # cases without a live handover that need one: inserted together below
        changed = []  # live handovers whose reasons or due date changed (what _update_live compares)
        checked = []  # (case id, facts version, next check, reasons text)
        for row in rows:
            history = histories[row.id]
            key = (tuple(row[_FACTS]), tuple(history.conversations), tuple(history.check_ins),
                   tuple(history.earlier_sickness))
            known = screened_facts.get(key)
            if known is None:
                if len(screened_facts) >= _SCREENED_MEMO_SIZE:
                    screened_facts.clear()
                facts = _facts(row, history)
                obligations = timeline(facts, today, lead_time_days)  # read once, for both
                every_reason = screen(facts, today, lead_time_days, obligations)
                active = active_reasons(every_reason, today)
                known = screened_facts[key] = (_Outcome(active) if active else None,
                                               next_check(facts, today, lead_time_days, obligations),
                                               due_reasons_text(every_reason))
            outcome, next_day, reasons_text = known
            checked.append((row.id, row.facts_version, next_day, reasons_text))
            if outcome is None:  # no active reason: a live handover keeps its reasons, as in _update_live
                pass
            elif row.live_id is not None:
                if outcome.codes != row.live_codes or outcome.due != row.live_due:
                    changed.append((row, outcome))
            else:
                new.append((row, outcome))
            screened += 1
        _update_many(db, changed)
        made += _insert(db, new)
        _store_checks(db, checked)
        db.commit()
        last_id = rows[-1].id
