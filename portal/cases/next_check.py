"""A change of a case's facts makes the case due for a check at the next sweep.

The sweep screens only the cases whose next-check day has come (handover.sweep); that day is right
only while the facts stay as they were screened. So every write of what the facts are made of (the
case's row, its questionnaire, conversations and check-ins, and a handover closed or opened by hand,
which the sweep would otherwise make again) sets the case's `next_check_on` (in case_check) back to
CHECK_NOW and counts its `facts_version` up. This is done once, here, for every ORM write in any session, so no
use case can forget it; the few bulk UPDATEs of those tables call `facts_changed` themselves."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam, event, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..models import CHECK_NOW, CaseCheck, CheckIn, Conversation, Handover, Questionnaire, SickCase

# Writing only these is not a change of the facts.
_BOOKKEEPING = frozenset({"updated_at", "municipality_read_at"})
_CHECK = CaseCheck.__table__
_OF_A_CASE = (Questionnaire, Conversation, CheckIn, Handover)


def _upsert(dialect_insert, values):
    return dialect_insert(_CHECK).values(values).on_conflict_do_update(
        index_elements=[_CHECK.c.case_id],
        set_={"next_check_on": CHECK_NOW, "facts_version": _CHECK.c.facts_version + 1})


_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
# One case's upsert (every form a citizen or a caseworker sends), built once per dialect.
_ONE_CASE = {name: _upsert(dialect_insert, {"case_id": bindparam("the_case_id"), "next_check_on": CHECK_NOW,
                                             "facts_version": 1, "due_reasons": ""})
             for name, dialect_insert in _INSERTS.items()}


def facts_changed(db: Session, case_ids: Iterable[int]) -> None:
    """Make the cases due at the next sweep, in the caller's transaction."""
    ids = sorted({i for i in case_ids if i is not None})
    if not ids:
        return
    # An upsert, not an update: a case without a row is due already, but the sweep may be screening
    # it (as version 0) right now, and must find the version moved on when it stores its day.
    dialect = "postgresql" if db.get_bind().dialect.name == "postgresql" else "sqlite"
    if len(ids) == 1:
        db.execute(_ONE_CASE[dialect], {"the_case_id": ids[0]})
        return
    db.execute(_upsert(_INSERTS[dialect], [{"case_id": i, "next_check_on": CHECK_NOW, "facts_version": 1,
                                             "due_reasons": ""} for i in ids]))


def _changed_columns(case: SickCase) -> set[str]:
    state = inspect(case)
    return {attr.key for attr in state.attrs if attr.history.has_changes()}


@event.listens_for(Session, "before_flush")
def _facts_written(db: Session, _context, _instances) -> None:
    cases, citizens, gone = set(), set(), set()
    for thing in (*db.new, *db.dirty, *db.deleted):
        if isinstance(thing, SickCase):
            if thing in db.deleted:
                gone.add(thing.id)  # no row for it: the delete would fail on the foreign key
            if thing in db.new or thing in db.deleted:
                continue  # a new case has no case_check row: it is due
            if _changed_columns(thing) - _BOOKKEEPING:
                cases.add(thing.id)
                citizens.add(thing.citizen_id)  # another open case of hers counts this one as earlier sickness
        elif isinstance(thing, _OF_A_CASE):
            cases.add(thing.case_id)
    if citizens:
        cases.update(db.execute(
            SickCase.__table__.select().with_only_columns(SickCase.__table__.c.id)
            .where(SickCase.__table__.c.citizen_id.in_(citizens), SickCase.__table__.c.status == "open")).scalars())
    if cases - gone:
        facts_changed(db, cases - gone)
