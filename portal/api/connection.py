"""An API call's own database connection, in autocommit.

A call reads its token, then the list's page or the package (two statements), and writes its audit
row. Through the request's ORM session that took a transaction (psycopg's BEGIN, the session's
bookkeeping, the ROLLBACK at teardown) and a second pooled connection for the audit row, about a
fifth of a list call's client CPU (issue 33). Here all of it runs on one pooled connection in
autocommit: each statement is its own transaction. Under PostgreSQL's READ COMMITTED, the portal's
level, each statement of a transaction sees its own snapshot anyway, so the reads see what they saw
before. The writing calls (acknowledge, outcome) read and write their handover through the session
as before; only their token check and audit row are here."""
from __future__ import annotations

from flask import current_app, g
from sqlalchemy.engine import Connection

from ..db import close_or_invalidate


def api_connection() -> Connection:
    """The call's connection, checked out at its first use and given back at the request's teardown."""
    connection = g.get("api_connection")
    if connection is None:
        connection = g.api_connection = current_app.extensions["portal.engine"].connect().execution_options(
            isolation_level="AUTOCOMMIT")
    return connection


def usable_api_connection() -> Connection | None:
    """The call's connection if it has one still fit for a statement (not closed, not invalidated by
    a disconnect), for the audit row."""
    connection = g.get("api_connection")
    if connection is None or connection.closed or connection.invalidated:
        return None
    return connection


def close_api_connection(_exc: BaseException | None = None) -> None:
    connection = g.pop("api_connection", None)
    if connection is None:
        return
    close_or_invalidate(connection, "API connection")
