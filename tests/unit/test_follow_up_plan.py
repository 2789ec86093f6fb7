"""Sygedagpengeloven § 16 as a table of cases: when the jobcenter keeps a case after a conversation,
a follow-up plan is due at the latest right after the second follow-up conversation."""
from __future__ import annotations

from datetime import date

import pytest

from portal.rules import Code, State, find, timeline
from portal.rules.timeline import CaseFacts, HeldConversation

FIRST_DAY = date(2026, 9, 7)


def facts(*held: tuple[date, str], plan_made_on: date | None = None) -> CaseFacts:
    return CaseFacts(first_absence_day=FIRST_DAY, reported_on=FIRST_DAY,
                     conversations=tuple(HeldConversation(day, outcome) for day, outcome in held),
                     plan_made_on=plan_made_on)


@pytest.mark.parametrize("case, on, expected", [
    # no conversation yet: no plan obligation
    (facts(), date(2026, 10, 1), None),
    # the first conversation sent the case back to self-service: no plan
    (facts((date(2026, 10, 20), "self_service")), date(2026, 11, 1), None),
    # the jobcenter keeps the case: a plan is due with the second conversation's deadline (6 weeks
    # after the first), before that conversation is held
    (facts((date(2026, 10, 20), "jobcenter")), date(2026, 11, 1), (date(2026, 12, 1), State.DUE)),
    (facts((date(2026, 10, 20), "jobcenter")), date(2026, 12, 2), (date(2026, 12, 1), State.OVERDUE)),
    (facts((date(2026, 10, 20), "jobcenter"), (date(2026, 11, 17), "jobcenter")), date(2026, 11, 17),
     (date(2026, 11, 17), State.DUE)),
    (facts((date(2026, 10, 20), "jobcenter"), (date(2026, 11, 17), "jobcenter")), date(2026, 11, 18),
     (date(2026, 11, 17), State.OVERDUE)),
    # made at the first conversation: met
    (facts((date(2026, 10, 20), "jobcenter"), (date(2026, 11, 17), "jobcenter"), plan_made_on=date(2026, 10, 20)),
     date(2026, 11, 18), (date(2026, 11, 17), State.MET)),
    # a plan made later than it was known is not met on a day before it was made
    (facts((date(2026, 10, 20), "jobcenter"), plan_made_on=date(2026, 11, 20)), date(2026, 11, 1),
     (date(2026, 12, 1), State.DUE)),
])
def test_the_follow_up_plan_obligation(case, on, expected):
    plan = find(timeline(case, on), Code.FOLLOW_UP_PLAN)
    if expected is None:
        assert plan is None
    else:
        assert (plan.date, plan.state) == expected
        assert plan.source == "sygedagpengeloven § 16"
