"""The municipality's case system (fagsystem), through the API: it lists the handovers, reads a
case's handover package, acknowledges that it has picked a handover up, and reports the
conversation's outcome back. Every query is limited to the calling client's municipality, and the
writes go through the same use cases as a caseworker's, so the queue, the deadlines and the
compliance figures stay true whichever way the work was done."""
from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import lru_cache

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Integer,
    String,
    and_,
    bindparam,
    cast,
    literal_column,
    null,
    or_,
    union_all,
    update,
)
from sqlalchemy.engine import Connection
from sqlmodel import Session, select

from .. import driver_statement
from ..models import (
    CaseEvent,
    CaseStatus,
    CheckIn,
    Citizen,
    Conversation,
    EmployerAnswer,
    EmployerReport,
    FastTrackRequest,
    Handover,
    HandoverStatus,
    Questionnaire,
    SickCase,
    StepUpPlan,
    WeekHours,
    fixed,
    utcnow,
)
from ..rules import CheckInAnswer, HeldConversation, Obligation, timeline
from . import events
from .employer import FromEmployer
from .facts import CaseHistory, earlier_sickness, earliest_closing_that_counts, facts_of
from .hours import history_of_rows, plan_of_row
from .jobcenter import CaseFile, handover_conditions, record_conversation

MAX_PAGE = 100


@dataclass(frozen=True)
class HandoverFilter:
    status: str | None = None          # open | claimed | closed; None: the live ones (open and claimed)
    reason: str | None = None
    due_from: date | None = None
    due_to: date | None = None
    after: tuple[date, int] | None = None  # the cursor: (due, id) of the previous page's last row
    limit: int = 25


@dataclass(frozen=True)
class HandoverPage:
    rows: list  # rows with a handover's listed columns (LISTED), read by name as a Handover's
    next_after: tuple[date, int] | None  # None: this was the last page


# What a handover in the list shows (api.schemas.handover_summary): plain columns, not ORM objects,
# whose building cost more CPU than the rest of the list's request.
LISTED = (Handover.id, Handover.case_id, Handover.status, Handover.due, Handover.reason_codes,
          Handover.assignee_name, Handover.acknowledged_at, Handover.external_reference, Handover.created_at,
          Handover.updated_at, Handover.closed_on)
_Listed = namedtuple("_Listed", [column.key for column in LISTED])


@lru_cache(maxsize=512)
def _page_statement(status: str | None, reason: bool, due_from: bool, due_to: bool, after: bool, limit: int):
    """Built once for each kind of page, the request's values bound by name: building the statement
    again on every call cost more than PostgreSQL's work on it."""
    conditions = handover_conditions(bindparam("municipality"), status, None)
    if reason:
        conditions.append(Handover.reason_codes.contains(bindparam("reason", type_=String)))
    if due_from:
        conditions.append(Handover.due >= bindparam("due_from", type_=Date))
    if due_to:
        conditions.append(Handover.due <= bindparam("due_to", type_=Date))
    if after:
        after_due = bindparam("after_due", type_=Date)
        conditions.append(or_(Handover.due > after_due,
                              and_(Handover.due == after_due, Handover.id > bindparam("after_id", type_=Integer))))
    return select(*LISTED).where(*conditions).order_by(Handover.due, Handover.id).limit(fixed(limit + 1))


def handovers(db: Session | Connection, municipality: str, chosen: HandoverFilter) -> HandoverPage:
    """Soonest due first, then by id; paged by position, not by offset, so a handover added or
    closed between two pages neither repeats nor drops a row."""
    limit = min(max(1, chosen.limit), MAX_PAGE)
    due, last_id = chosen.after or (None, None)
    values = {"municipality": municipality, "reason": f"|{chosen.reason}|", "due_from": chosen.due_from,
              "due_to": chosen.due_to, "after_due": due, "after_id": last_id}
    statement = _page_statement(chosen.status, bool(chosen.reason), bool(chosen.due_from), bool(chosen.due_to),
                                bool(chosen.after), limit)
    rows = driver_statement.fetch_all(_connection(db), statement, values)
    more = len(rows) > limit
    rows = [_Listed._make(row) for row in rows[:limit]]
    return HandoverPage(rows, (rows[-1].due, rows[-1].id) if more and rows else None)


def _connection(db: Session | Connection) -> Connection:
    """The connection to read on: the API's views pass their call's own (portal.api.connection), the
    tests a session."""
    return db if isinstance(db, Connection) else db.connection()


_HANDOVER_OF = select(Handover).where(Handover.id == bindparam("handover_id"),
                                      Handover.municipality_code == bindparam("municipality"))


def handover_of(db: Session, handover_id: int, municipality: str) -> Handover | None:
    return db.exec(_HANDOVER_OF, params={"handover_id": handover_id, "municipality": municipality}).first()


@dataclass(frozen=True)
class HandoverPackage:
    handover: Handover
    file: CaseFile
    employer_answers: list[FromEmployer]
    fast_track_requests: list[FromEmployer]
    obligations: list[Obligation]


def package(db: Session | Connection, handover_id: int, municipality: str,
            today: date) -> HandoverPackage | tuple | None:
    """Everything the case system needs to take the case over without retyping it: the same case file,
    employer information and timeline the caseworker's page shows, read in two statements (the
    handover with its case, citizen and questionnaire; then everything of the case that comes in
    rows) instead of thirteen that loaded whole entities. The file's handovers are not read: the
    package does not show them. The handover, case, citizen and questionnaire are rows by their
    columns' names, not entities. None: no such handover in the municipality; the handover's row
    alone: its case is no longer the municipality's (moved since), so there is no case file to give."""
    connection = _connection(db)
    rows = driver_statement.fetch_all(connection, _PACKAGE_CASE, {"handover_id": handover_id,
                                                                  "municipality": municipality})
    if not rows:
        return None
    row = rows[0]
    handover, case, citizen, questionnaire = (
        None if row[start] is None else shape._make(row[start:end]) for shape, start, end in _PACKAGE_SHAPES)
    if case is None:
        return handover
    parts = ([], [], [], [], [], [], [], [])
    rows = driver_statement.fetch_all(connection, _package_parts(connection.dialect.name), {
        "case_id": case.id, "citizen_id": case.citizen_id,
        "oldest": earliest_closing_that_counts(case.first_absence_day)})
    for row in rows:
        parts[row[0]].append(_Part._make(row))
    conversations, happened, check_ins, answers, requests, weeks, plans, closed_cases = (
        sorted(part, key=_ORDER[n]) for n, part in enumerate(parts))
    history = CaseHistory(
        conversations=[HeldConversation(c.d1, c.s3 or "self_service") for c in conversations if c.s1 == "held"],
        check_ins=[CheckInAnswer(c.d1, c.d2) for c in check_ins],
        earlier_sickness=[s for s in (earlier_sickness(case, c.id, c.d1, c.d2, c.d3) for c in closed_cases)
                          if s is not None])
    file = CaseFile(
        case=case, citizen=citizen, questionnaire=questionnaire, handovers=[],
        conversations=[_Conversation(c.id, c.s1, c.ts, c.s2, c.d1, c.s3, c.s4) for c in conversations],
        timeline=[_Event(e.ts, e.s1, e.s2, e.j1) for e in happened],
        hours=history_of_rows(case, today, plan_of_row(_Plan(p.d1, p.f1, p.f2, p.f3) if (p := next(iter(plans), None))
                                                       else None),
                              [_Week(w.n1, w.n2, w.f1, w.f2, w.d1) for w in weeks]),
        check_ins=[_CheckIn(c.d1, c.d2, c.j1) for c in check_ins])
    return HandoverPackage(
        handover, file,
        [FromEmployer(_Answer(a.d1, a.d2, a.s3, a.d3, a.s4, a.s5), a.s2, a.s1) for a in answers],
        [FromEmployer(_Request(r.d1, r.d2, r.s3, r.d3, r.j1, r.j2), r.s2, r.s1) for r in requests],
        timeline(facts_of(case, questionnaire, history), today))


# A row of _package_parts, its slots by name.
_Part = namedtuple("_Part", "part id ts d1 d2 d3 n1 n2 f1 f2 f3 s1 s2 s3 s4 s5 j1 j2")
# What the package shows of each row, by the names of the entities' attributes.
_Conversation = namedtuple("_Conversation", "id status scheduled_at form held_on outcome recorded_via")
_Event = namedtuple("_Event", "at actor kind details")
_CheckIn = namedtuple("_CheckIn", "due_on answered_on answers")
_Answer = namedtuple("_Answer", "answered_on absence_conversation_on absence_conversation_form expected_return "
                                "adjustments retention_plan")
_Request = namedtuple("_Request", "requested_on answer_due status answered_on employer_answers citizen_answers")
_Week = namedtuple("_Week", "iso_year iso_week normal_hours worked_hours corrected_on")
_Plan = namedtuple("_Plan", "start_monday start_hours weekly_increase full_hours")
# Each part in the order case_file, employer_information and hours.history read it (ids break ties).
_ORDER = (lambda c: (c.ts, c.id), lambda e: (e.ts, e.id), lambda c: (c.d1, c.id), lambda a: -a.id,
          lambda r: -r.id, lambda w: (w.n1, w.n2), lambda p: p.id, lambda c: c.id)
# The handover, its case, citizen and questionnaire as rows of their tables' columns (plain tuples by the
# columns' names, not entities: the package only reads them); a table's part is None when its row is
# missing (its first column, the primary key, is NULL).
_PACKAGE_TABLES = (Handover.__table__, SickCase.__table__, Citizen.__table__, Questionnaire.__table__)
_PACKAGE_SHAPES, _at = [], 0
for _table in _PACKAGE_TABLES:
    if not _table.c[0].primary_key:  # a missing row is told by its first column being NULL
        raise RuntimeError(f"{_table.name}'s first column must be its primary key")
    _PACKAGE_SHAPES.append((namedtuple(f"_{_table.name}", [c.key for c in _table.c]), _at, _at + len(_table.c)))
    _at += len(_table.c)
_h, _s, _c, _q = (t.c for t in _PACKAGE_TABLES)



_PACKAGE_CASE = (select(*(driver_statement.as_driver_float(column).label(f"c{n}") for n, column in enumerate(
                     column for table in _PACKAGE_TABLES for column in table.c)))
                 .select_from(Handover.__table__)
                 .join(SickCase.__table__, and_(_s.id == _h.case_id, _s.municipality_code == _h.municipality_code),
                       isouter=True)
                 .join(Citizen.__table__, _c.id == _s.citizen_id, isouter=True)
                 .join(Questionnaire.__table__, _q.case_id == _s.id, isouter=True)
                 .where(_h.id == bindparam("handover_id"), _h.municipality_code == bindparam("municipality")))


@lru_cache(maxsize=4)
def _package_parts(dialect: str):
    """Everything of one case that comes in rows, in one statement: each part's columns in shared
    slots (part, id, ts, d1-d3, n1-n2, f1-f3, s1-s5, j1-j2), the types set by the first part."""
    def row(part: int, id_, ts=None, d=(), n=(), f=(), s=(), j=()):
        # The first part names and types the slots; the others leave theirs a bare NULL (the statement
        # stays short enough for psycopg to keep its parsed form: it parses anew any over 4 kB).
        def fill(given, count, kind):
            return [*given, *((cast(null(), kind) if part == 0 else null()) for _ in range(count - len(given)))]
        columns = [literal_column(str(part), Integer), id_,
                   *fill([ts] if ts is not None else [], 1, DateTime(timezone=True)),
                   *fill(d, 3, Date), *fill(n, 2, Integer), *fill(f, 3, driver_statement.DriverFloat()),
                   *fill(s, 5, String), *fill(j, 2, JSON)]
        if part:
            return select(*columns)
        return select(*(column.label(name) for column, name in zip(columns, _Part._fields, strict=True)))

    case = bindparam("case_id", type_=Integer)
    c, e, k = Conversation.__table__.c, CaseEvent.__table__.c, CheckIn.__table__.c
    a, r, report = EmployerAnswer.__table__.c, FastTrackRequest.__table__.c, EmployerReport.__table__.c
    w, p, sick = WeekHours.__table__.c, StepUpPlan.__table__.c, SickCase.__table__.c
    return union_all(
        row(0, c.id, c.scheduled_at, d=[c.held_on], s=[c.status, c.form, c.outcome, c.recorded_via])
        .where(c.case_id == case),
        row(1, e.id, e.at, s=[e.actor, e.kind], j=[e.details]).where(e.case_id == case),
        row(2, k.id, d=[k.due_on, k.answered_on], j=[k.answers]).where(k.case_id == case),
        row(3, a.id, d=[a.answered_on, a.absence_conversation_on, a.expected_return],
            s=[a.cvr, report.org_name, a.absence_conversation_form, a.adjustments, a.retention_plan])
        .join_from(EmployerAnswer.__table__, EmployerReport.__table__, report.id == a.report_id)
        .where(a.case_id == case),
        row(4, r.id, d=[r.requested_on, r.answer_due, r.answered_on], s=[r.cvr, report.org_name, r.status],
            j=[r.employer_answers, r.citizen_answers])
        .join_from(FastTrackRequest.__table__, EmployerReport.__table__, report.id == r.report_id)
        .where(r.case_id == case),
        row(5, w.id, d=[w.corrected_on], n=[w.iso_year, w.iso_week], f=[w.normal_hours, w.worked_hours])
        .where(w.case_id == case),
        row(6, p.id, d=[p.start_monday], f=[p.start_hours, p.weekly_increase, p.full_hours]).where(p.case_id == case),
        # The citizen's closed cases, for her earlier sickness (facts.histories_of's third part).
        row(7, sick.id, d=[sick.first_absence_day, sick.recovered_on, sick.closed_on])
        .where(sick.citizen_id == bindparam("citizen_id", type_=Integer), sick.status == CaseStatus.CLOSED,
               sick.closed_on >= bindparam("oldest", type_=Date)),
    )


class HandoverClosed(Exception):
    """The conversation was held and the handover closed: nothing more to pick up or report."""


@dataclass(frozen=True)
class CaseSystem:
    """Who is calling: the registered client, as the event log and the queue name it."""

    client_id: str
    name: str

    @property
    def actor(self) -> str:
        return f"api:{self.client_id}"


def acknowledge(db: Session, handover: Handover, caller: CaseSystem, external_reference: str | None,
                caseworker_name: str | None) -> Handover:
    """The case system has the handover. An open one is taken off the queue in the caller's name, with
    the same conditional update a caseworker's claim uses, so the two cannot both take it; one a
    caseworker already holds stays theirs and is only marked as received."""
    if handover.status == HandoverStatus.CLOSED:
        raise HandoverClosed
    holder = (caseworker_name or caller.name)[:200]
    db.exec(update(Handover)
            .where(Handover.id == handover.id, Handover.status == HandoverStatus.OPEN, Handover.assignee.is_(None))
            .values(assignee=caller.actor, assignee_name=holder, status=HandoverStatus.CLAIMED, updated_at=utcnow()))
    db.refresh(handover)
    first_time = handover.acknowledged_at is None
    changed_reference = external_reference is not None and external_reference != handover.external_reference
    if handover.assignee == caller.actor and caseworker_name and handover.assignee_name != holder:
        handover.assignee_name = holder
    if first_time:
        handover.acknowledged_at = utcnow()
    if changed_reference:
        handover.external_reference = external_reference
    if first_time or changed_reference:
        handover.updated_at = utcnow()
        events.record(db, handover.case_id, caller.actor, "handover_acknowledged", by=caller.name,
                      reference=handover.external_reference)
    db.add(handover)
    db.commit()
    db.refresh(handover)
    return handover


class OutcomeRefused(Exception):
    def __init__(self, problems: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = problems


def report_outcome(db: Session, handover: Handover, caller: CaseSystem, held_on: date, outcome: str, form: str,
                   conversation_id: int | None, today: date) -> Conversation:
    """The conversation was held in the case system. The booked conversation it names (or the
    case's booked one, or a new record when it was booked outside the portal) is recorded as held,
    which closes the handover and stops its deadline as a caseworker's record would."""
    # Take the handover's row first: a second report at the same moment waits here, then finds it
    # closed, so two reports (with different idempotency keys) cannot both hold a conversation.
    taken = db.exec(update(Handover).where(Handover.id == handover.id, Handover.status != fixed(HandoverStatus.CLOSED))
                    .values(updated_at=utcnow())).rowcount
    if not taken:
        db.rollback()
        raise HandoverClosed
    case = db.get(SickCase, handover.case_id)
    problems = {}
    if held_on > today:
        problems["held_on"] = "A conversation cannot be recorded as held in the future."
    elif held_on < case.first_absence_day:
        problems["held_on"] = "The conversation cannot be held before the first day of absence."
    booked = db.exec(select(Conversation).where(Conversation.case_id == case.id, Conversation.status == fixed("booked"))
                     .order_by(Conversation.scheduled_at, Conversation.id)).all()
    if conversation_id is not None:
        conversation = next((c for c in booked if c.id == conversation_id), None)
        if conversation is None:
            problems["conversation_id"] = "No booked conversation with this id on the case."
    else:
        conversation = booked[0] if booked else None
    if problems:
        db.rollback()
        raise OutcomeRefused(problems)
    if conversation is None:
        conversation = Conversation(case_id=case.id, municipality_code=case.municipality_code,
                                    handover_id=handover.id, booked_by=caller.actor,
                                    scheduled_at=datetime.combine(held_on, time(0), UTC), form=form)
    conversation.form, conversation.recorded_via = form, caller.name
    db.add(conversation)
    db.flush()
    record_conversation(db, case, conversation.id, held_on, outcome, caller.actor, actor=caller.actor)
    db.refresh(handover)
    return conversation
