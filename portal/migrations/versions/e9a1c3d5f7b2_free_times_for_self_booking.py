"""free times caseworkers publish and citizens book

Revision ID: e9a1c3d5f7b2
Revises: d8f0b2c4e6a1
Create Date: 2026-12-01 23:35:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = 'e9a1c3d5f7b2'
down_revision = 'd8f0b2c4e6a1'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'free_time',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('municipality_code', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column('caseworker', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column('caseworker_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('starts_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('form', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('details', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column('taken_by_case_id', sa.Integer(), nullable=True),
        sa.Column('conversation_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['conversation_id'], ['conversation.id']),
        sa.ForeignKeyConstraint(['taken_by_case_id'], ['sick_case.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_free_time_municipality_start', 'free_time', ['municipality_code', 'starts_at'])


def downgrade() -> None:
    op.drop_index('ix_free_time_municipality_start', table_name='free_time')
    op.drop_table('free_time')
