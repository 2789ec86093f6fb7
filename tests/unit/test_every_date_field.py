"""Every date and time field of every form, in every face (issue 27): whatever is typed, the form
answers with a value inside the portal's dates or a message at the field, never an exception that
would be a 500. The forms are found, not listed, so a new form's date field is covered the day it is
added. The pages and the API are fuzzed in tests/web/test_bad_input.py and tests/api/test_bad_dates.py."""
from __future__ import annotations

import importlib
import inspect
from datetime import date, time

import pytest
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from portal.forms import DanishDateField, DanishTimeField
from portal.rules.calendar import FIRST_DATE, LAST_DATE
from portal.typed_numbers import foreign_digits

FORM_MODULES = ("portal.forms", "portal.main.forms", "portal.citizen.forms", "portal.citizen.ongoing_forms",
                "portal.questionnaire_forms", "portal.employer.forms", "portal.jobcenter.forms")
TYPED = (DanishDateField, DanishTimeField)


def forms_with_dates() -> list[tuple[type, list[str]]]:
    found = []
    for name in FORM_MODULES:
        module = importlib.import_module(name)
        for form in vars(module).values():
            if inspect.isclass(form) and issubclass(form, FlaskForm) and form.__module__ == name:
                fields = sorted(n for n in dir(form) if getattr(getattr(form, n), "field_class", None) in TYPED)
                if fields:
                    found.append((form, fields))
    return found


FORMS = forms_with_dates()
HOSTILE = ["9999-12-31", "0001-01-01", "2101-01-01", "1989-12-31", "31-12-9999", "\x00", "\u0661\u0660:\u0663\u0660",
           "\uff11\uff10:\uff13\uff10", "\u00b2", "10\u201311\u20132026", "+002026-11-10", "99:99", "24:00", "-1:30",
           "1e9", "10.30", "7:5", "\u0669:\u0665", "", " ", "\u00a0"]
TEXT = st.one_of(st.sampled_from(HOSTILE), st.dates().map(date.isoformat),
                 st.times().map(lambda t: t.strftime("%H:%M")), st.text(alphabet="0123456789-./: ", max_size=12),
                 st.text(max_size=12))
BOXES = st.fixed_dictionaries({"day": st.integers(-1, 40).map(str), "month": st.integers(-1, 13).map(str),
                               "year": st.integers(0, 99999).map(str)})
FUZZ = settings(max_examples=40, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def test_every_face_has_its_date_fields_found():
    names = {form.__name__ for form, _fields in FORMS}
    assert {"ReportSicknessForm", "EmployeeSickForm", "WhenForm", "DeadlineCalculatorForm", "CheckInForm"} <= names


@pytest.mark.parametrize("form, fields", FORMS, ids=[form.__name__ for form, _fields in FORMS])
def test_no_typed_date_or_time_makes_a_form_fail(app, form, fields):
    @FUZZ
    @given(typed=st.fixed_dictionaries({name: TEXT | BOXES for name in fields}))
    @example(typed=dict.fromkeys(fields, "9999-12-31"))
    @example(typed=dict.fromkeys(fields, "\u0661\u0660:\u0663\u0660"))
    @example(typed=dict.fromkeys(fields, "\u0669:\u0665"))
    def send(typed):
        data = MultiDict()
        for name, value in typed.items():
            if isinstance(value, dict) and getattr(form, name).field_class is DanishDateField:
                for part, text in value.items():
                    data.add(f"{name}-{part}", text)
            else:
                data.add(name, value if isinstance(value, str) else value["day"])
        with app.test_request_context("/", method="POST"):
            filled = form(formdata=data, meta={"csrf": False})
            for field in filled:   # choices a view fills in (the caseworkers of a municipality ...)
                if getattr(field, "choices", ()) is None:
                    field.choices = []
            filled.validate()   # a message or a value; an exception here is a 500 on the page
            for name in fields:
                field = getattr(filled, name)
                if field.data is not None:
                    assert not foreign_digits(str(typed[name])), ("read from digits that are not 0-9", name, typed)
                if isinstance(field.data, date):
                    assert FIRST_DATE <= field.data <= LAST_DATE, (name, field.data)
                elif field.data is not None:
                    assert isinstance(field.data, time), (name, field.data)
                if field.data is None and any(str(v).strip() for v in (field.raw_data or [])) and \
                        not str(typed[name]).isspace():
                    assert field.errors or not field.flags.required, (name, typed[name])

    send()


@pytest.mark.parametrize("typed, read", [
    ("10:30", time(10, 30)), ("10.30", time(10, 30)), ("7:05", time(7, 5)), ("\u00a010:30 ", time(10, 30)),
    ("\u0661\u0660:\u0663\u0660", None), ("\uff11\uff10:\uff13\uff10", None), ("10:3\u00b2", None), ("24:00", None),
    ("10:5", None), ("1030", None), ("\u0669:\u0665", None), ("\u0669:30", None),
])
def test_a_time_is_read_in_the_digits_0_9_only(app, typed, read):
    from portal.jobcenter.forms import BookConversationForm

    with app.test_request_context("/", method="POST"):
        filled = BookConversationForm(formdata=MultiDict({"at": typed}), meta={"csrf": False})
        filled.validate()
        assert filled.at.data == read
        if read is None:
            message = str(filled.at.errors[0])
            assert message in ("Skriv klokkeslættet med tallene 0-9, for eksempel 10:30.",
                               "Skriv klokkeslættet som timer og minutter, for eksempel 10:30.")
            assert ("0-9" in message) == any(ch.isdigit() and ch not in "0123456789" for ch in typed)
