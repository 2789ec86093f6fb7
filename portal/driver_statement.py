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

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache, lru_cache

from sqlalchemy import Float, type_coerce
from sqlalchemy.engine import Connection
from sqlalchemy.types import TypeDecorator


def usable(connection: Connection) -> bool:
    """psycopg, and neither statement logging nor a dialect's execute hooks (the portal has neither):
    otherwise the caller runs its statement through Core."""
    dialect = connection.dialect
    return dialect.driver == "psycopg" and not (connection._echo or dialect._has_events)


@cache
def sql_of(statement, dialect_class) -> str:
    """A Core statement as the driver's SQL text (psycopg's %(name)s), compiled once."""
    return str(statement.compile(dialect=dialect_class()))


@contextmanager
def autocommit(connection: Connection) -> Iterator[Connection]:
    """psycopg's autocommit on the connection's driver connection for the block: each statement its
    own transaction; unset before the connection goes back to the pool, unless the driver lost it."""
    dbapi_connection = connection.connection.dbapi_connection
    try:
        dbapi_connection.autocommit = True
    except connection.dialect.loaded_dbapi.Error as error:  # a lost connection: SQLAlchemy's handling
        connection._handle_dbapi_exception(error, "SET autocommit", {}, None, None)
    try:
        yield connection
    finally:
        if not (dbapi_connection.closed or dbapi_connection.broken):
            dbapi_connection.autocommit = False  # never back to the pool in autocommit


def execute(connection: Connection, sql: str, parameters: dict, fetch: str | None = None):
    """`sql` (the driver's %(name)s) on psycopg's cursor: the engine's cursor events told of it, a
    driver error through SQLAlchemy's own handling. `fetch`: "one" answers the first row (a tuple, or
    None), "all" the rows, None nothing."""
    cursor = rows = None
    try:
        cursor = connection.connection.dbapi_connection.cursor()
        dispatch = connection.dispatch
        if dispatch.before_cursor_execute:
            for listener in dispatch.before_cursor_execute:
                sql, parameters = listener(connection, cursor, sql, parameters, None, False)
        cursor.execute(sql, parameters)
        if dispatch.after_cursor_execute:
            dispatch.after_cursor_execute(connection, cursor, sql, parameters, None, False)
        if fetch == "one":
            rows = cursor.fetchone()
        elif fetch == "all":
            rows = cursor.fetchall()
        cursor.close()
    except connection.dialect.loaded_dbapi.Error as error:
        connection._handle_dbapi_exception(error, sql, parameters, cursor, None)
    return rows


def run(connection: Connection, statement: str, parameters: dict, fetch: bool):
    """Runs `statement` in autocommit; the first row (a tuple, or None) when `fetch`."""
    with autocommit(connection):
        return execute(connection, statement, parameters, "one" if fetch else None)


class DriverFloat(TypeDecorator):
    """A float column read as Core reads a float8 on psycopg (and a REAL on SQLite): as the driver
    gives it, no conversion. Core's own Float picks its conversion by the column's type code in the
    cursor's description, which a plan made before execution does not have (_plan sends it to Core)."""

    impl = Float
    cache_ok = True

    def result_processor(self, dialect, coltype):
        return None


def as_driver_float(column):
    """A Float column (a float8 in PostgreSQL) selected so that fetch_all reads it on the driver; any
    other column as it is."""
    return type_coerce(column, DriverFloat()) if isinstance(column.type, Float) else column


class _Plan:
    """A SELECT compiled once for the driver: its SQL, its anonymous parameters' values, and the
    conversions Core would make of a parameter or a column (a TypeDecorator's, an Enum's): by
    parameter name, and as (column index, conversion) for the columns that have one."""

    __slots__ = ("sql", "defaults", "binds", "columns")

    def __init__(self, sql: str, defaults: dict, binds: dict, columns: tuple):
        self.sql, self.defaults, self.binds, self.columns = sql, defaults, binds, columns


@lru_cache(maxsize=1024)  # bounded: a caller that builds its statement per request only loses the cache
def _plan(statement, dialect) -> _Plan | None:
    """None where the driver cannot run it as compiled (a parameter expanded at execution, IN a list)
    or where a column's conversion depends on the type the driver reports (Numeric, Float)."""
    compiled = statement.compile(dialect=dialect)
    if compiled.post_compile_params or compiled.literal_execute_params:
        return None
    binds = {}
    for bind, name in compiled.bind_names.items():
        if bind.expanding:
            return None
        process = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            binds[name] = process
    columns = []
    for index, column in enumerate(statement.selected_columns):
        try:
            process = column.type.dialect_impl(dialect).result_processor(dialect, None)
        except TypeError:  # a type that chooses by the driver's type code (psycopg's Numeric): Core's
            return None
        if process is not None:
            columns.append((index, process))
    defaults = {name: binds[name](value) if name in binds else value for name, value in compiled.params.items()}
    return _Plan(str(compiled), defaults, binds, tuple(columns))


def fetch_all(connection: Connection, statement, parameters: dict) -> list:
    """The rows of a Core SELECT, run in the connection's open transaction: as tuples on psycopg's own
    cursor, with the same conversions of parameters and columns as Core makes, at about a third of
    Core's client CPU a statement (issue 33); through Core on SQLite and where the driver cannot run
    the statement as compiled."""
    plan = _plan(statement, connection.dialect) if usable(connection) else None
    if plan is None:
        return connection.execute(statement, parameters).all()
    return _rows(connection, plan, parameters)


def read_all(session, statement, parameters: dict) -> list:
    """The rows of a Core SELECT for a page that reads and writes nothing else: where the request's
    session has begun no transaction, the statement runs alone in autocommit on a pooled connection,
    as the session row is read, which spares the transaction's BEGIN and ROLLBACK and the session's
    bookkeeping (half the client CPU of the read through the session); in the session's transaction
    otherwise, and through Core on SQLite. One statement sees one snapshot; two reads made this way
    need not agree with each other, so a page whose reads must agree reads them in one statement or
    in the session's transaction."""
    if session.in_transaction():
        return fetch_all(session.connection(), statement, parameters)
    with session.get_bind().connect() as connection:
        plan = _plan(statement, connection.dialect) if usable(connection) else None
        if plan is None:
            return connection.execute(statement, parameters).all()
        with autocommit(connection):
            return _rows(connection, plan, parameters)


def _rows(connection: Connection, plan: _Plan, parameters: dict) -> list:
    values = {**plan.defaults, **parameters}
    for name, process in plan.binds.items():
        if name in parameters:
            values[name] = process(parameters[name])
    rows = execute(connection, plan.sql, values, "all")
    if plan.columns:
        converted = []
        for row in rows:
            row = list(row)
            for index, process in plan.columns:
                row[index] = process(row[index])
            converted.append(tuple(row))
        rows = converted
    return rows
