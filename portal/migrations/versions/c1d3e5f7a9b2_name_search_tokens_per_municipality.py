"""name search tokens per municipality: a search reads only the caseworker's own municipality's names

Revision ID: c1d3e5f7a9b2
Revises: a7c9e1b3d5f8
Create Date: 2026-12-04 12:50:00

citizen_name_token held each word of every citizen's name once for the whole country, so a search
intersected each word's prefix matches across every municipality before it kept the caseworker's
own: its cost followed the country's size. municipality_name_token holds the words once for each
municipality where the citizen has a case, keyed by municipality first.
"""
import sqlalchemy as sa
from alembic import op

revision = 'c1d3e5f7a9b2'
down_revision = 'a7c9e1b3d5f8'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'municipality_name_token',
        sa.Column('citizen_id', sa.Integer(), nullable=False),
        sa.Column('municipality_code', sa.String(length=3), nullable=False),
        sa.Column('token', sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(['citizen_id'], ['citizen.id']),
        sa.PrimaryKeyConstraint('citizen_id', 'municipality_code', 'token'),
    )
    op.create_index('ix_municipality_name_token_prefix', 'municipality_name_token',
                    ['municipality_code', 'token', 'citizen_id'],
                    postgresql_ops={'token': 'varchar_pattern_ops'})  # nosec B105: an operator class, no password
    # The words already stored, under each municipality the citizen has a case in; a citizen with no
    # case was in no search's results before either (the search reads cases).
    op.execute("""
        INSERT INTO municipality_name_token (citizen_id, municipality_code, token)
        SELECT DISTINCT t.citizen_id, c.municipality_code, t.token
        FROM citizen_name_token t JOIN sick_case c ON c.citizen_id = t.citizen_id""")
    op.drop_index('ix_citizen_name_token_prefix', table_name='citizen_name_token')
    op.drop_table('citizen_name_token')


def downgrade() -> None:
    op.create_table(
        'citizen_name_token',
        sa.Column('citizen_id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(['citizen_id'], ['citizen.id']),
        sa.PrimaryKeyConstraint('citizen_id', 'token'),
    )
    op.create_index('ix_citizen_name_token_prefix', 'citizen_name_token', ['token', 'citizen_id'],
                    postgresql_ops={'token': 'varchar_pattern_ops'})  # nosec B105: an operator class, no password
    # Every citizen's words again, those without a case too, as the old table kept them.
    from portal.names import name_tokens

    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT id, name FROM citizen")).all()
    tokens = [{"citizen_id": cid, "token": token} for cid, name in rows for token in name_tokens(name)]
    if tokens:
        connection.execute(sa.text("INSERT INTO citizen_name_token (citizen_id, token) VALUES (:citizen_id, :token)"),
                           tokens)
    op.drop_index('ix_municipality_name_token_prefix', table_name='municipality_name_token')
    op.drop_table('municipality_name_token')
