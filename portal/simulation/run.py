"""One simulated period on its own database: a fresh SQLite file in `out`, or the PostgreSQL given."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, text

from .. import create_app, migrations
from .engine import Outcome, Settings, run


class NotEmpty(Exception):
    """The database given already holds cases: the simulation would mix with them."""


def simulate(settings: Settings, out: Path, database_url: str | None = None, progress=None) -> Outcome:
    out.mkdir(parents=True, exist_ok=True)
    if database_url is None:
        path = out / "simulation.sqlite3"
        for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            stale.unlink(missing_ok=True)
        database_url = f"sqlite:///{path.resolve()}"
    migrations.upgrade(database_url)
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            if connection.execute(text("SELECT 1 FROM sick_case LIMIT 1")).first() is not None:
                raise NotEmpty("the database already holds cases: give an empty one")
    finally:
        engine.dispose()
    app = create_app({"DATABASE_URL": database_url, "PORTAL_TODAY": settings.start.isoformat(),
                      "PORTAL_OUTBOX_DIR": str((out / "outbox").resolve()), "PORTAL_REGISTER": "local"})
    try:
        return run(app, settings, progress)
    finally:
        app.extensions["portal.engine"].dispose()
