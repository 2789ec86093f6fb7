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
