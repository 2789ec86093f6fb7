"""The municipality's case system (fagsystem), through the API: it lists the handovers, reads a
case's handover package, acknowledges that it has picked a handover up, and reports the
conversation's outcome back. Every query is limited to the calling client's municipality, and the
writes go through the same use cases as a caseworker's, so the queue, the deadlines and the
compliance figures stay true whichever way the work was done."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import lru_cache

from sqlalchemy import Date, Integer, String, and_, bindparam, or_, update
from sqlmodel import Session, select

from ..models import Conversation, Handover, HandoverStatus, SickCase, fixed, utcnow
from ..rules import Obligation
from . import events
from .employer import FromEmployer, employer_information
from .facts import timeline_of
from .jobcenter import CaseFile, case_file, handover_conditions, record_conversation

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


def handovers(db: Session, municipality: str, chosen: HandoverFilter) -> HandoverPage:
    """Soonest due first, then by id; paged by position, not by offset, so a handover added or
    closed between two pages neither repeats nor drops a row."""
    limit = min(max(1, chosen.limit), MAX_PAGE)
    due, last_id = chosen.after or (None, None)
    values = {"municipality": municipality, "reason": f"|{chosen.reason}|", "due_from": chosen.due_from,
              "due_to": chosen.due_to, "after_due": due, "after_id": last_id}
    statement = _page_statement(chosen.status, bool(chosen.reason), bool(chosen.due_from), bool(chosen.due_to),
                                bool(chosen.after), limit)
    rows = db.connection().execute(statement, values).all()
    more = len(rows) > limit
    rows = rows[:limit]
    return HandoverPage(rows, (rows[-1].due, rows[-1].id) if more and rows else None)


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


def package(db: Session, handover: Handover, today: date) -> HandoverPackage:
    """Everything the case system needs to take the case over without retyping it."""
    file = case_file(db, handover.case_id, handover.municipality_code, today)
    answers, requests = employer_information(db, handover.case_id)
    return HandoverPackage(handover, file, answers, requests,
                           timeline_of(db, file.case, today, file.questionnaire))


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
