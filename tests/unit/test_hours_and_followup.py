"""Partial hours, step-up plans, check-in cadence and the fast-track window, as tables of cases
from RULES.md (§ 7: at least 4 hours of absence a week; §§ 7 c/7 e: fast track in the first 5
weeks, when recovery is not expected within 8 weeks)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from portal.rules import (
    REGIMES,
    CaseFacts,
    CheckInAnswer,
    Expectation,
    FastTrackRefusal,
    IsoWeek,
    Plan,
    check_in_due,
    expected_too_soon,
    fast_track_offer,
    regime_on,
    timeline,
)
from portal.rules.hours import (
    HoursProblem,
    absence_hours,
    absence_share,
    check_week,
    is_locked,
    reportable_weeks,
    stalled_week,
)

TODAY = date(2026, 11, 16)  # Monday of ISO week 47
R2026 = regime_on(TODAY)


@pytest.mark.parametrize("normal, worked, absence, share", [
    (D(37), D(0), D(37), D(1)),
    (D(37), D("18.5"), D("18.5"), D("0.5")),
    (D(37), D(33), D(4), D(4) / D(37)),
    (D(20), D(25), D(0), D(0)),   # more than normal: no absence (and refused by check_week)
])
def test_absence_hours_and_share(normal, worked, absence, share):
    assert absence_hours(normal, worked) == absence
    assert absence_share(normal, worked) == share


@pytest.mark.parametrize("week, normal, worked, problems", [
    (IsoWeek(2026, 46), D(37), D(33), []),                                 # exactly 4 hours: partial
    (IsoWeek(2026, 46), D(37), D("33.5"), [HoursProblem.TOO_LITTLE_ABSENCE]),  # 3.5 hours: not partial
    (IsoWeek(2026, 46), D(37), D(0), []),                                  # a whole week absent
    (IsoWeek(2026, 46), D(37), D(38), [HoursProblem.WORKED_MORE_THAN_NORMAL]),
    (IsoWeek(2026, 46), D(0), D(0), [HoursProblem.NORMAL_OUT_OF_RANGE]),
    (IsoWeek(2026, 46), D(81), D(0), [HoursProblem.NORMAL_OUT_OF_RANGE]),
    (IsoWeek(2026, 47), D(37), D(10), [HoursProblem.FUTURE_WEEK]),         # this week: not over yet
    (IsoWeek(2026, 48), D(37), D(10), [HoursProblem.FUTURE_WEEK]),
    (IsoWeek(2026, 42), D(37), D(10), [HoursProblem.BEFORE_SICKNESS, HoursProblem.LOCKED]),
    (IsoWeek(2026, 44), D(37), D(10), [HoursProblem.LOCKED]),              # ended 1 Nov, + 14 days = 15 Nov
    (IsoWeek(2026, 45), D(37), D(10), []),                                 # ended 8 Nov: open until 22 Nov
])
def test_check_week(week, normal, worked, problems):
    assert check_week(week, normal, worked, date(2026, 10, 19), TODAY, R2026) == problems


def test_the_4_hour_minimum_is_the_same_in_every_regime():
    assert {r.partial_min_hours_per_week.value for r in REGIMES} == {4}


def test_iso_weeks_across_the_new_year():
    assert IsoWeek.of(date(2026, 12, 31)) == IsoWeek(2026, 53)
    assert IsoWeek.of(date(2027, 1, 4)) == IsoWeek(2027, 1)
    assert IsoWeek(2026, 53).plus(1) == IsoWeek(2027, 1)
    assert IsoWeek.parse("2026-W53") == IsoWeek(2026, 53)
    assert IsoWeek.parse("2027-W53") is None  # 2027 has 52 weeks
    assert IsoWeek.parse("2026-W00") is None and IsoWeek.parse("x") is None and IsoWeek.parse("") is None
    assert str(IsoWeek(2026, 5)) == "2026-W05"


def test_reportable_weeks_are_the_finished_weeks_back_to_the_first_unlocked_one():
    # Monday 16 November: week 47 has just begun, so it is not offered.
    assert reportable_weeks(date(2026, 10, 1), TODAY, R2026) == [IsoWeek(2026, 46), IsoWeek(2026, 45)]
    assert reportable_weeks(date(2026, 11, 12), TODAY, R2026) == [IsoWeek(2026, 46)]
    assert reportable_weeks(date(2026, 11, 16), TODAY, R2026) == []
    assert reportable_weeks(date(2026, 11, 16), date(2026, 11, 22), R2026) == [IsoWeek(2026, 47)]  # its Sunday
    assert not is_locked(IsoWeek(2026, 45), date(2026, 11, 22), R2026)
    assert is_locked(IsoWeek(2026, 45), date(2026, 11, 23), R2026)


def test_a_week_before_the_sickness_was_reported_stays_open_14_days_from_the_report():
    reported = date(2026, 11, 16)
    weeks = reportable_weeks(date(2026, 10, 1), reported, R2026, reported_on=reported)
    assert weeks[-1] == IsoWeek(2026, 40) and weeks[0] == IsoWeek(2026, 46)  # the week of 1 October is there
    assert not is_locked(IsoWeek(2026, 40), date(2026, 11, 30), R2026, reported_on=reported)
    assert is_locked(IsoWeek(2026, 40), date(2026, 12, 1), R2026, reported_on=reported)


PLAN = Plan(date(2026, 10, 19), D(10), D(5), D(37))  # week 43: 10, 15, 20, 25, 30, 35, 37


def test_a_plan_steps_up_to_full_hours():
    assert [PLAN.planned_hours(IsoWeek(2026, w)) for w in range(42, 50)] == [
        None, D(10), D(15), D(20), D(25), D(30), D(35), D(37)]
    assert PLAN.full_from() == IsoWeek(2026, 49)


def w(n):
    return IsoWeek(2026, n)


@pytest.mark.parametrize("reports, stalled", [
    ([], None),
    ([(w(43), D(10)), (w(44), D(10)), (w(45), D(10))], None),                 # too few weeks to tell
    ([(w(43), D(10)), (w(44), D(10)), (w(45), D(10)), (w(46), D(10))], w(46)),  # no rise over 3 weeks
    ([(w(43), D(10)), (w(44), D(12)), (w(45), D(12)), (w(46), D(12))], None),  # a rise within the window start
    ([(w(43), D(10)), (w(44), D(8)), (w(45), D(9)), (w(46), D(10))], w(46)),   # back to where it was: no rise
    ([(w(43), D(10)), (w(44), D(10)), (w(45), D(10)), (w(46), D(11))], None),  # a rise in the last week
    ([(w(43), D(37)), (w(44), D(37)), (w(45), D(37)), (w(46), D(37))], None),  # at full hours: done, not stalled
    ([(w(40), D(5)), (w(41), D(5)), (w(42), D(5)), (w(43), D(10))], None),     # weeks before the plan do not count
])
def test_a_stalled_plan(reports, stalled):
    assert stalled_week(PLAN, reports, 3) == stalled


def test_no_plan_never_stalls():
    assert stalled_week(None, [(w(n), D(10)) for n in range(40, 47)], 3) is None


@pytest.mark.parametrize("first_day, last_due, on, due", [
    (date(2026, 10, 1), None, TODAY, date(2026, 11, 12)),                  # 2026 rules: every 6 weeks
    (date(2026, 10, 1), date(2026, 11, 12), TODAY, date(2026, 12, 24)),    # then 6 weeks after the last
    (date(2024, 3, 1), None, date(2024, 6, 1), date(2024, 3, 29)),         # 2019 rules: every 4 weeks
    (date(2025, 3, 3), None, date(2025, 6, 1), date(2025, 4, 14)),         # from 2025: every 6 weeks
    (date(2024, 12, 2), None, date(2025, 6, 1), date(2024, 12, 30)),       # a 2024 case keeps its 4 weeks in 2025
])
def test_check_in_cadence_follows_the_case_s_regime(first_day, last_due, on, due):
    answered = (CheckInAnswer(last_due, last_due),) if last_due else ()
    facts = CaseFacts(first_absence_day=first_day, reported_on=first_day, check_ins=answered)
    assert check_in_due(timeline(facts, on)) == due


def test_a_passed_expected_return_brings_the_check_in_forward():
    first = date(2026, 11, 2)
    facts = CaseFacts(first_absence_day=first, reported_on=first,
                      expectations=(Expectation("citizen", first, date(2026, 11, 20)),))
    # The regular check-in would be 14 December; the citizen is asked the day after the expected return.
    assert check_in_due(timeline(facts, date(2026, 11, 1 + 19))) == date(2026, 11, 21)
    answered = CaseFacts(**{**facts.__dict__, "check_ins": (CheckInAnswer(date(2026, 11, 21), date(2026, 11, 22)),),
                            "expectations": (*facts.expectations, Expectation("citizen", date(2026, 11, 22), None))})
    assert check_in_due(timeline(answered, date(2026, 11, 22))) == date(2027, 1, 2)  # 6 weeks on


@pytest.mark.parametrize("first_day, on, changes, kwargs, refusal", [
    (date(2026, 11, 2), TODAY, {}, {}, None),
    (date(2026, 10, 13), TODAY, {}, {}, None),                      # week 5 ends 16 November: last day
    (date(2026, 10, 12), TODAY, {}, {}, FastTrackRefusal.WINDOW_CLOSED),
    (date(2026, 11, 2), TODAY, {"employment": "unemployed"}, {}, FastTrackRefusal.NOT_EMPLOYED),
    (date(2026, 11, 2), TODAY, {}, {"pending_request": True}, FastTrackRefusal.ALREADY_REQUESTED),
    (date(2026, 11, 2), TODAY, {"closed_on": date(2026, 11, 10)}, {}, FastTrackRefusal.NOT_OPEN),
    (date(2026, 11, 2), TODAY, {"standby_since": date(2026, 11, 5)}, {}, FastTrackRefusal.ON_STANDBY),
    # the employer is not told about standby (health information): its request goes to the citizen
    (date(2026, 11, 2), TODAY, {"standby_since": date(2026, 11, 5)}, {"by_citizen": False}, None),
])
def test_fast_track_offer(first_day, on, changes, kwargs, refusal):
    facts = CaseFacts(first_absence_day=first_day, reported_on=first_day, **changes)
    offer = fast_track_offer(facts, on, **{"pending_request": False, **kwargs})
    assert offer.refusal == refusal and offer.offered == (refusal is None)


@pytest.mark.parametrize("weeks, too_soon", [(2, True), (8, True), (13, False), (26, False)])
def test_fast_track_is_for_more_than_8_weeks(weeks, too_soon):
    assert expected_too_soon(weeks, R2026) is too_soon
