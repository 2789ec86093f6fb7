"""A change of a case's facts makes the case due for a check at the next sweep.

The sweep screens only the cases whose next-check day has come (handover.sweep); that day is right
only while the facts stay as they were screened. So every write of what the facts are made of (the
case's row, its questionnaire, conversations and check-ins, and a handover closed or opened by hand,
which the sweep would otherwise make again) sets the case's `next_check_on` (in case_check) back to
CHECK_NOW and counts its `facts_version` up. This is done once, here, for every ORM write in any session, so no
use case can forget it; the few bulk UPDATEs of those tables call `facts_changed` themselves.

The daily reminders (notify.reminders.queue_due) likewise work out only the cases whose `remind_on` day
has come: a change of the facts sets it back to CHECK_NOW too, and so does a change of the citizen's
e-mail address or language (a reminder's recipients and words), which are no facts of the case."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam, event, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..models import CHECK_NOW, CaseCheck, CheckIn, Citizen, Conversation, Handover, Questionnaire, SickCase

# Writing only these is not a change of the facts.
_BOOKKEEPING = frozenset({"updated_at", "municipality_read_at"})
_CHECK = CaseCheck.__table__
_OF_A_CASE = (Questionnaire, Conversation, CheckIn, Handover)
# What of a citizen a reminder is made of: where it goes, and the language it is written in.
_REMINDER_CONTACT = frozenset({"email", "language"})


def _upserts(insert) -> dict:
    """Built once (building a statement costs more than running it, and a flush runs one): for each
    kind of change, the upsert of one row, run with the rows as parameters. An upsert, not an update:
    a case without a row is due already, but the sweep (or the reminders) may be reading it (as
    version 0) right now, and must find the version moved on when it stores its day."""
    again = {"remind_on": CHECK_NOW, "facts_version": _CHECK.c.facts_version + 1}
    changed = {sweep: insert(_CHECK).values(case_id=bindparam("case_id"), next_check_on=CHECK_NOW, facts_version=1,
                                            due_reasons="", remind_on=CHECK_NOW)
               .on_conflict_do_update(index_elements=[_CHECK.c.case_id],
                                      set_={"next_check_on": CHECK_NOW, **again} if sweep else again)
               for sweep in (True, False)}
    stored = insert(_CHECK)
    return {**changed, "reminder_day": stored.on_conflict_do_update(
        index_elements=[_CHECK.c.case_id], set_={"remind_on": stored.excluded.remind_on},
        where=_CHECK.c.facts_version == stored.excluded.facts_version)}


_UPSERTS = {"postgresql": _upserts(postgresql.insert), "sqlite": _upserts(sqlite.insert)}


def facts_changed(db: Session, case_ids: Iterable[int], sweep: bool = True) -> None:
    """Make the cases due at the next sweep and for their reminders, in the caller's transaction.
    `sweep=False`: due for their reminders only (the citizen's contact changed, not the facts)."""
    ids = sorted({i for i in case_ids if i is not None})
    if ids:
        db.execute(_UPSERTS[db.get_bind().dialect.name][sweep], [{"case_id": i} for i in ids])


def contact_changed(db: Session, citizen_id: int, besides: int | None = None) -> None:
    """The citizen's e-mail address or language was written without the ORM: her open cases are due
    for their reminders, as the flush's listener makes them for a change through the ORM (`besides`:
    a case the caller has made due already)."""
    facts_changed(db, set(_open_cases_of(db, {citizen_id})) - {besides}, sweep=False)


def store_reminder_days(db: Session, checked: list[tuple[int, int, object]]) -> None:
    """Store each case's next reminder day (case id, facts version read, day), one statement. A case
    whose facts or contact changed since they were read (its facts_version moved on) keeps CHECK_NOW.
    A case without a row gets one, due for the sweep as before (a row-less case is)."""
    if checked:
        db.execute(_UPSERTS[db.get_bind().dialect.name]["reminder_day"], [
            {"case_id": i, "facts_version": v, "remind_on": d, "next_check_on": CHECK_NOW, "due_reasons": ""}
            for i, v, d in checked])


def _changed_columns(thing) -> set[str]:
    state = inspect(thing)
    return {attr.key for attr in state.attrs if attr.history.has_changes()}


@event.listens_for(Session, "before_flush")
def _facts_written(db: Session, _context, _instances) -> None:
    cases, citizens, gone, contacts = set(), set(), set(), set()
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
        elif isinstance(thing, Citizen) and thing in db.dirty and _changed_columns(thing) & _REMINDER_CONTACT:
            contacts.add(thing.id)
    if citizens:
        cases.update(_open_cases_of(db, citizens))
    if cases - gone:
        facts_changed(db, cases - gone)
    if contacts:
        facts_changed(db, set(_open_cases_of(db, contacts)) - cases - gone, sweep=False)


_OPEN_CASES_OF = SickCase.__table__.select().with_only_columns(SickCase.__table__.c.id).where(
    SickCase.__table__.c.citizen_id.in_(bindparam("citizens", expanding=True)), SickCase.__table__.c.status == "open")


def _open_cases_of(db: Session, citizen_ids: set[int]):
    return db.execute(_OPEN_CASES_OF, {"citizens": sorted(citizen_ids)}).scalars()
