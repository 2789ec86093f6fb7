"""The OpenID back-channel logout under attack: anonymous POSTs do not make the portal read the
provider's keys each time, and a logout token (its jti) acts once."""
from __future__ import annotations

import time

from joserfc import jwt

from portal.devidp.testing import RUNNING

from .test_citizen_journey import CITIZEN
from .test_oidc_profile import logout_token


def jwks_served(issuer) -> int:
    return RUNNING[issuer].extensions.get("devidp.jwks_served", 0)


def test_anonymous_logout_posts_do_not_make_the_portal_read_the_provider_s_keys_each_time(make_app, idp_issuer):
    """Anyone can POST to the back-channel logout. Junk and tokens that are not for this portal are
    refused before any key is read; tokens naming unknown keys read the keys at most once a minute."""
    from joserfc.jwk import RSAKey

    app = make_app(RATELIMIT_ENABLED=False)  # the keys' own limit is what is tested, not the form limit
    anyone = app.test_client()
    before = jwks_served(idp_issuer)
    for junk in ("", "x", "a.b.c", logout_token(idp_issuer, sub="s", aud="someone-else"),
                 logout_token(idp_issuer, iss="https://elsewhere.example", sub="s")):
        for _ in range(10):
            assert anyone.post("/auth/backchannel-logout/citizen", data={"logout_token": junk}).status_code == 400
    assert jwks_served(idp_issuer) == before, "refused without asking the provider"
    stranger = RSAKey.generate_key(2048, parameters={"kid": "not-the-provider-s"})
    for n in range(20):
        forged = jwt.encode({"alg": "RS256", "kid": stranger.kid}, {
            "iss": idp_issuer, "aud": "portal-dev", "iat": int(time.time()), "jti": f"forged-{n}", "sub": "s",
            "events": {"http://schemas.openid.net/event/backchannel-logout": {}}}, stranger)
        assert anyone.post("/auth/backchannel-logout/citizen", data={"logout_token": forged}).status_code == 400
    assert jwks_served(idp_issuer) - before == 1, "the keys were read once, not once a token"


def test_a_replayed_logout_token_is_refused(app, client, auth, idp_issuer):
    from sqlmodel import select

    from portal.db import session_scope
    from portal.models import WebSession

    auth.login(CITIZEN)
    with app.app_context(), session_scope(app) as db:
        subject = db.exec(select(WebSession.subject).where(WebSession.role == "citizen")).first()
    token = logout_token(idp_issuer, sub=subject, jti="one-logout")
    assert app.test_client().post("/auth/backchannel-logout/citizen", data={"logout_token": token}).status_code == 200
    assert client.get("/borger/mit-sygefravaer").status_code == 302
    auth.login(CITIZEN)  # logged in again after the logout
    replay = app.test_client().post("/auth/backchannel-logout/citizen", data={"logout_token": token})
    assert replay.status_code == 400 and replay.get_json() == {"error": "invalid_request"}
    assert client.get("/borger/mit-sygefravaer").status_code == 200, "the replay ended nothing"
    without_jti = logout_token(idp_issuer, sub=subject, jti="")
    assert app.test_client().post("/auth/backchannel-logout/citizen",
                                  data={"logout_token": without_jti}).status_code == 400
