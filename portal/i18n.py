"""Danish by default, English on request; the choice lives in the session."""
from __future__ import annotations

import os
from datetime import date, datetime
from functools import lru_cache

from babel import dates as babel_dates
from flask import Flask, request, session
from flask_babel import format_date, format_datetime, format_decimal, get_locale

from .extensions import babel

LOCALES = ("da", "en")


def select_locale() -> str:
    chosen = session.get("lang")
    return chosen if chosen in LOCALES else "da"


@lru_cache(maxsize=8192)
def _plain_date(day: date, style: str, locale: str) -> str:
    return babel_dates.format_date(day, style, locale=locale)


def _date(day, style: str) -> str:
    """A calendar date in the page's language; memoised, as a queue page formats dozens of them
    and Babel is slow at it. A datetime goes through Flask-Babel for its time zone."""
    if isinstance(day, datetime):
        return format_date(day, style)
    return _plain_date(day, style, str(get_locale()))


def init_app(app: Flask) -> None:
    root = os.path.dirname(app.instance_path)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", os.path.join(root, "translations"))
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters["date_long"] = lambda d: _date(d, "long") if d else ""
    app.jinja_env.filters["iso_date_long"] = lambda s: _date(date.fromisoformat(s), "long") if s else ""
    app.jinja_env.filters["date_short"] = lambda d: _date(d, "short") if d else ""
    app.jinja_env.filters["datetime_short"] = lambda d: format_datetime(d, "short") if d else ""
    app.jinja_env.filters["number"] = lambda n: format_decimal(n) if n is not None else ""

    @app.context_processor
    def _locale():
        return {"current_locale": select_locale(), "locales": LOCALES,
                "current_path": request.full_path.rstrip("?")}
