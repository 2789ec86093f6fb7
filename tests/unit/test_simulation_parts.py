"""The simulation's pure parts: fictitious CPR numbers, the week's slots, the team estimate."""
from __future__ import annotations

import random
from datetime import date, timedelta

from portal.simulation import population
from portal.simulation.engine import Episode, _slots
from portal.simulation.report import slots_needed, team_for


def test_cpr_numbers_are_substitute_numbers_and_unique():
    numbers = [population.fictitious_cpr(n) for n in range(40_000)]
    assert len(set(numbers)) == len(numbers)
    assert all(len(cpr) == 10 and cpr.isdigit() and 61 <= int(cpr[:2]) <= 88 for cpr in numbers)


def test_a_week_of_slots_adds_up():
    for per_week in range(1, 41):
        assert sum(_slots(per_week, weekday) for weekday in range(7)) == per_week


def test_scripts_are_reproducible_and_within_the_reporting_deadlines():
    day = date(2027, 3, 1)
    first = [population.draw(random.Random(7), n, day) for n in range(200)]
    again = [population.draw(random.Random(7), n, day) for n in range(200)]
    assert first[:1] == again[:1]
    for script in first:
        assert script.first_absence_day <= day <= script.last_sick_day
        assert (day - script.first_absence_day).days <= (34 if script.by_employer else 7)
        assert script.expected_duration in population.EXPECTED_WEEKS


def test_the_team_estimate_serves_the_earliest_deadline_first():
    start = date(2027, 1, 4)  # a Monday
    # Ten needs on each Monday to Thursday, each due the next day: exactly ten a day keep up.
    episodes = [Episode(start + timedelta(days=d), start + timedelta(days=d + 1))
                for d in range(28) for _ in range(10) if (start + timedelta(days=d)).weekday() < 4]
    assert slots_needed(episodes, start, start + timedelta(days=60)) == 10
    assert team_for(10, 15) == 4
    assert slots_needed([], start, start) is None
