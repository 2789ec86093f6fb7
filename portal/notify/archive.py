"""The letter archive: every message the portal has sent (or is sending) to a citizen about a case,
newest first, with its channel. The citizen's case page and the caseworker's case view show the
same list (templates/_letter_archive.html)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import Flask
from sqlmodel import Session, select

from ..models import OutboxMessage


@dataclass(frozen=True)
class Sent:
    subject: str
    language: str
    at: datetime            # when it went, or was queued if it has not gone yet
    channel: str | None     # None: chosen when it goes
    status: str
    with_letter: bool


def archive_of(db: Session, case_id: int) -> list[Sent]:
    rows = db.exec(select(OutboxMessage).where(OutboxMessage.case_id == case_id)
                   .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())).all()
    return [Sent(subject=row.subject, language=row.language, at=row.sent_at or row.created_at, channel=row.channel,
                 status=row.status, with_letter=bool(row.letter_kind)) for row in rows]


def init_app(app: Flask) -> None:
    from ..db import get_session

    # A template global, so the include needs nothing from the view that renders the case.
    app.jinja_env.globals["letter_archive"] = lambda case_id: archive_of(get_session(), case_id)
