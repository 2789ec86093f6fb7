"""The API as a municipality's case system meets it: a token by client credentials, the handover
list, the case package, acknowledging pick-up and reporting the outcome, each limited to the
client's own municipality and written to its audit log."""
from __future__ import annotations

import re
from datetime import date

from sqlmodel import select

from portal.db import session_scope
from portal.models import AuditEntry, CaseEvent, Conversation, Handover, SickCase, utcnow

from ..conftest import Auth, csrf_token
from .conftest import PROBLEM, CaseSystem, basic, register, unemployed_cases

COPENHAGEN, AARHUS = "101", "751"


def text(response) -> str:
    return response.get_data(as_text=True)


def caseworker(app, name="Mette Sagsbehandler"):
    client = app.test_client()
    Auth(client).login(name, face="caseworker")
    return client


# --- the token -------------------------------------------------------------------------------


def test_a_registered_client_gets_a_token_for_an_hour_with_its_scopes(world):
    app, _case, _handover = world
    client_id, secret = register(app)
    answer = app.test_client().post("/api/v1/oauth/token", headers=basic(client_id, secret),
                                    data={"grant_type": "client_credentials"})
    assert answer.status_code == 200
    token = answer.get_json()
    assert token["token_type"] == "Bearer" and token["expires_in"] == 3600
    assert set(token["scope"].split()) == {"handovers:read", "cases:read", "handovers:write"}
    assert answer.headers["Cache-Control"] == "no-store"
    # the secret in the form works as well (client_secret_post)
    posted = app.test_client().post("/api/v1/oauth/token", data={
        "grant_type": "client_credentials", "client_id": client_id, "client_secret": secret, "scope": "handovers:read"})
    assert posted.status_code == 200 and posted.get_json()["scope"] == "handovers:read"


def test_a_wrong_secret_an_unknown_grant_and_a_scope_not_granted_get_no_token(world):
    app, _case, _handover = world
    client_id, secret = register(app, scope="handovers:read")
    http = app.test_client()
    wrong = http.post("/api/v1/oauth/token", headers=basic(client_id, "not-the-secret"),
                      data={"grant_type": "client_credentials"})
    assert wrong.status_code == 401 and wrong.get_json()["error"] == "invalid_client"
    with app.app_context(), session_scope(app) as db:
        [refused] = db.exec(select(AuditEntry).where(AuditEntry.action == "api_token_refused")).all()
        assert refused.actor == f"api:{client_id}" and refused.municipality_code == "101"
    assert "Fagsystem: adgangstoken afvist" in text(caseworker(app).get("/jobcenter/revisionslog"))
    grant = http.post("/api/v1/oauth/token", headers=basic(client_id, secret), data={"grant_type": "password"})
    assert grant.status_code == 400 and grant.get_json()["error"] == "unsupported_grant_type"
    # asking for a scope it was not registered for is refused (RFC 6749 § 5.2), not quietly narrowed
    more = http.post("/api/v1/oauth/token", headers=basic(client_id, secret),
                     data={"grant_type": "client_credentials", "scope": "handovers:read cases:read"})
    assert more.status_code == 400 and more.get_json()["error"] == "invalid_scope"
    assert "cases:read" in more.get_json()["error_description"]
    with app.app_context(), session_scope(app) as db:
        assert db.exec(select(AuditEntry).where(AuditEntry.action == "api_token_issued")).all() == []
    own = http.post("/api/v1/oauth/token", headers=basic(client_id, secret),
                    data={"grant_type": "client_credentials", "scope": "handovers:read"})
    assert own.status_code == 200 and own.get_json()["scope"] == "handovers:read"
    unknown = http.post("/api/v1/oauth/token", headers=basic(client_id, secret),
                        data={"grant_type": "client_credentials", "scope": "everything"})
    assert unknown.status_code == 400 and unknown.get_json()["error"] == "invalid_scope"


def test_a_revoked_client_is_stopped_at_once(world):
    from portal.api.oauth import revoke_client

    app, _case, _handover = world
    api = CaseSystem(app)
    assert api.get("/api/v1/handovers").status_code == 200
    with app.app_context(), session_scope(app) as db:
        assert revoke_client(db, api.client_id)
    stopped = api.get("/api/v1/handovers")
    assert stopped.status_code == 401 and stopped.mimetype == PROBLEM
    again = api.http.post("/api/v1/oauth/token", headers=basic(api.client_id, api.secret),
                          data={"grant_type": "client_credentials"})
    assert again.status_code == 401


def test_without_a_token_or_with_a_browser_session_the_api_answers_401_problem(world):
    app, _case, handover_id = world
    anonymous = app.test_client().get("/api/v1/handovers")
    assert anonymous.status_code == 401 and anonymous.mimetype == PROBLEM
    assert anonymous.headers["WWW-Authenticate"].lower().startswith("bearer")
    assert anonymous.get_json()["type"].endswith(":invalid-token")
    # a caseworker logged in to the portal has no access to the API through the cookie
    mette = caseworker(app)
    assert mette.get(f"/api/v1/handovers/{handover_id}").status_code == 401
    forged = app.test_client().get("/api/v1/handovers", headers={"Authorization": "Bearer made-up"})
    assert forged.status_code == 401 and forged.get_json()["type"].endswith(":invalid-token")


def test_a_token_without_the_scope_is_refused_403(world):
    app, _case, handover_id = world
    reader = CaseSystem(app, scope="handovers:read")
    assert reader.get("/api/v1/handovers").status_code == 200
    package = reader.get(f"/api/v1/handovers/{handover_id}")
    assert package.status_code == 403 and package.get_json()["type"].endswith(":insufficient-scope")
    assert 'error="insufficient_scope"' in package.headers["WWW-Authenticate"], "RFC 6750 § 3.1"
    assert "Lise" not in text(package)
    assert reader.post(f"/api/v1/handovers/{handover_id}/acknowledge").status_code == 403


# --- reading ---------------------------------------------------------------------------------


def test_the_list_shows_handovers_soonest_first_without_personal_data(world):
    app, lise_case, handover_id = world
    api = CaseSystem(app)
    listed = api.get("/api/v1/handovers")
    assert listed.status_code == 200
    [item] = listed.get_json()["items"]
    assert item["id"] == handover_id and item["case_id"] == lise_case
    assert item["status"] == "open" and item["reasons"] == ["conversation_requested"]
    assert item["due"] == "2026-11-30" and item["overdue"] is False
    assert listed.get_json()["next_cursor"] is None
    assert "Lise" not in text(listed) and "6105904321" not in text(listed)


def test_the_list_filters_by_status_reason_and_due_date(world):
    app, _lise_case, handover_id = world
    unemployed_cases(app, COPENHAGEN, [date(2026, 11, 2)])
    api = CaseSystem(app)

    def ids(**query):
        answer = api.get("/api/v1/handovers", query_string=query)
        assert answer.status_code == 200, text(answer)
        return [item["id"] for item in answer.get_json()["items"]]

    everything = ids()
    assert len(everything) == 2
    assert ids(reason="conversation_requested") == [handover_id]
    assert handover_id not in ids(reason="not_employed") and len(ids(reason="not_employed")) == 1
    assert ids(due_from="2026-11-30", due_to="2026-11-30") == [handover_id]
    assert ids(status="closed") == [] and ids(status="claimed") == []
    assert ids(status="open") == everything


def test_the_cursor_pages_through_every_handover_once_even_when_one_closes_between_pages(world):
    app, _lise_case, _handover = world
    unemployed_cases(app, COPENHAGEN, [date(2026, 10, 5), date(2026, 10, 12), date(2026, 10, 19), date(2026, 10, 26)])
    api = CaseSystem(app)
    seen, cursor, pages = [], None, 0
    while True:
        answer = api.get("/api/v1/handovers", query_string={"limit": 2, **({"cursor": cursor} if cursor else {})})
        body = answer.get_json()
        seen += [(item["due"], item["id"]) for item in body["items"]]
        pages += 1
        if pages == 1:
            # the first handover on the page just read is closed meanwhile: later pages are not shifted
            with app.app_context(), session_scope(app) as db:
                first = db.get(Handover, body["items"][0]["id"])
                first.status = "closed"
                db.add(first)
                db.commit()
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages == 3 and len(seen) == 5 and len(set(seen)) == 5
    assert seen == sorted(seen)


def test_bad_query_parameters_and_a_forged_cursor_are_400_problems_naming_the_field(world):
    app, _case, _handover = world
    api = CaseSystem(app)
    for query, field in (({"status": "lost"}, "status"), ({"limit": "0"}, "limit"), ({"limit": "many"}, "limit"),
                         ({"due_from": "30-11-2026"}, "due_from"), ({"reason": "boredom"}, "reason")):
        answer = api.get("/api/v1/handovers", query_string=query)
        assert answer.status_code == 400 and answer.mimetype == PROBLEM, query
        assert [e["field"] for e in answer.get_json()["errors"]] == [field], query
    for cursor in ("not-a-cursor", "W10=", "WyIyMDI2LTEzLTQwIiwgMV0"):
        answer = api.get("/api/v1/handovers", query_string={"cursor": cursor})
        assert answer.status_code == 400 and answer.get_json()["type"].endswith(":invalid-cursor"), cursor


def test_the_package_holds_the_case_the_answers_the_reasons_with_sources_and_the_timeline(world):
    app, lise_case, handover_id = world
    api = CaseSystem(app)
    answer = api.get(f"/api/v1/handovers/{handover_id}")
    assert answer.status_code == 200
    package = answer.get_json()
    assert package["citizen"] == {"cpr": "6105904321", "name": "Lise Testesen", "email": "lise@example.dk"}
    assert package["case"]["id"] == lise_case and package["case"]["first_absence_day"] == "2026-11-10"
    assert package["case"]["employer"] == {"cvr": "12345674", "name": "Testbageriet ApS"}
    assert package["questionnaire"]["status"] == "submitted"
    assert package["questionnaire"]["answers"]["samtale"]["conversation_topic"] == "Min arbejdstid"
    [reason] = package["handover"]["reasons"]
    assert reason["code"] == "conversation_requested" and reason["source"] and reason["legal_deadline"]
    kinds = [event["kind"] for event in package["timeline"]]
    assert kinds[0] == "sickness_reported" and "handed_over" in kinds
    assert package["hours"] == {"weeks": [], "step_up_plan": None, "stalled_at": None}


def test_another_municipalitys_client_cannot_see_or_touch_the_case(world):
    app, _lise_case, handover_id = world
    aarhus_case = unemployed_cases(app, AARHUS, [date(2026, 11, 2)])[0]
    aarhus = CaseSystem(app, municipality=AARHUS, name="Fagsystem Aarhus")
    [only] = aarhus.get("/api/v1/handovers").get_json()["items"]
    assert only["case_id"] == aarhus_case
    for answer in (aarhus.get(f"/api/v1/handovers/{handover_id}"),
                   aarhus.post(f"/api/v1/handovers/{handover_id}/acknowledge"),
                   aarhus.post(f"/api/v1/handovers/{handover_id}/outcome",
                               json={"held_on": "2026-11-16", "outcome": "closed", "form": "phone"})):
        assert answer.status_code == 404 and answer.mimetype == PROBLEM
        assert "Lise" not in text(answer)
    # exactly as a handover that does not exist
    missing = aarhus.get("/api/v1/handovers/999999").get_json()
    refused = aarhus.get(f"/api/v1/handovers/{handover_id}").get_json()
    assert {k: v for k, v in missing.items() if k != "instance"} == \
           {k: v for k, v in refused.items() if k != "instance"}
    with app.app_context(), session_scope(app) as db:
        handover = db.get(Handover, handover_id)
        case = db.get(SickCase, handover.case_id)
        assert handover.status == "open" and handover.acknowledged_at is None
        assert case.first_conversation_held_on is None


# --- writing ---------------------------------------------------------------------------------


def test_acknowledging_takes_the_handover_off_the_queue_in_the_case_systems_name(world):
    app, lise_case, handover_id = world
    api = CaseSystem(app)
    answer = api.post(f"/api/v1/handovers/{handover_id}/acknowledge",
                      json={"external_reference": "SAG-2026-0042", "caseworker_name": "Mette i Momentum"})
    assert answer.status_code == 200, text(answer)
    body = answer.get_json()
    assert body["status"] == "claimed" and body["assigned_to"] == "Mette i Momentum"
    assert body["external_reference"] == "SAG-2026-0042" and body["acknowledged_at"]
    mette = caseworker(app)
    queue = text(mette.get("/jobcenter/"))
    assert "Mette i Momentum" in queue
    case_page = text(mette.get(f"/jobcenter/sag/{lise_case}"))
    assert "Modtaget i fagsystemet" in case_page and "SAG-2026-0042" in case_page
    # nobody in the portal can take it now
    claimed = mette.post(f"/jobcenter/overdragelse/{handover_id}/tag",
                         data={"csrf_token": csrf_token(queue)})
    assert claimed.status_code == 303
    assert text(mette.get("/jobcenter/")).count("Mette i Momentum") == 1
    assert _handover(app, handover_id).assignee.startswith("api:")


def test_acknowledging_a_case_a_caseworker_holds_keeps_it_theirs(world):
    app, _lise_case, handover_id = world
    mette = caseworker(app)
    queue = text(mette.get("/jobcenter/"))
    mette.post(f"/jobcenter/overdragelse/{handover_id}/tag", data={"csrf_token": csrf_token(queue)})
    api = CaseSystem(app)
    body = api.post(f"/api/v1/handovers/{handover_id}/acknowledge", json={"external_reference": "SAG-7"}).get_json()
    assert body["assigned_to"] == "Mette Sagsbehandler" and body["external_reference"] == "SAG-7"


def test_a_write_needs_an_idempotency_key_and_a_retry_gets_the_first_answer(world):
    app, lise_case, handover_id = world
    api = CaseSystem(app)
    url = f"/api/v1/handovers/{handover_id}/acknowledge"
    missing = api.post(url, json={}, key=None)
    assert missing.status_code == 400 and missing.get_json()["type"].endswith(":idempotency-key-missing")
    first = api.post(url, json={"external_reference": "SAG-1"}, key="retry-me-1")
    retry = api.post(url, json={"external_reference": "SAG-1"}, key="retry-me-1")
    assert retry.status_code == first.status_code == 200
    assert retry.get_json() == first.get_json() and retry.headers["Idempotent-Replayed"] == "true"
    other = api.post(url, json={"external_reference": "SAG-2"}, key="retry-me-1")
    assert other.status_code == 422 and other.get_json()["type"].endswith(":idempotency-key-reused")
    with app.app_context(), session_scope(app) as db:
        events = db.exec(select(CaseEvent).where(CaseEvent.case_id == lise_case,
                                                 CaseEvent.kind == "handover_acknowledged")).all()
    assert len(events) == 1 and events[0].details["reference"] == "SAG-1"


def test_a_key_is_the_clients_own(world):
    app, _case, handover_id = world
    first, second = CaseSystem(app), CaseSystem(app, name="Fagsystem København (test)")
    url = f"/api/v1/handovers/{handover_id}/acknowledge"
    assert first.post(url, json={"external_reference": "A"}, key="shared-key").status_code == 200
    reused = second.post(url, json={"external_reference": "B"}, key="shared-key")
    assert reused.status_code == 200 and "Idempotent-Replayed" not in reused.headers


def test_an_outcome_closes_the_handover_and_shows_in_the_case_view_and_on_the_compliance_page(world):
    app, lise_case, handover_id = world
    mette = caseworker(app)
    before = text(mette.get("/jobcenter/overholdelse"))
    assert "Ingen første samtale har haft frist endnu." in before
    api = CaseSystem(app)
    answer = api.post(f"/api/v1/handovers/{handover_id}/outcome",
                      json={"held_on": "2026-11-16", "outcome": "self_service", "form": "phone"})
    assert answer.status_code == 200, text(answer)
    body = answer.get_json()
    assert body["handover"]["status"] == "closed" and body["handover"]["closed_on"] == "2026-11-16"
    assert body["conversation"] == {**body["conversation"], "status": "held", "held_on": "2026-11-16",
                                    "outcome": "self_service", "form": "phone",
                                    "recorded_via": "Fagsystem København"}
    case_page = text(mette.get(f"/jobcenter/sag/{lise_case}"))
    assert re.search(r"Afholdt 16\.\d+\.?.*: Tilbage til selvbetjening", case_page)
    assert "indberettet af Fagsystem København" in case_page
    compliance = text(mette.get("/jobcenter/overholdelse"))
    assert "100 %" in compliance and "1 af 1 første samtaler" in compliance
    assert "Lise Testesen" not in text(mette.get("/jobcenter/"))  # off the queue
    with app.app_context(), session_scope(app) as db:
        case = db.get(SickCase, lise_case)
        assert case.first_conversation_held_on == date(2026, 11, 16) and case.conversation_requested_on is None
    again = api.post(f"/api/v1/handovers/{handover_id}/outcome",
                     json={"held_on": "2026-11-16", "outcome": "closed", "form": "phone"})
    assert again.status_code == 409 and again.get_json()["type"].endswith(":handover-closed")


def test_an_outcome_holds_the_conversation_booked_in_the_portal(world):
    app, lise_case, handover_id = world
    mette = caseworker(app)
    page = text(mette.get(f"/jobcenter/sag/{lise_case}"))
    mette.post(f"/jobcenter/sag/{lise_case}/samtale", data={
        "book-day": "2026-11-20", "book-at": "10:00", "book-form": "video", "book-csrf_token": csrf_token(page)})
    with app.app_context(), session_scope(app) as db:
        booked = db.exec(select(Conversation).where(Conversation.case_id == lise_case)).one()
    api = CaseSystem(app)
    wrong = api.post(f"/api/v1/handovers/{handover_id}/outcome",
                     json={"held_on": "2026-11-16", "outcome": "jobcenter", "form": "video",
                           "conversation_id": booked.id + 100})
    assert wrong.status_code == 422 and wrong.get_json()["errors"][0]["field"] == "conversation_id"
    answer = api.post(f"/api/v1/handovers/{handover_id}/outcome",
                      json={"held_on": "2026-11-16", "outcome": "jobcenter", "form": "video",
                            "conversation_id": booked.id})
    assert answer.status_code == 200 and answer.get_json()["conversation"]["id"] == booked.id
    with app.app_context(), session_scope(app) as db:
        assert len(db.exec(select(Conversation).where(Conversation.case_id == lise_case)).all()) == 1
        assert db.get(SickCase, lise_case).status == "open"


def test_a_bad_outcome_is_refused_with_the_fields_and_changes_nothing(world):
    app, lise_case, handover_id = world
    api = CaseSystem(app)
    url = f"/api/v1/handovers/{handover_id}/outcome"
    cases = [
        ({"held_on": "2026-11-17", "outcome": "closed", "form": "phone"}, 422, ["held_on"]),  # tomorrow
        ({"held_on": "2026-11-01", "outcome": "closed", "form": "phone"}, 422, ["held_on"]),  # before sick
        ({"held_on": "16-11-2026", "outcome": "closed", "form": "phone"}, 422, ["held_on"]),
        ({"held_on": "2026-11-16", "outcome": "happy", "form": "phone"}, 422, ["outcome"]),
        ({"held_on": "2026-11-16", "outcome": "closed"}, 422, ["form"]),
        ({"held_on": "2026-11-16", "outcome": "closed", "form": "phone", "extra": 1}, 422, ["extra"]),
    ]
    for body, status, fields in cases:
        answer = api.post(url, json=body)
        assert answer.status_code == status and answer.mimetype == PROBLEM, body
        assert [e["field"] for e in answer.get_json()["errors"]] == fields, body
    malformed = api.http.post(url, data="{not json", content_type="application/json",
                              headers={**api.headers, "Idempotency-Key": "k-malformed"})
    assert malformed.status_code == 400 and malformed.get_json()["type"].endswith(":malformed-json")
    form = api.http.post(url, data={"held_on": "2026-11-16"}, headers={**api.headers, "Idempotency-Key": "k-form"})
    assert form.status_code == 415
    assert _handover(app, handover_id).status == "open"
    with app.app_context(), session_scope(app) as db:
        assert db.exec(select(Conversation)).all() == []


def test_every_call_is_in_the_municipalitys_audit_log(world):
    app, lise_case, handover_id = world
    api = CaseSystem(app)
    api.get("/api/v1/handovers")
    api.get(f"/api/v1/handovers/{handover_id}")
    api.post(f"/api/v1/handovers/{handover_id}/acknowledge")
    api.post(f"/api/v1/handovers/{handover_id}/outcome",
             json={"held_on": "2026-11-16", "outcome": "x", "form": "phone"})
    aarhus = CaseSystem(app, municipality=AARHUS, name="Fagsystem Aarhus")
    aarhus.get(f"/api/v1/handovers/{handover_id}")
    with app.app_context(), session_scope(app) as db:
        mine = db.exec(select(AuditEntry).where(AuditEntry.actor == f"api:{api.client_id}")
                       .order_by(AuditEntry.id)).all()
        theirs = db.exec(select(AuditEntry).where(AuditEntry.actor == f"api:{aarhus.client_id}")).all()
    assert [(e.action, e.case_id, e.detail) for e in mine] == [
        ("api_token_issued", None, "scope handovers:read cases:read handovers:write"),
        ("api_list_handovers", None, "GET /api/v1/handovers 200"),
        ("api_read_case", lise_case, f"GET /api/v1/handovers/{handover_id} 200"),
        ("api_acknowledge", lise_case, f"POST /api/v1/handovers/{handover_id}/acknowledge 200"),
        ("api_report_outcome", lise_case, f"POST /api/v1/handovers/{handover_id}/outcome 422"),
    ]
    assert all(e.municipality_code == COPENHAGEN for e in mine)
    assert all(abs((e.at - utcnow()).total_seconds()) < 600 for e in mine), "written at the call's time"
    # the refused look from Aarhus is in Aarhus's log, naming no case of København's
    assert [(e.action, e.case_id, e.municipality_code) for e in theirs][-1] == ("api_read_case", None, AARHUS)
    page = text(caseworker(app).get("/jobcenter/revisionslog"))
    assert "Fagsystem: læste sagen" in page and "Fagsystem København" in page


def test_unknown_routes_and_methods_answer_problems(world):
    app, _case, _handover = world
    api = CaseSystem(app)
    missing = api.get("/api/v1/nothing-here")
    assert missing.status_code == 404 and missing.mimetype == PROBLEM
    wrong_method = api.http.delete("/api/v1/handovers", headers=api.headers)
    assert wrong_method.status_code == 405 and wrong_method.mimetype == PROBLEM
    assert "GET" in wrong_method.headers["Allow"]


def _handover(app, handover_id) -> Handover:
    with app.app_context(), session_scope(app) as db:
        return db.get(Handover, handover_id)


def test_the_package_holds_the_timeline_s_obligations_with_a_caseworker_s_correction(world):
    """The case system gets the same dates the portal shows, and sees a correction as a correction."""
    app, lise_case, handover_id = world
    client = caseworker(app)
    page = text(client.get(f"/jobcenter/sag/{lise_case}"))
    moved = client.post(f"/jobcenter/sag/{lise_case}/frist", data={
        "csrf_token": csrf_token(page), "fix-obligation": "reassessment|2027-04-12", "fix-kind": "move",
        "fix-new_date": "2027-04-20", "fix-reason": "Lægeerklæring ventes i uge 16."})
    assert moved.status_code == 303
    package = CaseSystem(app).get(f"/api/v1/handovers/{handover_id}").get_json()
    obligations = {o["code"]: o for o in package["obligations"]}
    assert obligations["employer_period_end"]["date"] == "2026-12-09"
    assert obligations["questionnaire_due"]["state"] == "met"
    assert obligations["first_conversation"]["state"] == "not_required"  # 2026 rules: back within 26 weeks
    assert obligations["first_conversation"]["why_en"]
    moved = obligations["reassessment"]
    assert (moved["date"], moved["original_date"], moved["state"]) == ("2027-04-20", "2027-04-12", "upcoming")
    assert moved["correction"] == {"kind": "move", "reason": "Lægeerklæring ventes i uge 16.",
                                   "by": "Mette Sagsbehandler", "decided_on": "2026-11-16", "new_date": "2027-04-20"}
    assert obligations["requested_conversation"]["state"] == "due"
    assert {r["obligation"] for r in package["handover"]["reasons"]} == {"requested_conversation"}


def test_text_with_control_or_invisible_characters_and_impossible_cursors_are_400_problems(world):
    import base64
    import json

    app, _case, handover_id = world
    api = CaseSystem(app)
    for bad in ("Sag\x0012", "\x1b[31mSag", "Mette\u202eSagsbehandler", "Sag\u200b12", "   "):
        answer = api.post(f"/api/v1/handovers/{handover_id}/acknowledge", json={"external_reference": bad})
        assert answer.status_code == 422 and answer.mimetype == PROBLEM, repr(bad)  # as every refused body
        assert answer.get_json()["errors"][0]["field"] == "external_reference"
    for raw in ('["2026-11-16", Infinity]', '["2026-11-16", 99999999999999999999]', '["2026-11-16", -1]',
                '["2026-11-16", 1e400]', '["2026-11-16", true]'):
        cursor = base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")
        answer = api.get(f"/api/v1/handovers?cursor={cursor}")
        assert answer.status_code == 400 and answer.get_json()["type"].endswith(":invalid-cursor"), raw
    assert json.dumps(api.get("/api/v1/handovers").get_json())  # the list itself still answers


def test_made_up_tokens_stop_at_the_address_limit_and_a_client_is_counted_as_one(make_app):
    import secrets

    app = make_app(PORTAL_RATELIMIT_API_REFUSED="5 per minute", PORTAL_RATELIMIT_API="4 per minute")
    client = app.test_client()
    answers = [client.get("/api/v1/handovers", headers={"Authorization": f"Bearer {secrets.token_urlsafe(32)}"})
               .status_code for _ in range(7)]
    assert answers == [401] * 5 + [429] * 2, "random tokens were never limited"
    api = CaseSystem(app)
    tokens = [api.token, api.fetch_token()]  # one client, two tokens: 4 calls each would pass per token
    counted = [api.http.get("/api/v1/handovers", headers={"Authorization": f"Bearer {tokens[n % 2]}"}).status_code
               for n in range(8)]
    assert 429 in counted, "the client's tokens share one count"
