"""A request's few statements on one pooled connection in autocommit (portal.driver_write): each
committed alone, with no BEGIN nor COMMIT, the connection back in the pool out of autocommit; in the
session's transaction where it began one; a write on psycopg's cursor is a statement the engine sees,
and a driver error is SQLAlchemy's. A search writes its audit rows in one statement, in the order
of its hits, each with the same time."""
from __future__ import annotations

import os

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, bindparam, event, insert, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from portal import db, driver_write
from portal.driver_statement import fetch_all

PG_URL = os.environ.get("PORTAL_TEST_DATABASE_URL")
pytestmark = pytest.mark.skipif(not PG_URL, reason="PostgreSQL only: set PORTAL_TEST_DATABASE_URL")

things = Table("driver_write_thing", MetaData(), Column("id", Integer, primary_key=True), Column("kind", String(16)))
ADD = insert(things).values(id=bindparam("id", type_=Integer), kind=bindparam("kind", type_=String))
ALL = select(things.c.id, things.c.kind).order_by(things.c.id)


@pytest.fixture
def engine():
    engine = db.make_engine(PG_URL)
    things.metadata.drop_all(engine)
    things.metadata.create_all(engine)
    yield engine
    things.metadata.drop_all(engine)
    engine.dispose()


def test_statements_in_autocommit_each_commit_alone_and_the_engine_sees_them(engine):
    seen = []
    event.listen(engine, "before_cursor_execute", lambda _c, _cur, sql, *_: seen.append(sql.split()[0]))
    with Session(engine) as session:
        with driver_write.autocommit(session) as connection:
            assert fetch_all(connection, ALL, {}) == []
            driver_write.execute(connection, ADD, {"id": 1, "kind": "open"})
            with engine.connect() as other:  # committed already, before the block ends
                assert [tuple(row) for row in other.execute(ALL)] == [(1, "open")]
        assert not session.in_transaction()
    assert seen == ["SELECT", "INSERT", "SELECT"]
    with engine.connect() as connection:
        assert connection.connection.dbapi_connection.autocommit is False
        assert connection.connection.dbapi_connection.info.transaction_status.name == "IDLE"


def test_in_the_sessions_transaction_the_statements_see_it_and_end_it(engine):
    with Session(engine) as session:
        session.execute(things.insert().values(id=1, kind="first"))
        with driver_write.autocommit(session) as connection:
            assert fetch_all(connection, ALL, {}) == [(1, "first")]
            driver_write.execute(connection, ADD, {"id": 2, "kind": "second"})
        assert not session.in_transaction()
    with engine.connect() as other:
        assert [tuple(row) for row in other.execute(ALL)] == [(1, "first"), (2, "second")]


def test_a_driver_error_is_sqlalchemys_and_the_connection_goes_back_out_of_autocommit(engine):
    with Session(engine) as session:
        with pytest.raises(IntegrityError), driver_write.autocommit(session) as connection:
            driver_write.execute(connection, ADD, {"id": 1, "kind": "open"})
            driver_write.execute(connection, ADD, {"id": 1, "kind": "again"})
    with engine.connect() as connection:
        assert [tuple(row) for row in connection.execute(ALL)] == [(1, "open")]
        assert connection.connection.dbapi_connection.autocommit is False


def test_a_searchs_audit_rows_are_one_statement_a_row_a_case_in_their_order_at_one_time(make_app):
    from portal.cases import search
    from portal.models import AuditEntry, utcnow

    app = make_app()
    engine = app.extensions["portal.engine"]
    seen = []
    event.listen(engine, "before_cursor_execute", lambda _c, _cur, sql, *_: seen.append(sql.split()[0]))
    found = {"at": utcnow(), "actor": "mette", "actor_name": "Mette", "municipality_code": "101",
             "detail": "search by name: 3 found"}
    with Session(engine) as session:
        for case_ids in ([3, 1, 2], [None]):
            with driver_write.autocommit(session) as connection:
                search._write_audit(connection, True, found, case_ids)
        assert seen == ["INSERT", "INSERT"]
        rows = session.execute(select(AuditEntry.case_id, AuditEntry.at, AuditEntry.action, AuditEntry.actor_name,
                                      AuditEntry.municipality_code, AuditEntry.detail)
                               .where(AuditEntry.actor == "mette").order_by(AuditEntry.id)).all()
    assert [row[0] for row in rows] == [3, 1, 2, None]
    assert {tuple(row[1:]) for row in rows} == {(found["at"], "search", "Mette", "101", "search by name: 3 found")}
