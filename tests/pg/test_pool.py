"""The pool pings only connections that rested (no round trip per request), yet a connection the
database killed is not handed to the next requests: a rested one is replaced at checkout, and a
disconnect found by a query renews every connection pooled before it."""
from __future__ import annotations

import os

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from portal import db

PG_URL = os.environ.get("PORTAL_TEST_DATABASE_URL")
pytestmark = pytest.mark.skipif(not PG_URL, reason="PostgreSQL only: set PORTAL_TEST_DATABASE_URL")


def backend(connection) -> int:
    return connection.execute(text("SELECT pg_backend_pid()")).scalar()


def kill(pids) -> None:
    killer = db.make_engine(PG_URL)
    with killer.connect() as connection:
        for pid in pids:
            assert connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
    killer.dispose()


def test_a_rested_connection_the_database_killed_is_replaced_at_checkout(monkeypatch):
    engine = db.make_engine(PG_URL)
    monkeypatch.setattr(db, "PING_AFTER_SECONDS", 0.0)  # every checkout comes after a rest
    with engine.connect() as connection:
        first = backend(connection)
    kill([first])
    with engine.connect() as connection:
        assert backend(connection) != first
    engine.dispose()


def test_after_one_disconnect_no_connection_pooled_before_it_is_handed_out(monkeypatch):
    engine = db.make_engine(PG_URL)
    monkeypatch.setattr(db, "PING_AFTER_SECONDS", 3600.0)  # busy: no ping at checkout
    with engine.connect() as one, engine.connect() as two:
        old = {backend(one), backend(two)}
    kill(old)
    failures = 0
    fresh = set()
    for _ in range(4):
        try:
            with engine.connect() as connection:
                fresh.add(backend(connection))
        except DBAPIError as error:
            assert error.connection_invalidated
            failures += 1
    assert failures <= 1, "only the query that found the disconnect fails"
    assert fresh and not fresh & old
    engine.dispose()


def test_a_worker_whose_threads_each_hold_two_connections_keeps_reusing_the_same_ones(monkeypatch):
    """A request can hold two connections at once (its session, and the audit row in a transaction of
    its own). A pool smaller than two for every thread closed connections whenever a worker's
    requests finished together, and opened new PostgreSQL backends for the next ones."""
    import threading

    from portal.config import from_environment

    monkeypatch.setenv("PORTAL_THREADS", "4")
    pool_size = from_environment("/tmp")["PORTAL_DB_POOL_SIZE"]
    assert pool_size == 8
    engine = db.make_engine(PG_URL, pool_size)
    seen, all_busy, all_done = set(), threading.Barrier(4), threading.Barrier(4)

    def requests_in_bursts():
        for _ in range(3):  # four requests at once, then all four done, three times
            with engine.connect() as session, engine.connect() as audit:
                seen.update({backend(session), backend(audit)})
                all_busy.wait()
            all_done.wait()

    threads = [threading.Thread(target=requests_in_bursts) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == pool_size, "every burst after the first reuses the pooled connections"
    engine.dispose()


def test_the_session_read_on_the_driver_keeps_the_pools_rules(make_app, monkeypatch):
    """The session row is read on psycopg's own connection (portal.auth.server_session), yet as through
    SQLAlchemy: the engine's cursor events see the statement, the connection goes back to the pool out
    of autocommit, a connection the database killed is replaced by the read's one retry, and any other
    driver error answers 503 without leaving the connection in autocommit."""
    from sqlalchemy import event

    from portal.auth import server_session
    from tests.conftest import Auth
    from tests.web.test_citizen_journey import CITIZEN

    app = make_app(PROPAGATE_EXCEPTIONS=False, TESTING=False)
    engine = app.extensions["portal.engine"]
    client = app.test_client()
    Auth(client).login(CITIZEN)
    seen = []
    event.listen(engine, "before_cursor_execute", lambda _c, _cur, statement, *_: seen.append(statement))
    assert client.get("/borger/mit-sygefravaer").status_code == 200
    assert seen and "FROM web_session" in seen[0], "the session read is counted as a statement"
    with engine.connect() as connection:
        assert connection.connection.dbapi_connection.autocommit is False
        pids = {backend(connection)}

    monkeypatch.setattr(db, "PING_AFTER_SECONDS", 3600.0)  # no ping at checkout: the read finds the dead one
    kill(pids)
    assert client.get("/borger/mit-sygefravaer").status_code == 200
    with engine.connect() as connection:
        assert backend(connection) not in pids

    monkeypatch.setattr(server_session.driver_statement, "sql_of", lambda *_: "SELECT * FROM no_such_table")
    assert client.get("/borger/mit-sygefravaer").status_code == 503
    with engine.connect() as connection:
        assert connection.connection.dbapi_connection.autocommit is False
        assert connection.execute(text("SELECT 1")).scalar() == 1
