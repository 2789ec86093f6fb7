"""The login as a municipality's IT department meets it with a real broker: the level of assurance
required and refused with a clear page, acr_values and extra authorization parameters, the issuer
checked against discovery, a caseworker provider that names no municipality, a provider's own role
claim, every failure logged with its code, and the OpenID back-channel logout."""
from __future__ import annotations

import dataclasses
import logging
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from joserfc import jwt

from portal.config import FACES, NSIS_SUBSTANTIAL, oidc_provider
from portal.devidp.testing import RUNNING

from ..conftest import Auth, _identity_form
from .test_citizen_journey import CITIZEN, text


def providers(issuer, **per_face):
    """The bundled provider for every face, with some faces' settings changed."""
    return {face: dataclasses.replace(oidc_provider(face), issuer=issuer, **per_face.get(face, {}))
            for face in FACES}


def test_a_login_below_the_required_level_is_refused_with_a_clear_page(make_app, idp_issuer, caplog):
    app = make_app(PORTAL_OIDC=providers(idp_issuer, citizen={"min_loa": NSIS_SUBSTANTIAL}))
    client = app.test_client()
    with caplog.at_level(logging.WARNING, logger="portal"):
        with pytest.raises(AssertionError):  # the login does not end in a redirect home
            Auth(client).login(CITIZEN)
    assert any(getattr(r, "error", None) == "loa_too_low" and r.face == "citizen" for r in caplog.records)
    assert client.get("/borger/mit-sygefravaer").status_code == 302, "not logged in"


def test_the_refusal_page_says_what_to_do(make_app, idp_issuer):
    app = make_app(PORTAL_OIDC=providers(idp_issuer, citizen={"min_loa": NSIS_SUBSTANTIAL}))
    client = app.test_client()
    start = client.get("/log-ind/citizen")  # the login by hand, to read the page it ends on
    browser = requests.Session()
    page = browser.get(start.headers["Location"], timeout=10)
    chosen = browser.post(page.url, data=_identity_form(page.text, CITIZEN), allow_redirects=False, timeout=10)
    callback = urlsplit(chosen.headers["Location"])
    refused = client.get(f"{callback.path}?{callback.query}")
    assert refused.status_code == 403
    assert "Dit login er ikke sikkert nok til dette" in text(refused) and "betydelig" in text(refused)


def test_acr_values_and_a_broker_s_extra_parameters_are_asked_for(make_app, idp_issuer):
    app = make_app(PORTAL_OIDC=providers(idp_issuer, citizen={
        "acr_values": NSIS_SUBSTANTIAL, "auth_params": (("idp_values", "mitid"),)}))
    start = app.test_client().get("/log-ind/citizen")
    query = parse_qs(urlsplit(start.headers["Location"]).query)
    assert query["acr_values"] == [NSIS_SUBSTANTIAL] and query["idp_values"] == ["mitid"]


def test_a_discovery_document_naming_another_issuer_is_refused_and_logged(make_app, idp_issuer, caplog):
    other = idp_issuer.replace("127.0.0.1", "localhost")
    app = make_app(PORTAL_OIDC=providers(other))
    with caplog.at_level(logging.ERROR, logger="portal"):
        start = app.test_client().get("/log-ind/citizen")
    assert start.status_code == 302 and urlsplit(start.headers["Location"]).path == "/"
    assert any(getattr(r, "error", None) == "issuer_mismatch" for r in caplog.records)


def test_a_login_refused_at_the_provider_is_logged_with_its_code(make_app, idp_issuer, caplog):
    client = make_app().test_client()
    start = client.get("/log-ind/citizen")
    state = parse_qs(urlsplit(start.headers["Location"]).query)["state"][0]
    with caplog.at_level(logging.WARNING, logger="portal"):
        refused = client.get(f"/auth/callback/citizen?error=access_denied&state={state}")
    assert refused.status_code == 302
    assert any(getattr(r, "error", None) == "access_denied" and r.face == "citizen" for r in caplog.records)


def test_claims_without_a_cpr_number_are_refused_and_logged_without_any_value(make_app, idp_issuer, caplog):
    app = make_app(PORTAL_OIDC=providers(idp_issuer, citizen={"claim_cpr": "dk.cpr"}))
    with caplog.at_level(logging.WARNING, logger="portal"), pytest.raises(AssertionError):
        Auth(app.test_client()).login(CITIZEN)
    messages = [r.getMessage() for r in caplog.records if getattr(r, "error", None) == "claims_unusable"]
    assert messages == ["login refused: no CPR number in the claim 'dk.cpr'"]
    assert not any("6105904321" in r.getMessage() for r in caplog.records)


def test_a_caseworker_provider_that_names_no_municipality_and_a_broker_role_claim(make_app, idp_issuer):
    app = make_app(PORTAL_OIDC=providers(idp_issuer, caseworker={
        "claim_municipality": "kommunekode", "fixed_municipality": "751", "claim_role": "name"}))
    client = app.test_client()
    Auth(client).login("Mette Sagsbehandler", face="caseworker")
    assert client.get("/jobcenter/").status_code == 200
    assert "751" in text(client.get("/jobcenter/overholdelse"))


def logout_token(issuer, **claims) -> str:
    key = RUNNING[issuer].extensions["devidp.key"]
    body = {"iss": issuer, "aud": "portal-dev", "iat": int(time.time()), "jti": str(time.time()),
            "events": {"http://schemas.openid.net/event/backchannel-logout": {}}, **claims}
    return jwt.encode({"alg": "RS256", "kid": key.kid}, body, key)


def test_a_back_channel_logout_ends_the_portal_s_sessions(app, client, auth, idp_issuer, caplog):
    from sqlmodel import select

    from portal.db import session_scope
    from portal.models import WebSession

    auth.login(CITIZEN)
    with app.app_context(), session_scope(app) as db:
        subject = db.exec(select(WebSession.subject).where(WebSession.role == "citizen")).first()
    phone = app.test_client()
    Auth(phone).login(CITIZEN)
    bad = app.test_client().post("/auth/backchannel-logout/citizen",
                                 data={"logout_token": logout_token(idp_issuer, sub=subject, aud="someone-else")})
    assert bad.status_code == 400 and bad.get_json() == {"error": "invalid_request"}
    with_nonce = app.test_client().post("/auth/backchannel-logout/citizen",
                                        data={"logout_token": logout_token(idp_issuer, sub=subject, nonce="x")})
    assert with_nonce.status_code == 400
    assert client.get("/borger/mit-sygefravaer").status_code == 200, "a refused token ends nothing"
    done = app.test_client().post("/auth/backchannel-logout/citizen",
                                  data={"logout_token": logout_token(idp_issuer, sub=subject)})
    assert done.status_code == 200 and done.headers["Cache-Control"] == "no-store"
    for browser in (client, phone):
        assert browser.get("/borger/mit-sygefravaer").status_code == 302, "ended on the server"


def test_a_provider_that_changes_its_signing_algorithm_costs_one_login_not_a_restart(make_app, caplog):
    """The portal had cached the provider's metadata for the life of the process, so every login
    failed after the provider moved from RS256 to ES256. Now the failure is logged with its code,
    the metadata is read afresh, and the next login works."""
    from portal.devidp.testing import running_idp

    from ..conftest import free_port

    port = free_port()
    with running_idp(port=port) as issuer:
        app = make_app(PORTAL_OIDC=providers(issuer))
        before = Auth(app.test_client()).login(CITIZEN)
        assert urlsplit(before.headers["Location"]).path == "/borger/mit-sygefravaer"
    with running_idp(port=port, alg="ES256") as same:
        assert same == issuer
        with caplog.at_level(logging.ERROR, logger="portal"):
            failed = Auth(app.test_client()).login(CITIZEN)
        assert urlsplit(failed.headers["Location"]).path == "/"
        assert any(r.getMessage() == "login refused: the ID token could not be verified" and r.face == "citizen"
                   and r.error for r in caplog.records)
        after = Auth(app.test_client()).login(CITIZEN)
        assert urlsplit(after.headers["Location"]).path == "/borger/mit-sygefravaer", "no restart needed"
