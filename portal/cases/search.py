"""Find a case: by CPR number (exact), name, case number or the case system's reference, within the
caseworker's own municipality only. Every search is written to the audit log like a view."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import Integer, String, any_, bindparam, func, insert, intersect, union_all
from sqlalchemy import case as when
from sqlalchemy.dialects import postgresql
from sqlmodel import Session, select

from .. import driver_write
from ..driver_statement import fetch_all
from ..models import (
    AuditEntry,
    CaseStatus,
    Citizen,
    Handover,
    HandoverStatus,
    NameToken,
    SickCase,
    fixed,
    utcnow,
)
from ..names import name_tokens
from ..personal_data import cpr_hash, normalise_cpr

MAX_HITS = 50
MIN_WORD = 2
# ASCII digits: \d would read "sag ١٧" as case 17.
CASE_NUMBER = re.compile(r"^(?:sag\s*(?:nr\.?)?\s*|case\s*|#)?([0-9]{1,9})$", re.IGNORECASE)


@dataclass(frozen=True)
class Term:
    """What a typed search term can mean; each part that is not None is searched."""

    cpr: str | None = None          # ten digits
    case_number: int | None = None
    reference: str | None = None    # the case system's own case number, exactly as typed
    words: tuple[str, ...] = ()     # name words, each a prefix of a word of the name

    @property
    def kind(self) -> str:
        """For the audit log: how the term was read (never the term itself, which may be a CPR number)."""
        return "cpr" if self.cpr else "number" if self.case_number else "name" if self.words else "reference"


def read_term(typed: str) -> Term | None:
    """'610590-4321', '610590–4321' (an en dash from autocorrect) or '6105904321' is a CPR number;
    '17', 'sag 17' or '#17' a case number (or a reference); anything else a reference or a name.
    None: nothing to search for."""
    typed = " ".join((typed or "").split())
    if not typed:
        return None
    cpr = normalise_cpr(typed)
    if cpr:
        return Term(cpr=cpr)
    number = CASE_NUMBER.match(typed)
    if number:
        return Term(case_number=int(number.group(1)), reference=typed[:100])
    words = tuple(w for w in name_tokens(typed) if len(w) >= MIN_WORD)
    if not words and len(typed) < MIN_WORD:
        return None
    return Term(reference=typed[:100], words=words)


class Hit(NamedTuple):
    """What the result list shows of a case: a few columns, not the whole case (a row as read)."""

    case_id: int
    status: str
    first_absence_day: date
    citizen_name: str
    handover_status: str | None      # None: not in the queue
    due: date | None
    assignee_name: str | None
    waiting_until: date | None
    external_reference: str | None


@dataclass(frozen=True)
class Found:
    hits: list[Hit]
    more: bool          # more than MAX_HITS matched: the caseworker should narrow the search


def _escaped(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


MAX_NAMESAKES = 2000   # the municipality's citizens bearing a name, before the search asks for more of it

# The statements are built once, their values bound at each search: building a statement and
# working out its cache key again for every request cost more CPU than running it.
_BY_CPR = select(Citizen.id).where(Citizen.cpr_hash == bindparam("cpr_hash"))
_BY_REFERENCE = select(Handover.case_id).where(Handover.municipality_code == bindparam("municipality"),
                                               Handover.external_reference == bindparam("reference"))


def _hits(which):
    """The result list's columns of the municipality's cases `which` selects: the first cases found
    and ordered among the cases alone, then their citizens' names and live handovers joined to
    those only (a short name can have 2,000 namesakes, and each joined before the sort cost
    PostgreSQL two index reads)."""
    found = (select(SickCase.id, SickCase.status, SickCase.first_absence_day, SickCase.citizen_id)
             .where(SickCase.municipality_code == bindparam("municipality"), which)
             .order_by(*_hits_order(SickCase.status, SickCase.first_absence_day, SickCase.id))
             .limit(fixed(MAX_HITS + 1))
             .subquery("found"))
    return (
        select(found.c.id, found.c.status, found.c.first_absence_day, Citizen.name, Handover.status,
               Handover.due, Handover.assignee_name, Handover.waiting_until, Handover.external_reference)
        .select_from(found)
        .join(Citizen, Citizen.id == found.c.citizen_id)
        .join(Handover, (Handover.case_id == found.c.id) & (Handover.status != fixed(HandoverStatus.CLOSED)),
              isouter=True)
        .order_by(*_hits_order(found.c.status, found.c.first_absence_day, found.c.id)))


def _hits_order(status, first_absence_day, case_id) -> tuple:
    """Open cases first, then the newest."""
    return when((status == CaseStatus.OPEN, 0), else_=1), first_absence_day.desc(), case_id.desc()


# Each search is one statement of hits, its look-ups subqueries (a name's namesakes apart, below):
# each statement a search made cost the client more than PostgreSQL's work on it. Each is one
# IN (subquery), no OR, so the cases are still read by their indexes; no list expanded into the SQL
# at each search, so that the statement runs on psycopg's cursor (driver_statement.fetch_all).
_HITS_BY_CPR = _hits(SickCase.citizen_id.in_(_BY_CPR))
_HITS_BY_NUMBER = _hits(SickCase.id.in_(union_all(select(bindparam("case_number", type_=Integer)), _BY_REFERENCE)))


def _hits_by_name(namesake):
    """A name's hits: the cases of its namesakes (looked up first: as a subquery, PostgreSQL
    misjudged their number and read all the municipality's cases) and of the case system's number
    as typed. `namesake` tests a case's citizen against the namesakes' ids."""
    named = SickCase.__table__.alias("named")
    return _hits(SickCase.id.in_(union_all(select(named.c.id).where(namesake(named.c.citizen_id)), _BY_REFERENCE)))


# PostgreSQL: the ids as one array parameter (= ANY), the same SQL whatever their number; elsewhere
# an IN list (through Core).
_HITS_BY_NAME = {
    True: _hits_by_name(lambda citizen: citizen == any_(bindparam("citizens", type_=postgresql.ARRAY(Integer)))),
    False: _hits_by_name(lambda citizen: citizen.in_(bindparam("citizens", expanding=True))),
}


@lru_cache(maxsize=16)
def _namesakes(words: int):
    """The citizens of the municipality with a word starting with each of `words` typed words."""
    each_word = [select(NameToken.citizen_id).where(NameToken.municipality_code == bindparam("municipality"),
                                                    NameToken.token.like(bindparam(f"word{n}"), escape="\\"))
                 for n in range(words)]
    namesakes = intersect(*each_word) if words > 1 else each_word[0]
    return select(namesakes.subquery().c[0]).limit(fixed(MAX_NAMESAKES))


def _citizens(connection, municipality: str, term: Term) -> list[int]:
    """The citizens the words of a name point to, by their indexed look-ups, only among the words
    kept for the caseworker's own municipality, so the country's size does not count."""
    if not term.words:
        return []
    words = {f"word{n}": _escaped(word) for n, word in enumerate(term.words)}
    return [row[0] for row in fetch_all(connection, _namesakes(len(term.words)),
                                        {"municipality": municipality, **words})]


def find(db: Session, municipality: str, term: Term, me: str, my_name: str) -> Found:
    """Open cases first, then the newest; the search and each case it shows go to the audit log.
    The ids are looked up first (in the hits' statement but for a name's namesakes), so the cases are
    read by their indexes, never by testing each of the municipality's cases."""
    # Its statements on the driver's cursor on one pooled connection, each alone in autocommit
    # (through Core on SQLite), not the ORM session's execute in a transaction: they read plain
    # columns and write one statement, and the ORM's and Core's layers, the transaction's round trips
    # and a second checkout cost the client more than PostgreSQL's work.
    with driver_write.autocommit(db) as connection:
        postgres = connection.dialect.name == "postgresql"
        namesakes = 0
        if term.cpr:
            rows = fetch_all(connection, _HITS_BY_CPR, {"municipality": municipality, "cpr_hash": cpr_hash(term.cpr)})
        elif not term.words:  # a case number, the case system's number, or both
            rows = fetch_all(connection, _HITS_BY_NUMBER, {"municipality": municipality,
                                                           "case_number": term.case_number,
                                                           "reference": term.reference})
        else:  # a name, or the case system's number as typed
            citizens = _citizens(connection, municipality, term)
            # Asked even when no citizen matched, so a search costs the same statements whatever it finds.
            rows = fetch_all(connection, _HITS_BY_NAME[postgres], {"municipality": municipality, "citizens": citizens,
                                                                   "reference": term.reference})
            namesakes = len(citizens)
        more = len(rows) > MAX_HITS or namesakes >= MAX_NAMESAKES
        hits = [Hit._make(row) for row in rows[:MAX_HITS]]
        detail = f"search by {term.kind}: {len(hits)}{'+' if more else ''} found"
        _write_audit(connection, postgres, {"at": utcnow().astimezone(UTC), "actor": me, "actor_name": my_name,
                                            "municipality_code": municipality, "detail": detail},
                     [hit.case_id for hit in hits] or [None])
    return Found(hits, more=more)


_AUDIT_COLUMNS = ("at", "actor", "actor_name", "municipality_code", "action", "case_id", "detail")
_AUDIT = insert(AuditEntry.__table__)
# PostgreSQL: the search's rows in one statement of six parameters, the cases' ids one array
# unnested in order, so the client sends no parameters a row.
_AUDIT_EACH_CASE = insert(AuditEntry.__table__).from_select(list(_AUDIT_COLUMNS), select(
    bindparam("at", type_=AuditEntry.__table__.c.at.type), bindparam("actor", type_=String),
    bindparam("actor_name", type_=String), bindparam("municipality_code", type_=String), fixed("search"),
    func.unnest(bindparam("case_ids", type_=postgresql.ARRAY(Integer))), bindparam("detail", type_=String)))


def _write_audit(connection, postgres: bool, search: dict, case_ids: list) -> None:
    """The search and each case it shows in the audit log, a row each, all rows or none (one
    statement on PostgreSQL, one transaction elsewhere), with no ORM objects (25 cost more than the
    search itself). `at` is as UTCDateTime writes it: the driver's path has no bind processor."""
    if postgres:
        driver_write.execute(connection, _AUDIT_EACH_CASE, {**search, "case_ids": case_ids})
    else:  # Core's executemany, in the connection's transaction
        connection.execute(_AUDIT, [{**search, "action": "search", "case_id": case_id} for case_id in case_ids])
