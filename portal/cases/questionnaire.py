"""The questionnaire (oplysningsskema): drafts saved step by step, submitted once."""
from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, select

from ..models import Questionnaire, QuestionnaireStatus, SickCase, utcnow
from . import events, handover
from .facts import record_expected_duration
from .next_check import facts_changed

# No 0/O or 1/I: a reference is read aloud on the phone to the jobcenter.
_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class AlreadySubmitted(Exception):
    pass


def save_step(db: Session, questionnaire: Questionnaire, step: str, answers: dict[str, Any],
              actor: str = "citizen") -> None:
    """Keep one step's answers in the draft, so the citizen can come back on another device."""
    if questionnaire.status != QuestionnaireStatus.DRAFT:
        raise AlreadySubmitted()
    merged = dict(questionnaire.answers or {})
    merged[step] = answers
    questionnaire.answers = merged  # a new dict, so the JSON column is seen as changed
    questionnaire.updated_at = utcnow()
    db.add(questionnaire)
    events.record(db, questionnaire.case_id, actor, "questionnaire_step_saved", step=step)
    if step == "om-dig" and answers.get("email"):
        from .sickness import remember_email

        remember_email(db, db.get(SickCase, questionnaire.case_id).citizen_id, answers["email"])
    db.commit()


def submit(db: Session, questionnaire: Questionnaire, today: date, actor: str = "citizen") -> str:
    """Freeze the answers, give a receipt reference, and re-screen the case with what the answers
    tell (standby chosen, a conversation wanted, the expected duration). A second submit of the same
    form changes nothing and answers with the first receipt: the update only matches a draft."""
    reference = "OS-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))
    result = db.exec(
        update(Questionnaire)
        .where(Questionnaire.id == questionnaire.id,
               Questionnaire.status == QuestionnaireStatus.DRAFT)
        .values(status=QuestionnaireStatus.SUBMITTED, reference=reference,
                declaration_accepted=True, submitted_at=utcnow(), updated_at=utcnow())
    )
    if result.rowcount == 1:
        facts_changed(db, [questionnaire.case_id])  # a bulk update: the flush's listener does not see it
        events.record(db, questionnaire.case_id, actor, "questionnaire_submitted",
                      reference=reference)
        db.refresh(questionnaire)
        case = db.get(SickCase, questionnaire.case_id)
        case.questionnaire_submitted_on = today
        answers = questionnaire.answers or {}
        if answers.get("standby", {}).get("standby") == "yes" and case.standby_since is None:
            case.standby_since = today
            events.record(db, case.id, actor, "standby_chosen")
        if "expected_duration" in answers.get("din-sygdom", {}):
            record_expected_duration(case, "citizen", today, answers["din-sygdom"]["expected_duration"])
        if answers.get("samtale", {}).get("wants_conversation") == "yes" and case.conversation_requested_on is None:
            case.conversation_requested_on = today
            events.record(db, case.id, actor, "conversation_requested")
        db.add(case)
        handover.rescreen(db, case, questionnaire, today)
        db.commit()
    else:
        db.rollback()
    fresh = db.exec(select(Questionnaire).where(Questionnaire.id == questionnaire.id)).one()
    db.refresh(fresh)
    return fresh.reference
