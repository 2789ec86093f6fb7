"""Self-booking: caseworkers publish free times, and a citizen whose case needs a conversation picks
one before the deadline (Jobnet lets sickness-benefit recipients book their own conversation).

Only one citizen gets a time: the claim is an UPDATE that matches only a time nobody holds, so of
two citizens who press at once one update touches the row and the other touches none. And a case gets
only one time: a unique index allows one booked self-booked conversation a case, so of N tabs posted at
once (each past the "already booked?" check) one booking is stored and the others are refused."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from ..models import Conversation, FreeTime, SickCase, fixed
from ..notify.reminders import Invitations
from . import events
from .handover import live_handover
from .jobcenter import book_conversation

MINUTES_APART = 45
MAX_IN_A_ROW = 8
LARGEST_ID = 2**31 - 1  # an id column holds no more (PostgreSQL's integer); a larger number names no time


class TimeTaken(Exception):
    """Another citizen took the time a moment before."""


class NotOffered(Exception):
    """The time is not one this case may book: another municipality's, past, after the deadline."""


class AlreadyBooked(Exception):
    """The case already has a booked conversation."""


def publish(db: Session, municipality: str, me: str, my_name: str, first: datetime, form: str,
            details: str | None = None, count: int = 1) -> list[FreeTime]:
    """One free time, or `count` in a row, 45 minutes apart."""
    times = [FreeTime(municipality_code=municipality, caseworker=me, caseworker_name=my_name,
                      starts_at=first + timedelta(minutes=MINUTES_APART * n), form=form,
                      details=(details or "").strip() or None)
             for n in range(max(1, min(count, MAX_IN_A_ROW)))]
    db.add_all(times)
    db.commit()
    return times


def withdraw(db: Session, free_time_id: int, municipality: str) -> bool:
    """Take back a time nobody has booked."""
    time = db.get(FreeTime, free_time_id)
    if time is None or time.municipality_code != municipality or time.taken_by_case_id is not None:
        return False
    db.delete(time)
    db.commit()
    return True


def published(db: Session, municipality: str, now: datetime) -> list[FreeTime]:
    """The municipality's times from now on, free and taken, soonest first."""
    return list(db.exec(select(FreeTime).where(FreeTime.municipality_code == municipality,
                                               FreeTime.starts_at >= now).order_by(FreeTime.starts_at)))


def deadline_for(db: Session, case: SickCase) -> date | None:
    """The date the conversation must be held by: the live handover's deadline. None when the case
    needs no conversation now (then there is nothing to book)."""
    handover = live_handover(db, case.id)
    return handover.due if handover is not None else None


def booked_conversation(db: Session, case_id: int) -> Conversation | None:
    return db.exec(select(Conversation).where(Conversation.case_id == case_id,
                                              Conversation.status == fixed("booked"))).first()


def _offers(case: SickCase, now: datetime, deadline: date | None, zone):
    """The query of the times offered to the case (see `offered`); None when none can be."""
    if deadline is None or case.standby_since is not None:
        return None
    last = datetime.combine(deadline + timedelta(days=1), datetime.min.time(), zone)
    return select(FreeTime).where(
        FreeTime.municipality_code == case.municipality_code, col(FreeTime.taken_by_case_id).is_(None),
        FreeTime.starts_at > now, FreeTime.starts_at < last)


def offered(db: Session, case: SickCase, now: datetime, deadline: date | None, zone,
            first: int | None = None) -> list[FreeTime]:
    """Free times of the case's municipality from now until the end of the deadline's day, soonest
    first; `first`: only that many of them (read no more than is shown or asked)."""
    query = _offers(case, now, deadline, zone)
    if query is None:
        return []
    query = query.order_by(FreeTime.starts_at, FreeTime.id)
    return list(db.exec(query if first is None else query.limit(fixed(first))))


def is_offered(db: Session, case: SickCase, free_time_id: int, now: datetime, deadline: date | None, zone) -> bool:
    """Whether the time is one of those `offered` to the case (that one row read, not the whole list)."""
    query = _offers(case, now, deadline, zone)
    return query is not None and db.exec(query.where(FreeTime.id == free_time_id)).first() is not None


def book(db: Session, case: SickCase, free_time_id: int, now: datetime, zone, settings: Invitations,
         actor: str = "citizen") -> Conversation:
    """The citizen takes a free time: the claim, then the conversation and its invitation mail."""
    if not 0 < free_time_id <= LARGEST_ID:
        raise NotOffered()
    if booked_conversation(db, case.id) is not None:
        raise AlreadyBooked()
    if not is_offered(db, case, free_time_id, now, deadline_for(db, case), zone):
        if (time := db.get(FreeTime, free_time_id)) is not None and time.taken_by_case_id is not None:
            raise TimeTaken()
        raise NotOffered()
    claimed = db.exec(update(FreeTime).where(FreeTime.id == free_time_id, col(FreeTime.taken_by_case_id).is_(None))
                      .values(taken_by_case_id=case.id))
    if claimed.rowcount != 1:
        db.rollback()
        raise TimeTaken()
    time = db.get(FreeTime, free_time_id)
    events.record(db, case.id, actor, "conversation_self_booked", at=time.starts_at.isoformat(), form=time.form)
    try:
        conversation = book_conversation(db, case, time.starts_at, time.form, time.caseworker, settings,
                                         details=time.details, self_booked=True)
    except IntegrityError:  # another tab of this case booked a moment before: its claim stands, not ours
        db.rollback()
        raise AlreadyBooked() from None
    time.conversation_id = conversation.id
    db.add(time)
    db.commit()
    return conversation
