"""the follow-up plan (sygedagpengeloven § 16) in versions, and the citizen's consent to share it

Revision ID: f1b3d5e7a9c4
Revises: e9a1c3d5f7b2
Create Date: 2026-12-01 23:45:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = 'f1b3d5e7a9c4'
down_revision = 'e9a1c3d5f7b2'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'follow_up_plan',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('goal', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column('goal_text', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.Column('return_by', sa.Date(), nullable=True),
        sa.Column('adjustments', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column('measures', sa.JSON(), nullable=False),
        sa.Column('next_follow_up_on', sa.Date(), nullable=True),
        sa.Column('made_by', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column('made_by_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('made_on', sa.Date(), nullable=False),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['sick_case.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('case_id', 'version', name='uq_follow_up_plan_version'),
    )
    op.create_index(op.f('ix_follow_up_plan_case_id'), 'follow_up_plan', ['case_id'])
    with op.batch_alter_table('sick_case') as batch:
        batch.add_column(sa.Column('follow_up_plan_made_on', sa.Date(), nullable=True))
        batch.add_column(sa.Column('plan_shared_with_employer_on', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('sick_case') as batch:
        batch.drop_column('plan_shared_with_employer_on')
        batch.drop_column('follow_up_plan_made_on')
    op.drop_index(op.f('ix_follow_up_plan_case_id'), table_name='follow_up_plan')
    op.drop_table('follow_up_plan')
