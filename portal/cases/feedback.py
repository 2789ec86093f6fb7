"""The receipt's "how was it?" question: anonymous answers a municipality can read.

Anonymous means nothing ties an answer to a person: no citizen, case or session is stored, the time
is kept as the week only, and a CPR number or an email address typed into the comment is removed
before it is saved."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from ..models import Feedback, FeedbackGiven, fixed

# GOV.UK's satisfaction scale, best first.
RATINGS = ("very_satisfied", "satisfied", "neutral", "dissatisfied", "very_dissatisfied")
COMMENT_MAX = 1200
_CPR_LIKE = re.compile(r"(?<!\d)\d{6}[ -]?\d{4}(?!\d)")
_EMAIL_LIKE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE_LIKE = re.compile(r"(?<!\d)(?:\+45[ ]?)?(?:\d{2}[ ]?){3}\d{2}(?!\d)")


def scrub(comment: str | None) -> str | None:
    """The comment without what could name its writer; None when nothing is left."""
    if not comment:
        return None
    text = _CPR_LIKE.sub("[…]", comment)
    text = _EMAIL_LIKE.sub("[…]", text)
    text = _PHONE_LIKE.sub("[…]", text)
    text = text.strip()[:COMMENT_MAX]
    return text or None


def receipt_of(service: str, ref: int) -> str:
    """The receipt an answer is given on, e.g. "questionnaire:17" (the questionnaire's id)."""
    return f"{service}:{ref}"


def given(db: Session, receipt: str) -> bool:
    return db.get(FeedbackGiven, receipt) is not None


def give(db: Session, municipality_code: str, service: str, rating: str, comment: str | None,
         today: date, receipt: str) -> Feedback | None:
    """Store the answer, once a receipt: the receipt's row and the answer are written together, and
    the receipt's primary key refuses a second one (a double click, six tabs at once). None when
    the receipt had its answer already."""
    if rating not in RATINGS:
        raise ValueError(f"unknown rating {rating!r}")
    feedback = Feedback(municipality_code=municipality_code, service=service, rating=rating,
                        comment=scrub(comment), week_of=today - timedelta(days=today.weekday()))
    db.add(FeedbackGiven(receipt=receipt))
    db.add(feedback)
    try:
        db.commit()
    except IntegrityError:
        db.rollback()
        return None
    return feedback


@dataclass(frozen=True)
class FeedbackSummary:
    since: date
    counts: dict[str, int]      # every rating, zero included, best first
    total: int
    satisfied_share: float | None   # satisfied or very satisfied, of all answers
    comments: list[Feedback]    # newest week first


def summary(db: Session, municipality_code: str, today: date, days: int = 90,
            comment_limit: int = 100) -> FeedbackSummary:
    since = today - timedelta(days=days)
    rows = db.exec(select(Feedback.rating).where(Feedback.municipality_code == municipality_code,
                                                 Feedback.week_of >= since - timedelta(days=6))).all()
    counted = Counter(rows)
    counts = {rating: counted.get(rating, 0) for rating in RATINGS}
    total = sum(counts.values())
    satisfied = counts["very_satisfied"] + counts["satisfied"]
    comments = db.exec(select(Feedback).where(Feedback.municipality_code == municipality_code,
                                              Feedback.week_of >= since - timedelta(days=6),
                                              col(Feedback.comment).is_not(None))
                       .order_by(col(Feedback.week_of).desc(), col(Feedback.id).desc())
                       .limit(fixed(comment_limit))).all()
    return FeedbackSummary(since=since, counts=counts, total=total,
                           satisfied_share=satisfied / total if total else None, comments=list(comments))
