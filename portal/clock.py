"""Today's date in Denmark, or the date a demo or a test pinned with PORTAL_TODAY.

The rules never call this: they take the date as an argument. Only use cases and views ask."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def today() -> date:
    pinned = current_app.config.get("PORTAL_TODAY")
    if pinned:
        return date.fromisoformat(pinned)
    return datetime.now(ZoneInfo(current_app.config["PORTAL_TIMEZONE"])).date()


def now() -> datetime:
    """The moment, aware, in Denmark's zone; on a pinned date, that date at the real time of day."""
    zone = ZoneInfo(current_app.config["PORTAL_TIMEZONE"])
    real = datetime.now(zone)
    pinned = current_app.config.get("PORTAL_TODAY")
    if pinned:
        return datetime.combine(date.fromisoformat(pinned), real.time(), zone)
    return real
