"""Which reminders are due: run by `flask sweep`. Queueing is idempotent (one dedupe key a
reminder), so the sweep can run as often as the timer likes. Nothing is sent to a citizen on
standby, or on a closed case, or to one whose email address is not known."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date

from sqlmodel import Session, select

from ..cases.facts import facts_of, histories_of
from ..models import CaseStatus, Citizen, Conversation, Questionnaire, SickCase, utcnow
from ..rules import Code, State, check_in_due, find, remind_on, timeline
from . import messages
from .outbox import enqueue


def queue_due(db: Session, today: date, overview_link: str, batch_size: int = 1000) -> int:
    queued, after_id = 0, 0
    while True:
        rows = db.exec(
            select(SickCase, Citizen.email, Questionnaire)
            .join(Citizen, Citizen.id == SickCase.citizen_id)
            .join(Questionnaire, Questionnaire.case_id == SickCase.id, isouter=True)
            .where(SickCase.status == CaseStatus.OPEN, SickCase.standby_since.is_(None),
                   Citizen.email.is_not(None), SickCase.id > after_id)
            .order_by(SickCase.id).limit(batch_size)
        ).all()
        if not rows:
            return queued
        histories = histories_of(db, [row[0] for row in rows])
        for case, email, questionnaire in rows:
            obligations = timeline(facts_of(case, questionnaire, histories[case.id]), today)
            for message in _due_for(case, email, obligations, today, overview_link):
                queued += enqueue(db, message)
        db.commit()
        after_id = rows[-1][0].id


def _due_for(case, email, obligations, today, link):
    questionnaire = find(obligations, Code.QUESTIONNAIRE_DUE)
    if questionnaire and questionnaire.date and case.questionnaire_sent_on:
        if questionnaire.state == State.OVERDUE:
            yield messages.questionnaire_overdue(case.id, email, case.questionnaire_sent_on, questionnaire.date, link)
        elif questionnaire.state == State.DUE and today >= remind_on(questionnaire):
            yield messages.questionnaire_due_soon(case.id, email, case.questionnaire_sent_on, questionnaire.date,
                                                  link)
    check_in = check_in_due(obligations)
    if check_in is not None and check_in <= today:
        yield messages.check_in_due(case.id, email, check_in, link)


@dataclass(frozen=True)
class Invitations:
    """What an invitation mail needs beyond the conversation: the local time zone, the organizer's
    address (the jobcenter's sender address), and the link to the citizen's page."""
    timezone: str = "Europe/Copenhagen"
    organizer: str = "ikke-svar@jobcenter.example.dk"
    link: str = ""


def invitation_of(conversation: Conversation) -> messages.Invitation:
    return messages.Invitation(
        conversation_id=conversation.id, case_id=conversation.case_id, sequence=conversation.sequence,
        when=conversation.scheduled_at if conversation.scheduled_at.tzinfo
        else conversation.scheduled_at.replace(tzinfo=UTC),
        form=conversation.form, details=conversation.details, agenda=conversation.agenda, bring=conversation.bring)


def queue_invitation(db: Session, conversation: Conversation, settings: Invitations, change: str = "booked") -> bool:
    """In the change's own transaction: the mail goes if, and only if, the change is kept. `change` is
    booked, moved or cancelled; each is a new SEQUENCE of the same calendar event."""
    case = db.get(SickCase, conversation.case_id)
    citizen = db.get(Citizen, case.citizen_id)
    if case.standby_since is not None or not citizen.email:
        return False
    build = {"booked": messages.conversation_booked, "moved": messages.conversation_moved,
             "cancelled": messages.conversation_cancelled}[change]
    return enqueue(db, build(invitation_of(conversation), citizen.email, settings.organizer, settings.timezone,
                             settings.link, utcnow()))


def queue_minutes_ready(db: Session, conversation: Conversation, link: str) -> bool:
    case = db.get(SickCase, conversation.case_id)
    citizen = db.get(Citizen, case.citizen_id)
    if not citizen.email:
        return False
    return enqueue(db, messages.minutes_ready(conversation.id, case.id, citizen.email, link))
