"""A change of a case's facts makes the case due for a check at the next sweep.

The sweep screens only the cases whose next-check day has come (handover.sweep); that day is right
only while the facts stay as they were screened. So every write of what the facts are made of (the
case's row, its questionnaire, conversations and check-ins, and a handover closed or opened by hand,
which the sweep would otherwise make again) sets the case's `next_check_on` back to CHECK_NOW and
counts its `facts_version` up. This is done once, here, for every ORM write in any session, so no
use case can forget it; the few bulk UPDATEs of those tables call `facts_changed` themselves."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import event, inspect, update
from sqlalchemy.orm import Session

from ..models import CHECK_NOW, CheckIn, Conversation, Handover, Questionnaire, SickCase

# The sweep's own bookkeeping: writing only these is not a change of the facts.
_BOOKKEEPING = frozenset({"next_check_on", "facts_version", "due_reasons", "updated_at",
                          "municipality_read_at"})
_OF_A_CASE = (Questionnaire, Conversation, CheckIn, Handover)


def facts_changed(db: Session, case_ids: Iterable[int]) -> None:
    """Make the cases due at the next sweep, in the caller's transaction."""
    ids = sorted({i for i in case_ids if i is not None})
    if ids:
        db.execute(update(SickCase).where(SickCase.id.in_(ids))
                   .values(next_check_on=CHECK_NOW, facts_version=SickCase.facts_version + 1)
                   .execution_options(synchronize_session=False))


def _changed_columns(case: SickCase) -> set[str]:
    state = inspect(case)
    return {attr.key for attr in state.attrs if attr.history.has_changes()}


@event.listens_for(Session, "before_flush")
def _facts_written(db: Session, _context, _instances) -> None:
    cases, citizens = set(), set()
    for thing in (*db.new, *db.dirty, *db.deleted):
        if isinstance(thing, SickCase):
            if thing in db.new or thing in db.deleted:
                continue  # a new case starts due (CHECK_NOW by default)
            if _changed_columns(thing) - _BOOKKEEPING:
                thing.next_check_on, thing.facts_version = CHECK_NOW, (thing.facts_version or 0) + 1
                citizens.add(thing.citizen_id)  # another open case of hers counts this one as earlier sickness
        elif isinstance(thing, _OF_A_CASE):
            cases.add(thing.case_id)
    if citizens:
        cases.update(db.execute(
            SickCase.__table__.select().with_only_columns(SickCase.__table__.c.id)
            .where(SickCase.__table__.c.citizen_id.in_(citizens), SickCase.__table__.c.status == "open")).scalars())
    if cases:
        facts_changed(db, cases)
