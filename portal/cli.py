"""Flask commands: migrate, make-migration, seed-demo, sweep, send-outbox, purge-closed."""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from . import migrations


def init_app(app: Flask) -> None:
    app.cli.add_command(migrate)
    app.cli.add_command(make_migration)
    app.cli.add_command(seed_demo)
    app.cli.add_command(sweep)
    app.cli.add_command(send_outbox)
    app.cli.add_command(purge_closed)


@click.command("purge-closed")
@with_appcontext
@click.option("--dry-run", is_flag=True, help="Only count what would be purged.")
def purge_closed(dry_run: bool) -> None:
    """Delete closed cases older than PORTAL_RETENTION_DAYS, and citizens left with no case; the
    audit log stays. Run it from a timer (e.g. nightly)."""
    from . import clock
    from .cases.retention import purge_closed as purge
    from .db import session_scope

    keep_days = current_app.config["PORTAL_RETENTION_DAYS"]
    with session_scope(current_app) as db:
        done = purge(db, clock.today(), keep_days, dry_run=dry_run)
    if dry_run:
        click.echo(f"purge-closed: at least {done.cases} closed cases are older than {keep_days} days")
    else:
        click.echo(f"purge-closed: {done.cases} closed cases and {done.citizens} citizens purged "
                   f"(closed more than {keep_days} days ago); the audit log is kept")


@click.command("migrate")
@with_appcontext
def migrate() -> None:
    """Bring the database schema up to date (safe to run every start)."""
    migrations.upgrade(current_app.config["DATABASE_URL"])
    click.echo("database is up to date")


@click.command("make-migration")
@with_appcontext
@click.argument("message")
def make_migration(message: str) -> None:
    """Write a new migration from the difference between the models and the database."""
    migrations.make_revision(current_app.config["DATABASE_URL"], message)


@click.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Demo data for a laptop: cases for the test citizens. Safe to run again."""
    from .demo import seed

    created = seed(current_app)
    click.echo(f"demo data: {created} new cases")


@click.command("sweep")
@with_appcontext
@click.option("--batch-size", default=1000, show_default=True)
def sweep(batch_size: int) -> None:
    """Re-screen every open case and hand over those that need the jobcenter (run from a timer;
    safe to run twice or in two processes at once)."""
    import time

    from . import clock
    from .cases.handover import sweep as sweep_cases
    from .db import session_scope
    from .notify.reminders import queue_due
    from .submissions import purge_old

    started = time.perf_counter()
    with session_scope(current_app) as db:
        from .cases.employer import lapse_unanswered

        lapsed = lapse_unanswered(db, clock.today())
        screened, made = sweep_cases(db, clock.today(), batch_size)
        queued = queue_due(db, clock.today(), _overview_link(), batch_size)
    with current_app.extensions["portal.engine"].begin() as connection:
        forgotten = purge_old(connection)
    click.echo(f"sweep: {lapsed} unanswered fast-track requests went ahead, {screened} open cases screened, "
               f"{made} new handovers, {queued} reminders queued, {forgotten} old form keys forgotten, "
               f"{time.perf_counter() - started:.1f} s")


def _overview_link() -> str:
    from flask import url_for

    with current_app.test_request_context():
        return current_app.config["PORTAL_PUBLIC_URL"] + url_for("citizen.overview")


@click.command("send-outbox")
@with_appcontext
@click.option("--limit", default=500, show_default=True)
@click.option("--worker", default=None, help="A name for this sender in the outbox (default: host and pid).")
def send_outbox(limit: int, worker: str | None) -> None:
    """Send the queued messages (run from a timer; several senders at once send each message once)."""
    import os
    import socket

    from .db import session_scope
    from .notify.outbox import send_pending
    from .notify.senders import sender_for

    worker = worker or f"{socket.gethostname()}:{os.getpid()}"
    with session_scope(current_app) as db:
        report = send_pending(db, sender_for(current_app), worker, limit)
    click.echo(f"send-outbox: {report.sent} sent, {report.failed} failed, {report.cancelled} cancelled")
