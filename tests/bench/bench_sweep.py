"""Benchmark: `sweep` over N open cases on PostgreSQL (not part of the test suite; `make bench`).

Reports the sweep's time beside a baseline measured in the same run on the same data: reading the
same open cases with their questionnaires and live handovers in the same batches as ORM entities (the
sweep's read until 2026-12, kept fixed as a yardstick of the machine's speed that day), without
screening or writing. Compare the "× baseline" column across runs, not the seconds."""
from __future__ import annotations

import argparse
import os
import platform
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlmodel import Session

from portal.config import DEV_CPR_ENCRYPTION_KEY
from portal.personal_data import encrypt_cpr

ADMIN_URL = os.environ.get("PORTAL_BENCH_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
# Overridable, so two checkouts benchmarking on one server do not drop each other's database.
BENCH_DB = os.environ.get("PORTAL_BENCH_DB", "portal_bench")
TODAY = date(2026, 11, 16)


def fresh_database() -> str:
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {BENCH_DB}"))
        connection.execute(text(f"CREATE DATABASE {BENCH_DB}"))
    admin.dispose()
    url = ADMIN_URL.rsplit("/", 1)[0] + f"/{BENCH_DB}"
    from portal import migrations

    migrations.upgrade(url)
    return url


def fill(url: str, count: int, elsewhere: bool = True) -> None:
    """N citizens, each with an open case and a questionnaire, first absence days spread over 26 weeks:
    the even ids in København, the odd ones in Aarhus. elsewhere=False leaves Aarhus's out, so that
    København's citizens and cases are the same as in the full country, and nothing else is there."""
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("""
            INSERT INTO citizen (id, cpr_hash, cpr_encrypted, name, created_at)
            SELECT g, 'bench-' || g, :cpr, 'Bench ' || g, now() FROM generate_series(1, :n) g
            WHERE :elsewhere OR g % 2 = 0"""),
            # One fictitious number (day 61), encrypted with the development key, for every citizen:
            # the caseworker's case view and the API's package decrypt it.
            {"n": count, "cpr": encrypt_cpr("6101904000", DEV_CPR_ENCRYPTION_KEY), "elsewhere": elsewhere})
        connection.execute(text("""
            INSERT INTO sick_case (id, citizen_id, municipality_code, status, first_absence_day, employment,
                                   absence_kind, reported_on, reported_by, questionnaire_sent_on,
                                   created_at, updated_at)
            SELECT g, g, CASE WHEN g % 2 = 0 THEN '101' ELSE '751' END, 'open',
                   CAST(:today AS date) - (g % 182), CASE WHEN g % 9 = 0 THEN 'unemployed' ELSE 'employed' END,
                   'full', CAST(:today AS date) - (g % 182), 'citizen', CAST(:today AS date) - (g % 182), now(), now()
            FROM generate_series(1, :n) g WHERE :elsewhere OR g % 2 = 0"""),
            {"n": count, "today": TODAY, "elsewhere": elsewhere})
        connection.execute(text("""
            INSERT INTO questionnaire (case_id, status, answers, declaration_accepted, updated_at)
            SELECT g, 'draft', '{}', false, now() FROM generate_series(1, :n) g WHERE :elsewhere OR g % 2 = 0"""),
            {"n": count, "elsewhere": elsewhere})
        for table in ("citizen", "sick_case"):
            connection.execute(text(f"SELECT setval('{table}_id_seq', :n)"), {"n": count})
        connection.execute(text("ANALYZE"))
    engine.dispose()


def orm_case_batch(db: Session, after_id: int, batch_size: int) -> list[tuple]:
    """The baseline's read, kept as it was when the baseline was introduced (the sweep read this until
    2026-12): each open case with its questionnaire and live handover as three ORM entities. Kept fixed
    so that the "× baseline" column stays comparable across runs and days; the sweep itself now reads
    plain rows of fewer columns (portal.cases.handover.open_case_batch)."""
    from sqlmodel import select

    from portal.models import CaseStatus, Handover, HandoverStatus, Questionnaire, SickCase

    return db.exec(
        select(SickCase, Questionnaire, Handover)
        .join(Questionnaire, Questionnaire.case_id == SickCase.id, isouter=True)
        .join(Handover, (Handover.case_id == SickCase.id) & (Handover.status != HandoverStatus.CLOSED),
              isouter=True)
        .where(SickCase.status == CaseStatus.OPEN, SickCase.id > after_id)
        .order_by(SickCase.id).limit(batch_size)
    ).all()


def baseline(url: str, batch_size: int) -> float:
    from portal.db import make_engine

    engine = make_engine(url)  # the portal's engine and its settings, as the sweep command has
    started = time.perf_counter()
    with Session(engine) as db:
        last_id = 0
        while rows := orm_case_batch(db, last_id, batch_size):
            last_id = rows[-1][0].id
    engine.dispose()
    return time.perf_counter() - started


def vary(url: str) -> None:
    lines = Path(__file__).with_name("varied_cases.sql").read_text().splitlines()
    sql = "\n".join(line for line in lines if not line.startswith("--"))
    statements = [part.strip() for part in sql.split(";") if part.strip()]
    with create_engine(url, isolation_level="AUTOCOMMIT").connect() as connection:
        for statement in statements:
            connection.execute(text(statement))


def run_sweep(url: str, batch_size: int, today: date = TODAY) -> tuple[float, int, int]:
    from portal.cases.handover import sweep
    from portal.db import make_engine

    engine = make_engine(url)
    started = time.perf_counter()
    # The session the sweep command uses (portal.db.session_scope): nothing expired at each commit.
    with Session(engine, expire_on_commit=False) as db:
        screened, made = sweep(db, today, batch_size)
    engine.dispose()
    return time.perf_counter() - started, screened, made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--varied", action="store_true",
                        help="vary the cases (varied_cases.sql); the report goes to results/, not REPORT-sweep.md")
    args = parser.parse_args()
    url = fresh_database()
    fill(url, args.cases)
    if args.varied:
        vary(url)
    base = baseline(url, args.batch_size)
    first, screened, made = run_sweep(url, args.batch_size)
    # What autovacuum does soon after on a live database: the second sweep plans with real statistics.
    with create_engine(url, isolation_level="AUTOCOMMIT").connect() as connection:
        connection.execute(text("ANALYZE"))
    second, screened_again, made_again = run_sweep(url, args.batch_size)
    # The next day: only the cases whose next-check day has come (rules/next_check.py) are screened.
    next_day, screened_next, made_next = run_sweep(url, args.batch_size, TODAY + timedelta(days=1))
    lines = [
        f"# sweep benchmark ({date.today().isoformat()})",
        "",
        f"Machine: {platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"PostgreSQL on loopback. {args.cases} open cases, batches of {args.batch_size}, today = {TODAY}.",
        "",
        "| run | seconds | cases screened | handovers made | × baseline |",
        "|---|---|---|---|---|",
        f"| baseline: read the same batches, no screening | {base:.2f} | – | – | 1.00 |",
        f"| first sweep (every case due for a check) | {first:.2f} | {screened} | {made} | {first / base:.2f} |",
        f"| same day again (nothing due) | {second:.2f} | {screened_again} | {made_again} | {second / base:.2f} |",
        f"| next day | {next_day:.2f} | {screened_next} | {made_next} | {next_day / base:.2f} |",
    ]
    report = "\n".join(lines) + "\n"
    print(report)
    out = Path(__file__).with_name("REPORT-sweep.md")
    if args.varied:
        out = Path(__file__).parent / "results" / "REPORT-sweep-varied.md"
        out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report)


if __name__ == "__main__":
    main()
