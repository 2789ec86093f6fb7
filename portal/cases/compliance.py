"""The municipality's compliance figures: first conversations by their deadline, how late the late
ones were, and open handovers by reason."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, select

from ..models import EmployerAnswer, FastTrackRequest, Handover, HandoverStatus, Questionnaire, SickCase, fixed
from ..rules import Code, State, find, timeline
from .facts import facts_of, histories_of

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
    # Caseworkers' corrections of the rules' result, counted apart (they are neither on time nor late).
    waived: int = 0
    moved: int = 0
    moved_held_by_new_date: int = 0

    @property
    def employer_share(self) -> float | None:
        return self.with_employer_information / self.cases if self.cases else None

    @property
    def on_time_share(self) -> float | None:
        due = self.held + self.overdue_not_held
        return self.held_on_time / due if due else None


BATCH = 1000


def _first_conversations(db: Session, municipality: str, today: date):
    """The first-conversation obligation of every case of the municipality, from the timeline."""
    after_id = 0
    while True:
        rows = db.exec(select(SickCase, Questionnaire)
                       .join(Questionnaire, Questionnaire.case_id == SickCase.id, isouter=True)
                       .where(SickCase.municipality_code == municipality, SickCase.id > after_id)
                       .order_by(SickCase.id).limit(fixed(BATCH))).all()
        if not rows:
            return
        histories = histories_of(db, [case for case, _ in rows])
        for case, questionnaire in rows:
            yield find(timeline(facts_of(case, questionnaire, histories[case.id]), today), Code.FIRST_CONVERSATION)
        after_id = rows[-1][0].id


def compliance(db: Session, municipality: str, today: date) -> Compliance:
    cases = held = on_time = overdue = waived = moved = moved_held = 0
    late_days: list[int] = []
    for first in _first_conversations(db, municipality, today):
        cases += 1
        if first.state == State.WAIVED:
            waived += 1
            continue
        if first.original_date is not None:
            moved += 1
            moved_held += first.state == State.MET and first.met_on <= first.date
            continue
        if first.state == State.MET:
            held += 1
            if first.met_on <= first.date:
                on_time += 1
            else:
                late_days.append((first.met_on - first.date).days)
        elif first.state == State.OVERDUE:
            overdue += 1
            late_days.append((today - first.date).days)
    buckets = [((low, high), sum(1 for d in late_days if d >= low and (high is None or d <= high)))
               for low, high in LATE_BUCKETS]
    codes = Counter()
    for reason_codes in db.exec(select(Handover.reason_codes).where(
            Handover.municipality_code == municipality, Handover.status != fixed(HandoverStatus.CLOSED))).all():
        codes.update(c for c in reason_codes.strip("|").split("|") if c)
    informed = set(db.exec(select(EmployerAnswer.case_id).join(SickCase, SickCase.id == EmployerAnswer.case_id)
                           .where(SickCase.municipality_code == municipality)).all())
    informed |= set(db.exec(select(FastTrackRequest.case_id).join(SickCase, SickCase.id == FastTrackRequest.case_id)
                            .where(SickCase.municipality_code == municipality)).all())
    return Compliance(with_employer_information=len(informed),
                      held=held, held_on_time=on_time, overdue_not_held=overdue, late_by_bucket=buckets,
                      open_by_reason=sorted(codes.items(), key=lambda item: (-item[1], item[0])),
                      cases=cases, reasons_total=sum(codes.values()),
                      waived=waived, moved=moved, moved_held_by_new_date=moved_held)
