"""One error page per status, in both languages; a CSRF failure and a database that is away
explain themselves."""
from __future__ import annotations

from flask import Flask, current_app, render_template
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError

from .api.problems import answers_with_problems, problem
from .db import committed

OWN_PAGES = (403, 404, 429, 500, 503)


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(_error):
        return render_template("errors/csrf.html"), 400

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def _database_away(error):
        # The database cannot be reached (a restart, a failover, a connection killed mid-request).
        # If the use case had committed before that, what the person sent IS saved, and the page
        # must say so; otherwise its transaction is gone, nothing was half saved, and Retry-After
        # lets the load balancer and the browser try again.
        current_app.logger.error("database unavailable: %s", type(error.orig).__name__)
        if committed():
            if answers_with_problems():
                return problem(503, None, "The change was saved, but the answer could not be made. Read the "
                                          "resource again.", {"Retry-After": "5"})
            return render_template("errors/saved.html", home=_home()), 200
        if answers_with_problems():
            return problem(503, None, "The database cannot be reached. Try again shortly.", {"Retry-After": "30"})
        return render_template("errors/503.html", code=503), 503, {"Retry-After": "30"}

    for code in (400, 401, 403, 404, 405, 413, 415, 429, 500, 503):
        app.register_error_handler(code, _page(code))


HOMES = {"citizen": "citizen.overview", "employer": "employer.overview", "caseworker": "jobcenter.queue"}


def _home() -> str:
    from flask import session, url_for

    user = session.get("user") or {}
    return url_for(HOMES.get(user.get("role"), "main.index"))


def _page(code: int):
    def handler(error):
        if answers_with_problems():
            # The API answers in problem details; an answer already made (the token checks) stands.
            response = getattr(error, "response", None)
            if response is not None:
                return response
            allow = {"Allow": ", ".join(error.valid_methods)} if getattr(error, "valid_methods", None) else None
            return problem(code, headers=allow)
        if code == 500 and committed():  # the use case had saved: say so, not "nothing was saved"
            return render_template("errors/saved.html", home=_home()), 200
        template = f"errors/{code}.html" if code in OWN_PAGES else "errors/generic.html"
        return render_template(template, code=code), code, ({"Retry-After": "30"} if code == 503 else {})

    return handler
