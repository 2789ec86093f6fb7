"""the caseworker's day: colleagues, name search, waiting handovers and the team's workload

Revision ID: b7d9f1a3c5e2
Revises: c3e5a7b9d1f4
Create Date: 2026-12-02 14:10:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = 'b7d9f1a3c5e2'
down_revision = 'c3e5a7b9d1f4'
branch_labels = None
depends_on = None

LIVE = "status != 'closed'"
WAITING = "status != 'closed' AND waiting_until IS NOT NULL"
BOOKED = "status = 'booked'"


def upgrade() -> None:
    with op.batch_alter_table('handover') as batch:
        batch.add_column(sa.Column('waiting_until', sa.Date(), nullable=True))
        batch.add_column(sa.Column('wait_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True))
        batch.add_column(sa.Column('wait_by_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))
    # The tabs count active and waiting handovers from the indexes alone: waiting_until is in them.
    op.drop_index('ix_handover_live_by_due', table_name='handover', sqlite_where=sa.text(LIVE),
                  postgresql_where=sa.text(LIVE))
    op.create_index('ix_handover_live_by_due', 'handover', ['municipality_code', 'due', 'id', 'waiting_until'],
                    sqlite_where=sa.text(LIVE), postgresql_where=sa.text(LIVE))
    op.create_index('ix_handover_live_by_assignee', 'handover',
                    ['municipality_code', 'assignee', 'due', 'id', 'waiting_until'],
                    sqlite_where=sa.text(LIVE), postgresql_where=sa.text(LIVE))
    op.create_index('ix_handover_live_waiting', 'handover', ['municipality_code', 'due', 'id'],
                    sqlite_where=sa.text(WAITING), postgresql_where=sa.text(WAITING))
    op.create_index('ix_handover_external_reference', 'handover', ['municipality_code', 'external_reference'])
    with op.batch_alter_table('conversation') as batch:
        batch.add_column(sa.Column('municipality_code', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=True))
    op.execute("UPDATE conversation SET municipality_code = "
               "(SELECT sick_case.municipality_code FROM sick_case WHERE sick_case.id = conversation.case_id)")
    op.create_index('ix_conversation_booked_by_day', 'conversation', ['municipality_code', 'scheduled_at'],
                    sqlite_where=sa.text(BOOKED), postgresql_where=sa.text(BOOKED))
    op.create_table(
        'caseworker',
        sa.Column('subject', sa.String(length=255), nullable=False),
        sa.Column('municipality_code', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('last_login_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('subject'),
    )
    op.create_index('ix_caseworker_municipality_name', 'caseworker', ['municipality_code', 'name'])
    op.create_table(
        'citizen_name_token',
        sa.Column('citizen_id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(['citizen_id'], ['citizen.id']),
        sa.PrimaryKeyConstraint('citizen_id', 'token'),
    )
    op.create_index('ix_citizen_name_token_prefix', 'citizen_name_token', ['token', 'citizen_id'],
                    postgresql_ops={'token': 'varchar_pattern_ops'})  # nosec B105: an operator class, no password
    op.create_table(
        'workload_count',
        sa.Column('municipality_code', sa.String(length=3), nullable=False),
        sa.Column('week_of', sa.Date(), nullable=False),
        sa.Column('reason', sa.String(length=32), nullable=False),
        sa.Column('due_count', sa.Integer(), nullable=False),
        sa.Column('counted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('municipality_code', 'week_of', 'reason'),
    )
    # Names already stored get their words now, so search finds every citizen from the start.
    from portal.names import name_tokens

    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT id, name FROM citizen")).all()
    tokens = [{"citizen_id": cid, "token": token} for cid, name in rows for token in name_tokens(name)]
    if tokens:
        connection.execute(sa.text("INSERT INTO citizen_name_token (citizen_id, token) VALUES (:citizen_id, :token)"),
                           tokens)


def downgrade() -> None:
    op.drop_table('workload_count')
    op.drop_index('ix_citizen_name_token_prefix', table_name='citizen_name_token')
    op.drop_table('citizen_name_token')
    op.drop_index('ix_caseworker_municipality_name', table_name='caseworker')
    op.drop_table('caseworker')
    op.drop_index('ix_conversation_booked_by_day', table_name='conversation')
    with op.batch_alter_table('conversation') as batch:
        batch.drop_column('municipality_code')
    op.drop_index('ix_handover_external_reference', table_name='handover')
    op.drop_index('ix_handover_live_waiting', table_name='handover')
    op.drop_index('ix_handover_live_by_assignee', table_name='handover')
    op.drop_index('ix_handover_live_by_due', table_name='handover')
    op.create_index('ix_handover_live_by_due', 'handover', ['municipality_code', 'due', 'id'],
                    sqlite_where=sa.text(LIVE), postgresql_where=sa.text(LIVE))
    with op.batch_alter_table('handover') as batch:
        batch.drop_column('wait_by_name')
        batch.drop_column('wait_reason')
        batch.drop_column('waiting_until')
