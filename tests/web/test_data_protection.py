"""Data protection: a citizen downloads everything held about them; closed cases are purged after
the retention period with their citizen, and the audit log of who saw them stays."""
from __future__ import annotations

import json

from sqlmodel import func, select

from portal.db import session_scope
from portal.models import AuditEntry, CaseEvent, Citizen, EmployerReport, NameToken, Questionnaire, SickCase

from ..conftest import Auth
from .test_citizen_journey import CITIZEN, case_id_from, post_form, report_sick, submit_everything, text
from .test_employer import HANNE


def count(app, model) -> int:
    with app.app_context(), session_scope(app) as db:
        return db.exec(select(func.count()).select_from(model)).one()


def test_the_citizen_downloads_everything_held_about_them(app):
    lise = app.test_client()
    Auth(lise).login(CITIZEN)
    case_id = case_id_from(report_sick(lise, first_absence_day="2026-10-26"))
    submit_everything(lise, case_id)
    hanne = app.test_client()
    Auth(hanne).login(HANNE, "employer")
    post_form(hanne, "/arbejdsgiver/sygemelding", {"cpr": "610590-4321", "employee_name": "Lise Testesen",
                                                    "first_absence_day": "2026-10-26", "absence_kind": "full"})
    mette = app.test_client()
    Auth(mette).login("Mette Sagsbehandler", "caseworker")
    post_form(lise, f"/borger/sag/{case_id}/samtale", {"form": "phone", "reason": "Min arbejdstid"})
    mette.get(f"/jobcenter/sag/{case_id}")

    page = lise.get("/borger/mine-data")
    assert "Hent mine data" in text(page) and "5 år" in text(page)
    download = lise.get("/borger/mine-data/hent")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["Cache-Control"] == "no-store"
    data = json.loads(download.get_data(as_text=True))
    assert data["person"]["cpr"] == "6105904321" and data["person"]["name"] == "Lise Testesen"
    assert "cpr_hash" not in data["person"] and "cpr_encrypted" not in data["person"]
    assert [case["id"] for case in data["cases"]] == [case_id]
    assert data["questionnaire"][0]["answers"]["dit-arbejde"]["job_title"] == "Bager"
    assert data["employer_report"][0]["org_name"] == "Testbageriet ApS"
    assert data["employer_report"][0]["cpr_masked"].endswith("xxxx")
    assert any(e["kind"] == "conversation_requested" for e in data["case_event"])
    assert data["who_has_seen_your_cases"][0]["by"] == "Mette Sagsbehandler"
    # Only her own: Ahmed's download holds nothing of Lise's.
    ahmed = app.test_client()
    Auth(ahmed).login("Ahmed Prøvesen")
    assert json.loads(ahmed.get("/borger/mine-data/hent").get_data(as_text=True))["cases"] == []


def close_case(app, case_id, closed_on):
    from datetime import date

    with app.app_context(), session_scope(app) as db:
        case = db.get(SickCase, case_id)
        case.status, case.closed_on = "closed", date.fromisoformat(closed_on)
        db.add(case)
        db.commit()


def test_closed_cases_are_purged_after_the_retention_period_and_the_audit_log_stays(make_app):
    app = make_app(PORTAL_RETENTION_DAYS=365)
    lise = app.test_client()
    Auth(lise).login(CITIZEN)
    # Real cases, made old by their closing date (the report form takes no date a year back).
    old = case_id_from(report_sick(lise))
    submit_everything(lise, old)
    hanne = app.test_client()
    Auth(hanne).login(HANNE, "employer")
    post_form(hanne, "/arbejdsgiver/sygemelding", {"cpr": "610590-4321", "employee_name": "Lise Testesen",
                                                    "first_absence_day": "2026-11-10", "absence_kind": "full"})
    mette = app.test_client()
    Auth(mette).login("Mette Sagsbehandler", "caseworker")
    mette.get(f"/jobcenter/sag/{old}")
    close_case(app, old, "2025-11-15")           # 366 days before 16 November 2026: due
    ahmed = app.test_client()
    Auth(ahmed).login("Ahmed Prøvesen")
    recent = case_id_from(report_sick(ahmed))
    close_case(app, recent, "2025-11-17")        # 364 days: not yet
    viewed_before = count(app, AuditEntry)

    dry = app.test_cli_runner().invoke(args=["purge-closed", "--dry-run"])
    assert "at least 1 closed cases" in dry.output and count(app, SickCase) == 2
    done = app.test_cli_runner().invoke(args=["purge-closed"])
    assert "1 closed cases and 1 citizens purged" in done.output, done.output

    with app.app_context(), session_scope(app) as db:
        assert db.get(SickCase, old) is None and db.get(SickCase, recent) is not None
        assert db.exec(select(CaseEvent).where(CaseEvent.case_id == old)).all() == []
        assert db.exec(select(Questionnaire).where(Questionnaire.case_id == old)).all() == []
        assert db.exec(select(EmployerReport).where(EmployerReport.case_id == old)).all() == []
        assert [c.name for c in db.exec(select(Citizen))] == ["Ahmed Prøvesen"]
        # Search forgets Lise's name with her case; Ahmed's stays under his case's municipality.
        assert {row.token for row in db.exec(select(NameToken))} == {"ahmed", "prøvesen"}
        trail = db.exec(select(AuditEntry).where(AuditEntry.case_id == old).order_by(AuditEntry.id)).all()
    assert count(app, AuditEntry) == viewed_before + 1
    assert [entry.action for entry in trail][-1] == "case_purged"
    assert trail[0].actor_name == "Mette Sagsbehandler"   # who saw it is still known
    # Running it again purges nothing more.
    assert "0 closed cases" in app.test_cli_runner().invoke(args=["purge-closed"]).output
