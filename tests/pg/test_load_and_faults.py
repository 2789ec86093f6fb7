"""On PostgreSQL, as production runs: hundreds of sick reports at once from several gunicorn worker
processes lose none and store none twice; killed database connections are replaced; a database
that is away gets a clear page, and nothing sent is lost once it is back."""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from html import unescape
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import Session, func, select

from portal.models import Citizen, EmployerReport, SickCase
from tests.conftest import Auth, csrf_token, free_port, log_in_over_http, wait_until_answering
from tests.web.test_citizen_journey import CITIZEN

PG_URL = os.environ.get("PORTAL_TEST_DATABASE_URL")
pytestmark = pytest.mark.skipif(not PG_URL, reason="PostgreSQL only: set PORTAL_TEST_DATABASE_URL")
ROOT = Path(__file__).resolve().parents[2]
REPORTS = 240          # distinct employees reported sick at once
SHARED = 20            # of them, reported by both companies at the same moment
WORKERS = 3            # gunicorn worker processes


def fictitious_cpr(n: int) -> str:
    """Substitute numbers only (day of birth plus 60): no real person has one. Born 1940-1999 (the
    seventh digit is 4-9, which puts two-digit years over 36 in the 1900s): no birth in the future."""
    return f"{61 + n % 28:02d}{1 + n % 12:02d}{40 + n % 60:02d}-{4000 + n:04d}"


def form_of(html: str) -> dict:
    return {"csrf_token": csrf_token(html),
            "submission": re.search(r'name="submission" value="([^"]+)"', html).group(1)}


@pytest.fixture
def served_portal(database_url, idp_issuer, tmp_path):
    """The portal under gunicorn with several worker processes, as the README's production set-up."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "PORTAL_OIDC_ISSUER": idp_issuer,
           "PORTAL_PUBLIC_URL": f"http://127.0.0.1:{port}",
           "PORTAL_TODAY": "2026-11-16", "PORTAL_DEV_IDP": "1",
           # One employer sends hundreds of forms a minute here: the per-person limit would stop it.
           "PORTAL_RATELIMIT_ENABLED": "0"}
    log = open(tmp_path / "gunicorn.log", "wb")
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "wsgi:app", "--bind", f"127.0.0.1:{port}",
         "--workers", str(WORKERS), "--threads", "8", "--timeout", "60"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    assert wait_until_answering(base + "/", 30), (tmp_path / "gunicorn.log").read_text()
    try:
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
        log.close()


def test_hundreds_of_reports_at_once_from_several_processes_lose_none(served_portal, database_url):
    companies = [log_in_over_http(served_portal, "Hanne Arbejdsgiver", "employer"),
                 log_in_over_http(served_portal, "Jens Virksomhed", "employer")]
    jobs = [(companies[n % 2], n) for n in range(REPORTS)]
    jobs += [(companies[1 - n % 2], n) for n in range(SHARED)]  # the other company, same employee
    # Every form page first, then every post at once, so the posts truly overlap.
    pages = [form_of(company.get(f"{served_portal}/arbejdsgiver/sygemelding", timeout=30).text)
             for company, _n in jobs]

    def send(job_and_form):
        (company, n), form = job_and_form
        data = {**form, "cpr": fictitious_cpr(n), "employee_name": f"Medarbejder {n}",
                "first_absence_day": "2026-11-09", "absence_kind": "full"}
        return company.post(f"{served_portal}/arbejdsgiver/sygemelding", data=data,
                            allow_redirects=False, timeout=60).status_code

    with ThreadPoolExecutor(max_workers=48) as pool:
        answers = list(pool.map(send, zip(jobs, pages, strict=True)))
    assert answers.count(303) == len(jobs), sorted(set(answers))
    engine = create_engine(database_url)
    with Session(engine) as db:
        assert db.exec(select(func.count()).select_from(EmployerReport)).one() == REPORTS + SHARED
        assert db.exec(select(func.count()).select_from(SickCase)).one() == REPORTS
        assert db.exec(select(func.count()).select_from(Citizen)).one() == REPORTS
    engine.dispose()


def test_a_double_click_across_two_processes_is_stored_once(served_portal, database_url):
    hanne = log_in_over_http(served_portal, "Hanne Arbejdsgiver", "employer")
    pages = [form_of(hanne.get(f"{served_portal}/arbejdsgiver/sygemelding", timeout=30).text) for _ in range(30)]

    def click_twice(n_form):
        n, form = n_form
        data = {**form, "cpr": fictitious_cpr(500 + n), "employee_name": f"Dobbelt {n}",
                "first_absence_day": "2026-11-09", "absence_kind": "full"}
        with ThreadPoolExecutor(max_workers=2) as both:
            clicks = list(both.map(lambda _: hanne.post(f"{served_portal}/arbejdsgiver/sygemelding", data=data,
                                                        allow_redirects=False, timeout=60), range(2)))
        return [(c.status_code, c.headers.get("Location")) for c in clicks]

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(click_twice, enumerate(pages)))
    for first, second in results:
        assert first[0] == second[0] == 303 and first[1] == second[1]
    engine = create_engine(database_url)
    with Session(engine) as db:
        assert db.exec(select(func.count()).select_from(EmployerReport)).one() == 30
    engine.dispose()


class TcpProxy:
    """A loopback TCP proxy in front of PostgreSQL that can be cut: the database 'goes away' for the
    app exactly as a failover or a network fault would look, while the real server keeps running."""

    def __init__(self, target_port: int):
        self.target_port, self.port = target_port, free_port()
        self._sockets: list[socket.socket] = []
        self._listener: socket.socket | None = None
        self._lock = threading.Lock()

    def start(self):
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self):
        """Close the door and cut every live connection."""
        with self._lock:
            if self._listener:
                # shutdown wakes the thread blocked in accept(); close alone would not.
                try:
                    self._listener.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                self._listener.close()
                self._listener = None
            for sock in self._sockets:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
            self._sockets.clear()

    def _accept(self, listener):
        while True:
            try:
                client, _addr = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            with self._lock:
                self._sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


def through(proxy: TcpProxy, url: str) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)
    host = f"127.0.0.1:{proxy.port}"
    return urlunsplit(parts._replace(netloc=f"{netloc[0]}@{host}" if len(netloc) == 2 else host))


def test_killed_connections_are_replaced_without_an_error(make_app, database_url):
    app = make_app()
    client = app.test_client()
    Auth(client).login(CITIZEN)
    assert client.get("/borger/mit-sygefravaer").status_code == 200
    killer = create_engine(database_url)
    with killer.begin() as connection:
        killed = connection.execute(text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        )).scalar()
    killer.dispose()
    assert killed >= 1
    assert client.get("/borger/mit-sygefravaer").status_code == 200  # the session read retried on a fresh one


def test_a_database_that_is_away_gets_a_clear_page_and_nothing_is_lost(make_app, database_url):
    target_port = urlsplit(database_url).port or 5432
    proxy = TcpProxy(target_port)
    proxy.start()
    app = make_app(DATABASE_URL=through(proxy, database_url), PROPAGATE_EXCEPTIONS=False, TESTING=False)
    client = app.test_client()
    Auth(client).login(CITIZEN)
    form = form_of(client.get("/borger/sygemelding").get_data(as_text=True))
    report = {"first_absence_day": "2026-11-10", "employment": "employed", "employer_cvr": "12345674",
              "employer_name": "Testbageriet ApS", "absence_kind": "full", "expected_return_known": "unknown"}

    proxy.stop()
    away = client.post("/borger/sygemelding", data={**report, **form})
    assert away.status_code == 503 and int(away.headers["Retry-After"]) > 0
    page = unescape(away.get_data(as_text=True))
    assert "Portalen er kortvarigt utilgængelig" in page and "intet af det, du har gemt før, er gået tabt" in page
    assert client.get("/borger/mit-sygefravaer").status_code == 503

    proxy.start()
    # The citizen goes back and sends the same page again: stored, once.
    again = client.post("/borger/sygemelding", data={**report, **form})
    assert again.status_code == 303
    assert client.post("/borger/sygemelding", data={**report, **form}).headers["Location"] == again.headers["Location"]
    engine = create_engine(database_url)
    with Session(engine) as db:
        assert db.exec(select(func.count()).select_from(SickCase)).one() == 1
    engine.dispose()
    proxy.stop()


def test_a_page_read_while_the_database_is_away_does_not_say_a_saved_form_was_lost(make_app, database_url):
    """The form was stored and answered with its redirect; the page it leads to cannot be read. That
    page must not say what was sent is not saved: only a form that failed may say so."""
    proxy = TcpProxy(urlsplit(database_url).port or 5432)
    proxy.start()
    app = make_app(DATABASE_URL=through(proxy, database_url), PROPAGATE_EXCEPTIONS=False, TESTING=False)
    client = app.test_client()
    Auth(client).login(CITIZEN)
    form = form_of(client.get("/borger/sygemelding").get_data(as_text=True))
    sent = client.post("/borger/sygemelding", data={
        **form, "first_absence_day": "2026-11-10", "employment": "employed", "employer_cvr": "12345674",
        "employer_name": "Testbageriet ApS", "absence_kind": "full", "expected_return_known": "unknown"})
    assert sent.status_code == 303
    proxy.stop()
    after = client.get(sent.headers["Location"])
    proxy.start()
    page = unescape(after.get_data(as_text=True))
    assert after.status_code == 503 and "Portalen er kortvarigt utilgængelig" in page
    assert "Det, du lige har sendt, er ikke gemt" not in page, "the form WAS saved"
    assert "det, du har gemt, er bevaret" in page
    engine = create_engine(database_url)
    with Session(engine) as db:
        assert db.exec(select(func.count()).select_from(SickCase)).one() == 1
    engine.dispose()
    proxy.stop()


def test_connections_killed_during_a_journey_never_give_a_bare_page_nor_a_false_not_saved(served_portal,
                                                                                           database_url):
    """Every answer is the portal's own, and it tells the truth: a form that was stored never gets
    the page that says nothing was saved, and a page that says so means nothing was stored. Bounded by
    count, not by the clock: waves of forms are sent while every connection is killed again and again
    until the wave has its answers, so the faults reach requests however fast or slow the machine is;
    then a calm wave shows the portal working again."""
    hanne = log_in_over_http(served_portal, "Hanne Arbejdsgiver", "employer")
    wave, most_waves = 8, 10
    pages = [form_of(hanne.get(f"{served_portal}/arbejdsgiver/sygemelding", timeout=60).text)
             for _ in range(wave * (most_waves + 1))]
    killer = create_engine(database_url)
    killed: set[int] = set()

    def kill_connections():
        with killer.begin() as connection:
            killed.update(pid for pid, told in connection.execute(text(
                "SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND backend_type = 'client backend'")) if told)

    def until_the_killed_are_gone():
        """A backend ends some time after it is told to: on a busy machine, after the next request has
        begun on its connection. The calm wave starts once every one told has ended."""
        for _ in range(3000):  # a bound on a hang: 5 minutes
            with killer.begin() as connection:
                alive = connection.execute(text("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(:pids)"),
                                           {"pids": list(killed)}).scalar()
            if not alive:
                return
            time.sleep(0.1)

    def send(n_form):
        n, form = n_form
        data = {**form, "cpr": fictitious_cpr(5000 + n), "employee_name": f"Afbrudt {n}",
                "first_absence_day": "2026-11-09", "absence_kind": "full"}
        answer = hanne.post(f"{served_portal}/arbejdsgiver/sygemelding", data=data, allow_redirects=False,
                            timeout=120)
        if answer.status_code in (302, 303):  # the page the stored form leads to, read under the same faults
            shown = hanne.get(served_portal + urlsplit(answer.headers["Location"]).path, timeout=120)
            read_after.append((n, shown.status_code, shown.text))
        return n, answer.status_code, answer.text

    def send_again_after_a_503(n_form):
        """As the 503 page asks: try again. A pooled connection whose backend was killed after its
        worker last met a dead one fails once, honestly, and makes that worker drop its pool; so each
        worker can give at most one round of such answers, and a form is stored within a bounded count
        of tries, however slow the machine."""
        for _ in range(WORKERS + 2):
            n, status, body = send(n_form)
            if status != 503:
                return n, status, body
            refused_after.append((n, status, body))
        return n, status, body

    refused_after = []
    numbered = list(enumerate(pages))
    faulted, calm, read_after = [], [], []
    with ThreadPoolExecutor(max_workers=wave) as pool:
        for start in range(0, wave * most_waves, wave):
            sent = [pool.submit(send, job) for job in numbered[start:start + wave]]
            while not all(future.done() for future in sent):
                kill_connections()
            faulted += [future.result() for future in sent]
            if start >= 2 * wave and any(status != 303 for _n, status, _b in faulted):
                break
        until_the_killed_are_gone()
        calm = list(pool.map(send_again_after_a_503, numbered[-wave:]))
    killer.dispose()

    engine = create_engine(database_url)
    with Session(engine) as db:
        stored = db.exec(select(EmployerReport.employee_name).where(
            EmployerReport.employee_name.like("Afbrudt %"))).all()
    engine.dispose()
    assert len(stored) == len(set(stored)), "a report was stored twice"
    not_saved = "Det, du lige har sendt, er ikke gemt"
    for n, status, body in refused_after:  # tried again until stored: once in the end, checked above and below
        assert "Internal Server Error" not in body and '<html lang="da">' in body, (n, status, body[:300])
    for n, status, body in faulted + calm:
        if status in (302, 303):
            assert f"Afbrudt {n}" in stored, f"report {n} was answered as stored but is not"
            continue
        assert "Internal Server Error" not in body and '<html lang="da">' in body, (n, status, body[:300])
        if not_saved in unescape(body):
            assert f"Afbrudt {n}" not in stored, f"report {n} was stored but the page said nothing was saved"
        if "Det, du sendte, er gemt" in unescape(body):
            assert f"Afbrudt {n}" in stored
    for n, status, body in read_after:
        assert "Internal Server Error" not in body and '<html lang="da">' in body, (n, status, body[:300])
        assert not_saved not in unescape(body), f"report {n} was stored; the page after it said it was not"
    assert {status for _n, status, _b in faulted} - {303}, "the faults reached no request: this proves nothing"
    assert [status for _n, status, _b in calm] == [303] * wave, "the portal did not recover after the faults"
