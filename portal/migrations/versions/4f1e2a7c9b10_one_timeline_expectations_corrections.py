"""one timeline: expectations of both parties, caseworkers' corrections, fast-track decisions

Revision ID: 4f1e2a7c9b10
Revises: 865c97d6f56d
Create Date: 2026-11-24 22:30:00
"""
import json
from datetime import date, timedelta

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '4f1e2a7c9b10'
down_revision = '865c97d6f56d'
branch_labels = None
depends_on = None

WEEKS = {"under_2_weeks": 2, "2_4_weeks": 4, "4_8_weeks": 8, "8_13_weeks": 13, "13_26_weeks": 26,
         "over_26_weeks": 52}


def _day(value):
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def upgrade() -> None:
    with op.batch_alter_table('sick_case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expectations', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('corrections', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('employer_absence_conversation_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('employer_fast_track_asked_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('employer_fast_track_answered_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('fast_track_decided_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('fast_track_decision', sqlmodel.sql.sqltypes.AutoString(length=16),
                                      nullable=True))
        batch_op.add_column(sa.Column('questionnaire_submitted_on', sa.Date(), nullable=True))
    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('standby_reason', sqlmodel.sql.sqltypes.AutoString(length=2000),
                                      nullable=True))

    # The expectations the old columns held become the first entries of each case's history.
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT id, first_absence_day, reported_on, expected_return, expected_duration, expected_known_on, "
        "employer_expected_weeks, updated_at FROM sick_case")).all()
    for (case_id, first, reported, expected_return, duration, known_on, employer_weeks, updated) in rows:
        first, reported = _day(first), _day(reported)
        history = []
        if expected_return is not None:
            history.append({"party": "citizen", "given_on": reported.isoformat(),
                            "expected_return": _day(expected_return).isoformat()})
        if duration in WEEKS:
            given = _day(known_on) or reported
            history.append({"party": "citizen", "given_on": given.isoformat(),
                            "expected_return": (given + timedelta(weeks=WEEKS[duration])).isoformat()})
        if employer_weeks is not None:
            history.append({"party": "employer", "given_on": (_day(updated) or reported).isoformat(),
                            "expected_return": (first + timedelta(weeks=employer_weeks)).isoformat()})
        if history:
            history.sort(key=lambda e: e["given_on"])
            bind.execute(sa.text("UPDATE sick_case SET expectations = :history WHERE id = :id"),
                         {"history": json.dumps(history), "id": case_id})
    for case_id, submitted_at in bind.execute(sa.text(
            "SELECT case_id, submitted_at FROM questionnaire WHERE submitted_at IS NOT NULL")).all():
        bind.execute(sa.text("UPDATE sick_case SET questionnaire_submitted_on = :day WHERE id = :id"),
                     {"day": _day(submitted_at), "id": case_id})
    bind.execute(sa.text(
        "UPDATE sick_case SET employer_fast_track_asked_on = (SELECT MAX(r.requested_on) FROM fast_track_request r "
        "WHERE r.case_id = sick_case.id) WHERE EXISTS (SELECT 1 FROM fast_track_request r "
        "WHERE r.case_id = sick_case.id)"))
    bind.execute(sa.text(
        "UPDATE sick_case SET employer_absence_conversation_on = (SELECT MAX(a.absence_conversation_on) "
        "FROM employer_answer a WHERE a.case_id = sick_case.id) WHERE EXISTS (SELECT 1 FROM employer_answer a "
        "WHERE a.case_id = sick_case.id AND a.absence_conversation_on IS NOT NULL)"))

    with op.batch_alter_table('sick_case', schema=None) as batch_op:
        batch_op.drop_column('employer_expected_weeks')
        batch_op.drop_column('expected_known_on')


def downgrade() -> None:
    with op.batch_alter_table('sick_case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expected_known_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('employer_expected_weeks', sa.Integer(), nullable=True))
        batch_op.drop_column('questionnaire_submitted_on')
        batch_op.drop_column('fast_track_decision')
        batch_op.drop_column('fast_track_decided_on')
        batch_op.drop_column('employer_fast_track_answered_on')
        batch_op.drop_column('employer_fast_track_asked_on')
        batch_op.drop_column('employer_absence_conversation_on')
        batch_op.drop_column('corrections')
        batch_op.drop_column('expectations')
    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.drop_column('standby_reason')
