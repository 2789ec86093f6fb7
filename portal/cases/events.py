from __future__ import annotations

from typing import Any

from sqlmodel import Session

from ..models import CaseEvent


def record(db: Session, case_id: int, actor: str, kind: str, **details: Any) -> None:
    """Add an event to the case's log in the caller's transaction. Never pass a CPR number or
    health information here: the log is read by caseworkers and kept after the answers go."""
    db.add(CaseEvent(case_id=case_id, actor=actor, kind=kind, details=details))
