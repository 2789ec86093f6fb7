"""The timeline as tables of real cases (every obligation under each regime, across year ends, leap
days, Easter and the regime switch), the invariant that an overdue obligation never disappears
unseen (hypothesis), and a guard that no code outside the rules computes a deadline."""
from __future__ import annotations

import ast
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.rules import (
    CaseFacts,
    CheckInAnswer,
    Code,
    Correction,
    Expectation,
    HeldConversation,
    ReasonCode,
    State,
    Who,
    find,
    questionnaire_due,
    regime_for,
    timeline,
)
from portal.rules.timeline import reassessment_day

C, S = Code, State


def facts(first: date, **changes) -> CaseFacts:
    return CaseFacts(first_absence_day=first, reported_on=first, **changes)


def obligation(case: CaseFacts, on: date, code: Code, due: date | None = None):
    """The obligation of that kind (of those that repeat, the one due on `due`, else the newest)."""
    obligations = timeline(case, on)
    found = next((o for o in obligations if o.code == code and due and o.date == due), None) or find(obligations, code)
    assert found is not None, f"no {code} on {on}"
    return found


# ---- every obligation, as tables of real dates ---------------------------------------------------

@pytest.mark.parametrize("case, on, code, due, state, who, regime, source", [
    # § 30: the employer pays the first 30 calendar days
    (facts(date(2026, 12, 10)), date(2026, 12, 10), C.EMPLOYER_PERIOD_END, date(2027, 1, 8), S.UPCOMING,
     Who.EMPLOYER, "2026", "§ 30 across a year end"),
    (facts(date(2026, 12, 10)), date(2027, 1, 8), C.EMPLOYER_PERIOD_END, date(2027, 1, 8), S.DUE, Who.EMPLOYER,
     "2026", "§ 30: its last day"),
    (facts(date(2024, 2, 15)), date(2024, 3, 16), C.EMPLOYER_PERIOD_END, date(2024, 3, 15), S.MET, Who.EMPLOYER,
     "2019", "§ 30 across a leap day, and elapsed"),
    (facts(date(2026, 3, 2), employment="unemployed"), date(2026, 3, 2), C.EMPLOYER_PERIOD_END, date(2026, 3, 31),
     S.NOT_REQUIRED, Who.EMPLOYER, "2025", "no employer period for an unemployed citizen"),
    # § 7 a: the employer's absence conversation within 4 weeks (RULES.md: 2 March -> 29 March, the safe reading)
    (facts(date(2026, 3, 2)), date(2026, 3, 20), C.EMPLOYER_ABSENCE_CONVERSATION, date(2026, 3, 29), S.DUE,
     Who.EMPLOYER, "2025", "§ 7 a"),
    (facts(date(2026, 3, 2), employer_absence_conversation_on=date(2026, 3, 16)), date(2026, 4, 1),
     C.EMPLOYER_ABSENCE_CONVERSATION, date(2026, 3, 29), S.MET, Who.EMPLOYER, "2025", "§ 7 a: held"),
    (facts(date(2026, 3, 2)), date(2026, 3, 30), C.EMPLOYER_ABSENCE_CONVERSATION, date(2026, 3, 29), S.OVERDUE,
     Who.EMPLOYER, "2025", "§ 7 a: not known to be held"),
    # §§ 7 c, 7 e: fast track may be asked within the first 5 weeks
    (facts(date(2026, 12, 1)), date(2026, 12, 1), C.FAST_TRACK_WINDOW_END, date(2027, 1, 4), S.DUE,
     Who.EMPLOYER_OR_CITIZEN, "2026", "§§ 7 c/7 e across a year end"),
    (facts(date(2026, 12, 1)), date(2027, 1, 5), C.FAST_TRACK_WINDOW_END, date(2027, 1, 4), S.NOT_REQUIRED,
     Who.EMPLOYER_OR_CITIZEN, "2026", "the window closed unused: an option, not a failure"),
    (facts(date(2026, 12, 1), fast_track_requested_on=date(2026, 12, 22)), date(2027, 1, 5),
     C.FAST_TRACK_WINDOW_END, date(2027, 1, 4), S.MET, Who.EMPLOYER_OR_CITIZEN, "2026", "asked in time"),
    # § 13 b stk. 2: the fast-track conversation within 2 weeks of the request
    (facts(date(2026, 12, 1), fast_track_requested_on=date(2026, 12, 22)), date(2026, 12, 22),
     C.FAST_TRACK_CONVERSATION, date(2027, 1, 5), S.DUE, Who.MUNICIPALITY, "2026", "§ 13 b stk. 2 over New Year"),
    (facts(date(2026, 12, 1), fast_track_requested_on=date(2026, 12, 22),
           conversations=(HeldConversation(date(2027, 1, 4), "jobcenter"),)), date(2027, 1, 6),
     C.FAST_TRACK_CONVERSATION, date(2027, 1, 5), S.MET, Who.MUNICIPALITY, "2026", "held in time"),
    (facts(date(2026, 12, 1), fast_track_requested_on=date(2026, 12, 22), fast_track_declined_on=date(2026, 12, 23)),
     date(2027, 1, 6), C.FAST_TRACK_CONVERSATION, date(2027, 1, 5), S.NOT_REQUIRED, Who.MUNICIPALITY, "2026",
     "declined: the ordinary rule applies"),
    # bek. 1710/2024: the employee answers an employer's request within 2 bank days
    (facts(date(2026, 3, 23), employer_fast_track_asked_on=date(2026, 4, 1)), date(2026, 4, 1),
     C.FAST_TRACK_CONSENT, date(2026, 4, 8), S.DUE, Who.CITIZEN, "2025", "2 bank days across Easter 2026"),
    (facts(date(2026, 5, 4), employer_fast_track_asked_on=date(2026, 5, 13)), date(2026, 5, 13),
     C.FAST_TRACK_CONSENT, date(2026, 5, 19), S.DUE, Who.CITIZEN, "2025",
     "2 bank days across Ascension and the Friday after (Nationalbank: 15 May 2026 closed)"),
    (facts(date(2026, 5, 4), employer_fast_track_asked_on=date(2026, 5, 13)), date(2026, 5, 20),
     C.FAST_TRACK_DECISION, date(2026, 5, 21), S.DUE, Who.MUNICIPALITY, "2025",
     "§ 4 stk. 2: unanswered, the municipality decides"),
    # § 11 stk. 3: the questionnaire within 8 days of being sent, and § 21: the follow-up when it is not
    (facts(date(2026, 12, 20), questionnaire_sent_on=date(2026, 12, 28)), date(2026, 12, 28),
     C.QUESTIONNAIRE_DUE, date(2027, 1, 5), S.DUE, Who.CITIZEN, "2026", "§ 11 stk. 3 across a year end"),
    (facts(date(2028, 2, 20), questionnaire_sent_on=date(2028, 2, 25)), date(2028, 3, 5),
     C.QUESTIONNAIRE_DUE, date(2028, 3, 4), S.OVERDUE, Who.CITIZEN, "2026", "§ 11 stk. 3 across 29 February 2028"),
    (facts(date(2028, 2, 20), questionnaire_sent_on=date(2028, 2, 25)), date(2028, 3, 5),
     C.QUESTIONNAIRE_FOLLOW_UP, date(2028, 3, 12), S.DUE, Who.MUNICIPALITY, "2026", "§ 21: contact the citizen"),
    # § 13 b: the first conversation, by the rules of the case's first absence day
    (facts(date(2024, 12, 2)), date(2025, 1, 20), C.FIRST_CONVERSATION, date(2025, 1, 26), S.DUE, Who.MUNICIPALITY,
     "2019", "a 2024 case keeps the 2019 rules in 2025, week 8 across a year end"),
    (facts(date(2024, 2, 29)), date(2024, 2, 29), C.FIRST_CONVERSATION, date(2024, 4, 24), S.UPCOMING,
     Who.MUNICIPALITY, "2019", "week 8 from a leap day"),
    (facts(date(2026, 1, 5)), date(2026, 2, 15), C.FIRST_CONVERSATION, date(2026, 3, 1), S.DUE, Who.MUNICIPALITY,
     "2025", "week 8 under the 2025 rules; due 14 days ahead"),
    (facts(date(2026, 6, 30)), date(2026, 8, 26), C.FIRST_CONVERSATION, date(2026, 8, 24), S.OVERDUE,
     Who.MUNICIPALITY, "2025", "sick from 30 June 2026: the 2025 rules, even after 1 July"),
    (facts(date(2026, 7, 1)), date(2026, 8, 26), C.FIRST_CONVERSATION, date(2026, 8, 25), S.OVERDUE,
     Who.MUNICIPALITY, "2026", "lov nr. 1750/2025, the safe reading: not exempt, so by the end of week 8"),
    (facts(date(2026, 7, 1), expectations=(Expectation.from_duration("citizen", date(2026, 7, 3), "8_13_weeks"),)),
     date(2026, 8, 26), C.FIRST_CONVERSATION, date(2026, 8, 25), S.NOT_REQUIRED, Who.MUNICIPALITY, "2026",
     "lov nr. 1750/2025: expected back within 26 weeks, exempt"),
    (facts(date(2026, 7, 1), expectations=(Expectation.from_duration("citizen", date(2026, 7, 3), "8_13_weeks"),
                                           Expectation("employer", date(2026, 7, 10), None))),
     date(2026, 8, 26), C.FIRST_CONVERSATION, date(2026, 8, 25), S.OVERDUE, Who.MUNICIPALITY, "2026",
     "the employer does not know: no exemption (both expectations count)"),
    (facts(date(2026, 7, 1), standby_since=date(2026, 7, 20)), date(2026, 8, 26), C.FIRST_CONVERSATION,
     date(2026, 8, 25), S.NOT_REQUIRED, Who.MUNICIPALITY, "2026", "standby: follow-up without contact"),
    (facts(date(2026, 7, 1), standby_since=date(2026, 7, 20),
           conversations=(HeldConversation(date(2026, 9, 10), "jobcenter"),)), date(2026, 9, 20),
     C.FIRST_CONVERSATION, date(2026, 8, 25), S.NOT_REQUIRED, Who.MUNICIPALITY, "2026",
     "exempt at its deadline: a conversation held later does not make it 'held late'"),
    (facts(date(2026, 7, 1), expectations=(Expectation.from_duration("citizen", date(2026, 7, 3), "8_13_weeks"),),
           conversations=(HeldConversation(date(2026, 8, 20), "jobcenter"),)), date(2026, 9, 20),
     C.FIRST_CONVERSATION, date(2026, 8, 25), S.MET, Who.MUNICIPALITY, "2026",
     "exempt, but held before its deadline anyway: met"),
    # § 24: reassessment before 22 weeks of benefit within 9 months
    (facts(date(2026, 1, 5)), date(2026, 5, 24), C.REASSESSMENT, date(2026, 6, 7), S.DUE, Who.MUNICIPALITY, "2025",
     "§ 24: end of week 22, due 14 days ahead"),
    (facts(date(2026, 1, 5), earlier_sickness=((date(2025, 11, 1), date(2025, 11, 30)),)), date(2026, 4, 1),
     C.REASSESSMENT, date(2026, 5, 8), S.UPCOMING, Who.MUNICIPALITY, "2025",
     "§ 24: 30 days of earlier sickness within 9 months bring it 30 days forward"),
    (facts(date(2026, 1, 5), earlier_sickness=((date(2025, 1, 1), date(2025, 1, 31)),)), date(2026, 4, 1),
     C.REASSESSMENT, date(2026, 6, 7), S.UPCOMING, Who.MUNICIPALITY, "2025",
     "§ 24: sickness more than 9 months before does not count"),
    # a passed expected return asks the citizen, and goes to the jobcenter when unanswered
    (facts(date(2026, 11, 2), expectations=(Expectation("citizen", date(2026, 11, 2), date(2026, 11, 20)),)),
     date(2026, 11, 28), C.RETURN_CHECK_IN, date(2026, 11, 27), S.OVERDUE, Who.CITIZEN, "2026",
     "the expected return passed 20 November, no word since"),
    (facts(date(2026, 11, 2), expectations=(Expectation("citizen", date(2026, 11, 2), date(2026, 11, 20)),)),
     date(2026, 11, 28), C.RETURN_FOLLOW_UP, date(2026, 12, 5), S.DUE, Who.MUNICIPALITY, "2026",
     "unanswered: the jobcenter contacts the citizen"),
    (facts(date(2026, 11, 2), expectations=(Expectation("citizen", date(2026, 11, 2), date(2026, 11, 20)),
                                            Expectation("citizen", date(2026, 11, 23), date(2026, 12, 7)))),
     date(2026, 11, 28), C.RETURN_CHECK_IN, date(2026, 12, 14), S.UPCOMING, Who.CITIZEN, "2026",
     "a new word moves the next check to the new return"),
    # § 13 f (from 2025): expected back within 13 weeks of the first conversation -> recovery only
    (facts(date(2025, 3, 3), conversations=(HeldConversation(date(2025, 4, 14), "jobcenter"),),
           expectations=(Expectation("citizen", date(2025, 4, 14), date(2025, 6, 1)),)),
     date(2025, 4, 20), C.FOLLOW_UP, date(2025, 5, 26), S.NOT_REQUIRED, Who.MUNICIPALITY, "2025", "§ 13 f"),
    (facts(date(2025, 3, 3), conversations=(HeldConversation(date(2025, 4, 14), "jobcenter"),),
           expectations=(Expectation("citizen", date(2025, 4, 14), date(2025, 9, 1)),)),
     date(2025, 5, 20), C.FOLLOW_UP, date(2025, 5, 26), S.DUE, Who.MUNICIPALITY, "2025",
     "§ 13 b: at least 4 times in the first half-year (every 6 weeks)"),
    (facts(date(2024, 3, 4), conversations=(HeldConversation(date(2024, 4, 15), "jobcenter"),),
           expectations=(Expectation("citizen", date(2024, 4, 15), date(2024, 6, 1)),)),
     date(2024, 5, 1), C.FOLLOW_UP, date(2024, 5, 13), S.DUE, Who.MUNICIPALITY, "2019",
     "2019 rules: every 4 weeks, and no § 13 f yet"),
])
def test_the_obligations(case, on, code, due, state, who, regime, source):
    found = obligation(case, on, code, due)
    assert (found.date, found.state, found.who, found.regime) == (due, state, who, regime), source
    assert found.source and found.text_da and found.text_en, "every obligation names its rule in both languages"
    if state == S.NOT_REQUIRED:
        assert found.why_da and found.why_en, "a 'not required' says why"


def test_the_regime_follows_the_case_not_the_day_of_the_check():
    """Deadlines of running cases must not jump from week 8 to week 26 on 1 July 2026."""
    case = facts(date(2026, 6, 1))
    for on in (date(2026, 6, 30), date(2026, 7, 1), date(2026, 7, 28)):
        found = obligation(case, on, C.FIRST_CONVERSATION)
        assert found.date == date(2026, 7, 26) and found.regime == "2025", on
    assert regime_for(date(2026, 6, 30), date(2026, 7, 2)).code == "2025"
    assert regime_for(date(2026, 7, 1), date(2026, 7, 1)).code == "2026"


def test_the_newest_word_of_each_party_counts():
    first = date(2025, 9, 1)
    long_then_short = (Expectation("citizen", first, first + timedelta(weeks=20)),
                       Expectation("citizen", first + timedelta(days=14), first + timedelta(weeks=4)))
    found = obligation(facts(first, expectations=long_then_short), first + timedelta(days=14), C.FIRST_CONVERSATION)
    assert found.reason == ReasonCode.FIRST_CONVERSATION_DUE, "a lowered expectation is no longer a long absence"
    with_employer = (*long_then_short, Expectation("employer", first + timedelta(days=15), first + timedelta(weeks=12)))
    found = obligation(facts(first, expectations=with_employer), first + timedelta(days=15), C.FIRST_CONVERSATION)
    assert found.reason == ReasonCode.LONG_EXPECTED_ABSENCE, "the employer's later return counts (the safe one)"


def test_a_late_word_does_not_undo_a_missed_2026_conversation():
    first = date(2026, 7, 6)
    deadline = date(2026, 8, 30)
    late_short = (Expectation("citizen", deadline + timedelta(days=3), deadline + timedelta(days=10)),)
    found = obligation(facts(first, expectations=late_short), deadline + timedelta(days=5), C.FIRST_CONVERSATION)
    assert found.state == S.OVERDUE


def test_a_caseworker_can_waive_or_move_with_a_reason():
    first = date(2026, 1, 5)
    waived = facts(first, corrections=(Correction("first_conversation", date(2026, 3, 1), "waive",
                                                  date(2026, 2, 20), "Indlagt; samtale ikke mulig.", "Mette"),))
    found = obligation(waived, date(2026, 3, 10), C.FIRST_CONVERSATION)
    assert found.state == S.WAIVED and found.why_da == "Indlagt; samtale ikke mulig."
    moved = facts(first, corrections=(Correction("first_conversation", date(2026, 3, 1), "move", date(2026, 2, 20),
                                                 "Borgeren er på ferie.", "Mette", date(2026, 3, 12)),))
    found = obligation(moved, date(2026, 3, 5), C.FIRST_CONVERSATION)
    assert (found.date, found.original_date, found.state) == (date(2026, 3, 12), date(2026, 3, 1), S.DUE)
    assert obligation(moved, date(2026, 2, 19), C.FIRST_CONVERSATION).date == date(2026, 3, 1), "not before it was made"


@pytest.mark.parametrize("first, earlier, expected", [
    (date(2026, 1, 5), (), date(2026, 6, 7)),
    (date(2026, 1, 5), ((date(2025, 11, 1), date(2025, 11, 30)),), date(2026, 5, 8)),
    # 62 days in July and August 2025 all count: 92 + 62 = 154 days on 5 January 2026
    (date(2025, 10, 6), ((date(2025, 7, 1), date(2025, 8, 31)), (date(2024, 1, 1), date(2024, 2, 1))),
     date(2026, 1, 5)),
    # sickness in spring 2025 slides out of the 9 months before it adds up: the plain week 22
    (date(2025, 10, 6), ((date(2025, 1, 10), date(2025, 4, 30)),), date(2026, 3, 8)),
])
def test_reassessment_counts_earlier_sickness_in_the_window(first, earlier, expected):
    assert reassessment_day(first, earlier, regime_for(first, first)) == expected


# ---- the invariant -------------------------------------------------------------------------------

days = st.dates(min_value=date(2019, 1, 1), max_value=date(2028, 6, 30))
offsets = st.one_of(st.none(), st.integers(min_value=0, max_value=300))


@st.composite
def cases_and_two_days(draw):
    first = draw(days)
    at = lambda offset: None if offset is None else first + timedelta(days=offset)  # noqa: E731
    reported = first + timedelta(days=draw(st.integers(0, 60)))
    expectations = tuple(sorted(
        (Expectation(draw(st.sampled_from(["citizen", "employer"])), reported + timedelta(days=given),
                     at(draw(offsets))) for given in draw(st.lists(st.integers(0, 250), max_size=4))),
        key=lambda e: e.given_on))
    held = tuple(HeldConversation(first + timedelta(days=d), draw(st.sampled_from(["self_service", "jobcenter"])))
                 for d in sorted(set(draw(st.lists(st.integers(0, 300), max_size=3)))))
    check_ins = tuple(CheckInAnswer(first + timedelta(days=d), first + timedelta(days=d + draw(st.integers(0, 20))))
                      for d in sorted(set(draw(st.lists(st.integers(20, 300), max_size=3)))))
    asked = at(draw(offsets))
    case = CaseFacts(
        first_absence_day=first, reported_on=reported,
        employment=draw(st.sampled_from(["employed", "employed", "unemployed"])),
        closed_on=at(draw(st.one_of(st.none(), st.integers(60, 400)))),
        expectations=expectations,
        questionnaire_sent_on=reported, questionnaire_submitted_on=at(draw(offsets)),
        employer_absence_conversation_on=at(draw(offsets)),
        fast_track_requested_on=asked,
        fast_track_declined_on=None if asked is None else at(draw(offsets)),
        employer_fast_track_asked_on=at(draw(offsets)), employer_fast_track_answered_on=at(draw(offsets)),
        fast_track_decided_on=at(draw(offsets)),
        conversation_requested_on=at(draw(offsets)), standby_since=at(draw(offsets)),
        conversations=held, check_ins=check_ins, plan_stalled_on=at(draw(offsets)),
        earlier_sickness=((first - timedelta(days=100), first - timedelta(days=60)),) if draw(st.booleans()) else (),
    )
    earlier_day = first + timedelta(days=draw(st.integers(0, 400)))
    return case, earlier_day, earlier_day + timedelta(days=draw(st.integers(1, 400)))


@settings(max_examples=500, deadline=None)
@given(cases_and_two_days())
def test_an_overdue_obligation_never_disappears_without_a_recorded_reason(case_and_days):
    """Overdue and unmet on one day -> on any later day still there, and overdue, met, or the case closed
    (or waived by a caseworker), whatever happened in between, across a regime switch too."""
    case, earlier, later = case_and_days
    after = {(o.code, o.legal_date): o for o in timeline(case, later)}
    for before in timeline(case, earlier):
        if before.state != S.OVERDUE:
            continue
        now = after.get((before.code, before.legal_date))
        closed = case.closed_on is not None and case.closed_on <= later
        assert now is not None or closed, f"{before.code} due {before.date} vanished between {earlier} and {later}"
        if now is not None:
            assert now.state in (S.OVERDUE, S.MET, S.WAIVED) or closed, (before, now)


@settings(max_examples=300, deadline=None)
@given(cases_and_two_days())
def test_every_date_is_known_or_said_to_be_unknown_and_screening_is_the_municipality_s_part(case_and_days):
    from portal.rules import screen

    case, on, _later = case_and_days
    obligations = timeline(case, on)
    for found in obligations:
        assert found.state in S
        if found.state == S.NOT_REQUIRED:
            assert found.why_en
    reasons = {(r.obligation, r.legal_deadline) for r in screen(case, on)}
    municipal = {(str(o.code), o.legal_date) for o in obligations
                 if o.reason and o.pending and o.date and not (case.closed_on and case.closed_on <= on)}
    assert reasons == municipal


# ---- one place for deadlines -----------------------------------------------------------------------

DEADLINE_PARAMETERS = {
    "first_conversation_week", "questionnaire_answer_days", "fast_track_conversation_days",
    "fast_track_request_window_weeks", "fast_track_consent_bank_days", "employer_absence_conversation_week",
    "employer_period_days", "reassessment_week", "conversation_request_days", "overdue_questionnaire_follow_up_days",
    "handover_lead_days", "check_in_interval_weeks", "follow_up_interval_weeks", "return_check_days",
    "fast_track_decision_days", "check_in_answer_days", "reassessment_window_months", "questionnaire_reminder_days",
}
DEADLINE_FUNCTIONS = {"end_of_week", "add_bank_days", "months_before", "reassessment_day", "next_check_in"}
ALLOWED = {"rules/timeline.py", "rules/calendar.py", "rules/regimes.py", "rules/followup.py", "rules/calculator.py"}


def test_nothing_outside_the_timeline_computes_a_deadline():
    """A deadline computed beside the timeline is a second source of truth: the citizen's page and
    screening disagreed before. Outside portal/rules/timeline.py (and the calendar and regimes it
    uses) no code may call the calendar's deadline arithmetic or read a deadline parameter."""
    root = Path(__file__).resolve().parents[2] / "portal"
    offenders = []
    for path in root.rglob("*.py"):
        relative = path.relative_to(root).as_posix()
        if relative in ALLOWED or relative.startswith("migrations/"):
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            name = node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else None
            if name in DEADLINE_PARAMETERS | DEADLINE_FUNCTIONS:
                offenders.append(f"{relative}:{node.lineno} {name}")
    assert offenders == []


def test_the_guard_itself_catches_an_offender(tmp_path):
    source = "from portal.rules import end_of_week\ndue = end_of_week(first, regime.first_conversation_week.value)\n"
    names = {n.attr if isinstance(n, ast.Attribute) else n.id for n in ast.walk(ast.parse(source))
             if isinstance(n, ast.Attribute | ast.Name)}
    assert {"end_of_week", "first_conversation_week"} <= names & (DEADLINE_PARAMETERS | DEADLINE_FUNCTIONS)


def test_replace_keeps_facts_frozen():
    case = facts(date(2026, 1, 5))
    assert replace(case, standby_since=date(2026, 1, 6)).standby_since == date(2026, 1, 6)
    with pytest.raises(AttributeError):
        case.standby_since = date(2026, 1, 6)  # type: ignore[misc]


# ---- the seven codes of the public calculator under each regime -------------------------------------

@pytest.mark.parametrize("first, regime, expected", [
    (date(2024, 3, 4), "2019", {"employer_period_end": date(2024, 4, 2),
                                "employer_absence_conversation": date(2024, 3, 31),
                                "fast_track_window_end": date(2024, 4, 7), "questionnaire_due": date(2024, 3, 12),
                                "first_conversation": date(2024, 4, 28), "fast_track_conversation": date(2024, 3, 25),
                                "reassessment": date(2024, 8, 4)}),
    (date(2025, 3, 3), "2025", {"employer_period_end": date(2025, 4, 1),
                                "employer_absence_conversation": date(2025, 3, 30),
                                "fast_track_window_end": date(2025, 4, 6), "questionnaire_due": date(2025, 3, 11),
                                "first_conversation": date(2025, 4, 27), "fast_track_conversation": date(2025, 3, 24),
                                "reassessment": date(2025, 8, 3)}),
    (date(2026, 9, 7), "2026", {"employer_period_end": date(2026, 10, 6),
                                "employer_absence_conversation": date(2026, 10, 4),
                                "fast_track_window_end": date(2026, 10, 11), "questionnaire_due": date(2026, 9, 15),
                                "first_conversation": date(2026, 11, 1), "fast_track_conversation": date(2026, 9, 28),
                                "reassessment": date(2027, 2, 7)}),
])
def test_the_calculator_s_codes_under_each_regime(first, regime, expected):
    from portal.rules.calculator import CalculatorInput, calculate

    found_regime, obligations = calculate(CalculatorInput(
        first_absence_day=first, on=first + timedelta(days=8), fast_track_requested_on=first + timedelta(days=7),
        questionnaire_sent_on=first))
    assert found_regime == regime
    assert {str(o.code): o.date for o in obligations if str(o.code) in expected} == expected


@settings(max_examples=300, deadline=None)
@given(first=st.dates(date(2024, 1, 1), date(2027, 12, 31)), sent=st.integers(0, 10),
       submitted=st.none() | st.integers(0, 40), standby=st.none() | st.integers(0, 30),
       closed=st.none() | st.integers(0, 60), correction=st.sampled_from(["", "waive", "move"]),
       on=st.integers(-5, 90))
def test_the_questionnaires_deadline_alone_is_the_timelines(first, sent, submitted, standby, closed, correction, on):
    """rules.questionnaire_due (a questionnaire step's page asks for it alone) is the timeline's
    QUESTIONNAIRE_DUE, whatever is sent, submitted, on standby, closed or corrected."""
    day = first + timedelta(days=sent)
    case = facts(first, questionnaire_sent_on=day,
                 questionnaire_submitted_on=None if submitted is None else day + timedelta(days=submitted),
                 standby_since=None if standby is None else first + timedelta(days=standby),
                 closed_on=None if closed is None else first + timedelta(days=closed))
    today = first + timedelta(days=on)
    due = find(timeline(case, today), C.QUESTIONNAIRE_DUE).date
    if correction and due is not None:
        case = replace(case, corrections=(Correction(C.QUESTIONNAIRE_DUE, due, correction, first, "why", "cw",
                                                     due + timedelta(days=7) if correction == "move" else None),))
    assert questionnaire_due(case, today) == find(timeline(case, today), C.QUESTIONNAIRE_DUE)
