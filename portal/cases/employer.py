"""The employer's use cases: report an employee sick, request fast track (§ 7 c), answer the
employer questions, and the employer's own list. Every query is limited to the employer's CVR
number, and nothing here returns the employee's health information."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from ..models import (
    AbsenceKind,
    CaseStatus,
    Citizen,
    Conversation,
    EmployerAnswer,
    EmployerReport,
    Employment,
    FastTrackRequest,
    SickCase,
)
from ..personal_data import cpr_hash, encrypt_cpr, mask_cpr
from ..rules import CaseFacts, Code, Obligation, find, timeline
from . import events, followup, handover
from .facts import record_expectation, record_expected_duration, timeline_of
from .sickness import SickReport, open_case_of, report_sickness


@dataclass(frozen=True)
class Employer:
    cvr: str
    org_name: str
    subject: str
    name: str


class NotAllowed(Exception):
    """Outside the rules (the window has closed, a request is already waiting): the view explains."""


def _citizen_by_cpr(db: Session, cpr: str, employee_name: str) -> Citizen:
    key = cpr_hash(cpr)
    citizen = db.exec(select(Citizen).where(Citizen.cpr_hash == key)).first()
    if citizen is None:
        citizen = Citizen(cpr_hash=key, cpr_encrypted=encrypt_cpr(cpr), name=employee_name[:200])
        db.add(citizen)
        try:
            db.commit()
        except IntegrityError:  # the employee logged in for the first time at this moment
            db.rollback()
            citizen = db.exec(select(Citizen).where(Citizen.cpr_hash == key)).one()
    return citizen


def report_employee_sick(db: Session, employer: Employer, cpr: str, employee_name: str, first_absence_day: date,
                         absence_kind: AbsenceKind, partial_hours: Decimal | None, municipality: str,
                         today: date) -> EmployerReport:
    """Find the employee's open case by the keyed hash of the CPR number, or open one (which sends
    the employee the questionnaire), and keep the employer's report beside it."""
    citizen = _citizen_by_cpr(db, cpr, employee_name)
    case = open_case_of(db, citizen.id)
    opened = case is None
    if opened:
        case = report_sickness(db, citizen.id, municipality, SickReport(
            first_absence_day=first_absence_day, employment=Employment.EMPLOYED, absence_kind=absence_kind,
            partial_hours_per_week=float(partial_hours) if partial_hours is not None else None,
            employer_cvr=employer.cvr, employer_name=employer.org_name), today, actor="employer")
    report = EmployerReport(
        case_id=case.id, cvr=employer.cvr, org_name=employer.org_name, reported_by=employer.subject,
        reporter_name=employer.name, employee_name=employee_name.strip()[:200], cpr_masked=mask_cpr(cpr),
        first_absence_day=first_absence_day, absence_kind=absence_kind,
        partial_hours_per_week=float(partial_hours) if partial_hours is not None else None,
        reported_on=today, opened_case=opened)
    db.add(report)
    events.record(db, case.id, f"employer:{employer.cvr}", "employer_reported",
                  first_absence_day=first_absence_day.isoformat())
    db.commit()
    return report


@dataclass(frozen=True)
class ReportRow:
    report: EmployerReport
    status: str                    # received | conversation_booked | conversation_held | closed
    fast_track: str | None         # awaiting | consented | declined | lapsed | None


def reports_of(db: Session, cvr: str) -> list[ReportRow]:
    """The employer's own reports, newest first, with what the employer may know of each."""
    reports = db.exec(select(EmployerReport).where(EmployerReport.cvr == cvr)
                      .order_by(EmployerReport.reported_on.desc(), EmployerReport.id.desc())).all()
    case_ids = {r.case_id for r in reports}
    if not case_ids:
        return []
    cases = {c.id: c for c in db.exec(select(SickCase).where(SickCase.id.in_(case_ids)))}
    conversations: dict[int, set[str]] = {}
    for conversation in db.exec(select(Conversation).where(Conversation.case_id.in_(case_ids))):
        conversations.setdefault(conversation.case_id, set()).add(conversation.status)
    request_status = {}
    for request in db.exec(select(FastTrackRequest).where(FastTrackRequest.cvr == cvr)
                           .order_by(FastTrackRequest.id)):
        request_status[request.report_id] = request.status
    rows = []
    for report in reports:
        held = conversations.get(report.case_id, set())
        status = ("conversation_held" if "held" in held else "conversation_booked" if "booked" in held
                  else "closed" if cases[report.case_id].status == CaseStatus.CLOSED else "received")
        rows.append(ReportRow(report, status, request_status.get(report.id)))
    return rows


def report_of(db: Session, cvr: str, report_id: int) -> EmployerReport | None:
    """One report, only the employer's own: another company's id answers as if it did not exist."""
    return db.exec(select(EmployerReport).where(EmployerReport.id == report_id, EmployerReport.cvr == cvr)).first()


def waiting_request(db: Session, case_id: int) -> FastTrackRequest | None:
    return db.exec(select(FastTrackRequest).where(FastTrackRequest.case_id == case_id,
                                                  FastTrackRequest.status == "awaiting")).first()


def request_fast_track(db: Session, employer: Employer, report: EmployerReport, answers: dict,
                       today: date) -> FastTrackRequest:
    """§ 7 c: within the request window, for an employee not expected back within 8 weeks. The
    employee is asked to answer within 2 bank days (the timeline's date)."""
    case = db.get(SickCase, report.case_id)
    if not followup.offer_of(db, case, today, by_citizen=False).offered or waiting_request(db, case.id):
        raise NotAllowed("fast track is not open for this case")
    case.employer_fast_track_asked_on, case.employer_fast_track_answered_on = today, None
    case.fast_track_decided_on = case.fast_track_decision = None
    record_expected_duration(case, "employer", today, answers["duration"])
    answer_due = find(timeline_of(db, case, today), Code.FAST_TRACK_CONSENT).date
    request = FastTrackRequest(
        case_id=case.id, report_id=report.id, cvr=employer.cvr, requested_by=employer.subject,
        requested_on=today, answer_due=answer_due, employer_answers=answers)
    db.add_all([request, case])
    events.record(db, case.id, f"employer:{employer.cvr}", "fast_track_requested", by="employer")
    db.flush()
    handover.rescreen(db, case, handover.questionnaire_of(db, case.id), today)
    db.commit()
    return request


ANSWERABLE = ("awaiting", "unanswered")  # a late answer counts until the municipality has decided


def answer_employee(db: Session, request: FastTrackRequest, consent: bool, answers: dict, today: date) -> None:
    """The employee consents (the fast track starts, counted from the employer's request) or
    declines (the ordinary rule stays in force)."""
    if request.status not in ANSWERABLE:
        raise NotAllowed("the request is already answered")
    case = db.get(SickCase, request.case_id)
    request.status, request.citizen_answers, request.answered_on = (
        "consented" if consent else "declined"), answers, today
    case.employer_fast_track_answered_on = today
    if consent:
        case.fast_track_requested_on = request.requested_on
        events.record(db, case.id, "citizen", "fast_track_consented")
    else:
        case.fast_track_declined_on = today
        events.record(db, case.id, "citizen", "fast_track_declined")
    db.add_all([request, case])
    db.flush()
    handover.rescreen(db, case, handover.questionnaire_of(db, case.id), today)
    db.commit()


def mark_unanswered(db: Session, today: date) -> int:
    """Requests the employee did not answer in time wait for the municipality's decision
    (bekendtgørelse nr. 1710 af 30.12.2024, § 4, stk. 2: "kan kommunen vælge at fortsætte"); the
    timeline hands the case over with that decision. Run by the sweep."""
    marked = 0
    for request in db.exec(select(FastTrackRequest).where(FastTrackRequest.status == "awaiting",
                                                          FastTrackRequest.answer_due < today)).all():
        request.status = "unanswered"
        db.add(request)
        case = db.get(SickCase, request.case_id)
        events.record(db, case.id, "portal", "fast_track_unanswered")
        if case.status == CaseStatus.OPEN:
            handover.rescreen(db, case, handover.questionnaire_of(db, case.id), today)
        marked += 1
    db.commit()
    return marked


def decide_fast_track(db: Session, case: SickCase, go_on: bool, reason: str, today: date, actor: str) -> bool:
    """The municipality's decision on an unanswered employer request: go on with fast track (counted
    from the employer's request) or not. False when there is nothing to decide."""
    request = db.exec(select(FastTrackRequest).where(FastTrackRequest.case_id == case.id,
                                                     FastTrackRequest.status == "unanswered")).first()
    if request is None:
        return False
    request.status = "continued" if go_on else "stopped"
    case.fast_track_decided_on, case.fast_track_decision = today, "continue" if go_on else "stop"
    if go_on:
        case.fast_track_requested_on = request.requested_on
    db.add_all([request, case])
    events.record(db, case.id, actor, "fast_track_decided", decision=case.fast_track_decision, reason=reason)
    db.flush()
    handover.rescreen(db, case, handover.questionnaire_of(db, case.id), today)
    db.commit()
    return True


def answer_questions(db: Session, employer: Employer, report: EmployerReport, fields: dict,
                     today: date) -> EmployerAnswer:
    case = db.get(SickCase, report.case_id)
    answer = EmployerAnswer(case_id=case.id, report_id=report.id, cvr=employer.cvr, answered_by=employer.subject,
                            answered_on=today, **fields)
    db.add(answer)
    record_expectation(case, "employer", today, answer.expected_return)
    if answer.absence_conversation_on:
        case.employer_absence_conversation_on = answer.absence_conversation_on
    db.add(case)
    events.record(db, case.id, f"employer:{employer.cvr}", "employer_answered")
    db.flush()
    handover.rescreen(db, case, handover.questionnaire_of(db, case.id), today)
    db.commit()
    return answer


EMPLOYER_CODES = (Code.EMPLOYER_PERIOD_END, Code.EMPLOYER_ABSENCE_CONVERSATION, Code.FAST_TRACK_WINDOW_END)


def report_deadlines(db: Session, report: EmployerReport, today: date) -> list[Obligation]:
    """The employer's own deadlines for one report, from the timeline, built only from what this
    company itself reported and answered: nothing of the employee's case shows through."""
    own_answers = db.exec(select(EmployerAnswer.absence_conversation_on)
                          .where(EmployerAnswer.report_id == report.id,
                                 EmployerAnswer.absence_conversation_on.is_not(None))).all()
    own_request = db.exec(select(func.min(FastTrackRequest.requested_on))
                          .where(FastTrackRequest.report_id == report.id)).one()
    facts = CaseFacts(first_absence_day=report.first_absence_day, reported_on=report.reported_on,
                      employer_absence_conversation_on=min(own_answers, default=None),
                      employer_fast_track_asked_on=own_request)
    return [o for o in timeline(facts, today) if o.code in EMPLOYER_CODES]


def employer_information(db: Session, case_id: int) -> tuple[list[EmployerAnswer], list[FastTrackRequest]]:
    """For the caseworker: every employer answer and fast-track request of the case, newest first."""
    answers = db.exec(select(EmployerAnswer).where(EmployerAnswer.case_id == case_id)
                      .order_by(EmployerAnswer.id.desc())).all()
    fast_tracks = db.exec(select(FastTrackRequest).where(FastTrackRequest.case_id == case_id)
                       .order_by(FastTrackRequest.id.desc())).all()
    return list(answers), list(fast_tracks)
