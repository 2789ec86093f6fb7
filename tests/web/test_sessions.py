"""Sessions live on the server behind an opaque cookie: logout, the idle timeout and the absolute
lifetime end them there, a citizen sees and ends her other sessions, and the timeout is announced."""
from __future__ import annotations

import re

import pytest
from sqlmodel import select

from portal.auth.server_session import end_sessions
from portal.db import session_scope
from portal.models import WebSession

from ..conftest import Auth, age_sessions, csrf_token
from .test_citizen_journey import CITIZEN, text

COOKIE = "portal_session"


def cookie_of(client) -> str:
    return client.get_cookie(COOKIE).value


def test_the_cookie_is_an_opaque_token_and_the_session_lives_on_the_server(app, client, auth):
    auth.login(CITIZEN)
    token = cookie_of(client)
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token), "a random token, not signed data"
    with app.app_context(), session_scope(app) as db:
        rows = db.exec(select(WebSession).where(WebSession.ended_at.is_(None), WebSession.role == "citizen")).all()
    assert len(rows) == 1 and rows[0].data["user"]["name"] == "Lise Testesen"
    assert token not in rows[0].id, "only the token's hash is stored"


def test_a_cookie_saved_before_logout_opens_nothing_afterwards(app, client, auth):
    auth.login(CITIZEN)
    assert client.get("/borger/mine-data/hent").status_code == 200
    stolen = cookie_of(client)
    auth.logout()
    thief = app.test_client()
    thief.set_cookie(COOKIE, stolen)
    for path in ("/borger/mit-sygefravaer", "/borger/mine-data/hent"):
        response = thief.get(path)
        assert response.status_code == 302 and response.headers["Location"].endswith("/log-ind/citizen"), path


def test_a_stolen_cookie_cannot_be_kept_alive_past_the_absolute_limit(app, client, auth):
    auth.login(CITIZEN)
    stolen = cookie_of(client)
    thief = app.test_client()
    thief.set_cookie(COOKIE, stolen)
    assert thief.get("/borger/mit-sygefravaer").status_code == 200
    age_sessions(app, login_hours=12.1)
    assert thief.get("/borger/mit-sygefravaer").status_code == 302


def test_stay_logged_in_renews_the_session(app, client, auth):
    auth.login(CITIZEN)
    page = text(client.get("/borger/mit-sygefravaer"))
    assert 'data-idle-seconds="1800"' in page and 'data-warn-seconds="300"' in page
    assert "Du bliver snart logget ud" in page and "Bliv logget ind" in page
    assert "logget ud efter 30 minutter uden brug" in page, "said without JavaScript too"
    age_sessions(app, idle_minutes=25)
    renewed = client.post("/session/forny", headers={"X-CSRFToken": csrf_token(page)})
    assert renewed.status_code == 204
    age_sessions(app, idle_minutes=25)
    assert client.get("/borger/mit-sygefravaer").status_code == 200, "50 minutes, but renewed after 25"
    assert app.test_client().post("/session/forny").status_code in (400, 401), "no session, no renewal"


def test_a_citizen_sees_her_other_sessions_and_logs_them_out(app, client, auth):
    auth.login(CITIZEN)
    phone = app.test_client()
    Auth(phone).login(CITIZEN)
    page = text(client.get("/borger/sessioner"))
    assert page.count("session-item") == 2 and "Denne browser" in page
    other = re.search(r'name="session" value="([^"]+)"', page).group(1)
    ended = client.post("/borger/sessioner/afslut", data={"csrf_token": csrf_token(page), "session": other})
    assert ended.status_code == 303
    assert "1 anden session er logget ud" in text(client.get("/borger/sessioner"))
    assert phone.get("/borger/mit-sygefravaer").status_code == 302, "the phone is logged out"
    assert client.get("/borger/mit-sygefravaer").status_code == 200, "this browser is not"


def test_sessions_can_be_ended_by_subject_or_identity_provider_session(app, client, auth):
    """What the OpenID back-channel logout needs: end a person's sessions on the server."""
    auth.login(CITIZEN)
    with app.app_context(), session_scope(app) as db:
        subject = db.exec(select(WebSession.subject).where(WebSession.role == "citizen",
                                                           WebSession.ended_at.is_(None))).one()
    assert end_sessions(app, "citizen", subject=subject, reason="backchannel") == 1
    assert client.get("/borger/mit-sygefravaer").status_code == 302


def last_seen(app):
    with app.app_context(), session_scope(app) as db:
        return db.exec(select(WebSession.last_seen_at).where(WebSession.ended_at.is_(None),
                                                             WebSession.role == "citizen")).one()


def test_a_request_within_a_minute_of_the_last_renewal_writes_nothing_and_a_later_one_renews(app, client, auth):
    auth.login(CITIZEN)
    assert client.get("/borger/mit-sygefravaer").status_code == 200  # the first page keeps a CSRF secret
    age_sessions(app, idle_minutes=0.5)
    renewed = last_seen(app)
    assert client.get("/borger/mit-sygefravaer").status_code == 200
    assert last_seen(app) == renewed, "not a write on every request"
    age_sessions(app, idle_minutes=1)
    assert client.get("/borger/mit-sygefravaer").status_code == 200
    assert last_seen(app) > renewed, "renewed once the last renewal is a minute old"


def test_the_idle_limit_counts_from_the_last_renewal_so_it_is_never_exceeded(app, client, auth):
    """A session ends at most a minute before the idle limit after its last request, never after it."""
    auth.login(CITIZEN)
    assert client.get("/borger/mit-sygefravaer").status_code == 200
    age_sessions(app, idle_minutes=0.5)
    assert client.get("/borger/mit-sygefravaer").status_code == 200  # 30 s after the renewal: not written
    age_sessions(app, idle_minutes=29.6)  # 30.1 minutes since the renewal, 29.6 since the last request
    ended = client.get("/borger/mit-sygefravaer")
    assert ended.status_code == 302 and ended.headers["Location"].endswith("/log-ind/citizen")


def live_session_rows(app) -> int:
    with app.app_context(), session_scope(app) as db:
        return len(db.exec(select(WebSession.id)).all())


def test_an_anonymous_reader_leaves_no_session_row_and_no_cookie(app):
    """Reading the public pages, a 404 or a page behind the login keeps nothing: a stream of
    anonymous GETs must not fill the session table (each row was kept a week)."""
    reader = app.test_client()
    for path in ("/", "/frister", "/frister?first_absence_day=2026-05-13&on=2026-06-20", "/findes-ikke",
                 "/favicon.ico", "/sprog/xx"):
        response = reader.get(path)
        assert response.status_code in (200, 302, 404), path
        assert "Set-Cookie" not in response.headers, path
    protected = reader.get("/borger/mit-sygefravaer")
    assert protected.status_code == 302 and protected.headers["Location"].endswith("/log-ind/citizen")
    assert "portal_session" not in protected.headers.get("Set-Cookie", ""), "the page to return to is no session"
    assert live_session_rows(app) == 0
    assert reader.get("/sprog/en?next=/").status_code == 302
    assert live_session_rows(app) == 1, "a chosen language is something to keep"


def test_a_message_goes_to_the_page_after_the_form_not_to_another_tab_of_the_session(app, client, auth):
    """Two tabs of one session: the message of a form sent in one tab is shown on the page its
    redirect leads to, not on whatever page the other tab loads meanwhile."""
    auth.login(CITIZEN)
    Auth(app.test_client()).login(CITIZEN)  # a phone, to be logged out
    other_tab = app.test_client()
    other_tab.set_cookie(COOKIE, cookie_of(client))
    page = text(client.get("/borger/sessioner"))
    sent = client.post("/borger/sessioner/afslut", data={"csrf_token": csrf_token(page)})
    assert sent.status_code == 303 and sent.headers["Location"].endswith("/borger/sessioner")
    meanwhile = text(other_tab.get("/borger/mit-sygefravaer"))
    assert "anden session" not in meanwhile, "the other tab's page took the message"
    assert "1 anden session er logget ud" in text(client.get("/borger/sessioner"))
    assert "1 anden session er logget ud" not in text(client.get("/borger/sessioner")), "shown once"


def test_two_requests_of_one_session_saving_at_once_keep_both_changes(app, client, auth):
    """Each request lays only its own changes over the row as it is when saved: the second save
    no longer writes back the whole session it read and wipes the first one's message."""
    from flask import Response, request

    auth.login(CITIZEN)
    interface = app.session_interface
    with app.test_request_context("/borger/mit-sygefravaer", headers={"Cookie": f"{COOKIE}={cookie_of(client)}"}):
        first, second = interface.open_session(app, request), interface.open_session(app, request)
        first["_flash:1"] = {"to": "/borger/sessioner", "messages": [["success", "Første"]]}
        second["_flash:2"] = {"to": "/borger/mine-data", "messages": [["success", "Anden"]]}
        interface.save_session(app, first, Response())
        interface.save_session(app, second, Response())
    assert "Første" in text(client.get("/borger/sessioner"))
    assert "Anden" in text(client.get("/borger/mine-data"))


@pytest.mark.parametrize("name, face, page", [("Hanne Arbejdsgiver", "employer", "/arbejdsgiver/sessioner"),
                                              ("Mette Sagsbehandler", "caseworker", "/jobcenter/sessioner")])
def test_employers_and_caseworkers_see_where_they_are_logged_in_and_log_out_the_others(app, client, name, face,
                                                                                         page):
    Auth(client).login(name, face=face)
    other = app.test_client()
    Auth(other).login(name, face=face)
    Auth(app.test_client()).login("Lise Testesen")  # another person's session is never listed
    listed = text(client.get(page))
    assert listed.count("session-item") == 2 and "Denne browser" in listed and "Hvor du er logget ind" in listed
    ended = client.post(page + "/afslut", data={"csrf_token": csrf_token(listed)})
    assert ended.status_code == 303 and ended.headers["Location"].endswith(page)
    assert "1 anden session er logget ud" in text(client.get(page))
    home = {"employer": "/arbejdsgiver/", "caseworker": "/jobcenter/"}[face]
    assert other.get(home).status_code == 302, "the other browser is logged out"
    assert client.get(home).status_code == 200


def test_after_the_login_the_citizen_is_back_on_the_page_she_asked_for(app, client):
    assert client.get("/borger/mine-data").status_code == 302
    assert live_session_rows(app) == 0
    landed = Auth(client).login(CITIZEN)
    assert landed.headers["Location"].endswith("/borger/mine-data")
