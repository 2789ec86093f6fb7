"""Flask commands: migrate, make-migration, seed-demo, sweep, send-outbox, purge-closed, api-client,
oidc-client-jwks, simulate-year."""
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
    app.cli.add_command(api_client)
    app.cli.add_command(oidc_client_jwks)
    app.cli.add_command(simulate_year)


@click.command("oidc-client-jwks")
@with_appcontext
def oidc_client_jwks() -> None:
    """Print the public keys of the private_key_jwt logins as a JWKS, with the kid the portal's
    client assertions carry: register it with the broker (never the private key)."""
    import json

    from .auth.oidc import client_jwks

    jwks = client_jwks(current_app.config["PORTAL_OIDC"])
    if not jwks["keys"]:
        raise click.ClickException("no login uses private_key_jwt (PORTAL_OIDC_<FACE>_TOKEN_AUTH_METHOD)")
    click.echo(json.dumps(jwks, indent=2))


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
@click.option("--every-case", is_flag=True,
              help="Screen every open case and work out its reminders, not only those due for a check "
              "(after a change of the rules).")
def sweep(batch_size: int, every_case: bool) -> None:
    """Re-screen the open cases due for a check (their facts changed, or a date of theirs came) and hand
    over those that need the jobcenter (run from a timer; safe to run twice or in two processes at once)."""
    import time

    from . import clock
    from .api.idempotency import purge_old as purge_old_idempotency_keys
    from .api.oauth import purge_expired_tokens
    from .cases.handover import sweep as sweep_cases
    from .db import session_scope
    from .notify.reminders import queue_due
    from .submissions import purge_old

    started = time.perf_counter()
    with session_scope(current_app) as db:
        from .cases.employer import mark_unanswered

        unanswered = mark_unanswered(db, clock.today())
        residences = _recheck_residences(db)
        screened, made = sweep_cases(db, clock.today(), batch_size, every_case=every_case)
        queued = queue_due(db, clock.today(), _overview_link(), batch_size, every_case=every_case)
    with current_app.extensions["portal.engine"].begin() as connection:
        forgotten = purge_old(connection) + purge_old_idempotency_keys(connection)
    with session_scope(current_app) as db:
        tokens = purge_expired_tokens(db)
        db.commit()
    from .auth.server_session import purge as purge_sessions

    sessions = purge_sessions(current_app)
    click.echo(f"sweep: {residences.read} read in the CPR register ({residences.routed} routed, "
               f"{residences.moved} moved, {residences.closed} closed at death, "
               f"{residences.unanswered} unanswered), "
               f"{unanswered} unanswered fast-track requests sent for a decision, "
               f"{screened} open cases screened, "
               f"{made} new handovers, {queued} reminders queued, {forgotten} old form and API keys forgotten, "
               f"{tokens} expired API tokens removed, {sessions} ended sessions forgotten, "
               f"{time.perf_counter() - started:.1f} s")


def _recheck_residences(db):
    """The CPR register read again for the cases whose municipality is not confirmed, and for a
    bounded number of the rest (PORTAL_REGISTER_RECHECK_PER_SWEEP), the oldest reading first."""
    from . import clock
    from .cases.residence import recheck
    from .personal_data import decrypt_cpr
    from .register import register_of

    config = current_app.config
    return recheck(db, register_of(current_app), clock.today(), config["PORTAL_REGISTER_RECHECK_PER_SWEEP"],
                   config["PORTAL_REGISTER_RECHECK_DAYS"], decrypt_cpr)


def _overview_link() -> str:
    from .web import public_url

    with current_app.test_request_context():
        return public_url("citizen.overview")


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


@click.group("api-client")
def api_client() -> None:
    """The municipalities' case systems that may call the API."""


@api_client.command("add")
@with_appcontext
@click.option("--name", required=True, help='The case system, as caseworkers will see it, e.g. "Fagsystem (KMD)".')
@click.option("--municipality", required=True, help="The municipality's three-digit code, e.g. 101.")
@click.option("--scope", default=None, help="Space-separated scopes (default: all of them).")
def api_client_add(name: str, municipality: str, scope: str | None) -> None:
    """Register a client and print its id and secret (the secret is shown this once)."""
    from .api.oauth import register_client
    from .db import session_scope

    if not (len(municipality) == 3 and municipality.isdigit()):
        raise click.BadParameter("a municipality code is three digits, e.g. 101", param_hint="--municipality")
    with session_scope(current_app) as db:
        try:
            client, secret = register_client(db, name.strip(), municipality, scope)
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="--scope") from error
    click.echo(f"client_id:     {client.client_id}\nclient_secret: {secret}\nscope:         {client.scope}\n"
               "Keep the secret in the case system's secret store: it is not shown again.")


@api_client.command("list")
@with_appcontext
def api_client_list() -> None:
    """The registered clients (never their secrets)."""
    from sqlmodel import select

    from .db import session_scope
    from .models import ApiClient

    with session_scope(current_app) as db:
        for client in db.exec(select(ApiClient).order_by(ApiClient.municipality_code, ApiClient.id)):
            state = f"revoked {client.revoked_at:%Y-%m-%d}" if client.revoked_at else "active"
            click.echo(f"{client.client_id}  {client.municipality_code}  {state}  {client.scope}  {client.name}")


@api_client.command("revoke")
@with_appcontext
@click.argument("client_id")
def api_client_revoke(client_id: str) -> None:
    """Stop a client at once: its tokens stop working and it can get no new ones."""
    from .api.oauth import revoke_client
    from .db import session_scope

    with session_scope(current_app) as db:
        if not revoke_client(db, client_id):
            raise click.ClickException(f"no active client {client_id}")
    click.echo(f"{client_id} revoked")


@click.command("simulate-year")
@click.option("--cases", default=2000, show_default=True, help="Sick reports a year.")
@click.option("--caseworkers", default=4, show_default=True)
@click.option("--conversations-per-week", default=15, show_default=True, help="Each caseworker's.")
@click.option("--seed", default=1, show_default=True)
@click.option("--start", default="2027-01-04", show_default=True, help="The first simulated day.")
@click.option("--days", default=365, show_default=True, help="How many days to simulate.")
@click.option("--out", "out_dir", default="instance/simulation", show_default=True, type=click.Path(file_okay=False),
              help="Where the report (report.html, report.csv) and the SQLite database go.")
@click.option("--database-url", default=None,
              help="An empty PostgreSQL database to run on (default: a fresh SQLite file in --out).")
@click.option("--team-sizes", default="", help="Replay the whole period for each team size too, e.g. 2,3,4 "
              "(SQLite only: each on a fresh file).")
@click.option("--reminders/--no-reminders", default=True, show_default=True,
              help="Queue the citizens' reminders every day, as the sweep does.")
def simulate_year(cases: int, caseworkers: int, conversations_per_week: int, seed: int, start: str, days: int,
                  out_dir: str, database_url: str | None, team_sizes: str, reminders: bool) -> None:
    """Replay a year of sick leave through the portal's own use cases on a separate database, and
    report the deadlines met, the queue, the caseworkers' load and the team that keeps 99 % on time.
    Exits non-zero if a deadline passed without having been in the queue first."""
    from datetime import date
    from pathlib import Path

    from .simulation.engine import Settings
    from .simulation.report import municipality_share, write
    from .simulation.run import NotEmpty, simulate

    try:
        sizes = sorted({int(size) for size in team_sizes.split(",") if size.strip()})
        first_day = date.fromisoformat(start)
    except ValueError as error:
        raise click.BadParameter(str(error)) from error
    if sizes and database_url:
        raise click.BadParameter("team sizes are replayed on fresh SQLite files only", param_hint="--team-sizes")
    out = Path(out_dir)
    settings = Settings(cases=cases, caseworkers=caseworkers, conversations_per_week=conversations_per_week,
                        seed=seed, start=first_day, days=days, reminders=reminders)

    def progress(day, seconds):
        click.echo(f"  {day.isoformat()}  {seconds:6.0f} s", err=True)

    try:
        outcome = simulate(settings, out, database_url, progress)
    except NotEmpty as error:
        raise click.BadParameter(str(error), param_hint="--database-url") from error
    replays = []
    for size in sizes:
        other = simulate(Settings(**{**settings.__dict__, "caseworkers": size}), out / f"team-{size}", None, None)
        replays.append((size, *municipality_share(other.obligations), ))
        click.echo(f"team of {size}: {replays[-1][1]} of {replays[-1][2]} on time", err=True)
    html, csv_file = write(outcome, out, replays)
    met, total = municipality_share(outcome.obligations)
    click.echo(f"simulate-year: {outcome.counts['cases reported']} cases, {met} of {total} municipality deadlines "
               f"met on time, {len(outcome.violations)} passed unseen, {outcome.seconds:.0f} s; {html}, {csv_file}")
    if outcome.violations:
        raise SystemExit(1)
