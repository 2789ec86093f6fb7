"""Absence days and weeks counted from the first absence day (1. fraværsdag): day 1 is the first
day, week 1 is days 1-7, and "before the end of week 8" means on or before day 56."""
from __future__ import annotations

from datetime import date, timedelta


def absence_day(first_day: date, day: date) -> int:
    return (day - first_day).days + 1


def absence_week(first_day: date, day: date) -> int:
    return (absence_day(first_day, day) - 1) // 7 + 1


def end_of_week(first_day: date, week: int) -> date:
    """The last day of absence week `week`: end of week 8 is first_day + 55 days (day 56)."""
    return first_day + timedelta(days=7 * week - 1)
