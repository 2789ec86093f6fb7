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
    fast_track_conversation_by: Deadline | None = None
    requested_conversation_by: Deadline | None = None
    on_standby: bool = False


def plan_for(case: SickCase, questionnaire: Questionnaire | None, today: date) -> CasePlan:
    regime = regime_on(today)
    submitted = bool(questionnaire and questionnaire.status == QuestionnaireStatus.SUBMITTED)
    due = None
    if case.questionnaire_sent_on and not submitted:
        days = regime.questionnaire_answer_days
        due = Deadline(case.questionnaire_sent_on + timedelta(days=days.value), days.source)
    week = regime.first_conversation_week
    is_open = case.status == CaseStatus.OPEN
    fast_track = None
    if is_open and _pending(case.fast_track_requested_on, case) and not (
            case.fast_track_declined_on and case.fast_track_declined_on >= case.fast_track_requested_on):
        days = regime.fast_track_conversation_days
        fast_track = Deadline(case.fast_track_requested_on + timedelta(days=days.value), days.source)
    requested = None
    if is_open and _pending(case.conversation_requested_on, case) and case.standby_since is None:
        days = regime.conversation_request_days
        requested = Deadline(case.conversation_requested_on + timedelta(days=days.value), days.source)
    return CasePlan(
        is_open=is_open,
        questionnaire_submitted=submitted,
        questionnaire_started=bool(questionnaire and questionnaire.answers),
        questionnaire_due=due,
        questionnaire_overdue=bool(due and today > due.due),
        first_conversation_by=(Deadline(end_of_week(case.first_absence_day, week.value), week.source)
                               if is_open else None),
        fast_track_conversation_by=fast_track,
        requested_conversation_by=requested,
        on_standby=is_open and case.standby_since is not None,
    )


def _pending(asked: date | None, case: SickCase) -> bool:
    """Asked for, and no conversation held since."""
    return asked is not None and not (case.first_conversation_held_on and case.first_conversation_held_on >= asked)
