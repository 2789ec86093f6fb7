"""The citizen's ongoing case after the questionnaire: standby, fast track, asking for a
conversation, check-ins and recovery (raskmelding). Each is one transaction that writes the case's
event log and re-screens the case, so a case that now needs the jobcenter is handed over at once."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlmodel import Session, select

from ..models import AbsenceKind, CaseStatus, CheckIn, SickCase, utcnow
from ..notify.outbox import cancel_reminders
from ..rules import Code, FastTrackOffer, check_in_due, expected_weeks, fast_track_offer, timeline
from . import events, handover
from .facts import case_facts, record_expectation, record_expected_duration


def _rescreen_and_commit(db: Session, case: SickCase, today: date) -> None:
    case.updated_at = utcnow()
    db.add(case)
    db.flush()
    handover.rescreen(db, case, handover.questionnaire_of(db, case.id), today)
    db.commit()


class NotAllowed(Exception):
    """The step does not fit the case's state (closed, already asked): the view explains."""


def _require_open(case: SickCase) -> None:
    if case.status != CaseStatus.OPEN:
        raise NotAllowed("the case is closed")


# Standby (§ 13 b, stk. 5) -------------------------------------------------------------------------

def choose_standby(db: Session, case: SickCase, group: str, today: date, actor: str = "citizen") -> None:
    _require_open(case)
    if case.standby_since is None:
        case.standby_since = today
    case.standby_group = group
    # Never the diagnosis group in the event log: it is health information.
    events.record(db, case.id, actor, "standby_chosen")
    cancel_reminders(db, case.id, "standby chosen")
    _rescreen_and_commit(db, case, today)


def withdraw_standby(db: Session, case: SickCase, today: date, actor: str = "citizen") -> None:
    _require_open(case)
    if case.standby_since is None:
        return
    case.standby_since, case.standby_group = None, None
    events.record(db, case.id, actor, "standby_withdrawn")
    _rescreen_and_commit(db, case, today)


# Fast track (§ 7 e) -------------------------------------------------------------------------------

def fast_track_pending(case: SickCase) -> bool:
    asked, declined = case.fast_track_requested_on, case.fast_track_declined_on
    if asked is None or (declined and declined >= asked):
        return False
    return not (case.first_conversation_held_on and case.first_conversation_held_on >= asked)


def offer_of(db: Session, case: SickCase, today: date, by_citizen: bool = True) -> FastTrackOffer:
    return fast_track_offer(case_facts(db, case), today, pending_request=fast_track_pending(case),
                            by_citizen=by_citizen)


def request_fast_track(db: Session, case: SickCase, expected_duration: str, today: date,
                       actor: str = "citizen") -> None:
    if not offer_of(db, case, today).offered:
        raise NotAllowed("fast track is not offered")
    case.fast_track_requested_on = today
    case.expected_duration = expected_duration
    record_expected_duration(case, "citizen", today, expected_duration)
    events.record(db, case.id, actor, "fast_track_requested", by=actor)
    _rescreen_and_commit(db, case, today)


# Asking for a conversation ------------------------------------------------------------------------

def conversation_pending(case: SickCase) -> bool:
    """Asked for, and no conversation held since (record_conversation clears the wish when met)."""
    return case.conversation_requested_on is not None


def request_conversation(db: Session, case: SickCase, form: str, reason: str, today: date,
                         actor: str = "citizen") -> None:
    _require_open(case)
    if conversation_pending(case):
        raise NotAllowed("a conversation is already asked for")
    case.conversation_requested_on = today
    case.conversation_request_form, case.conversation_request_reason = form, reason.strip()
    events.record(db, case.id, actor, "conversation_requested", form=form)
    _rescreen_and_commit(db, case, today)


# Check-ins ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CheckInState:
    due_on: date | None      # None: no check-ins (closed or on standby)
    is_due: bool
    answered: list[CheckIn]
    return_passed: date | None = None  # asked because this expected return passed


def check_in_state(db: Session, case: SickCase, today: date) -> CheckInState:
    answered = db.exec(select(CheckIn).where(CheckIn.case_id == case.id).order_by(CheckIn.due_on)).all()
    if case.status != CaseStatus.OPEN:
        return CheckInState(None, False, list(answered))
    obligations = timeline(case_facts(db, case), today)
    due = check_in_due(obligations)
    passed = next((o.opens - timedelta(days=1) for o in obligations
                   if o.code == Code.RETURN_CHECK_IN and o.pending and o.opens == due), None)
    return CheckInState(due, due is not None and due <= today, list(answered), passed)


def answer_check_in(db: Session, case: SickCase, answers: dict, today: date, actor: str = "citizen") -> CheckIn:
    """Keep the answers and let them change the case: a new expected return date, a wish to talk."""
    state = check_in_state(db, case, today)
    if not state.is_due:
        raise NotAllowed("no check-in is due")
    check_in = CheckIn(case_id=case.id, due_on=state.due_on, answered_on=today, answers=answers)
    db.add(check_in)
    # Every answer is the citizen's newest word on returning, "I don't know" included.
    if answers.get("expected_return"):
        case.expected_return = date.fromisoformat(answers["expected_return"])
        record_expectation(case, "citizen", today, case.expected_return)
    elif answers.get("expected_duration"):
        case.expected_duration = answers["expected_duration"]
        record_expected_duration(case, "citizen", today, case.expected_duration)
    else:
        record_expectation(case, "citizen", today, None)
    if answers.get("wants_conversation") == "yes" and not conversation_pending(case):
        case.conversation_requested_on = today
        case.conversation_request_form = answers.get("conversation_form")
        case.conversation_request_reason = answers.get("conversation_reason") or None
        events.record(db, case.id, actor, "conversation_requested", form=case.conversation_request_form)
    events.record(db, case.id, actor, "check_in_answered", due_on=state.due_on.isoformat())
    _rescreen_and_commit(db, case, today)
    return check_in


# Recovery (raskmelding) ---------------------------------------------------------------------------

def report_recovery(db: Session, case: SickCase, full: bool, on: date, today: date,
                    partial_hours: Decimal | None = None, actor: str = "citizen") -> None:
    """Full recovery closes the case and takes it out of the jobcenter's queue; a partial one turns
    the sick leave partial from that date."""
    _require_open(case)
    if on < case.first_absence_day:
        raise NotAllowed("recovery before the first absence day")
    if full:
        case.status, case.closed_on, case.recovered_on = CaseStatus.CLOSED, today, on
        events.record(db, case.id, actor, "recovered", on=on.isoformat())
        handover.close_live_handover(db, case.id, today, "recovered")
        cancel_reminders(db, case.id, "recovered")
    else:
        case.absence_kind, case.partial_since = AbsenceKind.PARTIAL, on
        case.partial_hours_per_week = float(partial_hours) if partial_hours is not None else None
        events.record(db, case.id, actor, "partly_recovered", on=on.isoformat())
    _rescreen_and_commit(db, case, today)


def expected_weeks_of(db: Session, case: SickCase, today: date) -> int | None:
    return expected_weeks(case_facts(db, case), today)
