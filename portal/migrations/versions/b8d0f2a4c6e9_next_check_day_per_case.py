"""a next-check day per case: the sweep screens only the cases due for a check

Revision ID: b8d0f2a4c6e9
Revises: a7c9e1b3d5f8
Create Date: 2026-12-04 12:45:00

Every existing case gets 1970-01-01 ("check at the next sweep"), so the first sweep after the
upgrade screens them all and stores each one's next day and reasons.
"""
import sqlalchemy as sa
from alembic import op

revision = 'b8d0f2a4c6e9'
down_revision = 'a7c9e1b3d5f8'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('sick_case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_check_on', sa.Date(), nullable=False, server_default='1970-01-01'))
        batch_op.add_column(sa.Column('facts_version', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('due_reasons', sa.String(length=2000), nullable=False, server_default=''))
        batch_op.create_index('ix_sick_case_next_check_on', ['next_check_on', 'id'], unique=False,
                              sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))


def downgrade() -> None:
    with op.batch_alter_table('sick_case', schema=None) as batch_op:
        batch_op.drop_index('ix_sick_case_next_check_on', sqlite_where=sa.text("status = 'open'"),
                            postgresql_where=sa.text("status = 'open'"))
        batch_op.drop_column('due_reasons')
        batch_op.drop_column('facts_version')
        batch_op.drop_column('next_check_on')
