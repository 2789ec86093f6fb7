"""The engine and a session per request.

SQLite under instance/ on a laptop; PostgreSQL through DATABASE_URL. Use cases receive the
session from `get_session()` and commit once, so a failed request leaves nothing half-written.
"""
from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app, g
from flask.globals import _cv_app  # Flask's own app context variable (flask.globals)
from sqlalchemy import event, exc
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine


def make_engine(url: str, pool_size: int = 8) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 15})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    # No pre-ping on every checkout (a round trip per request, twice with the session read): a
    # connection is pinged only after resting in the pool (_ping_if_rested), recycled after 30 minutes,
    # and a disconnect found by a query invalidates the whole pool, so the next checkout is fresh
    # (the session read, every request's first query, retries once: server_session).
    # PostgreSQL's own plan cache (plan_cache_mode=auto): psycopg prepares a statement that runs five
    # times and the server may then plan it once for any parameters. The constants that choose a
    # partial index or a row count ('closed', 'booked', LIMIT 25) are written into the SQL
    # (models.fixed), so a plan made once still uses the indexes. Planning every execution instead
    # (force_custom_plan) cost the queue's statements 1.6 ms of server time a page.
    # LIFO: a request's next checkout gets the connection its last statement just proved alive, and
    # connections beyond the need rest (and are pinged or recycled) instead of each taking turns.
    engine = create_engine(url, pool_size=pool_size, max_overflow=10, pool_recycle=1800, pool_use_lifo=True)
    event.listen(engine, "checkin", _rested_since)
    event.listen(engine, "checkout", _ping_if_rested(engine))
    return engine


PING_AFTER_SECONDS = 10.0  # a connection in steady use is not pinged; one that rested is


def _rested_since(_dbapi_connection, record) -> None:
    if record is not None:
        record.info["checked_in"] = time.monotonic()


def _ping_if_rested(engine: Engine):
    def ping(dbapi_connection, record, _proxy) -> None:
        rested = record.info.get("checked_in")
        if rested is None or time.monotonic() - rested < PING_AFTER_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            # The pool replaces the connection and tries again (SQLAlchemy's disconnect handling).
            raise exc.DisconnectionError("a rested connection did not answer") from error

    return ping


def init_app(app: Flask) -> None:
    app.extensions["portal.engine"] = make_engine(app.config["DATABASE_URL"], app.config["PORTAL_DB_POOL_SIZE"])
    app.teardown_appcontext(_close_session)


def engine() -> Engine:
    return current_app.extensions["portal.engine"]


def _began(_session, _transaction, _connection) -> None:
    g.committed = False


def _committed(_session) -> None:
    g.committed = True


class RequestSession(Session):
    """The request's session. Whether the request's last transaction committed: an error after that
    must not tell the user that nothing was saved (portal.errors). A use case that commits in steps
    (the citizen first, then her case) counts as saved only once its last step has committed. The
    listeners are the class's, set once: listening on each request's session instance made it its
    own event dispatcher, about 40 µs a request."""


event.listen(RequestSession, "after_begin", _began)
event.listen(RequestSession, "after_commit", _committed)


def get_session() -> Session:
    if "db_session" not in g:
        g.db_session = RequestSession(engine(), expire_on_commit=False)
    return g.db_session


def committed() -> bool:
    return bool(g.get("committed"))


def _close_session(_exc: BaseException | None) -> None:
    """Close the request's session; on a connection the database has killed, the rollback inside
    close() fails, and that must not escape Flask as a bare "Internal Server Error" page."""
    session = _cv_app.get().g.pop("db_session", None)  # every request: not through the g proxy
    if session is not None:
        close_or_invalidate(session, "database session")


def close_or_invalidate(resource, what: str) -> None:
    """Close a request's session or connection; on a connection the database has killed, the
    rollback inside close() fails: it is invalidated instead, and the error logged, not raised."""
    try:
        resource.close()
    except Exception as error:  # noqa: BLE001 (any driver error: the connection is gone either way)
        current_app.logger.warning("closing a dead %s: %s", what, type(error).__name__)
        try:
            resource.invalidate()
        except Exception as again:  # noqa: BLE001 (nothing more can be done with a dead connection)
            current_app.logger.warning("invalidating it failed too: %s", type(again).__name__)


@contextmanager
def session_scope(app: Flask) -> Iterator[Session]:
    """A session outside a request (CLI commands, tests)."""
    with Session(app.extensions["portal.engine"], expire_on_commit=False) as session:
        yield session
