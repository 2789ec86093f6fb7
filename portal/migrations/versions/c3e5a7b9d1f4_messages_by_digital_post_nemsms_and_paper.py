"""messages by Digital Post, NemSMS and paper: the channel and its trace on each outbox message,
and the citizen's language

Revision ID: c3e5a7b9d1f4
Revises: a2c4e6f8b0d1
Create Date: 2026-12-08 10:00:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = 'c3e5a7b9d1f4'
down_revision = 'a2c4e6f8b0d1'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('citizen') as batch:
        batch.add_column(sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True))
    with op.batch_alter_table('outbox_message') as batch:
        batch.add_column(sa.Column('citizen_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False,
                                   server_default='da'))
        batch.add_column(sa.Column('link', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True))
        batch.add_column(sa.Column('notice', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))
        batch.add_column(sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True))
        batch.add_column(sa.Column('message_uuid', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True))
        batch.add_column(sa.Column('channel_reference', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch.create_index(batch.f('ix_outbox_message_citizen_id'), ['citizen_id'], unique=False)
        batch.create_foreign_key('fk_outbox_message_citizen_id_citizen', 'citizen', ['citizen_id'], ['id'])
    # Messages queued before this release were e-mails.
    op.execute("UPDATE outbox_message SET channel = 'email'")


def downgrade() -> None:
    with op.batch_alter_table('outbox_message') as batch:
        batch.drop_constraint('fk_outbox_message_citizen_id_citizen', type_='foreignkey')
        batch.drop_index(batch.f('ix_outbox_message_citizen_id'))
        batch.drop_column('channel_reference')
        batch.drop_column('message_uuid')
        batch.drop_column('channel')
        batch.drop_column('notice')
        batch.drop_column('link')
        batch.drop_column('language')
    with op.batch_alter_table('citizen') as batch:
        batch.drop_column('language')
