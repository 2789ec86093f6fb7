"""Absence days and weeks counted from the first absence day (1. fraværsdag), and Danish bank days.

Day 1 is the first absence day and week 1 is days 1-7, so "before the end of week 8" means on or
before day 56 (RULES.md)."""
from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

# Every date the portal takes, in every form, the public calculator and the API: nothing about a sick
# leave lies outside these, and the timeline adds at most a few years to a date, so no deadline can
# be computed past what a date can hold (year 9999 made date arithmetic overflow into a 500).
FIRST_DATE = date(1990, 1, 1)
LAST_DATE = date(2100, 12, 31)


def within_dates(day: date) -> bool:
    """True when `day` is one the portal takes (FIRST_DATE to LAST_DATE, both included)."""
    return FIRST_DATE <= day <= LAST_DATE



def absence_day(first_day: date, day: date) -> int:
    return (day - first_day).days + 1


def absence_week(first_day: date, day: date) -> int:
    return (absence_day(first_day, day) - 1) // 7 + 1


def end_of_week(first_day: date, week: int) -> date:
    """The last day of absence week `week`: end of week 8 is first_day + 55 days (day 56)."""
    return first_day + timedelta(days=7 * week - 1)


def easter_sunday(year: int) -> date:
    """The anonymous Gregorian algorithm (Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month = (h + l_ - 7 * m + 114) // 31
    day = (h + l_ - 7 * m + 114) % 31 + 1
    return date(year, month, day)


@lru_cache(maxsize=64)
def bank_holidays(year: int) -> frozenset[date]:
    """Danmarks Nationalbank's bank closing days besides weekends: the public holidays, plus
    Grundlovsdag, Christmas Eve, New Year's Eve and the Friday after Ascension (banking practice).
    Store bededag was abolished from 2024; 1 May is a bank day."""
    easter = easter_sunday(year)
    days = {
        date(year, 1, 1),                      # nytårsdag
        easter - timedelta(days=3),            # skærtorsdag
        easter - timedelta(days=2),            # langfredag
        easter,                                # påskedag
        easter + timedelta(days=1),            # 2. påskedag
        easter + timedelta(days=39),           # Kristi himmelfartsdag
        easter + timedelta(days=40),           # fredagen efter Kristi himmelfartsdag (bankerne lukket)
        easter + timedelta(days=49),           # pinsedag
        easter + timedelta(days=50),           # 2. pinsedag
        date(year, 6, 5),                      # grundlovsdag
        date(year, 12, 24),                    # juleaftensdag
        date(year, 12, 25),                    # juledag
        date(year, 12, 26),                    # 2. juledag
        date(year, 12, 31),                    # nytårsaftensdag
    }
    if year <= 2023:
        days.add(easter + timedelta(days=26))  # store bededag (lov nr. 147 af 28.2.2023)
    return frozenset(days)


def is_bank_day(day: date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def add_bank_days(day: date, count: int) -> date:
    """The `count`th bank day after `day` (day itself not counted)."""
    current = day
    while count > 0:
        current += timedelta(days=1)
        if is_bank_day(current):
            count -= 1
    return current


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier, or that month's last day if it is shorter
    (31 August less 6 months is 28 or 29 February)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    following = date(year + (month == 12), month % 12 + 1, 1)
    return date(year, month, min(day.day, (following - timedelta(days=1)).day))
