"""Calendar arithmetic and the regimes, as tables of real cases. Each row names its source."""
from __future__ import annotations

from datetime import date

import pytest

from portal.rules import absence_day, absence_week, add_bank_days, end_of_week, is_bank_day, regime_on
from portal.rules.calendar import easter_sunday


@pytest.mark.parametrize("first, day, expected_day, expected_week, source", [
    (date(2026, 1, 5), date(2026, 1, 5), 1, 1, "RULES.md: day 1 is the first absence day"),
    (date(2026, 1, 5), date(2026, 1, 11), 7, 1, "RULES.md: week 1 is days 1-7"),
    (date(2026, 1, 5), date(2026, 1, 12), 8, 2, "RULES.md: day 8 opens week 2"),
    (date(2026, 1, 5), date(2026, 2, 28), 55, 8, "§ 13 b: day 55 is inside week 8"),
    (date(2026, 1, 5), date(2026, 3, 1), 56, 8, "§ 13 b: day 56 is the last day of week 8"),
    (date(2026, 1, 5), date(2026, 3, 2), 57, 9, "§ 13 b: day 57 is past week 8"),
    (date(2025, 12, 20), date(2026, 1, 2), 14, 2, "year end: weeks run across 1 January"),
    (date(2024, 2, 28), date(2024, 3, 1), 3, 1, "leap year: 29 February counts"),
])
def test_absence_days_and_weeks(first, day, expected_day, expected_week, source):
    assert absence_day(first, day) == expected_day, source
    assert absence_week(first, day) == expected_week, source


@pytest.mark.parametrize("first, week, expected, source", [
    (date(2026, 1, 5), 8, date(2026, 3, 1), "§ 13 b: end of week 8 = first day + 55 days"),
    (date(2026, 11, 16), 8, date(2027, 1, 10), "§ 13 b across a year end"),
    (date(2026, 12, 25), 8, date(2027, 2, 18), "§ 13 b: first day on juledag, a public holiday"),
    (date(2026, 11, 14), 8, date(2027, 1, 8), "§ 13 b: first day on a Saturday counts as day 1"),
    (date(2026, 1, 5), 22, date(2026, 6, 7), "§ 24: revurdering by the end of week 22"),
    (date(2026, 1, 5), 4, date(2026, 2, 1), "§ 7 a: employer's absence conversation by week 4"),
])
def test_end_of_week(first, week, expected, source):
    assert end_of_week(first, week) == expected, source


@pytest.mark.parametrize("year, expected", [
    (2024, date(2024, 3, 31)), (2025, date(2025, 4, 20)), (2026, date(2026, 4, 5)), (2027, date(2027, 3, 28)),
])
def test_easter(year, expected):
    assert easter_sunday(year) == expected


@pytest.mark.parametrize("day, bank_day, source", [
    (date(2026, 4, 2), False, "skærtorsdag 2026"),
    (date(2026, 4, 3), False, "langfredag 2026"),
    (date(2026, 4, 6), False, "2. påskedag 2026"),
    (date(2026, 4, 7), True, "the Tuesday after Easter"),
    (date(2023, 5, 5), False, "store bededag 2023, still a holiday"),
    (date(2024, 4, 26), True, "store bededag abolished from 2024 (lov nr. 147 af 28.2.2023)"),
    (date(2026, 5, 14), False, "Kristi himmelfartsdag 2026"),
    (date(2026, 6, 5), False, "grundlovsdag: banks closed"),
    (date(2026, 12, 24), False, "juleaftensdag: banks closed"),
    (date(2026, 12, 31), False, "nytårsaftensdag: banks closed"),
    (date(2026, 11, 21), False, "a Saturday"),
    (date(2026, 11, 23), True, "an ordinary Monday"),
    # Danmarks Nationalbank's published bank closing days: the Friday after Ascension is one
    (date(2024, 5, 10), False, "Nationalbanken: fredag efter Kristi himmelfart 2024"),
    (date(2025, 5, 30), False, "Nationalbanken: fredag efter Kristi himmelfart 2025"),
    (date(2026, 5, 15), False, "Nationalbanken: fredag efter Kristi himmelfart 2026"),
    (date(2027, 5, 7), False, "Nationalbanken: fredag efter Kristi himmelfart 2027"),
    (date(2026, 5, 1), True, "1 May is a bank day (RULES.md)"),
    (date(2027, 5, 14), True, "an ordinary Friday a week after Ascension 2027"),
])
def test_bank_days(day, bank_day, source):
    assert is_bank_day(day) is bank_day, source


@pytest.mark.parametrize("start, count, expected, source", [
    (date(2026, 11, 23), 2, date(2026, 11, 25), "bek. 1710/2024: 2 bank days to consent"),
    (date(2026, 4, 1), 2, date(2026, 4, 8), "2 bank days across Easter 2026"),
    (date(2026, 12, 23), 2, date(2026, 12, 29), "2 bank days across Christmas"),
    (date(2026, 12, 30), 2, date(2027, 1, 5), "2 bank days across New Year"),
    (date(2026, 11, 20), 1, date(2026, 11, 23), "a Friday request: the next bank day is Monday"),
    (date(2026, 5, 13), 2, date(2026, 5, 19), "across Ascension and the Friday after it (15 May 2026)"),
    (date(2027, 5, 5), 2, date(2027, 5, 11), "across Ascension 2027 and the Friday after it (7 May 2027)"),
])
def test_add_bank_days(start, count, expected, source):
    assert add_bank_days(start, count) == expected, source


@pytest.mark.parametrize("day, code, source", [
    (date(2024, 12, 31), "2019", "the seeds' rules until the 2025 change"),
    (date(2025, 1, 1), "2025", "1 January 2025: category 3 repealed"),
    (date(2026, 6, 30), "2025", "the day before the 2026 rules"),
    (date(2026, 7, 1), "2026", "lov nr. 1750 af 29.12.2025 in force (date unverified, RULES.md)"),
])
def test_regime_in_force(day, code, source):
    assert regime_on(day).code == code, source


def test_every_parameter_names_its_source():
    from dataclasses import fields

    from portal.rules import REGIMES, Param

    for regime in REGIMES:
        for f in fields(regime):
            value = getattr(regime, f.name)
            if isinstance(value, Param):
                assert value.source.strip(), f"{regime.code}.{f.name} has no source"


@pytest.mark.parametrize("typed, expected", [
    ("610590-4321", "6105904321"),     # Lise Testesen: a substitute number, 1 May 1990 + 60
    ("0101001234", "0101001234"),      # 1 January 1900 (7th digit 1)
    ("2902004000", "2902004000"),      # 29 February 2000 (7th digit 4, year 00 -> 2000, a leap year)
    ("2902884000", "2902884000"),      # 29 February 1988 (7th digit 4, year 88 -> 1900s)
    ("3102901234", None),              # 31 February does not exist
    ("2902014000", None),              # 29 February 2001 (7th digit 4 -> 2001, not a leap year)
    ("9102901234", None),              # a substitute number on 31 February
    ("3104901234", None),              # 31 April
    ("0013901234", None),              # month 13
    ("6105904321 ", "6105904321"),
    ("61059-04321", None),
])
def test_cpr_numbers_need_a_real_date(typed, expected):
    from portal.personal_data import normalise_cpr

    assert normalise_cpr(typed) == expected


@pytest.mark.parametrize("typed, expected", [
    ("DK12345674", "12345674"), ("dk 1234 5674", "12345674"), ("DK-12345674", "12345674"),
    ("12 34 56 74", "12345674"), ("12345674", "12345674"),
])
def test_cvr_numbers_typed_with_dk(typed, expected):
    from portal.forms import normalise_cvr_input

    assert normalise_cvr_input(typed) == expected
