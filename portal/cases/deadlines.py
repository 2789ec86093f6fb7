"""What the citizen is told happens next, computed once from the rules (templates never compute a
deadline). Each date carries the rule it came from, so the page can show its legal source."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ..models import CaseStatus, Questionnaire, QuestionnaireStatus, SickCase
from ..rules import end_of_week, regime_on


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


def plan_for(case: SickCase, questionnaire: Questionnaire | None, today: date) -> CasePlan:
    regime = regime_on(today)
    submitted = bool(questionnaire and questionnaire.status == QuestionnaireStatus.SUBMITTED)
    due = None
    if case.questionnaire_sent_on and not submitted:
        days = regime.questionnaire_answer_days
        due = Deadline(case.questionnaire_sent_on + timedelta(days=days.value), days.source)
    week = regime.first_conversation_week
    is_open = case.status == CaseStatus.OPEN
    return CasePlan(
        is_open=is_open,
        questionnaire_submitted=submitted,
        questionnaire_started=bool(questionnaire and questionnaire.answers),
        questionnaire_due=due,
        questionnaire_overdue=bool(due and today > due.due),
        first_conversation_by=(Deadline(end_of_week(case.first_absence_day, week.value), week.source)
                               if is_open else None),
    )
