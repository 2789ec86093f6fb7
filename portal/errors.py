"""One error page per status, in both languages; a CSRF failure explains itself."""
from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(_error):
        return render_template("errors/csrf.html"), 400

    for code in (400, 403, 404, 405, 413, 429, 500):
        app.register_error_handler(code, _page(code))


def _page(code: int):
    def handler(_error):
        template = f"errors/{code}.html" if code in (403, 404, 500) else "errors/generic.html"
        return render_template(template, code=code), code

    return handler
