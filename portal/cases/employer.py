"""The employer's use cases: report an employee sick, request fast track (§ 7 c), answer the
employer questions, and the employer's own list. Every query is limited to the employer's CVR
number, and nothing here returns the employee's health information."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import bindparam, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from ..models import (
    AbsenceKind,
    CaseStatus,
    Citizen,
    Conversation,
    EmployerAnswer,
    EmployerRelation,
    EmployerReport,
    Employment,
    FastTrackRequest,
    SickCase,
)
from ..personal_data import cpr_hash, encrypt_cpr, mask_cpr
from ..rules import CaseFacts, Code, FastTrackOffer, Obligation, fast_track_offer, find, timeline
from . import events, followup, handover
from .facts import record_expectation, record_expected_duration, timeline_of
from .next_steps import NextSteps, next_steps_for
from .residence import Residence
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
                         absence_kind: AbsenceKind, partial_hours: Decimal | None, residence: Residence,
                         today: date) -> EmployerReport:
    """Find the employee's open case by the keyed hash of the CPR number, or open one (which sends
    the employee the questionnaire). The report joins an open case only if the case names this
    company; otherwise it stays the company's own, the employee is asked to confirm the employment,
    and the company learns nothing of the case (the CPR number is not a secret). A company that
    reports again while the employee has not answered joins its open question: she is asked once."""
    citizen = _citizen_by_cpr(db, cpr, employee_name)
    case = open_case_of(db, citizen.id)
    opened = case is None
    if not opened and case.employer_cvr != employer.cvr and (asked := _open_question(db, citizen.id, employer.cvr)):
        return asked
    if opened:
        case = report_sickness(db, citizen.id, residence.municipality, SickReport(
            first_absence_day=first_absence_day, employment=Employment.EMPLOYED, absence_kind=absence_kind,
            partial_hours_per_week=float(partial_hours) if partial_hours is not None else None,
            employer_cvr=employer.cvr, employer_name=employer.org_name), today, actor="employer",
            residence=residence)
    bound = opened or case.employer_cvr == employer.cvr
    report = EmployerReport(
        case_id=case.id if bound else None, citizen_id=citizen.id,
        relation=EmployerRelation.BOUND if bound else EmployerRelation.UNCONFIRMED,
        cvr=employer.cvr, org_name=employer.org_name, reported_by=employer.subject,
        reporter_name=employer.name, employee_name=employee_name.strip()[:200], cpr_masked=mask_cpr(cpr),
        first_absence_day=first_absence_day, absence_kind=absence_kind,
        partial_hours_per_week=float(partial_hours) if partial_hours is not None else None,
        reported_on=today, opened_case=opened)
    db.add(report)
    if bound:
        events.record(db, case.id, f"employer:{employer.cvr}", "employer_reported",
                      first_absence_day=first_absence_day.isoformat())
    try:
        db.commit()
    except IntegrityError:  # the same company's report, sent at the same moment, asked first
        db.rollback()
        if bound or (asked := _open_question(db, citizen.id, employer.cvr)) is None:
            raise
        return asked
    return report


def _open_question(db: Session, citizen_id: int, cvr: str) -> EmployerReport | None:
    return db.exec(select(EmployerReport).where(EmployerReport.citizen_id == citizen_id, EmployerReport.cvr == cvr,
                                                EmployerReport.relation == EmployerRelation.UNCONFIRMED)).first()


@dataclass(frozen=True)
class ReportRow:
    report: EmployerReport
    status: str                    # received | answered | conversation_booked | conversation_held | closed
    fast_track: str | None         # awaiting | consented | declined | unanswered | ... | None
    answered_on: date | None = None   # the company's newest answer to the employer questions
    next_steps: NextSteps | None = None  # the case's, once the employee has confirmed the company


def reports_of(db: Session, cvr: str, today: date | None = None) -> list[ReportRow]:
    """The employer's own reports, newest first, with what the employer may know of each: of a
    report the employee has not confirmed, only what the company itself sent."""
    reports = db.exec(select(EmployerReport).where(EmployerReport.cvr == cvr)
                      .order_by(EmployerReport.reported_on.desc(), EmployerReport.id.desc())).all()
    case_ids = {r.case_id for r in reports if r.case_id is not None}
    cases = {c.id: c for c in db.exec(select(SickCase).where(SickCase.id.in_(case_ids)))} if case_ids else {}
    conversations: dict[int, set[str]] = {}
    if case_ids:
        for conversation in db.exec(select(Conversation).where(Conversation.case_id.in_(case_ids))):
            conversations.setdefault(conversation.case_id, set()).add(conversation.status)
    request_status = {}
    for request in db.exec(select(FastTrackRequest).where(FastTrackRequest.cvr == cvr)
                           .order_by(FastTrackRequest.id)):
        request_status[request.report_id] = request.status
    answered: dict[int, date] = {}
    for report_id, answered_on in db.exec(select(EmployerAnswer.report_id, func.max(EmployerAnswer.answered_on))
                                          .where(EmployerAnswer.cvr == cvr).group_by(EmployerAnswer.report_id)):
        answered[report_id] = answered_on
    rows = []
    for report in reports:
        status = "answered" if report.id in answered else "received"
        steps = None
        if report.case_id is not None:
            held = conversations.get(report.case_id, set())
            status = ("conversation_held" if "held" in held else "conversation_booked" if "booked" in held
                      else "closed" if cases[report.case_id].status == CaseStatus.CLOSED else status)
            if today is not None and report.relation == EmployerRelation.BOUND:
                steps = next_steps_for(db, cases[report.case_id], today)
        rows.append(ReportRow(report, status, request_status.get(report.id), answered.get(report.id), steps))
    return rows


def report_of(db: Session, cvr: str, report_id: int) -> EmployerReport | None:
    """One report, only the employer's own: another company's id answers as if it did not exist."""
    return db.exec(select(EmployerReport).where(EmployerReport.id == report_id, EmployerReport.cvr == cvr)).first()


def waiting_request(db: Session, case_id: int) -> FastTrackRequest | None:
    return db.exec(select(FastTrackRequest).where(FastTrackRequest.case_id == case_id,
                                                  FastTrackRequest.status == "awaiting")).first()


def fast_track_offer_for(db: Session, report: EmployerReport, today: date) -> FastTrackOffer:
    """Whether the company may ask for fast track: from the case when the employee has confirmed the
    employment, otherwise from the company's own report alone (nothing of a case shows through)."""
    if report.case_id is not None:
        return followup.offer_of(db, db.get(SickCase, report.case_id), today, by_citizen=False)
    asked = db.exec(select(FastTrackRequest.id).where(FastTrackRequest.report_id == report.id)).first()
    facts = CaseFacts(first_absence_day=report.first_absence_day, reported_on=report.reported_on,
                      closed_on=report.relation_answered_on if report.relation == EmployerRelation.REJECTED else None)
    return fast_track_offer(facts, today, pending_request=asked is not None, by_citizen=False)


def request_fast_track(db: Session, employer: Employer, report: EmployerReport, answers: dict,
                       today: date) -> FastTrackRequest:
    """§ 7 c: within the request window, for an employee not expected back within 8 weeks. The
    employee is asked to answer within 2 bank days (the timeline's date). Until the employee has
    confirmed the employment the request waits beside the company's report."""
    waiting = waiting_request(db, report.case_id) if report.case_id is not None else None
    if not fast_track_offer_for(db, report, today).offered or waiting:
        raise NotAllowed("fast track is not open for this case")
    if report.case_id is None:
        own = CaseFacts(first_absence_day=report.first_absence_day, reported_on=report.reported_on,
                        employer_fast_track_asked_on=today)
        answer_due = find(timeline(own, today), Code.FAST_TRACK_CONSENT).date
        request = FastTrackRequest(case_id=None, report_id=report.id, cvr=employer.cvr, requested_by=employer.subject,
                                   requested_on=today, answer_due=answer_due, employer_answers=answers)
        db.add(request)
        db.commit()
        return request
    case = db.get(SickCase, report.case_id)
    request = FastTrackRequest(case_id=case.id, report_id=report.id, cvr=employer.cvr, requested_by=employer.subject,
                               requested_on=today, answer_due=today, employer_answers=answers)
    _attach_request(db, case, request, today)
    db.add(request)
    events.record(db, case.id, f"employer:{employer.cvr}", "fast_track_requested", by="employer")
    db.flush()
    handover.rescreen(db, case, handover.questionnaire_of(db, case.id), today)
    db.commit()
    return request


def _attach_request(db: Session, case: SickCase, request: FastTrackRequest, today: date) -> None:
    """The request reaches the case: the employee's answer is due 2 bank days after that day (a request
    that waited for her to confirm the employment counts from her confirmation)."""
    case.employer_fast_track_asked_on, case.employer_fast_track_answered_on = today, None
    case.fast_track_decided_on = case.fast_track_decision = None
    record_expected_duration(case, "employer", request.requested_on, request.employer_answers.get("duration"))
    request.case_id = case.id
    request.answer_due = find(timeline_of(db, case, today), Code.FAST_TRACK_CONSENT).date
    db.add(case)


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
                                                          FastTrackRequest.case_id.is_not(None),
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
    answer = EmployerAnswer(case_id=report.case_id, report_id=report.id, cvr=employer.cvr,
                            answered_by=employer.subject, answered_on=today, **fields)
    db.add(answer)
    if report.case_id is None:  # kept with the company's report until the employee confirms
        db.commit()
        return answer
    case = db.get(SickCase, report.case_id)
    _apply_answer(case, answer)
    events.record(db, case.id, f"employer:{employer.cvr}", "employer_answered")
    db.flush()
    handover.rescreen(db, case, handover.questionnaire_of(db, case.id), today)
    db.commit()
    return answer


def _apply_answer(case: SickCase, answer: EmployerAnswer) -> None:
    record_expectation(case, "employer", answer.answered_on, answer.expected_return)
    if answer.absence_conversation_on:
        case.employer_absence_conversation_on = answer.absence_conversation_on


# The employee confirms (or not) that a reporting company is her employer -------------------------

def unconfirmed_reports(db: Session, citizen_id: int) -> list[EmployerReport]:
    """Reports of companies the citizen has not yet confirmed as her employer, oldest first."""
    return list(db.exec(select(EmployerReport).where(EmployerReport.citizen_id == citizen_id,
                                                     EmployerReport.relation == EmployerRelation.UNCONFIRMED)
                        .order_by(EmployerReport.id)))


def answer_relation(db: Session, citizen_id: int, report_id: int, is_employer: bool, today: date) -> bool:
    """The citizen confirms the company as her employer: its report, answers and fast-track request
    join her open case and its screening. Or she rejects it: nothing of it ever reaches the case.
    False when there is no such question for her."""
    report = db.exec(select(EmployerReport).where(EmployerReport.id == report_id,
                                                  EmployerReport.citizen_id == citizen_id,
                                                  EmployerReport.relation == EmployerRelation.UNCONFIRMED)).first()
    if report is None:
        return False
    case = open_case_of(db, citizen_id)
    report.relation_answered_on = today
    if not is_employer or case is None:
        report.relation = EmployerRelation.REJECTED
        db.add(report)
        if case is not None:
            events.record(db, case.id, "citizen", "employer_rejected", cvr=report.cvr)
        db.commit()
        return True
    report.relation, report.case_id = EmployerRelation.BOUND, case.id
    db.add(report)
    events.record(db, case.id, "citizen", "employer_confirmed", cvr=report.cvr)
    events.record(db, case.id, f"employer:{report.cvr}", "employer_reported",
                  first_absence_day=report.first_absence_day.isoformat())
    for answer in db.exec(select(EmployerAnswer).where(EmployerAnswer.report_id == report.id)
                          .order_by(EmployerAnswer.id)):
        answer.case_id = case.id
        _apply_answer(case, answer)
        db.add(answer)
        events.record(db, case.id, f"employer:{report.cvr}", "employer_answered")
    waiting = waiting_request(db, case.id)
    for request in db.exec(select(FastTrackRequest).where(FastTrackRequest.report_id == report.id)):
        if request.status == "awaiting" and waiting is None:
            _attach_request(db, case, request, today)
            events.record(db, case.id, f"employer:{report.cvr}", "fast_track_requested", by="employer")
        else:
            request.case_id = case.id
        db.add(request)
    db.add(case)
    db.flush()
    handover.rescreen(db, case, handover.questionnaire_of(db, case.id), today)
    db.commit()
    return True


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


@dataclass(frozen=True)
class FromEmployer:
    """An employer's answer or request with the company that sent it, so a reader can tell who said what."""

    item: EmployerAnswer | FastTrackRequest
    company: str
    cvr: str


# Built once, the case's id bound at each call: the case page and the API's package read both every time.
_ANSWERS = (select(EmployerAnswer, EmployerReport.org_name)
            .join(EmployerReport, EmployerReport.id == EmployerAnswer.report_id)
            .where(EmployerAnswer.case_id == bindparam("case_id")).order_by(EmployerAnswer.id.desc()))
_REQUESTS = (select(FastTrackRequest, EmployerReport.org_name)
             .join(EmployerReport, EmployerReport.id == FastTrackRequest.report_id)
             .where(FastTrackRequest.case_id == bindparam("case_id")).order_by(FastTrackRequest.id.desc()))


def employer_information(db: Session, case_id: int) -> tuple[list[FromEmployer], list[FromEmployer]]:
    """For the caseworker and the case system: every employer answer and fast-track request of the
    case, each with its company's name and CVR number, newest first."""
    answers = db.exec(_ANSWERS, params={"case_id": case_id}).all()
    requests = db.exec(_REQUESTS, params={"case_id": case_id}).all()
    return ([FromEmployer(a, name, a.cvr) for a, name in answers],
            [FromEmployer(r, name, r.cvr) for r, name in requests])


def company_of(db: Session, request: FastTrackRequest) -> FromEmployer:
    report = db.get(EmployerReport, request.report_id)
    return FromEmployer(request, report.org_name, report.cvr)
