"""Bad input from the outside review (issue 27) through the web, in every face: a date in year 9999,
digits that are not 0-9, a CPR number born in the future or typed with an en dash, "1.000" hours.
Each is a 400 with the field's message in Danish and English (or a problem naming the field),
never a 500. Today is Monday 16 November 2026."""
from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from portal.db import session_scope
from portal.models import Citizen, EmployerReport, SickCase
from portal.personal_data import cpr_hash
from portal.rules.calendar import FIRST_DATE, LAST_DATE

from ..conftest import Auth
from .test_caseworkers_day import lises_case, search
from .test_citizen_journey import CITIZEN, REPORT, post_form, report_sick, text
from .test_employer import HANNE, report_employee
from .test_jobcenter import caseworker

PROBLEM = "application/problem+json"
OUTSIDE = {"da": "Datoen skal ligge mellem 1. januar 1990 og 31. december 2100.",
           "en": "The date must be between 1 January 1990 and 31 December 2100."}
CALCULATOR_FIELDS = ("first_absence_day", "fast_track_requested_on", "questionnaire_sent_on", "expected_return", "on")


def in_language(client, language: str) -> None:
    client.get(f"/sprog/{language}?next=/")


def summary_link(field: str, message: str) -> str:
    """The error summary's link to the box that is wrong."""
    return f'<a href="#{field}">{message}</a>'


def logged_in(app, who: str, face: str = "citizen"):
    client = app.test_client()
    Auth(client).login(who, face)
    return client


def cases(app) -> list[SickCase]:
    with app.app_context(), session_scope(app) as db:
        return list(db.exec(select(SickCase)))


# --- Year 9999 -------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["da", "en"])
@pytest.mark.parametrize("changes, field", [
    ({"first_absence_day": "9999-12-31"}, "first_absence_day"),
    ({"first_absence_day": "1989-12-31"}, "first_absence_day"),
    ({"expected_return_known": "date", "expected_return": "9999-12-31"}, "expected_return"),
    ({"expected_return_known": "date", "expected_return-day": "1", "expected_return-month": "1",
      "expected_return-year": "9999"}, "expected_return"),
])
def test_the_citizens_sick_report_refuses_year_9999_with_the_message_at_the_year(app, language, changes, field):
    lise = logged_in(app, CITIZEN)
    in_language(lise, language)
    answer = report_sick(lise, **changes)
    assert answer.status_code == 400
    assert summary_link(f"{field}-year", OUTSIDE[language]) in text(answer)
    assert cases(app) == []


@pytest.mark.parametrize("language", ["da", "en"])
def test_the_employers_report_refuses_year_9999(app, language):
    hanne = logged_in(app, HANNE, "employer")
    in_language(hanne, language)
    answer = report_employee(hanne, first_absence_day="9999-12-31")
    assert answer.status_code == 400
    assert summary_link("first_absence_day-year", OUTSIDE[language]) in text(answer)
    assert cases(app) == []


def test_the_employers_questions_refuse_an_expected_return_in_year_9999(app):
    hanne = logged_in(app, HANNE, "employer")
    assert report_employee(hanne).status_code == 303
    with app.app_context(), session_scope(app) as db:
        report_id = db.exec(select(EmployerReport.id)).one()
    url = f"/arbejdsgiver/indberetning/{report_id}/spoergsmaal"
    answer = post_form(hanne, url, {"conversation_held": "no", "expected_known": "date",
                                    "expected_return": "31-12-9999", "retention_plan": "no"})
    assert answer.status_code == 400
    assert summary_link("expected_return-year", OUTSIDE["da"]) in text(answer)


def test_the_citizens_check_in_refuses_an_expected_return_in_year_9999(app):
    lise = logged_in(app, CITIZEN)
    case_id = int(re.search(r"/sag/(\d+)/", report_sick(lise, first_absence_day="2026-10-01")
                            .headers["Location"]).group(1))          # a check-in is due
    answer = post_form(lise, f"/borger/sag/{case_id}/opfoelgning", {
        "feeling": "same", "expected_return_known": "date", "expected_return": "31-12-9999",
        "can_work_partly": "no", "wants_conversation": "no"})
    assert answer.status_code == 400
    assert summary_link("expected_return-year", OUTSIDE["da"]) in text(answer)


@pytest.mark.parametrize("until", ["31-12-9999", "01-01-2101"])
def test_the_caseworkers_wait_refuses_year_9999(app, until):
    case_id = lises_case(app)
    mette = caseworker(app)
    page = mette.get(f"/jobcenter/sag/{case_id}")
    token = re.search(r'name="wait-csrf_token"[^>]*value="([^"]+)"', text(page)).group(1)
    answer = mette.post(f"/jobcenter/sag/{case_id}/vent", data={
        "wait-until": until, "wait-reason": "Venter på lægeerklæring", "wait-csrf_token": token})
    assert answer.status_code == 400
    assert OUTSIDE["da"] in text(answer)


@pytest.mark.parametrize("language", ["da", "en"])
@pytest.mark.parametrize("field", CALCULATOR_FIELDS)
def test_the_public_calculator_page_refuses_year_9999_in_every_field(client, language, field):
    in_language(client, language)
    query = {"first_absence_day": "2026-11-02", field: "9999-12-31"}
    answer = client.get("/frister", query_string=query)
    assert answer.status_code == 400
    assert summary_link(f"{field}-year", OUTSIDE[language]) in text(answer)


@pytest.mark.parametrize("field", CALCULATOR_FIELDS)
@pytest.mark.parametrize("day", ["9999-12-31", "9999-01-01", "2101-01-01", "1989-12-31", "0001-01-01"])
def test_the_public_calculator_as_json_answers_a_problem_naming_the_field(client, field, day):
    in_language(client, "en")
    query = {"first_absence_day": "2026-11-02", field: day}
    answer = client.get("/frister", query_string=query, headers={"Accept": "application/json"})
    assert answer.status_code == 400 and answer.mimetype == PROBLEM
    assert answer.get_json()["errors"] == [{"field": field, "detail": OUTSIDE["en"]}]


def test_a_nul_byte_to_the_calculator_as_json_is_a_problem_naming_the_field(client):
    answer = client.get("/frister?first_absence_day=2026-11-02%00&on=2026-11-16",
                        headers={"Accept": "application/json"})
    assert answer.status_code == 400 and answer.mimetype == PROBLEM
    assert [e["field"] for e in answer.get_json()["errors"]] == ["first_absence_day"]
    page = client.get("/frister?first_absence_day=2026-11-02%00")
    assert page.status_code == 400 and page.mimetype == "text/html"  # the page side: the 400 page, as before


# --- Digits, CPR, CVR and hours --------------------------------------------------------------------

DIGITS_CVR = {"da": "Skriv CVR-nummeret med cifrene 0-9, for eksempel 12345674.",
              "en": "Write the CVR number with the digits 0-9, for example 12345674."}


@pytest.mark.parametrize("language", ["da", "en"])
@pytest.mark.parametrize("cvr", ["1234567\u00b2", "\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0664",
                                 "\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff14"])
def test_the_citizens_employer_cvr_in_other_digits_is_a_field_error(app, language, cvr):
    lise = logged_in(app, CITIZEN)
    in_language(lise, language)
    answer = report_sick(lise, employer_cvr=cvr)
    assert answer.status_code == 400
    assert summary_link("employer_cvr", DIGITS_CVR[language]) in text(answer)
    assert cases(app) == []


def test_the_citizens_employer_cvr_typed_with_an_en_dash_and_nbsp_is_stored_as_eight_digits(app):
    lise = logged_in(app, CITIZEN)
    assert report_sick(lise, employer_cvr="DK\u00a01234\u20135674").status_code == 303
    assert cases(app)[0].employer_cvr == "12345674"


@pytest.mark.parametrize("cpr, danish, english", [
    ("\u0666\u0661\u0660\u0665\u0669\u0660-\u0664\u0663\u0662\u0661",
     "Skriv CPR-nummeret med cifrene 0-9, for eksempel 010190-1234.",
     "Write the CPR number with the digits 0-9, for example 010190-1234."),
    ("\uff16\uff11\uff10\uff15\uff19\uff10-\uff14\uff13\uff12\uff11",
     "Skriv CPR-nummeret med cifrene 0-9, for eksempel 010190-1234.",
     "Write the CPR number with the digits 0-9, for example 010190-1234."),
    ("010150-5000", "Fødselsdatoen i CPR-nummeret ligger i fremtiden. Tjek nummeret.",
     "The date of birth in this CPR number is in the future. Check the number."),
    ("171126-4000", "Fødselsdatoen i CPR-nummeret ligger i fremtiden. Tjek nummeret.",
     "The date of birth in this CPR number is in the future. Check the number."),
    ("321390-1234", "De første 6 cifre i et CPR-nummer er fødselsdatoen (ddmmåå), og den dato findes ikke. "
                    "Tjek nummeret.",
     "The first 6 digits of a CPR number are a date of birth (ddmmyy), and this date does not exist. "
     "Check the number."),
])
def test_the_employers_cpr_number_in_other_digits_or_born_in_the_future_is_refused(app, cpr, danish, english):
    hanne = logged_in(app, HANNE, "employer")
    for language, message in (("da", danish), ("en", english)):
        in_language(hanne, language)
        answer = report_employee(hanne, cpr=cpr)
        assert answer.status_code == 400
        assert summary_link("cpr", message) in text(answer)
    assert cases(app) == []


def test_a_cpr_number_typed_with_an_en_dash_opens_the_case_lise_then_sees(app):
    hanne = logged_in(app, HANNE, "employer")
    assert report_employee(hanne, cpr="610590\u20134321").status_code == 303
    with app.app_context(), session_scope(app) as db:
        citizen = db.exec(select(Citizen).where(Citizen.cpr_hash == cpr_hash("6105904321"))).one()
        assert [case.citizen_id for case in db.exec(select(SickCase))] == [citizen.id]
    lise = logged_in(app, CITIZEN)
    assert "9. november 2026" in text(lise.get("/borger/mit-sygefravaer"))  # her login finds the case
    with app.app_context(), session_scope(app) as db:
        assert len(db.exec(select(Citizen)).all()) == 1


@pytest.mark.parametrize("term", ["610590\u20134321", "610590 \u2013 4321", "610590\u22124321", "610590\u20114321",
                                  "610590\u00a04321"])
def test_the_caseworkers_search_finds_a_cpr_number_typed_with_any_dash(app, term):
    case_id = lises_case(app)
    found = search(caseworker(app), term)
    assert found.status_code == 200
    assert f"/jobcenter/sag/{case_id}" in text(found) and "1 sag fundet" in text(found)


@pytest.mark.parametrize("language, message", [
    ("da", "Skriv højst 60 timer om ugen."), ("en", "Enter at most 60 hours a week."),
])
def test_1_000_hours_is_a_thousand_not_one(app, language, message):
    lise = logged_in(app, CITIZEN)
    in_language(lise, language)
    answer = report_sick(lise, absence_kind="partial", partial_hours="1.000")
    assert answer.status_code == 400
    assert summary_link("partial_hours", message) in text(answer)
    assert cases(app) == []


@pytest.mark.parametrize("typed, stored", [("37,5", 37.5), ("7.5", 7.5), ("7,5", 7.5)])
def test_hours_with_a_decimal_comma_or_point_are_stored_as_today(app, typed, stored):
    lise = logged_in(app, CITIZEN)
    assert report_sick(lise, absence_kind="partial", partial_hours=typed).status_code == 303
    assert float(cases(app)[0].partial_hours_per_week) == stored


# --- No date gives a 500, in any face (hypothesis) ------------------------------------------------

HOSTILE_DATES = ["9999-12-31", "31-12-9999", "31.12.9999", "31129999", "0001-01-01", "01-01-0001", "1989-12-31",
                 "2101-01-01", "2100-12-31", "1990-01-01", "9999-99-99", "2026-02-30", "\u0662\u0660\u0662\u0666-11-10",
                 "10\u201311\u20132026", "+002026-11-10", "2026-W45-1", "20261110", "-1", "1e9", ""]
DATE_TEXT = st.one_of(
    st.sampled_from(HOSTILE_DATES),
    st.dates().map(date.isoformat),
    st.dates().map(lambda d: f"{d.day:02d}-{d.month:02d}-{d.year:04d}"),
    st.text(alphabet="0123456789-./ ", max_size=12),
    st.text(max_size=12),
)
BOXES = st.fixed_dictionaries({"day": st.integers(-1, 40).map(str), "month": st.integers(-1, 13).map(str),
                               "year": st.integers(0, 99999).map(str)})
FUZZ = settings(max_examples=50, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def date_value(name: str, typed) -> dict:
    """One field's date as a whole text under its name, or as its three boxes."""
    if isinstance(typed, dict):
        return {f"{name}-{part}": value for part, value in typed.items()}
    return {name: typed}


def stored_dates_are_the_portals(app) -> None:
    for case in cases(app):
        for value in (case.first_absence_day, case.expected_return, case.reported_on):
            assert value is None or FIRST_DATE <= value <= LAST_DATE, case


def report_fields() -> dict:
    return {k: v for k, v in REPORT.items() if k not in ("first_absence_day", "expected_return")}


@pytest.fixture
def unlimited(make_app):
    """An app without rate limits: the fuzz tests send more forms a minute than a person may."""
    return make_app(PORTAL_RATELIMIT_ENABLED=False, RATELIMIT_ENABLED=False)


def test_no_date_in_the_citizens_sick_report_gives_a_500(unlimited):
    app = unlimited
    lise = logged_in(app, CITIZEN)

    @FUZZ
    @given(first=DATE_TEXT | BOXES, back=DATE_TEXT | BOXES)
    def send(first, back):
        answer = post_form(lise, "/borger/sygemelding", {
            **report_fields(), "expected_return_known": "date",
            **date_value("first_absence_day", first), **date_value("expected_return", back)})
        assert answer.status_code in (303, 400), answer.status_code

    send()
    stored_dates_are_the_portals(app)


def test_no_date_in_the_employers_report_gives_a_500(unlimited):
    app = unlimited
    hanne = logged_in(app, HANNE, "employer")

    @FUZZ
    @given(first=DATE_TEXT | BOXES)
    def send(first):
        answer = post_form(hanne, "/arbejdsgiver/sygemelding", {
            "cpr": "610590-4321", "employee_name": "Lise Testesen", "absence_kind": "full",
            **date_value("first_absence_day", first)})
        assert answer.status_code in (303, 400), answer.status_code

    send()
    stored_dates_are_the_portals(app)


# Mostly real dates from the calculator's first year on, and the optional fields often empty: a
# date must get past the parsing for the calculation itself to be tried.
CALCULATOR_DATES = st.fixed_dictionaries({
    "first_absence_day": st.dates(min_value=date(2019, 1, 1)).map(date.isoformat) | DATE_TEXT,
    **{name: st.just("") | st.dates(min_value=date(2019, 1, 1)).map(date.isoformat) | DATE_TEXT
       for name in CALCULATOR_FIELDS[1:]}})
YEAR_9999 = [{"first_absence_day": "9999-12-31"}, {"first_absence_day": "2026-11-02", "expected_return": "9999-12-31"},
             {"first_absence_day": "9999-01-01", "on": "9999-12-31"}]


@FUZZ
@given(dates=CALCULATOR_DATES)
@example(dates=YEAR_9999[0])
@example(dates=YEAR_9999[1])
@example(dates=YEAR_9999[2])
def _calculator_page(client, dates):
    answer = client.get("/frister", query_string=dates)
    assert answer.status_code in (200, 400), answer.status_code
    assert answer.mimetype == "text/html"


@FUZZ
@given(dates=CALCULATOR_DATES)
@example(dates=YEAR_9999[0])
@example(dates=YEAR_9999[1])
@example(dates=YEAR_9999[2])
def _calculator_json(client, dates):
    answer = client.get("/frister", query_string=dates, headers={"Accept": "application/json"})
    assert answer.status_code in (200, 400), answer.status_code
    if answer.status_code == 400:
        assert answer.mimetype == PROBLEM
        assert {e["field"] for e in answer.get_json()["errors"]} <= set(CALCULATOR_FIELDS)
    else:
        assert answer.mimetype == "application/json" and answer.get_json()["obligations"]


def test_no_date_in_the_public_calculator_gives_a_500_as_a_page_or_as_json(unlimited):
    _calculator_page(unlimited.test_client())
    _calculator_json(unlimited.test_client())


def test_no_date_in_the_caseworkers_queue_filter_gives_a_500(unlimited):
    mette = caseworker(unlimited)

    @FUZZ
    @given(due_by=DATE_TEXT | BOXES)
    def look(due_by):
        answer = mette.get("/jobcenter/", query_string=date_value("due_by", due_by))
        assert answer.status_code in (200, 400), answer.status_code

    look()
