"""Which municipality a case belongs to: the citizen's residence municipality in the CPR register.

At the sick report the register is asked (through its cache). If it cannot answer, the report is
stored all the same, in PORTAL_DEFAULT_MUNICIPALITY, marked "municipality not confirmed"; the sweep
(`recheck`) asks again and routes it. The sweep also re-reads open cases, a bounded number each
run, the oldest reading first: a move opens the transfer to the new municipality (*Flyt sagen*,
recorded in both audit logs), a death closes the case and stops every message."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import or_, update
from sqlmodel import Session, select

from ..models import (
    AuditEntry,
    CaseStatus,
    Citizen,
    Conversation,
    Handover,
    HandoverStatus,
    OutboxMessage,
    OutboxStatus,
    SickCase,
    fixed,
    utcnow,
)
from ..municipalities import MUNICIPALITIES
from ..register import Person, RegisterUnavailable
from . import events

log = logging.getLogger(__name__)
REGISTER_ACTOR, REGISTER_NAME = "cpr-register", "CPR-registret"


@dataclass(frozen=True)
class Residence:
    municipality: str
    confirmed: bool
    read_at: datetime | None


def _routable(person: Person) -> bool:
    return person.municipality in MUNICIPALITIES


def residence_of(register, cpr: str, fallback: str) -> Residence:
    """The register's municipality, or `fallback` marked as not confirmed when the register cannot
    answer or names no Danish municipality (the citizen lives abroad)."""
    try:
        person = register.lookup(cpr)
    except RegisterUnavailable as exc:
        log.warning("CPR register not answering at a sick report: %s", exc)
        return Residence(fallback, False, None)
    if not _routable(person):
        return Residence(fallback, False, person.read_at)
    return Residence(person.municipality, True, person.read_at)


@dataclass
class Recheck:
    read: int = 0
    routed: int = 0
    moved: int = 0
    closed: int = 0
    unanswered: int = 0


def recheck(db: Session, register, today: date, limit: int, older_than_days: int, decrypt) -> Recheck:
    """Ask the register again for the open cases whose municipality is not confirmed (every one,
    up to `limit`), then for those read longest ago (or never), up to `limit` in all. `decrypt`
    turns a citizen's stored CPR number into the number."""
    done = Recheck()
    stale = utcnow() - timedelta(days=older_than_days)
    rows = db.exec(
        select(SickCase.id, Citizen.cpr_encrypted).join(Citizen, Citizen.id == SickCase.citizen_id)
        .where(SickCase.status == CaseStatus.OPEN,
               or_(SickCase.municipality_confirmed.is_(False), SickCase.municipality_read_at.is_(None),
                   SickCase.municipality_read_at < stale))
        .order_by(SickCase.municipality_confirmed, SickCase.municipality_read_at.is_not(None),
                  SickCase.municipality_read_at, SickCase.id)
        .limit(fixed(limit))).all()
    db.commit()
    for case_id, cpr_encrypted in rows:
        try:
            person = register.lookup(decrypt(cpr_encrypted), fresh=True)
        except RegisterUnavailable as exc:
            log.warning("CPR register not answering in the sweep: %s", exc)
            done.unanswered += 1
            continue
        done.read += 1
        case = db.get(SickCase, case_id)
        if case is None or case.status != CaseStatus.OPEN:
            continue
        apply_reading(db, case, person, today, done)
    return done


def apply_reading(db: Session, case: SickCase, person: Person, today: date, done: Recheck | None = None) -> None:
    """What the register says, applied to one open case, committed."""
    done = done if done is not None else Recheck()
    if person.dead:
        close_at_death(db, case, today)
        done.closed += 1
        return
    if not _routable(person):  # abroad, or no address: the case stays where it is, as it was
        case.municipality_read_at = person.read_at
        db.add(case)
        db.commit()
        return
    if person.municipality != case.municipality_code:
        from .transfer import NoLongerYours, TransferRefused, transfer

        was_confirmed = case.municipality_confirmed
        reason = ("Borgeren er flyttet (CPR-registret)." if was_confirmed
                  else "Kommunen er nu bekræftet i CPR-registret.")
        try:
            transfer(db, case, person.municipality, reason, today, REGISTER_ACTOR, REGISTER_NAME)
        except (NoLongerYours, TransferRefused):
            return  # closed or moved a moment ago: the next sweep reads it again
        db.refresh(case)
        if was_confirmed:
            done.moved += 1
        else:
            done.routed += 1
    elif not case.municipality_confirmed:
        done.routed += 1
        events.record(db, case.id, "portal", "municipality_confirmed", municipality=case.municipality_code)
    case.municipality_confirmed, case.municipality_read_at = True, person.read_at
    db.add(case)
    db.commit()


def close_at_death(db: Session, case: SickCase, today: date) -> None:
    """The citizen has died: the case closes, its handover closes, booked conversations are
    cancelled without a notice, and every message still waiting (for the case or the citizen) is
    cancelled. The outbox also refuses any message of a closed case at sending time."""
    case.status, case.closed_on, case.updated_at = CaseStatus.CLOSED, today, utcnow()
    case.municipality_confirmed = True
    db.add(case)
    db.exec(update(Handover).where(Handover.case_id == case.id, Handover.status != fixed(HandoverStatus.CLOSED))
            .values(status=HandoverStatus.CLOSED, closed_on=today, updated_at=utcnow()))
    db.exec(update(Conversation).where(Conversation.case_id == case.id, Conversation.status == fixed("booked"))
            .values(status="cancelled", cancelled_on=today, cancel_reason="Borgeren er død (CPR-registret)."))
    db.exec(update(OutboxMessage)
            .where(or_(OutboxMessage.case_id == case.id, OutboxMessage.citizen_id == case.citizen_id),
                   OutboxMessage.status == OutboxStatus.PENDING)
            .values(status=OutboxStatus.CANCELLED, last_error="the citizen has died (CPR register)"))
    events.record(db, case.id, "portal", "case_closed_at_death", closed_on=today.isoformat())
    db.add(AuditEntry(actor=REGISTER_ACTOR, actor_name=REGISTER_NAME, municipality_code=case.municipality_code,
                      action="case_closed_at_death", case_id=case.id))
    db.commit()


def residence_at_report(cpr: str) -> Residence:
    """The current app's register asked at a sick report."""
    from flask import current_app

    from ..register import register_of

    return residence_of(register_of(current_app), cpr, current_app.config["PORTAL_DEFAULT_MUNICIPALITY"])


def residence_of_citizen(db: Session, citizen_id: int) -> Residence:
    from ..personal_data import decrypt_cpr

    return residence_at_report(decrypt_cpr(db.get(Citizen, citizen_id).cpr_encrypted))
