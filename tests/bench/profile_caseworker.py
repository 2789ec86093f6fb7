"""The portal's measured pages, in-process: CPU a request and SQL statements, as ratios to the
logged-in front page, on a PostgreSQL database filled as `make bench` fills it; with --profile
NAME, a pyinstrument profile of that page (HTML to tests/bench/results/, which git ignores) and
cProfile's tables timed in CPU (pip install pyinstrument; it is not a dependency); with --parts, each
page's CPU told in the parts every page shares (the session read, the CSRF check, the form's key,
WTForms, the statements on the driver, the template) and the rest, without a profiler's overhead.

    python -m tests.bench.profile_caseworker --cases 2000 [--reuse] [--profile "search by name"] [--parts]

Not a test and not the benchmark: a quick loop for working on the pages' cost (no gunicorn, no wrk).
PORTAL_BENCH_DB_PREFIX names the database, as for the benchmark."""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from tests.bench import bench_pages
from tests.bench.bench_pages import DB_PREFIX, MINIMAL, database, identity_provider, queries_per_page

PAGES = {label: page for label, page in {
    "front page, logged in (GET)": ("caseworker", "GET", "/", None),
    "citizen overview (GET)": ("citizen", "GET", "/borger/mit-sygefravaer", None),
    "questionnaire step (GET)": ("citizen", "GET", "/borger/sag/{case_id}/oplysningsskema/om-dig", None),
    "questionnaire step (POST)": ("citizen", "POST", "/borger/sag/{case_id}/oplysningsskema/om-dig",
                                  bench_pages.STEP),
    "caseworker queue (GET)": ("caseworker", "GET", "/jobcenter/", None),
    "queue: my cases (GET)": ("caseworker", "GET", "/jobcenter/?assignee=me", None),
    "search by case number (POST)": ("caseworker", "POST", "/jobcenter/soeg", bench_pages.SEARCH),
    "search by CPR number (POST)": ("caseworker", "POST", "/jobcenter/soeg",
                                    {"find-term": f"{bench_pages.SEARCH_CPR[:6]}-{bench_pages.SEARCH_CPR[6:]}"}),
    "search by name (POST)": ("caseworker", "POST", "/jobcenter/soeg", {"find-term": bench_pages.SEARCH_NAME}),
    "caseworker workload (GET)": ("caseworker", "GET", "/jobcenter/arbejdsbyrde", None),
    "API: handover list (GET)": ("api", "GET", "/api/v1/handovers?limit=25", None),
    "API: handover package (GET)": ("api", "GET", "/api/v1/handovers/{handover_id}", None),
}.items()}
SHOW_ALL = bool(os.environ.get("SHOW_ALL"))
TARGET = {"API: handover package (GET)": 3.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--only", default="")
    parser.add_argument("--profile", default="", help="profile the page whose label holds this")
    parser.add_argument("--parts", action="store_true", help="each page's CPU by part (session, CSRF, ...)")
    args = parser.parse_args()
    pages = {label: page for label, page in PAGES.items() if args.only in label or label.startswith("front")}
    url = database(f"{DB_PREFIX}_profile", args.cases, args.reuse)
    results = Path(__file__).with_name("results")
    results.mkdir(exist_ok=True)
    env = {**os.environ, "DATABASE_URL": url, "PORTAL_TODAY": bench_pages.TODAY.isoformat(), "PORTAL_DEV_IDP": "1"}
    with identity_provider(env, results / "profile-idp.log") as issuer:
        if args.profile:
            profile(url, issuer, dict([next((k, v) for k, v in PAGES.items() if args.profile in k)]), results)
            return
        if args.parts:
            time_the_parts()
            bench_pages.cpu_per_request = cpu_by_part
            queries_per_page(url, issuer, pages)
            return
        counts, cpu = queries_per_page(url, issuer, pages)
    floor = cpu["front page, logged in (GET)"]
    print(f"minimal Flask page {cpu[MINIMAL]:.2f} ms; {args.cases:,} cases")
    print(f"{'page':32} {'queries':>7} {'CPU ms':>7} {'× front':>7}  target")
    for label in pages:
        limit = TARGET.get(label, 2.0)
        ratio = cpu[label] / floor
        verdict = "" if label.startswith("front") else ("met" if ratio <= limit else f"NOT met (≤ {limit:g})")
        print(f"{label:32} {counts[label]!s:>7} {cpu[label]:7.2f} {ratio:7.2f}  {verdict}")


# The parts a page's CPU is told in by --parts, each (module, class or None, function). A part's time
# is its own: a statement run while the session is read counts as a statement, not as the session.
PARTS = {
    "session read": [("portal.auth.server_session", "DatabaseSessionInterface", "open_session"),
                     ("portal.auth.server_session", "DatabaseSessionInterface", "save_session")],
    "CSRF check": [("flask_wtf.csrf", "CSRFProtect", "protect")],
    "form's key": [("portal.submissions", None, "_claim"), ("portal.submissions", None, "_settle")],
    "WTForms": [("wtforms.form", "FormMeta", "__call__"), ("wtforms.form", "Form", "validate")],
    "statements on the driver": [("psycopg", "Cursor", "execute"), ("psycopg", "Cursor", "fetchall"),
                                 ("psycopg", "Cursor", "fetchone")],
    "template": [("flask.templating", None, "_render")],
}


_SPENT: dict[str, int] = {}


def time_the_parts() -> None:
    """Wraps each function of PARTS with a timer of its own CPU time (into _SPENT). Before the app is
    made, so that a hook it registers (the form's key) is the wrapped function."""
    import functools
    import importlib

    stack: list[list] = []  # [start, time of parts inside it]

    def timed(part, function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            started = time.process_time_ns()
            stack.append([started, 0])
            try:
                return function(*args, **kwargs)
            finally:
                started, inner = stack.pop()
                took = time.process_time_ns() - started
                _SPENT[part] = _SPENT.get(part, 0) + took - inner
                if stack:
                    stack[-1][1] += took
        return wrapper

    for part, functions in PARTS.items():
        for module, owner, name in functions:
            target = importlib.import_module(module)
            target = getattr(target, owner) if owner else target
            setattr(target, name, timed(part, getattr(target, name)))


def cpu_by_part(requests_by_label: dict, rounds: int = 7, requests: int = 200) -> dict:
    """Each page's CPU a request told in PARTS and the rest (Flask, Werkzeug, the view's code,
    SQLAlchemy's layers), the least total of `rounds` with the pages taking turns in each round:
    printed as a Markdown table. The timers cost about a microsecond a call, so the totals run a
    little above the benchmark's."""
    best = {}
    for _ in range(rounds):
        for label, request in requests_by_label.items():
            request()
            _SPENT.clear()
            started = time.process_time_ns()
            for _ in range(requests):
                request()
            total = (time.process_time_ns() - started) / requests / 1000
            if label not in best or total < best[label][0]:
                best[label] = (total, {part: _SPENT.get(part, 0) / requests / 1000 for part in PARTS})
    front = best["front page, logged in (GET)"][0]
    print("| page | CPU µs | over the front page | " + " | ".join(PARTS) + " | the rest |")
    print("|---" * (len(PARTS) + 4) + "|")
    for label, (total, parts) in best.items():
        over = "" if label == MINIMAL or label.startswith("front") else f"{total - front:+.0f}"
        cells = " | ".join(f"{parts[part]:.0f}" for part in PARTS)
        print(f"| {label} | {total:.0f} | {over} | {cells} | {total - sum(parts.values()):.0f} |")
    return {}


def profile(url: str, issuer: str, pages: dict, results: Path) -> None:
    """The bench's own flow with its CPU loop replaced: 200 requests of the page under pyinstrument
    (one HTML profile), then 200 under cProfile timed in CPU, so waiting for PostgreSQL is left out."""
    import cProfile
    import pstats

    from pyinstrument import Profiler

    label = next(iter(pages))

    def profiled(requests_by_label: dict) -> dict:
        request = requests_by_label[label]
        for _ in range(20):
            request()
        profiler = Profiler(interval=0.0002)
        with profiler:
            for _ in range(200):
                request()
        name = "".join(c if c.isalnum() else "-" for c in label).strip("-")
        (results / f"profile-{name}.html").write_text(profiler.output_html())
        print(profiler.output_text(unicode=True, color=False, show_all=SHOW_ALL), file=sys.stdout)
        cpu = cProfile.Profile(time.process_time)
        cpu.enable()
        for _ in range(200):
            request()
        cpu.disable()
        pstats.Stats(cpu).sort_stats("tottime").print_stats(40)
        pstats.Stats(cpu).sort_stats("cumtime").print_stats(80)
        return {}

    bench_pages.cpu_per_request = profiled
    queries_per_page(url, issuer, pages)


if __name__ == "__main__":
    main()
