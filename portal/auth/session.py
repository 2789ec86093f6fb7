"""Who is logged in, for how long, and may they see this page.

The session is a signed cookie holding only ids and a display name, never a CPR number, so any
instance behind a load balancer can serve any request."""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from flask import Flask, abort, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _

ROLES = ("citizen", "employer", "caseworker")


@dataclass(frozen=True)
class User:
    role: str
    name: str
    subject: str
    citizen_id: int | None = None
    cvr: str | None = None
    org_name: str | None = None
    municipality: str | None = None


def current_user() -> User | None:
    data = session.get("user")
    return User(**data) if data else None


def log_in(user: User) -> None:
    # A fresh session at login, so nothing from before the login (a fixed session) carries over.
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    session["user"] = user.__dict__
    now = int(time.time())
    session["login_at"] = now
    session["seen_at"] = now
    session.permanent = True


def log_out() -> None:
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def _enforce_timeouts() -> None:
    """End a session idle too long, or older than the absolute limit however busy."""
    if "user" not in session or request.endpoint == "static":
        return
    now = int(time.time())
    idle_minutes = current_app.config["PORTAL_IDLE_TIMEOUT_MINUTES"]
    absolute_hours = current_app.config["PORTAL_ABSOLUTE_TIMEOUT_HOURS"]
    if now - session.get("seen_at", 0) > idle_minutes * 60:
        log_out()
        flash(_("You were logged out because you had not used the portal for %(minutes)d minutes. "
                "Your answers were saved up to the last page you completed.", minutes=idle_minutes), "info")
        return
    if now - session.get("login_at", 0) > absolute_hours * 3600:
        log_out()
        flash(_("You were logged out because you logged in more than %(hours)d hours ago. "
                "Your answers were saved up to the last page you completed.", hours=absolute_hours), "info")
        return
    # Written at most once a minute: the cookie need not change on every request.
    if now - session.get("seen_at", 0) >= 60:
        session["seen_at"] = now


def init_app(app: Flask) -> None:
    app.before_request(_enforce_timeouts)

    @app.context_processor
    def _user():
        return {"current_user": current_user()}


def role_required(role: str) -> Callable:
    """Anonymous visitors go to the login for this role and come back; other roles get 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            user = current_user()
            if user is None:
                session["next"] = request.full_path.rstrip("?") if request.method == "GET" else None
                return redirect(url_for("auth.login", face=role))
            if user.role != role:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
