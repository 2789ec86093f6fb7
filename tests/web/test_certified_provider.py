"""The login against an independently written, certified OpenID provider (panva's oidc-provider
from npm, pinned in package.json), set up in two profiles: a MitID broker's (claims only in
userinfo, private_key_jwt, acr_values, the level of assurance in the ID token, back-channel logout)
and a plain one (claims in the ID token, client_secret_basic with a secret holding + and %).
Citizen, employer and caseworker log in through each."""
from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, parse_qsl, urljoin, urlsplit

import pytest
import requests
from joserfc.jwk import RSAKey

from portal.config import FACES, NSIS_SUBSTANTIAL, oidc_provider

from ..conftest import _identity_form, free_port, wait_until_answering

ROOT = Path(__file__).resolve().parents[2]
SERVER = ROOT / "tests" / "oidc_provider" / "server.mjs"
PORTAL = "http://127.0.0.1:5000"
SECRET = "s3cr+t%2F/with=odd&chars"  # the operator pastes it as given


def _node_ready() -> str | None:
    if shutil.which("node") is None:
        return "no Node.js"
    if not (ROOT / "node_modules" / "oidc-provider").exists():
        return "oidc-provider is not installed (npm ci)"
    return None


pytestmark = pytest.mark.skipif(_node_ready() is not None, reason=str(_node_ready()))


@pytest.fixture(scope="module", params=["broker", "plain"])
def certified(request, tmp_path_factory):
    """The provider in one profile on a loopback port, and the portal's settings for it."""
    folder = tmp_path_factory.mktemp(f"op-{request.param}")
    signing = RSAKey.generate_key(2048, private=True, auto_kid=True)
    client_key = RSAKey.generate_key(2048, private=True, auto_kid=True)
    retired_key = RSAKey.generate_key(2048, private=True, auto_kid=True)  # a rotation: both registered
    (folder / "client.pem").write_bytes(client_key.as_pem(private=True))
    port, portal_port = free_port(), free_port()
    config = {
        "client_id": "portal-test", "client_secret": SECRET,
        "redirect_uris": [f"{PORTAL}/auth/callback/{face}" for face in FACES],
        "post_logout_redirect_uris": [f"{PORTAL}/"],
        "backchannel_logout_uri": f"http://127.0.0.1:{portal_port}/auth/backchannel-logout/citizen",
        "signing_jwk": {**signing.as_dict(private=True), "use": "sig", "alg": "RS256"},
        "client_public_jwks": [{**key.as_dict(private=False), "use": "sig", "alg": "RS256"}
                               for key in (retired_key, client_key)],
    }
    (folder / "config.json").write_text(json.dumps(config))
    log = open(folder / "provider.log", "wb")
    process = subprocess.Popen(["node", str(SERVER), str(port), request.param, str(folder / "config.json")],
                               cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    issuer = f"http://127.0.0.1:{port}"
    try:
        assert wait_until_answering(issuer + "/.well-known/openid-configuration", 30), \
            (folder / "provider.log").read_text()
        yield request.param, issuer, folder / "client.pem", portal_port
    finally:
        process.terminate()
        process.wait(timeout=60)
        log.close()


def settings(profile: str, issuer: str, key: Path) -> dict:
    common = {"issuer": issuer, "client_id": "portal-test", "claim_cvr": "nemlogin.cvr",
              "claim_org_name": "nemlogin.org_name", "claim_cpr": "dk.cpr"}
    if profile == "broker":
        common |= {"scope": "openid mitid", "use_userinfo": True, "token_auth_method": "private_key_jwt",
                   "private_key_file": str(key), "acr_values": NSIS_SUBSTANTIAL, "client_secret": ""}
    else:
        common |= {"scope": "openid profile", "client_secret": SECRET}
    faces = {face: dataclasses.replace(oidc_provider(face), **common) for face in FACES}
    for face in ("citizen", "employer"):
        faces[face] = dataclasses.replace(faces[face], min_loa=NSIS_SUBSTANTIAL if profile == "broker" else "")
    faces["caseworker"] = dataclasses.replace(faces["caseworker"], fixed_municipality="101")
    return {"PORTAL_OIDC": faces}


def login(client, face: str, who: str, browser: requests.Session | None = None, *, start_path: str = "",
          tamper=None):
    """Through the provider as a browser would: its login page (unless the browser is logged in
    there already: single sign-on), then back to the portal's callback. `start_path`: a link the
    portal showed (default: the face's login); `tamper`: changes the authorization response's
    parameters on their way back, as an attacker or a broken proxy would."""
    start = client.get(start_path or f"/log-ind/{face}")
    assert start.status_code == 302, start.data
    browser = browser or requests.Session()
    answer = browser.get(start.headers["Location"], allow_redirects=False, timeout=60)
    for _ in range(12):
        if answer.status_code == 200:
            answer = browser.post(answer.url, data=_identity_form(answer.text, who), allow_redirects=False,
                                  timeout=60)
            continue
        location = urljoin(answer.url, answer.headers["Location"])
        if location.startswith(PORTAL + "/"):  # not a prefix of the provider's own port (50007)
            callback = urlsplit(location)
            query = dict(parse_qsl(callback.query))
            return client.get(callback.path, query_string=tamper(query) if tamper else query)
        answer = browser.get(location, allow_redirects=False, timeout=60)
    raise AssertionError("the provider never sent the browser back")


@pytest.mark.parametrize("face, who, home, shows", [
    ("citizen", "Lise Testesen", "/borger/mit-sygefravaer", "Lise Testesen"),
    ("employer", "Hanne Arbejdsgiver", "/arbejdsgiver/", "Testbageriet ApS"),
    ("caseworker", "Mette Sagsbehandler", "/jobcenter/", "Mette Sagsbehandler"),
])
def test_every_face_logs_in_through_the_certified_provider(certified, make_app, face, who, home, shows):
    profile, issuer, key, _port = certified
    client = make_app(**settings(profile, issuer, key)).test_client()
    done = login(client, face, who)
    assert done.status_code == 302 and urlsplit(done.headers["Location"]).path == home, done.data[:300]
    assert shows in client.get(home).get_data(as_text=True)


def test_a_login_at_level_low_is_refused_with_a_clear_page(certified, make_app):
    profile, issuer, key, _port = certified
    if profile != "broker":
        pytest.skip("the plain profile asks for no level of assurance")
    client = make_app(**settings(profile, issuer, key)).test_client()
    refused = login(client, "citizen", "Lise Testesen (Low)")
    assert refused.status_code == 403
    assert "Dit login er ikke sikkert nok til dette" in refused.get_data(as_text=True)
    assert client.get("/borger/mit-sygefravaer").status_code == 302


def test_the_logout_sends_the_id_token_hint_only_without_a_personal_number(certified, make_app):
    profile, issuer, key, _port = certified
    client = make_app(**settings(profile, issuer, key)).test_client()
    login(client, "citizen", "Lise Testesen")
    page = client.get("/borger/mit-sygefravaer").get_data(as_text=True)
    from ..conftest import csrf_token

    out = client.post("/log-ud", data={"csrf_token": csrf_token(page)})
    assert out.status_code == 302 and out.headers["Location"].startswith(issuer)
    assert "6105904321" not in out.headers["Location"]
    if profile == "broker":  # the ID token holds no CPR number: the hint may go
        assert "id_token_hint=" in out.headers["Location"]
    else:
        assert "id_token_hint=" not in out.headers["Location"]


def test_a_single_sign_on_logout_at_the_provider_ends_the_portal_s_other_sessions(certified, make_app):
    """The provider's own back-channel logout call reaches the portal, which ends the sessions of
    that single sign-on session on the server (here: another browser tab's portal session)."""
    import re
    import threading

    from werkzeug.serving import make_server

    from ..conftest import csrf_token

    profile, issuer, key, portal_port = certified
    if profile != "broker":
        pytest.skip("back-channel logout is part of the broker profile")
    app = make_app(**settings(profile, issuer, key))
    server = make_server("127.0.0.1", portal_port, app, threaded=True)  # where the provider posts
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        at_the_provider = requests.Session()
        first, second = app.test_client(), app.test_client()
        login(first, "citizen", "Lise Testesen", at_the_provider)
        login(second, "citizen", "Lise Testesen", at_the_provider)  # single sign-on: no login page
        assert second.get("/borger/mit-sygefravaer").status_code == 200
        page = first.get("/borger/mit-sygefravaer").get_data(as_text=True)
        out = first.post("/log-ud", data={"csrf_token": csrf_token(page)})
        confirm = at_the_provider.get(out.headers["Location"], timeout=60)
        form = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', confirm.text))
        action = re.search(r'<form[^>]*action="([^"]+)"', confirm.text).group(1)
        ended = at_the_provider.post(urljoin(confirm.url, action), data={**form, "logout": "yes"},
                                     allow_redirects=False, timeout=20)
        assert ended.status_code == 303
        assert second.get("/borger/mit-sygefravaer").status_code == 302, "ended by the provider's call"
    finally:
        server.shutdown()
        thread.join(timeout=5)


def _signed_in(client) -> bool:
    return client.get("/borger/mit-sygefravaer").status_code == 200


@pytest.mark.parametrize("tamper, code", [
    (lambda query: {**query, "iss": "https://broker.attacker.example"}, "iss_mismatch"),
    (lambda query: {k: v for k, v in query.items() if k != "iss"}, "iss_missing"),
], ids=["another-iss", "no-iss"])
def test_an_authorization_response_with_another_or_no_iss_is_refused(certified, make_app, caplog, tamper, code):
    """RFC 9207: the provider advertises authorization_response_iss_parameter_supported, so a
    response naming another issuer (a mix-up attack) or none is refused before its code is used."""
    import logging

    profile, issuer, key, _port = certified
    assert requests.get(issuer + "/.well-known/openid-configuration", timeout=60).json()[
        "authorization_response_iss_parameter_supported"] is True
    client = make_app(**settings(profile, issuer, key)).test_client()
    with caplog.at_level(logging.INFO, logger="portal"):
        refused = login(client, "citizen", "Lise Testesen", tamper=tamper)
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "Dit login kunne ikke gennemføres" in page and "Start login forfra" in page
    assert not _signed_in(client)
    assert [r.error for r in caplog.records if getattr(r, "error", None)] == [code]
    assert "6105904321" not in caplog.text and "Lise" not in caplog.text


def test_after_a_refusal_for_too_low_a_level_the_retry_forces_a_fresh_login_and_succeeds(certified, make_app):
    """The provider keeps its single sign-on session at level Low: the portal's retry must ask for
    a fresh login (prompt=login, max_age=0) at the required level, or the citizen is refused again."""
    import re

    profile, issuer, key, _port = certified
    if profile != "broker":
        pytest.skip("the plain profile asks for no level of assurance")
    client = make_app(**settings(profile, issuer, key)).test_client()
    at_the_provider = requests.Session()
    refused = login(client, "citizen", "Lise Testesen (Low)", at_the_provider)
    assert refused.status_code == 403
    retry = re.search(r'<a class="button button-primary" href="([^"]+)">Log ind igen med MitID</a>',
                      refused.get_data(as_text=True))
    assert retry, "the refusal page offers a new login"
    asked = parse_qs(urlsplit(client.get(retry.group(1)).headers["Location"]).query)
    assert asked["prompt"] == ["login"] and asked["max_age"] == ["0"]
    assert asked["acr_values"] == [NSIS_SUBSTANTIAL]
    # The provider shows its login page again although its session is alive; Lise logs in at Substantial.
    done = login(client, "citizen", "Lise Testesen", at_the_provider, start_path=retry.group(1))
    assert done.status_code == 302 and urlsplit(done.headers["Location"]).path == "/borger/mit-sygefravaer"
    assert "Lise Testesen" in client.get("/borger/mit-sygefravaer").get_data(as_text=True)
    # The next login is an ordinary one again (single sign-on allowed).
    assert "prompt=" not in client.get("/log-ind/citizen").headers["Location"]


def test_the_client_assertion_names_its_registered_key_and_lives_briefly(certified, make_app):
    """The broker finds the portal's key by the assertion's kid among the keys registered with it
    (two during a rotation), and accepts an assertion only for a short time (here 120 s)."""
    profile, issuer, key, _port = certified
    if profile != "broker":
        pytest.skip("private_key_jwt is part of the broker profile")
    client = make_app(**settings(profile, issuer, key)).test_client()
    done = login(client, "citizen", "Lise Testesen")
    assert done.status_code == 302 and _signed_in(client), "the broker accepted the assertion"
    registered = json.loads((key.parent / "config.json").read_text())["client_public_jwks"]
    seen = [json.loads(line.split(" ", 1)[1]) for line in (key.parent / "provider.log").read_text().splitlines()
            if line.startswith("client_assertion ")]
    last = seen[-1]
    assert last["kid"] == registered[-1]["kid"] == RSAKey.import_key(key.read_bytes()).thumbprint()
    assert last["jti"] and isinstance(last["iat"], int) and 0 < last["exp"] - last["iat"] <= 120
    assert len({entry["jti"] for entry in seen}) == len(seen), "a fresh jti every time"
