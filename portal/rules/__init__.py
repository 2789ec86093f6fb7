"""The rules, pure: no Flask, no database, no clock. The date is always an argument."""
from .calendar import absence_day, absence_week, add_bank_days, end_of_week, is_bank_day
from .followup import FastTrackOffer, FastTrackRefusal, check_in_due, expected_too_soon, fast_track_offer, remind_on
from .hours import HoursProblem, IsoWeek, Plan
from .regimes import REGIMES, Param, Regime, regime_for, regime_on
from .screening import Reason, active_reasons, handover_due, needs_handover, screen
from .timeline import (
    EXPECTED_WEEKS,
    CaseFacts,
    CheckInAnswer,
    Code,
    Correction,
    Expectation,
    HeldConversation,
    Obligation,
    ReasonCode,
    State,
    Who,
    expected_return,
    expected_weeks,
    find,
    questionnaire_due,
    timeline,
)

__all__ = ["EXPECTED_WEEKS", "REGIMES", "CaseFacts", "CheckInAnswer", "Code", "Correction", "Expectation",
           "FastTrackOffer", "FastTrackRefusal", "HeldConversation", "HoursProblem", "IsoWeek", "Obligation",
           "Param", "Plan", "Reason", "ReasonCode", "Regime", "State", "Who", "absence_day", "absence_week",
           "active_reasons", "add_bank_days", "check_in_due", "end_of_week", "expected_too_soon",
           "expected_return", "expected_weeks", "fast_track_offer", "find", "handover_due", "is_bank_day",
           "needs_handover", "questionnaire_due",
           "regime_for", "regime_on", "remind_on", "screen", "timeline"]
