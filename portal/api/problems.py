"""Errors as problem details (RFC 9457, application/problem+json): a status, a short title, a
detail that says what to do, and for field errors the fields. Specific problems carry a `type`
the client can branch on; plain HTTP errors use about:blank, as the RFC says."""
from __future__ import annotations

from http import HTTPStatus

from flask import Response, json, request

MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "tag:sygefravaer-portal,2026:problem:"

# Every specific problem the API can answer with: its type suffix and its title.
PROBLEMS = {
    "invalid-request": "The request is not valid",
    "invalid-cursor": "The cursor is not one this API gave out",
    "malformed-json": "The body is not valid JSON",
    "unsupported-media-type": "Send the body as application/json",
    "idempotency-key-missing": "This write needs an Idempotency-Key header",
    "idempotency-key-reused": "The Idempotency-Key was used for a different request",
    "idempotency-key-in-flight": "A request with this Idempotency-Key is still being handled",
    "handover-closed": "The handover is closed",
    "insufficient-scope": "The access token does not carry the scope this call needs",
    "invalid-token": "No valid access token",
}


def problem(status: int, kind: str | None = None, detail: str | None = None,
            headers: dict | None = None, **extra) -> Response:
    body = {
        "type": TYPE_PREFIX + kind if kind else "about:blank",
        "title": PROBLEMS[kind] if kind else HTTPStatus(status).phrase,
        "status": status,
        **({"detail": detail} if detail else {}),
        "instance": request.path,
        **extra,
    }
    response = Response(json.dumps(body), status=status, mimetype=MEDIA_TYPE)
    response.headers["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def is_api_request() -> bool:
    return request.path.startswith("/api/")


# Pages that answer JSON as well as HTML, when the client asks for JSON (Accept): their errors too.
JSON_PAGES = {"main.deadlines"}


def prefers_json() -> bool:
    """The client asked for JSON rather than HTML (Accept: application/json)."""
    accept = request.accept_mimetypes
    best = accept.best_match(["text/html", "application/json"])
    return best == "application/json" and accept[best] > accept["text/html"]


def answers_with_problems() -> bool:
    """Errors of this request are problem details, not an HTML page: the API, and a page that
    answers JSON asked for as JSON."""
    return is_api_request() or (request.endpoint in JSON_PAGES and prefers_json())
