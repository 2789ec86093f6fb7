"""What goes to a citizen, queued in the outbox: the reminders that are due (run by `flask sweep`),
invitations, minutes and plans. Queueing is idempotent (one dedupe key a message), so the sweep can
run as often as the timer likes. Every message reaches every citizen: by Digital Post, NemSMS or
paper (the channel is chosen when it is sent), and also by e-mail when she gave an address.
Nothing is sent to a citizen on standby, or on a closed case."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date

from sqlalchemy import func, or_
from sqlmodel import Session, select

from ..cases.facts import facts_of, histories_of
from ..cases.next_check import store_reminder_days
from ..cases.next_steps import NextSteps, bookings_of, summarize
from ..models import CaseCheck, CaseStatus, Channel, Citizen, Conversation, Questionnaire, SickCase, fixed, utcnow
from ..rules import Code, Obligation, find, remind_on, timeline
from ..rules.next_check import next_reminder
from . import messages
from .messages import language_of
from .outbox import Message, enqueue

# The only letter an e-mail may carry as a file: minutes and plans may touch on health, and ordinary
# e-mail is not a safe channel for that (Digital Post is, and carries them).
EMAIL_LETTERS = frozenset({"invitation"})


def queue_for(db: Session, citizen: Citizen, message: Message) -> bool:
    """Queue the citizen's message (its channel chosen when sent) and, when she gave an e-mail
    address, the same words by e-mail. True if anything new was queued."""
    post = replace(message, citizen_id=citizen.id, recipient="", attachment=None, attachment_name=None)
    added = enqueue(db, post)
    if citizen.email:
        mail = replace(message, citizen_id=citizen.id, recipient=citizen.email, channel=Channel.EMAIL,
                       dedupe_key=f"{message.dedupe_key}:email",
                       letter_kind=message.letter_kind if message.letter_kind in EMAIL_LETTERS else None,
                       letter_ref=message.letter_ref if message.letter_kind in EMAIL_LETTERS else None)
        added = enqueue(db, mail) or added
    return added


def due_case_ids(db: Session, today: date) -> list[int]:
    """The open cases, not on standby, whose reminders are to be worked out today: their remind_on day
    has come (rules/next_check.next_reminder), their facts or the citizen's contact changed, or they
    have no case_check row yet. By id."""
    return list(db.exec(
        select(SickCase.id).join(CaseCheck, CaseCheck.case_id == SickCase.id, isouter=True)
        .where(SickCase.status == CaseStatus.OPEN, SickCase.standby_since.is_(None),
               or_(CaseCheck.case_id.is_(None), CaseCheck.remind_on <= today))
        .order_by(SickCase.id)).all())


def queue_due(db: Session, today: date, overview_link: str, batch_size: int = 1000, every_case: bool = False) -> int:
    """Queue the reminders due today, of the cases whose reminders may have changed since they were last
    worked out (`every_case`: of every open case), and store each one's next reminder day. Between two
    such days a case's reminders are the ones already queued (a message's key is its case and date), so
    working out only these queues what working out every case would."""
    queued = 0
    due = None if every_case else due_case_ids(db, today)
    after_id, start = 0, 0
    while True:
        statement = (
            select(SickCase, Citizen, Questionnaire, func.coalesce(CaseCheck.facts_version, 0))
            .join(Citizen, Citizen.id == SickCase.citizen_id)
            .join(Questionnaire, Questionnaire.case_id == SickCase.id, isouter=True)
            .join(CaseCheck, CaseCheck.case_id == SickCase.id, isouter=True)
            .where(SickCase.status == CaseStatus.OPEN, SickCase.standby_since.is_(None), SickCase.id > after_id))
        if due is not None:
            chunk = due[start:start + batch_size]
            if not chunk:
                return queued
            start += batch_size
            statement = statement.where(SickCase.id.in_(chunk))
        rows = db.exec(statement.order_by(SickCase.id).limit(fixed(batch_size))).all()
        if not rows:
            if due is not None and start < len(due):
                continue  # this chunk's cases all closed or went on standby meanwhile
            return queued
        histories = histories_of(db, [row[0] for row in rows])
        bookings = bookings_of(db, [row[0].id for row in rows])
        checked = []  # (case id, facts version read, next reminder day)
        for case, citizen, questionnaire, version in rows:
            facts = facts_of(case, questionnaire, histories[case.id])
            obligations = timeline(facts, today)
            steps = summarize(case, obligations, bookings.get(case.id, []))
            for message in due_for(case, language_of(citizen.language), steps, obligations, today, overview_link):
                queued += queue_for(db, citizen, message)
            checked.append((case.id, version, next_reminder(facts, today, obligations)))
        store_reminder_days(db, checked)
        db.commit()
        after_id = rows[-1][0].id


def due_for(case: SickCase, language: str, steps: NextSteps, obligations: list[Obligation], today: date,
            link: str):
    """The reminders due today, read from the case's summary (portal.cases.next_steps): a message
    names the step and the date the citizen's pages name, never a date of its own."""
    for step in steps.citizen:
        if step.code == Code.QUESTIONNAIRE_DUE and case.questionnaire_sent_on:
            if step.overdue:
                yield messages.questionnaire_overdue(case.id, language, case.questionnaire_sent_on, step.due, link)
            elif today >= remind_on(find(obligations, Code.QUESTIONNAIRE_DUE)):
                yield messages.questionnaire_due_soon(case.id, language, case.questionnaire_sent_on, step.due, link)
    # One check-in at a time: the one that opened first (a passed return or the regular one).
    check_ins = [s for s in steps.citizen if s.code in (Code.CHECK_IN, Code.RETURN_CHECK_IN)
                 and s.opens is not None and s.opens <= today]
    if check_ins:
        step = min(check_ins, key=lambda s: s.opens)
        yield messages.check_in_due(case.id, language, step.opens, step.due, link)


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
    if case.standby_since is not None:
        return False
    build = {"booked": messages.conversation_booked, "moved": messages.conversation_moved,
             "cancelled": messages.conversation_cancelled}[change]
    return queue_for(db, citizen, build(invitation_of(conversation), language_of(citizen.language), citizen.email,
                                        settings.organizer, settings.timezone, settings.link, utcnow()))


def queue_minutes_ready(db: Session, conversation: Conversation, link: str) -> bool:
    case = db.get(SickCase, conversation.case_id)
    citizen = db.get(Citizen, case.citizen_id)
    if case.standby_since is not None:
        return False
    return queue_for(db, citizen, messages.minutes_ready(conversation.id, case.id, language_of(citizen.language), link))


def queue_plan_ready(db: Session, case: SickCase, version: int, link: str) -> bool:
    citizen = db.get(Citizen, case.citizen_id)
    if case.standby_since is not None:
        return False
    return queue_for(db, citizen, messages.plan_ready(case.id, version, language_of(citizen.language), link))
