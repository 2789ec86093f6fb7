"""Screening as tables of real cases, and as properties that hold for any case and any date."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.rules import CaseFacts, Expectation, HeldConversation, ReasonCode, handover_due, needs_handover, screen

R = ReasonCode
MON = date(2026, 1, 5)  # under the 2025 rules until 1 July 2026


def held(day, outcome="self_service"):
    return (HeldConversation(day, outcome),)


def expects(given_on, duration=None, back=None, party="citizen"):
    if duration:
        return (Expectation.from_duration(party, given_on, duration),)
    return (Expectation(party, given_on, back),)


def case(**changes) -> CaseFacts:
    base = CaseFacts(first_absence_day=MON, reported_on=MON, questionnaire_sent_on=MON,
                     questionnaire_submitted_on=MON + timedelta(days=3))
    return replace(base, **changes)


def codes(facts, on, lead=None):
    return {r.code for r in screen(facts, on, lead) if r.start <= on}


def reason(facts, on, code):
    return next(r for r in screen(facts, on) if r.code == code)


@pytest.mark.parametrize("facts, on, expected_in, expected_out, source", [
    # the week-8 deadline and its lead time (2025 rules: first conversation for every open case)
    (case(), MON + timedelta(days=40), set(), {R.FIRST_CONVERSATION_DUE},
     "§ 13 b: day 41 is before the 14-day lead time"),
    (case(), MON + timedelta(days=41), {R.FIRST_CONVERSATION_DUE}, set(),
     "§ 13 b: day 42 = 14 days before day 56: hand over"),
    (case(), MON + timedelta(days=54), {R.FIRST_CONVERSATION_DUE}, set(), "§ 13 b: day 55"),
    (case(), MON + timedelta(days=55), {R.FIRST_CONVERSATION_DUE}, set(), "§ 13 b: day 56, the deadline"),
    (case(), MON + timedelta(days=56), {R.FIRST_CONVERSATION_DUE}, set(), "§ 13 b: day 57, overdue"),
    (case(conversations=held(MON + timedelta(days=50))), MON + timedelta(days=55), set(),
     {R.FIRST_CONVERSATION_DUE}, "§ 13 b: a held conversation stops the clock"),
    (case(closed_on=MON + timedelta(days=20)), MON + timedelta(days=55), set(), set(R), "a closed case needs nothing"),
    # fast track
    (case(fast_track_requested_on=MON), MON, {R.FAST_TRACK}, set(), "§ 7 e: fast track on day 1"),
    (case(fast_track_requested_on=MON + timedelta(days=30)), MON + timedelta(days=30), {R.FAST_TRACK},
     set(), "§ 7 c: fast track in week 5"),
    (case(fast_track_requested_on=MON, fast_track_declined_on=MON + timedelta(days=1)),
     MON + timedelta(days=2), set(), {R.FAST_TRACK}, "bek. 1710/2024: a decline leaves the week-8 rule"),
    # who the portal is for
    (case(employment="unemployed"), MON, {R.NOT_EMPLOYED}, set(), "RULES.md: unemployed go at once"),
    (case(employment="self_employed"), MON, {R.NOT_EMPLOYED}, set(), "RULES.md: self-employed go at once"),
    (case(), MON, set(), {R.NOT_EMPLOYED}, "employed stay in self-service"),
    # expected absence
    (case(expectations=expects(MON + timedelta(days=3), "8_13_weeks")),
     MON + timedelta(days=3), {R.LONG_EXPECTED_ABSENCE}, set(), "§ 13 b: expected over 8 weeks (2025)"),
    (case(expectations=expects(MON, "4_8_weeks")),
     MON + timedelta(days=3), set(), {R.LONG_EXPECTED_ABSENCE}, "§ 13 b: 8 weeks or less stays"),
    (case(expectations=expects(MON, back=MON + timedelta(weeks=12))), MON, {R.LONG_EXPECTED_ABSENCE}, set(),
     "§ 13 b: an expected return after 12 weeks"),
    (case(expectations=expects(MON, back=MON + timedelta(weeks=12), party="employer")), MON,
     {R.LONG_EXPECTED_ABSENCE}, set(), "the employer's expectation counts too (RULES.md: the safe one)"),
    (case(expectations=(*expects(MON, back=MON + timedelta(weeks=12)),
                        *expects(MON + timedelta(days=10), back=MON + timedelta(weeks=3)))),
     MON + timedelta(days=10), set(), {R.LONG_EXPECTED_ABSENCE}, "a lowered expectation: the newest word counts"),
    # the citizen's own wishes
    (case(conversation_requested_on=MON + timedelta(days=5)), MON + timedelta(days=5),
     {R.CONVERSATION_REQUESTED}, set(), "the citizen asked for a conversation"),
    # the questionnaire
    (case(questionnaire_submitted_on=None), MON + timedelta(days=8), set(), {R.QUESTIONNAIRE_OVERDUE},
     "§ 11 stk. 3: day 8 after sending is still in time"),
    (case(questionnaire_submitted_on=None), MON + timedelta(days=9), {R.QUESTIONNAIRE_OVERDUE}, set(),
     "§ 11 stk. 3: the 9th day is overdue"),
    # standby
    (case(standby_since=MON + timedelta(days=5), questionnaire_submitted_on=None), MON + timedelta(days=50),
     {R.STANDBY}, {R.FIRST_CONVERSATION_DUE, R.QUESTIONNAIRE_OVERDUE},
     "§ 13 b stk. 5: standby, follow-up without contact"),
    (case(standby_since=MON + timedelta(days=5), conversation_requested_on=MON + timedelta(days=20)),
     MON + timedelta(days=20), {R.STANDBY, R.CONVERSATION_REQUESTED}, set(),
     "a conversation asked for on standby reaches the caseworker"),
    (case(standby_since=MON + timedelta(days=20), questionnaire_submitted_on=None), MON + timedelta(days=50),
     {R.STANDBY, R.QUESTIONNAIRE_OVERDUE}, set(),
     "standby chosen after the municipality's follow-up was overdue does not wipe it out"),
    (case(standby_since=MON + timedelta(days=45)), MON + timedelta(days=45), {R.STANDBY},
     {R.FIRST_CONVERSATION_DUE}, "§ 13 b stk. 5: standby chosen after the handover"),
    # revurdering
    (case(), MON + timedelta(weeks=20), {R.REASSESSMENT_DUE}, set(), "§ 24: 2 weeks before week 22"),
    (case(), MON + timedelta(weeks=19), set(), {R.REASSESSMENT_DUE}, "§ 24: not yet"),
    # late report: learnt after the deadline, due at once
    (case(reported_on=MON + timedelta(days=60), questionnaire_sent_on=MON + timedelta(days=60)),
     MON + timedelta(days=60), {R.FIRST_CONVERSATION_DUE}, set(), "§ 13 b: a report after day 56"),
])
def test_screening_table(facts, on, expected_in, expected_out, source):
    found = codes(facts, on)
    assert expected_in <= found, f"{source}: missing {expected_in - found}"
    assert not (expected_out & found), f"{source}: should not have {expected_out & found}"


@pytest.mark.parametrize("facts, on, code, due, source", [
    (case(fast_track_requested_on=MON), MON, R.FAST_TRACK, MON + timedelta(days=14), "§ 13 b stk. 2"),
    (case(fast_track_requested_on=MON + timedelta(days=30)), MON + timedelta(days=30), R.FAST_TRACK,
     MON + timedelta(days=44), "§ 13 b stk. 2, week 5"),
    (case(), MON + timedelta(days=45), R.FIRST_CONVERSATION_DUE, date(2026, 3, 1), "§ 13 b: day 56"),
    (case(questionnaire_submitted_on=None), MON + timedelta(days=10), R.QUESTIONNAIRE_OVERDUE,
     MON + timedelta(days=16), "§ 21: follow up within 7 days"),
])
def test_due_dates(facts, on, code, due, source):
    assert reason(facts, on, code).due == due, source


def test_a_late_report_keeps_the_legal_deadline_beside_the_due_date():
    late = case(reported_on=MON + timedelta(days=60), questionnaire_sent_on=MON + timedelta(days=60))
    found = reason(late, MON + timedelta(days=60), R.FIRST_CONVERSATION_DUE)
    assert found.legal_deadline == date(2026, 3, 1)
    assert found.start == found.due == MON + timedelta(days=60)


@pytest.mark.parametrize("first, expected_week, source", [
    (date(2026, 6, 30), 8, "sickness from before 1 July 2026 keeps the 2025 rules: by week 8"),
    (date(2026, 7, 1), 8, "lov nr. 1750/2025, the safe reading: a case not exempt keeps week 8"),
])
def test_the_case_s_first_absence_day_decides_its_rules(first, expected_week, source):
    facts = case(first_absence_day=first, reported_on=first, questionnaire_sent_on=first)
    for on in (first + timedelta(days=1), date(2026, 7, 1), first + timedelta(days=60)):
        found = reason(facts, max(on, first + timedelta(days=7 * expected_week - 15)), R.FIRST_CONVERSATION_DUE)
        assert found.due == first + timedelta(days=7 * expected_week - 1), source


def test_a_conversation_overdue_on_30_june_2026_is_still_overdue_on_1_july():
    """The issue's case: overdue under the 2025 rules, and the 2026 rules must not make it vanish."""
    first = date(2026, 4, 20)  # week 8 ends 14 June 2026
    facts = case(first_absence_day=first, reported_on=first, questionnaire_sent_on=first,
                 expectations=expects(first, "2_4_weeks"))
    for on in (date(2026, 6, 30), date(2026, 7, 1), date(2026, 9, 1)):
        found = reason(facts, on, R.FIRST_CONVERSATION_DUE)
        assert found.legal_deadline == date(2026, 6, 14) and found.regime == "2025", on


def test_2026_rules_leave_short_expected_absence_in_self_service():
    first = date(2026, 9, 1)
    short = case(first_absence_day=first, reported_on=first, questionnaire_sent_on=first,
                 expectations=expects(first, "8_13_weeks"))
    assert R.LONG_EXPECTED_ABSENCE not in {r.code for r in screen(short, first + timedelta(days=5))}
    assert R.FIRST_CONVERSATION_DUE not in {r.code for r in screen(short, first + timedelta(days=5))}


def test_needs_handover_and_earliest_due():
    facts = case(fast_track_requested_on=MON + timedelta(days=3))
    reasons = screen(facts, MON + timedelta(days=3))
    assert needs_handover(reasons, MON + timedelta(days=3))
    assert handover_due(reasons) == MON + timedelta(days=17)
    assert not needs_handover(screen(case(), MON + timedelta(days=3)), MON + timedelta(days=3))


# ---- properties -------------------------------------------------------------------------------

days = st.dates(min_value=date(2019, 1, 1), max_value=date(2028, 12, 31))
maybe_offset = st.one_of(st.none(), st.integers(min_value=0, max_value=300))


@st.composite
def facts_and_date(draw):
    first = draw(days)
    at = lambda offset: None if offset is None else first + timedelta(days=offset)  # noqa: E731
    reported = first + timedelta(days=draw(st.integers(0, 90)))
    expectations = tuple(
        Expectation(draw(st.sampled_from(["citizen", "employer"])), reported + timedelta(days=given),
                    at(draw(maybe_offset)))
        for given in draw(st.lists(st.integers(0, 200), max_size=3)))
    held_on = at(draw(maybe_offset))
    facts = CaseFacts(
        first_absence_day=first, reported_on=reported,
        employment=draw(st.sampled_from(["employed", "unemployed", "self_employed"])),
        closed_on=at(draw(st.one_of(st.none(), st.integers(90, 400)))),
        expectations=expectations,
        questionnaire_sent_on=reported,
        questionnaire_submitted_on=at(draw(maybe_offset)),
        fast_track_requested_on=at(draw(maybe_offset)),
        fast_track_declined_on=at(draw(maybe_offset)),
        conversation_requested_on=at(draw(maybe_offset)),
        standby_since=at(draw(maybe_offset)),
        conversations=held(held_on, draw(st.sampled_from(["self_service", "jobcenter"]))) if held_on else (),
    )
    return facts, first + timedelta(days=draw(st.integers(0, 400)))


@settings(max_examples=400, deadline=None)
@given(facts_and_date(), st.integers(min_value=0, max_value=30))
def test_every_due_date_is_on_or_after_its_start(case_and_day, lead):
    facts, on = case_and_day
    for found in screen(facts, on, lead):
        assert found.due >= found.start, found


@settings(max_examples=400, deadline=None)
@given(facts_and_date(), st.integers(min_value=1, max_value=30))
def test_handed_over_at_least_the_lead_time_before_the_deadline_when_known_that_early(case_and_day, lead):
    facts, on = case_and_day
    for found in screen(facts, on, lead):
        if found.code in (R.FIRST_CONVERSATION_DUE, R.REASSESSMENT_DUE) and \
                facts.reported_on <= found.legal_deadline - timedelta(days=lead):
            assert found.start <= found.due - timedelta(days=lead), found
