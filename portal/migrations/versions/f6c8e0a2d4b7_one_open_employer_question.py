"""one open "is this your employer?" question a citizen and company

Revision ID: f6c8e0a2d4b7
Revises: e4a6c8e0b2d5
Create Date: 2026-12-04 00:50:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'f6c8e0a2d4b7'
down_revision = 'e4a6c8e0b2d5'
branch_labels = None
depends_on = None

OPEN = "relation = 'unconfirmed'"
# An open question of a citizen and company that an older open one already asks.
REPEAT = ("relation = 'unconfirmed' AND EXISTS (SELECT 1 FROM employer_report AS first "
          "WHERE first.relation = 'unconfirmed' AND first.citizen_id = employer_report.citizen_id "
          "AND first.cvr = employer_report.cvr AND first.id < employer_report.id)")


def upgrade() -> None:
    # Repeat reports made before this join the first: their answers and requests move to it, then
    # the repeats go, so the citizen has one question left to answer.
    # (nosec B608: the SQL is made of this file's constants and two table names, no input.)
    for table in ('employer_answer', 'fast_track_request'):
        op.execute(sa.text(
            f"UPDATE {table} SET report_id = (SELECT MIN(first.id) FROM employer_report AS first "  # nosec B608
            f"JOIN employer_report AS repeat ON repeat.citizen_id = first.citizen_id AND repeat.cvr = first.cvr "
            f"WHERE repeat.id = {table}.report_id AND first.relation = 'unconfirmed') "
            f"WHERE report_id IN (SELECT id FROM employer_report WHERE {REPEAT})"))
    op.execute(sa.text(f"DELETE FROM employer_report WHERE {REPEAT}"))  # nosec B608
    op.create_index('uq_employer_report_one_open_question', 'employer_report', ['citizen_id', 'cvr'], unique=True,
                    sqlite_where=sa.text(OPEN), postgresql_where=sa.text(OPEN))


def downgrade() -> None:
    op.drop_index('uq_employer_report_one_open_question', table_name='employer_report')
