"""An API call reads its token and its data and writes its audit row on one pooled connection in
autocommit (portal.api.connection), on PostgreSQL: every statement counted by the engine's events,
the connection back in the pool out of autocommit, and a connection the database killed costs one
call at most."""
from __future__ import annotations

import os

import pytest
from sqlalchemy import event, func, text
from sqlmodel import select

from portal import db
from portal.db import session_scope
from portal.models import AuditEntry

from ..api.conftest import CaseSystem, citizen_asking_for_a_conversation, handover_of
from .test_pool import kill

PG_URL = os.environ.get("PORTAL_TEST_DATABASE_URL")
pytestmark = pytest.mark.skipif(not PG_URL, reason="PostgreSQL only: set PORTAL_TEST_DATABASE_URL")


def audit_rows(app, action: str) -> int:
    with app.app_context(), session_scope(app) as session:
        return session.exec(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action)).one()


def test_a_call_reads_and_audits_on_one_connection_in_autocommit(make_app, monkeypatch):
    app = make_app(PROPAGATE_EXCEPTIONS=False, TESTING=False, RATELIMIT_ENABLED=False)
    engine = app.extensions["portal.engine"]
    handover = handover_of(app, citizen_asking_for_a_conversation(app))
    api = CaseSystem(app)
    seen = []
    event.listen(engine, "before_cursor_execute", lambda _c, cursor, statement, *_: seen.append(
        (statement.split()[0], cursor.connection.info.backend_pid, cursor.connection.autocommit)))
    listed, read = audit_rows(app, "api_list_handovers"), audit_rows(app, "api_read_case")
    seen.clear()

    assert api.get("/api/v1/handovers").get_json()["items"][0]["id"] == handover.id
    assert [kind for kind, _pid, _autocommit in seen] == ["SELECT", "SELECT", "INSERT"]
    assert len({pid for _kind, pid, _autocommit in seen}) == 1, "one connection for the whole call"
    assert all(autocommit for _kind, _pid, autocommit in seen)
    seen.clear()
    assert api.get(f"/api/v1/handovers/{handover.id}").get_json()["handover"]["id"] == handover.id
    assert [kind for kind, _pid, _autocommit in seen] == ["SELECT", "SELECT", "SELECT", "INSERT"]
    assert len({pid for _kind, pid, _autocommit in seen}) == 1
    assert api.get("/api/v1/handovers/999999").status_code == 404  # a refused call is audited too
    pids = {pid for _kind, pid, _autocommit in seen}
    assert audit_rows(app, "api_list_handovers") == listed + 1
    assert audit_rows(app, "api_read_case") == read + 2
    with engine.connect() as connection:
        assert connection.connection.dbapi_connection.autocommit is False, "back in the pool out of autocommit"
        assert connection.execute(text("SELECT 1")).scalar() == 1

    # The database kills the call's connection: at most the next call fails (503), the one after is answered.
    monkeypatch.setattr(db, "PING_AFTER_SECONDS", 3600.0)  # no ping at checkout: the token read finds it dead
    kill(pids)
    assert api.get("/api/v1/handovers").status_code in (200, 503)
    assert api.get("/api/v1/handovers").status_code == 200
    assert audit_rows(app, "api_list_handovers") >= listed + 2
    with engine.connect() as connection:
        assert connection.connection.dbapi_connection.autocommit is False
