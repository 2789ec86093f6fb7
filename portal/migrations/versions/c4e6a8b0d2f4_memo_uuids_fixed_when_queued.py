"""MeMo message ids fixed when a message is queued, as version-4 UUIDs

Revision ID: c4e6a8b0d2f4
Revises: f6c8e0a2d4b7
Create Date: 2026-12-04 00:00:00

The ids were version-5 UUIDs derived from the outbox id at sending time; MeMo's memoUuidType accepts
version 4 only, so KOMBIT would refuse them. A message still waiting gets its id now; one already
sent keeps the id it was sent with (that is what Serviceplatformen knows it by).
"""
import uuid

import sqlalchemy as sa
from alembic import op

revision = 'c4e6a8b0d2f4'
down_revision = 'f6c8e0a2d4b7'
branch_labels = None
depends_on = None


def upgrade() -> None:
    outbox = sa.table("outbox_message", sa.column("id", sa.Integer), sa.column("message_uuid", sa.String))
    connection = op.get_bind()
    waiting = connection.execute(sa.select(outbox.c.id).where(outbox.c.message_uuid.is_(None))).scalars().all()
    for message_id in waiting:
        connection.execute(sa.update(outbox).where(outbox.c.id == message_id)
                           .values(message_uuid=str(uuid.uuid4())))


def downgrade() -> None:
    pass  # the ids stay: nothing older reads them differently
