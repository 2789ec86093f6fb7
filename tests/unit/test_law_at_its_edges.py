"""The law at its edges (issue 27), as tables of real cases: the safe reading of the 2026 rules, § 13 b's
conversations within the first half-year, the § 16 plan, standby chosen late, the benefit's legal end
(§ 24), and the readings a municipality's legal department can choose otherwise."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from portal.rules import Code, State, find, screen, timeline
from portal.rules.regimes import REGIMES, ReadingError, active_regimes, use_regimes, with_readings
from portal.rules.timeline import CaseFacts, Expectation, HeldConversation, ReasonCode, half_year_end

C, S = Code, State
JULY_6 = date(2026, 7, 6)       # a Monday under the 2026 rules
SEPT_1 = date(2025, 9, 1)       # the 2025 rules; its half-year ends 28 February 2026 (6 months), not 1 March


def facts(first: date, *held: tuple[date, str], **changes) -> CaseFacts:
    return CaseFacts(first_absence_day=first, reported_on=first,
                     conversations=tuple(HeldConversation(day, outcome) for day, outcome in held), **changes)


def follow_ups(case: CaseFacts, on: date) -> list[tuple[date, State]]:
    return [(o.date, o.state) for o in timeline(case, on) if o.code == C.FOLLOW_UP]


@pytest.fixture
def readings():
    """Choose readings for one test; the portal's own come back after it."""
    yield lambda chosen: use_regimes(with_readings(chosen))
    use_regimes(REGIMES)


# ---- 1. the safe reading: under the 2026 rules a case that is not exempt keeps week 8 ---------------

@pytest.mark.parametrize("case, on, due, state, reason, why", [
    (facts(JULY_6), date(2026, 7, 10), date(2026, 8, 30), S.UPCOMING, ReasonCode.FIRST_CONVERSATION_DUE,
     "a case from 6 July 2026, nobody has said when the citizen is back: by the end of week 8, not 3 January 2027"),
    (facts(JULY_6), date(2026, 8, 31), date(2026, 8, 30), S.OVERDUE, ReasonCode.FIRST_CONVERSATION_DUE,
     "and overdue the day after"),
    (facts(JULY_6, expectations=(Expectation("citizen", JULY_6, date(2026, 9, 1)),
                                 Expectation("employer", date(2026, 7, 8), None))),
     date(2026, 7, 10), date(2026, 8, 30), S.UPCOMING, ReasonCode.FIRST_CONVERSATION_DUE,
     "the employer does not know: not exempt, week 8"),
    (facts(JULY_6, expectations=(Expectation.from_duration("citizen", JULY_6, "over_26_weeks"),)),
     date(2026, 7, 10), date(2026, 8, 30), S.DUE, ReasonCode.LONG_EXPECTED_ABSENCE,
     "expected over 26 weeks: handed over at once, and still by week 8"),
    (facts(JULY_6, expectations=(Expectation.from_duration("citizen", JULY_6, "8_13_weeks"),
                                 Expectation.from_duration("employer", JULY_6, "8_13_weeks"))),
     date(2026, 7, 10), date(2026, 8, 30), S.NOT_REQUIRED, ReasonCode.FIRST_CONVERSATION_DUE,
     "both expect the citizen back within 26 weeks: exempt (lov nr. 1750/2025)"),
])
def test_the_2026_first_conversation_by_the_safe_reading(case, on, due, state, reason, why):
    first = find(timeline(case, on), C.FIRST_CONVERSATION)
    assert (first.date, first.state, first.reason, first.regime) == (due, state, reason, "2026"), why


def test_a_2026_case_not_exempt_is_handed_over_before_the_week_8_deadline_not_after_the_reassessment():
    reasons = screen(facts(JULY_6), date(2026, 8, 16))
    first = next(r for r in reasons if r.code == ReasonCode.FIRST_CONVERSATION_DUE)
    assert first.start == date(2026, 8, 16) and first.due == date(2026, 8, 30)


def test_a_legal_department_can_choose_week_26_and_the_page_says_who_chose_it(readings):
    readings({"2026.first_conversation_week": {
        "value": 26, "source": "lov nr. 1750 af 29.12.2025 (fundet)", "chosen_by": "Testkommune, Jura",
        "chosen_on": "2027-01-15"}})
    first = find(timeline(facts(JULY_6), date(2026, 7, 10)), C.FIRST_CONVERSATION)
    assert first.date == date(2027, 1, 3) and first.source == "lov nr. 1750 af 29.12.2025 (fundet)"
    chosen = dict(active_regimes()[-1].readings())["first_conversation_week"]
    assert (chosen.chosen_by, chosen.chosen_on) == ("Testkommune, Jura", date(2027, 1, 15))
    use_regimes(REGIMES)
    assert find(timeline(facts(JULY_6), date(2026, 7, 10)), C.FIRST_CONVERSATION).date == date(2026, 8, 30)


@pytest.mark.parametrize("chosen, names", [
    ({"2026.reassessment_week": {"value": 26, "source": "x", "chosen_by": "y", "chosen_on": "2027-01-01"}},
     "2026.reassessment_week: not a reading"),
    ({"2026.first_conversation_week": {"value": 26, "source": "x", "chosen_on": "2027-01-01"}},
     "give value, source, chosen_by and chosen_on"),
    ({"2026.first_conversation_week": {"value": "26", "source": "x", "chosen_by": "y", "chosen_on": "2027-01-01"}},
     "whole number"),
    ({"2026.first_conversation_week": {"value": 26, "source": "x", "chosen_by": "y", "chosen_on": "15-01-2027"}},
     "chosen_on must be a date"),
    ({"2026.half_year_end": {"value": "yearly", "source": "x", "chosen_by": "y", "chosen_on": "2027-01-01"}},
     "one of earlier, weeks, months"),
    ({"2026.in_force_from": {"value": "2024-01-01", "source": "x", "chosen_by": "y", "chosen_on": "2027-01-01"}},
     "in order"),
    ({"2031.applies_by": {"value": "first_absence_day", "source": "x", "chosen_by": "y", "chosen_on": "2027-01-01"}},
     "2031.applies_by: not a reading"),
])
def test_a_reading_nobody_could_have_chosen_is_refused_with_its_name(chosen, names):
    with pytest.raises(ReadingError, match=names):
        with_readings(chosen)


def test_every_reading_says_its_source_who_chose_it_and_when():
    for regime in REGIMES:
        for name, param in regime.readings():
            assert param.source and param.chosen_by and param.chosen_on, f"{regime.code}.{name}"
    assert dict(REGIMES[-1].readings())["first_conversation_week"].value == 8


def test_every_reading_is_listed_in_the_rules_choices():
    from pathlib import Path

    choices = (Path(__file__).resolve().parents[2] / "docs" / "RULES-CHOICES.md").read_text()
    for regime in REGIMES:
        for name, _param in regime.readings():
            assert f"`{name}`" in choices, name


# ---- 2. § 13 b: four conversations within the first half-year, each with its own date ----------------

def test_the_half_year_ends_on_the_earlier_of_26_weeks_and_6_months():
    assert half_year_end(SEPT_1, REGIMES[1]) == date(2026, 2, 28)   # end of week 26 would be 1 March
    assert half_year_end(JULY_6, REGIMES[2]) == date(2027, 1, 3)    # 6 months would be 5 January


@pytest.mark.parametrize("held, on, expected, why", [
    # every conversation held on its deadline: the 4th is due on the half-year's last day, not 1 March
    (((date(2025, 10, 26), "jobcenter"), (date(2025, 12, 6), "jobcenter"), (date(2026, 1, 17), "jobcenter")),
     date(2026, 1, 20),
     [(date(2025, 12, 6), S.MET), (date(2026, 1, 17), S.MET), (date(2026, 2, 28), S.UPCOMING)],
     "all four inside the half-year when each is on time"),
    # the second conversation held a month late: the third and fourth keep their own dates
    (((date(2025, 10, 26), "jobcenter"), (date(2026, 1, 5), "jobcenter")), date(2026, 1, 10),
     [(date(2025, 12, 6), S.MET), (date(2026, 1, 17), S.DUE), (date(2026, 2, 28), S.UPCOMING)],
     "a late one does not push the rest past the half-year"),
    # the second never held: the third and fourth are obligations already, inside the half-year
    (((date(2025, 10, 26), "jobcenter"),), date(2025, 12, 10),
     [(date(2025, 12, 6), S.OVERDUE), (date(2026, 1, 17), S.UPCOMING), (date(2026, 2, 28), S.UPCOMING)],
     "an overdue one hides none of the later ones"),
    # held early: the next is due 6 weeks after it, earlier than its half-year date
    (((date(2025, 10, 1), "jobcenter"),), date(2025, 10, 2),
     [(date(2025, 11, 12), S.UPCOMING), (date(2026, 1, 17), S.UPCOMING), (date(2026, 2, 28), S.UPCOMING)],
     "the cadence still holds when it is earlier"),
    # back to self-service at the first conversation: the jobcenter has no follow-ups to hold
    (((date(2025, 10, 26), "self_service"),), date(2025, 12, 10), [], "self-service: no follow-ups"),
])
def test_the_half_year_s_conversations_each_have_their_own_date(held, on, expected, why):
    found = follow_ups(facts(SEPT_1, *held), on)
    assert sorted(found) == expected, why
    assert all(day <= date(2026, 2, 28) for day, _state in found), why


def test_the_half_year_in_a_2026_case_from_6_july():
    found = follow_ups(facts(JULY_6, (date(2026, 8, 30), "jobcenter")), date(2026, 9, 1))
    assert sorted(found) == [(date(2026, 10, 11), S.UPCOMING), (date(2026, 11, 22), S.UPCOMING),
                             (date(2027, 1, 3), S.UPCOMING)]


def test_after_the_half_year_the_follow_ups_come_every_6_weeks_from_the_last():
    held = ((date(2025, 10, 26), "jobcenter"), (date(2025, 12, 6), "jobcenter"), (date(2026, 1, 17), "jobcenter"),
            (date(2026, 2, 20), "jobcenter"))
    found = follow_ups(facts(SEPT_1, *held), date(2026, 2, 21))
    assert (date(2026, 4, 3), S.UPCOMING) in found


# ---- § 16: the plan is due with the second conversation's deadline ----------------------------------

@pytest.mark.parametrize("held, on, expected, why", [
    (((date(2025, 10, 26), "jobcenter"),), date(2025, 11, 1), (date(2025, 12, 6), S.DUE),
     "known before the second conversation is held"),
    (((date(2025, 10, 26), "jobcenter"),), date(2025, 12, 10), (date(2025, 12, 6), S.OVERDUE),
     "an overdue second conversation does not hide it"),
    (((date(2025, 10, 26), "jobcenter"), (date(2025, 11, 20), "jobcenter")), date(2025, 11, 21),
     (date(2025, 11, 20), S.OVERDUE), "the second held early: due right after it"),
])
def test_the_follow_up_plan_is_due_with_the_second_conversation_s_deadline(held, on, expected, why):
    plan = find(timeline(facts(SEPT_1, *held), on), C.FOLLOW_UP_PLAN)
    assert (plan.date, plan.state) == expected, why


# ---- standby chosen late never moves a deadline later -------------------------------------------------

@pytest.mark.parametrize("case, on, due, why", [
    (facts(SEPT_1, standby_since=SEPT_1 + timedelta(days=49)), date(2025, 10, 21), date(2025, 10, 26),
     "standby on day 50: still by the end of week 8 (26 October), not 3 November"),
    (facts(SEPT_1, standby_since=SEPT_1 + timedelta(days=4)), date(2025, 9, 6), date(2025, 10, 26),
     "standby on day 5: by the end of week 8"),
    (facts(SEPT_1, (date(2025, 10, 26), "jobcenter"), standby_since=date(2025, 12, 1)), date(2025, 12, 2),
     date(2025, 12, 6), "standby after the first conversation: by the second conversation's deadline"),
    (facts(SEPT_1, standby_since=date(2025, 11, 10)), date(2025, 11, 11), date(2025, 11, 24),
     "standby after a missed first conversation: 14 days on (nothing left to take over)"),
])
def test_standby_chosen_late_keeps_the_deadline_it_takes_over(case, on, due, why):
    standby = find(timeline(case, on), C.STANDBY_FOLLOW_UP)
    assert standby.date == due, why


def test_no_day_to_choose_standby_moves_the_first_conversation_s_deadline_later():
    deadline = date(2025, 10, 26)
    for day in range(56):
        chosen = SEPT_1 + timedelta(days=day)
        standby = find(timeline(facts(SEPT_1, standby_since=chosen), chosen), C.STANDBY_FOLLOW_UP)
        assert standby.date <= deadline, chosen


# ---- 3. § 24: the benefit's legal end beside the reassessment ------------------------------------------

@pytest.mark.parametrize("case, reassessment, benefit_end, why", [
    (facts(JULY_6), date(2026, 12, 6), date(2027, 1, 31),
     "the reassessment by day 154; benefit ends at the end of the month in which 22 weeks after the first "
     "30 days are passed (6 January 2027)"),
    (facts(date(2026, 1, 5)), date(2026, 6, 7), date(2026, 7, 31), "22 weeks after 4 February: 8 July"),
    (facts(date(2026, 1, 5), employment="self_employed"), date(2026, 6, 7), date(2026, 6, 30),
     "self-employed: the first 2 weeks not counted (22 June)"),
    (facts(date(2026, 1, 5), earlier_sickness=((date(2025, 11, 1), date(2025, 11, 30)),)), date(2026, 5, 8),
     date(2026, 6, 30), "30 days of earlier sickness within 9 months: a month earlier (8 June)"),
])
def test_the_benefit_s_legal_end_is_shown_beside_the_reassessment(case, reassessment, benefit_end, why):
    found = find(timeline(case, case.first_absence_day), C.REASSESSMENT)
    assert (found.date, found.benefit_ends_on) == (reassessment, benefit_end), why
    assert found.benefit_ends_on > found.date, "the end is never read as the reassessment"
    assert "ikke den dag sygedagpengene stopper" in found.text_da and "not the day sickness benefit stops" in \
        found.text_en
