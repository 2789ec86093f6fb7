"""Self-service follow-up: when the next check-in is due, and whether the citizen may ask for
fast track. Pure: the date and the regime are arguments."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from .calendar import add_bank_days, end_of_week
from .regimes import Regime


def next_check_in(first_absence_day: date, last_answered_due: date | None, regime: Regime) -> date:
    """The due date of the next check-in: one interval after the first absence day, then one
    interval after the last check-in's due date (so answering late does not push the cadence)."""
    interval = timedelta(weeks=regime.check_in_interval_weeks.value)
    return (last_answered_due or first_absence_day) + interval


class FastTrackRefusal(StrEnum):
    NOT_OPEN = "not_open"
    NOT_EMPLOYED = "not_employed"
    ALREADY_REQUESTED = "already_requested"
    WINDOW_CLOSED = "window_closed"


@dataclass(frozen=True)
class FastTrackOffer:
    window_ends: date
    refusal: FastTrackRefusal | None

    @property
    def offered(self) -> bool:
        return self.refusal is None


def fast_track_offer(first_absence_day: date, today: date, regime: Regime, *, is_open: bool,
                     employed: bool, pending_request: bool) -> FastTrackOffer:
    """Fast track may be asked within the first weeks of absence (§§ 7 c, 7 e); whether recovery is
    expected within 8 weeks is asked on the request itself (`expected_too_soon`)."""
    window_ends = end_of_week(first_absence_day, regime.fast_track_request_window_weeks.value)
    refusal = None
    if not is_open:
        refusal = FastTrackRefusal.NOT_OPEN
    elif not employed:
        refusal = FastTrackRefusal.NOT_EMPLOYED
    elif pending_request:
        refusal = FastTrackRefusal.ALREADY_REQUESTED
    elif today > window_ends:
        refusal = FastTrackRefusal.WINDOW_CLOSED
    return FastTrackOffer(window_ends, refusal)


def expected_too_soon(expected_weeks: int, regime: Regime) -> bool:
    """Fast track is for a citizen not expected back in full within the regime's weeks."""
    return expected_weeks <= regime.fast_track_min_expected_weeks.value


def employee_answer_due(requested_on: date, regime: Regime) -> date:
    """The employee answers an employer's fast-track request within 2 bank days (bekendtgørelse
    nr. 1710 af 30.12.2024, §§ 3-5)."""
    return add_bank_days(requested_on, regime.fast_track_consent_bank_days.value)


def request_lapsed(answer_due: date, today: date) -> bool:
    """No answer in time: the municipality goes on with the fast track all the same."""
    return today > answer_due
