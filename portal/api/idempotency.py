"""Idempotent writes: a case system that lost an answer (a timeout, a dropped connection) sends the
same request again with the same Idempotency-Key and gets the first answer back, without the write
happening twice (draft-ietf-httpapi-idempotency-key-header).

The key is claimed by inserting a row only one request can insert. The answer is stored with it
unless it was a server error, so a retry after a 5xx runs again. Keys are kept a day."""
from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from functools import wraps

from flask import Response, current_app, g, make_response, request
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..models import IdempotentRequest, utcnow
from .problems import problem

HEADER = "Idempotency-Key"
_SHAPE = re.compile(r"^[\x21-\x7e]{1,255}$")  # printable ASCII, no spaces
KEEP = timedelta(days=1)


def _engine():
    return current_app.extensions["portal.engine"]


def _fingerprint() -> str:
    return hashlib.sha256(b"\n".join([request.method.encode(), request.path.encode(),
                                      request.get_data()])).hexdigest()


def idempotent(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        key = request.headers.get(HEADER, "")
        if not key:
            return problem(400, "idempotency-key-missing",
                           f"Send a {HEADER} header (for example a UUID) and send the same one on a retry.")
        if not _SHAPE.match(key):
            return problem(400, "invalid-request", f"{HEADER} must be 1 to 255 printable ASCII characters.")
        client_id, fingerprint = g.api_client.id, _fingerprint()
        try:
            with _engine().begin() as connection:
                connection.execute(insert(IdempotentRequest).values(
                    client_id=client_id, key=key, fingerprint=fingerprint, created_at=utcnow()))
        except IntegrityError:
            return _earlier_answer(client_id, key, fingerprint)
        try:
            response = make_response(view(*args, **kwargs))
        except BaseException:
            _forget(client_id, key)
            raise
        if response.status_code >= 500:
            _forget(client_id, key)
        else:
            with _engine().begin() as connection:
                connection.execute(update(IdempotentRequest).where(
                    IdempotentRequest.client_id == client_id, IdempotentRequest.key == key).values(
                    status_code=response.status_code,
                    body={"mimetype": response.mimetype, "json": response.get_json(silent=True)}))
        return response

    return wrapper


def _earlier_answer(client_id: int, key: str, fingerprint: str) -> Response:
    with _engine().connect() as connection:
        row = connection.execute(select(IdempotentRequest).where(
            IdempotentRequest.client_id == client_id, IdempotentRequest.key == key)).first()
    if row is None:  # the first request failed and let go of the key a moment ago
        return problem(409, "idempotency-key-in-flight", "Send the request again.", {"Retry-After": "1"})
    if row.fingerprint != fingerprint:
        return problem(422, "idempotency-key-reused",
                       f"This {HEADER} was sent with another request. Use a new key for a new request.")
    if row.status_code is None:
        return problem(409, "idempotency-key-in-flight",
                       "The first request with this key is still running. Send it again in a moment.",
                       {"Retry-After": "1"})
    response = make_response(current_app.json.dumps(row.body["json"]), row.status_code)
    response.mimetype = row.body["mimetype"]
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _forget(client_id: int, key: str) -> None:
    with _engine().begin() as connection:
        connection.execute(delete(IdempotentRequest).where(
            IdempotentRequest.client_id == client_id, IdempotentRequest.key == key))


def purge_old(connection, now=None) -> int:
    cutoff = (now or utcnow()) - KEEP
    return connection.execute(delete(IdempotentRequest).where(IdempotentRequest.created_at < cutoff)).rowcount
