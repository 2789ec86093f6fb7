"""The front page and the language switch."""
from __future__ import annotations

from flask import Blueprint, Flask, abort, redirect, render_template, request, session, url_for

from ..i18n import LOCALES
from ..web import local_path

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
    return redirect(local_path(request.args.get("next"), url_for("main.index")))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
