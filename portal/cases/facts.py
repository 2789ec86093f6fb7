"""From the database to the rules: a case's facts, and its timeline on a date.

Every page, the API, screening and the reminders get a case's dates from `timeline_of` (or, for many
cases at once, `facts_of` with `histories_of`), so no deadline is computed anywhere else."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from sqlalchemy import Date, Integer, String, bindparam, cast, literal, null, union_all
from sqlmodel import Session, select

from ..models import CaseStatus, CheckIn, Conversation, Questionnaire, QuestionnaireStatus, SickCase
from ..rules import (
    CaseFacts,
    CheckInAnswer,
    Correction,
    Expectation,
    HeldConversation,
    Obligation,
    timeline,
)
from .batch_text import among_ids, as_lines

EARLIER_SICKNESS_YEARS = 2  # § 24 looks 9 months back; two years is ample and keeps the query small


@dataclass
class CaseHistory:
    """What a case's facts need beyond its own row: conversations held, check-ins answered, and the
    citizen's earlier sickness (other cases)."""

    conversations: list[HeldConversation] = field(default_factory=list)
    check_ins: list[CheckInAnswer] = field(default_factory=list)
    earlier_sickness: list[tuple[date, date]] = field(default_factory=list)


@lru_cache(maxsize=4)
def _histories_statement(dialect: str):
    """The three parts of a batch's histories in one statement (one round trip, not three): built
    once per dialect, as building and hashing a statement cost more CPU than PostgreSQL's work."""
    def among(column, name: str):
        if dialect == "postgresql":
            return among_ids(column, name)
        return column.in_(bindparam(name, expanding=True))

    no_date, no_id = cast(null(), Date), cast(null(), Integer)
    held = (select(literal(0, Integer).label("part"), Conversation.case_id.label("owner"), no_id.label("case_id"),
                   Conversation.held_on.label("day"), no_date.label("other_day"), no_date.label("closed_on"),
                   Conversation.outcome.label("outcome"))
            .where(among(Conversation.case_id, "ids"), Conversation.status == "held"))
    check_ins = (select(literal(1, Integer), CheckIn.case_id, no_id, CheckIn.due_on, CheckIn.answered_on, no_date,
                        cast(null(), String))
                 .where(among(CheckIn.case_id, "ids")))
    earlier = (select(literal(2, Integer), SickCase.citizen_id, SickCase.id, SickCase.first_absence_day,
                      SickCase.recovered_on, SickCase.closed_on, cast(null(), String))
               .where(among(SickCase.citizen_id, "citizens"), SickCase.status == CaseStatus.CLOSED,
                      SickCase.closed_on >= bindparam("oldest", type_=Date)))
    return union_all(held, check_ins, earlier)


def histories_of(db: Session, cases: list[SickCase]) -> dict[int, CaseHistory]:
    """The histories of a batch of cases in one query, whatever the batch's size."""
    histories = {case.id: CaseHistory() for case in cases}
    if not cases:
        return histories
    by_citizen = defaultdict(list)
    for case in cases:
        by_citizen[case.citizen_id].append(case)
    oldest = earliest_closing_that_counts(min(c.first_absence_day for c in cases))
    statement = _histories_statement(db.get_bind().dialect.name)
    ids, citizens = list(histories), list(by_citizen)
    if db.get_bind().dialect.name == "postgresql":
        ids, citizens = as_lines(ids), as_lines(citizens)
    rows = db.connection().execute(statement, {"ids": ids, "citizens": citizens, "oldest": oldest})
    for part, owner, case_id, first, recovered, closed, outcome in rows:
        if part == 0:
            histories[owner].conversations.append(HeldConversation(first, outcome or "self_service"))
        elif part == 1:
            histories[owner].check_ins.append(CheckInAnswer(first, recovered))
        else:
            for case in by_citizen[owner]:
                sickness = earlier_sickness(case, case_id, first, recovered, closed)
                if sickness is not None:
                    histories[case.id].earlier_sickness.append(sickness)
    return histories


def earliest_closing_that_counts(first_absence_day: date) -> date:
    """Another case of the citizen closed before this day is too old to count as earlier sickness."""
    return first_absence_day - timedelta(days=366 * EARLIER_SICKNESS_YEARS)


def earlier_sickness(case, other_id: int, first: date, recovered: date | None,
                     closed: date | None) -> tuple[date, date] | None:
    """Another closed case of the citizen (its id, first day, recovery and closing days) as earlier
    sickness of `case`: its first and last day before this case began, or None if it does not count."""
    last = (recovered - timedelta(days=1)) if recovered else closed
    if other_id != case.id and last is not None and first < case.first_absence_day and last >= first:
        return first, min(last, case.first_absence_day - timedelta(days=1))
    return None


def facts_of(case: SickCase, questionnaire: Questionnaire | None, history: CaseHistory | None = None) -> CaseFacts:
    return facts_of_row(case, questionnaire is not None and questionnaire.status == QuestionnaireStatus.SUBMITTED,
                        history)


def facts_of_row(case, submitted: bool, history: CaseHistory | None = None) -> CaseFacts:
    """`case`: a SickCase, or a row of its columns by the same names (the sweep reads rows, not entities);
    `submitted`: whether its questionnaire is submitted."""
    history = history or CaseHistory()
    return CaseFacts(
        first_absence_day=case.first_absence_day,
        reported_on=case.reported_on,
        employment=case.employment,
        closed_on=(case.closed_on or case.reported_on) if case.status != CaseStatus.OPEN else None,
        expectations=tuple(Expectation(e["party"], date.fromisoformat(e["given_on"]),
                                       date.fromisoformat(e["expected_return"]) if e.get("expected_return") else None)
                           for e in case.expectations or ()),
        questionnaire_sent_on=case.questionnaire_sent_on,
        questionnaire_submitted_on=case.questionnaire_submitted_on if submitted else None,
        employer_absence_conversation_on=case.employer_absence_conversation_on,
        fast_track_requested_on=case.fast_track_requested_on,
        fast_track_declined_on=case.fast_track_declined_on,
        employer_fast_track_asked_on=case.employer_fast_track_asked_on,
        employer_fast_track_answered_on=case.employer_fast_track_answered_on,
        fast_track_decided_on=case.fast_track_decided_on,
        conversation_requested_on=case.conversation_requested_on,
        standby_since=case.standby_since,
        conversations=tuple(history.conversations),
        plan_stalled_on=case.plan_stalled_on,
        plan_made_on=case.follow_up_plan_made_on,
        check_ins=tuple(history.check_ins),
        earlier_sickness=tuple(history.earlier_sickness),
        corrections=tuple(Correction(c["code"], date.fromisoformat(c["for_date"]), c["kind"],
                                     date.fromisoformat(c["decided_on"]), c["reason"], c["by"],
                                     date.fromisoformat(c["new_date"]) if c.get("new_date") else None)
                          for c in case.corrections or ()),
    )


def case_facts(db: Session, case: SickCase, questionnaire: Questionnaire | None = None) -> CaseFacts:
    if questionnaire is None:
        questionnaire = db.exec(select(Questionnaire).where(Questionnaire.case_id == case.id)).first()
    return facts_of(case, questionnaire, histories_of(db, [case])[case.id])


def timeline_of(db: Session, case: SickCase, today: date,
                questionnaire: Questionnaire | None = None) -> list[Obligation]:
    """The case's obligations as known today: what every page and the API show."""
    return timeline(case_facts(db, case, questionnaire), today)


def record_expectation(case: SickCase, party: str, given_on: date, expected_return: date | None) -> None:
    """Keep a party's word on when the citizen is back (None: does not know); the newest counts."""
    case.expectations = [*(case.expectations or ()), {
        "party": party, "given_on": given_on.isoformat(),
        "expected_return": expected_return.isoformat() if expected_return else None}]


def record_expected_duration(case: SickCase, party: str, given_on: date, duration: str | None) -> None:
    expectation = Expectation.from_duration(party, given_on, duration)
    record_expectation(case, party, given_on, expectation.expected_return)
