"""Partial sick leave (delvis sygemelding), week by week: the arithmetic and the checks.

Weeks are ISO weeks (Monday to Sunday). A week counts as partial sickness only with at least the
regime's minimum hours of absence (4 hours, sygedagpengeloven § 7); a week worked in full is a
recovery, not a partial week."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal
from enum import StrEnum

from .regimes import Regime

MAX_WEEKLY_HOURS = Decimal(80)


@dataclass(frozen=True, order=True)
class IsoWeek:
    year: int
    week: int

    @classmethod
    def of(cls, day: date) -> IsoWeek:
        year, week, _ = day.isocalendar()
        return cls(year, week)

    @classmethod
    def parse(cls, text: str) -> IsoWeek | None:
        """'2026-W47' -> IsoWeek(2026, 47); None for anything else, including a week that does not exist."""
        try:
            year, week = text.split("-W")
            candidate = cls(int(year), int(week))
            date.fromisocalendar(candidate.year, candidate.week, 1)
        except (ValueError, AttributeError):
            return None
        return candidate

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    def plus(self, weeks: int) -> IsoWeek:
        return IsoWeek.of(self.monday + timedelta(weeks=weeks))


def absence_hours(normal: Decimal, worked: Decimal) -> Decimal:
    return max(Decimal(0), normal - worked)


def absence_share(normal: Decimal, worked: Decimal) -> Decimal:
    """Absence as a share of the normal hours, 0 to 1."""
    if normal <= 0:
        return Decimal(0)
    return absence_hours(normal, worked) / normal


class HoursProblem(StrEnum):
    NORMAL_OUT_OF_RANGE = "normal_out_of_range"
    WORKED_MORE_THAN_NORMAL = "worked_more_than_normal"
    TOO_LITTLE_ABSENCE = "too_little_absence"
    FUTURE_WEEK = "future_week"
    BEFORE_SICKNESS = "before_sickness"
    LOCKED = "locked"


def is_locked(week: IsoWeek, today: date, regime: Regime, reported_on: date | None = None) -> bool:
    """A week can be corrected until the regime's number of days after its Sunday, counted from the
    day the sickness was reported when that is later: a week she could not report yet is not locked."""
    start = max(week.sunday, reported_on) if reported_on is not None else week.sunday
    return today > start + timedelta(days=regime.hours_correction_days.value)


def is_finished(week: IsoWeek, today: date) -> bool:
    """A week's hours are known from its Sunday; the hours of a week under way are not."""
    return week.sunday <= today


def reportable_weeks(first_absence_day: date, today: date, regime: Regime,
                     reported_on: date | None = None) -> list[IsoWeek]:
    """The weeks the citizen may report or correct now, newest first: from the last finished week
    back to the week of the first absence day, leaving out locked weeks."""
    weeks, week = [], IsoWeek.of(today)
    if not is_finished(week, today):
        week = week.plus(-1)
    first = IsoWeek.of(first_absence_day)
    while week >= first and not is_locked(week, today, regime, reported_on):
        weeks.append(week)
        week = week.plus(-1)
    return weeks


def check_week(week: IsoWeek, normal: Decimal, worked: Decimal, first_absence_day: date,
               today: date, regime: Regime, reported_on: date | None = None) -> list[HoursProblem]:
    """What is wrong with reporting these hours for this week; an empty list if nothing."""
    problems = []
    if not is_finished(week, today):
        problems.append(HoursProblem.FUTURE_WEEK)
    if week.sunday < first_absence_day:
        problems.append(HoursProblem.BEFORE_SICKNESS)
    if is_locked(week, today, regime, reported_on):
        problems.append(HoursProblem.LOCKED)
    if not (0 < normal <= MAX_WEEKLY_HOURS):
        problems.append(HoursProblem.NORMAL_OUT_OF_RANGE)
    elif worked > normal:
        problems.append(HoursProblem.WORKED_MORE_THAN_NORMAL)
    elif absence_hours(normal, worked) < regime.partial_min_hours_per_week.value:
        problems.append(HoursProblem.TOO_LITTLE_ABSENCE)
    return problems


@dataclass(frozen=True)
class Plan:
    """Step up towards full hours: `start_hours` worked in the first week, then `weekly_increase`
    more each week, until `full_hours`."""

    start_monday: date
    start_hours: Decimal
    weekly_increase: Decimal
    full_hours: Decimal

    def planned_hours(self, week: IsoWeek) -> Decimal | None:
        start = IsoWeek.of(self.start_monday)
        if week < start:
            return None
        steps = (week.monday - start.monday).days // 7
        return min(self.full_hours, self.start_hours + self.weekly_increase * steps)

    def full_from(self) -> IsoWeek:
        """The first week the plan reaches full hours."""
        if self.weekly_increase <= 0:
            return IsoWeek.of(self.start_monday)
        # Decimal's // truncates towards zero, so the ceiling is taken explicitly.
        steps = ((self.full_hours - self.start_hours) / self.weekly_increase).to_integral_value(ROUND_CEILING)
        return IsoWeek.of(self.start_monday).plus(max(0, int(steps)))


def stalled_week(plan: Plan | None, reports: Iterable[tuple[IsoWeek, Decimal]], stall_weeks: int) -> IsoWeek | None:
    """The week at which a step-up plan stalled: the hours worked have not risen over the last
    `stall_weeks` reported weeks of the plan, and are still below full hours. None if it has not."""
    if plan is None:
        return None
    start = IsoWeek.of(plan.start_monday)
    worked = sorted((week, hours) for week, hours in reports if week >= start)
    if len(worked) < stall_weeks + 1:
        return None
    before, window = worked[-stall_weeks - 1], worked[-stall_weeks:]
    if all(hours <= before[1] for _, hours in window) and window[-1][1] < plan.full_hours:
        return window[-1][0]
    return None
