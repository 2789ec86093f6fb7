"""Every route × every role, with the answer each must get. A route that is not in the matrix fails
the build, so a new page cannot ship without someone deciding who may see it.

The world: Lise has a case (handed over to København, 101, because she asked for a conversation),
Hanne's company reported her sick, and Mette (København) booked a conversation. Ahmed, Jens and
Karsten (Aarhus, 751) are the neighbours who must not see any of it."""
from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from portal.db import session_scope
from portal.models import Conversation, EmployerReport, FreeTime, Handover
from portal.web import signed_csrf_token

from ..conftest import Auth, csrf_token
from .test_citizen_journey import case_id_from, post_form, report_sick, text

ANON, LISE, AHMED, HANNE, JENS, METTE, KARSTEN = "anon", "lise", "ahmed", "hanne", "jens", "mette", "karsten"
LOGINS = {LISE: ("Lise Testesen", "citizen"), AHMED: ("Ahmed Prøvesen", "citizen"),
          HANNE: ("Hanne Arbejdsgiver", "employer"), JENS: ("Jens Virksomhed", "employer"),
          METTE: ("Mette Sagsbehandler", "caseworker"), KARSTEN: ("Karsten Sagsbehandler", "caseworker")}
ROLES = (ANON, *LOGINS)

# What a role gets: OK (the page, or a redirect within it), LOGIN (sent to log in), FORBIDDEN (403:
# not your kind of page), NOT_FOUND (404: someone else's record, never confirmed to exist),
# NO_TOKEN (401: the API wants a bearer token; a browser session opens nothing there),
# BAD_REQUEST (400: the token endpoint without a grant type).
OK, LOGIN, FORBIDDEN, NOT_FOUND = "ok", "login", "forbidden", "not found"
NO_TOKEN, BAD_REQUEST = "no token", "bad request"


def _only(owner: str, neighbour: str | None, *, owner_kind: tuple[str, ...]) -> dict:
    answers = {role: FORBIDDEN for role in ROLES}
    answers[ANON] = LOGIN
    for role in owner_kind:
        answers[role] = OK
    if neighbour:
        answers[neighbour] = NOT_FOUND
    return answers


EVERYONE = {role: OK for role in ROLES}
ANY_CITIZEN = _only(LISE, None, owner_kind=(LISE, AHMED))
LISES_CASE = _only(LISE, AHMED, owner_kind=(LISE,))
ANY_EMPLOYER = _only(HANNE, None, owner_kind=(HANNE, JENS))
HANNES_REPORT = _only(HANNE, JENS, owner_kind=(HANNE,))
ANY_CASEWORKER = _only(METTE, None, owner_kind=(METTE, KARSTEN))
COPENHAGENS_CASE = _only(METTE, KARSTEN, owner_kind=(METTE,))
API_ONLY = {role: NO_TOKEN for role in ROLES}

MATRIX: dict[str, dict] = {
    "main.index": EVERYONE,
    "main.switch_language": EVERYONE,
    "main.favicon": EVERYONE,
    "main.deadlines": EVERYONE,
    "main.accessibility": EVERYONE,
    "main.privacy_choice": EVERYONE,
    "main.privacy": EVERYONE,
    "main.contact": EVERYONE,
    "auth.login": EVERYONE,
    "auth.callback": EVERYONE,      # without a valid state it only says the login failed
    "auth.logout": EVERYONE,
    "auth.logged_out": EVERYONE,   # the page the timeout warning goes to; it ends the session too
    "auth.keep_alive": {**EVERYONE, ANON: NO_TOKEN},
    "auth.backchannel_logout": {role: BAD_REQUEST for role in ROLES},  # only a valid logout token ends anything
    "ops.live": EVERYONE,
    "ops.health": EVERYONE,
    "citizen.overview": ANY_CITIZEN,
    "citizen.my_data": ANY_CITIZEN,
    "citizen.my_data_download": ANY_CITIZEN,
    "citizen.sessions": ANY_CITIZEN,
    "citizen.end_other_sessions": ANY_CITIZEN,
    "employer.sessions": ANY_EMPLOYER,
    "employer.end_other_sessions": ANY_EMPLOYER,
    "jobcenter.sessions": ANY_CASEWORKER,
    "jobcenter.end_other_sessions": ANY_CASEWORKER,
    "citizen.report": ANY_CITIZEN,
    "citizen.reported": LISES_CASE,
    "citizen.questionnaire_feedback": LISES_CASE,
    "citizen.answer_invitation": LISES_CASE,
    "citizen.book_time": LISES_CASE,
    "citizen.share_plan": LISES_CASE,
    "citizen.letter": LISES_CASE,
    "jobcenter.feedback": ANY_CASEWORKER,
    "citizen.case": LISES_CASE,
    "citizen.questionnaire_start": LISES_CASE,
    "citizen.questionnaire_step": LISES_CASE,
    "citizen.questionnaire_check": LISES_CASE,
    "citizen.questionnaire_receipt": LISES_CASE,
    "citizen.hours": LISES_CASE,
    "citizen.step_up_plan": LISES_CASE,
    "citizen.standby": LISES_CASE,
    "citizen.withdraw_standby": LISES_CASE,
    "citizen.fast_track": LISES_CASE,
    "citizen.employer_fast_track": LISES_CASE,
    "citizen.employer_relation": LISES_CASE,
    "citizen.ask_conversation": LISES_CASE,
    "citizen.check_in": LISES_CASE,
    "citizen.recovery": LISES_CASE,
    "employer.overview": ANY_EMPLOYER,
    "employer.report": ANY_EMPLOYER,
    "employer.fast_track": HANNES_REPORT,
    "employer.questions": HANNES_REPORT,
    "jobcenter.queue": ANY_CASEWORKER,
    "jobcenter.compliance": ANY_CASEWORKER,
    "jobcenter.audit": ANY_CASEWORKER,
    "jobcenter.audit_export": ANY_CASEWORKER,
    "jobcenter.case": COPENHAGENS_CASE,
    "jobcenter.claim": COPENHAGENS_CASE,
    "jobcenter.release": COPENHAGENS_CASE,
    "jobcenter.book": COPENHAGENS_CASE,
    "jobcenter.held": COPENHAGENS_CASE,
    "jobcenter.correct": COPENHAGENS_CASE,
    "jobcenter.decide_fast_track": COPENHAGENS_CASE,
    "jobcenter.move": COPENHAGENS_CASE,
    "jobcenter.free_times": ANY_CASEWORKER,
    "jobcenter.plan": COPENHAGENS_CASE,
    "jobcenter.letter": COPENHAGENS_CASE,
    "jobcenter.withdraw_free_time": ANY_CASEWORKER,
    "jobcenter.cancel": COPENHAGENS_CASE,
    "jobcenter.minutes": COPENHAGENS_CASE,
    "jobcenter.search": ANY_CASEWORKER,       # what it finds is the searcher's municipality's (test_caseworkers_day)
    "jobcenter.workload": ANY_CASEWORKER,
    "jobcenter.assign": COPENHAGENS_CASE,
    "jobcenter.wait": COPENHAGENS_CASE,
    "jobcenter.end_wait": COPENHAGENS_CASE,
    "jobcenter.transfer": COPENHAGENS_CASE,
    # The API: its own tests (tests/api) cover clients, scopes and municipalities.
    "api.openapi": EVERYONE,
    "api.token": {role: BAD_REQUEST for role in ROLES},
    "api.handovers": API_ONLY,
    "api.handover_package": API_ONLY,
    "api.acknowledge": API_ONLY,
    "api.outcome": API_ONLY,
}

# Routes outside the matrix on purpose: the static files are public by nature.
PUBLIC_FILES = {"static"}


def outcome(response) -> str:
    if response.status_code in (301, 302, 303) and "/log-ind/" in response.headers.get("Location", ""):
        return LOGIN
    if response.status_code == 401:
        return NO_TOKEN
    if response.status_code == 403:
        return FORBIDDEN
    if response.status_code == 404:
        return NOT_FOUND
    if response.status_code < 400:
        return OK
    # A form posted with nothing in it is refused with its field errors: the page was reached.
    if response.status_code == 400 and 'data-error-summary' in response.get_data(as_text=True):
        return OK
    if response.status_code == 400 and response.mimetype == "application/json":
        return BAD_REQUEST
    return f"status {response.status_code}"


@pytest.fixture
def setup(make_app):
    """One app, one logged-in client a role, and the ids of Lise's records."""
    app = make_app(PORTAL_RATELIMIT_ENABLED=False, RATELIMIT_ENABLED=False)
    clients = {ANON: app.test_client()}
    for role, (name, face) in LOGINS.items():
        clients[role] = app.test_client()
        Auth(clients[role]).login(name, face)
    lise = clients[LISE]
    case_id = case_id_from(report_sick(lise, first_absence_day="2026-10-26"))
    asked = post_form(lise, f"/borger/sag/{case_id}/samtale", {"form": "phone", "reason": "Min arbejdstid"})
    assert asked.status_code == 303
    hanne = clients[HANNE]
    reported = post_form(hanne, "/arbejdsgiver/sygemelding",
                         {"cpr": "610590-4321", "employee_name": "Lise Testesen",
                          "first_absence_day": "2026-10-26", "absence_kind": "full"})
    assert reported.status_code == 303
    mette = clients[METTE]
    booked = mette.post(f"/jobcenter/sag/{case_id}/samtale",
                        data={"book-day": "2026-11-20", "book-at": "10:00", "book-form": "phone",
                              "book-csrf_token": csrf_token(text(mette.get(f"/jobcenter/sag/{case_id}")))})
    assert booked.status_code in (302, 303), booked.get_data(as_text=True)[:2000]
    with app.app_context(), session_scope(app) as db:
        ids = {
            "case_id": case_id,
            "report_id": db.exec(select(EmployerReport.id)).one(),
            "handover_id": db.exec(select(Handover.id).where(Handover.case_id == case_id)).one(),
            "conversation_id": db.exec(select(Conversation.id)).one(),
            "free_time_id": _free_time(db),
            "ref": db.exec(select(Conversation.id)).one(),
            "slug": "om-dig",
            "face": "citizen",
            "code": "en",
            "municipality": "101",
            "kind": "invitation",
        }
    return app, clients, ids


def _free_time(db) -> int:
    time = FreeTime(municipality_code="101", caseworker="caseworker-mette", caseworker_name="Mette Sagsbehandler",
                    starts_at=datetime(2026, 11, 20, 9, 0, tzinfo=UTC), form="phone")
    db.add(time)
    db.commit()
    return time.id


def page_token(app, client) -> str:
    """The CSRF token a logged-in page carries for htmx. An anonymous page makes none (that would
    start a session row for every reader): the anonymous browser is given one in its session, as if
    it had opened a form, so its POSTs reach the routes' own access checks."""
    html = client.get("/").get_data(as_text=True)
    found = re.search(r'"X-CSRFToken": "([^"]+)"', html)
    if found:
        return found.group(1)
    raw = secrets.token_hex(20)
    with client.session_transaction() as session:
        session["csrf_token"] = raw
    return signed_csrf_token(app.secret_key, raw)


def routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_FILES:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def test_every_route_has_a_rule(make_app):
    app = make_app()
    endpoints = {rule.endpoint for rule, _method in routes(app)}
    assert endpoints - set(MATRIX) == set(), "routes without a rule in the access matrix"
    assert set(MATRIX) - endpoints == set(), "rules for routes that no longer exist"


def test_every_route_answers_every_role_as_the_matrix_says(setup):
    app, clients, ids = setup
    tokens = {role: page_token(app, client) for role, client in clients.items()}
    wrong = []
    # Reading first, then writing, so a form posted by one role does not change what another reads.
    for wanted_method in ("GET", "POST"):
        for rule, method in routes(app):
            if method != wanted_method:
                continue
            url = rule.build({k: v for k, v in ids.items() if k in rule.arguments}, append_unknown=False)[1]
            for role in ROLES:
                client = clients[role]
                if method == "GET":
                    response = client.get(url)
                else:
                    response = client.post(url, data={"csrf_token": tokens[role]})
                got = outcome(response)
                expected = MATRIX[rule.endpoint][role]
                if rule.endpoint in ("auth.logout", "auth.logged_out"):
                    # Logging out ends the session: log in again for the rest of the run.
                    if role in LOGINS:
                        Auth(client).login(*LOGINS[role])
                    tokens[role] = page_token(app, client)
                if got != expected:
                    wrong.append(f"{method} {url} as {role}: {got}, expected {expected}")
    assert wrong == [], "\n".join(wrong)


def test_every_form_refuses_a_post_without_its_csrf_token(setup):
    app, clients, ids = setup
    for rule, method in routes(app):
        if method != "POST" or rule.endpoint.startswith("api.") or rule.endpoint == "auth.backchannel_logout":
            continue  # bearer tokens and the provider's signed logout token: no session to ride on
        url = rule.build({k: v for k, v in ids.items() if k in rule.arguments}, append_unknown=False)[1]
        for role in (ANON, LISE, METTE):
            response = clients[role].post(url, data={})
            assert response.status_code == 400, (url, role, response.status_code)
            assert re.search("Formularen var udløbet", response.get_data(as_text=True)), url
