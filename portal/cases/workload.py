"""The team's plan: what the municipality must do per week for the next weeks, by handover reason,
beside the conversations already booked and the free times published.

Each case keeps the reasons its last screening found (sick_case.due_reasons, valid until its next
check); the sweep tallies their due weeks over every open case in one grouped read (`Tally`) and
stores a few rows per municipality, so the page reads those rows and two small counts instead of
screening 50,000 cases a request."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, delete, func, null, union_all
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from ..driver_statement import read_all
from ..models import Conversation, FreeTime, WorkloadCount, fixed, utcnow
from ..rules import Reason, ReasonCode

WEEKS = 8
# Reasons the jobcenter meets with a conversation; the others are a decision or a follow-up without one.
CONVERSATION_REASONS = frozenset(ReasonCode) - {ReasonCode.STANDBY, ReasonCode.FAST_TRACK_DECISION,
                                                 ReasonCode.QUESTIONNAIRE_OVERDUE, ReasonCode.RETURN_PASSED}


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass
class Tally:
    """Counts (municipality, week, reason) as the sweep screens each case. Reasons due before this
    week are counted in this week's row: they are late and still to be done."""

    today: date
    counts: Counter = field(default_factory=Counter)

    def add(self, municipality: str, reasons: list[Reason], cases: int = 1) -> None:
        """Count the reasons of `cases` cases of the municipality that have these reasons."""
        self.add_due(municipality, [(str(reason.code), reason.due) for reason in reasons], cases)

    def add_due(self, municipality: str, reasons: list[tuple[str, date]], cases: int = 1) -> None:
        """`add` for reasons as (code, due date)."""
        this_week = monday_of(self.today)
        end = this_week + timedelta(weeks=WEEKS)
        for code, due in reasons:
            week = max(monday_of(due), this_week)
            if week < end:
                self.counts[(municipality, week, code)] += cases

    def store(self, db: Session) -> None:
        """Replace the counts: rows of this count are upserted, rows an earlier count left and this one
        did not make are removed."""
        now = utcnow()
        rows = [{"municipality_code": m, "week_of": w, "reason": r, "due_count": n, "counted_at": now}
                for (m, w, r), n in self.counts.items()]
        insert = postgresql.insert if db.get_bind().dialect.name == "postgresql" else sqlite.insert
        for start in range(0, len(rows), 1000):  # well inside either database's limit of parameters
            statement = insert(WorkloadCount.__table__).values(rows[start:start + 1000])
            db.exec(statement.on_conflict_do_update(
                index_elements=["municipality_code", "week_of", "reason"],
                set_={"due_count": statement.excluded.due_count, "counted_at": statement.excluded.counted_at}))
        db.exec(delete(WorkloadCount).where(WorkloadCount.counted_at < now))
        db.commit()


def count_between_sweeps(db: Session, municipality: str, facts, created_at: datetime, today: date) -> None:
    """A handover made between two sweeps (a citizen reported sick, asked for a conversation): the
    stored counts change by what the case adds now, less what the last sweep counted of it (the
    reasons it knew of on that day; nothing when the case did not exist yet), in the caller's
    transaction. The next sweep counts everything afresh."""
    from ..rules import screen

    counted_at = db.exec(select(func.max(WorkloadCount.counted_at))
                         .where(WorkloadCount.municipality_code == municipality)).one()
    if counted_at is None:
        return  # never counted: the page says the sweep has not counted yet
    counted_at = counted_at if counted_at.tzinfo else counted_at.replace(tzinfo=created_at.tzinfo)
    now, before = Tally(today), Tally(today)
    now.add(municipality, screen(facts, today))
    if created_at < counted_at:
        before.add(municipality, screen(facts, counted_at.date()))
    for key in set(now.counts) | set(before.counts):
        change = now.counts[key] - before.counts[key]
        if not change:
            continue
        _, week, reason = key
        row = db.exec(select(WorkloadCount).where(
            WorkloadCount.municipality_code == municipality, WorkloadCount.week_of == week,
            WorkloadCount.reason == reason)).first()
        if row is None:
            row = WorkloadCount(municipality_code=municipality, week_of=week, reason=reason, due_count=0,
                                counted_at=counted_at)
        row.due_count = max(0, row.due_count + change)
        db.add(row)


class Week(NamedTuple):
    """A week of the plan; a tuple, so the page's loops unpack it into names instead of looking up
    each attribute (some 130 look-ups a page). Made by week_of(), which works out the sums."""

    monday: date
    due: dict[str, int]        # reason -> count
    booked: int                # conversations booked this week
    free: int                  # free times published and not taken
    # The counts in the order of Workload.reasons, 0 for a reason not due this week: the page's table
    # called week.due.get(reason, 0) for each cell, each call through Jinja's Context.call.
    by_reason: tuple[int, ...]
    total: int
    conversations_due: int
    short: int                 # conversations due that no booked conversation or free time covers yet
    iso_week: int


def week_of(monday: date, due: dict[str, int], booked: int, free: int, by_reason: tuple[int, ...] = ()) -> Week:
    conversations = sum(n for reason, n in due.items() if reason in CONVERSATION_REASONS)
    return Week(monday, due, booked, free, by_reason, sum(due.values()), conversations,
                max(0, conversations - booked - free), monday.isocalendar().week)


@dataclass(frozen=True)
class Workload:
    weeks: list[Week]
    reasons: list[str]         # the reasons that occur, in the order of ReasonCode
    counted_at: datetime | None

    @property
    def largest(self) -> int:
        return max([1, *(max(w.total, w.booked + w.free) for w in self.weeks)])


def _day(day) -> date:
    """SQLite answers date() as text, also where the union's first part is a date column."""
    return day if isinstance(day, date) else date.fromisoformat(str(day)[:10])


_BOOKED_DAY, _FREE_DAY = func.date(Conversation.scheduled_at), func.date(FreeTime.starts_at)
_STORED = (WorkloadCount.municipality_code == bindparam("municipality"), WorkloadCount.week_of >= bindparam("first"))
# Built once, the values bound per request: building it cost the page more than running it. The
# sweep's time is one row of its own (kind "counted"), not a column of each count: converting the
# same time on each of some hundred rows cost the page 0.04 ms. Its column has no type (the first
# part's NULL), so the one value is converted by the column's own type (_COUNTED_AT).
_WEEKS_AHEAD = union_all(
    select(fixed("due").label("kind"), WorkloadCount.week_of.label("day"), WorkloadCount.reason.label("reason"),
           WorkloadCount.due_count.label("n"), null().label("counted_at"))
    .where(*_STORED),
    select(fixed("counted"), null(), null(), null(), func.max(WorkloadCount.counted_at)).where(*_STORED),
    select(fixed("booked"), _BOOKED_DAY, null(), func.count(), null())
    .where(Conversation.municipality_code == bindparam("municipality"), Conversation.status == fixed("booked"),
           Conversation.scheduled_at >= bindparam("start"),
           Conversation.scheduled_at < bindparam("end"))
    .group_by(_BOOKED_DAY),
    select(fixed("free"), _FREE_DAY, null(), func.count(), null())
    .where(FreeTime.municipality_code == bindparam("municipality"), FreeTime.taken_by_case_id.is_(None),
           FreeTime.starts_at >= bindparam("free_from"),
           FreeTime.starts_at < bindparam("end"))
    .group_by(_FREE_DAY))
_COUNTED_AT = WorkloadCount.__table__.c.counted_at.type
_DAYS_BACK = tuple(timedelta(days=n) for n in range(7))   # a day's weekday() back to its Monday
_REASONS = tuple(str(code) for code in ReasonCode)       # in the order of ReasonCode


def workload(db: Session, municipality: str, today: date, timezone: str = "Europe/Copenhagen") -> Workload:
    """One statement, whatever the number of cases: the stored counts, and the booked conversations
    and free times of the weeks counted per day, as the parts of one UNION ALL (three statements
    cost the page more than everything else it does)."""
    first = monday_of(today)
    local = ZoneInfo(timezone)
    start = datetime.combine(first, time.min, local)
    end = datetime.combine(first + timedelta(weeks=WEEKS), time.min, local)
    # On the driver's cursor, alone in autocommit where the request has begun no transaction (Core on
    # SQLite): plain columns, and the ORM's and Core's layers and a transaction cost the client more
    # than the statement. A row: kind, day, reason, n, counted_at.
    rows = read_all(db, _WEEKS_AHEAD, {"municipality": municipality, "first": first, "start": start, "end": end,
                                       "free_from": max(start, utcnow())})
    # One pass over the rows (a hundred or so: a count per week and reason, a day's bookings or free
    # times), each kept where it counts; a day as PostgreSQL answers it (a date) read as it is.
    due: dict[date, dict[str, int]] = {}
    booked, free = Counter(), Counter()
    counted_at = None
    for kind, day, reason, n, at in rows:
        if day.__class__ is not date and day is not None:
            day = _day(day)
        if kind == "due":
            due.setdefault(day, {})[reason] = n
        elif kind == "counted":
            counted_at = at
        else:
            monday = day - _DAYS_BACK[day.weekday()]
            if monday >= first:
                (booked if kind == "booked" else free)[monday] += n
    if counted_at is not None:
        dialect = db.get_bind().dialect
        process = _COUNTED_AT.dialect_impl(dialect).result_processor(dialect, None)
        counted_at = process(counted_at) if process else counted_at
    seen = {reason for counts in due.values() for reason in counts}
    reasons = [reason for reason in _REASONS if reason in seen]
    weeks = []
    for monday in (first + timedelta(weeks=n) for n in range(WEEKS)):
        counts = due.get(monday, {})
        weeks.append(week_of(monday, counts, booked[monday], free[monday], tuple([counts.get(r, 0) for r in reasons])))
    return Workload(weeks, reasons, counted_at)
