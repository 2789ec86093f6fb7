"""one live self-booked conversation a case, kept by the database

Revision ID: d2f4a6c8e0b3
Revises: b7d9f1a3c5e2
Create Date: 2026-12-03 10:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'd2f4a6c8e0b3'
down_revision = 'b7d9f1a3c5e2'
branch_labels = None
depends_on = None

LIVE_SELF_BOOKED = "status = 'booked' AND self_booked"


def upgrade() -> None:
    with op.batch_alter_table('conversation') as batch:
        batch.add_column(sa.Column('self_booked', sa.Boolean(), nullable=False, server_default=sa.false()))
    # The conversations booked through a free time are the self-booked ones; of a case that already
    # has several booked (the race this closes), only the first is marked, so the index can be built.
    op.execute(sa.text(
        "UPDATE conversation SET self_booked = :yes "
        "WHERE id IN (SELECT conversation_id FROM free_time WHERE conversation_id IS NOT NULL) "
        "AND (status != 'booked' OR NOT EXISTS ("
        "  SELECT 1 FROM conversation AS earlier JOIN free_time ON free_time.conversation_id = earlier.id "
        "  WHERE earlier.case_id = conversation.case_id AND earlier.status = 'booked' AND earlier.id < conversation.id))"
    ).bindparams(yes=True))
    op.create_index('uq_conversation_one_self_booked_per_case', 'conversation', ['case_id'], unique=True,
                    sqlite_where=sa.text(LIVE_SELF_BOOKED), postgresql_where=sa.text(LIVE_SELF_BOOKED))


def downgrade() -> None:
    op.drop_index('uq_conversation_one_self_booked_per_case', table_name='conversation')
    with op.batch_alter_table('conversation') as batch:
        batch.drop_column('self_booked')
