"""Who is logged in, for how long, and may they see this page.

The session lives on the server (portal.auth.server_session) behind an opaque cookie; it holds ids
and a display name, never a CPR number. Any instance behind a load balancer can serve any request,
since the sessions are in the shared database."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from flask import Flask, abort, current_app, flash, redirect, request, session, url_for
from flask.globals import _cv_request  # Flask's own request context variable (flask.globals)
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
    context = _cv_request.get(None)  # not through the session proxy: every page asks, some twice
    data = (context.session if context is not None else session).get("user")
    return User(**data) if data else None


def log_in(user: User, sid: str | None = None, id_token: str | None = None) -> None:
    """A fresh session at login (a new token; the one from before the login ends), so nothing from
    before the login (a fixed session) carries over. `sid`: the identity provider's session."""
    lang = session.get("lang")
    session.clear()
    session.rotate("login")
    if lang:
        session["lang"] = lang
    session["user"] = user.__dict__
    if sid:
        session["sid"] = sid
    if id_token:  # kept on the server, for the logout's id_token_hint (never in the cookie)
        session["id_token"] = id_token


def log_out() -> None:
    """End the session on the server; the browser keeps only its choice of language."""
    lang = session.get("lang")
    session.clear()
    session.rotate("logout")
    if lang:
        session["lang"] = lang


def _session_store_away() -> None:
    """No session could be read because the database is away: answer 503 (errors/503.html), not a
    login page that would make a logged-in citizen think she was logged out."""
    context = _cv_request.get()  # every request: read once, not through two proxies
    if getattr(context.session, "store_down", False) and context.request.endpoint != "static":
        abort(503)


def _say_why_the_session_ended() -> None:
    """The server ended a session idle too long, or older than the absolute limit however busy."""
    context = _cv_request.get()
    if context.request.endpoint == "static" or not getattr(context.session, "expired", None):
        return
    if session.expired == "idle":
        flash(_("You were logged out because you had not used the portal for %(minutes)d minutes. "
                "Your answers were saved up to the last page you completed.",
                minutes=current_app.config["PORTAL_IDLE_TIMEOUT_MINUTES"]), "info")
    else:
        flash(_("You were logged out because you logged in more than %(hours)d hours ago. "
                "Your answers were saved up to the last page you completed.",
                hours=current_app.config["PORTAL_ABSOLUTE_TIMEOUT_HOURS"]), "info")
    session.expired = None


def init_app(app: Flask) -> None:
    from .server_session import DatabaseSessionInterface

    app.session_interface = DatabaseSessionInterface()
    # First of all: before the CSRF check, which would otherwise call a missing session a forgery.
    app.before_request_funcs.setdefault(None, []).insert(0, _session_store_away)
    app.before_request(_say_why_the_session_ended)

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
                return _to_the_login(role)
            if user.role != role:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def return_cookie_name() -> str:
    # __Host-: over HTTPS only, for this host alone (production); plain on a laptop's http://.
    return "__Host-portal_return" if current_app.config["SESSION_COOKIE_SECURE"] else "portal_return"


def _to_the_login(role: str):
    """The login, and back to this page after it. The page is kept in a short cookie of its own,
    not in a session: an anonymous request must not start a session row on the server."""
    response = redirect(url_for("auth.login", face=role))
    if request.method == "GET":
        response.set_cookie(return_cookie_name(), request.full_path.rstrip("?"), max_age=900, httponly=True,
                            secure=current_app.config["SESSION_COOKIE_SECURE"], samesite="Lax", path="/")
    return response
