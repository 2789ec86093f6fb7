"""Report sickness (sygemelding) and read the citizen's own cases."""
from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, exists, func, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from ..driver_statement import as_driver_float, fetch_all, read_all
from ..models import AbsenceKind, CaseStatus, CheckIn, Citizen, Conversation, Employment, Questionnaire, SickCase
from . import events, handover
from .facts import record_expectation
from .residence import Residence


@dataclass(frozen=True)
class SickReport:
    first_absence_day: date
    employment: Employment
    absence_kind: AbsenceKind
    partial_hours_per_week: float | None = None
    employer_cvr: str | None = None
    employer_name: str | None = None
    expected_return: date | None = None
    email: str | None = None  # for reminders


class CaseAlreadyOpen(Exception):
    """The citizen already has an open case; one citizen has one open sick leave at a time."""

    def __init__(self, case: SickCase):
        super().__init__(f"case {case.id} is open")
        self.case = case


def open_case_of(db: Session, citizen_id: int) -> SickCase | None:
    return db.exec(
        select(SickCase).where(SickCase.citizen_id == citizen_id, SickCase.status == CaseStatus.OPEN)
    ).first()


def latest_case_of(db: Session, citizen_id: int) -> SickCase | None:
    """The open case, else the newest closed one: the municipality a citizen last dealt with."""
    return open_case_of(db, citizen_id) or db.exec(
        select(SickCase).where(SickCase.citizen_id == citizen_id).order_by(SickCase.id.desc())).first()


# What a citizen's page header names (portal.municipality_profiles): the municipality of her open case,
# else of her newest; only that column, by statements built once.
_OPEN_CASE_MUNICIPALITY = select(SickCase.municipality_code).where(
    SickCase.citizen_id == bindparam("citizen_id"), SickCase.status == CaseStatus.OPEN)
_NEWEST_CASE_MUNICIPALITY = (select(SickCase.municipality_code).where(SickCase.citizen_id == bindparam("citizen_id"))
                             .order_by(SickCase.id.desc()))


def latest_municipality_of(db: Session, citizen_id: int) -> str | None:
    """latest_case_of's municipality code, or None for a citizen with no case."""
    of_citizen = {"citizen_id": citizen_id}
    code = db.exec(_OPEN_CASE_MUNICIPALITY, params=of_citizen).first()
    return code if code is not None else db.exec(_NEWEST_CASE_MUNICIPALITY, params=of_citizen).first()


def report_sickness(db: Session, citizen_id: int, municipality: str, report: SickReport,
                    today: date, actor: str = "citizen", residence: Residence | None = None) -> SickCase:
    """Open the case and send the questionnaire (oplysningsskema) at once, in one transaction.
    `residence`, from the CPR register, names the municipality (and whether it is confirmed);
    without it, `municipality` is taken as confirmed (the demo, the tests of other parts)."""
    if residence is not None:
        municipality = residence.municipality
    existing = open_case_of(db, citizen_id)
    if existing is not None:
        raise CaseAlreadyOpen(existing)
    employed = report.employment == Employment.EMPLOYED
    case = SickCase(
        citizen_id=citizen_id,
        municipality_code=municipality,
        municipality_confirmed=residence.confirmed if residence else True,
        municipality_read_at=residence.read_at if residence else None,
        status=CaseStatus.OPEN,
        first_absence_day=report.first_absence_day,
        employment=report.employment,
        employer_cvr=report.employer_cvr if employed else None,
        employer_name=report.employer_name if employed else None,
        absence_kind=report.absence_kind,
        partial_hours_per_week=(report.partial_hours_per_week
                                if report.absence_kind == AbsenceKind.PARTIAL else None),
        expected_return=report.expected_return,
        reported_on=today,
        reported_by=actor,
        questionnaire_sent_on=today,
    )
    if actor == "citizen":  # the citizen's first word on returning: a date, or "I don't know"
        record_expectation(case, "citizen", today, report.expected_return)
    db.add(case)
    try:
        db.flush()
    except IntegrityError:
        # The one-open-case index caught a second submit racing the first.
        db.rollback()
        existing = open_case_of(db, citizen_id)
        if existing is None:
            raise
        raise CaseAlreadyOpen(existing) from None
    questionnaire = Questionnaire(case_id=case.id)
    db.add(questionnaire)
    if report.email:
        remember_email(db, citizen_id, report.email)
    events.record(db, case.id, actor, "sickness_reported",
                  first_absence_day=case.first_absence_day.isoformat(),
                  absence_kind=case.absence_kind, employment=case.employment)
    events.record(db, case.id, "portal", "questionnaire_sent", sent_on=today.isoformat())
    if not case.municipality_confirmed:
        events.record(db, case.id, "portal", "municipality_not_confirmed", municipality=municipality)
    db.flush()
    handover.rescreen(db, case, questionnaire, today)
    db.commit()
    return case


def remember_email(db: Session, citizen_id: int, email: str) -> None:
    citizen = db.get(Citizen, citizen_id)
    if citizen is not None and email.strip():
        citizen.email = email.strip()
        db.add(citizen)


@dataclass(frozen=True)
class CaseSummary:
    case: SickCase
    questionnaire: Questionnaire | None


_CASE_OF = (select(SickCase, Questionnaire)
            .join(Questionnaire, Questionnaire.case_id == SickCase.id, isouter=True)
            .where(SickCase.id == bindparam("case_id"), SickCase.citizen_id == bindparam("citizen_id")))


def case_of(db: Session, citizen_id: int, case_id: int) -> CaseSummary | None:
    """One case, only if it is the citizen's own: another citizen's id answers as if it did not exist.
    Every page of her case reads it: the statement is built once."""
    row = db.exec(_CASE_OF, params={"case_id": case_id, "citizen_id": citizen_id}).first()
    return CaseSummary(*row) if row else None


_QUESTIONNAIRE_OF = (select(Questionnaire.__table__.c.id, Questionnaire.__table__.c.case_id,
                            Questionnaire.__table__.c.status, Questionnaire.__table__.c.answers)
                     .join(SickCase.__table__, SickCase.__table__.c.id == Questionnaire.__table__.c.case_id)
                     .where(SickCase.__table__.c.id == bindparam("case_id"),
                            SickCase.__table__.c.citizen_id == bindparam("citizen_id")))

_QuestionnaireRow = namedtuple("_QuestionnaireRow", _QUESTIONNAIRE_OF.selected_columns.keys())


def questionnaire_of_own_case(db: Session, citizen_id: int, case_id: int):
    """Only the case's questionnaire (a row: id, case_id, status, answers), only if the case is the
    citizen's own: what a step sent needs, without the case's forty columns or an entity built."""
    rows = fetch_all(db.connection(), _QUESTIONNAIRE_OF, {"case_id": case_id, "citizen_id": citizen_id})
    return _QuestionnaireRow._make(rows[0]) if rows else None



# The citizen's pages read a case's columns with Core, not the entities (loading the forty columns of
# a case and the questionnaire's into entities cost more CPU than the rest of the page): the columns
# its facts are made of (facts.facts_of_row reads them by these names) and what the pages show.
_CASE = SickCase.__table__.c
_QUESTIONNAIRE = Questionnaire.__table__.c
_FACT_COLUMNS = (
    _CASE.id, _CASE.citizen_id, _CASE.municipality_code, _CASE.status, _CASE.first_absence_day, _CASE.reported_on,
    _CASE.employment, _CASE.closed_on, _CASE.expectations, _CASE.questionnaire_sent_on,
    _CASE.questionnaire_submitted_on, _CASE.employer_absence_conversation_on, _CASE.fast_track_requested_on,
    _CASE.fast_track_declined_on, _CASE.employer_fast_track_asked_on, _CASE.employer_fast_track_answered_on,
    _CASE.fast_track_decided_on, _CASE.conversation_requested_on, _CASE.standby_since, _CASE.plan_stalled_on,
    _CASE.follow_up_plan_made_on, _CASE.corrections, _CASE.employer_name)


@dataclass(frozen=True)
class QuestionnaireView:
    """What the citizen's overview reads of a questionnaire."""

    id: int
    status: str
    answers: dict
    reference: str | None


_CASE_SUMMARIES_OF = (select(*_FACT_COLUMNS, _CASE.absence_kind, _CASE.recovered_on,
                             as_driver_float(_CASE.partial_hours_per_week).label("partial_hours_per_week"),
                             _QUESTIONNAIRE.id.label("questionnaire_id"),
                             _QUESTIONNAIRE.status.label("questionnaire_status"),
                             _QUESTIONNAIRE.answers.label("questionnaire_answers"),
                             _QUESTIONNAIRE.reference.label("questionnaire_reference"),
                             # whether the overview must read its history and bookings (portal.cases.overview):
                             # most cases have neither in their first weeks
                             exists().where(Conversation.case_id == _CASE.id,
                                            or_(Conversation.status == "booked", Conversation.status == "held"))
                             .label("has_conversations"),
                             exists().where(CheckIn.case_id == _CASE.id).label("has_check_ins"))
                      .select_from(SickCase.__table__)
                      .join(Questionnaire.__table__, _QUESTIONNAIRE.case_id == _CASE.id, isouter=True)
                      .where(_CASE.citizen_id == bindparam("citizen_id"))
                      .order_by(_CASE.first_absence_day.desc(), _CASE.id.desc()))

_SummaryRow = namedtuple("_SummaryRow", _CASE_SUMMARIES_OF.selected_columns.keys())


def case_summaries_of(db: Session, citizen_id: int) -> list[CaseSummary]:
    """The citizen's cases for her overview, newest first: each case a row of the columns it shows and its facts
    are made of, each questionnaire a QuestionnaireView (or None), in one Core statement (alone in
    autocommit where the request has begun no transaction: driver_statement.read_all)."""
    rows = map(_SummaryRow._make, read_all(db, _CASE_SUMMARIES_OF, {"citizen_id": citizen_id}))
    return [CaseSummary(row, QuestionnaireView(row.questionnaire_id, row.questionnaire_status,
                                               row.questionnaire_answers, row.questionnaire_reference)
                        if row.questionnaire_id is not None else None)
            for row in rows]


def header_municipality_among(cases) -> str | None:
    """latest_municipality_of from all of a citizen's cases already read (rows or entities): the
    open case's municipality, else the newest case's."""
    if not cases:
        return None
    open_case = next((case for case in cases if case.status == CaseStatus.OPEN), None)
    return (open_case or max(cases, key=lambda case: case.id)).municipality_code


_HEADER = SickCase.__table__.alias("header_case")
_QUESTIONNAIRE_STEP_OF = (
    select(*_FACT_COLUMNS, _CASE.conversation_request_reason,
           _QUESTIONNAIRE.status.label("questionnaire_status"),
           _QUESTIONNAIRE.answers.label("questionnaire_answers"),
           # latest_municipality_of, for the page's header, in the same round trip
           func.coalesce(
               select(_HEADER.c.municipality_code)
               .where(_HEADER.c.citizen_id == _CASE.citizen_id, _HEADER.c.status == CaseStatus.OPEN)
               .limit(1).scalar_subquery(),
               select(_HEADER.c.municipality_code).where(_HEADER.c.citizen_id == _CASE.citizen_id)
               .order_by(_HEADER.c.id.desc()).limit(1).scalar_subquery()).label("header_municipality"),
           # the e-mail she gave before (the first step offers it)
           select(Citizen.__table__.c.email).where(Citizen.__table__.c.id == _CASE.citizen_id)
           .scalar_subquery().label("citizen_email"))
    .select_from(SickCase.__table__)
    .join(Questionnaire.__table__, _QUESTIONNAIRE.case_id == _CASE.id)
    .where(_CASE.id == bindparam("case_id"), _CASE.citizen_id == bindparam("citizen_id")))

_StepRow = namedtuple("_StepRow", _QUESTIONNAIRE_STEP_OF.selected_columns.keys())


def questionnaire_step_of(db: Session, citizen_id: int, case_id: int):
    """What a questionnaire step's page shows, only if the case is the citizen's own, in one Core
    statement: the case's facts columns, employer_name and conversation_request_reason, the
    questionnaire's questionnaire_status and questionnaire_answers, the header's municipality
    (header_municipality) and the citizen's e-mail (citizen_email). None for another's case. The
    step's only read: alone in autocommit where the request has begun no transaction (read_all)."""
    rows = read_all(db, _QUESTIONNAIRE_STEP_OF, {"case_id": case_id, "citizen_id": citizen_id})
    return _StepRow._make(rows[0]) if rows else None
