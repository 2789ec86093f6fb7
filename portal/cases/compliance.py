"""The municipality's compliance figures: first conversations by their deadline, how late the late
ones were, and open handovers by reason."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, select

from ..models import CaseStatus, EmployerAnswer, FastTrackRequest, Handover, HandoverStatus, SickCase
from ..rules import end_of_week, regime_on

LATE_BUCKETS = ((1, 7), (8, 21), (22, None))  # Ankestyrelsen counts "more than 3 weeks" late


@dataclass(frozen=True)
class Compliance:
    held: int
    held_on_time: int
    overdue_not_held: int
    late_by_bucket: list[tuple[tuple[int, int | None], int]]
    open_by_reason: list[tuple[str, int]]
    cases: int
    reasons_total: int = field(default=0)
    with_employer_information: int = 0  # cases with employer answers or a fast-track request (seed 001: a third)

    @property
    def employer_share(self) -> float | None:
        return self.with_employer_information / self.cases if self.cases else None

    @property
    def on_time_share(self) -> float | None:
        due = self.held + self.overdue_not_held
        return self.held_on_time / due if due else None


def _deadline(first_day: date) -> date:
    return end_of_week(first_day, regime_on(first_day).first_conversation_week.value)


def compliance(db: Session, municipality: str, today: date) -> Compliance:
    rows = db.exec(select(SickCase.first_absence_day, SickCase.first_conversation_held_on, SickCase.status)
                   .where(SickCase.municipality_code == municipality)).all()
    held = on_time = overdue = 0
    late_days: list[int] = []
    for first_day, held_on, status in rows:
        deadline = _deadline(first_day)
        if held_on is not None:
            held += 1
            if held_on <= deadline:
                on_time += 1
            else:
                late_days.append((held_on - deadline).days)
        elif status == CaseStatus.OPEN and today > deadline:
            overdue += 1
            late_days.append((today - deadline).days)
    buckets = [((low, high), sum(1 for d in late_days if d >= low and (high is None or d <= high)))
               for low, high in LATE_BUCKETS]
    codes = Counter()
    for reason_codes in db.exec(select(Handover.reason_codes).where(
            Handover.municipality_code == municipality, Handover.status != HandoverStatus.CLOSED)).all():
        codes.update(c for c in reason_codes.strip("|").split("|") if c)
    informed = set(db.exec(select(EmployerAnswer.case_id).join(SickCase, SickCase.id == EmployerAnswer.case_id)
                           .where(SickCase.municipality_code == municipality)).all())
    informed |= set(db.exec(select(FastTrackRequest.case_id).join(SickCase, SickCase.id == FastTrackRequest.case_id)
                            .where(SickCase.municipality_code == municipality)).all())
    return Compliance(with_employer_information=len(informed),
                      held=held, held_on_time=on_time, overdue_not_held=overdue, late_by_bucket=buckets,
                      open_by_reason=sorted(codes.items(), key=lambda item: (-item[1], item[0])),
                      cases=len(rows), reasons_total=sum(codes.values()))
