"""The law at its edges (issue 27) where people meet it: the readings on the compliance page with
their source and who chose them, a municipality's own readings from PORTAL_READINGS_FILE, the
benefit's legal end beside the reassessment on the citizen's page and in /frister (HTML and JSON),
and a conversation's time in digits that are not 0-9. Today is Monday 16 November 2026."""
from __future__ import annotations

import json

import pytest

from portal.rules.regimes import REGIMES, use_regimes

from ..conftest import Auth, csrf_token
from .test_caseworkers_day import lises_case
from .test_citizen_journey import CITIZEN, case_id_from, report_sick, text
from .test_jobcenter import caseworker

CHOSEN = {"2026.first_conversation_week": {
    "value": 26, "source": "lov nr. 1750 af 29.12.2025 (fundet af kommunen)", "chosen_by": "Testkommune, Jura",
    "chosen_on": "2027-01-15"}}


@pytest.fixture
def portal_readings_again():
    """A test that configures readings leaves the portal's own behind for the next one."""
    yield
    use_regimes(REGIMES)


def test_the_compliance_page_shows_every_reading_with_its_source_and_who_chose_it(app):
    page = text(caseworker(app).get("/jobcenter/overholdelse"))
    assert "Fortolkninger af uklar lovtekst" in page
    row = page.split('id="reading-2026-first_conversation_week"')[1].split("</tr>")[0]
    assert "Første samtale inden udgangen af uge" in row and "<td>8</td>" in row
    assert "lov nr. 1750 af 29.12.2025" in row and "portalen (den sikre læsning)" in row and "4. december 2026" in row
    for regime in REGIMES:
        for name, _param in regime.readings():
            assert f'id="reading-{regime.code}-{name}"' in page


def test_a_legal_department_s_readings_file_changes_the_deadline_and_the_page_says_who(
        make_app, monkeypatch, tmp_path, portal_readings_again):
    chosen = tmp_path / "readings.json"
    chosen.write_text(json.dumps(CHOSEN), encoding="utf-8")
    monkeypatch.setenv("PORTAL_READINGS_FILE", str(chosen))
    app = make_app()
    row = text(caseworker(app).get("/jobcenter/overholdelse")).split(
        'id="reading-2026-first_conversation_week"')[1].split("</tr>")[0]
    assert "<td>26</td>" in row and "Testkommune, Jura" in row and "15. januar 2027" in row
    answer = app.test_client().get("/frister?first_absence_day=2026-07-06&on=2026-07-10",
                                   headers={"Accept": "application/json"}).get_json()
    first = {o["code"]: o for o in answer["obligations"]}["first_conversation"]
    assert first["date"] == "2027-01-03" and first["source"] == "lov nr. 1750 af 29.12.2025 (fundet af kommunen)"


def test_a_readings_file_that_names_no_reading_stops_the_start(make_app, monkeypatch, tmp_path,
                                                               portal_readings_again):
    chosen = tmp_path / "readings.json"
    chosen.write_text(json.dumps({"2026.reassessment_week": {**CHOSEN["2026.first_conversation_week"]}}))
    monkeypatch.setenv("PORTAL_READINGS_FILE", str(chosen))
    with pytest.raises(ValueError, match="2026.reassessment_week: not a reading"):
        make_app()
    chosen.write_text("{not json")
    with pytest.raises(ValueError, match="PORTAL_READINGS_FILE"):
        make_app()


def test_the_safe_reading_by_default_in_the_public_calculator(client):
    answer = client.get("/frister?first_absence_day=2026-07-06&on=2026-07-10",
                        headers={"Accept": "application/json"}).get_json()
    first = {o["code"]: o for o in answer["obligations"]}["first_conversation"]
    assert (answer["regime"], first["date"]) == ("2026", "2026-08-30")


def test_the_calculator_shows_the_benefit_s_legal_end_beside_the_reassessment_as_json(client):
    answer = client.get("/frister?first_absence_day=2026-07-06&on=2026-07-10",
                        headers={"Accept": "application/json"}).get_json()
    reassessment = {o["code"]: o for o in answer["obligations"]}["reassessment"]
    assert (reassessment["date"], reassessment["benefit_ends_on"]) == ("2026-12-06", "2027-01-31")
    assert answer["benefit_legal_end"]["date"] == "2027-01-31"
    assert "ikke fristen for kommunens revurdering" in answer["benefit_legal_end"]["text_da"]
    assert "not the date of the municipality's reassessment" in answer["benefit_legal_end"]["text_en"]


@pytest.mark.parametrize("language, end, words", [
    ("da", "Sygedagpengene ophører efter loven: 31. januar 2027",
     "Datoen ovenfor er kommunens frist for at revurdere sagen, ikke den dag sygedagpengene stopper."),
    ("en", "The benefit's legal end: 31 January 2027",
     "The date above is the municipality's deadline to reassess the case, not the day the benefit stops."),
])
def test_the_calculator_page_shows_the_benefit_s_legal_end_beside_the_reassessment(client, language, end, words):
    client.get(f"/sprog/{language}?next=/")
    page = text(client.get("/frister?first_absence_day=2026-07-06&on=2026-07-10"))
    reassessment = page.split('id="obligation-reassessment-')[1].split("</li>")[0]
    assert end in reassessment and words in reassessment


def test_the_citizen_s_case_page_shows_the_benefit_s_legal_end_beside_the_reassessment(app):
    lise = app.test_client()
    Auth(lise).login(CITIZEN)
    case_id = case_id_from(report_sick(lise))   # sick from 10 November 2026
    page = text(lise.get(f"/borger/sag/{case_id}"))
    reassessment = page.split('id="obligation-reassessment-')[1].split("</li>")[0]
    assert "12. april 2027" in reassessment, "the reassessment by day 154"
    assert "Sygedagpengene ophører efter loven: 31. maj 2027" in reassessment
    assert "ikke den dag sygedagpengene stopper" in reassessment


@pytest.mark.parametrize("typed, status, message", [
    ("\u0661\u0660:\u0663\u0660", 400, "Skriv klokkeslættet med tallene 0-9, for eksempel 10:30."),
    ("\uff11\uff10:\uff13\uff10", 400, "Skriv klokkeslættet med tallene 0-9, for eksempel 10:30."),
    ("25:00", 400, "Skriv klokkeslættet som timer og minutter, for eksempel 10:30."),
    ("10.30", 303, None),
    ("\u00a010:30 ", 303, None),
])
def test_a_conversation_s_time_is_read_in_the_digits_0_9_only(app, typed, status, message):
    case_id = lises_case(app)
    mette = caseworker(app)
    page = mette.get(f"/jobcenter/sag/{case_id}")
    booked = mette.post(f"/jobcenter/sag/{case_id}/samtale", data={
        "book-day": "2026-11-18", "book-at": typed, "book-form": "phone", "book-csrf_token": csrf_token(text(page))})
    assert booked.status_code == status
    if message:
        assert message in text(booked) and typed in text(booked), "the message, and what was typed kept"
    else:
        assert "18.11.2026 10.30" in text(mette.get(f"/jobcenter/sag/{case_id}"))


def test_the_portals_own_words_in_a_source_are_english_on_english_pages(app):
    """The law's sources stay Danish (marked lang="da"); the portal's own words are translated."""
    client = caseworker(app)
    danish = text(client.get("/jobcenter/overholdelse"))
    assert "portalens sikre læsning: reglerne, der gjaldt på første fraværsdag" in danish
    assert "portalen (den sikre læsning)" in danish
    assert "sygdom, der begyndte den dag eller senere" in danish and "first_absence_day</td>" not in danish
    client.get("/sprog/en?next=/")
    english = text(client.get("/jobcenter/overholdelse"))
    assert "portalens" not in english and "portalen (" not in english and "sikre læsning" not in english
    assert "the portal&#39;s safe reading: the rules in force on the first day of absence" in english
    assert "the portal (the safe reading)" in english
    assert "first_absence_day" not in english and "sickness that began on or after that day" in english
    assert '<span class="source" lang="da">sygedagpengeloven § 13 b, stk. 5' in english  # the law stays Danish
