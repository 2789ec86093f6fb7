"""One statement in autocommit on psycopg's own connection, yet by the engine's rules.

Every logged-in request reads its session row and every API call writes its audit row, each as one
statement in autocommit. Through SQLAlchemy Core such a statement costs about twice the client CPU
it costs on the driver. Here the connection still comes from engine.connect(), so the pool's
checkout events run (portal.db's ping after a rest); the engine's cursor events are told of the
statement (tests/bench and tests/pg count statements with them); and a driver error goes through
SQLAlchemy's own handling, so that a disconnect invalidates the connection and the pool and raises
DBAPIError(connection_invalidated=True), as the Core path does, and any other error a DBAPIError.
Autocommit is set for the statement and unset before the connection goes back to the pool."""
from __future__ import annotations

from functools import cache

from sqlalchemy.engine import Connection


def usable(connection: Connection) -> bool:
    """psycopg, and neither statement logging nor a dialect's execute hooks (the portal has neither):
    otherwise the caller runs its statement through Core."""
    dialect = connection.dialect
    return dialect.driver == "psycopg" and not (connection._echo or dialect._has_events)


@cache
def sql_of(statement, dialect_class) -> str:
    """A Core statement as the driver's SQL text (psycopg's %(name)s), compiled once."""
    return str(statement.compile(dialect=dialect_class()))


def run(connection: Connection, statement: str, parameters: dict, fetch: bool):
    """Runs `statement` in autocommit; the first row (a tuple, or None) when `fetch`."""
    dbapi_connection = connection.connection.dbapi_connection
    cursor = row = None
    try:
        dbapi_connection.autocommit = True
        try:
            cursor = dbapi_connection.cursor()
            dispatch = connection.dispatch
            if dispatch.before_cursor_execute:
                for listener in dispatch.before_cursor_execute:
                    statement, parameters = listener(connection, cursor, statement, parameters, None, False)
            cursor.execute(statement, parameters)
            if dispatch.after_cursor_execute:
                dispatch.after_cursor_execute(connection, cursor, statement, parameters, None, False)
            if fetch:
                row = cursor.fetchone()
            cursor.close()
        finally:
            if not (dbapi_connection.closed or dbapi_connection.broken):
                dbapi_connection.autocommit = False  # never back to the pool in autocommit
    except connection.dialect.loaded_dbapi.Error as error:
        connection._handle_dbapi_exception(error, statement, parameters, cursor, None)
    return row
