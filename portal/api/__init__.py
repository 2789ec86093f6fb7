"""The JSON API for the municipality's case system, under /api/v1/ (see README, "The API").

No cookies and no CSRF tokens: a case system authenticates every call with a bearer token, so
the browser's session gives no access here, and CSRF protection (which guards cookies) is off
for this blueprint only. Every call made with a known token is written to the municipality's
audit log, whatever its answer."""
from __future__ import annotations

from flask import Flask, current_app, g, request
from sqlalchemy import insert

from ..extensions import csrf
from ..models import AuditEntry, utcnow
from . import oauth
from .views import bp

AUDIT_ACTIONS = {
    "api.handovers": "api_list_handovers",
    "api.handover_package": "api_read_case",
    "api.acknowledge": "api_acknowledge",
    "api.outcome": "api_report_outcome",
}


def _audit(response):
    client = g.get("api_client")
    if client is not None and request.endpoint in AUDIT_ACTIONS:
        # In a transaction of its own, so a refused or failed call is logged too.
        with current_app.extensions["portal.engine"].begin() as connection:
            connection.execute(insert(AuditEntry).values(
                at=utcnow(), actor=f"api:{client.client_id}", actor_name=client.name,
                municipality_code=client.municipality_code, action=AUDIT_ACTIONS[request.endpoint],
                case_id=g.get("api_case_id"),
                detail=f"{request.method} {request.path} {response.status_code}"[:200]))
    response.headers.setdefault("Cache-Control", "no-store")
    return response


bp.after_request(_audit)


def init_app(app: Flask) -> None:
    app.json.ensure_ascii = False  # "København", not "K\u00f8benhavn": UTF-8 is JSON's own encoding
    csrf.exempt(bp)
    oauth.init_app(app)
    app.register_blueprint(bp)
