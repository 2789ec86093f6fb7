"""anonymous feedback on receipts: "how was it?"

Revision ID: c5e7a9b1d3f2
Revises: 9b4d6f2e1c30
Create Date: 2026-12-01 23:40:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = 'c5e7a9b1d3f2'
down_revision = '9b4d6f2e1c30'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'feedback',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('municipality_code', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column('service', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('rating', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column('comment', sqlmodel.sql.sqltypes.AutoString(length=1200), nullable=True),
        sa.Column('week_of', sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_feedback_municipality_week', 'feedback', ['municipality_code', 'week_of'])


def downgrade() -> None:
    op.drop_index('ix_feedback_municipality_week', table_name='feedback')
    op.drop_table('feedback')
