"""The public deadline calculator: a few dates a citizen or an HR person knows -> the timeline of an
employed citizen's sick leave. Pure; the same `timeline` the portal's own cases use."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from .calendar import within_dates
from .regimes import REGIMES, regime_for
from .timeline import CaseFacts, Expectation, Obligation, timeline

EARLIEST = REGIMES[0].valid_from


class InputProblem(StrEnum):
    MISSING = "missing"
    OUTSIDE_DATES = "outside_dates"         # outside the dates the portal takes (calendar.FIRST_DATE ...)
    TOO_EARLY = "too_early"                 # before the rules the portal knows
    BEFORE_FIRST_DAY = "before_first_day"   # a request or a letter before the sickness began
    NOT_AFTER_FIRST_DAY = "not_after_first_day"


@dataclass(frozen=True)
class CalculatorInput:
    first_absence_day: date
    on: date
    fast_track_requested_on: date | None = None
    questionnaire_sent_on: date | None = None
    expected_return: date | None = None


def problems(entered: dict[str, date | None]) -> dict[str, InputProblem]:
    """What is wrong with the dates, field by field (the fields of CalculatorInput). When there is
    nothing, calculate() can compute every deadline: no date is past what a date can hold."""
    found: dict[str, InputProblem] = {name: InputProblem.OUTSIDE_DATES for name, value in entered.items()
                                      if value is not None and not within_dates(value)}
    if found:
        return found
    first = entered.get("first_absence_day")
    if first is None:
        return {"first_absence_day": InputProblem.MISSING}
    if first < EARLIEST:
        found["first_absence_day"] = InputProblem.TOO_EARLY
    for name in ("fast_track_requested_on", "questionnaire_sent_on"):
        value = entered.get(name)
        if value is not None and value < first:
            found[name] = InputProblem.BEFORE_FIRST_DAY
    expected = entered.get("expected_return")
    if expected is not None and expected <= first:
        found["expected_return"] = InputProblem.NOT_AFTER_FIRST_DAY
    return found


def calculate(given: CalculatorInput) -> tuple[str, list[Obligation]]:
    """The regime that governs the sick leave and its obligations on `given.on`, for an employed
    citizen who reported sick on the first absence day and gave the expected return then."""
    first = given.first_absence_day
    facts = CaseFacts(
        first_absence_day=first, reported_on=first,
        expectations=(Expectation("citizen", first, given.expected_return),) if given.expected_return else (),
        questionnaire_sent_on=given.questionnaire_sent_on,
        fast_track_requested_on=given.fast_track_requested_on,
    )
    return regime_for(first, first).code, timeline(facts, given.on)
