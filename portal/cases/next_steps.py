"""What happens next on one case, in one place: what the citizen must do and by when, what the
jobcenter will do and by when, and what is booked. Built from the timeline (the only source of
dates) and the case's rows (conversations booked, the employer's fast-track request), and read by
the citizen's overview and case page, the employer's list, the caseworker's case view and the
reminders (portal/notify/reminders.py), so the pages and the messages cannot disagree.

A booked conversation answers every conversation the jobcenter owes: while one is booked, the page
shows the booking, not "the jobcenter contacts you by ..."."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import bindparam
from sqlmodel import Session, select

from ..models import CaseStatus, Conversation, FastTrackRequest, Questionnaire, SickCase
from ..rules import Code, Obligation, State, expected_return, find
from .facts import facts_of_row, timeline_of

# What the citizen does, in the order a page asks for it when two are due together.
CITIZEN_STEPS = (Code.QUESTIONNAIRE_DUE, Code.FAST_TRACK_CONSENT, Code.RETURN_CHECK_IN, Code.CHECK_IN)
# Each is met by a conversation held with the citizen, so a booked one answers it.
CONVERSATION_STEPS = (Code.REQUESTED_CONVERSATION, Code.FAST_TRACK_CONVERSATION, Code.FIRST_CONVERSATION,
                      Code.FOLLOW_UP, Code.RETURN_FOLLOW_UP, Code.QUESTIONNAIRE_FOLLOW_UP, Code.PLAN_FOLLOW_UP)


@dataclass(frozen=True)
class Step:
    code: str              # an obligation code (portal.rules.Code)
    due: date
    overdue: bool = False
    opens: date | None = None  # from this day it is time to act (a reminder's day and key)


@dataclass(frozen=True)
class Booking:
    conversation_id: int
    at: datetime
    form: str
    self_booked: bool
    answer: str | None


@dataclass(frozen=True)
class NextSteps:
    is_open: bool
    citizen: tuple[Step, ...]          # hers to do now, soonest first
    jobcenter: Step | None             # the conversation the jobcenter owes, when none is booked
    booked: tuple[Booking, ...]        # soonest first
    on_standby: bool
    exempt_below_weeks: int | None     # no conversation, as she is expected back within these weeks
    exempt_by: str                     # who expects it: citizen | employer | citizen+employer
    obligations: tuple[Obligation, ...]  # the case page's list: what is booked shows as booked
    covered: frozenset[str]            # the codes a booking answers
    questionnaire_submitted: bool = False
    questionnaire_needed: bool = True  # not when the timeline found it not required (standby) or waived
    expected_return: date | None = None  # the return the timeline reckons with (the parties' words)

    @property
    def first(self) -> Step | Booking | None:
        """The one next step a page leads with: hers first, then what is booked, then the jobcenter's."""
        if self.citizen:
            return self.citizen[0]
        if self.booked:
            return self.booked[0]
        return self.jobcenter

    @property
    def first_kind(self) -> str:
        first = self.first
        if first is None:
            return "none"
        return "booked" if isinstance(first, Booking) else first.code

    @property
    def first_date(self) -> date | None:
        first = self.first
        if first is None:
            return None
        return first.at.date() if isinstance(first, Booking) else first.due


def _citizen_steps(obligations: list[Obligation], submitted: bool) -> list[Step]:
    steps = []
    for code in CITIZEN_STEPS:
        obligation = find(obligations, code)
        if obligation is None or obligation.date is None or not obligation.pending:
            continue
        if code == Code.QUESTIONNAIRE_DUE and submitted:
            continue
        # A check-in or a passed return is hers only once it is time; until then it is not news.
        if code in (Code.CHECK_IN, Code.RETURN_CHECK_IN) and obligation.state == State.UPCOMING:
            continue
        steps.append(Step(code, obligation.date, obligation.state == State.OVERDUE, obligation.opens))
    return sorted(steps, key=lambda s: s.due)


def _owed_conversation(obligations: list[Obligation]) -> Step | None:
    owed = [o for o in obligations if o.code in CONVERSATION_STEPS and o.pending and o.date is not None]
    if not owed:
        return None
    soonest = min(owed, key=lambda o: (o.date, CONVERSATION_STEPS.index(o.code)))
    # One conversation answers them all, so the page names the one she asked for (fast track or a
    # request) when there is one: "contacts you if you need a conversation" would deny her request.
    # The date stays the soonest any of them is due.
    asked = [o for o in owed if o.code in (Code.FAST_TRACK_CONVERSATION, Code.REQUESTED_CONVERSATION)]
    named = min(asked, key=lambda o: CONVERSATION_STEPS.index(o.code)) if asked else soonest
    return Step(named.code, soonest.date, soonest.state == State.OVERDUE)


def _shown(obligation: Obligation) -> bool:
    """A passed return that has not passed is no deadline: "the date has passed" before it has is false."""
    return not (obligation.code == Code.RETURN_CHECK_IN and obligation.state == State.UPCOMING)


# Built once: the columns a Booking needs, not the entity (loading an entity costs more than the query).
_BOOKED = (select(Conversation.id, Conversation.scheduled_at, Conversation.form, Conversation.self_booked,
                  Conversation.answer)
           .where(Conversation.case_id == bindparam("case_id"), Conversation.status == "booked")
           .order_by(Conversation.scheduled_at, Conversation.id))


def booked_of(db: Session, case_id: int) -> list[Booking]:
    return [Booking(*row) for row in db.exec(_BOOKED, params={"case_id": case_id})]


def bookings_of(db: Session, case_ids: list[int]) -> dict[int, list[Booking]]:
    """The booked conversations of many cases in one query (the reminder sweep reads a batch)."""
    if not case_ids:
        return {}
    rows = db.exec(select(Conversation.case_id, Conversation.id, Conversation.scheduled_at, Conversation.form,
                          Conversation.self_booked, Conversation.answer)
                   .where(Conversation.case_id.in_(case_ids), Conversation.status == "booked")
                   .order_by(Conversation.scheduled_at, Conversation.id))
    found: dict[int, list[Booking]] = {}
    for case_id, *booking in rows:
        found.setdefault(case_id, []).append(Booking(*booking))
    return found


def next_steps_for(db: Session, case: SickCase, today: date, questionnaire: Questionnaire | None = None,
                   obligations: list[Obligation] | None = None) -> NextSteps:
    if obligations is None:
        obligations = timeline_of(db, case, today, questionnaire)
    booked = booked_of(db, case.id) if case.status == CaseStatus.OPEN else []
    return summarize(case, obligations, booked, today)


def summarize(case: SickCase, obligations: list[Obligation], booked: list[Booking],
              today: date | None = None) -> NextSteps:
    """The summary from what is already read: the case's timeline and its booked conversations.
    With `today`, also the expected return the timeline reckons with, for the pages that show it."""
    is_open = case.status == CaseStatus.OPEN
    booked = booked if is_open else []
    submitted = case.questionnaire_submitted_on is not None
    covered = frozenset(o.code for o in obligations
                        if booked and o.code in CONVERSATION_STEPS and o.pending and o.date is not None)
    first = find(obligations, Code.FIRST_CONVERSATION)
    questionnaire = find(obligations, Code.QUESTIONNAIRE_DUE)
    exempt, exempt_by = None, ""
    if first is not None and first.state == State.NOT_REQUIRED and first.why_code.startswith("expected_within:"):
        _, weeks, exempt_by = first.why_code.split(":", 2)
        exempt = int(weeks)
    return NextSteps(
        is_open=is_open,
        citizen=tuple(_citizen_steps(obligations, submitted)) if is_open else (),
        jobcenter=None if booked or not is_open else _owed_conversation(obligations),
        booked=tuple(booked),
        on_standby=is_open and case.standby_since is not None,
        exempt_below_weeks=exempt if is_open else None,
        exempt_by=exempt_by,
        obligations=tuple(o for o in obligations if _shown(o)),
        covered=covered,
        questionnaire_submitted=submitted,
        questionnaire_needed=questionnaire is None or questionnaire.state not in (State.NOT_REQUIRED, State.WAIVED),
        # From the parties' words (report, questionnaire, check-ins), as the timeline reads them: the
        # case's own column keeps only the date given at the report.
        expected_return=expected_return(facts_of_row(case, submitted), today) if today else None,
    )


def employer_request_waiting(db: Session, case_id: int) -> FastTrackRequest | None:
    """The employer's fast-track request that waits for the employee's answer."""
    return db.exec(select(FastTrackRequest).where(FastTrackRequest.case_id == case_id,
                                                  FastTrackRequest.status == "awaiting")).first()
