"""The bundled provider speaks the real protocol, strictly: PKCE S256 required, codes single-use,
loopback redirects only, ID tokens signed and carrying the nonce."""
from __future__ import annotations

import base64
import hashlib
import re
import secrets
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from joserfc import jwt
from joserfc.jwk import KeySet

CLIENT = ("portal-dev", "portal-dev-secret")
REDIRECT = "http://127.0.0.1:5000/auth/callback/citizen"


def pkce():
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize(issuer, challenge=None, method="S256", redirect_uri=REDIRECT, nonce=None):
    nonce = nonce or secrets.token_urlsafe(8)
    browser = requests.Session()
    params = {"response_type": "code", "client_id": CLIENT[0], "redirect_uri": redirect_uri,
              "scope": "openid profile", "state": "s-1", "nonce": nonce}
    if challenge:
        params.update(code_challenge=challenge, code_challenge_method=method)
    page = browser.get(f"{issuer}/authorize", params=params, timeout=60)
    return browser, page


def choose(browser, page, sub="citizen-lise"):
    csrf = unescape(re.search(r'name="csrf" value="([^"]+)"', page.text).group(1))
    response = browser.post(page.url, data={"csrf": csrf, "identity": sub}, allow_redirects=False, timeout=60)
    assert response.status_code == 302, response.text
    return parse_qs(urlsplit(response.headers["Location"]).query)


def exchange(issuer, code, verifier):
    return requests.post(f"{issuer}/token", auth=CLIENT, timeout=60, data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": verifier})


def test_discovery_names_the_endpoints(idp_issuer):
    meta = requests.get(f"{idp_issuer}/.well-known/openid-configuration", timeout=60).json()
    assert meta["issuer"] == idp_issuer
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert meta["end_session_endpoint"] == f"{idp_issuer}/logout"


def test_full_code_flow_gives_a_signed_id_token_with_the_nonce(idp_issuer):
    verifier, challenge = pkce()
    browser, page = authorize(idp_issuer, challenge, nonce="n-123")
    assert "Testlogin" in page.text and "Lise Testesen" in page.text
    query = choose(browser, page)
    assert query["state"] == ["s-1"]
    token = exchange(idp_issuer, query["code"][0], verifier)
    assert token.status_code == 200, token.text
    keys = KeySet.import_key_set(requests.get(f"{idp_issuer}/jwks", timeout=60).json())
    claims = jwt.decode(token.json()["id_token"], keys).claims
    assert claims["iss"] == idp_issuer and claims["aud"] == ["portal-dev"]
    assert claims["nonce"] == "n-123"
    assert claims["cpr"] == "6105904321" and claims["role"] == "citizen"
    info = requests.get(f"{idp_issuer}/userinfo", timeout=60,
                        headers={"Authorization": f"Bearer {token.json()['access_token']}"})
    assert info.json()["name"] == "Lise Testesen"


@pytest.mark.parametrize("challenge, method", [(None, None), ("x" * 43, "plain")])
def test_pkce_s256_is_required(idp_issuer, challenge, method):
    _, page = authorize(idp_issuer, challenge, method)
    assert page.status_code == 400
    assert "PKCE" in page.text


def test_a_wrong_verifier_and_a_reused_code_are_refused(idp_issuer):
    verifier, challenge = pkce()
    browser, page = authorize(idp_issuer, challenge)
    code = choose(browser, page)["code"][0]
    assert exchange(idp_issuer, code, pkce()[0]).status_code == 400
    browser, page = authorize(idp_issuer, challenge)
    code = choose(browser, page)["code"][0]
    assert exchange(idp_issuer, code, verifier).status_code == 200
    assert exchange(idp_issuer, code, verifier).status_code == 400


def test_redirects_go_to_loopback_only(idp_issuer):
    _, page = authorize(idp_issuer, pkce()[1], redirect_uri="https://evil.example/auth/callback/citizen")
    assert page.status_code == 400


def test_the_login_page_lists_only_the_requested_role(idp_issuer):
    browser = requests.Session()
    page = browser.get(f"{idp_issuer}/authorize", timeout=60, params={
        "response_type": "code", "client_id": CLIENT[0], "redirect_uri": REDIRECT, "scope": "openid",
        "nonce": "n", "code_challenge": pkce()[1], "code_challenge_method": "S256",
        "portal_role": "caseworker"})
    assert "Mette Sagsbehandler" in page.text and "Lise Testesen" not in page.text


def test_logout_returns_to_a_loopback_address_only(idp_issuer):
    back = requests.get(f"{idp_issuer}/logout", allow_redirects=False, timeout=60,
                        params={"post_logout_redirect_uri": "http://127.0.0.1:5000/"})
    assert back.status_code == 302 and back.headers["Location"] == "http://127.0.0.1:5000/"
    elsewhere = requests.get(f"{idp_issuer}/logout", allow_redirects=False, timeout=60,
                             params={"post_logout_redirect_uri": "https://evil.example/"})
    assert elsewhere.status_code == 200
