"""The rules, pure: no Flask, no database, no clock. The date is always an argument."""
from .calendar import absence_day, absence_week, end_of_week
from .regimes import REGIMES, Param, Regime, regime_on

__all__ = ["REGIMES", "Param", "Regime", "absence_day", "absence_week", "end_of_week", "regime_on"]
