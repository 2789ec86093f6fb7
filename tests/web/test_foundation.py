"""The frame every page keeps: error pages in both languages, CSRF, headers, and the production
check that refuses development-only parts."""
from __future__ import annotations

import pytest

from portal import create_app
from portal.config import NSIS, UnsafeProductionConfig

from ..conftest import PRODUCTION_REGISTER


def text(response) -> str:
    return response.get_data(as_text=True)


def test_404_in_danish_and_english(client):
    response = client.get("/findes-ikke")
    assert response.status_code == 404
    assert "Siden findes ikke" in text(response)
    client.get("/sprog/en?next=/")
    assert "Page not found" in text(client.get("/findes-ikke"))


def test_403_for_the_wrong_role_in_both_languages(client, auth):
    # the caseworker face exists only as a login for now; a citizen page refuses a caseworker
    auth.login("Sagsbehandler", face="caseworker")
    response = client.get("/borger/mit-sygefravaer")
    assert response.status_code == 403
    assert "Du har ikke adgang til denne side" in text(response)


def test_csrf_failure_explains_itself(make_app):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    response = client.post("/log-ud", data={})
    assert response.status_code == 400
    assert "Formularen var udløbet" in text(response)


def test_500_page_says_nothing_was_half_saved(make_app):
    app = make_app(PROPAGATE_EXCEPTIONS=False, TESTING=False)

    @app.get("/boom")
    def boom():
        raise RuntimeError("boom")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "der gik noget galt hos os" in text(response)


def test_security_headers_on_every_page(client):
    response = client.get("/")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


PRODUCTION_SECRETS = {
    "PORTAL_SECRET_KEY": "gN3vX8pQ2rT7yW1zA5bC9dE4fH6jK0mLsU",
    "PORTAL_CPR_HASH_KEY": "Zt4Rw9Pk2Lm7Qx1Vb8Nc3Hy6Jd0Fg5SaEo",
    "PORTAL_CPR_ENCRYPTION_KEY": "A" * 43 + "=", "PORTAL_PUBLIC_URL": "https://sygefravaer.example.dk",
}
REAL_LOGIN = {"PORTAL_OIDC_ISSUER": "https://idp.example.dk", "PORTAL_OIDC_CLIENT_SECRET": "real-secret",
              "PORTAL_RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/15"}


@pytest.mark.parametrize("env, message", [
    ({"PORTAL_ENV": "Production"}, "PORTAL_ENV must be one of development, production"),
    ({"PORTAL_ENV": "prod"}, "PORTAL_ENV must be one of"),
    ({**PRODUCTION_SECRETS, **REAL_LOGIN, "PORTAL_SECRET_KEY": "x" * 40}, "PORTAL_SECRET_KEY is the development"),
    ({**PRODUCTION_SECRETS, **REAL_LOGIN, "PORTAL_CPR_HASH_KEY": "abc"}, "PORTAL_CPR_HASH_KEY is the development"),
    ({**PRODUCTION_SECRETS, **REAL_LOGIN, "PORTAL_CPR_HASH_KEY": "abcd" * 10}, "PORTAL_CPR_HASH_KEY"),
    ({**PRODUCTION_SECRETS, **REAL_LOGIN, "PORTAL_CPR_ENCRYPTION_KEY": "not-a-key"}, "not a Fernet key"),
    ({**PRODUCTION_SECRETS, **REAL_LOGIN, "PORTAL_RATELIMIT_ENABLED": "0"}, "PORTAL_RATELIMIT_ENABLED is off"),
    ({**PRODUCTION_SECRETS, **REAL_LOGIN, "PORTAL_PUBLIC_URL": ""}, "PORTAL_PUBLIC_URL is not set"),
    ({**PRODUCTION_SECRETS, **REAL_LOGIN, "PORTAL_PUBLIC_URL": "http://sygefravaer.example.dk"},
     "PORTAL_PUBLIC_URL is not set to the portal's https"),
    ({**PRODUCTION_SECRETS, **REAL_LOGIN, "PORTAL_PUBLIC_URL": "https://"}, "PORTAL_PUBLIC_URL is not set"),
    # one short string repeated: more than 12 different characters, but no more random than the string
    ({**PRODUCTION_SECRETS, **REAL_LOGIN, "PORTAL_SECRET_KEY": "Kq7#mZ2$vB9!xR4" * 4},
     "PORTAL_SECRET_KEY is the development"),
    ({**PRODUCTION_SECRETS, **REAL_LOGIN, "PORTAL_CPR_HASH_KEY": ("Kq7#mZ2$vB9!xR4" * 3)[:40]},
     "PORTAL_CPR_HASH_KEY is the development"),
    ({**PRODUCTION_SECRETS, **REAL_LOGIN, "PORTAL_OIDC_ISSUER": "http://idp.example.dk"},
     "the citizen login's issuer is not an https:// address"),
    ({**PRODUCTION_SECRETS, **REAL_LOGIN, "PORTAL_OIDC_CASEWORKER_ISSUER": "http://idp.example.dk"},
     "the caseworker login's issuer is not an https:// address"),
    ({**PRODUCTION_SECRETS, **REAL_LOGIN, "PORTAL_IDLE_TIMEOUT_MINUTES": "100000"},
     "PORTAL_IDLE_TIMEOUT_MINUTES must be between 10 and 60"),
    ({**PRODUCTION_SECRETS, **REAL_LOGIN, "PORTAL_SF_TEST": "1"}, "PORTAL_SF_TEST is on"),
    ({**PRODUCTION_SECRETS, **REAL_LOGIN, "PORTAL_OIDC_MIN_LOA": "low"},
     "the citizen login's PORTAL_OIDC_MIN_LOA is below NSIS Substantial"),
    ({**PRODUCTION_SECRETS, **REAL_LOGIN, "PORTAL_OIDC_EMPLOYER_MIN_LOA": NSIS + "Low"},
     "the employer login's PORTAL_OIDC_MIN_LOA is below"),
    ({**PRODUCTION_SECRETS, **REAL_LOGIN, "PORTAL_PHYSICAL_MAIL_TYPE": "brev"},
     "PORTAL_PHYSICAL_MAIL_TYPE must be a whole number, not 'brev'"),
    ({**PRODUCTION_SECRETS, **REAL_LOGIN, "PORTAL_IDLE_TIMEOUT_MINUTES": "30m"},
     "PORTAL_IDLE_TIMEOUT_MINUTES must be a whole number"),
])
def test_production_fails_closed(monkeypatch, env, message):
    env = {"PORTAL_ENV": "production", "PORTAL_DEV_IDP": "0", **env}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(UnsafeProductionConfig, match=message):
        create_app()


@pytest.mark.parametrize("env, message", [
    ({"PORTAL_DEV_IDP": "1"}, "PORTAL_DEV_IDP is on"),
    ({"PORTAL_DEV_IDP": "0"}, "PORTAL_SECRET_KEY is the development default"),
    ({"PORTAL_DEV_IDP": "0", "PORTAL_SECRET_KEY": "x" * 40}, "PORTAL_CPR_HASH_KEY"),
    ({"PORTAL_DEV_IDP": "0", "PORTAL_SECRET_KEY": "x" * 40, "PORTAL_CPR_HASH_KEY": "k" * 40,
      "PORTAL_CPR_ENCRYPTION_KEY": "A" * 43 + "="}, "still points at the development provider"),
])
def test_production_refuses_development_parts(monkeypatch, env, message):
    monkeypatch.setenv("PORTAL_ENV", "production")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(UnsafeProductionConfig, match=message):
        create_app()


def test_production_starts_when_everything_is_real(monkeypatch, tmp_path, certificate):
    for name, value in {
        **PRODUCTION_SECRETS, "PORTAL_ENV": "production", "PORTAL_DEV_IDP": "0",
        "PORTAL_SF_CVR": "11223344", "PORTAL_SF_CERTIFICATE": certificate, "PORTAL_PHYSICAL_MAIL_TYPE": "265",
        "PORTAL_OIDC_ISSUER": "https://idp.example.dk", "PORTAL_OIDC_CLIENT_SECRET": "real-secret",
        "DATABASE_URL": f"sqlite:///{tmp_path}/p.sqlite3",
        "PORTAL_RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/15", **PRODUCTION_REGISTER,
    }.items():
        monkeypatch.setenv(name, value)
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    response = app.test_client().get("/")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_the_favicon_and_the_page_description_are_there(client):
    """Browsers ask for /favicon.ico whatever a page links: a 404 there is an error in every
    console. Search engines show the description under the title; the front page's title does not
    repeat the site's name."""
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    page = client.get("/").get_data(as_text=True)
    assert '<meta name="description" content="Sygemeld dig, besvar oplysningsskemaet' in page
    assert "<title>Sygefravær selvbetjening</title>" in page
