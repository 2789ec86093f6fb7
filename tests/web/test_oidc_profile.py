"""The login as a municipality's IT department meets it with a real broker: the level of assurance
required and refused with a clear page, acr_values and extra authorization parameters, the issuer
checked against discovery, a caseworker provider that names no municipality, a provider's own role
claim, every failure logged with its code, and the OpenID back-channel logout."""
from __future__ import annotations

import dataclasses
import logging
import time
from urllib.parse import parse_qs, parse_qsl, urlsplit

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
    page = browser.get(start.headers["Location"], timeout=60)
    chosen = browser.post(page.url, data=_identity_form(page.text, CITIZEN), allow_redirects=False, timeout=60)
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
        refused = client.get(f"/auth/callback/citizen?error=access_denied&state={state}&iss={idp_issuer}")
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
    # Pages name a municipality, not its code (docs/GLOSSARY.md): 751 is Aarhus.
    assert "Aarhus" in text(client.get("/jobcenter/overholdelse"))


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


def _answer_by_hand(client, start_path: str = "/log-ind/citizen", who: str = CITIZEN):
    """The login through the bundled provider by hand: the authorization response's parameters,
    and where the browser would take them."""
    start = client.get(start_path)
    browser = requests.Session()
    page = browser.get(start.headers["Location"], timeout=60)
    chosen = browser.post(page.url, data=_identity_form(page.text, who), allow_redirects=False, timeout=60)
    callback = urlsplit(chosen.headers["Location"])
    return callback.path, dict(parse_qsl(callback.query))


@pytest.mark.parametrize("language, heading, button", [
    ("da", "Dit login kunne ikke gennemføres", "Start login forfra"),
    ("en", "The login could not be completed", "Start the login again"),
], ids=["da", "en"])
@pytest.mark.parametrize("change", ["another", "none"])
def test_the_bundled_provider_s_answer_with_another_or_no_iss_is_refused_with_a_clear_page(
        make_app, idp_issuer, caplog, language, heading, button, change):
    """The bundled provider sends iss and says so in its discovery (RFC 9207), as MitID brokers do."""
    client = make_app().test_client()
    client.get(f"/sprog/{language}?next=/")
    path, answer = _answer_by_hand(client)
    assert answer["iss"] == idp_issuer
    if change == "another":
        answer["iss"] = idp_issuer.replace("127.0.0.1", "localhost")
    else:
        del answer["iss"]
    with caplog.at_level(logging.INFO, logger="portal"):
        refused = client.get(path, query_string=answer)
    assert refused.status_code == 400
    assert heading in text(refused) and button in text(refused)
    assert client.get("/borger/mit-sygefravaer").status_code == 302, "not logged in"
    assert [r.error for r in caplog.records if getattr(r, "error", None)] == [
        "iss_mismatch" if change == "another" else "iss_missing"]
    assert "6105904321" not in caplog.text


def test_a_provider_that_does_not_advertise_iss_may_leave_it_out(make_app):
    """Older providers (no authorization_response_iss_parameter_supported) still log people in."""
    from portal.devidp.testing import running_idp

    with running_idp(iss_parameter=False) as issuer:
        client = make_app(PORTAL_OIDC=providers(issuer)).test_client()
        path, answer = _answer_by_hand(client)
        assert "iss" not in answer
        done = client.get(path, query_string=answer)
        assert urlsplit(done.headers["Location"]).path == "/borger/mit-sygefravaer"


@pytest.mark.parametrize("language, button", [("da", "Log ind igen med MitID"), ("en", "Log in again with MitID")])
def test_after_a_refusal_for_too_low_a_level_the_retry_asks_for_a_fresh_login_at_that_level(
        make_app, idp_issuer, language, button):
    """Only a level is required here (no acr_values set): the retry asks for it all the same."""
    import re

    client = make_app(PORTAL_OIDC=providers(idp_issuer, citizen={"min_loa": NSIS_SUBSTANTIAL})).test_client()
    client.get(f"/sprog/{language}?next=/")
    path, answer = _answer_by_hand(client)
    refused = client.get(path, query_string=answer)
    assert refused.status_code == 403
    retry = re.search(r'href="([^"]+)">' + button + "</a>", text(refused))
    assert retry, "the refusal page offers a new login"
    asked = parse_qs(urlsplit(client.get(retry.group(1)).headers["Location"]).query)
    assert asked["prompt"] == ["login"] and asked["max_age"] == ["0"] and asked["acr_values"] == [NSIS_SUBSTANTIAL]
    first = parse_qs(urlsplit(make_app().test_client().get("/log-ind/citizen").headers["Location"]).query)
    assert "prompt" not in first and "max_age" not in first, "an ordinary first login allows single sign-on"


def test_the_levels_of_assurance_are_named_as_nsis_names_them(monkeypatch):
    """A broker answers acr https://data.gov.dk/concept/core/nsis/loa/Substantial; without /loa/ the
    README's example asked for a level no broker knows."""
    import re
    from pathlib import Path

    from portal.config import LOA_ORDER, loa_rank

    assert NSIS_SUBSTANTIAL == "https://data.gov.dk/concept/core/nsis/loa/Substantial"
    monkeypatch.setenv("PORTAL_ENV", "production")
    assert oidc_provider("citizen").min_loa == NSIS_SUBSTANTIAL == oidc_provider("employer").min_loa
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    named = re.findall(r"https://data\.gov\.dk/concept/core/nsis/[\w/]*", readme)
    assert f"PORTAL_OIDC_CITIZEN_ACR_VALUES={NSIS_SUBSTANTIAL}" in readme
    assert named and all(re.fullmatch(r"https://data\.gov\.dk/concept/core/nsis/loa/(Low|Substantial|High)", n)
                         for n in named), named
    assert loa_rank(NSIS_SUBSTANTIAL) == LOA_ORDER["substantial"]


def test_the_published_client_jwks_names_the_key_as_the_assertions_do(make_app, idp_issuer, tmp_path):
    """What the operator registers with the broker (flask oidc-client-jwks): the public key only, with
    the kid the assertions carry (the RFC 7638 thumbprint, or the kid the broker assigned)."""
    import json

    from joserfc.jwk import RSAKey

    key = RSAKey.generate_key(2048, private=True)
    (tmp_path / "client.pem").write_bytes(key.as_pem(private=True))
    signing = {"token_auth_method": "private_key_jwt", "private_key_file": str(tmp_path / "client.pem")}
    app = make_app(PORTAL_OIDC=providers(idp_issuer, citizen=signing, employer=signing))
    printed = app.test_cli_runner().invoke(args=["oidc-client-jwks"])
    assert printed.exit_code == 0, printed.output
    (published,) = json.loads(printed.output)["keys"]
    assert published["kid"] == key.thumbprint() and published["alg"] == "RS256" and "d" not in published
    assert RSAKey.import_key(published).thumbprint() == key.thumbprint()
    renamed = make_app(PORTAL_OIDC=providers(idp_issuer, citizen={**signing, "private_key_id": "broker-key-1"}))
    assert json.loads(renamed.test_cli_runner().invoke(args=["oidc-client-jwks"]).output)["keys"][0]["kid"] == \
        "broker-key-1"
    assert make_app().test_cli_runner().invoke(args=["oidc-client-jwks"]).exit_code != 0


def test_a_callback_at_an_instance_that_cannot_reach_the_provider_says_the_login_failed(make_app, caplog):
    """Another instance behind the load balancer gets the answer; it has not read the provider's
    discovery yet and the provider is gone: the citizen is told the login failed, never a 500."""
    from portal.devidp.testing import running_idp

    from ..conftest import free_port

    port = free_port()
    with running_idp(port=port) as issuer:
        started = make_app(PORTAL_OIDC=providers(issuer)).test_client()
        path, answer = _answer_by_hand(started)
    other = make_app(PORTAL_OIDC=providers(issuer)).test_client()
    cookie = started.get_cookie("portal_session")
    other.set_cookie(cookie.key, cookie.value)
    with caplog.at_level(logging.ERROR, logger="portal"):
        failed = other.get(path, query_string=answer)
    assert failed.status_code == 302 and urlsplit(failed.headers["Location"]).path == "/"
    assert "Login lykkedes ikke" in text(other.get("/"))
    assert [r.error for r in caplog.records if getattr(r, "error", None)] == ["metadata_unavailable"]
