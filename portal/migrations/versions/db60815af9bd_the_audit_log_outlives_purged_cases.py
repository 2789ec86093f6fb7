"""the audit log outlives purged cases

Revision ID: db60815af9bd
Revises: eed8d2a248d2
Create Date: 2026-11-23 13:21:18.014294
"""
from alembic import op


revision = 'db60815af9bd'
down_revision = 'eed8d2a248d2'
branch_labels = None
depends_on = None


# The foreign key was created without a name: PostgreSQL named it itself, SQLite keeps none, so batch
# mode gives it one by naming convention before dropping it.
NAMING = {"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"}


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint("audit_entry_case_id_fkey", "audit_entry", type_="foreignkey")
        return
    with op.batch_alter_table("audit_entry", naming_convention=NAMING, recreate="always") as batch_op:
        batch_op.drop_constraint("fk_audit_entry_case_id_sick_case", type_="foreignkey")


def downgrade() -> None:
    with op.batch_alter_table("audit_entry", naming_convention=NAMING) as batch_op:
        batch_op.create_foreign_key("fk_audit_entry_case_id_sick_case", "sick_case", ["case_id"], ["id"])
