"""conversations: invitation details, the citizen's answer, moves and cancellations, minutes

Revision ID: d8f0b2c4e6a1
Revises: c5e7a9b1d3f2
Create Date: 2026-12-01 23:30:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = 'd8f0b2c4e6a1'
down_revision = 'c5e7a9b1d3f2'
branch_labels = None
depends_on = None

TEXT = sqlmodel.sql.sqltypes.AutoString


def _columns() -> list:
    return [
        sa.Column('details', TEXT(length=500), nullable=True),
        sa.Column('agenda', TEXT(length=1000), nullable=True),
        sa.Column('bring', TEXT(length=500), nullable=True),
        sa.Column('sequence', sa.Integer(), nullable=False, server_default='0'),
        sa.Column('cancelled_on', sa.Date(), nullable=True),
        sa.Column('cancel_reason', TEXT(length=2000), nullable=True),
        sa.Column('answer', TEXT(length=16), nullable=True),
        sa.Column('answer_reason', TEXT(length=2000), nullable=True),
        sa.Column('answer_preferred', TEXT(length=500), nullable=True),
        sa.Column('answered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('minutes_talked', TEXT(length=4000), nullable=True),
        sa.Column('minutes_agreed', TEXT(length=4000), nullable=True),
        sa.Column('next_follow_up_on', sa.Date(), nullable=True),
        sa.Column('minutes_by', TEXT(length=200), nullable=True),
        sa.Column('minutes_written_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    ]


def upgrade() -> None:
    with op.batch_alter_table('conversation') as batch:
        for column in _columns():
            batch.add_column(column)


def downgrade() -> None:
    with op.batch_alter_table('conversation') as batch:
        for column in reversed(_columns()):
            batch.drop_column(column.name)
