"""Sessions that live on the server. The cookie carries one opaque random token and nothing else
(no name, no id, no PKCE verifier); the database keeps the session under the token's SHA-256 hash.
Logging out, the idle timeout and the absolute lifetime end the session on the server, so a cookie
saved before any of them opens nothing afterwards.

The store is the portal's own database: PostgreSQL in production (shared by every instance behind
the load balancer), the SQLite file on a laptop. Flask-Session would do the same job, but keeps no
index by person, which ending one's other sessions and the OpenID back-channel logout need."""
from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from flask import Flask, Request, Response
from flask.sessions import SessionInterface, SessionMixin
from sqlalchemy import and_, bindparam, select, update
from sqlalchemy.exc import DBAPIError
from werkzeug.datastructures import CallbackDict

from .. import driver_statement
from ..models import WebSession, utcnow

TOUCH_EVERY = timedelta(seconds=60)  # last_seen is written at most once a minute
TABLE = WebSession.__table__
# Every request's first statement, built once.
_LIVE_SESSION = (select(TABLE.c.data, TABLE.c.created_at, TABLE.c.last_seen_at)
                 .where(TABLE.c.id == bindparam("key"), TABLE.c.ended_at.is_(None)))


def _key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _json_copy(value):
    """A deep copy of what a JSON column holds (dicts, lists and immutable scalars), without
    copy.deepcopy's memo and dispatch: every logged-in request copies its session."""
    if isinstance(value, dict):
        return {name: _json_copy(item) for name, item in value.items()}
    if isinstance(value, list):
        return [_json_copy(item) for item in value]
    return value


class ServerSession(CallbackDict, SessionMixin):
    def __init__(self, initial=None, key: str | None = None, last_seen: datetime | None = None):
        def on_update(this):
            this.modified = True

        super().__init__(initial, on_update)
        # What the row held when read: a save writes only the keys this request changed.
        self.loaded = _json_copy(dict(initial)) if key is not None and initial else {}
        self.key, self.last_seen = key, last_seen
        self.modified = False
        self.rotate_reason: str | None = None   # set: end this row and start a new one (login, logout)
        self.expired: str | None = None          # "idle" or "absolute": the session just ended

    def rotate(self, reason: str) -> None:
        self.rotate_reason = reason
        self.modified = True


class DatabaseSessionInterface(SessionInterface):
    def _engine(self, app: Flask):
        return app.extensions["portal.engine"]

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        token = request.cookies.get(self.get_cookie_name(app))
        if not token:
            return ServerSession()
        key = _key(token)
        try:
            row = self._read(app, key)
        except DBAPIError as error:  # the database is away: the request is answered 503 (auth.session)
            app.logger.error("session store unavailable: %s", type(error.orig).__name__)
            unavailable = ServerSession()
            unavailable.store_down = True
            return unavailable
        if row is None:
            return ServerSession()
        now = utcnow()
        idle = timedelta(minutes=app.config["PORTAL_IDLE_TIMEOUT_MINUTES"])
        absolute = timedelta(hours=app.config["PORTAL_ABSOLUTE_TIMEOUT_HOURS"])
        reason = ("idle" if now - _aware(row.last_seen_at) > idle
                  else "absolute" if now - _aware(row.created_at) > absolute else None)
        if reason:
            end(app, [key], reason)
            fresh = ServerSession({"lang": row.data["lang"]} if row.data.get("lang") else None)
            fresh.expired = reason if "user" in row.data else None
            fresh.modified = bool(fresh)
            return fresh
        return ServerSession(row.data, key, _aware(row.last_seen_at))

    def _read(self, app: Flask, key: str):
        """The live session row. One statement in autocommit (no BEGIN and ROLLBACK around it); read
        again once if the connection turned out dead, which also renewed the pool (portal.db)."""
        engine = self._engine(app)
        for attempt in (1, 2):
            try:
                with engine.connect() as connection:
                    if driver_statement.usable(connection):
                        return _read_by_driver(connection, key)
                    return connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                        _LIVE_SESSION, {"key": key}).first()
            except DBAPIError as error:
                if attempt == 2 or not error.connection_invalidated:
                    raise
        return None  # not reached: the loop returns or raises

    def save_session(self, app: Flask, session: ServerSession, response: Response) -> None:
        if getattr(session, "store_down", False):
            return
        try:
            self._save(app, session, response)
        except DBAPIError as error:  # never turn an answer already made into a bare server error
            app.logger.error("session not saved: %s", type(error.orig).__name__)

    def _save(self, app: Flask, session: ServerSession, response: Response) -> None:
        name, now = self.get_cookie_name(app), utcnow()
        if session.key and session.rotate_reason:
            end(app, [session.key], session.rotate_reason)
            session.key = None
        if not session:
            if session.key:
                end(app, [session.key], "emptied")
            if session.key or request_had_cookie(name):
                response.delete_cookie(name, path=self.get_cookie_path(app), domain=self.get_cookie_domain(app))
            return
        user = session.get("user") or {}
        if session.key is None:
            token = secrets.token_urlsafe(32)
            with self._engine(app).begin() as connection:
                connection.execute(TABLE.insert().values(
                    id=_key(token), public_id=secrets.token_urlsafe(9), data=dict(session), created_at=now,
                    last_seen_at=now, role=user.get("role"), subject=user.get("subject"), sid=session.get("sid"),
                    user_agent=_device(response)))
            response.set_cookie(name, token, httponly=True, secure=self.get_cookie_secure(app),
                                samesite=self.get_cookie_samesite(app), path=self.get_cookie_path(app),
                                domain=self.get_cookie_domain(app))
            response.vary.add("Cookie")
            return
        if session.modified:
            with self._engine(app).begin() as connection:
                # Another request of this session (a second tab) may have saved since this one read
                # the row: lock it, and lay only this request's changes over what it holds now.
                stored = connection.execute(select(TABLE.c.data).where(TABLE.c.id == session.key)
                                            .with_for_update()).scalar_one_or_none()
                connection.execute(update(TABLE).where(TABLE.c.id == session.key).values(
                    last_seen_at=now, data=_changes_laid_over(stored or {}, session.loaded, dict(session))))
        elif session.last_seen is None or now - session.last_seen >= TOUCH_EVERY:
            with self._engine(app).begin() as connection:
                connection.execute(update(TABLE).where(TABLE.c.id == session.key).values(last_seen_at=now))


def _read_by_driver(connection, key: str):
    """_LIVE_SESSION on psycopg's own connection (portal.driver_statement): the same statement, row
    and error handling as through SQLAlchemy Core at about half the client CPU."""
    row = driver_statement.run(connection, driver_statement.sql_of(_LIVE_SESSION, type(connection.dialect)),
                               {"key": key}, fetch=True)
    if row is None:
        return None
    data, created_at, last_seen_at = row
    # As the columns' type (UTCDateTime) gives them through Core: in UTC whatever the server's zone.
    return LiveRow(data, created_at.astimezone(UTC), last_seen_at.astimezone(UTC))


class LiveRow(NamedTuple):
    data: dict
    created_at: datetime
    last_seen_at: datetime


_ABSENT = object()


def _changes_laid_over(stored: dict, loaded: dict, now: dict) -> dict:
    """`stored` with the keys that went from `loaded` to `now` set or removed as they were here."""
    merged = dict(stored)
    for name in loaded.keys() | now.keys():
        before, after = loaded.get(name, _ABSENT), now.get(name, _ABSENT)
        if before == after:
            continue
        if after is _ABSENT:
            merged.pop(name, None)
        else:
            merged[name] = after
    return merged


def request_had_cookie(name: str) -> bool:
    from flask import request

    return name in request.cookies


def _device(_response: Response) -> str:
    """A rough description of the browser, for the citizen's list of sessions."""
    from flask import request

    agent = request.user_agent.string or ""
    browser = next((b for b in ("Edg", "Firefox", "Chrome", "Safari") if b in agent), "")
    system = next((s for s in ("Android", "iPhone", "iPad", "Windows", "Mac OS", "Linux") if s in agent), "")
    return " · ".join(part for part in ({"Edg": "Edge"}.get(browser, browser), system) if part)[:200]


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def end(app: Flask, keys: list[str], reason: str) -> int:
    """End these sessions on the server; a cookie that names one opens nothing afterwards."""
    if not keys:
        return 0
    with app.extensions["portal.engine"].begin() as connection:
        return connection.execute(update(TABLE).where(TABLE.c.id.in_(keys), TABLE.c.ended_at.is_(None))
                                  .values(ended_at=utcnow(), end_reason=reason[:32])).rowcount


def end_sessions(app: Flask, role: str, subject: str | None = None, sid: str | None = None,
                 keep: str | None = None, reason: str = "ended") -> int:
    """End every live session of a person (by the login's `sub`) or of one single sign-on session
    (by `sid`), except `keep`: for "log out my other devices" and the OpenID back-channel logout."""
    conditions = [TABLE.c.role == role, TABLE.c.ended_at.is_(None)]
    if subject is not None:
        conditions.append(TABLE.c.subject == subject)
    if sid is not None:
        conditions.append(TABLE.c.sid == sid)
    if subject is None and sid is None:
        return 0
    if keep is not None:
        conditions.append(TABLE.c.id != keep)
    with app.extensions["portal.engine"].begin() as connection:
        return connection.execute(update(TABLE).where(and_(*conditions))
                                  .values(ended_at=utcnow(), end_reason=reason[:32])).rowcount


def live_sessions(app: Flask, role: str, subject: str) -> list:
    """A person's sessions that still work, newest activity first."""
    now = utcnow()
    idle = now - timedelta(minutes=app.config["PORTAL_IDLE_TIMEOUT_MINUTES"])
    born = now - timedelta(hours=app.config["PORTAL_ABSOLUTE_TIMEOUT_HOURS"])
    with app.extensions["portal.engine"].connect() as connection:
        return connection.execute(
            select(TABLE.c.id, TABLE.c.public_id, TABLE.c.created_at, TABLE.c.last_seen_at, TABLE.c.user_agent)
            .where(TABLE.c.role == role, TABLE.c.subject == subject, TABLE.c.ended_at.is_(None),
                   TABLE.c.last_seen_at > idle, TABLE.c.created_at > born)
            .order_by(TABLE.c.last_seen_at.desc())).all()


def purge(app: Flask, older_than: timedelta = timedelta(days=7)) -> int:
    """Forget ended and expired sessions after a week (run by the sweep)."""
    cutoff = utcnow() - older_than
    idle = utcnow() - timedelta(minutes=app.config["PORTAL_IDLE_TIMEOUT_MINUTES"]) - older_than
    with app.extensions["portal.engine"].begin() as connection:
        return connection.execute(TABLE.delete().where(
            (TABLE.c.ended_at < cutoff) | (TABLE.c.last_seen_at < idle))).rowcount
