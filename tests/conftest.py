"""Fixtures that act as a user would: a real app on a real database (a fresh SQLite file, or the
PostgreSQL of PORTAL_TEST_DATABASE_URL), the bundled OIDC provider on a loopback port, and a
`login` helper that goes through the real authorization code flow."""
from __future__ import annotations

import dataclasses
import os
import re
import shutil
import time
from html import unescape
from urllib.parse import urlsplit

import pytest
import requests
from sqlalchemy import create_engine, text
from sqlmodel import SQLModel

from portal import (
    create_app,
    migrations,
    models,  # noqa: F401  (the tables, for truncation)
)
from portal.config import FACES, oidc_provider
from portal.devidp.testing import running_idp
from tests import memo_schema

TODAY = "2026-11-16"  # a Monday; tests that need another day pass PORTAL_TODAY themselves
# SF1520's service agreement in production (made-up UUIDs of the right form).
PRODUCTION_REGISTER = {"PORTAL_REGISTER_SERVICE_AGREEMENT_UUID": "8a4e2b1c-3d5f-4a6b-9c7d-1e2f3a4b5c6d",
                       "PORTAL_REGISTER_USER_SYSTEM_UUID": "1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e",
                       "PORTAL_REGISTER_USER_UUID": "2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f",
                       "PORTAL_REGISTER_SERVICE_UUID": "3d4e5f6a-7b8c-4d9e-8f0a-2b3c4d5e6f7a"}


def _database_of_this_worker(url: str | None) -> str | None:
    """Under pytest-xdist every worker truncates tables after each test, so each gets a database of
    its own beside the one given (test_gw0, test_gw1, ...), made on first use. Set in the environment,
    so that the tests that read PORTAL_TEST_DATABASE_URL themselves use it too."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    # A process a test starts (multiprocessing) imports this module again with the worker's URL
    # already in its environment: it must not make a database of the worker's database.
    if not url or not worker or os.environ.get("PORTAL_TEST_DATABASE_OF_WORKER") == worker:
        return url
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import IntegrityError, ProgrammingError

    given = make_url(url)
    name = f"{given.database}_{worker}"
    engine = create_engine(given, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        if not connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first():
            try:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            except (IntegrityError, ProgrammingError):  # made by another process a moment ago
                pass
    engine.dispose()
    mine = given.set(database=name).render_as_string(hide_password=False)
    os.environ["PORTAL_TEST_DATABASE_URL"] = mine
    os.environ["PORTAL_TEST_DATABASE_OF_WORKER"] = worker
    return mine


PG_URL = _database_of_this_worker(os.environ.get("PORTAL_TEST_DATABASE_URL"))


def pytest_configure(config):
    # SIGTERM (make stopped, CI's limit) ends the run as Ctrl-C does: every fixture tears down, so
    # every server, browser and checker a test started is stopped (tests/processes.py for the rest).
    import signal

    def interrupt(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, interrupt)


def pytest_collection_modifyitems(config, items):
    """The long tests first, so that the xdist workers finish together (the short ones fill the
    gaps); and on PostgreSQL, only what touches the database: the pure tests ran on SQLite already."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None and "e2e" not in item.keywords)
    if not PG_URL:
        return
    keep, drop = [], []
    for item in items:
        touches_database = "database_url" in item.fixturenames or "/tests/pg/" in str(item.path)
        (keep if touches_database else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(autouse=True)
def _memo_messages_are_valid(request):
    """After every test with an app, every MeMo message its outbox folder holds is valid MeMo."""
    yield
    folder = request.node.funcargs.get("tmp_path")  # torn down before this runs, but its folder stays
    if folder is None or not memo_schema.available():
        return
    invalid = memo_schema.invalid_files(folder / "outbox")
    assert not invalid, f"{len(invalid)} messages the MeMo schema refuses, first: {dict(list(invalid.items())[:3])}"


@pytest.fixture(scope="session")
def idp_issuer():
    with running_idp() as issuer:
        yield issuer


@pytest.fixture(scope="session")
def _migrated_template(tmp_path_factory):
    """Migrate once: a template SQLite file each test copies, or the PostgreSQL schema."""
    if PG_URL:
        engine = create_engine(PG_URL)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        migrations.upgrade(PG_URL)
        return None
    path = tmp_path_factory.mktemp("template") / "portal.sqlite3"
    migrations.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def database_url(_migrated_template, tmp_path):
    if PG_URL:
        yield PG_URL
        engine = create_engine(PG_URL)
        tables = ", ".join(t.name for t in SQLModel.metadata.sorted_tables)
        with engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        engine.dispose()
    else:
        path = tmp_path / "portal.sqlite3"
        shutil.copy(_migrated_template, path)
        yield f"sqlite:///{path}"


@pytest.fixture
def make_app(database_url, idp_issuer, tmp_path):
    apps = []

    def factory(**overrides):
        config = {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "PORTAL_OUTBOX_DIR": str(tmp_path / "outbox"),  # never the repository's instance/
            "PORTAL_TODAY": TODAY,
            "PORTAL_OIDC": _providers(idp_issuer),
        }
        config.update(overrides)
        app = create_app(config)
        apps.append(app)
        return app

    yield factory
    for app in apps:
        app.extensions["portal.engine"].dispose()


def _providers(issuer):
    return {face: dataclasses.replace(oidc_provider(face), issuer=issuer) for face in FACES}


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


class Auth:
    """Logs in through the portal's real OIDC flow against the bundled provider."""

    def __init__(self, client):
        self.client = client

    def login(self, identity_name: str, face: str = "citizen"):
        start = self.client.get(f"/log-ind/{face}")
        assert start.status_code == 302, start.data
        authorize_url = start.headers["Location"]
        browser = requests.Session()
        page = browser.get(authorize_url, timeout=60)
        assert page.status_code == 200, page.text
        response = browser.post(page.url, data=_identity_form(page.text, identity_name),
                                allow_redirects=False, timeout=60)
        assert response.status_code in (302, 303), response.text
        callback = urlsplit(response.headers["Location"])
        assert callback.path.startswith("/auth/callback/"), callback
        done = self.client.get(f"{callback.path}?{callback.query}")
        assert done.status_code == 302, done.data
        return done

    def logout(self):
        page = self.client.get("/")
        token = csrf_token(page.get_data(as_text=True))
        return self.client.post("/log-ud", data={"csrf_token": token})


def log_in_over_http(base: str, name: str, face: str) -> requests.Session:
    """The OIDC login against a portal served over HTTP (gunicorn), as a browser would do it."""
    browser = requests.Session()
    start = browser.get(f"{base}/log-ind/{face}", allow_redirects=False, timeout=60)
    page = browser.get(start.headers["Location"], timeout=60)
    chosen = browser.post(page.url, data=_identity_form(page.text, name), allow_redirects=False, timeout=60)
    done = browser.get(chosen.headers["Location"], allow_redirects=False, timeout=60)
    assert done.status_code == 302, done.text
    return browser


def wait_until_answering(url: str, seconds: float) -> bool:
    """True once a server started in another process answers `url`; False if it has not in time."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            requests.get(url, timeout=60)
            return True
        except requests.RequestException:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.2)


def _identity_form(html: str, identity_name: str) -> dict:
    """The fields of the provider's login form that picks `identity_name`."""
    forms = re.findall(r"<form[^>]*>.*?</form>", html, flags=re.S)
    for form in forms:
        if identity_name in unescape(form):
            fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form))
            buttons = re.findall(r'<button[^>]*name="([^"]+)"[^>]*value="([^"]*)"[^>]*>(.*?)</button>',
                                 form, flags=re.S)
            for name, value, label in buttons:
                if identity_name in unescape(label):
                    fields[name] = value
            return {k: unescape(v) for k, v in fields.items()}
    raise AssertionError(f"no login form for {identity_name!r} on the provider's page")


@pytest.fixture
def auth(client):
    return Auth(client)


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


class _Collect:
    """aiosmtpd handler that keeps every message it is given."""

    def __init__(self):
        import threading

        self.messages, self._lock = [], threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        from email import message_from_bytes, policy

        with self._lock:
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def smtp_server():
    """A real SMTP server on a loopback port (aiosmtpd), collecting what it receives."""
    from aiosmtpd.controller import Controller

    handler = _Collect()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield "127.0.0.1", port, handler.messages
    finally:
        controller.stop()


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def age_sessions(app, idle_minutes: float = 0, login_hours: float = 0) -> None:
    """Move every live server-side session back in time, as if the browser had been idle (or logged
    in) that long: the sessions live in the database, not in the cookie."""
    from datetime import timedelta

    from sqlalchemy import update

    from portal.models import WebSession

    table = WebSession.__table__
    with app.extensions["portal.engine"].begin() as connection:
        for row in connection.execute(table.select().where(table.c.ended_at.is_(None))).all():
            connection.execute(update(table).where(table.c.id == row.id).values(
                last_seen_at=row.last_seen_at - timedelta(minutes=idle_minutes),
                created_at=row.created_at - timedelta(hours=login_hours)))


def weasyprint_missing() -> str | None:
    """Why letters cannot be made here (WeasyPrint needs Pango from the OS), or None."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as error:
        return f"WeasyPrint cannot run here (Pango missing?): {error}"
    return None


class StandInServiceplatformen:
    """A loopback HTTP server answering as Serviceplatformen's SF1601 does, for the library's real
    client: PostForespoerg answers from `registered` ({cpr: {"digitalpost": bool, "nemsms": bool}}),
    KombiPostAfsend takes the XML and answers 200. It records every request (method, path, query,
    headers, body). The token service is not stood in for: the tests give KombitAccess its access
    tokens (`access()`), since its SAML and token URLs are fixed in the library."""

    def __init__(self):
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from urllib.parse import parse_qs
        from urllib.parse import urlsplit as split

        self.requests, self.registered, self.fail_with, self.invalid = [], {}, None, []
        self.fail_posts_with = None  # the look-up answers, the sending fails
        self.lock = threading.Lock()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _answer(self, status: int, body: bytes, kind: str = "application/json"):
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _record(self, body: bytes):
                url = split(self.path)
                with stand_in.lock:
                    stand_in.requests.append({"method": self.command, "path": url.path, "query": parse_qs(url.query),
                                              "headers": dict(self.headers), "body": body})
                return url

            def do_GET(self):  # noqa: N802
                import json

                url = self._record(b"")
                if stand_in.fail_with:
                    return self._answer(stand_in.fail_with, b"{}")
                service = url.path.rstrip("/").rsplit("/", 1)[-1]
                cpr = parse_qs(url.query).get("cprNumber", [""])[0]
                answer = stand_in.registered.get(cpr, {}).get(service, False)
                self._answer(200, json.dumps({"result": answer}).encode())

            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                self._record(body)
                if memo_schema.available():
                    stand_in.invalid += memo_schema.memo_errors(body)
                if stand_in.fail_with or stand_in.fail_posts_with:
                    return self._answer(stand_in.fail_with or stand_in.fail_posts_with, b"<error/>",
                                        "application/xml")
                self._answer(200, b"", "application/xml")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def access(self, certificate: str, cvr: str = "11223344"):
        return stand_in_access(self.url, certificate, cvr)

    def posts(self) -> list[dict]:
        return [r for r in self.requests if r["method"] == "POST"]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def stand_in_access(url: str, certificate: str, cvr: str = "11223344"):
    """The library's KombitAccess, pointed at a stand-in Serviceplatformen, holding access tokens for
    SF1601 (the token exchange itself needs KOMBIT's own servers)."""
    from datetime import datetime, timedelta

    from python_serviceplatformen.authentication import KombitAccess, Token

    access = KombitAccess(cvr=cvr, cert_path=certificate, test=True)
    access.environment = url
    later = datetime.now() + timedelta(hours=1)
    for entity in ("http://entityid.kombit.dk/service/kombipostafsend/1",
                   "http://entityid.kombit.dk/service/postforespoerg/1"):
        access._access_tokens[entity] = Token(f"Bearer test-token-for-{entity.rsplit('/', 2)[-2]}", later)
    return access


def write_test_certificate(path) -> str:
    """A self-signed certificate and its key in one PEM file, as KombitAccess wants an OCES3 one."""
    from datetime import UTC, datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Sygefravaer test system")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=30)).sign(key, hashes.SHA256()))
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM) + key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return str(path)


@pytest.fixture
def serviceplatformen():
    stand_in = StandInServiceplatformen()
    try:
        yield stand_in
    finally:
        stand_in.close()
    assert not stand_in.invalid, \
        f"Serviceplatformen got {len(stand_in.invalid)} refusals of the MeMo schema, first: {stand_in.invalid[:3]}"


@pytest.fixture
def certificate(tmp_path) -> str:
    return write_test_certificate(tmp_path / "oces3-test.pem")


def with_templates(app, templates: dict):
    """The app with a test's own templates (name: source) found before the portal's."""
    from jinja2 import ChoiceLoader, DictLoader

    app.jinja_env.loader = ChoiceLoader([DictLoader(templates), app.jinja_env.loader])
    return app
