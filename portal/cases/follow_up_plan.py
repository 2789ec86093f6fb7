"""The follow-up plan (opfølgningsplan, sygedagpengeloven § 16): made by the caseworker, kept in
versions, read by the citizen (who must have a copy), and its return-to-work part shown to an
employer only once the citizen has agreed to show that version to that employer. An employer's
measures name the company (its CVR number), and each company sees only its own."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from ..models import EmployerRelation, EmployerReport, FollowUpPlan, PlanShare, SickCase
from ..notify.reminders import queue_plan_ready
from . import events

GOALS = ("full_return", "partial_return", "other")
WHO = ("citizen", "employer", "jobcenter", "doctor")


@dataclass(frozen=True)
class Measure:
    what: str
    who: str
    by: date | None = None
    cvr: str | None = None  # the employer's measure: which company (None: none named)

    def as_json(self) -> dict:
        return {"what": self.what, "who": self.who, "by": self.by.isoformat() if self.by else None,
                **({"cvr": self.cvr} if self.cvr else {})}


def measures_of(plan: FollowUpPlan) -> list[Measure]:
    return [Measure(m["what"], m["who"], date.fromisoformat(m["by"]) if m.get("by") else None, m.get("cvr"))
            for m in plan.measures or ()]


def employers_of(db: Session, case: SickCase) -> dict[str, str]:
    """The companies the citizen has as employers in this case (CVR number: name): the one the case
    names, and every company whose report she confirmed."""
    employers = {case.employer_cvr: case.employer_name or ""} if case.employer_cvr else {}
    for cvr, name in db.exec(select(EmployerReport.cvr, EmployerReport.org_name).where(
            EmployerReport.case_id == case.id, EmployerReport.relation == EmployerRelation.BOUND)):
        employers[cvr] = employers.get(cvr) or name
    return employers


def current(db: Session, case_id: int) -> FollowUpPlan | None:
    return db.exec(select(FollowUpPlan).where(FollowUpPlan.case_id == case_id)
                   .order_by(col(FollowUpPlan.version).desc())).first()


def versions(db: Session, case_id: int) -> list[FollowUpPlan]:
    return list(db.exec(select(FollowUpPlan).where(FollowUpPlan.case_id == case_id)
                        .order_by(col(FollowUpPlan.version).desc())))


def save(db: Session, case: SickCase, goal: str, goal_text: str | None, return_by: date | None,
         adjustments: str | None, measures: list[Measure], next_follow_up_on: date | None,
         me: str, my_name: str, today: date, link: str = "") -> FollowUpPlan:
    """A new version of the plan; the first one meets the § 16 obligation. The citizen is told by
    mail that there is a plan (or a new version) to read."""
    if goal not in GOALS or any(m.who not in WHO for m in measures):
        raise ValueError("unknown goal or party")
    latest = current(db, case.id)
    plan = FollowUpPlan(case_id=case.id, version=(latest.version + 1) if latest else 1, goal=goal,
                        goal_text=(goal_text or "").strip() or None, return_by=return_by,
                        adjustments=(adjustments or "").strip() or None,
                        measures=[m.as_json() for m in measures], next_follow_up_on=next_follow_up_on,
                        made_by=me, made_by_name=my_name, made_on=today)
    db.add(plan)
    if case.follow_up_plan_made_on is None:
        case.follow_up_plan_made_on = today
    # The citizen agreed to show the version before, not this one: no employer sees it until she says so.
    case.plan_shared_with_employer_on = None
    db.add(case)
    events.record(db, case.id, f"caseworker:{me}", "follow_up_plan_saved", version=plan.version)
    db.flush()
    queue_plan_ready(db, case, plan.version, link)
    db.commit()
    return plan


def share_with_employer(db: Session, case: SickCase, cvr: str, share: bool, today: date) -> None:
    """The citizen's choice for one employer: it sees the return-to-work part of the plan's current
    version, or no longer sees any version. A later version needs her consent again."""
    from sqlalchemy import delete

    plan = current(db, case.id)
    if plan is None or cvr not in employers_of(db, case):
        raise ValueError("no plan, or not an employer of the case")
    db.exec(delete(PlanShare).where(PlanShare.case_id == case.id, PlanShare.cvr == cvr))
    if share:
        db.add(PlanShare(case_id=case.id, version=plan.version, cvr=cvr, shared_on=today))
    db.flush()
    # What the caseworker's page says: whether any employer sees the current version, since when.
    case.plan_shared_with_employer_on = today if shared_with(db, case.id, plan.version) else None
    db.add(case)
    events.record(db, case.id, "citizen", "plan_shared_with_employer" if share else "plan_unshared",
                  version=plan.version, cvr=cvr)
    db.commit()


def shared_with(db: Session, case_id: int, version: int) -> set[str]:
    """The employers (CVR numbers) the citizen lets see this version."""
    return set(db.exec(select(PlanShare.cvr).where(PlanShare.case_id == case_id, PlanShare.version == version)))


@dataclass(frozen=True)
class ReturnToWork:
    """What an employer may see of the plan: the goal, the return date, adjustments at work, and the
    measures that are the employer's own. Nothing of the citizen's health or other parties' tasks."""
    goal: str
    return_by: date | None
    adjustments: str | None
    employer_measures: list[Measure]
    version: int
    made_on: date


def for_employer(db: Session, case_id: int, cvr: str) -> ReturnToWork | None:
    """The plan as this company may see it: only the current version, only if the citizen agreed to
    show that version to this company, and only the measures that are this company's own."""
    plan = current(db, case_id)
    if plan is None or db.get(PlanShare, (case_id, plan.version, cvr)) is None:
        return None
    return ReturnToWork(goal=plan.goal, return_by=plan.return_by, adjustments=plan.adjustments,
                        employer_measures=[m for m in measures_of(plan) if m.who == "employer" and m.cvr == cvr],
                        version=plan.version, made_on=plan.made_on)
