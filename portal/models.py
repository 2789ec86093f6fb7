"""The tables. Personal data is kept to what the work needs: the CPR number only encrypted, with a
keyed hash to find a citizen by it; health answers only inside the questionnaire."""
from __future__ import annotations

from datetime import date, datetime, timezone
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, String, UniqueConstraint, text
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


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
    created_at: datetime = Field(default_factory=utcnow)


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
    closed_on: date | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


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
