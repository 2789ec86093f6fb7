"""What citizens and employers do, drawn from the distributions in docs/SIMULATION.md. Pure: a seeded
random generator and dates, no Flask, no database. Every share here is named in that document with
its source, or stated there as an assumption where no figure is published."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from ..rules import EXPECTED_WEEKS

# How long the sickness lasts, in days from the first absence day: (share, shortest, longest).
DURATION = ((0.30, 3, 14), (0.22, 15, 28), (0.22, 29, 56), (0.12, 57, 91), (0.10, 92, 182), (0.04, 183, 364))
EMPLOYMENT = (("employed", 0.85), ("unemployed", 0.12), ("self_employed", 0.03))
EMPLOYER_REPORTS = 0.40          # of the employed: the employer reports first (MitID Erhverv)
PARTIAL = 0.15                   # partly sick from the start
QUESTIONNAIRE_ON_TIME, QUESTIONNAIRE_LATE = 0.85, 0.12  # the rest answer only when the municipality calls
WANTS_CONVERSATION = 0.05        # asks for a conversation on the questionnaire
STANDBY_LONG, STANDBY_SHORT = 0.15, 0.01  # chooses standby: sickness over 13 weeks, or shorter
FAST_TRACK_CITIZEN, FAST_TRACK_EMPLOYER = 0.08, 0.06  # of the employed expected away over 8 weeks
CONSENT = (("yes", 0.75), ("no", 0.10), (None, 0.15))  # the employee's answer to the employer's request
EMPLOYER_ANSWERS = 0.50          # the employer answers the employer questions
SELF_BOOKS = 0.60                # books a published time herself
CHECK_IN_ON_TIME = 0.85          # answers a check-in the day it opens (else a few days late, or never)
NO_SHOW = 0.04                   # a booked conversation not held: the caseworker cancels and books again
# The reporting day's weight by weekday (Monday first): most sickness starts or is reported early in the week.
WEEKDAY_WEIGHT = (1.6, 1.1, 1.0, 1.0, 0.9, 0.2, 0.2)
BUCKETS = tuple(EXPECTED_WEEKS)  # under_2_weeks ... over_26_weeks, shortest first


@dataclass(frozen=True)
class Script:
    """One sick leave as it will unfold; the engine plays it through the portal's use cases."""

    number: int
    cpr: str
    report_day: date
    first_absence_day: date
    employment: str
    by_employer: bool
    duration_days: int
    partial_hours: float | None
    expected_duration: str
    questionnaire_day: date | None      # None: only when the municipality contacts her
    wants_conversation: bool
    standby: bool
    citizen_fast_track_day: date | None
    employer_fast_track_day: date | None
    consent: str | None                 # yes | no | None (no answer)
    employer_answer_day: date | None
    absence_conversation_on: date | None
    self_books: bool
    check_in_reliability: float

    @property
    def last_sick_day(self) -> date:
        return self.first_absence_day + timedelta(days=self.duration_days - 1)


def fictitious_cpr(number: int) -> str:
    """A fictitious CPR number: a substitute number (erstatningspersonnummer), day of birth plus 60,
    which no real person has (the project's convention, README and portal.demo). Unique per number."""
    day, month = 61 + number % 28, 1 + (number // 28) % 12
    year, serial = (number // 336) % 100, 5000 + (number // 33600) % 5000
    return f"{day:02d}{month:02d}{year:02d}{serial:04d}"


def report_days(rng: random.Random, start: date, days: int, count: int) -> list[date]:
    """`count` reporting days in [start, start + days), weighted by weekday, sorted."""
    span = [start + timedelta(days=n) for n in range(days)]
    weights = [WEEKDAY_WEIGHT[day.weekday()] for day in span]
    return sorted(rng.choices(span, weights, k=count))


def _pick(rng: random.Random, pairs):
    roll, total = rng.random(), 0.0
    for value, share in pairs:
        total += share
        if roll < total:
            return value
    return pairs[-1][0]


def _duration(rng: random.Random) -> int:
    share, low, high = _pick(rng, [((s, lo, hi), s) for s, lo, hi in DURATION])
    return rng.randint(low, high)


def _bucket(weeks: float) -> str:
    for key in BUCKETS:
        if weeks <= EXPECTED_WEEKS[key]:
            return key
    return BUCKETS[-1]


def draw(rng: random.Random, number: int, report_day: date) -> Script:
    employment = _pick(rng, EMPLOYMENT)
    by_employer = employment == "employed" and rng.random() < EMPLOYER_REPORTS
    # Reported soon after the first absence day: a citizen within a week (§ 38), an employer within
    # its five weeks (§ 40), most within three.
    if by_employer:
        delay = rng.randint(0, 20) if rng.random() < 0.9 else rng.randint(21, 34)
    else:
        delay = rng.randint(0, 3) if rng.random() < 0.8 else rng.randint(4, 7)
    first = report_day - timedelta(days=delay)
    duration = max(_duration(rng), delay + 1)
    true_bucket = BUCKETS.index(_bucket(duration / 7))
    guess = true_bucket + _pick(rng, ((0, 0.60), (-1, 0.25), (1, 0.15)))
    expected = BUCKETS[min(max(guess, 0), len(BUCKETS) - 1)]
    roll = rng.random()
    questionnaire_day = (report_day + timedelta(days=rng.randint(0, 8)) if roll < QUESTIONNAIRE_ON_TIME else
                         report_day + timedelta(days=rng.randint(9, 20))
                         if roll < QUESTIONNAIRE_ON_TIME + QUESTIONNAIRE_LATE else None)
    long = duration > 56 and employment == "employed"
    window_end = first + timedelta(days=34)

    def fast_track_day(share: float) -> date | None:
        if not long or rng.random() >= share or report_day > window_end:
            return None
        return min(window_end, max(report_day, first + timedelta(days=rng.randint(7, 34))))

    employer_answers = employment == "employed" and rng.random() < EMPLOYER_ANSWERS
    return Script(
        number=number, cpr=fictitious_cpr(number), report_day=report_day, first_absence_day=first,
        employment=employment, by_employer=by_employer, duration_days=duration,
        partial_hours=float(rng.randint(8, 25)) if rng.random() < PARTIAL else None,
        expected_duration=expected, questionnaire_day=questionnaire_day,
        wants_conversation=rng.random() < WANTS_CONVERSATION,
        standby=rng.random() < (STANDBY_LONG if duration > 91 else STANDBY_SHORT),
        citizen_fast_track_day=fast_track_day(FAST_TRACK_CITIZEN),
        employer_fast_track_day=fast_track_day(FAST_TRACK_EMPLOYER) if by_employer else None,
        consent=_pick(rng, CONSENT),
        employer_answer_day=report_day + timedelta(days=rng.randint(1, 21)) if employer_answers else None,
        absence_conversation_on=first + timedelta(days=rng.randint(7, 27)) if employer_answers else None,
        self_books=rng.random() < SELF_BOOKS,
        check_in_reliability=CHECK_IN_ON_TIME if rng.random() < 0.9 else 0.3,
    )
