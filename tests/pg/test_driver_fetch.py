"""A page's read on psycopg's own cursor (portal.driver_statement.fetch_all) answers what Core answers:
the same rows, a TypeDecorator's conversions of parameters and columns applied (an aware datetime in
UTC whatever the session's time zone), the anonymous parameters of a literal comparison filled in, an
IN list run through Core; the engine's cursor events see the statement; a driver error is SQLAlchemy's."""
from __future__ import annotations

import os
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Column, Date, Integer, MetaData, String, Table, TypeDecorator, bindparam, event, select
from sqlalchemy.exc import ProgrammingError
from sqlmodel.sql.sqltypes import UTCDateTime

from portal import db, driver_statement

PG_URL = os.environ.get("PORTAL_TEST_DATABASE_URL")
pytestmark = pytest.mark.skipif(not PG_URL, reason="PostgreSQL only: set PORTAL_TEST_DATABASE_URL")


class Upper(TypeDecorator):
    """Stored upper-case, read back lower-case: a conversion each way the driver alone would not make."""
    impl = String
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else value.upper()

    def process_result_value(self, value, dialect):
        return None if value is None else value.lower()


metadata = MetaData()
things = Table("driver_fetch_thing", metadata, Column("id", Integer, primary_key=True), Column("kind", Upper(16)),
               Column("due", Date), Column("at", UTCDateTime()), prefixes=["TEMPORARY"])


@pytest.fixture
def connection():
    engine = db.make_engine(PG_URL)
    with engine.connect() as connection:
        connection.exec_driver_sql("SET TIME ZONE 'Europe/Copenhagen'")
        metadata.create_all(connection)
        connection.execute(things.insert(), [
            {"id": 1, "kind": "open", "due": date(2027, 1, 9), "at": datetime(2026, 12, 4, 21, 0, tzinfo=UTC)},
            {"id": 2, "kind": "closed", "due": None, "at": None},
            {"id": 3, "kind": "open", "due": date(2026, 11, 16), "at": datetime(2026, 6, 1, 8, 30, tzinfo=UTC)}])
        yield connection
    engine.dispose()


STATEMENTS = {
    "named parameter with a conversion": (select(things).where(things.c.kind == bindparam("kind", type_=Upper()))
                                          .order_by(things.c.id), {"kind": "open"}),
    "literal comparison and limit": (select(things.c.id, things.c.at).where(things.c.kind == "closed").limit(5), {}),
    "IN a list, through Core": (select(things.c.id).where(things.c.id.in_([1, 3])).order_by(things.c.id), {}),
    "a Numeric column, through Core": (select(things.c.id, (things.c.id * 1.5).label("half_again"))
                                       .order_by(things.c.id), {}),
}


@pytest.mark.parametrize("name", STATEMENTS)
def test_the_driver_answers_the_rows_core_answers(connection, name):
    statement, parameters = STATEMENTS[name]
    expected = [tuple(row) for row in connection.execute(statement, parameters)]
    assert expected, "the statement finds rows"
    found = driver_statement.fetch_all(connection, statement, parameters)
    assert [tuple(row) for row in found] == expected
    for row in found:
        for value in row:
            if isinstance(value, datetime):
                assert value.tzinfo is UTC, "an aware datetime in UTC, as Core's UTCDateTime answers it"


def test_the_driver_read_is_a_statement_the_engine_sees(connection):
    seen = []
    event.listen(connection.engine, "before_cursor_execute", lambda _c, _cur, sql, *_: seen.append(sql))
    statement, parameters = STATEMENTS["named parameter with a conversion"]
    driver_statement.fetch_all(connection, statement, parameters)
    assert len(seen) == 1 and "driver_fetch_thing" in seen[0]


def test_a_driver_error_is_sqlalchemys():
    engine = db.make_engine(PG_URL)
    with engine.connect() as connection, pytest.raises(ProgrammingError):
        driver_statement.fetch_all(connection, select(things.c.id), {})   # no such table outside the fixture
    engine.dispose()


def test_a_read_outside_a_transaction_runs_alone_and_one_inside_sees_the_transaction():
    """read_all: with no transaction begun, the statement runs in autocommit and the session begins
    none (no BEGIN, no ROLLBACK), and the connection goes back to the pool out of autocommit; in the
    session's transaction, it sees what the transaction wrote and has not committed."""
    from sqlmodel import Session

    engine = db.make_engine(PG_URL)
    shared = Table("driver_read_thing", MetaData(), Column("id", Integer, primary_key=True), Column("kind", Upper(16)))
    shared.metadata.drop_all(engine)
    shared.metadata.create_all(engine)
    try:
        with engine.begin() as connection:
            connection.execute(shared.insert(), [{"id": 1, "kind": "open"}])
        seen = []
        event.listen(engine, "before_cursor_execute", lambda _c, _cur, sql, *_: seen.append(sql.split()[0]))
        statement = select(shared.c.id, shared.c.kind).order_by(shared.c.id)
        with Session(engine) as session:
            assert [tuple(row) for row in driver_statement.read_all(session, statement, {})] == [(1, "open")]
            assert not session.in_transaction()
            session.execute(shared.insert().values(id=2, kind="new"))
            assert [tuple(row) for row in driver_statement.read_all(session, statement, {})] == [(1, "open"),
                                                                                               (2, "new")]
            session.rollback()
        assert seen == ["SELECT", "INSERT", "SELECT"]
        with engine.connect() as connection:
            assert connection.connection.dbapi_connection.autocommit is False
            assert connection.connection.dbapi_connection.info.transaction_status.name == "IDLE"
    finally:
        shared.metadata.drop_all(engine)
        engine.dispose()
