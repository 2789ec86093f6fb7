"""employer relations confirmed by the citizen: a report, its answers and requests may wait unbound

Revision ID: 7a3c5e1d2b90
Revises: 4f1e2a7c9b10
Create Date: 2026-11-24 22:55:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '7a3c5e1d2b90'
down_revision = '4f1e2a7c9b10'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('employer_report', schema=None) as batch_op:
        batch_op.alter_column('case_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('citizen_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('relation', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False,
                                      server_default='bound'))
        batch_op.add_column(sa.Column('relation_answered_on', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_employer_report_citizen_id'), ['citizen_id'], unique=False)
        batch_op.create_foreign_key('fk_employer_report_citizen_id', 'citizen', ['citizen_id'], ['id'])
    with op.batch_alter_table('fast_track_request', schema=None) as batch_op:
        batch_op.alter_column('case_id', existing_type=sa.Integer(), nullable=True)
    with op.batch_alter_table('employer_answer', schema=None) as batch_op:
        batch_op.alter_column('case_id', existing_type=sa.Integer(), nullable=True)
    op.execute("UPDATE employer_report SET citizen_id = (SELECT citizen_id FROM sick_case "
               "WHERE sick_case.id = employer_report.case_id)")


def downgrade() -> None:
    op.execute("DELETE FROM employer_answer WHERE case_id IS NULL")
    op.execute("DELETE FROM fast_track_request WHERE case_id IS NULL")
    op.execute("DELETE FROM employer_report WHERE case_id IS NULL")
    with op.batch_alter_table('employer_answer', schema=None) as batch_op:
        batch_op.alter_column('case_id', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('fast_track_request', schema=None) as batch_op:
        batch_op.alter_column('case_id', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('employer_report', schema=None) as batch_op:
        batch_op.drop_constraint('fk_employer_report_citizen_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_employer_report_citizen_id'))
        batch_op.drop_column('relation_answered_on')
        batch_op.drop_column('relation')
        batch_op.drop_column('citizen_id')
        batch_op.alter_column('case_id', existing_type=sa.Integer(), nullable=False)
