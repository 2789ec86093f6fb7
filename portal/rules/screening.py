"""Screening: the timeline's obligations that need the jobcenter, as handover reasons.

Nothing here computes a date: a reason is an obligation of the municipality that is not met, not
waived and not unnecessary. `start` is when it is time to hand over and `due` the deadline it
serves; `start` is never after `due` (a reason learnt after its deadline is due at once), and
`legal_deadline` keeps the date the law set, so the queue can show how late it is."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .timeline import CaseFacts, Obligation, ReasonCode, timeline

SERVICE_GOAL = "portalens servicemål"   # how regimes.py sources a deadline the portal sets itself


@dataclass(frozen=True)
class Reason:
    code: ReasonCode
    start: date
    due: date
    legal_deadline: date
    source: str
    regime: str
    explanation_da: str
    explanation_en: str
    obligation: str = ""

    @property
    def statutory(self) -> bool:
        """Whether the law sets this deadline; a source that names the portal's service goal
        (regimes.py) is the portal's own promise, not the law's."""
        return SERVICE_GOAL not in self.source


def screen(facts: CaseFacts, on: date, lead_time_days: int | None = None,
           obligations: list[Obligation] | None = None) -> list[Reason]:
    """The reasons of the case as known on `on`, soonest deadline first. A reason may start in the
    future: `needs_handover` tells whether one is due now. `obligations`: the timeline of the facts
    on `on` with `lead_time_days`, when the caller has it already."""
    if facts.closed_on is not None and facts.closed_on <= on:
        return []
    reasons = []
    for obligation in timeline(facts, on, lead_time_days) if obligations is None else obligations:
        if obligation.reason is None or not obligation.pending or obligation.date is None:
            continue
        start = obligation.opens or obligation.date
        reasons.append(Reason(
            code=obligation.reason, start=start, due=max(obligation.date, start),
            legal_deadline=obligation.legal_date, source=obligation.source, regime=obligation.regime,
            explanation_da=obligation.text_da, explanation_en=obligation.text_en, obligation=str(obligation.code)))
    return sorted(reasons, key=lambda r: (r.due, r.code))


def active_reasons(reasons: list[Reason], on: date) -> list[Reason]:
    return [r for r in reasons if r.start <= on]


def needs_handover(reasons: list[Reason], on: date) -> bool:
    return bool(active_reasons(reasons, on))


def handover_due(reasons: list[Reason]) -> date | None:
    return min((r.due for r in reasons), default=None)
