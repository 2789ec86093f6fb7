"""For operations: a health endpoint for the load balancer, and structured logs without personal data.

Log lines are JSON (one object a line) in production: the time, level, message, and for each
request its id, method, route pattern (`/borger/sag/<int:case_id>`, never the query string), status,
duration and the role; never a CPR number, a name, an answer, or an exception's message (a database
error's message can carry the values it refused)."""
from __future__ import annotations

import itertools
import json
import logging
import os
import re
import secrets
import sys
import time
import traceback
from datetime import UTC, datetime

from flask import Blueprint, Flask, current_app, jsonify
from flask.globals import _cv_app, _cv_request  # Flask's own context variables (flask.globals)
from sqlalchemy import text

bp = Blueprint("ops", __name__)
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
REQUEST_FIELDS = ("request_id", "method", "route", "status", "ms", "role")


@bp.get("/sundhed/live")
def live():
    """The process answers (a liveness probe): no database needed."""
    return jsonify(status="ok")


@bp.get("/sundhed")
def health():
    """Ready to serve (the load balancer's check): the database answers."""
    try:
        with current_app.extensions["portal.engine"].connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # any failure means: take this instance out of rotation
        current_app.logger.error("health check: database unreachable (%s)", type(error).__name__)
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {"at": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
                 "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        entry.update({key: getattr(record, key) for key in REQUEST_FIELDS if hasattr(record, key)})
        if record.exc_info and record.exc_info[0]:
            # Where it failed, not what it said: the message may hold the values it refused.
            entry["error"] = record.exc_info[0].__name__
            entry["at_code"] = [f"{os.path.basename(frame.filename)}:{frame.lineno}"
                                for frame in traceback.extract_tb(record.exc_info[2])][-5:]
        return json.dumps(entry, ensure_ascii=False)


_process_ids: dict[int, tuple[str, itertools.count]] = {}


def new_request_id() -> str:
    """Unique across processes and restarts: a random prefix drawn once in each process (after
    gunicorn's fork) and a counter. A uuid4 a request asked the kernel for random bytes every time."""
    prefix, counter = _process_ids.get(os.getpid()) or _process_ids.setdefault(
        os.getpid(), (secrets.token_hex(8), itertools.count(1)))
    return f"{prefix}{next(counter):x}"


# Every request's hooks read the request, g and the session from Flask's context variables, once:
# each read through Flask's proxies (request, g, session, current_app) cost a microsecond.
def _start() -> None:
    g = _cv_app.get().g
    g.started = time.perf_counter()
    given = _cv_request.get().request.headers.get("X-Request-ID", "")
    g.request_id = given if REQUEST_ID.match(given) else new_request_id()


def _log_request(response):
    context = _cv_request.get()
    request = context.request
    if request.endpoint == "static":
        return response
    app_context = _cv_app.get()
    g = app_context.g
    elapsed = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
    user = context.session.get("user") or {}
    app_context.app.logger.info("request", extra={
        "request_id": g.get("request_id"), "method": request.method,
        "route": request.url_rule.rule if request.url_rule else "(no route)",
        "status": response.status_code, "ms": round(elapsed, 1), "role": user.get("role", "anonymous")})
    response.headers["X-Request-ID"] = g.get("request_id", "")
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    if app.config["PORTAL_LOG_FORMAT"] == "json":
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        app.logger.handlers[:] = [handler]
        app.logger.setLevel(logging.INFO)
        app.logger.propagate = False
    app.before_request(_start)
    app.after_request(_log_request)
