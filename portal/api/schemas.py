"""What goes in and out of the API. Requests are read by pydantic models in strict mode (a date
is "YYYY-MM-DD" and nothing else, unknown fields are refused); their JSON Schemas go into the
OpenAPI description as they are, so the description cannot drift from the checks. Answers are
built by the functions below and described in portal.api.openapi."""
from __future__ import annotations

import base64
import binascii
import json
import re
from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from ..cases.case_system import HandoverPackage
from ..models import Conversation, Handover, HandoverStatus
from ..rules.calendar import FIRST_DATE, LAST_DATE, within_dates

# No control characters (nobody types them, and PostgreSQL cannot store a NUL), and no invisible
# bidirectional or zero-width characters, which can make a name read as another in the queue.
_INVISIBLE = "\\x00-\\x1f\\x7f-\\x9f\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2069\\ufeff"
_PRINTABLE = re.compile(f"^[^{_INVISIBLE}]*$")


def _printable(value: str) -> str:
    if not _PRINTABLE.match(value) or not value.strip():
        raise ValueError("use printable text: no control, zero-width or direction characters, not only spaces")
    return value


PrintableText = Annotated[str, StringConstraints(pattern=_PRINTABLE.pattern), AfterValidator(_printable)]
DATES = f"{FIRST_DATE.isoformat()} to {LAST_DATE.isoformat()}"
OUTSIDE_DATES = f"the date must be from {DATES}"


def _within_dates(value: date) -> date:
    if not within_dates(value):
        raise ValueError(OUTSIDE_DATES)
    return value


# A date the portal takes (portal.rules.calendar): the same bound as every form and the calculator.
PortalDate = Annotated[date, AfterValidator(_within_dates)]
MAX_ID = 2_147_483_647
OUTCOMES = ("self_service", "jobcenter", "closed")
FORMS = ("in_person", "phone", "video")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Acknowledgement(_Strict):
    """The case system has picked the handover up. Both fields are optional."""

    external_reference: PrintableText | None = Field(
        default=None, max_length=100, description="The case's number in the case system, shown to caseworkers.")
    caseworker_name: PrintableText | None = Field(
        default=None, max_length=200, description="Who has the case in the case system; shown in the portal's queue.")


class Outcome(_Strict):
    """The opfølgningssamtale was held; its outcome decides where the case goes."""

    held_on: PortalDate = Field(description=f"The day the conversation was held (not in the future; {DATES}).")
    outcome: Literal[OUTCOMES] = Field(
        description="self_service: back to self-service; jobcenter: continues with the jobcenter; "
                    "closed: the case is closed.")
    form: Literal[FORMS] = Field(description="How the conversation was held.")
    conversation_id: int | None = Field(
        default=None, ge=1, le=MAX_ID,
        description="A conversation booked in the portal; left out, the case's booked one is used, or a new "
                    "record is made when it was booked in the case system.")


class HandoverQuery(BaseModel):
    """The list's query parameters (strings in a URL, so read leniently, then checked)."""

    model_config = ConfigDict(extra="ignore")

    status: Literal[tuple(HandoverStatus)] | None = None
    reason: str | None = None
    due_from: PortalDate | None = None
    due_to: PortalDate | None = None
    limit: int = Field(default=25, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=200)


def field_errors(error: ValidationError) -> list[dict]:
    """pydantic's errors as the problem's `errors`: where, and what is wrong, without echoing input."""
    return [{"field": ".".join(str(part) for part in e["loc"]) or "body", "detail": e["msg"]} for e in error.errors()]


def encode_cursor(after: tuple[date, int]) -> str:
    raw = json.dumps([after[0].isoformat(), after[1]], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[date, int]:
    """Raises ValueError for anything this API did not give out."""
    try:
        due, last_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(last_id, int) or isinstance(last_id, bool) or not 0 <= last_id <= MAX_ID:
            raise ValueError("the id is not one this API gives out")  # Infinity, 1e400, 2**63 ...
        due = date.fromisoformat(due)
        if not within_dates(due):
            raise ValueError(OUTSIDE_DATES)
        return due, last_id
    except (binascii.Error, UnicodeDecodeError, TypeError, json.JSONDecodeError, OverflowError) as error:
        raise ValueError("invalid cursor") from error


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def handover_summary(handover: Handover, today: date) -> dict:
    """A handover in the list: when and why, and who has it; no personal data."""
    live = handover.status != HandoverStatus.CLOSED
    return {
        "id": handover.id,
        "case_id": handover.case_id,
        "status": handover.status,
        "due": handover.due.isoformat(),
        "overdue": live and handover.due < today,
        "reasons": [code for code in handover.reason_codes.strip("|").split("|") if code],
        "assigned_to": handover.assignee_name,
        "acknowledged_at": _iso(handover.acknowledged_at),
        "external_reference": handover.external_reference,
        "created_at": handover.created_at.isoformat(),
        "updated_at": handover.updated_at.isoformat(),
        "closed_on": _iso(handover.closed_on),
    }


def conversation_json(conversation: Conversation) -> dict:
    return {
        "id": conversation.id,
        "status": conversation.status,
        "scheduled_at": conversation.scheduled_at.isoformat(),
        "form": conversation.form,
        "held_on": _iso(conversation.held_on),
        "outcome": conversation.outcome,
        "recorded_via": conversation.recorded_via,
    }


def obligation_json(obligation) -> dict:
    """One obligation of the case's timeline, with a caseworker's correction when there is one."""
    correction = obligation.correction
    return {
        "code": str(obligation.code), "who": str(obligation.who), "date": _iso(obligation.date),
        "state": str(obligation.state), "regime": obligation.regime, "source": obligation.source,
        "text_da": obligation.text_da, "text_en": obligation.text_en,
        "why_da": obligation.why_da or None, "why_en": obligation.why_en or None,
        "met_on": _iso(obligation.met_on), "original_date": _iso(obligation.original_date),
        "correction": None if correction is None else {
            "kind": correction.kind, "reason": correction.reason, "by": correction.by,
            "decided_on": correction.decided_on.isoformat(), "new_date": _iso(correction.new_date)},
    }


def package_json(package: HandoverPackage, cpr: str, today: date) -> dict:
    file, case, citizen = package.file, package.file.case, package.file.citizen
    questionnaire = file.questionnaire
    hours = file.hours
    plan = hours.plan
    return {
        "handover": {**handover_summary(package.handover, today), "reasons": package.handover.reasons},
        "case": {
            "id": case.id,
            "status": case.status,
            "municipality_code": case.municipality_code,
            "first_absence_day": case.first_absence_day.isoformat(),
            "reported_on": case.reported_on.isoformat(),
            "reported_by": case.reported_by,
            "employment": case.employment,
            "employer": {"cvr": case.employer_cvr, "name": case.employer_name} if case.employer_cvr else None,
            "absence_kind": case.absence_kind,
            "partial_hours_per_week": case.partial_hours_per_week,
            "expected_return": _iso(case.expected_return),
            "expected_duration": case.expected_duration,
            "standby_since": _iso(case.standby_since),
            "standby_group": case.standby_group,
            "fast_track_requested_on": _iso(case.fast_track_requested_on),
            "fast_track_declined_on": _iso(case.fast_track_declined_on),
            "conversation_requested_on": _iso(case.conversation_requested_on),
            "conversation_request_form": case.conversation_request_form,
            "conversation_request_reason": case.conversation_request_reason,
            "first_conversation_held_on": _iso(case.first_conversation_held_on),
            "recovered_on": _iso(case.recovered_on),
            "closed_on": _iso(case.closed_on),
        },
        "citizen": {"cpr": cpr, "name": citizen.name, "email": citizen.email},
        "questionnaire": None if questionnaire is None else {
            "status": questionnaire.status,
            "reference": questionnaire.reference,
            "submitted_at": _iso(questionnaire.submitted_at),
            "answers": questionnaire.answers or {},
        },
        "employer": {
            "answers": [{
                "company": {"cvr": word.cvr, "name": word.company},
                "answered_on": a.answered_on.isoformat(),
                "absence_conversation_on": _iso(a.absence_conversation_on),
                "absence_conversation_form": a.absence_conversation_form,
                "expected_return": _iso(a.expected_return),
                "adjustments": a.adjustments,
                "retention_plan": a.retention_plan,
            } for word in package.employer_answers for a in (word.item,)],
            "fast_track_requests": [{
                "company": {"cvr": word.cvr, "name": word.company},
                "requested_on": r.requested_on.isoformat(),
                "answer_due": r.answer_due.isoformat(),
                "status": r.status,
                "answered_on": _iso(r.answered_on),
                "employer_answers": r.employer_answers or {},
                "citizen_answers": r.citizen_answers,
            } for word in package.fast_track_requests for r in (word.item,)],
        },
        "hours": {
            "weeks": [{
                "week": str(row.week),
                "normal_hours": float(row.normal),
                "worked_hours": float(row.worked),
                "absence_hours": float(row.absence),
                "planned_hours": float(row.planned) if row.planned is not None else None,
                "corrected": row.corrected,
            } for row in hours.rows],
            "step_up_plan": None if plan is None else {
                "start_monday": plan.start_monday.isoformat(),
                "start_hours": float(plan.start_hours),
                "weekly_increase": float(plan.weekly_increase),
                "full_hours": float(plan.full_hours),
            },
            "stalled_at": str(hours.stalled_at) if hours.stalled_at else None,
        },
        "check_ins": [{"due_on": c.due_on.isoformat(), "answered_on": c.answered_on.isoformat(),
                       "answers": c.answers or {}} for c in file.check_ins],
        "conversations": [conversation_json(c) for c in file.conversations],
        "obligations": [obligation_json(o) for o in package.obligations],
        "timeline": [{"at": e.at.isoformat(), "actor": e.actor, "kind": e.kind, "details": e.details or {}}
                     for e in file.timeline],
    }
