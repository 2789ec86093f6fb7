"""the follow-up plan is shared one version and one employer at a time

Revision ID: d0f2a4c6e8b1
Revises: b8e0c2a4d6f9
Create Date: 2026-12-04 08:05:00

A consent given before (sick_case.plan_shared_with_employer_on) is kept as consent for the plan's
current version and the case's own employer: what the citizen agreed to, and no more.
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = 'd0f2a4c6e8b1'
down_revision = 'b8e0c2a4d6f9'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'plan_share',
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('cvr', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column('shared_on', sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['sick_case.id']),
        sa.PrimaryKeyConstraint('case_id', 'version', 'cvr'),
    )
    op.execute(
        "INSERT INTO plan_share (case_id, version, cvr, shared_on) "
        "SELECT c.id, (SELECT max(p.version) FROM follow_up_plan p WHERE p.case_id = c.id), c.employer_cvr, "
        "c.plan_shared_with_employer_on FROM sick_case c "
        "WHERE c.plan_shared_with_employer_on IS NOT NULL AND c.employer_cvr IS NOT NULL "
        "AND EXISTS (SELECT 1 FROM follow_up_plan p WHERE p.case_id = c.id)")


def downgrade() -> None:
    op.drop_table('plan_share')
