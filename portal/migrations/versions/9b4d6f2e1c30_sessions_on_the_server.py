"""sessions on the server: the cookie carries an opaque token only

Revision ID: 9b4d6f2e1c30
Revises: 7a3c5e1d2b90
Create Date: 2026-11-24 23:05:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '9b4d6f2e1c30'
down_revision = '7a3c5e1d2b90'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'web_session',
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('public_id', sa.String(length=16), nullable=False),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('last_seen_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column('sid', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column('user_agent', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('ended_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('end_reason', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('public_id'),
    )
    with op.batch_alter_table('web_session', schema=None) as batch_op:
        batch_op.create_index('ix_web_session_person', ['role', 'subject'], unique=False)
        batch_op.create_index(batch_op.f('ix_web_session_last_seen_at'), ['last_seen_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_web_session_sid'), ['sid'], unique=False)
        batch_op.create_index(batch_op.f('ix_web_session_ended_at'), ['ended_at'], unique=False)


def downgrade() -> None:
    op.drop_table('web_session')
