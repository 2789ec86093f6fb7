"""What people type into a date or an hours field, and what the portal makes of it: a stored value
or the exact message, naming the box that is wrong. Pure functions of the shared form layer."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from portal.forms import DateParseError, parse_date_parts, parse_hours

NOV_10 = date(2026, 11, 10)


@pytest.mark.parametrize("day, month, year, stored", [
    ("10", "11", "2026", NOV_10),
    ("10", "11", " 2026 ", NOV_10),
    ("01", "01", "2026", date(2026, 1, 1)),
    ("1", "1", "2026", date(2026, 1, 1)),
    ("3", "jan", "2026", date(2026, 1, 3)),
    ("3", "Januar", "2026", date(2026, 1, 3)),
    ("3", "january", "2026", date(2026, 1, 3)),
    ("3", "feb.", "2026", date(2026, 2, 3)),
    ("3", "marts", "2026", date(2026, 3, 3)),
    ("3", "maj", "2026", date(2026, 5, 3)),
    ("3", "May", "2026", date(2026, 5, 3)),
    ("3", "juni", "2026", date(2026, 6, 3)),
    ("3", "okt", "2026", date(2026, 10, 3)),
    ("3", "oktober", "2026", date(2026, 10, 3)),
    ("3", "Oct", "2026", date(2026, 10, 3)),
    ("3", "dec.", "2026", date(2026, 12, 3)),
    ("29", "2", "2028", date(2028, 2, 29)),
    # The whole date typed in the day box, as many Danes do.
    ("10-11-2026", "", "", NOV_10),
    ("10.11.2026", "", "", NOV_10),
    ("10/11/2026", "", "", NOV_10),
    ("10. 11. 2026", "", "", NOV_10),
    ("10 11 2026", "", "", NOV_10),
    ("10112026", "", "", NOV_10),
    ("2026-11-10", "", "", NOV_10),
    ("10 nov 2026", "", "", NOV_10),
    ("10. november 2026", "", "", NOV_10),
    ("1-2-2026", "", "", date(2026, 2, 1)),
    ("", "", "", None),
])
def test_what_people_type_becomes_the_date(day, month, year, stored):
    assert parse_date_parts(day, month, year) == stored


@pytest.mark.parametrize("day, month, year, message, parts", [
    ("31", "2", "2026", "The date must be a real date, for example 30-11-2026.", ("day", "month", "year")),
    ("29", "2", "2026", "The date must be a real date, for example 30-11-2026.", ("day", "month", "year")),
    ("31-02-2026", "", "", "The date must be a real date, for example 30-11-2026.", ("day", "month", "year")),
    ("32", "1", "2026", "The date must be a real date, for example 30-11-2026.", ("day",)),
    ("0", "1", "2026", "The date must be a real date, for example 30-11-2026.", ("day",)),
    ("10", "13", "2026", "The date must be a real date, for example 30-11-2026.", ("month",)),
    ("10", "novembr", "2026", "The date must be a real date, for example 30-11-2026.", ("month",)),
    ("x", "y", "2026", "The date must be a real date, for example 30-11-2026.", ("day", "month")),
    ("١٠", "11", "2026", "The date must be a real date, for example 30-11-2026.", ("day",)),  # Arabic-Indic digits
    ("10", "11", "２０２６", "The date must be a real date, for example 30-11-2026.", ("year",)),  # full-width
    ("i går", "", "", "The date must be a real date, for example 30-11-2026.", ("day",)),
    ("10", "11", "26", "The year must have 4 digits, for example 2026.", ("year",)),
    ("10", "11", "0001", "The year must have 4 digits, for example 2026.", ("year",)),
    ("10-11-26", "", "", "The year must have 4 digits, for example 2026.", ("year",)),
    ("10", "11", "20266", "The year must have 4 digits, for example 2026.", ("year",)),
    ("", "11", "2026", "The date must include a day.", ("day",)),
    ("10", "", "2026", "The date must include a month.", ("month",)),
    ("10", "11", "", "The date must include a year.", ("year",)),
    ("10", "", "", "The date must include a month and a year.", ("month", "year")),
    ("", "", "2026", "The date must include a day and a month.", ("day", "month")),
    ("", "11", "", "The date must include a day and a year.", ("day", "year")),
])
def test_a_wrong_date_gets_a_precise_message_for_the_wrong_box(day, month, year, message, parts):
    with pytest.raises(DateParseError) as error:
        parse_date_parts(day, month, year)
    assert str(error.value.message) == message
    assert error.value.parts == parts


@pytest.mark.parametrize("typed, stored", [
    ("3,5", Decimal("3.5")), ("3.5", Decimal("3.5")), ("7,5", Decimal("7.5")), ("37", Decimal("37")),
    (" 37 ", Decimal("37")), ("0", Decimal("0")), (",5", Decimal("0.5")), ("7,25", Decimal("7.25")),
    ("3,5 timer", Decimal("3.5")), ("37 hours", Decimal("37")), ("4t", Decimal("4")), ("", None), ("  ", None),
    ("7,500", Decimal("7.5")),
    # Longer than Decimal's 28 digits: read, not a crash; the field's range then refuses it (found by the fuzz test).
    ("100000000000000000000000000", Decimal("1E+26")), ("1" * 40 + ",5", Decimal("1" * 40 + ".5")),
])
def test_hours_as_people_type_them(typed, stored):
    assert parse_hours(typed) == stored


@pytest.mark.parametrize("typed, message", [
    ("abc", "Enter the hours as a number, for example 37 or 7.5."),
    ("٣", "Enter the hours as a number, for example 37 or 7.5."),  # Arabic-Indic 3: Decimal() would take it
    ("３", "Enter the hours as a number, for example 37 or 7.5."),  # full-width 3
    ("½", "Enter the hours as a number, for example 37 or 7.5."),
    ("3½", "Enter the hours as a number, for example 37 or 7.5."),
    ("1e2", "Enter the hours as a number, for example 37 or 7.5."),
    ("NaN", "Enter the hours as a number, for example 37 or 7.5."),
    ("Infinity", "Enter the hours as a number, for example 37 or 7.5."),
    ("-1", "The hours cannot be a negative number."),
    ("3,,5", "Write the hours with at most one decimal point, for example 7.5."),
    ("1.000,5", "Write the hours with at most one decimal point, for example 7.5."),
    ("3,5,5", "Write the hours with at most one decimal point, for example 7.5."),
    ("3,125", "Write the hours with at most 2 decimals, for example 7.25."),
])
def test_nonsense_hours_get_a_precise_message(typed, message):
    with pytest.raises(ValueError) as error:
        parse_hours(typed)
    assert str(error.value.args[0]) == message
