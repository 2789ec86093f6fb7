"""a reminder day per case: the daily reminders read only the cases whose reminders may have changed

Revision ID: a3c5e7f9b1d4
Revises: b8d0f2a4c6e9
Create Date: 2026-12-04 15:40:00

Beside the sweep's next-check day in case_check. Every existing row starts at CHECK_NOW (1970-01-01),
so the first reminder run after the upgrade works out every open case, as before, and stores each
one's next day.
"""
import sqlalchemy as sa
from alembic import op

revision = 'a3c5e7f9b1d4'
down_revision = 'b8d0f2a4c6e9'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('case_check') as batch:
        batch.add_column(sa.Column('remind_on', sa.Date(), nullable=False, server_default='1970-01-01'))
    op.create_index('ix_case_check_remind_on', 'case_check', ['remind_on', 'case_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_case_check_remind_on', table_name='case_check')
    with op.batch_alter_table('case_check') as batch:
        batch.drop_column('remind_on')
