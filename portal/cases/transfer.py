"""Moving a case to another municipality when the citizen has moved: the case leaves the old
queue and arrives in the new one with its whole history, and both audit logs say so."""
from __future__ import annotations

from datetime import date

from sqlalchemy import update
from sqlmodel import Session, select

from ..models import AuditEntry, CaseStatus, Conversation, Handover, HandoverStatus, SickCase, fixed, index_name, utcnow
from ..municipalities import MUNICIPALITIES, municipality_name
from ..notify.reminders import Invitations
from . import events
from .jobcenter import cancel_in_transaction
from .next_check import facts_changed


class TransferRefused(Exception):
    """No such municipality, the case's own, or a closed case."""


class NoLongerYours(Exception):
    """Someone moved (or closed) the case a moment before: it is no longer this municipality's."""


def transfer(db: Session, case: SickCase, to: str, reason: str, today: date, me: str, my_name: str,
             settings: Invitations | None = None) -> SickCase:
    """The live handover goes with the case, waiting in the new queue for a caseworker there; the old
    team's claim, wait and case-system number do not follow. Booked conversations with the old
    jobcenter are cancelled, and the citizen is told why."""
    source = case.municipality_code
    if to not in MUNICIPALITIES or to == source or case.status != "open":
        raise TransferRefused(to)
    reason = reason.strip()
    # The move itself first, as an update that matches only while the case is still open here: of two
    # caseworkers moving it at once (to two municipalities), one update touches the row and the other,
    # waiting for its lock, then touches none, and writes nothing: no cancellations, events or audit.
    moved = db.exec(update(SickCase).where(SickCase.id == case.id, SickCase.municipality_code == source,
                                           SickCase.status == CaseStatus.OPEN)
                    .values(municipality_code=to, updated_at=utcnow()))
    if moved.rowcount != 1:
        db.rollback()
        raise NoLongerYours(to)
    index_name(db.connection(), case.citizen_id)  # the new team finds her by name, the old one no longer
    facts_changed(db, [case.id])  # the sweep checks it at once
    booked = db.exec(select(Conversation.id).where(Conversation.case_id == case.id,
                                                   Conversation.status == fixed("booked"))).all()
    for conversation_id in booked:
        cancel_in_transaction(db, case, conversation_id, f"Sagen er flyttet til {municipality_name(to)} Kommune. "
                            f"Den nye kommune kontakter dig.", today, me, settings)
    live = db.exec(select(Handover).where(Handover.case_id == case.id,
                                          Handover.status != fixed(HandoverStatus.CLOSED))).first()
    if live is not None:
        live.municipality_code, live.status = to, HandoverStatus.OPEN
        live.assignee = live.assignee_name = None
        live.waiting_until = live.wait_reason = live.wait_by_name = None
        live.acknowledged_at = live.external_reference = None
        live.updated_at = utcnow()
        db.add(live)
    events.record(db, case.id, f"caseworker:{me}", "case_transferred", source=source, to=to, by=my_name,
                  reason=reason)
    db.add_all([
        AuditEntry(actor=me, actor_name=my_name, municipality_code=source, action="case_transferred_out",
                   case_id=case.id, detail=f"to {to} {municipality_name(to)}"),
        AuditEntry(actor=me, actor_name=my_name, municipality_code=to, action="case_transferred_in",
                   case_id=case.id, detail=f"from {source} {municipality_name(source)}"),
    ])
    db.commit()
    return case
