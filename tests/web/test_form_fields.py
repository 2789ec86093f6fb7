"""The date and hours fields through a real form (the citizen's sick report): what is typed in the
three date boxes and the hours box is what is stored, and a mistake gets its exact message, in
Danish and in English, beside the box that is wrong."""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import select

from portal.db import session_scope
from portal.models import SickCase

from ..conftest import csrf_token
from .test_citizen_journey import CITIZEN, REPORT, STEPS

BASE = {key: value for key, value in REPORT.items() if key not in ("first_absence_day", "expected_return")}


def boxes(name, day="", month="", year=""):
    return {f"{name}-day": day, f"{name}-month": month, f"{name}-year": year}


def send(client, data, language="da"):
    client.get(f"/sprog/{language}?next=/")
    page = client.get("/borger/sygemelding")
    return client.post("/borger/sygemelding",
                       data={**data, "csrf_token": csrf_token(page.get_data(as_text=True))})


def stored_case(app):
    with app.app_context(), session_scope(app) as db:
        return db.exec(select(SickCase)).one()


@pytest.mark.parametrize("language", ["da", "en"])
@pytest.mark.parametrize("day, month, year, stored", [
    ("10", "11", "2026", date(2026, 11, 10)),
    ("9", "nov", "2026", date(2026, 11, 9)),
    ("09", "November", "2026", date(2026, 11, 9)),
    ("10-11-2026", "", "", date(2026, 11, 10)),
    ("10.11.2026", "", "", date(2026, 11, 10)),
    ("10/11/2026", "", "", date(2026, 11, 10)),
    ("10112026", "", "", date(2026, 11, 10)),
    ("2026-11-10", "", "", date(2026, 11, 10)),
    ("3", "okt.", "2026", date(2026, 10, 3)),
])
def test_the_first_absence_day_is_stored_as_typed(client, auth, app, language, day, month, year, stored):
    auth.login(CITIZEN)
    response = send(client, {**BASE, **boxes("first_absence_day", day, month, year)}, language)
    assert response.status_code == 303, response.get_data(as_text=True)[:0]
    assert stored_case(app).first_absence_day == stored


@pytest.mark.parametrize("day, month, year, danish, english, wrong", [
    ("31", "2", "2026", "Datoen skal være en rigtig dato, for eksempel 30-11-2026.",
     "The date must be a real date, for example 30-11-2026.", "day"),
    ("10", "11", "26", "Året skal have 4 cifre, for eksempel 2026.",
     "The year must have 4 digits, for example 2026.", "year"),
    ("1", "1", "0001", "Året skal have 4 cifre, for eksempel 2026.",
     "The year must have 4 digits, for example 2026.", "year"),
    ("17", "11", "2026", "Første fraværsdag kan ikke være i fremtiden.",
     "The first day of absence cannot be in the future.", "day"),
    ("10", "", "2026", "Datoen skal have en måned.", "The date must include a month.", "month"),
    ("", "11", "2026", "Datoen skal have en dag.", "The date must include a day.", "day"),
    ("10", "11", "", "Datoen skal have et år.", "The date must include a year.", "year"),
    ("", "", "", "Skriv den første dag, du var fraværende på grund af sygdom.",
     "Enter the first day you were absent because of sickness.", "day"),
])
def test_a_wrong_date_gets_its_exact_message_in_both_languages(client, auth, day, month, year, danish,
                                                               english, wrong):
    auth.login(CITIZEN)
    for language, message in (("da", danish), ("en", english)):
        response = send(client, {**BASE, **boxes("first_absence_day", day, month, year)}, language)
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        assert f'<a href="#first_absence_day-{wrong}">{message}</a>' in page  # the summary links the box
        assert re.search(r'id="first_absence_day-error">.*?</span> ' + re.escape(message), page)
        # What was typed stays in the boxes.
        for part, typed in (("day", day), ("month", month), ("year", year)):
            assert re.search(rf'id="first_absence_day-{part}" name="first_absence_day-{part}"\s+'
                             rf'type="text" inputmode="numeric"[^>]*value="{re.escape(typed)}"', page)
    assert 'id="first_absence_day-month"' in page


def test_only_the_wrong_box_is_marked_invalid(client, auth):
    auth.login(CITIZEN)
    page = send(client, {**BASE, **boxes("first_absence_day", "10", "13", "2026")}).get_data(as_text=True)
    inputs = {part: re.search(rf'<input[^>]*id="first_absence_day-{part}"[^>]*>', page).group(0)
              for part in ("day", "month", "year")}
    assert 'aria-invalid="true"' in inputs["month"]
    assert 'aria-invalid' not in inputs["day"] and 'aria-invalid' not in inputs["year"]


@pytest.mark.parametrize("language", ["da", "en"])
@pytest.mark.parametrize("typed, stored", [("4", Decimal("4")), ("7,5", Decimal("7.5")), ("7.5", Decimal("7.5")),
                                           ("18,5", Decimal("18.5")), ("12 timer", Decimal("12"))])
def test_partial_hours_with_a_decimal_comma_or_point(client, auth, app, language, typed, stored):
    auth.login(CITIZEN)
    response = send(client, {**BASE, **boxes("first_absence_day", "10", "11", "2026"),
                             "absence_kind": "partial", "partial_hours": typed}, language)
    assert response.status_code == 303
    assert stored_case(app).partial_hours_per_week == stored


@pytest.mark.parametrize("typed, danish, english", [
    ("3,5", "Delvis sygemelding kræver mindst 4 timers fravær om ugen.",
     "Partial sick leave requires at least 4 hours of absence a week."),
    ("75", "Skriv højst 60 timer om ugen.", "Enter at most 60 hours a week."),
    ("٧", "Skriv timerne som et tal, for eksempel 37 eller 7,5.",
     "Enter the hours as a number, for example 37 or 7.5."),
    ("fem", "Skriv timerne som et tal, for eksempel 37 eller 7,5.",
     "Enter the hours as a number, for example 37 or 7.5."),
    ("7,5,5", "Skriv timerne med højst ét decimalkomma, for eksempel 7,5.",
     "Write the hours with at most one decimal point, for example 7.5."),
])
def test_nonsense_hours_get_their_exact_message(client, auth, app, typed, danish, english):
    auth.login(CITIZEN)
    for language, message in (("da", danish), ("en", english)):
        response = send(client, {**BASE, **boxes("first_absence_day", "10", "11", "2026"),
                                 "absence_kind": "partial", "partial_hours": typed}, language)
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        assert f'<a href="#partial_hours">{message}' in page
        assert re.search(r'<input[^>]*id="partial_hours"[^>]*type="text"[^>]*value="' + re.escape(typed), page) \
            or re.search(r'<input[^>]*type="text"[^>]*id="partial_hours"', page)


def test_hours_are_shown_back_with_a_comma_in_danish_and_a_point_in_english(client, auth, app):
    auth.login(CITIZEN)
    send(client, {**BASE, **boxes("first_absence_day", "10", "11", "2026"),
                  "absence_kind": "partial", "partial_hours": "7.5"})
    case_id = stored_case(app).id
    assert "7,5 timer om ugen" in client.get(f"/borger/sag/{case_id}").get_data(as_text=True)
    client.get("/sprog/en?next=/")
    assert "7.5 hours a week" in client.get(f"/borger/sag/{case_id}").get_data(as_text=True)


def test_questionnaire_hours_typed_with_a_comma_are_stored_as_a_number_and_shown_by_language(client, auth, app):
    from portal.models import Questionnaire
    auth.login(CITIZEN)
    send(client, {**BASE, **boxes("first_absence_day", "10", "11", "2026")})
    case_id = stored_case(app).id
    for slug, answers in STEPS:
        if slug == "dit-arbejde":
            answers = {**answers, "weekly_hours": "37,5"}
        url = f"/borger/sag/{case_id}/oplysningsskema/{slug}"
        page = client.get(url)
        response = client.post(url, data={**answers, "action": "continue",
                                          "csrf_token": csrf_token(page.get_data(as_text=True))})
        assert response.status_code == 303, slug
    with app.app_context(), session_scope(app) as db:
        assert db.exec(select(Questionnaire)).one().answers["dit-arbejde"]["weekly_hours"] == "37.5"
    check = f"/borger/sag/{case_id}/oplysningsskema/tjek"
    assert "37,5" in client.get(check).get_data(as_text=True)
    client.get("/sprog/en?next=/")
    assert "37.5" in client.get(check).get_data(as_text=True)


def test_each_conditional_question_sits_under_the_radio_that_opens_it(client, auth):
    auth.login(CITIZEN)
    page = client.get("/borger/sygemelding").get_data(as_text=True)
    for radio, inside in (("employment-0", ("employer_cvr", "employer_name")), ("absence_kind-1", ("partial_hours",)),
                          ("expected_return_known-0", ("expected_return-day",))):
        assert f'data-controls="#{radio}-collapse"' in page
        content = re.search(rf'<div id="{radio}-collapse" class="radio-content" aria-hidden="false">(.*?)</li>',
                            page, re.S).group(1)
        for field in inside:
            assert f'id="{field}"' in content  # visible without JavaScript; DKFDS folds it away with it


@pytest.mark.parametrize("changes, ignored", [
    ({"employment": "unemployed", "employer_cvr": "123", "employer_name": "x" * 300}, "employer_cvr"),
    ({"absence_kind": "full", "partial_hours": "fem"}, "partial_hours_per_week"),
    ({"absence_kind": "full", "partial_hours": "2"}, "partial_hours_per_week"),
    ({"expected_return_known": "unknown", **boxes("expected_return", "31", "2", "2026")}, "expected_return"),
    ({"expected_return_known": "unknown", **boxes("expected_return", "1", "1", "2027")}, "expected_return"),
])
def test_a_question_that_does_not_apply_is_ignored_not_refused_nor_stored(client, auth, app, changes, ignored):
    auth.login(CITIZEN)
    response = send(client, {**BASE, **boxes("first_absence_day", "10", "11", "2026"), **changes})
    assert response.status_code == 303
    assert getattr(stored_case(app), ignored) is None


def test_the_error_summary_names_a_conditional_question_only_when_it_applies(client, auth):
    auth.login(CITIZEN)
    data = {**BASE, **boxes("first_absence_day", "10", "11", "2026"), "employer_cvr": "", "employer_name": "",
            "absence_kind": "full", "partial_hours": "", "expected_return_known": "date",
            **boxes("expected_return", "", "", "")}
    page = send(client, data).get_data(as_text=True)
    summary = re.search(r'<ul class="alert-text nobullet-list">(.*?)</ul>', page, re.S).group(1)
    assert re.findall(r'href="#([\w-]+)"', summary) == ["employer_cvr", "employer_name", "expected_return-day"]
