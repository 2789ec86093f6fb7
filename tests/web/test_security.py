"""The security frame: headers, cookies, CSRF on forms and htmx, rate limits, session timeouts and
redirects that stay on the site."""
from __future__ import annotations

import socket
import time

import pytest

from portal import create_app

from ..conftest import PRODUCTION_REGISTER, Auth, age_sessions, csrf_token
from .test_citizen_journey import CITIZEN, post_form, report_sick, text

PRODUCTION = {
    "PORTAL_ENV": "production", "PORTAL_DEV_IDP": "0", "PORTAL_SECRET_KEY": "gN3vX8pQ2rT7yW1zA5bC9dE4fH6jK0mLsU",
    "PORTAL_CPR_HASH_KEY": "Zt4Rw9Pk2Lm7Qx1Vb8Nc3Hy6Jd0Fg5SaEo", "PORTAL_CPR_ENCRYPTION_KEY": "A" * 43 + "=",
    "PORTAL_PUBLIC_URL": "https://sygefravaer.example.dk",
    "PORTAL_OIDC_ISSUER": "https://idp.example.dk", "PORTAL_OIDC_CLIENT_SECRET": "real-secret",
}


def redis_is_here() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


@pytest.fixture
def production_app(monkeypatch, tmp_path):
    from portal import migrations

    migrations.upgrade(f"sqlite:///{tmp_path}/p.sqlite3")  # the sessions live in the database
    from ..conftest import write_test_certificate

    for name, value in {**PRODUCTION, "DATABASE_URL": f"sqlite:///{tmp_path}/p.sqlite3",
                        "PORTAL_RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/15",
                        "PORTAL_SF_CVR": "11223344", "PORTAL_PHYSICAL_MAIL_TYPE": "265",
                        "PORTAL_SF_CERTIFICATE": write_test_certificate(tmp_path / "oces3.pem"),
                        **PRODUCTION_REGISTER}.items():
        monkeypatch.setenv(name, value)
    return create_app()


def test_the_policy_forbids_inline_script_framing_and_foreign_forms(client):
    headers = client.get("/").headers
    policy = headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "form-action 'self' http://127.0.0.1:" in policy  # the identity provider, for logout
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_no_page_carries_inline_script_or_style(client, auth):
    auth.login(CITIZEN)
    for url in ("/", "/borger/mit-sygefravaer", "/borger/sygemelding"):
        html = text(client.get(url))
        assert "<script>" not in html and "<style" not in html and " style=" not in html, url
        assert " onclick=" not in html and "javascript:" not in html, url


def test_production_cookies_are_secure_host_only_and_same_site(production_app):
    response = production_app.test_client().get("/sprog/en?next=/")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-portal_session=")
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert "Domain" not in cookie
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_production_refuses_rate_limits_in_memory(monkeypatch, tmp_path):
    from portal.config import UnsafeProductionConfig

    for name, value in {**PRODUCTION, "DATABASE_URL": f"sqlite:///{tmp_path}/p.sqlite3"}.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(UnsafeProductionConfig, match="memory://"):
        create_app()


def test_an_htmx_post_passes_with_the_token_in_its_header_and_fails_without(app):
    client = app.test_client()
    Auth(client).login("Mette Sagsbehandler", face="caseworker")
    page = text(client.get("/jobcenter/"))
    token = page.split('"X-CSRFToken": "', 1)[1].split('"', 1)[0]
    without = client.post("/log-ud", headers={"HX-Request": "true"})
    assert without.status_code == 400
    with_header = client.post("/log-ud", headers={"HX-Request": "true", "X-CSRFToken": token})
    assert with_header.status_code == 302


def test_a_signed_form_token_is_made_once_a_session_and_still_belongs_to_that_session_only(app):
    """The signed CSRF token is reused across pages (web.signed_csrf_token): it stays the session's own."""
    mette, other = app.test_client(), app.test_client()
    Auth(mette).login("Mette Sagsbehandler", face="caseworker")
    Auth(other).login("Mette Sagsbehandler", face="caseworker")
    token = csrf_token(text(mette.get("/jobcenter/")))
    time.sleep(1.1)  # the first token was signed by Flask-WTF; a later second must not make a second token
    assert csrf_token(text(mette.get("/jobcenter/arbejdsbyrde"))) == token
    assert csrf_token(text(other.get("/jobcenter/"))) != token
    assert other.post("/log-ud", data={"csrf_token": token}).status_code == 400
    assert mette.post("/log-ud", data={"csrf_token": token}).status_code == 302
    Auth(mette).login("Mette Sagsbehandler", face="caseworker")  # a new login is a new session and token
    renewed = csrf_token(text(mette.get("/jobcenter/")))
    assert renewed != token
    assert mette.post("/log-ud", data={"csrf_token": token}).status_code == 400
    assert mette.post("/log-ud", data={"csrf_token": renewed}).status_code == 302


def browser_with_a_session(app):
    client = app.test_client()
    client.get("/sprog/da")  # any visit that starts a session gives the browser its cookie
    return client


def test_the_login_is_rate_limited_per_browser_so_an_office_behind_one_address_is_not_locked_out(make_app):
    app = make_app(PORTAL_RATELIMIT_LOGIN="3 per minute")
    client = browser_with_a_session(app)
    assert [client.get("/log-ind/citizen").status_code for _ in range(3)] == [302, 302, 302]
    refused = client.get("/log-ind/citizen")
    assert refused.status_code == 429
    assert "Retry-After" in refused.headers
    assert "Prøv igen om lidt" in text(refused)
    colleagues = [browser_with_a_session(app) for _ in range(5)]  # the same address, 127.0.0.1
    assert all(c.get("/log-ind/citizen").status_code == 302 for c in colleagues for _ in range(3))


def test_only_the_login_and_the_api_have_limits_on_reading_so_the_limiter_may_skip_every_other_page(app):
    """portal.limits skips the limiter for a page read outside READING_LIMITED_BLUEPRINTS; a limit
    put on any other reading route would be skipped with it, so none may exist."""
    from flask_limiter.util import get_qualified_name

    from portal.limits import READING_LIMITED_BLUEPRINTS, limiter

    manager = limiter.limit_manager
    limited_blueprints = {name for name, limits in manager._blueprint_limits.items() if limits}
    assert limited_blueprints <= READING_LIMITED_BLUEPRINTS
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.rsplit(".", 1)[0] if "." in rule.endpoint else None
        if rule.methods & {"GET", "HEAD"} and blueprint not in READING_LIMITED_BLUEPRINTS:
            name = get_qualified_name(app.view_functions[rule.endpoint])
            assert not manager._decorated_limits.get(name), rule.rule
    assert manager._decorated_limits.get(get_qualified_name(app.view_functions["auth.login"]))
    client = browser_with_a_session(app)
    assert "X-RateLimit-Limit" in client.get("/log-ind/citizen").headers  # the login still counts
    assert "X-RateLimit-Limit" not in client.get("/").headers  # a page read is not counted


def test_the_login_from_one_address_still_has_a_ceiling(make_app):
    app = make_app(PORTAL_RATELIMIT_LOGIN_ADDRESS="5 per minute")
    answers = [browser_with_a_session(app).get("/log-ind/citizen").status_code for _ in range(6)]
    assert answers == [302, 302, 302, 302, 302, 429]


def test_a_caseworker_working_the_queue_is_not_refused(app):
    """130 of 162 claims were refused at 30 forms a minute: a caseworker has a limit that fits the work."""
    from ..conftest import csrf_token as token_of

    mette = app.test_client()
    Auth(mette).login("Mette Sagsbehandler", face="caseworker")
    token = token_of(text(mette.get("/jobcenter/")))
    answers = [mette.post(f"/jobcenter/overdragelse/{n}/tag", data={"csrf_token": token}).status_code
               for n in range(1, 61)]
    assert 429 not in answers and set(answers) <= {303, 404}


def test_forms_are_rate_limited_per_person_and_reading_never_is(make_app):
    app = make_app(PORTAL_RATELIMIT_FORMS="2 per minute")
    lise = app.test_client()
    Auth(lise).login(CITIZEN)
    for _ in range(2):
        assert post_form(lise, "/borger/sygemelding", {"first_absence_day": ""}).status_code == 400
    assert post_form(lise, "/borger/sygemelding", {"first_absence_day": ""}).status_code == 429
    assert all(lise.get("/borger/sygemelding").status_code == 200 for _ in range(10))
    # Another person (even from the same office address) has their own count.
    ahmed = app.test_client()
    Auth(ahmed).login("Ahmed Prøvesen")
    assert post_form(ahmed, "/borger/sygemelding", {"first_absence_day": ""}).status_code == 400


@pytest.mark.skipif(not redis_is_here(), reason="no Redis on 127.0.0.1:6379 (a laptop): the shared count "
                                                  "is proved where Redis runs, as in CI")
def test_two_instances_share_one_count_in_redis(make_app):
    import redis

    redis.Redis(host="127.0.0.1", port=6379, db=14).flushdb()
    settings = {"PORTAL_RATELIMIT_LOGIN_ADDRESS": "4 per minute", "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/14"}
    first, second = make_app(**settings).test_client(), make_app(**settings).test_client()
    answers = [client.get("/log-ind/citizen").status_code for client in (first, second, first, second, first)]
    assert answers == [302, 302, 302, 302, 429]


def test_an_idle_session_ends_and_the_message_names_the_limit(make_app):
    app = make_app(PORTAL_IDLE_TIMEOUT_MINUTES=20)
    client = app.test_client()
    Auth(client).login(CITIZEN)
    age_sessions(app, idle_minutes=21)
    assert client.get("/borger/mit-sygefravaer").status_code == 302
    assert "20 minutter" in text(client.get("/"))


def test_a_busy_session_still_ends_at_the_absolute_limit(app, client, auth):
    auth.login(CITIZEN)
    age_sessions(app, login_hours=12 + 1 / 60)
    response = client.get("/borger/mit-sygefravaer")
    assert response.status_code == 302 and response.headers["Location"].endswith("/log-ind/citizen")
    assert "loggede ind for mere end 12 timer siden" in text(client.get("/"))


@pytest.mark.parametrize("target", ["//evil.example/", "/\\evil.example/", "https://evil.example/", "evil"])
def test_redirects_stay_on_the_site(app, target):
    client = app.test_client()
    Auth(client).login("Mette Sagsbehandler", face="caseworker")
    citizen = app.test_client()
    Auth(citizen).login(CITIZEN)
    report_sick(citizen, employment="unemployed", employer_cvr="", employer_name="")
    token = csrf_token(text(client.get("/jobcenter/")))
    response = client.post("/jobcenter/overdragelse/1/tag", data={"csrf_token": token, "next": target})
    assert response.headers["Location"] == "/jobcenter/"
    assert client.get(f"/sprog/en?next={target}").headers["Location"] == "/"


def test_absolute_urls_come_from_the_public_url_not_the_host_header(make_app):
    """A forged Host header must not make the login return, or a link, point elsewhere."""
    app = make_app(PORTAL_PUBLIC_URL="https://sygefravaer.example.dk")
    start = app.test_client().get("/log-ind/citizen", headers={"Host": "evil.example.com"})
    assert start.status_code == 302
    location = start.headers["Location"]
    assert "redirect_uri=https%3A%2F%2Fsygefravaer.example.dk%2Fauth%2Fcallback%2Fcitizen" in location
    assert "evil" not in location


def test_ids_the_database_cannot_hold_are_404_not_500(app, client, auth):
    auth.login(CITIZEN)
    for path in ("/borger/sag/2147483648", "/borger/sag/99999999999999999999", "/borger/sag/2147483647"):
        assert client.get(path).status_code == 404, path
    caseworker = app.test_client()
    Auth(caseworker).login("Mette Sagsbehandler", face="caseworker")
    assert caseworker.get("/jobcenter/sag/9223372036854775808").status_code == 404


def test_names_lose_invisible_characters_before_a_caseworker_reads_them(make_app, app):
    from sqlmodel import select

    from portal.db import session_scope
    from portal.models import EmployerReport

    employer = make_app().test_client()
    Auth(employer).login("Hanne Arbejdsgiver", face="employer")
    form = text(employer.get("/arbejdsgiver/sygemelding"))
    employer.post("/arbejdsgiver/sygemelding", data={
        "csrf_token": csrf_token(form), "cpr": "851177-4323", "employee_name": "Bo\u202e Eksem\u200bpel\x07",
        "first_absence_day": "2026-11-09", "absence_kind": "full"})
    with app.app_context(), session_scope(app) as db:
        assert db.exec(select(EmployerReport.employee_name)).one() == "Bo Eksempel"


def test_hours_in_other_digits_than_0_to_9_are_refused(client, auth):
    from portal.forms import parse_hours

    assert parse_hours("3.5") == parse_hours("3,5") and parse_hours("37")
    with pytest.raises(ValueError):
        parse_hours("\u0663\u0665")  # Arabic-Indic 3 and 5, which Decimal() would take
    auth.login(CITIZEN)
    refused = report_sick(client, first_absence_day="2026-11-02", absence_kind="partial",
                          partial_hours="\u0661\u0668")  # Arabic-Indic 18
    assert refused.status_code == 400 and "Skriv timerne som et tal" in text(refused)
