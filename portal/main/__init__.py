"""The front page and the language switch."""
from __future__ import annotations

from urllib.parse import urlparse

from flask import Blueprint, Flask, abort, redirect, render_template, request, session, url_for

from ..i18n import LOCALES

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    return render_template("main/index.html")


@bp.get("/sprog/<code>")
def switch_language(code: str):
    """Change the language and stay on the same page."""
    if code not in LOCALES:
        abort(404)
    session["lang"] = code
    target = request.args.get("next", "")
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        target = url_for("main.index")
    return redirect(target)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
