"""The rules' numbers as dated, sourced parameters (RULES.md). A regime is in force from its
`valid_from` until the next one; nothing here knows today's date: callers pass it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Param(Generic[T]):
    """A rule's value and where the law says it."""

    value: T
    source: str


@dataclass(frozen=True)
class Regime:
    code: str
    valid_from: date
    title_da: str
    title_en: str
    partial_min_hours_per_week: Param[int]
    questionnaire_answer_days: Param[int]
    first_conversation_week: Param[int]
    fast_track_conversation_days: Param[int]
    fast_track_request_window_weeks: Param[int]
    fast_track_consent_bank_days: Param[int]
    employer_absence_conversation_week: Param[int]
    employer_period_days: Param[int]
    reassessment_week: Param[int]


_COMMON = dict(
    partial_min_hours_per_week=Param(4, "sygedagpengeloven § 7"),
    questionnaire_answer_days=Param(8, "sygedagpengeloven § 11, stk. 3"),
    first_conversation_week=Param(8, "sygedagpengeloven § 13 b"),
    fast_track_conversation_days=Param(14, "sygedagpengeloven § 13 b, stk. 2"),
    fast_track_request_window_weeks=Param(5, "sygedagpengeloven §§ 7 c og 7 e"),
    fast_track_consent_bank_days=Param(2, "bekendtgørelse nr. 1710 af 30.12.2024, §§ 3-5"),
    employer_absence_conversation_week=Param(4, "sygedagpengeloven § 7 a"),
    employer_period_days=Param(30, "sygedagpengeloven § 30"),
    reassessment_week=Param(22, "sygedagpengeloven § 24"),
)

REGIMES: tuple[Regime, ...] = (
    Regime("2019", date(2019, 1, 1), "Reglerne fra 2019", "The 2019 rules", **_COMMON),
    Regime("2025", date(2025, 1, 1), "Reglerne fra 1. januar 2025", "The rules from 1 January 2025",
           **_COMMON),
    # lov nr. 1750 af 29.12.2025; RULES.md leaves the exact date of each rule unverified (1 Feb or
    # 1 Jul 2026). The later date is used, so no citizen loses a conversation too early.
    Regime("2026", date(2026, 7, 1), "Reglerne fra 2026", "The 2026 rules", **_COMMON),
)


def regime_on(day: date) -> Regime:
    """The regime in force on `day`."""
    in_force = [r for r in REGIMES if r.valid_from <= day]
    if not in_force:
        raise ValueError(f"no regime covers {day}")
    return in_force[-1]
