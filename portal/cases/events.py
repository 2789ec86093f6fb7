from __future__ import annotations

import json
from typing import Any

from sqlalchemy import String, bindparam, insert, text
from sqlmodel import Session

from ..models import CaseEvent, utcnow
from .batch_text import as_lines


def record(db: Session, case_id: int, actor: str, kind: str, **details: Any) -> None:
    """Add an event to the case's log in the caller's transaction. Never pass a CPR number or
    health information here: the log is read by caseworkers and kept after the answers go."""
    db.add(CaseEvent(case_id=case_id, actor=actor, kind=kind, details=details))


class Encoded(str):
    """An event's details already written as the JSON text its column stores (json.dumps): the sweep
    writes one a kind of outcome and logs it for each of the many cases that share it."""


def _text(details: dict[str, Any] | Encoded) -> str:
    return details if isinstance(details, Encoded) else json.dumps(details)


def record_many(db: Session, actor: str, kind: str, cases: list[tuple[int, dict[str, Any] | Encoded]]) -> None:
    """The rows record() would add, for many cases (case id, details), in one statement in the
    caller's transaction: the sweep logs a thousand handovers at a time."""
    if not cases:
        return
    at = utcnow()
    if db.get_bind().dialect.name == "postgresql":
        # One text of case ids and one JSON array of details: an executemany of a thousand rows cost
        # more in psycopg's per-row work than the insert itself. Each element's text is what the JSON
        # column's serialiser (json.dumps) writes for one row.
        db.connection().execute(_INSERT_FROM_ARRAYS, {
            "case_id": as_lines(case_id for case_id, _ in cases),
            "details": "[" + ",".join(_text(d) for _, d in cases) + "]", "at": at, "actor": actor, "kind": kind})
        return
    db.connection().execute(insert(CaseEvent.__table__), [
        {"case_id": case_id, "at": at, "actor": actor, "kind": kind,
         "details": json.loads(details) if isinstance(details, Encoded) else details}
        for case_id, details in cases])


_INSERT_FROM_ARRAYS = text("""
    INSERT INTO case_event (case_id, at, actor, kind, details)
    SELECT CAST(case_id AS integer), :at, :actor, :kind, details
    FROM ROWS FROM (regexp_split_to_table(:case_id, E'\\n'), json_array_elements(CAST(:details AS json)))
         WITH ORDINALITY
         AS row(case_id, details, n)
    ORDER BY n""").bindparams(  # ids in the order given, as the executemany gave them
    bindparam("case_id", type_=String), bindparam("details", type_=String),
    bindparam("at", type_=CaseEvent.__table__.c.at.type), bindparam("actor", type_=String),
    bindparam("kind", type_=String))
