"""back-channel logout tokens seen: a replayed jti is refused

Revision ID: b8e0c2a4d6f9
Revises: c4e6a8b0d2f4
Create Date: 2026-12-04 07:50:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = 'b8e0c2a4d6f9'
down_revision = 'c4e6a8b0d2f4'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'logout_token_seen',
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_logout_token_seen_expires_at'), 'logout_token_seen', ['expires_at'])


def downgrade() -> None:
    op.drop_index(op.f('ix_logout_token_seen_expires_at'), table_name='logout_token_seen')
    op.drop_table('logout_token_seen')
