"""The audit log as a CSV file a data-protection officer opens in a spreadsheet: UTF-8 with a byte
order mark and semicolons (what Danish Excel expects), and no cell a spreadsheet would run as a
formula (OWASP: a cell starting with = + - @ tab or carriage return gets a leading apostrophe)."""
from __future__ import annotations

import csv
import io

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def audit_csv(header: list[str], rows: list[list]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([cell(h) for h in header])
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return "\ufeff" + out.getvalue()
