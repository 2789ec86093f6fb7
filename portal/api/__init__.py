"""The JSON API for the municipality's case system, under /api/v1/ (see README, "The API").

No cookies and no CSRF tokens: a case system authenticates every call with a bearer token, so
the browser's session gives no access here, and CSRF protection (which guards cookies) is off
for this blueprint only. Every call made with a known token is written to the municipality's
audit log, whatever its answer."""
from __future__ import annotations

from datetime import UTC

from flask import Flask, current_app, g, request
from sqlalchemy import bindparam, insert

from .. import driver_statement
from ..extensions import csrf
from ..models import AuditEntry, utcnow
from . import oauth
from .connection import close_api_connection, usable_api_connection
from .views import bp

AUDIT_ACTIONS = {
    "api.handovers": "api_list_handovers",
    "api.handover_package": "api_read_case",
    "api.acknowledge": "api_acknowledge",
    "api.outcome": "api_report_outcome",
}


# Every call's audit row: the statement built once, run as a statement of its own.
# inline(): no RETURNING of the new id, which nobody reads.
_AUDIT_ROW = insert(AuditEntry.__table__).inline().values(
    {name: bindparam(f"the_{name}") for name in
     ("at", "actor", "actor_name", "municipality_code", "action", "case_id", "detail")})


def _audit(response):
    client = g.get("api_client")
    if client is not None and request.endpoint in AUDIT_ACTIONS:
        # In a transaction of its own (one statement in autocommit, no BEGIN and COMMIT round trips),
        # so a refused or failed call is logged too: on the call's own connection (already in
        # autocommit), or on one of its own when the call has none fit for it.
        parameters = {
            "the_at": utcnow().astimezone(UTC), "the_actor": f"api:{client.client_id}", "the_actor_name": client.name,
            "the_municipality_code": client.municipality_code, "the_action": AUDIT_ACTIONS[request.endpoint],
            "the_case_id": g.get("api_case_id"),
            "the_detail": f"{request.method} {request.path} {response.status_code}"[:200]}
        connection = usable_api_connection()
        if connection is not None:
            _write(connection, parameters)
        else:
            with current_app.extensions["portal.engine"].connect() as connection:
                _write(connection.execution_options(isolation_level="AUTOCOMMIT"), parameters)
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def _write(connection, parameters: dict) -> None:
    """The audit row, on a connection in autocommit."""
    if driver_statement.usable(connection):  # on psycopg's own connection: half the client CPU
        driver_statement.run(connection, driver_statement.sql_of(_AUDIT_ROW, type(connection.dialect)),
                             parameters, fetch=False)
    else:
        connection.execute(_AUDIT_ROW, parameters)


bp.after_request(_audit)
bp.teardown_request(close_api_connection)


def init_app(app: Flask) -> None:
    app.json.ensure_ascii = False  # "København", not "K\u00f8benhavn": UTF-8 is JSON's own encoding
    csrf.exempt(bp)
    oauth.init_app(app)
    app.register_blueprint(bp)
