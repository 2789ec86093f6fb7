"""The sweep skips a case until its next-check day: screening the same facts on any day before that
day must give what it gave on the day of the check (the reasons, their due dates, which are active).
Likewise the reminders skip a case until its next reminder day: what they read of it stays the same.
Hypothesis draws cases of every shape the timeline knows."""
from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.cases.next_steps import _citizen_steps
from portal.rules import (
    CaseFacts,
    CheckInAnswer,
    Code,
    Correction,
    Expectation,
    HeldConversation,
    find,
    remind_on,
    screen,
    timeline,
)
from portal.rules.next_check import LONGEST_WAIT, next_check, next_reminder

FIRST = date(2024, 1, 1)


def _day(start: date, spread: int = 250):
    return st.integers(0, spread).map(lambda n: start + timedelta(days=n))


@st.composite
def cases(draw) -> tuple[CaseFacts, date]:
    first = draw(_day(FIRST, 400))
    reported = first + timedelta(days=draw(st.integers(0, 20)))
    maybe = lambda: draw(st.none() | _day(reported, 200))  # noqa: E731
    expectations = tuple(sorted(
        (Expectation(draw(st.sampled_from(["citizen", "employer"])), given,
                     draw(st.none() | _day(given, 300)))
         for given in draw(st.lists(_day(reported, 150), max_size=3))), key=lambda e: e.given_on))
    held = tuple(HeldConversation(day, draw(st.sampled_from(["jobcenter", "self_service", "closed"])))
                 for day in sorted(draw(st.lists(_day(reported, 250), max_size=4))))
    check_ins = tuple(CheckInAnswer(day, day + timedelta(days=draw(st.integers(0, 10))))
                      for day in draw(st.lists(_day(reported, 200), max_size=3)))
    corrections = tuple(
        Correction(draw(st.sampled_from(["first_conversation", "reassessment", "follow_up",
                                         "questionnaire_follow_up"])),
                   draw(_day(first, 300)), kind, draw(_day(reported, 200)), "test", "cw",
                   draw(_day(first, 300)) if kind == "move" else None)
        for kind in draw(st.lists(st.sampled_from(["waive", "move"]), max_size=2)))
    sent = maybe()
    facts = CaseFacts(
        first_absence_day=first, reported_on=reported,
        employment=draw(st.sampled_from(["employed", "employed", "unemployed", "self_employed"])),
        expectations=expectations, questionnaire_sent_on=sent,
        questionnaire_submitted_on=draw(st.none() | _day(sent, 60)) if sent else None,
        employer_absence_conversation_on=maybe(), fast_track_requested_on=maybe(), fast_track_declined_on=maybe(),
        employer_fast_track_asked_on=maybe(), employer_fast_track_answered_on=maybe(),
        fast_track_decided_on=maybe(), conversation_requested_on=maybe(), standby_since=maybe(),
        conversations=held, plan_stalled_on=maybe(), check_ins=check_ins,
        earlier_sickness=tuple((s, s + timedelta(days=draw(st.integers(0, 60))))
                               for s in draw(st.lists(_day(first - timedelta(days=400), 300), max_size=2))),
        corrections=corrections, plan_made_on=maybe())
    return facts, draw(_day(reported, 300))


def outcome(facts: CaseFacts, on: date, lead: int | None) -> tuple:
    reasons = screen(facts, on, lead)
    return (tuple((r.code, r.due, r.start, r.legal_deadline) for r in reasons),
            tuple(r.code for r in reasons if r.start <= on))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(), st.none() | st.integers(0, 21))
def test_screening_is_the_same_every_day_until_the_next_check(case, lead):
    facts, on = case
    check = next_check(facts, on, lead)
    assert on < check <= on + LONGEST_WAIT
    today = outcome(facts, on, lead)
    day = on + timedelta(days=1)
    while day < check:
        assert outcome(facts, day, lead) == today, (day, check)
        day += timedelta(days=1)


def test_a_case_is_checked_again_the_day_its_first_conversation_opens():
    facts = CaseFacts(first_absence_day=date(2026, 11, 2), reported_on=date(2026, 11, 3),
                      questionnaire_sent_on=date(2026, 11, 3), questionnaire_submitted_on=date(2026, 11, 4))
    on = date(2026, 11, 16)
    check = next_check(facts, on)
    assert not [r for r in screen(facts, check - timedelta(days=1)) if r.start <= check - timedelta(days=1)]
    assert check - on < LONGEST_WAIT or not screen(facts, check)


def reminders_read(facts: CaseFacts, day: date) -> tuple:
    """What the reminders (notify.reminders.due_for) read of a case on a day: her steps, whether the
    questionnaire's reminder day has come, and which check-ins have opened."""
    obligations = timeline(facts, day)
    steps = _citizen_steps(obligations, facts.questionnaire_submitted_on is not None)
    asked = any(s.code == Code.QUESTIONNAIRE_DUE and not s.overdue for s in steps)
    return (tuple(steps), asked and day >= remind_on(find(obligations, Code.QUESTIONNAIRE_DUE)),
            tuple(s.opens is not None and s.opens <= day for s in steps))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_the_reminders_read_the_same_every_day_until_the_next_reminder_day(case):
    facts, on = case
    check = next_reminder(facts, on)
    assert on < check <= on + LONGEST_WAIT
    today = reminders_read(facts, on)
    day = on + timedelta(days=1)
    while day < check:
        assert reminders_read(facts, day) == today, (day, check)
        day += timedelta(days=1)
