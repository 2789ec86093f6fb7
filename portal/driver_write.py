"""A few statements of one request on one pooled connection, each committed alone, and a write on
psycopg's own cursor, by the engine's rules (as portal.driver_statement's reads).

A search reads its hits and writes its audit rows: as a transaction through the session that cost
BEGIN and COMMIT round trips and the session's bookkeeping, and as statements each alone in
autocommit (driver_statement.read_all, run) a pool checkout each. Here they share one checkout in
autocommit. The connection still comes from engine.connect(), so the pool's checkout events run;
a statement on the driver's cursor tells the engine's cursor events of itself (tests/bench and
tests/pg count statements with them), and a driver error goes through SQLAlchemy's own handling
(a disconnect invalidates the connection and the pool). Autocommit is unset before the connection
goes back to the pool."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Connection

from . import driver_statement


@contextmanager
def autocommit(session) -> Iterator[Connection]:
    """A connection whose statements each commit alone (psycopg's autocommit), for
    driver_statement.fetch_all and `execute`: statements that need not see one snapshot. Where the
    session has begun a transaction, its connection, and the session is committed after them; where
    the driver's path is not usable (SQLite, statement logging), one transaction on the connection,
    committed after them."""
    if session.in_transaction():
        yield session.connection()
        session.commit()
        return
    with session.get_bind().connect() as connection:
        if not driver_statement.usable(connection):
            with connection.begin():
                yield connection
            return
        with driver_statement.autocommit(connection):
            yield connection


def execute(connection: Connection, statement, parameters: dict) -> None:
    """A Core statement that returns no rows, on psycopg's cursor (compiled once) with `parameters`
    as the driver takes them: no bind processor is applied, so the caller passes values as Core's
    types would have made them. Through Core where the driver's path is not usable."""
    if not driver_statement.usable(connection):
        connection.execute(statement, parameters)
        return
    driver_statement.execute(connection, driver_statement.sql_of(statement, type(connection.dialect)), parameters)
