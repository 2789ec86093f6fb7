"""Flask commands: migrate, seed-demo. (sweep, send-outbox and purge come with their issues.)"""
from __future__ import annotations

import click
from flask import Flask, current_app

from . import migrations


def init_app(app: Flask) -> None:
    app.cli.add_command(migrate)
    app.cli.add_command(make_migration)
    app.cli.add_command(seed_demo)


@click.command("migrate")
def migrate() -> None:
    """Bring the database schema up to date (safe to run every start)."""
    migrations.upgrade(current_app.config["DATABASE_URL"])
    click.echo("database is up to date")


@click.command("make-migration")
@click.argument("message")
def make_migration(message: str) -> None:
    """Write a new migration from the difference between the models and the database."""
    migrations.make_revision(current_app.config["DATABASE_URL"], message)


@click.command("seed-demo")
def seed_demo() -> None:
    """Demo data for a laptop: cases for the test citizens. Safe to run again."""
    from .demo import seed

    created = seed(current_app)
    click.echo(f"demo data: {created} new cases")
