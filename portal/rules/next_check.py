"""When a case must be screened again: the first day on which `screen` could give another answer.

The timeline is a function of the facts and the day it is read on, and the day enters it only by
comparison with a date: a fact's own date (known from that day on), an obligation's opening day
(due from then), its deadline (overdue the day after), the day it is met, and the dates derived
from those (an overdue consent opens a decision the day after its deadline). So between today and
the nearest such date after today, every screening of the same facts gives the same reasons, due
dates and active set; a change of the facts is the other trigger, and resets the case to be checked
at once (portal/cases/next_check.py)."""
from __future__ import annotations

from datetime import date, timedelta

from .followup import remind_on
from .timeline import CaseFacts, Obligation, State, Who, timeline

# A safety net, not the mechanism: a case is screened at least this often even if no date is near,
# so a rule whose date this module did not foresee is seen within weeks, not never.
LONGEST_WAIT = timedelta(days=28)
ONE_DAY = timedelta(days=1)


def fact_dates(facts: CaseFacts) -> list[date]:
    """Every date in the facts: a fact counts from its own date on (the timeline reads facts as of a day)."""
    days = [facts.first_absence_day, facts.reported_on, facts.closed_on, facts.questionnaire_sent_on,
            facts.questionnaire_submitted_on, facts.employer_absence_conversation_on, facts.fast_track_requested_on,
            facts.fast_track_declined_on, facts.employer_fast_track_asked_on, facts.employer_fast_track_answered_on,
            facts.fast_track_decided_on, facts.conversation_requested_on, facts.standby_since,
            facts.plan_stalled_on, facts.plan_made_on]
    for expectation in facts.expectations:
        days += [expectation.given_on, expectation.expected_return]
    days += [c.held_on for c in facts.conversations]
    for answer in facts.check_ins:
        days += [answer.due_on, answer.answered_on]
    for correction in facts.corrections:
        days += [correction.for_date, correction.decided_on, correction.new_date]
    return [d for d in days if d is not None]


def next_check(facts: CaseFacts, on: date, lead_days: int | None = None,
               obligations: list[Obligation] | None = None) -> date:
    """The first day after `on` on which screening these facts could differ from screening them on
    `on`; never later than LONGEST_WAIT from `on`. `obligations`: the timeline of the facts on `on`
    with `lead_days`, when the caller has it already."""
    candidates = fact_dates(facts)
    for obligation in timeline(facts, on, lead_days) if obligations is None else obligations:
        for day in (obligation.opens, obligation.date, obligation.original_date, obligation.met_on):
            if day is not None:
                candidates += [day, day + ONE_DAY]
    latest = on + LONGEST_WAIT
    return min((d for d in candidates if on < d < latest), default=latest)


def next_reminder(facts: CaseFacts, on: date, obligations: list[Obligation] | None = None) -> date:
    """The first day after `on` on which the citizen's reminders (notify.reminders.due_for) could
    differ from those of `on`; never later than LONGEST_WAIT from `on`. They are read from the
    citizen's own obligations in the timeline (her steps: whether each is pending, overdue, open)
    and from a deadline's reminder day (`remind_on`). Each of her obligations is made from the facts
    as known on the day, and its state is decided by its own dates (opens, date, met_on) and the
    facts' dates (a standby, a correction, the case closed), so it can change only on one of those
    dates or the day after; one met stays met (met_on is a fact, and `_state` reads it first).
    `obligations`: the timeline of the facts on `on`, when the caller has it already."""
    candidates = fact_dates(facts)
    for obligation in timeline(facts, on) if obligations is None else obligations:
        if obligation.who != Who.CITIZEN or obligation.state == State.MET:  # not hers, or met for good
            continue
        for day in (obligation.opens, obligation.date, obligation.original_date, obligation.met_on):
            if day is not None:
                candidates += [day, day + ONE_DAY]
        if obligation.date is not None:
            candidates.append(remind_on(obligation))
    latest = on + LONGEST_WAIT
    return min((d for d in candidates if on < d < latest), default=latest)
