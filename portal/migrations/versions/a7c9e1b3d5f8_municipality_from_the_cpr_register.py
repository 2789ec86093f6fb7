"""the case's municipality from the CPR register: confirmed or not, and when it was read

Revision ID: a7c9e1b3d5f8
Revises: d0f2a4c6e8b1
Create Date: 2026-12-04 07:40:00

Cases opened before the register was asked keep their municipality as confirmed, unread: the sweep
reads the register for them first (the oldest reading goes first, and theirs is none).
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = 'a7c9e1b3d5f8'
down_revision = 'd0f2a4c6e8b1'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('sick_case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('municipality_confirmed', sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column('municipality_read_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('sick_case', schema=None) as batch_op:
        batch_op.drop_column('municipality_read_at')
        batch_op.drop_column('municipality_confirmed')
