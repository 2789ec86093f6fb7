"""Partial sick leave hours week by week, and the citizen's plan to step up to full hours."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import bindparam
from sqlmodel import Session, select

from ..models import AbsenceKind, Questionnaire, SickCase, StepUpPlan, WeekHours
from ..rules import IsoWeek, Plan, regime_on
from ..rules.hours import HoursProblem, absence_hours, absence_share, check_week, is_locked, stalled_week
from . import events, handover


class HoursRefused(Exception):
    def __init__(self, problems: list[HoursProblem]):
        super().__init__(", ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class WeekRow:
    week: IsoWeek
    normal: Decimal
    worked: Decimal
    absence: Decimal
    share: Decimal
    planned: Decimal | None
    locked: bool
    corrected: bool


@dataclass(frozen=True)
class HoursHistory:
    rows: list[WeekRow]           # oldest first
    plan: Plan | None
    stalled_at: IsoWeek | None


def _decimal(value: float) -> Decimal:
    return Decimal(str(value))


def _text(hours: Decimal) -> str:
    """'10', '18.5': hours in the event log as people write them."""
    return format(Decimal(hours).normalize(), "f")


# Built once, the case's id bound at each call (the case file reads both on every view).
_PLAN = select(StepUpPlan).where(StepUpPlan.case_id == bindparam("case_id"))
_WEEKS = (select(WeekHours).where(WeekHours.case_id == bindparam("case_id"))
          .order_by(WeekHours.iso_year, WeekHours.iso_week))


def plan_of(db: Session, case_id: int) -> Plan | None:
    return plan_of_row(db.exec(_PLAN, params={"case_id": case_id}).first())


def plan_of_row(row) -> Plan | None:
    """A StepUpPlan, or a row of its columns by the same names."""
    if row is None:
        return None
    return Plan(row.start_monday, _decimal(row.start_hours), _decimal(row.weekly_increase),
                _decimal(row.full_hours))


def history(db: Session, case: SickCase, today: date) -> HoursHistory:
    return history_of_rows(case, today, plan_of(db, case.id), db.exec(_WEEKS, params={"case_id": case.id}).all())


def history_of_rows(case: SickCase, today: date, plan: Plan | None, reported: list) -> HoursHistory:
    """`reported`: the case's WeekHours, or rows of their columns by the same names, oldest week first."""
    regime = regime_on(today)
    rows = []
    for row in reported:
        week = IsoWeek(row.iso_year, row.iso_week)
        normal, worked = _decimal(row.normal_hours), _decimal(row.worked_hours)
        rows.append(WeekRow(week, normal, worked, absence_hours(normal, worked), absence_share(normal, worked),
                            plan.planned_hours(week) if plan else None,
                            is_locked(week, today, regime, case.reported_on),
                            row.corrected_on is not None))
    stalled = stalled_week(plan, [(r.week, r.worked) for r in rows], regime.plan_stall_weeks.value)
    return HoursHistory(rows, plan, stalled)


def reported_week(db: Session, case_id: int, week: IsoWeek) -> WeekHours | None:
    return db.exec(select(WeekHours).where(WeekHours.case_id == case_id, WeekHours.iso_year == week.year,
                                           WeekHours.iso_week == week.week)).first()


def report_hours(db: Session, case: SickCase, week: IsoWeek, normal: Decimal, worked: Decimal,
                 today: date, actor: str = "citizen") -> bool:
    """Report or correct one week. Returns True when it corrected an earlier report. The rules
    refuse what is not partial sickness (HoursRefused); the case is then re-screened, since a plan
    that stalls hands it over."""
    problems = check_week(week, normal, worked, case.first_absence_day, today, regime_on(today), case.reported_on)
    if problems:
        raise HoursRefused(problems)
    existing = reported_week(db, case.id, week)
    if existing is None:
        db.add(WeekHours(case_id=case.id, iso_year=week.year, iso_week=week.week, normal_hours=float(normal),
                         worked_hours=float(worked), reported_on=today))
        events.record(db, case.id, actor, "hours_reported", week=str(week), normal=_text(normal),
                      worked=_text(worked))
    else:
        events.record(db, case.id, actor, "hours_corrected", week=str(week),
                      normal_before=_text(_decimal(existing.normal_hours)),
                      worked_before=_text(_decimal(existing.worked_hours)), normal=_text(normal), worked=_text(worked))
        existing.normal_hours, existing.worked_hours, existing.corrected_on = float(normal), float(worked), today
        db.add(existing)
    _partial_from(db, case, week, normal, worked, actor)
    db.flush()
    _update_stall(db, case, today, actor)
    db.commit()
    return existing is not None


def _partial_from(db: Session, case: SickCase, week: IsoWeek, normal: Decimal, worked: Decimal, actor: str) -> None:
    """A week she worked part of makes a sick leave reported as full a partial one (delvis
    sygemelding) from that week, so no page goes on calling her fully absent."""
    if worked <= 0 or case.absence_kind == AbsenceKind.PARTIAL:
        return
    case.absence_kind, case.partial_since = AbsenceKind.PARTIAL, week.monday
    case.partial_hours_per_week = float(absence_hours(normal, worked))
    events.record(db, case.id, actor, "turned_partial", week=str(week))
    db.add(case)


def usual_weekly_hours(db: Session, case: SickCase) -> Decimal | None:
    """The normal weekly hours she already told us: her last reported week, else her questionnaire."""
    last = db.exec(select(WeekHours).where(WeekHours.case_id == case.id)
                   .order_by(WeekHours.iso_year.desc(), WeekHours.iso_week.desc())).first()
    if last is not None:
        return _decimal(last.normal_hours)
    answers = db.exec(select(Questionnaire.answers).where(Questionnaire.case_id == case.id)).first() or {}
    told = (answers.get("dit-arbejde") or {}).get("weekly_hours")
    try:
        return Decimal(str(told)) if told not in (None, "") else None
    except ArithmeticError:
        return None


def set_plan(db: Session, case: SickCase, plan: Plan, today: date, actor: str = "citizen") -> None:
    row = db.exec(select(StepUpPlan).where(StepUpPlan.case_id == case.id)).first() or StepUpPlan(case_id=case.id)
    row.start_monday, row.start_hours = plan.start_monday, float(plan.start_hours)
    row.weekly_increase, row.full_hours, row.updated_on = float(plan.weekly_increase), float(plan.full_hours), today
    db.add(row)
    events.record(db, case.id, actor, "step_up_plan_set", start_week=str(IsoWeek.of(plan.start_monday)),
                  start_hours=_text(plan.start_hours), weekly_increase=_text(plan.weekly_increase),
                  full_hours=_text(plan.full_hours))
    db.flush()
    _update_stall(db, case, today, actor)
    db.commit()


def _update_stall(db: Session, case: SickCase, today: date, actor: str) -> None:
    stalled = history(db, case, today).stalled_at
    if stalled and case.plan_stalled_on is None:
        case.plan_stalled_on = today
        events.record(db, case.id, "portal", "step_up_plan_stalled", week=str(stalled))
    elif not stalled and case.plan_stalled_on is not None:
        case.plan_stalled_on = None
    db.add(case)
    handover.rescreen(db, case, handover.questionnaire_of(db, case.id), today)
