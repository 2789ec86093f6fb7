"""The tables. Personal data is kept to what the work needs: the CPR number only encrypted, with a
keyed hash to find a citizen by it; health answers only inside the questionnaire."""
from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Index,
    Integer,
    String,
    UniqueConstraint,
    delete,
    event,
    insert,
    inspect,
    literal,
    literal_column,
    select,
    text,
)
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class Employment(StrEnum):
    EMPLOYED = "employed"
    UNEMPLOYED = "unemployed"
    SELF_EMPLOYED = "self_employed"


class AbsenceKind(StrEnum):
    FULL = "full"
    PARTIAL = "partial"


class CaseStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class QuestionnaireStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class Citizen(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    cpr_hash: str = Field(sa_column=Column(String(64), unique=True, nullable=False))
    cpr_encrypted: str = Field(sa_column=Column(String(255), nullable=False))
    name: str = Field(default="", max_length=200)
    # An extra channel the citizen chose, on the sick report or the questionnaire: messages go by
    # Digital Post (or NemSMS, or paper) by CPR number, and also by e-mail when this is given.
    email: str | None = Field(default=None, max_length=254)
    # The language the citizen last used in the portal (da or en): every message is written in it.
    # None: not known yet, so Danish.
    language: str | None = Field(default=None, max_length=2)
    created_at: datetime = Field(default_factory=utcnow)


# A case's next-check day (case_check.next_check_on) that says "check it at the next sweep", whatever day that is.
CHECK_NOW = date(1970, 1, 1)


class SickCase(SQLModel, table=True):
    __tablename__ = "sick_case"
    # One open case a citizen: the database itself refuses a second one, so a double-clicked
    # report or two tabs cannot open two cases.
    __table_args__ = (
        Index(
            "uq_sick_case_one_open_per_citizen",
            "citizen_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    citizen_id: int = Field(foreign_key="citizen.id", index=True)
    municipality_code: str = Field(max_length=3, index=True)
    status: str = Field(default=CaseStatus.OPEN, max_length=16, index=True)
    first_absence_day: date
    employment: str = Field(max_length=16)
    employer_cvr: str | None = Field(default=None, max_length=8, index=True)
    employer_name: str | None = Field(default=None, max_length=200)
    absence_kind: str = Field(default=AbsenceKind.FULL, max_length=16)
    partial_hours_per_week: float | None = None
    expected_return: date | None = None
    reported_on: date
    reported_by: str = Field(default="citizen", max_length=16)
    questionnaire_sent_on: date | None = None
    # The portal's day (clock.today()) the questionnaire was submitted: the rules count in days.
    questionnaire_submitted_on: date | None = None
    # Facts the screening needs, set by the use cases that learn them.
    fast_track_requested_on: date | None = None
    fast_track_declined_on: date | None = None
    conversation_requested_on: date | None = None
    standby_since: date | None = None
    first_conversation_held_on: date | None = None
    closed_on: date | None = None
    # The citizen's newest answer of expected duration, for display; the rules read `expectations`.
    expected_duration: str | None = Field(default=None, max_length=16)
    # Every expectation of return either party has given, oldest first: {"party", "given_on",
    # "expected_return"}. The timeline reads the newest of each party as known on a date.
    expectations: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # A caseworker's corrections of the timeline (waive or move an obligation), with reasons.
    corrections: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    employer_absence_conversation_on: date | None = None
    # An employer's fast-track request waiting for the employee (§ 7 c), and the municipality's
    # decision when the employee does not answer in time (bek. 1710/2024 § 4, stk. 2).
    employer_fast_track_asked_on: date | None = None
    employer_fast_track_answered_on: date | None = None
    fast_track_decided_on: date | None = None
    fast_track_decision: str | None = Field(default=None, max_length=16)  # continue | stop
    standby_group: str | None = Field(default=None, max_length=32)
    conversation_request_form: str | None = Field(default=None, max_length=16)
    conversation_request_reason: str | None = Field(default=None, max_length=2000)
    plan_stalled_on: date | None = None
    # The follow-up plan (§ 16): when its first version was made, and since when the citizen lets her
    # employer see its return-to-work part (None: not shared).
    follow_up_plan_made_on: date | None = None
    plan_shared_with_employer_on: date | None = None
    partial_since: date | None = None
    recovered_on: date | None = None
    # The residence municipality as the CPR register gave it, and when it was read. Not confirmed:
    # the register could not answer at the report, so the case waits in PORTAL_DEFAULT_MUNICIPALITY
    # until the sweep reads the register and routes it.
    municipality_confirmed: bool = True
    municipality_read_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class CaseCheck(SQLModel, table=True):
    """The sweep's bookkeeping of a case, beside it so the sweep's daily write touches this narrow row
    and its two indexes, not sick_case and its seven. A case without a row is due for a check."""

    __tablename__ = "case_check"
    # The sweep's read: the cases due for a check (handover.due_case_ids); the reminders' read: the
    # cases whose reminders are to be worked out again (notify.reminders.due_case_ids).
    __table_args__ = (Index("ix_case_check_next_check_on", "next_check_on", "case_id"),
                      Index("ix_case_check_remind_on", "remind_on", "case_id"))

    case_id: int = Field(foreign_key="sick_case.id", primary_key=True, sa_column_kwargs={"autoincrement": False})
    # The sweep screens the case again on this day (rules/next_check.py); CHECK_NOW: at the next sweep.
    # Any change of the case's facts sets it back to CHECK_NOW and counts `facts_version` up, which
    # the sweep compares before it stores a later day (cases/next_check.py).
    next_check_on: date = CHECK_NOW
    facts_version: int = 0
    # Every reason the last check found, due or not ("code:due-date|..."): the team's coming weeks
    # are counted from these, also for the cases the sweep did not screen again (cases/workload.py).
    due_reasons: str = Field(default="", max_length=2000)
    # The day the citizen's reminders are worked out again (rules/next_check.next_reminder); CHECK_NOW:
    # at the next sweep. Set back to CHECK_NOW with next_check_on, and by a change of the citizen's
    # e-mail address or language (where a reminder goes, and in which words), with the same
    # facts_version guard (cases/next_check.py). The server default: the sweep's insert leaves it out.
    remind_on: date = Field(default=CHECK_NOW, sa_column_kwargs={"server_default": CHECK_NOW.isoformat()})


class Questionnaire(SQLModel, table=True):
    """The oplysningsskema: a draft saved step by step, then submitted once and frozen."""

    __table_args__ = (UniqueConstraint("case_id", name="uq_questionnaire_case"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="sick_case.id")
    status: str = Field(default=QuestionnaireStatus.DRAFT, max_length=16)
    answers: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    declaration_accepted: bool = False
    reference: str | None = Field(default=None, max_length=20, unique=True)
    submitted_at: datetime | None = None
    updated_at: datetime = Field(default_factory=utcnow)


class CaseEvent(SQLModel, table=True):
    """The case's event log: what happened, when and by whom. Never holds a CPR number."""

    __tablename__ = "case_event"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="sick_case.id", index=True)
    at: datetime = Field(default_factory=utcnow)
    actor: str = Field(max_length=64)
    kind: str = Field(max_length=64)
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


def fixed(value):
    """A constant written into the SQL instead of sent as a parameter. psycopg prepares a statement
    that runs five times and PostgreSQL then plans it once for any parameters: only a plan that sees
    'closed' or 'booked' can use the partial indexes (WHERE status != 'closed'), and only one that
    sees LIMIT 25 plans for 25 rows. Planned once, a page's statements cost no planning at all.

    A whole number, or a text with no quote or backslash, is written in when the statement is
    compiled (and so part of its cache key): SQLAlchemy's literal_execute wrote it in again at every
    execution, a pass over the SQL's text that cost a queue page's statement a third of its client
    CPU. The SQL is the same. Anything else is written in at execution, as before."""
    value = str(value) if isinstance(value, StrEnum) else value
    if type(value) is int and -2**63 <= value < 2**63:  # a bigger one is no SQL integer
        return literal_column(str(value), Integer)
    if type(value) is str and "'" not in value and "\\" not in value:
        return literal_column(f"'{value}'", String)
    return literal(value, literal_execute=True)


class HandoverStatus(StrEnum):
    OPEN = "open"          # waiting in the queue
    CLAIMED = "claimed"    # a caseworker has it
    CLOSED = "closed"      # the conversation was held and its outcome recorded


class Handover(SQLModel, table=True):
    """A case handed over to the jobcenter, with the reasons and the earliest due date."""

    # At most one live handover a case: re-screening and two sweeps at once cannot make a second.
    __table_args__ = (
        Index(
            "uq_handover_one_live_per_case",
            "case_id",
            unique=True,
            sqlite_where=text("status != 'closed'"),
            postgresql_where=text("status != 'closed'"),
        ),
        Index("ix_handover_queue", "municipality_code", "status", "due"),
        # The queue's page: live handovers of one municipality, soonest due first, read in index
        # order and stopped after a page (without it, 50,000 live handovers were sorted per request).
        # waiting_until last: the tabs' counts tell waiting from active in the index, without the table.
        Index("ix_handover_live_by_due", "municipality_code", "due", "id", "waiting_until",
              sqlite_where=text("status != 'closed'"), postgresql_where=text("status != 'closed'")),
        # "Mine sager": one caseworker's live handovers in due order, without reading the team's.
        Index("ix_handover_live_by_assignee", "municipality_code", "assignee", "due", "id", "waiting_until",
              sqlite_where=text("status != 'closed'"), postgresql_where=text("status != 'closed'")),
        # "Venter": the few live handovers put to wait, in due order.
        Index("ix_handover_live_waiting", "municipality_code", "due", "id",
              sqlite_where=text("status != 'closed' AND waiting_until IS NOT NULL"),
              postgresql_where=text("status != 'closed' AND waiting_until IS NOT NULL")),
        # Search by the case system's own case number.
        Index("ix_handover_external_reference", "municipality_code", "external_reference"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="sick_case.id", index=True)
    municipality_code: str = Field(max_length=3)
    status: str = Field(default=HandoverStatus.OPEN, max_length=16)
    due: date
    reasons: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    reason_codes: str = Field(default="", max_length=255)  # "|code|code|", for filtering in SQL
    assignee: str | None = Field(default=None, max_length=100)
    assignee_name: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    closed_on: date | None = None
    # The municipality's case system has it (API acknowledge): when, and its own case number.
    acknowledged_at: datetime | None = None
    external_reference: str | None = Field(default=None, max_length=100)
    # "Wait until ... because ...": out of the active list until this day, always before `due`.
    waiting_until: date | None = None
    wait_reason: str | None = Field(default=None, max_length=500)
    wait_by_name: str | None = Field(default=None, max_length=200)


class Conversation(SQLModel, table=True):
    """An opfølgningssamtale: booked, then held with an outcome."""

    # The team's coming weeks count booked conversations per day without reading the cases.
    __table_args__ = (Index("ix_conversation_booked_by_day", "municipality_code", "scheduled_at",
                            sqlite_where=text("status = 'booked'"), postgresql_where=text("status = 'booked'")),
                      # At most one booked conversation a case that the citizen booked herself: the
                      # "already booked?" check reads before it writes, so N tabs posted at once all
                      # pass it; the database refuses all but the first (portal.cases.self_booking).
                      Index("uq_conversation_one_self_booked_per_case", "case_id", unique=True,
                            sqlite_where=text("status = 'booked' AND self_booked"),
                            postgresql_where=text("status = 'booked' AND self_booked")),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="sick_case.id", index=True)
    # The municipality that holds it (the case's when it was booked; a moved case's booked ones are cancelled).
    municipality_code: str | None = Field(default=None, max_length=3)
    handover_id: int | None = Field(default=None, foreign_key="handover.id")
    scheduled_at: datetime
    form: str = Field(max_length=16)          # in_person | phone | video
    status: str = Field(default="booked", max_length=16)  # booked | held | cancelled
    held_on: date | None = None
    outcome: str | None = Field(default=None, max_length=16)  # self_service | jobcenter | closed
    booked_by: str = Field(max_length=100)
    # The citizen picked it among the published free times (self-booking).
    self_booked: bool = False
    # Set when the case system reported the conversation through the API (its client's name).
    recorded_via: str | None = Field(default=None, max_length=200)
    # Booked although the citizen is on standby: the caseworker's deliberate reason.
    standby_reason: str | None = Field(default=None, max_length=2000)
    created_at: datetime = Field(default_factory=utcnow)
    # The invitation: where or how, what it is about, what to bring. Each change of time or form, and
    # a cancellation, raises the calendar file's SEQUENCE, so mail programs update the one event.
    details: str | None = Field(default=None, max_length=500)
    agenda: str | None = Field(default=None, max_length=1000)
    bring: str | None = Field(default=None, max_length=500)
    sequence: int = Field(default=0)
    cancelled_on: date | None = None
    cancel_reason: str | None = Field(default=None, max_length=2000)
    # The citizen's answer to the invitation: coming | other_time | not_coming.
    answer: str | None = Field(default=None, max_length=16)
    answer_reason: str | None = Field(default=None, max_length=2000)
    answer_preferred: str | None = Field(default=None, max_length=500)
    answered_at: datetime | None = None
    # The minutes, written by the caseworker after the conversation and read by the citizen.
    minutes_talked: str | None = Field(default=None, max_length=4000)
    minutes_agreed: str | None = Field(default=None, max_length=4000)
    next_follow_up_on: date | None = None
    minutes_by: str | None = Field(default=None, max_length=200)
    minutes_written_at: datetime | None = None


class AuditEntry(SQLModel, table=True):
    """Who saw which case, when. Written on every caseworker view; the portal never updates or
    deletes a row (there is no code path that does), and the municipality can read them."""

    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str = Field(max_length=100)
    actor_name: str = Field(max_length=200)
    municipality_code: str = Field(max_length=3, index=True)
    action: str = Field(max_length=64)
    # No foreign key: the audit log outlives a case purged at the end of its retention period.
    case_id: int | None = Field(default=None, index=True)
    # For API calls: the method, route and answer ("POST /api/v1/handovers/7/acknowledge 200").
    detail: str | None = Field(default=None, max_length=200)


class WeekHours(SQLModel, table=True):
    """One ISO week of partial sick leave: normal hours and hours worked; absence is the difference."""

    __tablename__ = "week_hours"
    __table_args__ = (UniqueConstraint("case_id", "iso_year", "iso_week", name="uq_week_hours_case_week"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="sick_case.id", index=True)
    iso_year: int
    iso_week: int
    normal_hours: float
    worked_hours: float
    reported_on: date
    corrected_on: date | None = None


class StepUpPlan(SQLModel, table=True):
    """The citizen's plan to step up towards full hours: hours in the first week, then a rise a week."""

    __tablename__ = "step_up_plan"
    __table_args__ = (UniqueConstraint("case_id", name="uq_step_up_plan_case"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="sick_case.id")
    start_monday: date
    start_hours: float
    weekly_increase: float
    full_hours: float
    updated_on: date


class CheckIn(SQLModel, table=True):
    """A self-service follow-up: due at the regime's cadence, answered by the citizen."""

    __tablename__ = "check_in"
    __table_args__ = (UniqueConstraint("case_id", "due_on", name="uq_check_in_case_due"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="sick_case.id", index=True)
    due_on: date
    answered_on: date
    answers: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"      # claimed by one sender
    SENT = "sent"
    CANCELLED = "cancelled"  # no longer true (standby chosen, case closed) before it went
    FAILED = "failed"


class Channel(StrEnum):
    """Which way a message reaches the citizen (portal.notify.channels chooses)."""

    DIGITAL_POST = "digital_post"
    NEMSMS = "nemsms"
    PHYSICAL_MAIL = "physical_mail"
    EMAIL = "email"


class OutboxMessage(SQLModel, table=True):
    """A message waiting to go. `dedupe_key` makes queueing idempotent; a conditional claim makes
    sending happen once even when two senders run at once."""

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_pending", "status", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    dedupe_key: str = Field(sa_column=Column(String(120), unique=True, nullable=False))
    case_id: int | None = Field(default=None, foreign_key="sick_case.id", index=True)
    kind: str = Field(max_length=40)
    recipient: str = Field(max_length=254)
    subject: str = Field(max_length=200)
    body: str
    attachment_name: str | None = Field(default=None, max_length=100)
    attachment: str | None = None
    # A letter to attach as PDF when the message goes (portal.letters): its kind and reference.
    letter_kind: str | None = Field(default=None, max_length=16)
    letter_ref: int | None = None
    # The citizen it is for: Digital Post, NemSMS and paper find her by her CPR number, read from
    # the citizen at sending time (never copied into the outbox).
    citizen_id: int | None = Field(default=None, foreign_key="citizen.id", index=True)
    language: str = Field(default="da", max_length=2)
    link: str | None = Field(default=None, max_length=500)     # the portal page the message points to
    notice: str | None = Field(default=None, max_length=200)   # the short text: NemSMS, the notification
    # The channel: "email" when queued as the citizen's extra e-mail, otherwise chosen when sent.
    channel: str | None = Field(default=None, max_length=16)
    # For tracing at Serviceplatformen: the MeMo messageUUID (or the paper letter's
    # AfsendelseIdentifikator), a version-4 UUID fixed when the message is queued so a repeat is the
    # same message, and the transaction id (X-TransaktionsId) of the call that delivered it.
    message_uuid: str | None = Field(default_factory=lambda: str(uuid.uuid4()), max_length=36)
    channel_reference: str | None = Field(default=None, max_length=64)
    status: str = Field(default=OutboxStatus.PENDING, max_length=16)
    attempts: int = 0
    claimed_by: str | None = Field(default=None, max_length=100)
    claimed_at: datetime | None = None
    sent_at: datetime | None = None
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow)


class EmployerRelation(StrEnum):
    """Whether the employee has confirmed that the reporting company is her employer."""

    BOUND = "bound"              # the company's report opened the case, or names the case's employer
    UNCONFIRMED = "unconfirmed"  # the open case names another company (or none): the citizen is asked
    REJECTED = "rejected"        # the citizen said the company is not her employer


class EmployerReport(SQLModel, table=True):
    """An employer's report of an employee's sickness. Bound to the employee's case only when the
    company is the case's employer or the citizen confirms it; until then it is the company's own
    report and nothing of it reaches the case. The CPR number itself is not kept here."""

    __tablename__ = "employer_report"
    # One open "is this your employer?" question a citizen and company: a repeat report joins it, and
    # two reports sent at once cannot ask twice (portal.cases.employer.report_employee_sick).
    __table_args__ = (Index("uq_employer_report_one_open_question", "citizen_id", "cvr", unique=True,
                            sqlite_where=text("relation = 'unconfirmed'"),
                            postgresql_where=text("relation = 'unconfirmed'")),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int | None = Field(default=None, foreign_key="sick_case.id", index=True)
    citizen_id: int | None = Field(default=None, foreign_key="citizen.id", index=True)
    relation: str = Field(default=EmployerRelation.BOUND, max_length=16)
    relation_answered_on: date | None = None
    cvr: str = Field(max_length=8, index=True)
    org_name: str = Field(default="", max_length=200)
    reported_by: str = Field(max_length=100)
    reporter_name: str = Field(default="", max_length=200)
    employee_name: str = Field(max_length=200)
    cpr_masked: str = Field(max_length=11)
    first_absence_day: date
    absence_kind: str = Field(max_length=16)
    partial_hours_per_week: float | None = None
    reported_on: date
    opened_case: bool = False
    created_at: datetime = Field(default_factory=utcnow)


class FastTrackRequest(SQLModel, table=True):
    """An employer's request for fast track (§ 7 c) with its three questions, and the employee's
    answer: consent, decline, or none within the deadline (then it goes ahead)."""

    __tablename__ = "fast_track_request"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int | None = Field(default=None, foreign_key="sick_case.id", index=True)  # None: not confirmed
    report_id: int = Field(foreign_key="employer_report.id", index=True)
    cvr: str = Field(max_length=8, index=True)
    requested_by: str = Field(max_length=100)
    requested_on: date
    answer_due: date
    employer_answers: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default="awaiting", max_length=16)  # awaiting | consented | declined | lapsed
    citizen_answers: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    answered_on: date | None = None


class EmployerAnswer(SQLModel, table=True):
    """The employer questions, answered at any time; each answer is kept, the newest counts."""

    __tablename__ = "employer_answer"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int | None = Field(default=None, foreign_key="sick_case.id", index=True)  # None: not confirmed
    report_id: int = Field(foreign_key="employer_report.id", index=True)
    cvr: str = Field(max_length=8, index=True)
    answered_by: str = Field(max_length=100)
    answered_on: date
    absence_conversation_on: date | None = None
    absence_conversation_form: str | None = Field(default=None, max_length=16)  # in_person | phone
    expected_return: date | None = None
    adjustments: str | None = Field(default=None, max_length=2000)
    retention_plan: str = Field(max_length=16)  # made | requested | no


class SubmittedForm(SQLModel, table=True):
    """A form that was sent, by its one-time key, so a double click or a resent form is stored once
    (see portal.submissions). `location` is where the first submission led; rows are purged after a
    day by the sweep."""

    __tablename__ = "submitted_form"

    key: str = Field(sa_column=Column(String(64), primary_key=True))
    location: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow, index=True)


class ApiClient(SQLModel, table=True):
    """A municipality's case system, allowed to call the API for that municipality's cases only.
    The secret is kept only as a slow hash; it is shown once, when the client is registered."""

    __tablename__ = "api_client"

    id: int | None = Field(default=None, primary_key=True)
    client_id: str = Field(sa_column=Column(String(64), unique=True, nullable=False))
    secret_hash: str = Field(max_length=255)
    name: str = Field(max_length=200)
    municipality_code: str = Field(max_length=3, index=True)
    scope: str = Field(max_length=255)  # space-separated, as OAuth 2 writes scopes
    created_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None


class ApiToken(SQLModel, table=True):
    """An access token from the client-credentials grant, kept as a SHA-256 hash (tokens are long
    and random, so a fast hash is enough and a stolen table holds no usable token)."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(sa_column=Column(String(64), unique=True, nullable=False))
    client_id: int = Field(foreign_key="api_client.id", index=True)
    scope: str = Field(max_length=255)
    issued_at: datetime = Field(default_factory=utcnow, index=True)
    expires_in: int
    revoked: bool = False


class IdempotentRequest(SQLModel, table=True):
    """A write sent with an Idempotency-Key: the first request claims the key, a retry gets the
    stored answer. `fingerprint` tells a retry from a different request reusing the key."""

    __tablename__ = "idempotent_request"

    client_id: int = Field(primary_key=True)
    key: str = Field(sa_column=Column(String(255), primary_key=True))
    fingerprint: str = Field(max_length=64)
    status_code: int | None = None  # None: the first request is still running
    body: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    created_at: datetime = Field(default_factory=utcnow, index=True)


class WebSession(SQLModel, table=True):
    """A browser's session, kept on the server (portal.auth.server_session). `id` is the SHA-256 of
    the cookie's random token, so a stolen table holds no usable cookie; `public_id` names the
    session on the citizen's list of her sessions."""

    __tablename__ = "web_session"
    __table_args__ = (Index("ix_web_session_person", "role", "subject"),)

    id: str = Field(sa_column=Column(String(64), primary_key=True))
    public_id: str = Field(sa_column=Column(String(16), unique=True, nullable=False))
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    last_seen_at: datetime = Field(default_factory=utcnow, index=True)
    role: str | None = Field(default=None, max_length=16)
    subject: str | None = Field(default=None, max_length=255)
    sid: str | None = Field(default=None, max_length=255, index=True)  # the identity provider's session
    user_agent: str = Field(default="", max_length=200)
    ended_at: datetime | None = Field(default=None, index=True)
    end_reason: str | None = Field(default=None, max_length=32)


class LogoutTokenSeen(SQLModel, table=True):
    """A back-channel logout token already acted on, by the SHA-256 of its issuer and `jti`, kept
    until the portal would refuse the token anyway (portal.auth.oidc): a replay finds its row."""

    __tablename__ = "logout_token_seen"

    id: str = Field(sa_column=Column(String(64), primary_key=True))
    expires_at: datetime = Field(index=True)


class Feedback(SQLModel, table=True):
    """An anonymous answer to "how was it?" on a receipt (portal.cases.feedback): no person, case
    or time of day, only the municipality, the week and what was said."""

    __tablename__ = "feedback"
    __table_args__ = (Index("ix_feedback_municipality_week", "municipality_code", "week_of"),)

    id: int | None = Field(default=None, primary_key=True)
    municipality_code: str = Field(max_length=3)
    service: str = Field(max_length=32)
    rating: str = Field(max_length=24)
    comment: str | None = Field(default=None, max_length=1200)
    week_of: date


class FeedbackGiven(SQLModel, table=True):
    """The receipts that have had their "how was it?" answer: at most one answer a receipt, kept by
    the primary key (six posts at once store one). Which answer it was is not kept: a receipt here
    and an answer in `feedback` are never tied together."""

    __tablename__ = "feedback_given"

    receipt: str = Field(sa_column=Column(String(64), primary_key=True))  # e.g. "questionnaire:17"


class FreeTime(SQLModel, table=True):
    """A time a caseworker has published for self-booking (portal.cases.self_booking). Taken by one
    case only: the claim is an update that matches a time nobody holds."""

    __tablename__ = "free_time"
    __table_args__ = (Index("ix_free_time_municipality_start", "municipality_code", "starts_at"),)

    id: int | None = Field(default=None, primary_key=True)
    municipality_code: str = Field(max_length=3)
    caseworker: str = Field(max_length=255)        # the publishing caseworker's subject
    caseworker_name: str = Field(max_length=200)
    starts_at: datetime
    form: str = Field(max_length=16)               # in_person | phone | video
    details: str | None = Field(default=None, max_length=500)
    taken_by_case_id: int | None = Field(default=None, foreign_key="sick_case.id")
    conversation_id: int | None = Field(default=None, foreign_key="conversation.id")
    created_at: datetime = Field(default_factory=utcnow)


class FollowUpPlan(SQLModel, table=True):
    """One version of a case's follow-up plan (opfølgningsplan, sygedagpengeloven § 16). A change is
    a new version; earlier versions are kept as they were."""

    __tablename__ = "follow_up_plan"
    __table_args__ = (UniqueConstraint("case_id", "version", name="uq_follow_up_plan_version"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="sick_case.id", index=True)
    version: int
    goal: str = Field(max_length=24)                  # full_return | partial_return | other
    goal_text: str | None = Field(default=None, max_length=1000)
    return_by: date | None = None
    adjustments: str | None = Field(default=None, max_length=2000)
    # [{"what": str, "who": citizen|employer|jobcenter|doctor, "by": iso date or None}]
    measures: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    next_follow_up_on: date | None = None
    made_by: str = Field(max_length=255)
    made_by_name: str = Field(max_length=200)
    made_on: date
    created_at: datetime = Field(default_factory=utcnow)


class PlanShare(SQLModel, table=True):
    """The citizen's consent that one employer (by CVR number) sees the return-to-work part of one
    version of her follow-up plan (portal.cases.follow_up_plan): one a version and employer."""

    __tablename__ = "plan_share"

    case_id: int = Field(foreign_key="sick_case.id", primary_key=True)
    version: int = Field(primary_key=True)
    cvr: str = Field(max_length=8, primary_key=True)
    shared_on: date


class Caseworker(SQLModel, table=True):
    """A caseworker the portal has seen log in: the colleagues a case can be given to. The login
    keeps the name and municipality up to date."""

    __tablename__ = "caseworker"
    __table_args__ = (Index("ix_caseworker_municipality_name", "municipality_code", "name"),)

    subject: str = Field(sa_column=Column(String(255), primary_key=True))
    municipality_code: str = Field(max_length=3)
    name: str = Field(max_length=200)
    last_login_at: datetime = Field(default_factory=utcnow)


class NameToken(SQLModel, table=True):
    """Each word of a citizen's name, folded to lower case, once for each municipality where the
    citizen has a case: a caseworker's search by name is an indexed prefix look-up ("lis test" finds
    Lise Testesen) among her own municipality's citizens only, so its cost follows the
    municipality's size, not the country's, on SQLite and PostgreSQL alike."""

    __tablename__ = "municipality_name_token"
    __table_args__ = (Index("ix_municipality_name_token_prefix", "municipality_code", "token", "citizen_id",
                            postgresql_ops={"token": "varchar_pattern_ops"}),)  # nosec B105: an operator class

    citizen_id: int = Field(foreign_key="citizen.id", primary_key=True)
    municipality_code: str = Field(sa_column=Column(String(3), primary_key=True))
    token: str = Field(sa_column=Column(String(100), primary_key=True))


class WorkloadCount(SQLModel, table=True):
    """What the municipality must do per week, by handover reason, as the last sweep counted it
    (portal.cases.workload): the team's plan reads a few rows instead of screening every case."""

    __tablename__ = "workload_count"

    municipality_code: str = Field(sa_column=Column(String(3), primary_key=True))
    week_of: date = Field(primary_key=True)        # the Monday of the week things are due
    reason: str = Field(sa_column=Column(String(32), primary_key=True))
    due_count: int = 0
    counted_at: datetime = Field(default_factory=utcnow)


@event.listens_for(Citizen, "after_update")
def _index_changed_name(_mapper, connection, citizen: Citizen) -> None:
    if inspect(citizen).attrs.name.history.has_changes():
        index_name(connection, citizen.id)


@event.listens_for(SickCase, "after_insert")
def _index_new_case(_mapper, connection, case: SickCase) -> None:
    index_name(connection, case.citizen_id)


@event.listens_for(SickCase, "after_update")
def _index_moved_case(_mapper, connection, case: SickCase) -> None:
    if inspect(case).attrs.municipality_code.history.has_changes():
        index_name(connection, case.citizen_id)


def index_name(connection, citizen_id: int) -> None:
    """The citizen's name words under each municipality she has a case in, and nowhere else: every
    way a name or a case is stored or moved (login, a report, a transfer, a purge, demo data) calls
    this, so search stays right. A citizen with no case is in no municipality's search."""
    from .names import name_tokens

    tokens = NameToken.__table__
    connection.execute(delete(tokens).where(tokens.c.citizen_id == citizen_id))
    name = connection.execute(select(Citizen.__table__.c.name).where(Citizen.__table__.c.id == citizen_id)).scalar()
    cases = SickCase.__table__
    places = connection.execute(select(cases.c.municipality_code).where(cases.c.citizen_id == citizen_id)
                                .distinct()).scalars().all()
    rows = [{"citizen_id": citizen_id, "municipality_code": place, "token": token}
            for place in places for token in name_tokens(name)]
    if rows:
        connection.execute(insert(tokens), rows)


def unindex_names_without_case(connection, citizen_ids) -> None:
    """After cases are deleted: the name words under each municipality where the citizen has no case
    left go, in one statement for many citizens (before the citizens themselves may go)."""
    tokens, cases = NameToken.__table__, SickCase.__table__
    left = select(cases.c.id).where(cases.c.citizen_id == tokens.c.citizen_id,
                                    cases.c.municipality_code == tokens.c.municipality_code).exists()
    connection.execute(delete(tokens).where(tokens.c.citizen_id.in_(list(citizen_ids)), ~left))
