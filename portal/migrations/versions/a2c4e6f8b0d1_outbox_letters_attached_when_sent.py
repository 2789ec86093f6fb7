"""outbox messages name a letter to attach as PDF when they are sent

Revision ID: a2c4e6f8b0d1
Revises: f1b3d5e7a9c4
Create Date: 2026-12-01 23:58:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = 'a2c4e6f8b0d1'
down_revision = 'f1b3d5e7a9c4'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox_message') as batch:
        batch.add_column(sa.Column('letter_kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True))
        batch.add_column(sa.Column('letter_ref', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('outbox_message') as batch:
        batch.drop_column('letter_ref')
        batch.drop_column('letter_kind')
