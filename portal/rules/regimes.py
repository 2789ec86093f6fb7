"""The rules' numbers as dated, sourced parameters (RULES.md). A regime is in force from its
`valid_from` until the next one; nothing here knows today's date: callers pass it."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Param(Generic[T]):
    """A rule's value and where it comes from."""

    value: T
    source: str


class AppliesBy(StrEnum):
    """How a regime declares which obligations it governs (a transitional rule, kept as data)."""

    FIRST_ABSENCE_DAY = "first_absence_day"  # sickness that began on or after valid_from
    OBLIGATION_AROSE = "obligation_arose"    # obligations that arose on or after valid_from


@dataclass(frozen=True)
class Regime:
    code: str
    valid_from: date
    title_da: str
    title_en: str
    # The transitional rule: which cases and obligations this regime governs, and why.
    applies_by: Param[AppliesBy]
    partial_min_hours_per_week: Param[int]
    questionnaire_answer_days: Param[int]
    first_conversation_week: Param[int]
    # Expected absence (weeks) up to which an employed citizen's case stays in self-service.
    self_service_max_expected_weeks: Param[int]
    fast_track_conversation_days: Param[int]
    fast_track_request_window_weeks: Param[int]
    fast_track_consent_bank_days: Param[int]
    employer_absence_conversation_week: Param[int]
    employer_period_days: Param[int]
    reassessment_week: Param[int]
    # Portal policy, not law: how soon a requested conversation or an overdue questionnaire is
    # followed up, and how long before a deadline a case is handed over.
    conversation_request_days: Param[int]
    overdue_questionnaire_follow_up_days: Param[int]
    handover_lead_days: Param[int]
    # Fast track (§§ 7 c, 7 e) is for a citizen not expected back in full within this many weeks.
    fast_track_min_expected_weeks: Param[int]
    # How often the self-service check-in (opfølgning) comes, in weeks.
    check_in_interval_weeks: Param[int]
    # Portal policy: a step-up plan with no rise over this many reported weeks goes to the jobcenter;
    # a reported week can be corrected until this many days after it ended; the reminder before the
    # questionnaire's deadline goes this many days ahead.
    plan_stall_weeks: Param[int]
    hours_correction_days: Param[int]
    questionnaire_reminder_days: Param[int]
    # Follow-up conversations while the jobcenter keeps the case, in weeks after the last one.
    follow_up_interval_weeks: Param[int]
    # § 13 f: an employed citizen expected back within this many weeks of the first conversation is
    # followed up only for recovery (None: the rule does not exist in the regime).
    recovery_only_within_weeks: Param[int | None]
    # Portal policy: a passed expected return is asked about at once, and the citizen has this many
    # days to answer before the case goes to the jobcenter; the days the jobcenter has to decide on
    # an unanswered employer fast-track request; a check-in is answered within this many days.
    return_check_days: Param[int]
    fast_track_decision_days: Param[int]
    check_in_answer_days: Param[int]
    # § 24: 22 weeks of benefit within the preceding 9 months, earlier sickness included.
    reassessment_window_months: Param[int]
    # Lov nr. 1750 af 29.12.2025: no municipal conversation as a rule when everybody expects the
    # citizen back within this many weeks (None: every open case gets its first conversation).
    conversation_exempt_below_weeks: Param[int | None]


REGIME_2019 = Regime(
    code="2019", valid_from=date(2019, 1, 1),
    title_da="Reglerne fra 2019", title_en="The 2019 rules",
    applies_by=Param(AppliesBy.FIRST_ABSENCE_DAY, "the portal's reading: the rules in force when the sickness began"),
    partial_min_hours_per_week=Param(4, "sygedagpengeloven § 7"),
    questionnaire_answer_days=Param(8, "sygedagpengeloven § 11, stk. 3"),
    first_conversation_week=Param(8, "sygedagpengeloven § 13 b"),
    self_service_max_expected_weeks=Param(8, "sygedagpengeloven § 13 b (forventet fravær over 8 uger)"),
    fast_track_conversation_days=Param(14, "sygedagpengeloven § 13 b, stk. 2"),
    fast_track_request_window_weeks=Param(5, "sygedagpengeloven §§ 7 c og 7 e"),
    fast_track_consent_bank_days=Param(2, "bekendtgørelse nr. 1710 af 30.12.2024, §§ 3-5"),
    employer_absence_conversation_week=Param(4, "sygedagpengeloven § 7 a"),
    employer_period_days=Param(30, "sygedagpengeloven § 30"),
    reassessment_week=Param(22, "sygedagpengeloven § 24"),
    conversation_request_days=Param(14, "portalens servicemål"),
    overdue_questionnaire_follow_up_days=Param(7, "sygedagpengeloven § 21 (portalens servicemål)"),
    handover_lead_days=Param(14, "portalens servicemål"),
    fast_track_min_expected_weeks=Param(8, "sygedagpengeloven §§ 7 c og 7 e"),
    check_in_interval_weeks=Param(4, "sygedagpengeloven § 13 (opfølgning mindst hver 4. uge)"),
    plan_stall_weeks=Param(3, "portalens servicemål"),
    hours_correction_days=Param(14, "portalens praksis (ugen opgøres til udbetaling)"),
    questionnaire_reminder_days=Param(2, "portalens servicemål"),
    follow_up_interval_weeks=Param(4, "sygedagpengeloven § 13 (opfølgning mindst hver 4. uge)"),
    recovery_only_within_weeks=Param(None, "sygedagpengeloven § 13 f findes ikke i 2019-reglerne"),
    return_check_days=Param(7, "portalens servicemål"),
    fast_track_decision_days=Param(2, "bekendtgørelse nr. 1710 af 30.12.2024, § 4, stk. 2 (portalens servicemål)"),
    check_in_answer_days=Param(7, "portalens servicemål"),
    reassessment_window_months=Param(9, "sygedagpengeloven § 24, stk. 1"),
    conversation_exempt_below_weeks=Param(None, "sygedagpengeloven § 13 b (samtale i alle sager)"),
)

# 1 January 2025: category 3 and re-visitation repealed; the first conversation stays by week 8.
REGIME_2025 = replace(
    REGIME_2019, code="2025", valid_from=date(2025, 1, 1),
    title_da="Reglerne fra 1. januar 2025", title_en="The rules from 1 January 2025",
    # Transitional provision not found: running cases keep the rules they began under, so a
    # deadline never moves under a case (the safe reading; docs/RULES-CHOICES.md).
    applies_by=Param(AppliesBy.FIRST_ABSENCE_DAY,
                     "the portal's safe reading: the rules in force on the first absence day"),
    # At least 4 follow-ups in the first 6 months: one every 6 weeks gives 4 by week 24.
    check_in_interval_weeks=Param(6, "sygedagpengeloven § 13 (mindst 4 opfølgninger i de første 6 måneder)"),
    follow_up_interval_weeks=Param(6, "sygedagpengeloven § 13 b (mindst 4 gange i de første 6 måneder)"),
    recovery_only_within_weeks=Param(13, "sygedagpengeloven § 13 f"),
)

# Lov nr. 1750 af 29.12.2025: no municipal conversation as a rule when citizen and employer both
# expect under 26 weeks; others at least one conversation in the first half-year. RULES.md leaves
# the exact date unverified (1 Feb or 1 Jul 2026); the later one is used, so no citizen loses a
# conversation too early.
REGIME_2026 = replace(
    REGIME_2025, code="2026", valid_from=date(2026, 7, 1),
    title_da="Reglerne fra 2026", title_en="The 2026 rules",
    # Whether running cases switch is not found (RULES.md): they do not. A case keeps the rules of
    # its first absence day, so no conversation due under the 2025 rules disappears on 1 July 2026.
    applies_by=Param(AppliesBy.FIRST_ABSENCE_DAY,
                     "the portal's safe reading of lov nr. 1750 af 29.12.2025: sickness from 1 July 2026"),
    first_conversation_week=Param(26, "lov nr. 1750 af 29.12.2025 (samtale inden for det første halve år)"),
    self_service_max_expected_weeks=Param(26, "lov nr. 1750 af 29.12.2025"),
    conversation_exempt_below_weeks=Param(
        26, "lov nr. 1750 af 29.12.2025 (fritagelse ved forventet raskmelding inden 26 uger)"),
)

REGIMES: tuple[Regime, ...] = (REGIME_2019, REGIME_2025, REGIME_2026)


def regime_on(day: date) -> Regime:
    """The regime in force on `day`."""
    in_force = [r for r in REGIMES if r.valid_from <= day]
    if not in_force:
        raise ValueError(f"no regime covers {day}")
    return in_force[-1]


def regime_for(first_absence_day: date, arose: date) -> Regime:
    """The regime that governs an obligation of a case whose sickness began on `first_absence_day`
    and which arose on `arose`: the newest regime whose own transitional rule takes it. Not the day
    of the check: the answer is the same whenever it is asked."""
    for regime in reversed(REGIMES):
        key = first_absence_day if regime.applies_by.value == AppliesBy.FIRST_ABSENCE_DAY else arose
        if regime.valid_from <= key:
            return regime
    return REGIMES[0]
