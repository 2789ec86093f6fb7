"""The same simulated period on PostgreSQL and on SQLite gives the same report, figure for figure: the
portal's use cases, the sweep (whose PostgreSQL path sends its batches differently) and the reminders
decide the same on both engines. docs/SIMULATION.md has a whole year of it."""
from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from portal import create_app

PG_URL = os.environ.get("PORTAL_TEST_DATABASE_URL")
pytestmark = [pytest.mark.skipif(not PG_URL, reason="PostgreSQL only: set PORTAL_TEST_DATABASE_URL"),
              pytest.mark.slow]


@pytest.fixture
def empty_postgresql():
    """An empty database beside this worker's (the simulation migrates its own), emptied by dropping
    its schema rather than the database: dropping a database waits for a checkpoint of the server."""
    given = make_url(PG_URL)
    name = f"{given.database}_simulation"
    admin = create_engine(given, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if not connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first():
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = given.set(database=name).render_as_string(hide_password=False)
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def _report(tmp_path, name: str, *database: str) -> list[str]:
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
                      "PORTAL_OUTBOX_DIR": str(tmp_path / f"outbox-{name}")})
    out = tmp_path / name
    result = app.test_cli_runner().invoke(args=[
        "simulate-year", "--cases", "300", "--days", "60", "--caseworkers", "1", "--conversations-per-week", "6",
        "--seed", "5", "--start", "2027-01-04", "--out", str(out), *database])
    assert result.exit_code == 0, result.output
    lines = (out / "report.csv").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if not line.startswith("summary,wall_seconds,")]


def test_a_period_on_postgresql_reports_what_it_reports_on_sqlite(tmp_path, empty_postgresql):
    on_sqlite = _report(tmp_path, "sqlite")
    on_postgresql = _report(tmp_path, "postgresql", "--database-url", empty_postgresql)
    assert any(line.startswith("obligations,") for line in on_sqlite)
    assert on_postgresql == on_sqlite
