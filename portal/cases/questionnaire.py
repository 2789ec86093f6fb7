"""The questionnaire (oplysningsskema): drafts saved step by step, submitted once."""
from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from sqlalchemy import Date, Integer, String, bindparam, insert, inspect, text, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key
from sqlmodel import Session, select

from ..driver_statement import fetch_all
from ..models import CHECK_NOW, CaseEvent, Citizen, Questionnaire, QuestionnaireStatus, SickCase, utcnow
from . import events, handover
from .facts import record_expected_duration
from .next_check import contact_changed, facts_changed

# No 0/O or 1/I: a reference is read aloud on the phone to the jobcenter.
_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class AlreadySubmitted(Exception):
    pass


def save_step(db: Session, questionnaire: Questionnaire, step: str, answers: dict[str, Any],
              actor: str = "citizen") -> dict[str, Any]:
    """Keep one step's answers in the draft, so the citizen can come back on another device. The
    update matches only a draft: a step posted while the form was being sent raises AlreadySubmitted
    and leaves the sent answers as they were. An e-mail address given on the first step is kept as
    the citizen's own (remember_email). `questionnaire`: the entity, or a row of its id, case_id,
    status and answers; returns the draft's answers as saved."""
    if questionnaire.status != QuestionnaireStatus.DRAFT:
        raise AlreadySubmitted()
    merged = dict(questionnaire.answers or {})
    merged[step] = answers
    now = utcnow()
    email = ((answers.get("email") or "").strip() or None) if step == "om-dig" else None
    values = {"questionnaire_id": questionnaire.id, "case_id": questionnaire.case_id, "answers": merged,
              "at": now, "actor": actor, "details": {"step": step}, "new_email": email}
    # Core statements, not the ORM's flush: the flush, its listener and the citizen's load cost most
    # of the step's CPU. They write what the flush wrote: the draft, the event row, the case made due
    # again (as next_check's listener does for a questionnaire written through the ORM), the e-mail.
    if db.get_bind().dialect.name == "postgresql":
        # One statement, one round trip, in the session's transaction on psycopg's own cursor.
        ((saved, told),) = fetch_all(db.connection(), _SAVE_STEP, values)
    else:
        saved = db.execute(_SAVE_DRAFT, values).rowcount
        if saved:
            db.execute(_LOG_STEP, values)
            facts_changed(db, [questionnaire.case_id])
            told = db.execute(_TELL_EMAIL, values).scalar() if email else None
    if not saved:  # sent meanwhile: nothing was written
        raise AlreadySubmitted()
    if told is not None:  # her other open cases' reminders go to the new address, as for any change of it
        contact_changed(db, told, besides=questionnaire.case_id)
    # What was written, as if loaded: the caller reads the answers on (the next step, the next save).
    if inspect(questionnaire, raiseerr=False) is not None:
        set_committed_value(questionnaire, "answers", merged)
        set_committed_value(questionnaire, "updated_at", now)
    citizen = db.identity_map.get(identity_key(Citizen, told)) if told is not None else None
    if citizen is not None:
        set_committed_value(citizen, "email", email)
    db.commit()
    return merged


_Q, _EVENT, _CITIZEN = Questionnaire.__table__, CaseEvent.__table__, Citizen.__table__
_VALUES = (bindparam("questionnaire_id", type_=Integer),
           bindparam("answers", type_=_Q.c.answers.type), bindparam("at", type_=_EVENT.c.at.type),
           bindparam("actor", type_=String), bindparam("details", type_=_EVENT.c.details.type),
           bindparam("new_email", type_=String), bindparam("check_now", value=CHECK_NOW, type_=Date))
# PostgreSQL: the draft's update, the event row, the case's check (next_check.facts_changed's upsert)
# and the e-mail, in one statement; the rest only if the draft was updated. `told` is the citizen's
# id when her address changed.
_SAVE_STEP = text("""
    WITH saved AS (
        UPDATE questionnaire SET answers = CAST(:answers AS json), updated_at = :at
        WHERE id = :questionnaire_id AND status = 'draft'
        RETURNING case_id),
    logged AS (
        INSERT INTO case_event (case_id, at, actor, kind, details)
        SELECT case_id, :at, :actor, 'questionnaire_step_saved', CAST(:details AS json) FROM saved),
    due AS (
        INSERT INTO case_check (case_id, next_check_on, facts_version, due_reasons, remind_on)
        SELECT case_id, :check_now, 1, '', :check_now FROM saved
        ON CONFLICT (case_id) DO UPDATE
        SET next_check_on = :check_now, remind_on = :check_now, facts_version = case_check.facts_version + 1),
    told AS (
        UPDATE citizen SET email = CAST(:new_email AS varchar)
        WHERE id = (SELECT sick_case.citizen_id FROM sick_case JOIN saved ON sick_case.id = saved.case_id)
          AND CAST(:new_email AS varchar) IS NOT NULL AND email IS DISTINCT FROM CAST(:new_email AS varchar)
        RETURNING id)
    SELECT (SELECT count(*) FROM saved) AS saved, (SELECT id FROM told) AS told""").bindparams(*_VALUES).columns(
    saved=Integer, told=Integer)
# Elsewhere (SQLite), the same as separate statements.
_SAVE_DRAFT = (update(_Q).where(_Q.c.id == bindparam("questionnaire_id"), _Q.c.status == QuestionnaireStatus.DRAFT)
               .values(answers=bindparam("answers"), updated_at=bindparam("at")))
_LOG_STEP = insert(_EVENT).values(case_id=bindparam("case_id"), at=bindparam("at"), actor=bindparam("actor"),
                                  kind="questionnaire_step_saved", details=bindparam("details"))
_TELL_EMAIL = (update(_CITIZEN)
               .where(_CITIZEN.c.id == select(SickCase.__table__.c.citizen_id)
                      .where(SickCase.__table__.c.id == bindparam("case_id")).scalar_subquery(),
                      _CITIZEN.c.email.is_distinct_from(bindparam("new_email")))
               .values(email=bindparam("new_email")).returning(_CITIZEN.c.id))


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
