"""The citizen's overview of her sick leaves, read in two statements whatever her number of cases:
her cases (sickness.case_summaries_of), then what their timelines need beyond their own rows and what
is booked (one statement). The timelines, plans and next steps are the ones the case pages compute
(facts, deadlines.plan_for, next_steps.next_steps_for): the same functions, from the same facts."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Boolean, Date, DateTime, Integer, String, bindparam, cast, literal, null, union_all
from sqlmodel import Session, select

from ..driver_statement import read_all
from ..models import CaseStatus, CheckIn, Conversation, SickCase
from ..rules import CheckInAnswer, HeldConversation, timeline
from .deadlines import CasePlan, plan_from
from .facts import CaseHistory, earlier_sickness, earliest_closing_that_counts, facts_of
from .next_steps import Booking, NextSteps, summarize
from .sickness import CaseSummary, case_summaries_of, header_municipality_among


@dataclass(frozen=True)
class Overview:
    cases: list[CaseSummary]           # newest first
    plans: dict[int, CasePlan]
    next_steps: dict[int, NextSteps]
    header_municipality: str | None    # sickness.latest_municipality_of's answer, from the cases read


_HER_CASES = select(SickCase.__table__.c.id).where(SickCase.__table__.c.citizen_id == bindparam("citizen_id"))
_NO_DATE, _NO_TEXT = cast(null(), Date), cast(null(), String)
# facts.histories_of's conversations held and check-ins, and next_steps.booked_of's bookings, of all
# her cases: the earlier sickness comes from her cases already read. The bookings first, as the
# union takes its columns' types from them; each part in the order its reader keeps.
_HISTORIES_AND_BOOKINGS = union_all(
    select(literal(0, Integer).label("part"), Conversation.case_id, Conversation.id, Conversation.scheduled_at,
           Conversation.form, Conversation.self_booked, Conversation.answer, _NO_DATE.label("day"),
           _NO_DATE.label("other_day"))
    .where(Conversation.case_id.in_(_HER_CASES), Conversation.status == "booked"),
    select(literal(1, Integer), Conversation.case_id, cast(null(), Integer), cast(null(), DateTime), _NO_TEXT,
           cast(null(), Boolean), Conversation.outcome, Conversation.held_on, _NO_DATE)
    .where(Conversation.case_id.in_(_HER_CASES), Conversation.status == "held"),
    select(literal(2, Integer), CheckIn.case_id, cast(null(), Integer), cast(null(), DateTime), _NO_TEXT,
           cast(null(), Boolean), _NO_TEXT, CheckIn.due_on, CheckIn.answered_on)
    .where(CheckIn.case_id.in_(_HER_CASES)),
).order_by("part", "scheduled_at", "id")


def overview_of(db: Session, citizen_id: int, today: date) -> Overview:
    summaries = case_summaries_of(db, citizen_id)
    histories = {s.case.id: CaseHistory() for s in summaries}
    booked: dict[int, list[Booking]] = {s.case.id: [] for s in summaries}
    if any(s.case.has_conversations or s.case.has_check_ins for s in summaries):
        # Like the cases, alone in autocommit where the request has begun no transaction: a booking
        # made between the two reads shows as it would a moment later.
        rows = read_all(db, _HISTORIES_AND_BOOKINGS, {"citizen_id": citizen_id})
        for part, case_id, conversation_id, at, form, self_booked, text, day, other_day in rows:
            if part == 0:
                booked[case_id].append(Booking(conversation_id, at, form, self_booked, text))
            elif part == 1:
                histories[case_id].conversations.append(HeldConversation(day, text or "self_service"))
            else:
                histories[case_id].check_ins.append(CheckInAnswer(day, other_day))
    cases = [s.case for s in summaries]
    for case in cases:  # facts.histories_of's earlier sickness, as read for the case alone
        oldest = earliest_closing_that_counts(case.first_absence_day)
        for other in cases:
            if other.status == CaseStatus.CLOSED and other.closed_on is not None and other.closed_on >= oldest:
                sickness = earlier_sickness(case, other.id, other.first_absence_day, other.recovered_on,
                                            other.closed_on)
                if sickness is not None:
                    histories[case.id].earlier_sickness.append(sickness)
    plans, next_steps = {}, {}
    for summary in summaries:
        case = summary.case
        obligations = timeline(facts_of(case, summary.questionnaire, histories[case.id]), today)
        plans[case.id] = plan_from(case, summary.questionnaire, obligations)
        next_steps[case.id] = summarize(case, list(plans[case.id].obligations),
                                        booked[case.id] if case.status == CaseStatus.OPEN else [], today)
    return Overview(summaries, plans, next_steps, header_municipality_among(cases))
