"""One simulated period on its own database: a fresh SQLite file in `out`, or the PostgreSQL given."""
from __future__ import annotations

from pathlib import Path

from .. import create_app, migrations
from .engine import Outcome, Settings, run


def simulate(settings: Settings, out: Path, database_url: str | None = None, progress=None) -> Outcome:
    out.mkdir(parents=True, exist_ok=True)
    if database_url is None:
        path = out / "simulation.sqlite3"
        for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            stale.unlink(missing_ok=True)
        database_url = f"sqlite:///{path.resolve()}"
    migrations.upgrade(database_url)
    app = create_app({"DATABASE_URL": database_url, "PORTAL_TODAY": settings.start.isoformat(),
                      "PORTAL_OUTBOX_DIR": str((out / "outbox").resolve()), "PORTAL_REGISTER": "local"})
    try:
        return run(app, settings, progress)
    finally:
        app.extensions["portal.engine"].dispose()
