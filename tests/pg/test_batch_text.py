"""A batch's column sent to PostgreSQL as one text (portal/cases/batch_text.py) comes back as the rows
it was made of: in order, an empty value as an empty row, one empty value as one row; and a list of ids
matches what it holds, an empty one nothing. The sweep's handovers, events and next-check days rely on it,
and split their columns the same way."""
from __future__ import annotations

import os
from datetime import date

import pytest
from sqlalchemy import Integer as IntegerType
from sqlalchemy import column, create_engine, select, text, values

from portal.cases import events, handover
from portal.cases.batch_text import among_ids, as_lines

PG_URL = os.environ.get("PORTAL_TEST_DATABASE_URL")
pytestmark = pytest.mark.skipif(not PG_URL, reason="PostgreSQL only: set PORTAL_TEST_DATABASE_URL")

ROWS = text("SELECT value, n FROM ROWS FROM (regexp_split_to_table(:column, E'\\n')) WITH ORDINALITY AS row(value, n)"
            " ORDER BY n")


@pytest.fixture
def connection():
    engine = create_engine(PG_URL)
    with engine.connect() as connection:
        yield connection
    engine.dispose()


@pytest.mark.parametrize("column_values", [
    ["first_conversation_due:2027-01-09|reassessment_due:2027-04-17", "", "questionnaire_due:2026-11-23"],
    [""],
    ["", ""],
    [17, 4, 2_000_000],
    [date(2026, 11, 16), date(2027, 1, 1)],
])
def test_a_column_sent_as_one_text_comes_back_row_for_row(connection, column_values):
    rows = connection.execute(ROWS, {"column": as_lines(column_values)}).all()
    assert [value for value, _n in rows] == [str(v) for v in column_values]


@pytest.mark.parametrize(("ids", "found"), [([2, 3, 9], [2, 3]), ([1], [1]), ([], [])])
def test_ids_sent_as_one_text_match_what_they_hold(connection, ids, found):
    numbers = values(column("n", IntegerType), name="numbers").data([(1,), (2,), (3,), (4,)])
    statement = select(numbers.c.n).where(among_ids(numbers.c.n, None, ids)).order_by(numbers.c.n)
    assert connection.execute(statement).scalars().all() == found


@pytest.mark.parametrize("statement", [handover._INSERT_FROM_ARRAYS, handover._STORE_FROM_ARRAYS,
                                       events._INSERT_FROM_ARRAYS])
def test_the_sweeps_statements_split_their_text_columns_as_tested_here(statement):
    sql = statement.text
    assert "regexp_split_to_table(:" in sql
    assert "string_to_array" not in sql and "unnest(" not in sql
