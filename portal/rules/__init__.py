"""The rules, pure: no Flask, no database, no clock. The date is always an argument."""
from .calendar import absence_day, absence_week, add_bank_days, end_of_week, is_bank_day
from .followup import (
                       FastTrackOffer,
                       FastTrackRefusal,
                       employee_answer_due,
                       expected_too_soon,
                       fast_track_offer,
                       next_check_in,
                       request_lapsed,
)
from .hours import HoursProblem, IsoWeek, Plan
from .regimes import REGIMES, Param, Regime, regime_on
from .screening import (
                       CaseFacts,
                       Reason,
                       ReasonCode,
                       active_reasons,
                       expected_weeks,
                       handover_due,
                       needs_handover,
                       screen,
)

__all__ = ["REGIMES", "CaseFacts", "FastTrackOffer", "FastTrackRefusal", "HoursProblem", "IsoWeek", "Plan",
           "employee_answer_due", "expected_too_soon", "fast_track_offer", "next_check_in", "request_lapsed",
           "Param", "Reason", "ReasonCode", "Regime", "absence_day",
           "absence_week", "active_reasons", "add_bank_days", "end_of_week", "expected_weeks",
           "handover_due", "is_bank_day", "needs_handover", "regime_on", "screen"]
