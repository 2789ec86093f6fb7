"""The audit log can be reviewed: paged, filtered by case, person, actor, kind and dates, and
exported for a data-protection officer's spreadsheet with formulas neutralised."""
from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from portal.db import session_scope
from portal.jobcenter.export import audit_csv, cell
from portal.models import AuditEntry

from .test_jobcenter import caseworker, handed_over_case, text


def add_api_calls(app, count: int, name: str = "Fagsystem København") -> None:
    with app.app_context(), session_scope(app) as db:
        for n in range(count):
            db.add(AuditEntry(actor="api:client", actor_name=name, municipality_code="101",
                              action="api_list_handovers", detail=f"GET /api/v1/handovers 200 #{n}",
                              at=datetime(2026, 11, 14, 9, 0, tzinfo=UTC)))
        db.commit()


def test_210_api_calls_do_not_hide_a_caseworker_s_view(app):
    case_id = handed_over_case(app)
    client = caseworker(app)
    client.get(f"/jobcenter/sag/{case_id}")
    add_api_calls(app, 210)
    everything = text(client.get("/jobcenter/revisionslog"))
    assert "212 poster" in everything or "211 poster" in everything
    assert "Side 1 af 5" in everything
    mine = text(client.get(f"/jobcenter/revisionslog?case={case_id}&action=view_case"))
    assert "1 post." in mine and "Mette Sagsbehandler" in mine and "Lise Testesen" in mine
    by_person = text(client.get("/jobcenter/revisionslog?person=lise"))
    assert "1 post." in by_person and "Fagsystem København" not in by_person
    by_actor = text(client.get("/jobcenter/revisionslog?actor=fagsystem&date_from=2026-11-14&date_to=2026-11-14"))
    assert "210 poster" in by_actor
    before = text(client.get("/jobcenter/revisionslog?date_to=2026-11-13"))
    assert "0 poster" in before
    wrong = client.get("/jobcenter/revisionslog?date_from=2026-11-14&date_to=2026-11-01&case=abc")
    assert wrong.status_code == 400 and "Slutdatoen kan ikke ligge før startdatoen." in text(wrong)


def test_the_export_opens_in_a_spreadsheet_and_runs_no_formula(app):
    case_id = handed_over_case(app)
    client = caseworker(app)
    client.get(f"/jobcenter/sag/{case_id}")
    add_api_calls(app, 2, name="=HYPERLINK(\"http://evil.example\")")
    answer = client.get("/jobcenter/revisionslog.csv?actor=hyperlink")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert answer.headers["Content-Disposition"] == 'attachment; filename="revisionslog.csv"'
    body = answer.get_data(as_text=True)
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["Hvornår (UTC)", "Hvem", "Identifikation"] and len(rows) == 3
    assert all(row[1].startswith("'=") for row in rows[1:]), "a formula would run in the spreadsheet"
    log = text(client.get("/jobcenter/revisionslog?action=audit_exported"))
    assert "Eksporterede revisionsloggen" in log and "2 rows" in log


def test_cells_that_a_spreadsheet_would_run_get_an_apostrophe():
    assert [cell(v) for v in ("=1+1", "+45 1234", "-2", "@SUM(A1)", "\tx", "Mette", None, 7)] == [
        "'=1+1", "'+45 1234", "'-2", "'@SUM(A1)", "'\tx", "Mette", "", "7"]
    assert audit_csv(["a"], [["=x"]]) == "\ufeffa\r\n'=x\r\n"
