"""A short simulated period through `flask simulate-year`: the invariant holds, and the report has
its sections in HTML (inline SVG, no script) and CSV. Kept small: the full year is docs/SIMULATION.md's."""
from __future__ import annotations

import csv

import pytest

from portal import create_app
from portal.simulation.report import SECTIONS


@pytest.mark.slow
def test_a_short_period_keeps_every_deadline_seen(tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
                      "PORTAL_OUTBOX_DIR": str(tmp_path / "outbox")})
    out = tmp_path / "sim"
    # A small team (one caseworker, six conversations a week) so the queue has to wait its turn.
    result = app.test_cli_runner().invoke(args=[
        "simulate-year", "--cases", "400", "--days", "90", "--caseworkers", "1", "--conversations-per-week", "6",
        "--seed", "3", "--start", "2027-01-04", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "0 passed unseen" in result.output

    html = (out / "report.html").read_text(encoding="utf-8")
    for section in SECTIONS:
        assert f'<section id="{section}">' in html
    assert "<svg" in html and "<script" not in html

    rows = list(csv.reader((out / "report.csv").open(encoding="utf-8")))
    sections = {row[0] for row in rows[1:]}
    assert {"summary", "obligations", "queue", "utilisation", "team", "invariant"} <= sections
    assert ["invariant", "violations", "0"] == rows[[r[:2] for r in rows].index(["invariant", "violations"])][:3]
    kinds = {row[1] for row in rows if row[0] == "obligations"}
    assert {"first_conversation", "questionnaire_due"} <= kinds
    summary = {row[1]: row[2] for row in rows if row[0] == "summary"}
    assert 60 <= int(summary["cases_reported"]) <= 150
    assert int(summary["conversations_held"]) > 0
    assert len([row for row in rows if row[0] == "queue" and row[1] != "day"]) == 90
