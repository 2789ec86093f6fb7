"""a next-check day per case: the sweep screens only the cases due for a check

Revision ID: b8d0f2a4c6e9
Revises: c1d3e5f7a9b2
Create Date: 2026-12-04 12:45:00

A narrow table beside sick_case, so the sweep's write of each case's next-check day touches only it
(not sick_case's seven indexes). A case without a row is due: the first sweep after the upgrade
screens every case and stores each one's next day and reasons.
"""
import sqlalchemy as sa
from alembic import op

revision = 'b8d0f2a4c6e9'
down_revision = 'c1d3e5f7a9b2'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'case_check',
        sa.Column('case_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('next_check_on', sa.Date(), nullable=False),
        sa.Column('facts_version', sa.Integer(), nullable=False),
        sa.Column('due_reasons', sa.String(length=2000), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['sick_case.id']),
        sa.PrimaryKeyConstraint('case_id'),
    )
    op.create_index('ix_case_check_next_check_on', 'case_check', ['next_check_on', 'case_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_case_check_next_check_on', table_name='case_check')
    op.drop_table('case_check')
