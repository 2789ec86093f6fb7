"""The engine and a session per request.

SQLite under instance/ on a laptop; PostgreSQL through DATABASE_URL. Use cases receive the
session from `get_session()` and commit once, so a failed request leaves nothing half-written.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app, g
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 15})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    # pre_ping: a connection killed by a database restart is replaced, not handed to a request.
    # force_custom_plan: psycopg prepares a statement after its fifth run, and PostgreSQL's generic
    # plan for it ignores the values; "my cases" (assignee = me) then read every live handover of
    # the municipality (19 ms instead of 0.5 at 50,000). Each run is planned for its own values.
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10,
                         connect_args={"options": "-c plan_cache_mode=force_custom_plan"})


def init_app(app: Flask) -> None:
    app.extensions["portal.engine"] = make_engine(app.config["DATABASE_URL"])
    app.teardown_appcontext(_close_session)


def engine() -> Engine:
    return current_app.extensions["portal.engine"]


def get_session() -> Session:
    if "db_session" not in g:
        g.db_session = Session(engine(), expire_on_commit=False)
        # Whether the request's last transaction committed: an error after that must not tell the
        # user that nothing was saved (portal.errors). A use case that commits in steps (the citizen
        # first, then her case) counts as saved only once its last step has committed.
        event.listen(g.db_session, "after_begin", _began)
        event.listen(g.db_session, "after_commit", _committed)
    return g.db_session


def _began(_session, _transaction, _connection) -> None:
    g.committed = False


def _committed(_session) -> None:
    g.committed = True


def committed() -> bool:
    return bool(g.get("committed"))


def _close_session(_exc: BaseException | None) -> None:
    """Close the request's session; on a connection the database has killed, the rollback inside
    close() fails, and that must not escape Flask as a bare "Internal Server Error" page."""
    session = g.pop("db_session", None)
    if session is not None:
        try:
            session.close()
        except Exception as error:  # noqa: BLE001 (any driver error: the connection is gone either way)
            current_app.logger.warning("closing a dead database session: %s", type(error).__name__)
            try:
                session.invalidate()
            except Exception as again:  # noqa: BLE001 (nothing more can be done with a dead connection)
                current_app.logger.warning("invalidating it failed too: %s", type(again).__name__)


@contextmanager
def session_scope(app: Flask) -> Iterator[Session]:
    """A session outside a request (CLI commands, tests)."""
    with Session(app.extensions["portal.engine"], expire_on_commit=False) as session:
        yield session
