"""Each form is stored once, however often it is sent.

Every rendered form carries a one-time `submission` key (templates/macros/forms.html). Before a POST
is handled, its key is claimed by inserting a row, which the database lets only one request do:

- the first request runs; if it succeeds (a redirect), the row keeps where it led; if it fails
  (field errors, an error page), the row is removed so the corrected form can be sent;
- a second request with the same key (a double click, a resent form after a timeout) waits for the
  first to finish and is sent to the same result, without running the use case again.

The key is bound to the person (or anonymous session) who sent it, so a key seen in one browser is
of no use in another."""
from __future__ import annotations

import hashlib
import re
import time
from datetime import UTC, timedelta

from flask import Flask, Response, current_app, g, redirect, request, session
from flask.globals import _cv_app, _cv_request  # Flask's own context variables (flask.globals)
from sqlalchemy import bindparam, delete, insert, null, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from . import driver_statement
from .models import SubmittedForm, utcnow

FIELD = "submission"
_SHAPE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
WAIT_SECONDS = 15.0
KEEP = timedelta(days=1)
# Every form's statements, built once (building them cost more CPU than the round trips' own work).
_TABLE = SubmittedForm.__table__
_CLAIM = insert(_TABLE).values(key=bindparam("the_key"), location=null(), created_at=bindparam("created_at"))
_LEAD = update(_TABLE).where(_TABLE.c.key == bindparam("the_key")).values(location=bindparam("location"))
_FORGET = delete(_TABLE).where(_TABLE.c.key == bindparam("the_key"))


def _key(raw: str) -> str:
    user = session.get("user") or {}
    owner = f"{user.get('role')}:{user.get('subject')}" if user else f"anon:{session.get('csrf_token', '')}"
    return hashlib.sha256(f"{owner}|{raw}".encode()).hexdigest()


def _engine():
    return current_app.extensions["portal.engine"]


def _one_statement(statement, parameters: dict) -> None:
    """One statement in autocommit: it is its own transaction, so the BEGIN and COMMIT round trips
    around it (four a form) are saved; on psycopg's own connection (portal.driver_statement), at
    about half Core's client CPU, with the same errors (a key claimed twice: IntegrityError)."""
    with _engine().connect() as connection:
        if driver_statement.usable(connection):
            driver_statement.run(connection, driver_statement.sql_of(statement, type(connection.dialect)),
                                 parameters, fetch=False)
        else:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(statement, parameters)


def _claim() -> Response | None:
    if _cv_request.get().request.method != "POST":  # every request asks: no proxy
        return None
    raw = request.form.get(FIELD, "")
    if not _SHAPE.match(raw):
        return None
    key = _key(raw)
    try:
        _one_statement(_CLAIM, {"the_key": key, "created_at": utcnow().astimezone(UTC)})
    except IntegrityError:
        return _follow_first(key)
    g.submission_key = key
    return None


def _follow_first(key: str) -> Response | None:
    """The same form again: wait for the first request, then show where it led."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        with _engine().connect() as connection:
            row = connection.execute(select(SubmittedForm.location).where(SubmittedForm.key == key)).first()
        if row is None:
            return None  # the first was refused (field errors): handle this one as new
        if row.location:
            return redirect(row.location, code=303)
        time.sleep(0.05)
    return None


def _settle(response: Response) -> Response:
    key = _cv_app.get().g.pop("submission_key", None)
    if key is None:
        return response
    try:
        _record_outcome(key, response)
    except DBAPIError as error:  # the form's own work stands; a resend then runs it once more at most
        current_app.logger.error("submission key not settled: %s", type(error.orig).__name__)
    return response


def _record_outcome(key: str, response: Response) -> None:
    if response.status_code in (301, 302, 303) and response.location:
        _one_statement(_LEAD, {"the_key": key, "location": response.location[:500]})
    else:
        _one_statement(_FORGET, {"the_key": key})


def _release_on_error(_exc: BaseException | None) -> None:
    key = _cv_app.get().g.pop("submission_key", None)
    if key is not None:
        try:
            with _engine().begin() as connection:
                connection.execute(_FORGET, {"the_key": key})
        except DBAPIError as error:
            current_app.logger.error("submission key not released: %s", type(error.orig).__name__)


def purge_old(connection, now=None) -> int:
    cutoff = (now or utcnow()) - KEEP
    return connection.execute(delete(SubmittedForm).where(SubmittedForm.created_at < cutoff)).rowcount


def init_app(app: Flask) -> None:
    app.before_request(_claim)
    app.after_request(_settle)
    app.teardown_request(_release_on_error)
