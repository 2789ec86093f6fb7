"""The caseworkers' use cases: the queue, claim and release, the case view, conversations and the
audit log. Every query is limited to the caseworker's own municipality."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import Date, String, bindparam, func, or_, true, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from ..driver_statement import read_all
from ..models import (
    AuditEntry,
    CaseEvent,
    CaseStatus,
    Caseworker,
    CheckIn,
    Citizen,
    Conversation,
    FreeTime,
    Handover,
    HandoverStatus,
    Questionnaire,
    SickCase,
    fixed,
    utcnow,
)
from ..notify.reminders import Invitations, queue_invitation, queue_minutes_ready
from ..rules import Who, active_reasons, screen
from . import events
from .facts import case_facts, timeline_of
from .handover import close_live_handover, questionnaire_of, rescreen
from .hours import history as hours_history

PAGE_SIZE = 25
SOON_DAYS = 7


@dataclass(frozen=True)
class QueueFilter:
    reason: str | None = None
    status: str | None = None      # open | claimed | closed; None: open and claimed
    assignee: str | None = None    # the tab: "me" | "none" | "waiting" | None (the team's cases)
    due_by: date | None = None     # only handovers due on or before this day
    page: int = 1


TABS = ("me", None, "none", "waiting")
COUNT_CAP = 500    # beyond this a count says "500+": counting 50,000 rows a page costs too much


class QueueRow(NamedTuple):
    """What a row of the queue shows: plain values, read as columns (no ORM objects to build). A
    tuple, so the page's template unpacks a row into its names instead of looking each attribute up
    through Jinja's getattr (some 450 lookups a page)."""
    handover_id: int
    case_id: int
    citizen_name: str
    status: str
    due: date
    reason_codes: str
    assignee: str | None
    assignee_name: str | None
    waiting_until: date | None
    wait_reason: str | None
    standby_since: date | None
    answer: str | None      # the citizen's answer to a booked conversation, when it needs action
    overdue: bool
    due_soon: bool
    waiting: bool           # put to wait, and the wait not over (waits())


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    total: int          # capped at COUNT_CAP + 1
    page: int
    pages: int
    tab_counts: dict    # tab -> count (capped), with the reason, status and date filters

    @property
    def capped(self) -> bool:
        return self.total > COUNT_CAP


def handover_conditions(municipality: str, status: str | None, reason: str | None) -> list:
    """The municipality's handovers with this status (None: the live ones) and reason (None: any)."""
    conditions = [Handover.municipality_code == municipality]
    if status:
        conditions.append(Handover.status == fixed(status))
    else:
        conditions.append(Handover.status != fixed(HandoverStatus.CLOSED))
    if reason:
        conditions.append(Handover.reason_codes.contains(f"|{reason}|"))
    return conditions


def waiting_condition(today: date):
    """Put to wait until a later day, and that day still before the deadline: a deadline that moved
    nearer ends the wait by itself."""
    return (Handover.waiting_until > today) & (Handover.waiting_until < Handover.due)


def waits(waiting_until: date | None, due: date | None, today: date) -> bool:
    """The same rule as waiting_condition, for one handover on a page."""
    return bool(waiting_until and due and today < waiting_until < due)


def tab_conditions(tab: str | None, me: str, today: date) -> list:
    if tab == "waiting":
        return [Handover.waiting_until.is_not(None), waiting_condition(today)]
    active = [or_(Handover.waiting_until.is_(None), ~waiting_condition(today))]
    if tab == "me":
        return [Handover.assignee == me, *active]
    if tab == "none":
        return [Handover.assignee.is_(None), *active]
    return active


def _capped_count(conditions: list):
    """A count that stops reading at COUNT_CAP + 1 rows, as a scalar subquery."""
    inner = select(Handover.id).where(*conditions).limit(fixed(COUNT_CAP + 1)).subquery()
    return select(func.count()).select_from(inner).scalar_subquery()


def _queue_conditions(tab: str | None, status: str | None, reason: bool, due_by: bool) -> list:
    """The list's conditions, with the request's values as named parameters."""
    conditions = [*handover_conditions(bindparam("municipality"), status, None),
                  *tab_conditions(tab, bindparam("me"), bindparam("today", type_=Date))]
    if reason:
        conditions.append(Handover.reason_codes.contains(bindparam("reason", type_=String)))
    if due_by:
        conditions.append(Handover.due <= bindparam("due_by", type_=Date))
    return conditions


# Built once for each kind of list (tab and filters), not once a request: building them cost more
# than PostgreSQL's work on them.
@lru_cache(maxsize=256)
def _count_statement(status: str | None, reason: bool, due_by: bool):
    """Each tab's count with the same filters as its list: the tabs' links keep the filters, so a
    count says what a click on the tab shows."""
    return select(*[_capped_count(_queue_conditions(each, status, reason, due_by)) for each in TABS])


@lru_cache(maxsize=1024)
def _page_statement(tab: str | None, status: str | None, reason: bool, due_by: bool, page: int):
    # The citizen's answer to a booked conversation, when it needs action: in the same statement.
    answer = (select(Conversation.answer)
              .where(Conversation.case_id == SickCase.id, Conversation.status == fixed("booked"),
                     Conversation.answer.in_((fixed("other_time"), fixed("not_coming"))))
              .order_by(Conversation.id.desc()).limit(fixed(1)).scalar_subquery())
    return (select(Handover.id, Handover.case_id, Citizen.name, Handover.status, Handover.due, Handover.reason_codes,
                   Handover.assignee, Handover.assignee_name, Handover.waiting_until, Handover.wait_reason,
                   SickCase.standby_since, answer)
            .join(SickCase, SickCase.id == Handover.case_id)
            .join(Citizen, Citizen.id == SickCase.citizen_id)
            .where(*_queue_conditions(tab, status, reason, due_by))
            .order_by(Handover.due, Handover.id)
            .offset(fixed((page - 1) * PAGE_SIZE)).limit(fixed(PAGE_SIZE)))


@lru_cache(maxsize=1024)
def _counts_and_page_statement(tab: str | None, status: str | None, reason: bool, due_by: bool, page: int):
    """The four tabs' counts and the page's rows in one statement: the counts' one row joined to the
    page (kept, with empty columns, when the page has no rows). A statement's execution cost the
    client more CPU than PostgreSQL's work on it."""
    counts = _count_statement(status, reason, due_by).subquery("tab_counts")
    rows = _page_statement(tab, status, reason, due_by, page).subquery("page_rows")
    return (select(*counts.c, *rows.c).select_from(counts.outerjoin(rows, true()))
            .order_by(rows.c.due, rows.c.id))


def queue(db: Session, municipality: str, me: str, chosen: QueueFilter, today: date) -> QueuePage:
    """Handovers of the municipality, soonest due first: the capped counts of the list and the four
    tabs and the page with its answers, in one statement whatever the queue's size (a second one
    only for a page beyond the last, which shows the last)."""
    tab = chosen.assignee if chosen.assignee in TABS else None   # an unknown tab is the team's
    values = {"municipality": municipality, "me": me, "today": today, "due_by": chosen.due_by,
              "reason": f"|{chosen.reason}|"}
    # The four tabs' counts, filtered as their lists are; the list's is its tab's.
    shape = (tab, chosen.status, bool(chosen.reason), bool(chosen.due_by))
    # On the driver's cursor, alone in autocommit where the request has begun no transaction (Core on
    # SQLite): the rows are plain columns, and the ORM's and Core's layers and the transaction's BEGIN
    # and ROLLBACK cost the client more than PostgreSQL's work.
    # No page beyond what the capped counts can have: a bigger number shows the last page anyway, and
    # each page number is a statement of its own (its offset is written into the SQL).
    page = min(max(1, chosen.page), -(-COUNT_CAP // PAGE_SIZE))
    found = read_all(db, _counts_and_page_statement(*shape, page), values)
    tab_totals = tuple(found[0][:len(TABS)])
    total = tab_totals[TABS.index(tab)]
    pages = max(1, -(-min(total, COUNT_CAP) // PAGE_SIZE))
    if page > pages:
        page = pages
        found = read_all(db, _counts_and_page_statement(*shape, page), values)
        # The counts of the same statement as the rows: two reads in autocommit need not agree.
        tab_totals = tuple(found[0][:len(TABS)])
        total = tab_totals[TABS.index(tab)]
    soon, closed, make, first = today + timedelta(days=SOON_DAYS), HandoverStatus.CLOSED, QueueRow._make, len(TABS)
    rows = []
    for row in found:  # after the counts, the row's columns (none where the page has no rows)
        if row[first] is not None:
            # overdue, due_soon, waiting: a row made from a list, not from keywords (25 rows a page)
            status, due, waiting_until = row[first + 3], row[first + 4], row[first + 8]
            rows.append(make([*row[first:], due < today and status != closed, today <= due <= soon,
                              waits(waiting_until, due, today)]))
    return QueuePage(rows=rows, total=total, page=page, pages=pages,
                     tab_counts=dict(zip(TABS, tab_totals, strict=True)))


def handover_exists(db: Session, handover_id: int, municipality: str) -> bool:
    return db.exec(select(Handover.id).where(Handover.id == handover_id,
                                             Handover.municipality_code == municipality)).first() is not None


def claim(db: Session, handover_id: int, municipality: str, me: str, my_name: str) -> bool:
    """Take a handover. Exactly one caseworker wins when two claim at once: the update only
    matches a handover nobody holds."""
    result = db.exec(
        update(Handover)
        .where(Handover.id == handover_id, Handover.municipality_code == municipality,
               Handover.status == HandoverStatus.OPEN, Handover.assignee.is_(None))
        .values(assignee=me, assignee_name=my_name, status=HandoverStatus.CLAIMED, updated_at=utcnow())
    )
    won = result.rowcount == 1
    if won:
        case_id = db.exec(select(Handover.case_id).where(Handover.id == handover_id)).one()
        events.record(db, case_id, f"caseworker:{me}", "handover_claimed", by=my_name)
    db.commit()
    return won


def release(db: Session, handover_id: int, municipality: str, me: str) -> bool:
    result = db.exec(
        update(Handover)
        .where(Handover.id == handover_id, Handover.municipality_code == municipality,
               Handover.status == HandoverStatus.CLAIMED, Handover.assignee == me)
        .values(assignee=None, assignee_name=None, status=HandoverStatus.OPEN, updated_at=utcnow())
    )
    released = result.rowcount == 1
    if released:
        case_id = db.exec(select(Handover.case_id).where(Handover.id == handover_id)).one()
        events.record(db, case_id, f"caseworker:{me}", "handover_released")
    db.commit()
    return released


@dataclass(frozen=True)
class CaseFile:
    case: SickCase
    citizen: Citizen
    questionnaire: Questionnaire | None
    handovers: list[Handover]
    conversations: list[Conversation]
    timeline: list[CaseEvent]
    hours: object = None           # cases.hours.HoursHistory
    check_ins: list = ()           # answered check-ins, oldest first


def conversations_of(db: Session, case_id: int) -> list[Conversation]:
    """A case's conversations, the latest first: what the citizen sees on her page."""
    return list(db.exec(select(Conversation).where(Conversation.case_id == case_id)
                        .order_by(Conversation.scheduled_at.desc(), Conversation.id.desc())))


def open_case_file(db: Session, case_id: int, municipality: str, me: str, my_name: str,
                   today: date | None = None) -> CaseFile | None:
    """The whole case for a caseworker of its municipality; the view is written to the audit log.
    Another municipality's case answers as if it did not exist."""
    file = case_file(db, case_id, municipality, today)
    if file is not None:
        db.add(AuditEntry(actor=me, actor_name=my_name, municipality_code=municipality,
                          action="view_case", case_id=case_id))
        db.commit()
    return file


# The case file's statements, built once with the case's id bound at each call: built anew they cost
# more CPU than PostgreSQL's work on them (the API's package reads a case file on every call).
_CASE = bindparam("case_id")
_FILE_CASE = (select(SickCase, Citizen).join(Citizen, Citizen.id == SickCase.citizen_id)
              .where(SickCase.id == _CASE, SickCase.municipality_code == bindparam("municipality")))
_FILE_QUESTIONNAIRE = select(Questionnaire).where(Questionnaire.case_id == _CASE)
_FILE_HANDOVERS = select(Handover).where(Handover.case_id == _CASE).order_by(Handover.created_at.desc())
_FILE_CONVERSATIONS = select(Conversation).where(Conversation.case_id == _CASE).order_by(Conversation.scheduled_at)
_FILE_EVENTS = select(CaseEvent).where(CaseEvent.case_id == _CASE).order_by(CaseEvent.at, CaseEvent.id)
_FILE_CHECK_INS = select(CheckIn).where(CheckIn.case_id == _CASE).order_by(CheckIn.due_on)


def case_file(db: Session, case_id: int, municipality: str, today: date | None = None) -> CaseFile | None:
    """The whole case, if it is the municipality's; the caller writes the audit log."""
    row = db.exec(_FILE_CASE, params={"case_id": case_id, "municipality": municipality}).first()
    if row is None:
        return None
    case, citizen = row
    of_case = {"case_id": case.id}
    return CaseFile(
        case=case, citizen=citizen,
        questionnaire=db.exec(_FILE_QUESTIONNAIRE, params=of_case).first(),
        handovers=list(db.exec(_FILE_HANDOVERS, params=of_case)),
        conversations=list(db.exec(_FILE_CONVERSATIONS, params=of_case)),
        timeline=list(db.exec(_FILE_EVENTS, params=of_case)),
        hours=hours_history(db, case, today or case.reported_on),
        check_ins=list(db.exec(_FILE_CHECK_INS, params=of_case)),
    )


class StandbyReasonMissing(Exception):
    """A conversation with a citizen on standby needs the caseworker's deliberate reason."""


def book_conversation(db: Session, case: SickCase, when: datetime, form: str, me: str,
                      settings: Invitations | None = None, standby_reason: str | None = None,
                      details: str | None = None, agenda: str | None = None, bring: str | None = None,
                      self_booked: bool = False) -> Conversation:
    """Book it and, in the same transaction, queue the citizen's invitation with an .ics file. A
    citizen on standby is not contacted unless the caseworker gives a reason for it."""
    standby_reason = (standby_reason or "").strip() or None
    if case.standby_since is not None and standby_reason is None:
        raise StandbyReasonMissing()
    live = db.exec(select(Handover).where(Handover.case_id == case.id,
                                          Handover.status != fixed(HandoverStatus.CLOSED))).first()
    conversation = Conversation(case_id=case.id, municipality_code=case.municipality_code,
                                handover_id=live.id if live else None,
                                scheduled_at=when, form=form, booked_by=me, self_booked=self_booked,
                                standby_reason=standby_reason if case.standby_since is not None else None,
                                details=_text(details), agenda=_text(agenda), bring=_text(bring))
    db.add(conversation)
    events.record(db, case.id, f"caseworker:{me}", "conversation_booked",
                  at=when.isoformat(), form=form,
                  **({"on_standby_because": standby_reason} if conversation.standby_reason else {}))
    db.flush()
    queue_invitation(db, conversation, settings or Invitations())
    db.commit()
    return conversation


def _text(value: str | None) -> str | None:
    return (value or "").strip() or None


class ConversationNotOpen(Exception):
    """Only a booked conversation can be moved, cancelled or answered."""


def _booked(db: Session, case: SickCase, conversation_id: int) -> Conversation:
    conversation = db.exec(select(Conversation).where(Conversation.id == conversation_id,
                                                      Conversation.case_id == case.id)).first()
    if conversation is None or conversation.status != "booked":
        raise ConversationNotOpen()
    return conversation


def move_conversation(db: Session, case: SickCase, conversation_id: int, when: datetime, form: str, me: str,
                      settings: Invitations | None = None) -> Conversation:
    """A new time or form: the same calendar event with a higher SEQUENCE, and the citizen's answer
    to the old time no longer stands."""
    conversation = _booked(db, case, conversation_id)
    moved_from = conversation.scheduled_at
    conversation.scheduled_at, conversation.form = when, form
    conversation.sequence += 1
    conversation.answer = conversation.answer_reason = conversation.answer_preferred = None
    conversation.answered_at = None
    db.add(conversation)
    if conversation.self_booked:  # moved off the time the citizen booked: that time is free again
        held = db.exec(select(FreeTime).where(FreeTime.conversation_id == conversation.id)).first()
        if held is not None and _utc(held.starts_at) != _utc(when):
            held.taken_by_case_id = held.conversation_id = None
            db.add(held)
    events.record(db, case.id, f"caseworker:{me}", "conversation_moved", at=when.isoformat(), form=form,
                  moved_from=moved_from.isoformat())
    db.flush()
    queue_invitation(db, conversation, settings or Invitations(), "moved")
    db.commit()
    return conversation


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def cancel_conversation(db: Session, case: SickCase, conversation_id: int, reason: str, today: date, me: str,
                        settings: Invitations | None = None) -> Conversation:
    conversation = cancel_in_transaction(db, case, conversation_id, reason, today, me, settings)
    db.commit()
    return conversation


def cancel_in_transaction(db: Session, case: SickCase, conversation_id: int, reason: str, today: date, me: str,
                          settings: Invitations | None = None) -> Conversation:
    """Cancel and queue the citizen's notice in the caller's transaction."""
    conversation = _booked(db, case, conversation_id)
    conversation.status, conversation.cancelled_on = "cancelled", today
    conversation.cancel_reason = reason.strip()
    conversation.sequence += 1
    db.add(conversation)
    if conversation.self_booked:  # its free time is free again, for this citizen or another
        db.exec(update(FreeTime).where(FreeTime.conversation_id == conversation.id)
                .values(taken_by_case_id=None, conversation_id=None))
    events.record(db, case.id, f"caseworker:{me}", "conversation_cancelled", reason=reason.strip())
    db.flush()
    queue_invitation(db, conversation, settings or Invitations(), "cancelled")
    return conversation


ANSWERS = ("coming", "other_time", "not_coming")


def answer_invitation(db: Session, case: SickCase, conversation_id: int, answer: str, reason: str | None,
                      preferred: str | None, actor: str) -> Conversation:
    """The citizen's answer: coming, another time (why, and when would suit), or not coming (why).
    The caseworker sees it in the queue and the case view; a new answer replaces the old."""
    if answer not in ANSWERS:
        raise ValueError(answer)
    conversation = _booked(db, case, conversation_id)
    conversation.answer, conversation.answered_at = answer, utcnow()
    conversation.answer_reason = _text(reason) if answer != "coming" else None
    conversation.answer_preferred = _text(preferred) if answer == "other_time" else None
    db.add(conversation)
    events.record(db, case.id, actor, "invitation_answered", answer=answer)
    db.commit()
    return conversation


def write_minutes(db: Session, case: SickCase, conversation_id: int, talked: str, agreed: str,
                  next_follow_up_on: date | None, me: str, my_name: str, link: str = "") -> Conversation:
    """Minutes of a held conversation: what was talked about, what was agreed, the next follow-up.
    Written again, they replace the earlier text; the event log keeps that they changed."""
    conversation = db.exec(select(Conversation).where(Conversation.id == conversation_id,
                                                      Conversation.case_id == case.id)).first()
    if conversation is None or conversation.status != "held":
        raise ConversationNotOpen()
    first = conversation.minutes_written_at is None
    conversation.minutes_talked, conversation.minutes_agreed = talked.strip(), agreed.strip()
    conversation.next_follow_up_on, conversation.minutes_by = next_follow_up_on, my_name
    conversation.minutes_written_at = utcnow()
    db.add(conversation)
    events.record(db, case.id, f"caseworker:{me}", "minutes_written" if first else "minutes_changed")
    db.flush()
    if first:
        queue_minutes_ready(db, conversation, link)
    db.commit()
    return conversation


def record_conversation(db: Session, case: SickCase, conversation_id: int, held_on: date, outcome: str,
                        me: str, actor: str | None = None) -> bool:
    """The conversation was held: it stops the clock its handover started, and the outcome decides
    where the case goes (back to self-service, on with the jobcenter, or closed)."""
    conversation = db.exec(select(Conversation).where(Conversation.id == conversation_id,
                                                      Conversation.case_id == case.id)).first()
    if conversation is None or conversation.status == "held":
        return False
    conversation.status, conversation.held_on, conversation.outcome = "held", held_on, outcome
    if case.first_conversation_held_on is None:
        case.first_conversation_held_on = held_on
    if case.conversation_requested_on and held_on >= case.conversation_requested_on:
        case.conversation_requested_on = None  # the citizen's wish is met; the event log keeps it
    if outcome == "closed":
        case.status, case.closed_on = CaseStatus.CLOSED, held_on
    case.updated_at = utcnow()
    for live in db.exec(select(Handover).where(Handover.case_id == case.id,
                                               Handover.status != fixed(HandoverStatus.CLOSED))):
        live.status, live.closed_on, live.updated_at = HandoverStatus.CLOSED, held_on, utcnow()
        db.add(live)
    db.add_all([conversation, case])
    events.record(db, case.id, actor or f"caseworker:{me}", "conversation_held",
                  held_on=held_on.isoformat(), outcome=outcome)
    db.commit()
    return True


CORRECTABLE_BY = (Who.MUNICIPALITY, Who.CITIZEN)


class CorrectionRefused(Exception):
    """The obligation is not the municipality's to correct, not pending, or the new date is wrong."""


def correct_obligation(db: Session, case: SickCase, code: str, for_date: date, kind: str, reason: str,
                       today: date, me: str, my_name: str, new_date: date | None = None) -> None:
    """A caseworker corrects the rules' result: waives an obligation or moves its date, always with a
    reason. Kept on the case (the timeline applies it), in the event log, and re-screened at once."""
    obligation = next((o for o in timeline_of(db, case, today)
                       if str(o.code) == code and o.date == for_date), None)
    if obligation is None or obligation.who not in CORRECTABLE_BY or not obligation.pending:
        raise CorrectionRefused("no such pending obligation")
    if kind == "move" and (new_date is None or new_date == for_date):
        raise CorrectionRefused("a move needs another date")
    case.corrections = [*(case.corrections or ()), {
        "code": code, "for_date": for_date.isoformat(), "kind": kind, "decided_on": today.isoformat(),
        "reason": reason.strip(), "by": my_name, "new_date": new_date.isoformat() if kind == "move" else None}]
    case.updated_at = utcnow()
    db.add(case)
    events.record(db, case.id, f"caseworker:{me}", "obligation_corrected", obligation=code, correction=kind,
                  for_date=for_date.isoformat(), new_date=new_date.isoformat() if kind == "move" else None,
                  reason=reason.strip())
    db.flush()
    rescreen(db, case, questionnaire_of(db, case.id), today)
    if not active_reasons(screen(case_facts(db, case), today), today):
        close_live_handover(db, case.id, today, "obligations corrected")
    db.commit()


AUDIT_PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditFilter:
    case_id: int | None = None
    person: str | None = None      # part of the citizen's name, whose case was read
    actor: str | None = None       # part of the caseworker's or the case system's name
    action: str | None = None
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True)
class AuditPage:
    entries: list[tuple[AuditEntry, str | None]]   # each entry with the name of the case's citizen
    total: int
    page: int
    pages: int


def _audit_query(municipality: str, chosen: AuditFilter):
    from zoneinfo import ZoneInfo

    local = ZoneInfo("Europe/Copenhagen")
    conditions = [AuditEntry.municipality_code == municipality]
    if chosen.case_id is not None:
        conditions.append(AuditEntry.case_id == chosen.case_id)
    if chosen.actor:
        conditions.append(func.lower(AuditEntry.actor_name).contains(chosen.actor.lower()))
    if chosen.action:
        conditions.append(AuditEntry.action == chosen.action)
    if chosen.date_from:
        conditions.append(AuditEntry.at >= datetime.combine(chosen.date_from, datetime.min.time(), local))
    if chosen.date_to:
        conditions.append(AuditEntry.at < datetime.combine(chosen.date_to + timedelta(days=1), datetime.min.time(),
                                                           local))
    if chosen.person:
        conditions.append(func.lower(Citizen.name).contains(chosen.person.lower()))
    return conditions


def audit_log(db: Session, municipality: str, chosen: AuditFilter = AuditFilter(), page: int = 1,
              page_size: int | None = AUDIT_PAGE_SIZE) -> AuditPage:
    """The municipality's audit log for review: filtered, newest first, a page at a time (page_size
    None: every row, for the export). Entries of purged cases keep their case number, without name."""
    conditions = _audit_query(municipality, chosen)
    joined = (select(AuditEntry, Citizen.name)
              .join(SickCase, SickCase.id == AuditEntry.case_id, isouter=True)
              .join(Citizen, Citizen.id == SickCase.citizen_id, isouter=True).where(*conditions))
    total = db.exec(select(func.count()).select_from(joined.subquery())).one()
    pages = max(1, -(-total // page_size)) if page_size else 1
    page = min(max(1, page), pages)
    query = joined.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if page_size:
        query = query.offset(fixed((page - 1) * page_size)).limit(fixed(page_size))
    return AuditPage(list(db.exec(query).all()), total, page, pages)


def record_audit(db: Session, municipality: str, me: str, my_name: str, action: str, detail: str | None = None) -> None:
    db.add(AuditEntry(actor=me, actor_name=my_name, municipality_code=municipality, action=action,
                      detail=(detail or None) and detail[:200]))
    db.commit()


COLLEAGUE_DAYS = 180   # a colleague not logged in for half a year is no longer offered


def register_caseworker(db: Session, subject: str, municipality: str, name: str) -> None:
    """At every caseworker login: the colleagues list knows the person, the name and the team."""
    known = db.get(Caseworker, subject)
    if known is None:
        db.add(Caseworker(subject=subject, municipality_code=municipality, name=name))
    else:
        known.municipality_code, known.name, known.last_login_at = municipality, name, utcnow()
        db.add(known)
    try:
        db.commit()
    except IntegrityError:  # two first logins at once: the other one made the row
        db.rollback()


def colleagues(db: Session, municipality: str) -> list[Caseworker]:
    """The team a case can be given to: caseworkers of the municipality seen in the last half year."""
    since = utcnow() - timedelta(days=COLLEAGUE_DAYS)
    return list(db.exec(select(Caseworker).where(Caseworker.municipality_code == municipality,
                                                 Caseworker.last_login_at >= since).order_by(Caseworker.name)))


class AssignRefused(Exception):
    """The colleague is not of the team, or someone changed the case first."""


def assign(db: Session, handover_id: int, municipality: str, to_subject: str, holder_seen: str | None,
           me: str, my_name: str) -> Caseworker:
    """Give a live handover to a colleague of the same municipality. `holder_seen` is who had it when
    the page was shown: if another caseworker took or gave it since, nothing changes."""
    colleague = db.get(Caseworker, to_subject)
    if colleague is None or colleague.municipality_code != municipality:
        raise AssignRefused("not a colleague")
    holder = Handover.assignee.is_(None) if not holder_seen else Handover.assignee == holder_seen
    result = db.exec(
        update(Handover)
        .where(Handover.id == handover_id, Handover.municipality_code == municipality,
               Handover.status != fixed(HandoverStatus.CLOSED), holder)
        .values(assignee=colleague.subject, assignee_name=colleague.name, status=HandoverStatus.CLAIMED,
                updated_at=utcnow()))
    if result.rowcount != 1:
        db.rollback()
        raise AssignRefused("changed meanwhile")
    case_id = db.exec(select(Handover.case_id).where(Handover.id == handover_id)).one()
    events.record(db, case_id, f"caseworker:{me}", "handover_assigned", to=colleague.name, by=my_name)
    db.commit()
    return colleague


class WaitRefused(Exception):
    """The day is not after today and before the deadline, or the handover is not live."""


def wait(db: Session, handover_id: int, municipality: str, until: date, reason: str, today: date,
         me: str, my_name: str) -> Handover:
    """"Wait until ... because ...": out of the active lists until `until`, which must come before the
    handover's deadline, so a waiting case is back in the queue in time."""
    handover = db.exec(select(Handover).where(Handover.id == handover_id, Handover.municipality_code == municipality,
                                              Handover.status != fixed(HandoverStatus.CLOSED))).first()
    if handover is None:
        raise WaitRefused("not live")
    if not today < until < handover.due:
        raise WaitRefused("outside the deadline")
    handover.waiting_until, handover.wait_reason, handover.wait_by_name = until, reason.strip(), my_name
    handover.updated_at = utcnow()
    db.add(handover)
    events.record(db, handover.case_id, f"caseworker:{me}", "handover_waiting", until=until.isoformat(),
                  reason=reason.strip())
    db.commit()
    return handover


def end_wait(db: Session, handover_id: int, municipality: str, me: str) -> bool:
    handover = db.exec(select(Handover).where(Handover.id == handover_id, Handover.municipality_code == municipality,
                                              Handover.waiting_until.is_not(None))).first()
    if handover is None:
        return False
    handover.waiting_until = handover.wait_reason = handover.wait_by_name = None
    handover.updated_at = utcnow()
    db.add(handover)
    events.record(db, handover.case_id, f"caseworker:{me}", "handover_wait_ended")
    db.commit()
    return True
