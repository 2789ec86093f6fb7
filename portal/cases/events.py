from __future__ import annotations

from typing import Any

from sqlalchemy import insert
from sqlmodel import Session

from ..models import CaseEvent, utcnow


def record(db: Session, case_id: int, actor: str, kind: str, **details: Any) -> None:
    """Add an event to the case's log in the caller's transaction. Never pass a CPR number or
    health information here: the log is read by caseworkers and kept after the answers go."""
    db.add(CaseEvent(case_id=case_id, actor=actor, kind=kind, details=details))


def record_many(db: Session, actor: str, kind: str, cases: list[tuple[int, dict[str, Any]]]) -> None:
    """The rows record() would add, for many cases (case id, details), in one executemany in the
    caller's transaction: the sweep logs a thousand handovers at a time."""
    if cases:
        at = utcnow()
        db.connection().execute(insert(CaseEvent.__table__), [
            {"case_id": case_id, "at": at, "actor": actor, "kind": kind, "details": details}
            for case_id, details in cases])
