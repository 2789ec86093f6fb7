"""The employer's face through the web: report an employee sick (found or opened by the keyed hash of
the CPR number), request fast track with the three questions, the employee's consent or decline or
silence, the employer questions, the company's own list, and what no one else may see.
Today is Monday 16 November 2026."""
from __future__ import annotations

import logging

from sqlmodel import select

from portal.db import session_scope
from portal.models import Citizen, EmployerReport, FastTrackRequest, Handover, SickCase
from tests.conftest import Auth, csrf_token

from .test_citizen_journey import post_form, text

HANNE = "Hanne Arbejdsgiver"     # Testbageriet ApS, CVR 12345674
JENS = "Jens Virksomhed"         # Prøvefabrikken A/S, CVR 12345682
LISE_CPR = "610590-4321"         # Lise Testesen's (fictitious) CPR number
REPORT = {"cpr": LISE_CPR, "employee_name": "Lise Testesen", "first_absence_day": "2026-11-09",
          "absence_kind": "full"}
FAST_TRACK = {"functions": "Tunge løft ved ovnen og natarbejde.", "duration": "13_26_weeks", "adapted": "partly",
              "adapted_how": "Lettere opgaver om dagen."}


def login(make_app, who, face, **config):
    client = make_app(**config).test_client()
    Auth(client).login(who, face)
    return client


def report_employee(client, **changes):
    return post_form(client, "/arbejdsgiver/sygemelding", {**REPORT, **changes})


def report_id_of(app, cvr="12345674") -> int:
    with app.app_context(), session_scope(app) as db:
        return db.exec(select(EmployerReport.id).where(EmployerReport.cvr == cvr)).first()


def live_handover(app, case_id):
    with app.app_context(), session_scope(app) as db:
        return db.exec(select(Handover).where(Handover.case_id == case_id, Handover.status != "closed")).first()


def only_case(app) -> SickCase:
    with app.app_context(), session_scope(app) as db:
        return db.exec(select(SickCase)).one()


def test_the_employer_lands_on_its_list_in_the_virk_theme(make_app):
    employer = login(make_app, HANNE, "employer")
    page = text(employer.get("/arbejdsgiver/"))
    assert "Sygemeldinger" in page and "Testbageriet ApS" in page and "12345674" in page
    assert "dkfds-virkdk.min." in page and ".css" in page


def test_an_employer_report_opens_the_case_the_citizen_then_sees(make_app, app, caplog):
    caplog.set_level(logging.DEBUG)
    employer = login(make_app, HANNE, "employer")
    done = report_employee(employer)
    assert done.status_code == 303
    listing = text(employer.get("/arbejdsgiver/"))
    assert "Lise Testesen" in listing and "610590-xxxx" in listing and "4321" not in listing
    assert "Modtaget" in listing
    case = only_case(app)
    assert case.reported_by == "employer" and case.employer_cvr == "12345674"
    with app.app_context(), session_scope(app) as db:
        assert db.exec(select(Citizen)).one().cpr_encrypted != "6105904321"  # stored encrypted
    citizen = login(make_app, "Lise Testesen", "citizen")
    overview = text(citizen.get("/borger/mit-sygefravaer"))
    assert "9. november 2026" in overview and "Besvar oplysningsskemaet" in overview
    assert "Din arbejdsgiver" in text(citizen.get(f"/borger/sag/{case.id}"))
    assert "6105904321" not in caplog.text and "610590-4321" not in caplog.text  # never in a log line


def test_a_second_report_finds_the_open_case(make_app, app):
    citizen = login(make_app, "Lise Testesen", "citizen")
    post_form(citizen, "/borger/sygemelding", {
        "first_absence_day": "2026-11-10", "employment": "employed", "employer_cvr": "12345674",
        "employer_name": "Testbageriet ApS", "absence_kind": "full", "expected_return_known": "unknown"})
    employer = login(make_app, HANNE, "employer")
    assert report_employee(employer).status_code == 303
    case = only_case(app)
    assert case.reported_by == "citizen"
    with app.app_context(), session_scope(app) as db:
        [report] = db.exec(select(EmployerReport)).all()
        assert report.case_id == case.id and not report.opened_case


def test_bad_input_gets_clear_errors_and_the_cpr_number_is_never_shown_back(make_app):
    employer = login(make_app, HANNE, "employer")
    for changes, message in [({"cpr": "12345"}, "10 cifre"), ({"cpr": "321390-1234"}, "10 cifre"),
                             ({"employee_name": ""}, "medarbejderens navn"),
                             ({"first_absence_day": "2026-12-01"}, "Første fraværsdag kan ikke være i fremtiden"),
                             ({"absence_kind": "partial", "partial_hours": "2"}, "mindst 4")]:
        response = report_employee(employer, **changes)
        assert response.status_code == 400 and message in text(response), changes
        assert "610590-4321" not in text(response) and "6105904321" not in text(response)


def test_fast_track_from_the_employer_and_the_citizen_consents(make_app, app):
    employer = login(make_app, HANNE, "employer")
    report_employee(employer)
    report_id = report_id_of(app)
    too_short = post_form(employer, f"/arbejdsgiver/indberetning/{report_id}/fast-track",
                          {**FAST_TRACK, "duration": "under_8_weeks"})
    assert too_short.status_code == 400 and "inden for 8 uger" in text(too_short)
    asked = post_form(employer, f"/arbejdsgiver/indberetning/{report_id}/fast-track", FAST_TRACK)
    assert asked.status_code == 303
    case = only_case(app)
    with app.app_context(), session_scope(app) as db:
        request = db.exec(select(FastTrackRequest)).one()
    assert request.answer_due.isoformat() == "2026-11-18"  # 2 bank days after Monday 16 November
    assert "Venter på medarbejderens svar" in text(employer.get("/arbejdsgiver/"))

    citizen = login(make_app, "Lise Testesen", "citizen")
    page = text(citizen.get(f"/borger/sag/{case.id}"))
    assert "Din arbejdsgiver har bedt om fast track" in page and "18. november 2026" in page
    answer_page = text(citizen.get(f"/borger/sag/{case.id}/fast-track/arbejdsgiver"))
    assert "Tunge løft ved ovnen" in answer_page
    missing = post_form(citizen, f"/borger/sag/{case.id}/fast-track/arbejdsgiver", FAST_TRACK)
    assert missing.status_code == 400 and "om du siger ja til fast track" in text(missing)
    consented = post_form(citizen, f"/borger/sag/{case.id}/fast-track/arbejdsgiver",
                          {**FAST_TRACK, "decision": "consent"})
    assert consented.status_code == 303
    handover = live_handover(app, case.id)
    assert "|fast_track|" in handover.reason_codes and handover.due.isoformat() == "2026-11-30"

    caseworker = login(make_app, "Mette Sagsbehandler", "caseworker")
    file = text(caseworker.get(f"/jobcenter/sag/{case.id}"))
    assert "Tunge løft ved ovnen og natarbejde." in file and "Lettere opgaver om dagen." in file
    assert "Accepteret af borgeren" in file


def test_a_decline_keeps_the_ordinary_rule(make_app, app):
    employer = login(make_app, HANNE, "employer")
    report_employee(employer)
    post_form(employer, f"/arbejdsgiver/indberetning/{report_id_of(app)}/fast-track", FAST_TRACK)
    case = only_case(app)
    citizen = login(make_app, "Lise Testesen", "citizen")
    post_form(citizen, f"/borger/sag/{case.id}/fast-track/arbejdsgiver", {**FAST_TRACK, "decision": "decline"})
    handover = live_handover(app, case.id)
    assert handover is None or "|fast_track|" not in handover.reason_codes
    case = only_case(app)
    assert case.fast_track_requested_on is None and case.fast_track_declined_on.isoformat() == "2026-11-16"
    citizen.get(f"/borger/sag/{case.id}")  # the confirmation, shown once
    page = text(citizen.get(f"/borger/sag/{case.id}"))
    assert "Din arbejdsgiver har bedt om fast track" not in page and "Du har bedt om fast track" not in page
    assert "Medarbejderen sagde nej" in text(employer.get("/arbejdsgiver/"))


def test_no_answer_in_time_goes_to_the_caseworker_as_a_decision(make_app, app):
    """Bekendtgørelse 1710/2024 § 4, stk. 2: the municipality *may* go on; nothing lapses into fast track."""
    employer = login(make_app, HANNE, "employer")
    report_employee(employer)
    post_form(employer, f"/arbejdsgiver/indberetning/{report_id_of(app)}/fast-track", FAST_TRACK)
    case = only_case(app)
    on_time = make_app(PORTAL_TODAY="2026-11-18").test_cli_runner().invoke(args=["sweep"])
    assert "0 unanswered" in on_time.output
    late = make_app(PORTAL_TODAY="2026-11-19").test_cli_runner().invoke(args=["sweep"])
    assert "1 unanswered" in late.output
    assert only_case(app).fast_track_requested_on is None, "an unanswered request must not start fast track"
    handover = live_handover(app, case.id)
    assert "|fast_track_decision|" in handover.reason_codes and "|fast_track|" not in handover.reason_codes
    assert handover.due.isoformat() == "2026-11-20"  # 2 days after the employee's last bank day, 18 November

    caseworker = login(make_app, "Mette Sagsbehandler", "caseworker", PORTAL_TODAY="2026-11-19")
    page = caseworker.get(f"/jobcenter/sag/{case.id}").get_data(as_text=True)
    assert "Beslut om arbejdsgiverens anmodning om fast track" in page
    token = csrf_token(page)
    url = f"/jobcenter/sag/{case.id}/fast-track-beslutning"
    missing = caseworker.post(url, data={"decide-decision": "continue", "csrf_token": token})
    assert missing.status_code == 400 and "Skriv begrundelsen for beslutningen" in text(missing)
    done = caseworker.post(url, data={"decide-decision": "continue", "csrf_token": token,
                                      "decide-reason": "Lægen peger på et langt forløb."})
    assert done.status_code == 303
    decided = only_case(app)
    assert decided.fast_track_requested_on.isoformat() == "2026-11-16" and decided.fast_track_decision == "continue"
    handover = live_handover(app, case.id)
    assert "|fast_track|" in handover.reason_codes and handover.due.isoformat() == "2026-11-30"


def test_fast_track_cannot_be_requested_after_the_window(make_app, app):
    employer = login(make_app, HANNE, "employer")
    report_employee(employer, first_absence_day="2026-10-05")
    page = post_form(employer, f"/arbejdsgiver/indberetning/{report_id_of(app)}/fast-track", FAST_TRACK)
    assert page.status_code == 200 and "kan ikke anmodes om fast track" in text(page)
    with app.app_context(), session_scope(app) as db:
        assert db.exec(select(FastTrackRequest)).all() == []


def test_the_employer_questions_reach_the_caseworker_and_the_compliance_page(make_app, app):
    employer = login(make_app, HANNE, "employer")
    report_employee(employer)
    url = f"/arbejdsgiver/indberetning/{report_id_of(app)}/spoergsmaal"
    missing = post_form(employer, url, {"conversation_held": "yes", "expected_known": "unknown",
                                        "retention_plan": "no"})
    assert missing.status_code == 400 and "datoen for fraværssamtalen" in text(missing)
    done = post_form(employer, url, {"conversation_held": "yes", "conversation_on": "2026-11-13",
                                     "conversation_form": "phone", "expected_known": "date",
                                     "expected_return": "2027-01-04", "adjustments": "Kortere vagter.",
                                     "retention_plan": "requested"})
    assert done.status_code == 303
    case = only_case(app)
    assert case.expectations[-1] == {"party": "employer", "given_on": "2026-11-16", "expected_return": "2027-01-04"}
    assert case.employer_absence_conversation_on.isoformat() == "2026-11-13"
    caseworker = login(make_app, "Mette Sagsbehandler", "caseworker")
    file = text(caseworker.get(f"/jobcenter/sag/{case.id}"))
    assert "13. november 2026" in file and "Kortere vagter." in file and "Medarbejderen har bedt om en" in file
    compliance = text(caseworker.get("/jobcenter/overholdelse"))
    assert "1 af 1 sager har svar fra arbejdsgiveren" in compliance


def test_one_employer_cannot_see_another_s_reports(make_app, app):
    hanne = login(make_app, HANNE, "employer")
    report_employee(hanne)
    report_id = report_id_of(app)
    jens = login(make_app, JENS, "employer")
    assert "Lise Testesen" not in text(jens.get("/arbejdsgiver/"))
    assert jens.get(f"/arbejdsgiver/indberetning/{report_id}/fast-track").status_code == 404
    assert jens.get(f"/arbejdsgiver/indberetning/{report_id}/spoergsmaal").status_code == 404
    token = csrf_token(text(jens.get("/arbejdsgiver/sygemelding")))
    assert jens.post(f"/arbejdsgiver/indberetning/{report_id}/fast-track",
                     data={**FAST_TRACK, "csrf_token": token}).status_code == 404


def test_an_employer_cannot_open_citizen_or_jobcenter_pages_and_they_cannot_open_its(make_app, app):
    hanne = login(make_app, HANNE, "employer")
    report_employee(hanne)
    case = only_case(app)
    for path in ("/borger/mit-sygefravaer", f"/borger/sag/{case.id}", "/jobcenter/", f"/jobcenter/sag/{case.id}"):
        assert hanne.get(path).status_code == 403, path
    citizen = login(make_app, "Lise Testesen", "citizen")
    assert citizen.get("/arbejdsgiver/").status_code == 403
    assert citizen.get(f"/arbejdsgiver/indberetning/{report_id_of(app)}/spoergsmaal").status_code == 403


def test_the_employer_never_sees_health_information(make_app, app):
    hanne = login(make_app, HANNE, "employer")
    report_employee(hanne)
    case = only_case(app)
    citizen = login(make_app, "Lise Testesen", "citizen")
    post_form(citizen, f"/borger/sag/{case.id}/standby", {"group": "cancer", "understood": "y"})
    hanne.get("/arbejdsgiver/")  # the report's confirmation, shown once
    listing = text(hanne.get("/arbejdsgiver/"))
    assert "standby" not in listing.lower() and "Kræft" not in listing and "oplysningsskema" not in listing.lower()


def test_the_employer_pages_are_in_english_too(make_app, app):
    hanne = make_app().test_client()
    hanne.get("/sprog/en?next=/")
    Auth(hanne).login(HANNE, "employer")
    assert "Sick reports" in text(hanne.get("/arbejdsgiver/"))
    assert "Report an employee sick" in text(hanne.get("/arbejdsgiver/sygemelding"))
    report_employee(hanne)
    report_id = report_id_of(app)
    assert "Request fast track" in text(hanne.get(f"/arbejdsgiver/indberetning/{report_id}/fast-track"))
    assert "The employer questions" in text(hanne.get(f"/arbejdsgiver/indberetning/{report_id}/spoergsmaal"))
