"""A statement is planned once and the plan serves every request after (psycopg prepares what runs
five times; PostgreSQL then may keep a plan made without the values). Such a plan must still read
the queue through its partial indexes (WHERE status != 'closed'): it can only if the constants are
in the SQL (models.fixed), not parameters. Without them a plan made once read every handover."""
from __future__ import annotations

import os
import re
from datetime import date

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import event

from portal.cases import jobcenter as cases
from portal.db import get_session

PG_URL = os.environ.get("PORTAL_TEST_DATABASE_URL")
pytestmark = pytest.mark.skipif(not PG_URL, reason="PostgreSQL only: set PORTAL_TEST_DATABASE_URL")


def planned_once(connection, statement: str, params: dict) -> str:
    """The plan PostgreSQL makes without the values (as for a prepared statement run many times)."""
    names: list[str] = []

    def placeholder(match):
        if match.group(1) not in names:
            names.append(match.group(1))
        return f"${names.index(match.group(1)) + 1}"

    connection.execute("PREPARE planned AS " + re.sub(r"%\((\w+)\)s", placeholder, statement), prepare=False)
    values = sql.SQL(", ").join(sql.Literal(params[name]) for name in names)
    query = sql.SQL("EXPLAIN EXECUTE planned") + (sql.SQL("(") + values + sql.SQL(")") if names else sql.SQL(""))
    plan = "\n".join(row[0] for row in connection.execute(query, prepare=False))
    connection.execute("DEALLOCATE planned", prepare=False)
    return plan


def test_the_queues_statements_planned_once_read_the_live_handovers_by_their_indexes(make_app):
    app = make_app()
    statements = []
    event.listen(app.extensions["portal.engine"], "before_cursor_execute",
                 lambda _c, _cursor, statement, params, _context, _many: statements.append((statement, params)))
    with app.test_request_context("/jobcenter/"):
        for tab in cases.TABS:
            cases.queue(get_session(), "101", "caseworker-test", cases.QueueFilter(assignee=tab), date(2026, 11, 16))
    handover_statements = [(s, p) for s, p in statements if "FROM handover" in s]
    assert len(handover_statements) == len(cases.TABS)  # the counts and the page, for each tab, in one
    with psycopg.connect(PG_URL.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as connection:
        # An empty test table would be read whole anyway: as on a full one, an index must win.
        connection.execute("SET plan_cache_mode = force_generic_plan")
        connection.execute("SET enable_seqscan = off")
        for statement, params in handover_statements:
            plan = planned_once(connection, statement, params)
            scans = re.findall(r"(?:Index Only Scan|Index Scan) using (\w+) on handover|(Seq Scan on handover)", plan)
            assert scans, plan
            assert all(index.startswith("ix_handover_live") for index, _seq in scans), plan
