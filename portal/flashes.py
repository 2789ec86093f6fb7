"""A message (flask.flash) belongs to the page its form's redirect leads to.

Flask keeps flashed messages in one list in the session, shown by whichever page of the session is
rendered next: with two tabs open, the other tab's page took the message meant for the page after a
form, and that page came up empty. Here a message flashed before a redirect to a page of the portal
is kept under its own session key with that page's path, and only a GET of that path shows it. Its
own key also lets two requests of one session save their messages side by side (the session is
saved key by key, portal.auth.server_session)."""
from __future__ import annotations

import secrets
import time
from urllib.parse import urlsplit

from flask import Flask, Response, request
from flask.globals import _cv_request  # Flask's own request context variable (flask.globals)

PREFIX = "_flash:"
KEPT = 10  # messages for pages never opened (a closed tab) are forgotten beyond this many


def _target(response: Response) -> str | None:
    """The path a redirect leads to on this portal, or None (no redirect, or another site)."""
    if not 300 <= response.status_code < 400 or not response.location:
        return None
    location = urlsplit(response.location)
    if location.netloc and location.netloc != request.host:
        return None
    return location.path or None


def _hand_over_this_pages_messages() -> None:
    """Before a page is made: the messages meant for it join Flask's list, oldest first."""
    context = _cv_request.get()  # read once: every page runs this
    request = context.request
    if request.method != "GET" or request.endpoint == "static":
        return
    session = context.session
    waiting = sorted(key for key in session.keys() if key.startswith(PREFIX)
                      and session[key].get("to") == request.path)
    if waiting:
        session["_flashes"] = (session.get("_flashes") or []) + [
            tuple(message) for key in waiting for message in session.pop(key)["messages"]]


def _address_messages_to_the_redirect(response: Response) -> Response:
    """After a form: messages still unshown go with the redirect to the page it leads to."""
    # Only a form's messages: a page that sends on (to the login, after a language switch) leaves
    # its messages, such as "you were logged out", to the next page shown, as Flask does.
    context = _cv_request.get()
    request = context.request
    if request.method in ("GET", "HEAD") or request.endpoint == "static" or "_flashes" not in context.session:
        return response
    target = _target(response)
    if target is None:
        return response
    session = context.session
    messages = session.pop("_flashes")
    if messages:
        session[f"{PREFIX}{time.time_ns():020d}{secrets.token_hex(4)}"] = {"to": target, "messages": messages}
        for key in sorted(key for key in session.keys() if key.startswith(PREFIX))[:-KEPT]:
            session.pop(key)
    return response


def get_flashed_messages(with_categories: bool = False, category_filter=()):
    """Flask's get_flashed_messages (Flask 3.1), the layout's on every page, reading the request
    context from its context variable once instead of through three proxies."""
    context = _cv_request.get()
    flashes = context.flashes
    if flashes is None:
        session = context.session
        flashes = session.pop("_flashes") if "_flashes" in session else []
        context.flashes = flashes
    if category_filter:
        flashes = list(filter(lambda f: f[0] in category_filter, flashes))
    if not with_categories:
        return [x[1] for x in flashes]
    return flashes


def init_app(app: Flask) -> None:
    app.jinja_env.globals["get_flashed_messages"] = get_flashed_messages
    app.before_request(_hand_over_this_pages_messages)
    app.after_request(_address_messages_to_the_redirect)
