"""Self-service follow-up: which check-in is due, and whether the citizen may ask for fast track.
Pure, and every date comes from the timeline."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from .regimes import REGIMES, Regime
from .timeline import CaseFacts, Code, Obligation, find, timeline


def check_in_due(obligations: list[Obligation]) -> date | None:
    """The day the current check-in opens: the regular one, or sooner when an expected return has
    passed unanswered. None: no check-in (on standby, closed, or not in self-service)."""
    candidates = [o.opens for o in obligations
                  if o.code in (Code.CHECK_IN, Code.RETURN_CHECK_IN) and o.pending and o.opens is not None]
    return min(candidates, default=None)


def remind_on(obligation: Obligation) -> date:
    """The day the citizen is reminded of a deadline of hers (the regime's days ahead)."""
    regime = next(r for r in REGIMES if r.code == obligation.regime)
    return obligation.date - timedelta(days=regime.questionnaire_reminder_days.value)


class FastTrackRefusal(StrEnum):
    NOT_OPEN = "not_open"
    NOT_EMPLOYED = "not_employed"
    ALREADY_REQUESTED = "already_requested"
    WINDOW_CLOSED = "window_closed"
    ON_STANDBY = "on_standby"


@dataclass(frozen=True)
class FastTrackOffer:
    window_ends: date
    refusal: FastTrackRefusal | None

    @property
    def offered(self) -> bool:
        return self.refusal is None


def fast_track_offer(facts: CaseFacts, on: date, *, pending_request: bool, by_citizen: bool = True) -> FastTrackOffer:
    """Fast track may be asked within the first weeks of absence (§§ 7 c, 7 e); whether recovery is
    expected within 8 weeks is asked on the request itself (`expected_too_soon`). A citizen on standby
    is not contacted, so she cannot ask for it; the employer is not told about standby (health
    information), so its request goes to the citizen as always."""
    window = find(timeline(facts, on), Code.FAST_TRACK_WINDOW_END)
    refusal = None
    if facts.closed_on is not None and facts.closed_on <= on:
        refusal = FastTrackRefusal.NOT_OPEN
    elif facts.employment != "employed":
        refusal = FastTrackRefusal.NOT_EMPLOYED
    elif pending_request:
        refusal = FastTrackRefusal.ALREADY_REQUESTED
    elif on > window.date:
        refusal = FastTrackRefusal.WINDOW_CLOSED
    elif by_citizen and facts.standby_since is not None and facts.standby_since <= on:
        refusal = FastTrackRefusal.ON_STANDBY
    return FastTrackOffer(window.date, refusal)


def expected_too_soon(expected_weeks: int, regime: Regime) -> bool:
    """Fast track is for a citizen not expected back in full within the regime's weeks."""
    return expected_weeks <= regime.fast_track_min_expected_weeks.value



