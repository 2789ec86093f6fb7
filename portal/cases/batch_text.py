"""A batch's values as one text parameter, for the PostgreSQL statements that take a thousand rows.

psycopg dumps a Python list bound to an array parameter element by element, each through a regex that
decides its quoting: for the sweep's batches that cost more client CPU than the statements did on the
server. One text of the values, a value a line, costs one join; the server splits it again. No value
may hold a line break: the callers send ids, dates, codes and reason texts.

A column of rows is split with `regexp_split_to_table(:name, E'\\n')`, written out in each statement (no
SQL is put together from strings), not `unnest(string_to_array(…))`: one empty value stays one row
(string_to_array makes no element of an empty text, and the columns would shift)."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Integer, String, any_, bindparam, cast, func
from sqlalchemy.dialects import postgresql


def as_lines(values: Iterable) -> str:
    """The values, a line each (a date as its ISO text)."""
    return "\n".join(map(str, values))


def among_ids(column, name: str | None, ids: Iterable[int] | None = None):
    """`column = ANY(the ids)`, the ids as one text parameter (given at execution as `as_lines(ids)`,
    or here as `ids`): one parameter, so the statement is prepared once whatever the batch's size. An
    empty text matches nothing."""
    parameter = bindparam(name, type_=String) if ids is None else bindparam(name, as_lines(ids), type_=String)
    return column == any_(cast(func.string_to_array(parameter, "\n"), postgresql.ARRAY(Integer)))
