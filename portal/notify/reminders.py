"""Which reminders are due: run by `flask sweep`. Queueing is idempotent (one dedupe key a
reminder), so the sweep can run as often as the timer likes. Nothing is sent to a citizen on
standby, or on a closed case, or to one whose email address is not known."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from ..models import CaseStatus, CheckIn, Citizen, Conversation, Questionnaire, QuestionnaireStatus, SickCase
from ..rules import next_check_in, regime_on
from . import messages
from .outbox import enqueue


def queue_due(db: Session, today: date, overview_link: str, batch_size: int = 1000) -> int:
    regime = regime_on(today)
    answer_days = timedelta(days=regime.questionnaire_answer_days.value)
    reminder_days = timedelta(days=regime.questionnaire_reminder_days.value)
    last_check_in = (select(CheckIn.case_id, func.max(CheckIn.due_on).label("last_due"))
                     .group_by(CheckIn.case_id).subquery())
    queued, after_id = 0, 0
    while True:
        rows = db.exec(
            select(SickCase, Citizen.email, Questionnaire.status, last_check_in.c.last_due)
            .join(Citizen, Citizen.id == SickCase.citizen_id)
            .join(Questionnaire, Questionnaire.case_id == SickCase.id, isouter=True)
            .join(last_check_in, last_check_in.c.case_id == SickCase.id, isouter=True)
            .where(SickCase.status == CaseStatus.OPEN, SickCase.standby_since.is_(None),
                   Citizen.email.is_not(None), SickCase.id > after_id)
            .order_by(SickCase.id).limit(batch_size)
        ).all()
        if not rows:
            return queued
        for case, email, questionnaire_status, last_due in rows:
            for message in _due_for(case, email, questionnaire_status, last_due, today, regime,
                                    answer_days, reminder_days, overview_link):
                queued += enqueue(db, message)
        db.commit()
        after_id = rows[-1][0].id


def _due_for(case, email, questionnaire_status, last_due, today, regime, answer_days, reminder_days, link):
    if case.questionnaire_sent_on and questionnaire_status != QuestionnaireStatus.SUBMITTED:
        due = case.questionnaire_sent_on + answer_days
        if today > due:
            yield messages.questionnaire_overdue(case.id, email, case.questionnaire_sent_on, due, link)
        elif today >= due - reminder_days:
            yield messages.questionnaire_due_soon(case.id, email, case.questionnaire_sent_on, due, link)
    check_in = next_check_in(case.first_absence_day, last_due, regime)
    if check_in <= today:
        yield messages.check_in_due(case.id, email, check_in, link)


def queue_conversation_booked(db: Session, conversation: Conversation, timezone: str, link: str) -> bool:
    """In the booking's own transaction: the invitation goes if, and only if, the booking is kept."""
    case = db.get(SickCase, conversation.case_id)
    citizen = db.get(Citizen, case.citizen_id)
    if case.standby_since is not None or not citizen.email:
        return False
    return enqueue(db, messages.conversation_booked(conversation.id, case.id, citizen.email,
                                                    conversation.scheduled_at, conversation.form, timezone, link))
