"""one "how was it?" answer a receipt, kept by a primary key

Revision ID: e4a6c8e0b2d5
Revises: d2f4a6c8e0b3
Create Date: 2026-12-04 00:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'e4a6c8e0b2d5'
down_revision = 'd2f4a6c8e0b3'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'feedback_given',
        sa.Column('receipt', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('receipt'),
    )


def downgrade() -> None:
    op.drop_table('feedback_given')
