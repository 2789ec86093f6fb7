"""Races around sessions on PostgreSQL, many times over: two requests of one session (two tabs)
save it at the same moment and each keeps what the other wrote, so neither tab's message is lost;
one back-channel logout token sent twice at once acts once."""
from __future__ import annotations

import os
import threading

import pytest
from flask import Response, request

from tests.conftest import Auth
from tests.web.test_citizen_journey import CITIZEN

PG_URL = os.environ.get("PORTAL_TEST_DATABASE_URL")
pytestmark = pytest.mark.skipif(not PG_URL, reason="PostgreSQL only: set PORTAL_TEST_DATABASE_URL")
ROUNDS = 40


def test_two_tabs_saving_at_once_keep_both_messages(make_app):
    app = make_app()
    client = app.test_client()
    Auth(client).login(CITIZEN)
    cookie = client.get_cookie("portal_session").value
    interface = app.session_interface
    barrier = threading.Barrier(2)
    failures: list[BaseException] = []

    def tab(name: str) -> None:
        try:
            for n in range(ROUNDS):
                with app.test_request_context("/borger/", headers={"Cookie": f"portal_session={cookie}"}):
                    session = interface.open_session(app, request)
                    barrier.wait()  # both tabs have read the row before either saves
                    session[f"_flash:{n:03d}{name}"] = {"to": f"/borger/{name}", "messages": [["success", f"{name}"]]}
                    interface.save_session(app, session, Response())
                barrier.wait()  # both saved: the next round reads what they left
        except BaseException as error:  # noqa: BLE001 (reported by the test below)
            failures.append(error)
            barrier.abort()

    threads = [threading.Thread(target=tab, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    with app.test_request_context("/borger/", headers={"Cookie": f"portal_session={cookie}"}):
        kept = {key for key in interface.open_session(app, request) if key.startswith("_flash:")}
    assert kept == {f"_flash:{n:03d}{name}" for n in range(ROUNDS) for name in "ab"}, "a tab's save wiped the other's"


def test_one_logout_token_posted_twice_at_once_acts_once(make_app, idp_issuer):
    """A replayed back-channel logout token sent at the same moment as the first: one is accepted."""
    from tests.web.test_oidc_profile import logout_token

    app = make_app(RATELIMIT_ENABLED=False)
    barrier = threading.Barrier(2)
    answers: list[tuple[int, int]] = []

    def provider(tokens: list[str]) -> None:
        client = app.test_client()
        for n, token in enumerate(tokens):
            barrier.wait()
            answers.append((n, client.post("/auth/backchannel-logout/citizen",
                                           data={"logout_token": token}).status_code))

    tokens = [logout_token(idp_issuer, sub=f"nobody-{n}", jti=f"race-{n}") for n in range(ROUNDS)]
    threads = [threading.Thread(target=provider, args=(tokens,)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(status for n, status in answers if n == 0) == [200, 400]
    assert all(sorted(status for m, status in answers if m == n) == [200, 400] for n in range(ROUNDS))
