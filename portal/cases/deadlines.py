"""What the citizen is told happens next, read from the case's timeline (templates never compute a
deadline, and neither does this module: it picks obligations). Each date carries the rule it came
from, so the page can show its legal source."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from ..models import CaseStatus, Questionnaire, QuestionnaireStatus, SickCase
from ..rules import Code, Obligation, State, find, questionnaire_due
from .facts import facts_of_row, timeline_of


@dataclass(frozen=True)
class Deadline:
    due: date
    source: str


@dataclass(frozen=True)
class CasePlan:
    is_open: bool
    questionnaire_submitted: bool
    questionnaire_started: bool
    questionnaire_due: Deadline | None
    questionnaire_overdue: bool
    first_conversation_by: Deadline | None
    fast_track_conversation_by: Deadline | None = None
    requested_conversation_by: Deadline | None = None
    on_standby: bool = False
    first_conversation: Obligation | None = None   # with its state and why, also when not required
    obligations: tuple[Obligation, ...] = ()       # the whole timeline, for the case page


def _pending(obligation: Obligation | None) -> Deadline | None:
    if obligation is None or not obligation.pending or obligation.date is None:
        return None
    return Deadline(obligation.date, obligation.source)


def plan_for(db: Session, case: SickCase, questionnaire: Questionnaire | None, today: date) -> CasePlan:
    return plan_from(case, questionnaire, timeline_of(db, case, today, questionnaire))


def plan_from(case: SickCase, questionnaire: Questionnaire | None, obligations: list[Obligation]) -> CasePlan:
    """plan_for from the case's timeline already computed."""
    submitted = bool(questionnaire and questionnaire.status == QuestionnaireStatus.SUBMITTED)
    questionnaire_due = find(obligations, Code.QUESTIONNAIRE_DUE)
    first = find(obligations, Code.FIRST_CONVERSATION)
    return CasePlan(
        is_open=case.status == CaseStatus.OPEN,
        questionnaire_submitted=submitted,
        questionnaire_started=bool(questionnaire and questionnaire.answers),
        questionnaire_due=None if submitted else _pending(questionnaire_due),
        questionnaire_overdue=bool(questionnaire_due and questionnaire_due.state == State.OVERDUE),
        first_conversation_by=_pending(first),
        fast_track_conversation_by=_pending(find(obligations, Code.FAST_TRACK_CONVERSATION)),
        requested_conversation_by=_pending(find(obligations, Code.REQUESTED_CONVERSATION)),
        on_standby=case.status == CaseStatus.OPEN and case.standby_since is not None,
        first_conversation=first,
        obligations=tuple(obligations),
    )


def questionnaire_deadline(case, submitted: bool, today: date) -> Deadline | None:
    """plan_for's questionnaire_due alone, for a page that shows only it (a questionnaire step): it
    comes from the case's own row, so no history is read and no other deadline computed. `case`: a
    SickCase or a row of its facts columns; `submitted`: whether its questionnaire is."""
    if submitted:
        return None
    return _pending(questionnaire_due(facts_of_row(case, submitted), today))
