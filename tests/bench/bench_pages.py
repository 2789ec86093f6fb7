"""Benchmark: the portal's busiest pages under load, beside the smallest Flask page (`make bench`).

100,000 cases on PostgreSQL (half in København, each with a handover in the queue), the portal under
gunicorn with the production settings (gunicorn.conf.py, JSON request log, rate limits in Redis), and
wrk on loopback with 16 connections. Measured: the citizen's overview, a questionnaire step (GET and
POST) and the caseworker's queue, each beside a minimal Flask page served the same way in the same
run, plus the SQL queries each page makes on a near-empty database and on the full one, and the
caseworker's target pages again on a town's database (1,000 cases), to tell the cost of scale from
the cost of the stack.

The verdicts are ratios of in-process CPU measured in the same run, so that the machine's speed and
load cancel out (issue 33): every page at most twice the logged-in front page (the API's package at
most three times), the front page at most five times the minimal Flask page, the same number of SQL
queries whatever the case count, and the name search's server CPU the same on a town's database as
on the country's. Latency and throughput under wrk are reported, not judged: on a 2-core machine
that the load generator shares they say more about the machine than about the page.

Not a test: it needs PostgreSQL, Redis and wrk (apt-get install wrk), and takes minutes.
`--only queue` measures the pages whose label holds "queue" (the minimal page and the front page
always run, as the ratios need them); `--cpu-only` skips gunicorn and wrk and measures only the
in-process CPU and the queries (a minute); `--reuse` keeps a filled database from an earlier run;
PORTAL_BENCH_DB_PREFIX names the databases."""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import signal
import subprocess  # nosec B404: starts our own servers and wrk, fixed arguments
import sys
import time
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

import requests
from sqlalchemy import create_engine, event, text

from tests.bench.bench_sweep import TODAY, fill
from tests.conftest import free_port, log_in_over_http, wait_until_answering

ROOT = Path(__file__).resolve().parents[2]
ADMIN_URL = os.environ.get("PORTAL_BENCH_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("PORTAL_BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
REPORT = Path(__file__).with_name("REPORT-pages.md")
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
STEP = {"phone": "12 34 56 78", "email": "bench@example.dk", "action": "continue", "submission": "SUBMISSION"}
SEARCH_CPR = "6101904000"         # citizen 2's number, found by its keyed hash
SEARCH_NAME = "Anne Holm Hansen"  # one of 4,000 names: 25 of København's 50,000 citizens bear it
SEARCH = {"find-term": "4242"}  # a case number in København (even ids are 101)
DB_PREFIX = os.environ.get("PORTAL_BENCH_DB_PREFIX", "portal_bench")
FRONT = "front page, logged in (GET)"
MINIMAL = "minimal Flask page (baseline)"
# In-process CPU ratios (issue 33): the front page over the minimal page, every other page over the
# front page; the API's package assembles a whole case file, so it is allowed more.
FRONT_OVER_MINIMAL = 5.0
PAGE_OVER_FRONT = 2.0
PAGE_OVER_FRONT_EXCEPTIONS = {"API: handover package (GET)": 3.0}
# The name search's server CPU on the full country over København alone (the same 50,000 citizens,
# none elsewhere): its name words are kept per municipality, so the rest of the country should add
# nothing. A search that scanned the country's names measured 2.1 against a town.
NAME_SEARCH_SCALE = 1.25
# The two measured in turns, the least of each kept: one window of each, minutes apart, moved from
# 0.95 to 1.38 between two runs of the same code.
SCALE_ROUNDS = 3
NAME_SEARCH = "search by name (POST)"
# The target pages, measured again on a town's database (half of it in København, so the
# queue's page is as full): the ratio is what 100,000 cases cost over 1,000, the rest is the stack.
# Left out: "my cases" and the case number, which a town has too few of to fill the same page.
TOWN_CASES = 1_000
# The town's name search finds as many namesakes as the country's does (24 in its København against 25):
# "Anne Holm" there, SEARCH_NAME in 100,000 cases. Searched for the same name, the town found one and
# the country 25, so the ratio measured what 25 hits cost (their rows and audit rows) against one,
# not what the country's size costs.
TOWN_SEARCH_NAME = "Anne Holm"
TOWN_PAGES = ("caseworker queue (GET)", "search by CPR number (POST)", "search by name (POST)",
              "caseworker workload (GET)")


def database(name: str, cases: int, reuse: bool = False, elsewhere: bool = True) -> str:
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    url = ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    from portal import migrations

    with admin.connect() as connection:
        if reuse and connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first():
            admin.dispose()
            migrations.upgrade(url)
            return url
        connection.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        connection.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    migrations.upgrade(url)
    if cases:
        fill(url, cases, elsewhere)
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("""
                INSERT INTO handover (case_id, municipality_code, status, due, reasons, reason_codes,
                                      created_at, updated_at)
                SELECT id, municipality_code, 'open', first_absence_day + 56,
                       '[{"code": "long_absence", "due": null}]', '|long_absence|', now(), now()
                FROM sick_case"""))
            the_caseworker_day_data(connection)
        engine.dispose()
        # What autovacuum does on a live database soon after: visibility map and statistics.
        with create_engine(url, isolation_level="AUTOCOMMIT").connect() as connection:
            connection.execute(text("VACUUM ANALYZE"))
    return url


FIRST = ["Anne", "Mette", "Kirsten", "Hanne", "Helle", "Susanne", "Lene", "Maria", "Marianne", "Lone",
         "Peter", "Jens", "Lars", "Michael", "Henrik", "Thomas", "Søren", "Jan", "Niels", "Morten"]
MIDDLE = ["Holm", "Lund", "Skov", "Dahl", "Bach", "Juhl", "Krogh", "Storm"]
LAST = ["Jensen", "Nielsen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen", "Rasmussen",
        "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen", "Thomsen", "Christiansen", "Poulsen", "Johansen",
        "Møller", "Mortensen", "Knudsen", "Jakobsen", "Jacobsen", "Mikkelsen", "Olesen"]


def the_caseworker_day_data(connection) -> None:
    """What search, the tabs and the coming weeks read: Danish names (4,000 of them) with their search words, one
    citizen findable by CPR number, a few hundred cases given to the benchmark caseworker or put to
    wait, 2,500 booked conversations, 500 free times and the sweep's counts of the coming weeks."""
    from portal.config import DEV_CPR_HASH_KEY
    from portal.personal_data import cpr_hash

    connection.execute(text("""
        UPDATE citizen
        SET name = (CAST(:first AS text[]))[1 + id % 20] || ' ' || (CAST(:middle AS text[]))[1 + (id / 500) % 8]
                   || ' ' || (CAST(:last AS text[]))[1 + (id / 20) % 25]"""),
        {"first": FIRST, "middle": MIDDLE, "last": LAST})
    connection.execute(text("""
        INSERT INTO municipality_name_token (citizen_id, municipality_code, token)
        SELECT DISTINCT z.id, c.municipality_code, lower(split_part(z.name, ' ', part))
        FROM citizen z JOIN sick_case c ON c.citizen_id = z.id, generate_series(1, 3) part"""))
    connection.execute(text("UPDATE citizen SET cpr_hash = :hash WHERE id = 2"),
                       {"hash": cpr_hash(SEARCH_CPR, DEV_CPR_HASH_KEY)})
    connection.execute(text("""
        UPDATE handover SET assignee = 'caseworker-mette', assignee_name = 'Mette Sagsbehandler', status = 'claimed'
        WHERE municipality_code = '101' AND case_id % 200 = 0"""))
    connection.execute(text("""
        UPDATE handover SET waiting_until = CAST(:today AS date) + 3, wait_reason = 'Venter på lægeerklæring'
        WHERE municipality_code = '101' AND case_id % 500 = 2 AND due > CAST(:today AS date) + 3"""), {"today": TODAY})
    connection.execute(text("""
        INSERT INTO conversation (case_id, municipality_code, scheduled_at, form, status, booked_by, sequence,
                                  created_at)
        SELECT id, municipality_code, CAST(:today AS timestamptz) + interval '1 day' * (id % 56) + interval '9 hours',
               'phone', 'booked', 'caseworker-mette', 0, now()
        FROM sick_case WHERE municipality_code = '101' AND id % 20 = 0"""), {"today": TODAY})
    connection.execute(text("""
        INSERT INTO free_time (municipality_code, caseworker, caseworker_name, starts_at, form, created_at)
        SELECT '101', 'caseworker-mette', 'Mette Sagsbehandler',
               CAST(:today AS timestamptz) + interval '1 day' * (g % 56) + interval '13 hours', 'phone', now()
        FROM generate_series(1, 500) g"""), {"today": TODAY})
    connection.execute(text("""
        INSERT INTO workload_count (municipality_code, week_of, reason, due_count, counted_at)
        SELECT m, CAST(:monday AS date) + 7 * w, r, 50 + (w * 37 + length(r)) % 400, now()
        FROM unnest(ARRAY['101', '751']) m, generate_series(0, 7) w,
             unnest(ARRAY['first_conversation_due', 'questionnaire_overdue', 'reassessment_due', 'follow_up_due',
                          'conversation_requested', 'standby']) r"""), {"monday": TODAY})


SERVER_PIDS: dict[str, int] = {}   # base URL -> gunicorn's master process


def process_cpu_seconds(pids: list[int]) -> float:
    """User and system CPU the processes have used so far (Linux /proc), 0 for one that has gone."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def serving_processes(base: str, database_url: str) -> list[int]:
    """gunicorn's workers and the PostgreSQL backends connected to the benchmark's database."""
    workers = subprocess.run(["pgrep", "-P", str(SERVER_PIDS[base])],  # nosec B603 B607
                             capture_output=True, text=True).stdout.split()
    name = database_url.rsplit("/", 1)[1]
    with create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT").connect() as connection:
        backends = connection.execute(text("SELECT pid FROM pg_stat_activity WHERE datname = :n"), {"n": name})
        return [int(pid) for pid in workers] + [pid for (pid,) in backends]


@contextmanager
def served(app_path: str, env: dict, log: Path):
    port = free_port()
    with open(log, "ab") as out:
        server = subprocess.Popen(  # nosec B603
            # No worker recycling while measuring: a recycled worker takes its CPU count with it.
            [GUNICORN, "-c", str(ROOT / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{port}", "--max-requests", "0",
             app_path],
            cwd=ROOT, env={**env, "PORTAL_PUBLIC_URL": f"http://127.0.0.1:{port}"}, stdout=out,
            stderr=subprocess.STDOUT, start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        SERVER_PIDS[base] = server.pid
        if not wait_until_answering(base + "/", 60):
            raise SystemExit(f"{app_path} did not start; see {log}")
        try:
            yield base
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)


@contextmanager
def identity_provider(env: dict, log: Path):
    port = free_port()
    with open(log, "ab") as out:
        idp = subprocess.Popen(  # nosec B603
            [sys.executable, "-m", "portal.devidp", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        issuer = f"http://127.0.0.1:{port}"
        if not wait_until_answering(issuer + "/.well-known/openid-configuration", 30):
            raise SystemExit("the identity provider did not start")
        try:
            yield issuer
        finally:
            os.killpg(idp.pid, signal.SIGTERM)
            idp.wait(timeout=10)


def token_of(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def open_case(base: str, citizen: requests.Session) -> int:
    """Lise's open case: the one she has (a reused database), else a new one."""
    found = re.search(r"/borger/sag/(\d+)", citizen.get(f"{base}/borger/mit-sygefravaer", timeout=10).text)
    if found:
        return int(found.group(1))
    form = citizen.get(f"{base}/borger/sygemelding", timeout=10).text
    answer = citizen.post(f"{base}/borger/sygemelding", allow_redirects=False, timeout=10, data={
        "csrf_token": token_of(form), "first_absence_day": "2026-11-10", "employment": "employed",
        "employer_cvr": "12345674", "employer_name": "Testbageriet ApS", "absence_kind": "full",
        "expected_return_known": "unknown"})
    return int(re.search(r"/sag/(\d+)/", answer.headers["Location"]).group(1))


def cookie_header(session: requests.Session) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in session.cookies if c.domain in ("127.0.0.1", "127.0.0.1.local", ""))


def wrk(url: str, seconds: int, connections: int, env: dict) -> dict:
    run = subprocess.run(  # nosec B603 B607
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s",
         str(ROOT / "tests/bench/load.lua"), url],
        env={**os.environ, **env}, capture_output=True, text=True, check=True)
    result = json.loads(run.stdout.strip().splitlines()[-1])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def cpu_per_request(requests_by_label: dict, rounds: int = 15, round_ms: float = 20.0) -> dict:
    """The CPU milliseconds one request of each page costs in this process: the least of several
    rounds, the pages taking turns within each round and each round of a page as long as another's
    (the minimal page is sent more often), so that a neighbour's burst on a shared machine falls on
    every page alike and the ratios between them hold. It leaves out the database's work."""
    per_round = {}
    for label, request in requests_by_label.items():
        request()
        started = time.process_time()
        for _ in range(3):
            request()
        each = max((time.process_time() - started) / 3 * 1000, 0.001)
        per_round[label] = max(3, min(500, round(round_ms / each)))
    best = dict.fromkeys(requests_by_label, float("inf"))
    for _ in range(rounds):
        for label, request in requests_by_label.items():
            started = time.process_time()
            for _ in range(per_round[label]):
                request()
            best[label] = min(best[label], (time.process_time() - started) / per_round[label] * 1000)
    return best


def one_request(client, method: str, path: str, headers: dict, data: dict | None):
    def request():
        if method == "GET":
            return client.get(path, headers=headers)
        fresh = {**data, "submission": f"cpu{time.time_ns()}"} if "submission" in data else data
        return client.post(path, data=fresh)

    return request


def minimal_request():
    from tests.bench.minimal_app import app

    client = app.test_client()
    return lambda: client.get("/")


def queries_per_page(url: str, issuer: str, pages: dict, measure_cpu: bool = True) -> tuple[dict, dict]:
    """SQL statements each page makes, counted in-process on the given database, and (measure_cpu)
    the CPU time a request of each costs in-process, the minimal page's among them."""
    import dataclasses

    from portal import create_app
    from portal.config import FACES, oidc_provider
    from tests.conftest import Auth

    providers = {face: dataclasses.replace(oidc_provider(face), issuer=issuer) for face in FACES}
    app = create_app({"DATABASE_URL": url, "PORTAL_TODAY": TODAY.isoformat(), "PORTAL_OIDC": providers,
                      "RATELIMIT_ENABLED": False, "TESTING": True})
    counted = []
    event.listen(app.extensions["portal.engine"], "before_cursor_execute",
                 lambda *args, **kwargs: counted.append(1))
    clients = {}
    for face, name in (("citizen", "Lise Testesen"), ("caseworker", "Mette Sagsbehandler")):
        clients[face] = app.test_client()
        Auth(clients[face]).login(name, face)
    clients["api"] = app.test_client()
    api_headers = {"Authorization": "Bearer " + api_token(url, lambda form, auth: clients["api"].post(
        "/api/v1/oauth/token", data=form, headers={"Authorization": auth}).get_json())}
    # Lise has an open case on both databases, so that her pages read the same things on each.
    overview = clients["citizen"].get("/borger/mit-sygefravaer", follow_redirects=True).get_data(as_text=True)
    found = re.search(r"/borger/sag/(\d+)", overview)
    case_id = int(found.group(1)) if found else open_case_in_process(clients["citizen"])
    counts, requests_by_label = {}, {MINIMAL: minimal_request()}
    for label, (face, method, path, body) in pages.items():
        client = clients[face]
        headers = api_headers if face == "api" else {}
        if "{handover_id}" in path:
            listed = client.get("/api/v1/handovers?limit=1", headers=headers).get_json()["items"]
            if not listed:  # the empty database has no handover to read: nothing to compare
                counts[label] = None
                continue
            path = path.format(handover_id=listed[0]["id"])
        if "{case_id}" in path:
            path = path.format(case_id=case_id)
        if method == "POST":
            html = client.get(path).get_data(as_text=True)
            data = {**body, "csrf_token": token_of(html)}
            # Counted on the second POST: the first on a new case also makes the questionnaire's row.
            for _ in range(2):
                if "submission" in data:
                    data["submission"] = f"count{time.time_ns()}"
                counted.clear()
                assert client.post(path, data=data).status_code in (200, 302, 303), label
        else:
            client.get(path, headers=headers)
            counted.clear()
            client.get(path, headers=headers)
        counts[label] = len(counted)
        requests_by_label[label] = one_request(client, method, path, headers, data if method == "POST" else None)
    cpu = cpu_per_request(requests_by_label) if measure_cpu else {}
    app.extensions["portal.engine"].dispose()
    return counts, cpu


def api_token(database_url: str, post) -> str:
    """Registers a case-system client for København in the database and fetches a token with
    `post(form, basic_authorization)`, which answers the token endpoint's JSON."""
    import base64

    from sqlmodel import Session

    from portal.api.oauth import register_client

    engine = create_engine(database_url)
    with Session(engine, expire_on_commit=False) as db:
        client, secret = register_client(db, "Fagsystem (benchmark)", "101")
    engine.dispose()
    basic = "Basic " + base64.b64encode(f"{client.client_id}:{secret}".encode()).decode()
    return post({"grant_type": "client_credentials"}, basic)["access_token"]


def open_case_in_process(client) -> int:
    html = client.get("/borger/sygemelding").get_data(as_text=True)
    answer = client.post("/borger/sygemelding", data={
        "csrf_token": token_of(html), "first_absence_day": "2026-11-10", "employment": "employed",
        "employer_cvr": "12345674", "employer_name": "Testbageriet ApS", "absence_kind": "full",
        "expected_return_known": "unknown"})
    return int(re.search(r"/sag/(\d+)/", answer.headers["Location"]).group(1))


def measure_pages(env: dict, database_url: str, pages: dict, args, log: Path) -> list:
    """Each page under wrk against the portal served on `database_url`: (label, wrk's result)."""
    rows = []
    with served("wsgi:app", env, log) as portal:
        citizen = log_in_over_http(portal, "Lise Testesen", "citizen")
        caseworker = log_in_over_http(portal, "Mette Sagsbehandler", "caseworker")
        case_id = open_case(portal, citizen)
        step_url = f"{portal}/borger/sag/{case_id}/oplysningsskema/om-dig"
        tokens = {"citizen": token_of(citizen.get(step_url, timeout=10).text),
                  "caseworker": token_of(caseworker.get(f"{portal}/jobcenter/", timeout=10).text)}
        case_system = requests.Session()
        case_system.headers["Authorization"] = "Bearer " + api_token(database_url, lambda form, auth: requests.post(
            f"{portal}/api/v1/oauth/token", data=form, headers={"Authorization": auth}, timeout=10).json())
        handover_id = case_system.get(f"{portal}/api/v1/handovers?limit=1", timeout=10).json()["items"][0]["id"]
        for label, (face, method, path, body) in pages.items():
            session = {"citizen": citizen, "caseworker": caseworker, "api": case_system}[face]
            load_env = {"BENCH_COOKIE": cookie_header(session), "BENCH_METHOD": method}
            if face == "api":
                load_env = {"BENCH_AUTHORIZATION": case_system.headers["Authorization"], "BENCH_METHOD": method}
            if method == "POST":  # a fresh submission key per request, where the form has one (load.lua)
                load_env["BENCH_BODY"] = urlencode({**body, "csrf_token": tokens[face]})
            url = portal + path.format(case_id=case_id, handover_id=handover_id)
            if method == "GET":
                check = session.get(url, timeout=10)
            else:
                check = session.post(url, data={**body, "csrf_token": tokens[face], "submission": "check"},
                                     allow_redirects=False, timeout=10)
            assert check.status_code in (200, 303), (label, check.status_code)
            wrk(url, 3, args.connections, load_env)
            # The CPU the page costs the server and the database, whoever else shares the cores.
            processes = serving_processes(portal, database_url)
            before = process_cpu_seconds(processes)
            result = wrk(url, args.seconds, args.connections, load_env)
            result["server_cpu_ms"] = (process_cpu_seconds(processes) - before) / result["requests"] * 1000
            print(label, database_url.rsplit("/", 1)[1], result, flush=True)
            rows.append((label, result))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--only", default="", help="measure only the pages whose label holds this")
    parser.add_argument("--reuse", action="store_true", help="keep the filled databases of an earlier run")
    parser.add_argument("--cpu-only", action="store_true",
                        help="no gunicorn nor wrk: only the in-process CPU ratios and the query counts")
    args = parser.parse_args()
    results_dir = ROOT / "tests/bench/results"
    results_dir.mkdir(parents=True, exist_ok=True)
    log = results_dir / "servers.log"
    log.write_bytes(b"")

    print(f"filling {args.cases:,} cases ...", flush=True)
    big = database(f"{DB_PREFIX}_pages", args.cases, args.reuse)
    small = database(f"{DB_PREFIX}_small", 0, args.reuse)
    town = None if args.cpu_only else database(f"{DB_PREFIX}_town", TOWN_CASES, args.reuse)
    alone = None if args.cpu_only else database(f"{DB_PREFIX}_alone", args.cases, args.reuse, elsewhere=False)
    env = {**os.environ, "DATABASE_URL": big, "PORTAL_TODAY": TODAY.isoformat(), "PORTAL_DEV_IDP": "1",
           "PORTAL_LOG_FORMAT": "json", "PORTAL_RATELIMIT_STORAGE_URI": REDIS_URL,
           # One benchmark user sends thousands of forms a minute; the limiter still runs and counts.
           "PORTAL_RATELIMIT_FORMS": "10000000 per minute", "PORTAL_RATELIMIT_LOGIN": "10000 per minute",
           "PORTAL_RATELIMIT_API": "10000000 per minute",
           "PORTAL_RATELIMIT_CASEWORKER_FORMS": "10000000 per minute"}
    pages = {  # label: (face, method, path, form body for a POST; its CSRF token is added)
        # The floor of every logged-in page: the layout and the session read, with no queries of its own.
        FRONT: ("caseworker", "GET", "/", None),
        "citizen overview (GET)": ("citizen", "GET", "/borger/mit-sygefravaer", None),
        "questionnaire step (GET)": ("citizen", "GET", "/borger/sag/{case_id}/oplysningsskema/om-dig", None),
        "questionnaire step (POST)": ("citizen", "POST", "/borger/sag/{case_id}/oplysningsskema/om-dig", STEP),
        "caseworker queue (GET)": ("caseworker", "GET", "/jobcenter/", None),
        "queue: my cases (GET)": ("caseworker", "GET", "/jobcenter/?assignee=me", None),
        "search by case number (POST)": ("caseworker", "POST", "/jobcenter/soeg", SEARCH),
        "search by CPR number (POST)": ("caseworker", "POST", "/jobcenter/soeg",
                                        {"find-term": f"{SEARCH_CPR[:6]}-{SEARCH_CPR[6:]}"}),
        "search by name (POST)": ("caseworker", "POST", "/jobcenter/soeg", {"find-term": SEARCH_NAME}),
        "caseworker workload (GET)": ("caseworker", "GET", "/jobcenter/arbejdsbyrde", None),
        "API: handover list (GET)": ("api", "GET", "/api/v1/handovers?limit=25", None),
        "API: handover package (GET)": ("api", "GET", "/api/v1/handovers/{handover_id}", None),
    }
    # The front page always runs: every other page's ratio is taken over it.
    pages = {label: page for label, page in pages.items() if args.only in label or label == FRONT}
    baseline = baseline_after = None
    rows, town_rows, alone_rows = [], [], []
    with identity_provider(env, log) as issuer:
        env["PORTAL_OIDC_ISSUER"] = issuer
        if not args.cpu_only:
            baseline, baseline_after, rows, town_rows, alone_rows = under_load(env, big, town, alone, pages, args, log)
        big_counts, cpu = queries_per_page(big, issuer, pages)
        small_counts, _ = queries_per_page(small, issuer, pages, measure_cpu=False)

    # A partial run (--only, --cpu-only) or a small one does not overwrite the report of a full run.
    full = not args.only and not args.cpu_only and args.cases == 100_000
    report = REPORT if full else results_dir / "REPORT-pages.md"
    verdicts = write_report(args, baseline, baseline_after, rows, small_counts, big_counts, cpu, report, town_rows,
                            alone_rows)
    print("\n".join(verdicts))
    print(f"report written to {report.relative_to(ROOT)}")


def under_load(env: dict, big: str, town: str, alone: str, pages: dict, args, log: Path):
    """The minimal page, the pages on the country's database, the town's, the name search on
    København's alone, and the minimal page again, each served by gunicorn under wrk."""
    with served("tests.bench.minimal_app:app", env, log) as minimal:
        wrk(minimal + "/", 3, args.connections, {})
        processes = serving_processes(minimal, big)
        before = process_cpu_seconds(processes)
        baseline = wrk(minimal + "/", args.seconds, args.connections, {})
        baseline["server_cpu_ms"] = (process_cpu_seconds(processes) - before) / baseline["requests"] * 1000
        print("minimal page", baseline, flush=True)
    rows = measure_pages(env, big, pages, args, log)
    # The same target pages on a town's database, in the same run: what national scale costs.
    town_pages = {label: page for label, page in pages.items() if label in TOWN_PAGES}
    if "search by name (POST)" in town_pages:
        face, method, path, _body = town_pages["search by name (POST)"]
        town_pages["search by name (POST)"] = (face, method, path, {"find-term": TOWN_SEARCH_NAME})
    town_rows = measure_pages({**env, "DATABASE_URL": town}, town, town_pages, args, log) if town_pages else []
    # The name search with the same København and no other municipality, and on the whole country, in
    # turns: what the rest of the country costs it.
    alone_rows = []
    name_pages = {label: page for label, page in pages.items() if label == NAME_SEARCH}
    if name_pages:
        alone_runs, country_runs = [], []
        for _ in range(SCALE_ROUNDS):
            alone_runs += measure_pages({**env, "DATABASE_URL": alone}, alone, name_pages, args, log)
            country_runs += measure_pages(env, big, name_pages, args, log)
        alone_rows = [(NAME_SEARCH, least_server_cpu(alone_runs), least_server_cpu(country_runs))]
    # The minimal page again, after the pages: how much the machine's load moved during the run.
    with served("tests.bench.minimal_app:app", env, log) as minimal:
        wrk(minimal + "/", 3, args.connections, {})
        baseline_after = wrk(minimal + "/", args.seconds, args.connections, {})
        print("minimal page, after", baseline_after, flush=True)
    return baseline, baseline_after, rows, town_rows, alone_rows


def least_server_cpu(runs: list) -> dict:
    """Of (label, wrk's result) windows, the result whose server CPU a request was least."""
    return min((result for _label, result in runs), key=lambda result: result["server_cpu_ms"])


def gunicorn_shape() -> str:
    settings = {}
    exec((ROOT / "gunicorn.conf.py").read_text(), settings)  # nosec B102: our own configuration file
    return f"{settings['workers']} workers × {settings['threads']} threads"


def verdicts_of(cpu: dict, small_counts: dict, big_counts: dict, alone_rows: list) -> list[str]:
    """One line per page: its CPU ratio against its target, and whether its queries stay constant."""
    lines = []
    front_ratio = cpu[FRONT] / cpu[MINIMAL]
    for label in big_counts:
        if label == FRONT:
            ratio, target, over = front_ratio, FRONT_OVER_MINIMAL, "the minimal page"
        else:
            ratio, target = cpu[label] / cpu[FRONT], PAGE_OVER_FRONT_EXCEPTIONS.get(label, PAGE_OVER_FRONT)
            over = "the front page"
        queries = ("not compared (nothing to read on the empty database)" if small_counts[label] is None else
                   f"{'met' if small_counts[label] == big_counts[label] else 'NOT met'} "
                   f"({small_counts[label]} → {big_counts[label]})")
        met = "met" if ratio <= target else "NOT met"
        lines.append(f"- {label}: {ratio:.2f}× {over} (target ≤ {target:g}×): {met}; constant queries {queries}")
    for label, alone_result, country_result in alone_rows:
        scale = country_result["server_cpu_ms"] / alone_result["server_cpu_ms"]
        lines.append(f"- {label}, scale: server CPU on the whole country {scale:.2f}× on København alone "
                     f"(target ≤ {NAME_SEARCH_SCALE:g}×): {'met' if scale <= NAME_SEARCH_SCALE else 'NOT met'}")
    return lines


def write_report(args, baseline: dict | None, baseline_after: dict | None, rows: list, small_counts: dict,
                 big_counts: dict, cpu: dict, report: Path, town_rows: list, alone_rows: list) -> list[str]:
    """Writes the report; answers its verdict lines."""
    def ms(us):
        return us / 1000

    def ratio(label):
        return f"{cpu[label] / cpu[MINIMAL]:.1f}" if label == FRONT else f"{cpu[label] / cpu[FRONT]:.2f}"

    verdicts = verdicts_of(cpu, small_counts, big_counts, alone_rows)
    lines = [
        f"# page benchmark ({datetime.now().date().isoformat()})", "",
        f"Machine: {platform.node() or 'vm'}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        "PostgreSQL and Redis on loopback. "
        f"{args.cases:,} cases, each with an open handover ({args.cases // 2:,} in the caseworker's "
        "municipality); today = 2026-11-16.", "",
        "## The verdicts: CPU ratios in this run", "",
        "In-process CPU per request (Flask's test client, the least of 15 rounds of about 20 ms each, the "
        "pages taking turns within each round), as a ratio: the front page over the minimal Flask page, every "
        "other page over the front page. The machine's speed and load cancel out of a ratio; the "
        "database's own work is left out (it is in the server CPU column under load).", "",
        "| page | CPU ms a request, in-process | ratio | over | SQL queries (empty db → full) |",
        "|---|---|---|---|---|",
        f"| {MINIMAL} | {cpu[MINIMAL]:.2f} | – | – | – |",
    ]
    for label in big_counts:
        lines.append(f"| {label} | {cpu[label]:.2f} | {ratio(label)}× | "
                     f"{'minimal page' if label == FRONT else 'front page'} | "
                     f"{'–' if small_counts[label] is None else small_counts[label]} → {big_counts[label]} |")
    lines += ["", f"Targets: the front page at most {FRONT_OVER_MINIMAL:g}× the minimal page; every other page at "
              f"most {PAGE_OVER_FRONT:g}× the front page (the API's handover package "
              f"{PAGE_OVER_FRONT_EXCEPTIONS['API: handover package (GET)']:g}×); the same number of SQL queries "
              f"whatever the case count; the name search's server CPU at most {NAME_SEARCH_SCALE:g}× what it is "
              "with the caseworker's municipality alone (the same citizens, no other municipality).",
              "", *verdicts, ""]
    if baseline is not None:
        lines += [
            "## Under load (information, not judged)", "",
            f"gunicorn with gunicorn.conf.py ({gunicorn_shape()}), JSON request log, rate limits counted in Redis; "
            f"wrk (2 threads, {args.connections} connections, {args.seconds} s after a 3 s warm-up) on the same "
            "cores as the server. The p95-under-50-ms target is retired (issue 33): on a 2-core machine that "
            "the load generator shares, latency measures the machine as much as the page.", "",
            "| page | median ms | p95 ms | p99 ms | req/s | throughput × minimal | errors | "
            "CPU ms a request, gunicorn + PostgreSQL |",
            "|---|---|---|---|---|---|---|---|",
            f"| {MINIMAL} | {ms(baseline['p50_us']):.1f} | {ms(baseline['p95_us']):.1f} | "
            f"{ms(baseline['p99_us']):.1f} | {baseline['rps']:,.0f} | 1.00 | {baseline['status_errors']} | "
            f"{baseline['server_cpu_ms']:.2f} |",
            f"| minimal Flask page, again after the pages | {ms(baseline_after['p50_us']):.1f} | "
            f"{ms(baseline_after['p95_us']):.1f} | {ms(baseline_after['p99_us']):.1f} | "
            f"{baseline_after['rps']:,.0f} | {baseline_after['rps'] / baseline['rps']:.2f} | "
            f"{baseline_after['status_errors']} | – |",
        ]
        for label, result in rows:
            lines.append(
                f"| {label} | {ms(result['p50_us']):.1f} | {ms(result['p95_us']):.1f} | {ms(result['p99_us']):.1f} | "
                f"{result['rps']:,.0f} | {result['rps'] / baseline['rps']:.2f} | "
                f"{result['status_errors'] + result['socket_errors']} | {result.get('server_cpu_ms', 0):.2f} |")
    if town_rows:
        at_scale = dict(rows)
        lines += ["", f"The same pages on a town's database ({TOWN_CASES:,} cases, {TOWN_CASES // 2:,} in the "
                  "caseworker's municipality, the same data per case), served and measured the same way in this run. "
                  f"The name search looks for \"{TOWN_SEARCH_NAME}\" there, which has 24 namesakes in the town's "
                  f"municipality, as \"{SEARCH_NAME}\" has 25 in the country's.",
                  "",
                  f"| page | p95 ms, {TOWN_CASES:,} cases | p95 ms, {args.cases:,} | server CPU ms, {TOWN_CASES:,} | "
                  f"server CPU ms, {args.cases:,} | server CPU, full ÷ town |", "|---|---|---|---|---|---|"]
        for label, town_result in town_rows:
            big_result = at_scale[label]
            lines.append(
                f"| {label} | {ms(town_result['p95_us']):.1f} | {ms(big_result['p95_us']):.1f} | "
                f"{town_result['server_cpu_ms']:.2f} | {big_result['server_cpu_ms']:.2f} | "
                f"{big_result['server_cpu_ms'] / town_result['server_cpu_ms']:.2f} |")
    if alone_rows:
        lines += ["", f"The name search on København alone: a database of the country's {args.cases // 2:,} cases "
                  "in København, the same citizens and names, and no other municipality, served and measured the "
                  f"same way in this run, searching for \"{SEARCH_NAME}\" (25 namesakes in both); the two "
                  f"databases in turns, {SCALE_ROUNDS} windows each, the least server CPU of each kept.", "",
                  "| page | p95 ms, København alone | p95 ms, whole country | server CPU ms, København alone | "
                  "server CPU ms, whole country | server CPU, country ÷ alone |", "|---|---|---|---|---|---|"]
        for label, alone_result, big_result in alone_rows:
            lines.append(
                f"| {label} | {ms(alone_result['p95_us']):.1f} | {ms(big_result['p95_us']):.1f} | "
                f"{alone_result['server_cpu_ms']:.2f} | {big_result['server_cpu_ms']:.2f} | "
                f"{big_result['server_cpu_ms'] / alone_result['server_cpu_ms']:.2f} |")
    lines += ["", "Page weight (bytes on the wire, compressed, fonts included) is measured in a real browser by "
              "tests/e2e/test_page_weight.py, which fails above 200 KB for a first visit or 20 KB for a repeat.", ""]
    report.write_text("\n".join(lines))
    return verdicts


if __name__ == "__main__":
    main()
