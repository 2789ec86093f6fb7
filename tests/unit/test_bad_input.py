"""Bad input from the outside review (issue 27), as tables of what people type and what the portal
makes of it: CPR and CVR numbers, hours and dates, read the same in every face. Pure functions."""
from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from wtforms import Form

import portal
from portal.cases.search import Term, read_term
from portal.forms import DanishDecimalField, DateParseError, normalise_cvr_input, parse_date_parts, parse_hours
from portal.personal_data import CprError, CprProblem, birth_century, read_cpr
from portal.rules.calculator import CalculatorInput, InputProblem, calculate, problems
from portal.rules.calendar import FIRST_DATE, LAST_DATE, within_dates
from portal.typed_numbers import foreign_digits, tidy

TODAY = date(2026, 11, 16)  # the tests' pinned "today" (tests/conftest.py)

# --- CPR numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize("typed, digits", [
    ("610590-4321", "6105904321"),           # Lise Testesen, a substitute number (day + 60)
    ("720385-4312", "7203854312"),           # Ahmed Prøvesen
    ("851177-4323", "8511774323"),           # Bo Eksempel
    ("6105904321", "6105904321"),
    ("610590\u20134321", "6105904321"),       # en dash, as autocorrect writes it
    ("610590\u20144321", "6105904321"),       # em dash
    ("610590\u22124321", "6105904321"),       # minus sign
    ("610590\u20114321", "6105904321"),       # non-breaking hyphen
    ("610590 \u2013 4321", "6105904321"),     # spaced en dash, copied from a letter
    ("610590\u00a04321", "6105904321"),       # NBSP
    ("610590\u202f4321", "6105904321"),       # narrow NBSP
    ("61 05 90 43 21", "6105904321"),
    ("0101001234", "0101001234"),            # 1 January 1900 (7th digit 1)
    ("2902004000", "2902004000"),            # 29 February 2000 (7th digit 4, year 00)
    ("1611264000", "1611264000"),            # born today (7th digit 4, year 26 -> 2026)
    ("010158-5000", "0101585000"),           # 7th digit 5, year 58 -> 1858
    ("010137-9000", "0101379000"),           # 7th digit 9, year 37 -> 1937
])
def test_a_cpr_number_as_typed_becomes_its_ten_digits(typed, digits):
    assert read_cpr(typed, TODAY) == digits


@pytest.mark.parametrize("typed, problem", [
    ("\u0666\u0661\u0660\u0665\u0669\u0660-\u0664\u0663\u0662\u0661", CprProblem.DIGITS),  # Arabic-Indic
    ("\uff16\uff11\uff10\uff15\uff19\uff10\uff14\uff13\uff12\uff11", CprProblem.DIGITS),   # full-width
    ("610590-432\u00b9", CprProblem.DIGITS),                                             # superscript 1
    ("610590-432\u00b2", CprProblem.DIGITS),                                             # superscript 2
    ("\u09ec105904321", CprProblem.DIGITS),                                              # Bengali 6
    ("12345", CprProblem.FORM),
    ("61059-04321", CprProblem.FORM),
    ("610590--4321", CprProblem.FORM),
    ("abcdefghij", CprProblem.FORM),
    ("", CprProblem.FORM),
    ("321390-1234", CprProblem.NO_SUCH_DATE),     # day 32
    ("921390-1234", CprProblem.NO_SUCH_DATE),     # a substitute number on day 32
    ("310290-1234", CprProblem.NO_SUCH_DATE),     # 31 February
    ("011390-1234", CprProblem.NO_SUCH_DATE),     # month 13
    ("290201-4000", CprProblem.NO_SUCH_DATE),     # 29 February 2001
    ("1711264000", CprProblem.FUTURE),            # tomorrow (7th digit 4 -> 2026)
    ("010130-4000", CprProblem.FUTURE),           # 7th digit 4, year 30 -> 2030
    ("010136-9000", CprProblem.FUTURE),           # 7th digit 9, year 36 -> 2036
    ("010157-5000", CprProblem.FUTURE),           # 7th digit 5, year 57 -> 2057
    ("010150-8000", CprProblem.FUTURE),           # 7th digit 8, year 50 -> 2050
    ("770130-4000", CprProblem.FUTURE),           # a substitute number: day 77 is 17 January 2030
])
def test_a_wrong_cpr_number_says_what_is_wrong(typed, problem):
    with pytest.raises(CprError) as error:
        read_cpr(typed, TODAY)
    assert error.value.problem == problem


@pytest.mark.parametrize("year, seventh, century", [
    (0, 0, 1900), (99, 3, 1900), (36, 4, 2000), (37, 4, 1900), (36, 9, 2000), (37, 9, 1900),
    (57, 5, 2000), (58, 5, 1800), (57, 8, 2000), (58, 8, 1800),
])
def test_the_century_of_birth_follows_the_cpr_register(year, seventh, century):
    assert birth_century(year, seventh) == century


def test_the_test_and_demo_cpr_numbers_stay_valid():
    from portal.demo import demo_cpr
    from portal.devidp.identities import IDENTITIES

    numbers = [identity["cpr"] for identity in IDENTITIES if "cpr" in identity]
    numbers += [demo_cpr(n) for n in range(1000)]
    recipients = Path(portal.__file__).parent / "data" / "post_test_recipients.json"
    numbers += re.findall(r"\b[0-9]{10}\b", recipients.read_text())
    register = Path(portal.__file__).parent / "devregister" / "people.json"
    numbers += re.findall(r"\b[0-9]{10}\b", register.read_text())
    assert len(numbers) > 1003 + 39
    for number in numbers:
        assert read_cpr(number, TODAY) == number.replace("-", "")


@pytest.mark.parametrize("typed, term", [
    ("610590\u20134321", Term(cpr="6105904321")),      # an en dash finds the citizen
    ("610590 \u2212 4321", Term(cpr="6105904321")),    # a minus sign with spaces
    ("610590\u00a04321", Term(cpr="6105904321")),
    ("sag \u0661\u0667", Term(reference="sag \u0661\u0667", words=("sag", "\u0661\u0667"))),  # not case 17
])
def test_the_caseworkers_search_reads_the_cpr_number_as_the_forms_do(typed, term):
    assert read_term(typed) == term


# --- CVR numbers -----------------------------------------------------------------------------------


@pytest.mark.parametrize("typed, stored", [
    ("12345674", "12345674"), ("DK 1234 5674", "12345674"), ("1234\u20135674", "12345674"),
    ("12\u00a034\u00a056\u00a074", "12345674"), ("dk\u221212345674", "12345674"),
    ("12\u202f34\u202f56\u202f74", "12345674"),
])
def test_a_cvr_number_as_typed(typed, stored):
    assert normalise_cvr_input(typed) == stored


@pytest.mark.parametrize("typed", ["١٢٣٤٥٦٧٤", "１２３４５６７４", "1234567\u00b2", "1234567\u2074"])
def test_a_cvr_number_in_other_digits_is_no_cvr_number(typed):
    from portal.personal_data import valid_cvr

    value = normalise_cvr_input(typed)
    assert foreign_digits(value) and not valid_cvr(value)


# --- Hours -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed, stored", [
    ("7.5", Decimal("7.5")), ("37,5", Decimal("37.5")), ("37.5", Decimal("37.5")), ("3,5", Decimal("3.5")),
    ("7,500", Decimal("7.5")),              # a decimal comma before three digits is still a decimal
    ("0.500", Decimal("0.5")),              # no thousand starts with 0
    ("37\u00a0,5", Decimal("37.5")), ("168", Decimal("168")),
    ("1.000", Decimal("1000")),             # a thousand (the dot before three digits), never 1 hour
    ("2.500", Decimal("2500")), ("1.000.000", Decimal("1000000")),
])
def test_hours_as_danes_type_them(typed, stored):
    assert parse_hours(typed) == stored


class Week(Form):
    hours = DanishDecimalField()  # no range of its own


@pytest.mark.parametrize("typed, errors", [
    ("168", []), ("168,5", ["A week has 168 hours. Enter the hours of one week, for example 37."]),
    ("1.000", ["A week has 168 hours. Enter the hours of one week, for example 37."]),
])
def test_an_hours_field_never_takes_more_than_a_week_has(typed, errors):
    form = Week(MultiDict({"hours": typed}))
    form.validate()
    assert [str(e) for e in form.hours.errors] == errors


@pytest.mark.parametrize("typed, message", [
    ("\u22123", "The hours cannot be a negative number."),       # minus sign
    ("\u20133", "The hours cannot be a negative number."),       # en dash
    ("\u0663\u0667", "Enter the hours as a number, for example 37 or 7.5."),
    ("\u00b3", "Enter the hours as a number, for example 37 or 7.5."),
])
def test_hours_that_are_no_number_are_refused(typed, message):
    with pytest.raises(ValueError) as error:
        parse_hours(typed)
    assert str(error.value.args[0]) == message


# --- Dates -----------------------------------------------------------------------------------------

OUTSIDE = "The date must be between 1 January 1990 and 31 December 2100."


@pytest.mark.parametrize("day, month, year", [
    ("31", "12", "9999"), ("1", "1", "9999"), ("9999-12-31", "", ""), ("31.12.9999", "", ""),
    ("31", "12", "1989"), ("1", "1", "2101"), ("1", "1", "1000"), ("01011900", "", ""),
])
def test_a_date_outside_the_portals_dates_names_the_year(day, month, year):
    with pytest.raises(DateParseError) as error:
        parse_date_parts(day, month, year)
    assert str(error.value.message) == OUTSIDE
    assert error.value.parts == ("year",)


@pytest.mark.parametrize("day, month, year, stored", [
    ("1", "1", "1990", FIRST_DATE), ("31", "12", "2100", LAST_DATE),
    ("10\u201311\u20132026", "", "", date(2026, 11, 10)),     # en dashes from autocorrect
    ("10\u00a0nov\u00a02026", "", "", date(2026, 11, 10)),
])
def test_the_portals_dates_are_taken_to_their_ends(day, month, year, stored):
    assert parse_date_parts(day, month, year) == stored


def test_the_bound_is_one_place():
    assert (FIRST_DATE, LAST_DATE) == (date(1990, 1, 1), date(2100, 12, 31))
    assert within_dates(FIRST_DATE) and within_dates(LAST_DATE)
    assert not within_dates(FIRST_DATE - timedelta(days=1)) and not within_dates(LAST_DATE + timedelta(days=1))


@pytest.mark.parametrize("field", ["first_absence_day", "on", "fast_track_requested_on", "questionnaire_sent_on",
                                   "expected_return"])
@pytest.mark.parametrize("day", [date(9999, 12, 31), date(2101, 1, 1), date(1989, 12, 31), date(1, 1, 1)])
def test_the_calculator_names_a_date_outside_the_portals_dates(field, day):
    entered = {"first_absence_day": date(2026, 11, 2), "on": TODAY, field: day}
    assert problems(entered)[field] == InputProblem.OUTSIDE_DATES


PORTAL_DATES = st.dates(min_value=FIRST_DATE, max_value=LAST_DATE)


@settings(max_examples=300, deadline=None)
@given(first=PORTAL_DATES, on=PORTAL_DATES, fast_track=st.none() | PORTAL_DATES,
       questionnaire=st.none() | PORTAL_DATES, expected=st.none() | PORTAL_DATES)
def test_the_calculator_computes_every_date_it_accepts(first, on, fast_track, questionnaire, expected):
    """No date the calculator accepts makes its arithmetic overflow (9999-12-31 did)."""
    entered = {"first_absence_day": first, "on": on, "fast_track_requested_on": fast_track,
               "questionnaire_sent_on": questionnaire, "expected_return": expected}
    if problems(entered):
        return
    _regime, obligations = calculate(CalculatorInput(**entered))
    assert obligations


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30))
def test_tidy_text_is_the_same_however_often(text):
    assert tidy(tidy(text)) == tidy(text)
