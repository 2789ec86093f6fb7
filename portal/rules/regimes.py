"""The rules' numbers as dated, sourced parameters (RULES.md). A regime is in force from its
`valid_from` until the next one; nothing here knows today's date: callers pass it.

Where the law is unclear the portal takes the safe reading. Such a parameter is a *reading*: it names
who chose it and when, and a municipality's legal department can choose otherwise by configuration
(`with_readings`, fed from PORTAL_READINGS_FILE). docs/RULES-CHOICES.md lists every reading."""
from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date
from enum import StrEnum
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Param(Generic[T]):
    """A rule's value and where it comes from. A reading of unclear law also says who chose it and
    when (`chosen_by`), so the compliance page can show whose reading a deadline follows."""

    value: T
    source: str
    chosen_by: str = ""
    chosen_on: date | None = None

    @property
    def is_reading(self) -> bool:
        return bool(self.chosen_by)


# Who chose the defaults: the portal, taking the reading that gives the earliest deadline.
PORTAL = "portalen (den sikre læsning)"
READINGS_DAY = date(2026, 11, 24)   # the readings written down with the timeline
SAFE_DAY = date(2026, 12, 4)        # the readings of issue 27 (the law at its edges)


def reading(value: T, source: str, chosen_on: date = READINGS_DAY) -> Param[T]:
    return Param(value, source, PORTAL, chosen_on)


class HalfYear(StrEnum):
    """Where "det første halve år" ends, counted from the first absence day."""

    EARLIER = "earlier"    # the earlier of the end of week 26 and the day before 6 calendar months
    WEEKS = "weeks"        # the end of week 26
    MONTHS = "months"      # the day before the same date 6 calendar months later


class AppliesBy(StrEnum):
    """How a regime declares which obligations it governs (a transitional rule, kept as data)."""

    FIRST_ABSENCE_DAY = "first_absence_day"  # sickness that began on or after valid_from
    OBLIGATION_AROSE = "obligation_arose"    # obligations that arose on or after valid_from


@dataclass(frozen=True)
class Regime:
    code: str
    # From this first absence day (or day an obligation arose, `applies_by`) the regime governs.
    in_force_from: Param[date]
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
    # § 13 b: conversations at least this many times within the first half-year, the first one counted
    # (None: no such rule in the regime), and where the half-year ends.
    half_year_conversations: Param[int | None]
    half_year_end: Param[HalfYear]
    # § 24: the benefit's legal end is the end of the month in which more than `reassessment_week`
    # weeks of benefit within the window are reached, the first this many days not counted.
    benefit_end_uncounted_days: Param[int]
    benefit_end_uncounted_days_not_employed: Param[int]
    # Standby chosen late (after a conversation's deadline came near) never moves a deadline later.
    standby_keeps_deadlines: Param[bool]
    # § 16: the follow-up plan is due with the second conversation's deadline, held or not.
    plan_due_with_second_deadline: Param[bool]

    @property
    def valid_from(self) -> date:
        return self.in_force_from.value

    def readings(self) -> list[tuple[str, Param]]:
        """The parameters that are readings of unclear law, by name."""
        return [(f.name, getattr(self, f.name)) for f in fields(self)
                if isinstance(getattr(self, f.name), Param) and getattr(self, f.name).is_reading]


REGIME_2019 = Regime(
    code="2019", in_force_from=Param(date(2019, 1, 1), "sygedagpengeloven (LBK 2019)"),
    title_da="Reglerne fra 2019", title_en="The 2019 rules",
    applies_by=reading(AppliesBy.FIRST_ABSENCE_DAY, "portalens læsning: reglerne, der gjaldt, da sygdommen begyndte"),
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
    fast_track_decision_days=reading(
        2, "bekendtgørelse nr. 1710 af 30.12.2024, § 4, stk. 2 (kommunens afgørelse; portalens servicemål)"),
    check_in_answer_days=Param(7, "portalens servicemål"),
    reassessment_window_months=Param(9, "sygedagpengeloven § 24, stk. 1"),
    conversation_exempt_below_weeks=Param(None, "sygedagpengeloven § 13 b (samtale i alle sager)"),
    half_year_conversations=Param(None, "sygedagpengeloven § 13 b (2019: opfølgning mindst hver 4. uge)"),
    half_year_end=reading(HalfYear.EARLIER, "sygedagpengeloven § 13 b (\"det første halve år\"): den tidligste af "
                          "udgangen af uge 26 og dagen før 6 kalendermåneder", SAFE_DAY),
    benefit_end_uncounted_days=reading(
        30, "sygedagpengeloven § 24, stk. 1; Vejledning om sygedagpengeperioden og forlængelse, afsnit 5.2-5.3 "
            "(udgangen af en måned; de første 30 dage tælles ikke med)", SAFE_DAY),
    benefit_end_uncounted_days_not_employed=reading(
        14, "sygedagpengeloven § 24, stk. 1; Vejledning om sygedagpengeperioden og forlængelse, afsnit 5.2 "
            "(de første 2 uger tælles ikke med)", SAFE_DAY),
    standby_keeps_deadlines=reading(
        True, "sygedagpengeloven § 13 b, stk. 5: standby flytter ingen frist til senere", SAFE_DAY),
    plan_due_with_second_deadline=reading(
        True, "sygedagpengeloven § 16 (senest i umiddelbar forlængelse af anden opfølgningssamtale): "
              "fristen er den anden samtales frist", SAFE_DAY),
)

# 1 January 2025: category 3 and re-visitation repealed; the first conversation stays by week 8.
REGIME_2025 = replace(
    REGIME_2019, code="2025",
    in_force_from=Param(date(2025, 1, 1), "lov om ændring af sygedagpengeloven (1. januar 2025)"),
    title_da="Reglerne fra 1. januar 2025", title_en="The rules from 1 January 2025",
    # Transitional provision not found: running cases keep the rules they began under, so a
    # deadline never moves under a case (the safe reading; docs/RULES-CHOICES.md).
    applies_by=reading(AppliesBy.FIRST_ABSENCE_DAY,
                       "portalens sikre læsning: reglerne, der gjaldt på første fraværsdag"),
    # At least 4 follow-ups in the first 6 months: one every 6 weeks gives 4 by week 24.
    check_in_interval_weeks=Param(6, "sygedagpengeloven § 13 (mindst 4 opfølgninger i de første 6 måneder)"),
    follow_up_interval_weeks=Param(6, "sygedagpengeloven § 13 b (mindst 4 gange i de første 6 måneder)"),
    recovery_only_within_weeks=Param(13, "sygedagpengeloven § 13 f"),
    # "Mindst fire gange inden for det første halve år": the law counts conversations, the first one
    # included; a municipality reading four besides the first chooses 5.
    half_year_conversations=reading(
        4, "sygedagpengeloven § 13 b (mindst fire gange inden for det første halve år, den første samtale "
           "medregnet)", SAFE_DAY),
)

# Lov nr. 1750 af 29.12.2025: no municipal conversation as a rule when citizen and employer both
# expect under 26 weeks; others at least one conversation in the first half-year. RULES.md leaves
# the exact date unverified (1 Feb or 1 Jul 2026); the later one is used, so no citizen loses a
# conversation too early.
REGIME_2026 = replace(
    REGIME_2025, code="2026",
    in_force_from=reading(date(2026, 7, 1), "lov nr. 1750 af 29.12.2025; STAR nævner 1. februar og 1. juli 2026 "
                          "(den senere bruges)"),
    title_da="Reglerne fra 2026", title_en="The 2026 rules",
    # Whether running cases switch is not found (RULES.md): they do not. A case keeps the rules of
    # its first absence day, so no conversation due under the 2025 rules disappears on 1 July 2026.
    applies_by=reading(AppliesBy.FIRST_ABSENCE_DAY,
                       "portalens sikre læsning af lov nr. 1750 af 29.12.2025: sygdom fra 1. juli 2026"),
    # The bill's summary says "at least one conversation in the first half-year" for those not exempt;
    # the law's text has not been found to move the week-8 conversation, so it stays (the safe reading).
    first_conversation_week=reading(
        8, "sygedagpengeloven § 13 b (uge 8); lov nr. 1750 af 29.12.2025's tekst er ikke fundet at flytte den "
           "første samtale til det første halve år", SAFE_DAY),
    follow_up_interval_weeks=reading(
        6, "sygedagpengeloven § 13 b som i 2025-reglerne; lov nr. 1750 af 29.12.2025 siger ikke hvor ofte"),
    half_year_conversations=reading(
        4, "sygedagpengeloven § 13 b som i 2025-reglerne (lovforslaget nævner mindst én samtale; den "
           "strengere regel bevares)", SAFE_DAY),
    self_service_max_expected_weeks=Param(26, "lov nr. 1750 af 29.12.2025"),
    conversation_exempt_below_weeks=Param(
        26, "lov nr. 1750 af 29.12.2025 (fritagelse ved forventet raskmelding inden 26 uger)"),
)

REGIMES: tuple[Regime, ...] = (REGIME_2019, REGIME_2025, REGIME_2026)
# The regimes in use: REGIMES with the municipality's own readings (use_regimes); set once at start.
_active: tuple[Regime, ...] = REGIMES


class ReadingError(ValueError):
    """A configured reading the portal cannot use; the message names it and says why."""


def _typed(default: Param, name: str, raw: object):
    kind = type(default.value)
    if isinstance(default.value, bool):
        if not isinstance(raw, bool):
            raise ReadingError(f"{name}: value must be true or false")
        return raw
    if isinstance(default.value, StrEnum):
        try:
            return kind(raw)
        except ValueError:
            raise ReadingError(f"{name}: value must be one of {', '.join(m.value for m in kind)}") from None
    if isinstance(default.value, date):
        try:
            return date.fromisoformat(str(raw))
        except ValueError:
            raise ReadingError(f"{name}: value must be a date, YYYY-MM-DD") from None
    if isinstance(default.value, int):
        if isinstance(raw, bool) or not isinstance(raw, int) or not 0 < raw <= 104:
            raise ReadingError(f"{name}: value must be a whole number from 1 to 104")
        return raw
    raise ReadingError(f"{name}: not a reading that can be configured")  # pragma: no cover


def with_readings(overrides: dict[str, dict], regimes: tuple[Regime, ...] = REGIMES) -> tuple[Regime, ...]:
    """`regimes` with a municipality's own readings: {"2026.first_conversation_week": {"value": 26,
    "source": ..., "chosen_by": ..., "chosen_on": "YYYY-MM-DD"}}. Only readings can be chosen, and each
    choice must say its source, who chose it and when."""
    by_code = {r.code: r for r in regimes}
    changes: dict[str, dict[str, Param]] = {}
    for name, choice in overrides.items():
        code, _, field = name.partition(".")
        regime = by_code.get(code)
        default = getattr(regime, field, None) if regime and field else None
        if not isinstance(default, Param) or not default.is_reading:
            readings = ", ".join(f"{r.code}.{n}" for r in regimes for n, _p in r.readings())
            raise ReadingError(f"{name}: not a reading; the readings are {readings}")
        if not isinstance(choice, dict) or not all(str(choice.get(k) or "").strip()
                                                   for k in ("source", "chosen_by", "chosen_on")) \
                or "value" not in choice:
            raise ReadingError(f"{name}: give value, source, chosen_by and chosen_on")
        try:
            chosen_on = date.fromisoformat(str(choice["chosen_on"]))
        except ValueError:
            raise ReadingError(f"{name}: chosen_on must be a date, YYYY-MM-DD") from None
        changes.setdefault(code, {})[field] = Param(_typed(default, name, choice["value"]), str(choice["source"]),
                                                    str(choice["chosen_by"]), chosen_on)
    result = tuple(replace(r, **changes.get(r.code, {})) for r in regimes)
    if any(a.valid_from >= b.valid_from for a, b in zip(result, result[1:], strict=False)):
        raise ReadingError("in_force_from: the regimes must start in order")
    return result


def use_regimes(regimes: tuple[Regime, ...]) -> None:
    """Every deadline from now on follows these regimes (the app sets them at start)."""
    global _active
    _active = regimes


def active_regimes() -> tuple[Regime, ...]:
    return _active


def regime_on(day: date) -> Regime:
    """The regime in force on `day`."""
    in_force = [r for r in _active if r.valid_from <= day]
    if not in_force:
        raise ValueError(f"no regime covers {day}")
    return in_force[-1]


def regime_for(first_absence_day: date, arose: date) -> Regime:
    """The regime that governs an obligation of a case whose sickness began on `first_absence_day`
    and which arose on `arose`: the newest regime whose own transitional rule takes it. Not the day
    of the check: the answer is the same whenever it is asked."""
    for regime in reversed(_active):
        key = first_absence_day if regime.applies_by.value == AppliesBy.FIRST_ABSENCE_DAY else arose
        if regime.valid_from <= key:
            return regime
    return _active[0]
