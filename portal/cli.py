"""Flask commands: migrate, make-migration, seed-demo, sweep. (send-outbox and purge come later.)"""
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

    started = time.perf_counter()
    with session_scope(current_app) as db:
        screened, made = sweep_cases(db, clock.today(), batch_size)
    click.echo(f"sweep: {screened} open cases screened, {made} new handovers, "
               f"{time.perf_counter() - started:.1f} s")
