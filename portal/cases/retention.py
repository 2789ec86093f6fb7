"""Data protection: closed cases are purged after the retention period, and a citizen may take
everything the portal holds about them (the right of access, GDPR art. 15).

The audit log (who looked at which case) is kept when a case goes: it names no citizen, and it is
how the municipality answers "who has seen my case" after the case itself is gone."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import delete
from sqlmodel import Session, select

from ..models import (
    AuditEntry,
    CaseCheck,
    CaseEvent,
    CaseStatus,
    CheckIn,
    Citizen,
    Conversation,
    EmployerAnswer,
    EmployerReport,
    FastTrackRequest,
    Handover,
    OutboxMessage,
    Questionnaire,
    SickCase,
    StepUpPlan,
    WeekHours,
    fixed,
    unindex_names_without_case,
)
from ..personal_data import decrypt_cpr

# Children before parents: what refers to a report or a handover goes before it.
CASE_CHILDREN = (FastTrackRequest, EmployerAnswer, EmployerReport, Conversation, Handover, CaseEvent,
                 Questionnaire, WeekHours, StepUpPlan, CheckIn, OutboxMessage)


@dataclass(frozen=True)
class Purge:
    cases: int
    citizens: int


def due_for_purge(db: Session, today: date, keep_days: int, limit: int) -> list[SickCase]:
    cutoff = today - timedelta(days=keep_days)
    return list(db.exec(select(SickCase).where(SickCase.status == CaseStatus.CLOSED, SickCase.closed_on < cutoff)
                        .order_by(SickCase.id).limit(fixed(limit))))


def purge_closed(db: Session, today: date, keep_days: int, batch_size: int = 500, dry_run: bool = False) -> Purge:
    """Delete closed cases older than the retention period, in batches of one transaction each, and
    the citizens left with no case. Each purge is written to the audit log."""
    cases = citizens = 0
    while batch := due_for_purge(db, today, keep_days, batch_size):
        if dry_run:
            return Purge(len(batch), 0)
        ids = [case.id for case in batch]
        owners = {case.citizen_id for case in batch}
        for model in CASE_CHILDREN:
            db.exec(delete(model).where(model.case_id.in_(ids)))
        for case in batch:
            db.add(AuditEntry(actor="system:retention", actor_name="Retention", action="case_purged",
                              municipality_code=case.municipality_code, case_id=case.id))
        db.exec(delete(CaseCheck).where(CaseCheck.case_id.in_(ids)))  # the sweep's bookkeeping, not exported
        db.exec(delete(SickCase).where(SickCase.id.in_(ids)))
        still_have = set(db.exec(select(SickCase.citizen_id).where(SickCase.citizen_id.in_(owners))).all())
        alone = owners - still_have
        unindex_names_without_case(db.connection(), owners)  # search forgets a name where no case is left
        db.exec(delete(OutboxMessage).where(OutboxMessage.citizen_id.in_(alone)))
        db.exec(delete(Citizen).where(Citizen.id.in_(alone)))
        db.commit()
        cases, citizens = cases + len(ids), citizens + len(alone)
    return Purge(cases, citizens)


def _rows(db: Session, model, case_ids: list[int]) -> list[dict]:
    return [row.model_dump(mode="json") for row in db.exec(select(model).where(model.case_id.in_(case_ids))
                                                             .order_by(model.id))]


def citizen_export(db: Session, citizen_id: int) -> dict:
    """Everything the portal holds about one citizen, as data (JSON), including who has looked at
    their cases. The stored CPR number is decrypted: it is the citizen's own."""
    citizen = db.get(Citizen, citizen_id)
    cases = list(db.exec(select(SickCase).where(SickCase.citizen_id == citizen_id).order_by(SickCase.id)))
    case_ids = [case.id for case in cases]
    person = citizen.model_dump(mode="json", exclude={"cpr_hash", "cpr_encrypted"})
    person["cpr"] = decrypt_cpr(citizen.cpr_encrypted)
    viewed = db.exec(select(AuditEntry).where(AuditEntry.case_id.in_(case_ids)).order_by(AuditEntry.id))
    return {
        "about": "Sygefravær selvbetjening: all data held about you (GDPR article 15).",
        "person": person,
        "cases": [case.model_dump(mode="json") for case in cases],
        **{model.__tablename__: _rows(db, model, case_ids) for model in CASE_CHILDREN},
        "who_has_seen_your_cases": [{"at": entry.at.isoformat(), "by": entry.actor_name, "action": entry.action,
                                     "case_id": entry.case_id} for entry in viewed],
    }
