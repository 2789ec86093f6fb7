"""The portal as an OpenID Connect client (Authlib): discovery, authorization code with PKCE
(S256), state and nonce, ID token validation, and RP-initiated logout.

Each face (citizen, employer, caseworker) has its own provider settings (see config.py), so
NemLog-in, MitID Erhverv and a municipality's own provider can be set without code changes."""
from __future__ import annotations

from urllib.parse import urlencode

from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Blueprint, Flask, abort, current_app, flash, redirect, session, url_for
from flask_babel import gettext as _

from ..cases import identity
from ..config import FACES, OIDCProvider
from ..forms import visible_text
from ..limits import address, browser, limiter, login_address_limit, login_limit
from ..web import local_path, public_url
from .session import User, current_user, log_in, log_out

bp = Blueprint("auth", __name__)

HOME_OF = {"citizen": "citizen.overview", "employer": "employer.overview", "caseworker": "jobcenter.queue"}


def init_app(app: Flask) -> None:
    # One OAuth registry per app (not a module global): each app may point at its own issuers.
    registry = OAuth(app)
    for face, provider in app.config["PORTAL_OIDC"].items():
        registry.register(
            name=face,
            client_id=provider.client_id,
            client_secret=provider.client_secret,
            server_metadata_url=provider.metadata_url,
            client_kwargs={
                "scope": provider.scope,
                "code_challenge_method": "S256",
                # The name of an authentication method, not a secret (bandit B105).
                "token_endpoint_auth_method": "client_secret_basic",  # nosec B105
                "timeout": 10,
            },
        )
    app.extensions["portal.oauth"] = registry


def _client(face: str):
    if face not in FACES:
        abort(404)
    return current_app.extensions["portal.oauth"].create_client(face)


def _provider(face: str) -> OIDCProvider:
    return current_app.config["PORTAL_OIDC"][face]


@bp.get("/log-ind/<face>")
@limiter.limit(login_limit, key_func=browser)
@limiter.limit(login_address_limit, key_func=address)
def login(face: str):
    client = _client(face)
    redirect_uri = public_url("auth.callback", face=face)
    # portal_role lets the bundled test provider list only the identities for this face;
    # a real provider ignores the unknown parameter.
    return client.authorize_redirect(redirect_uri, portal_role=face)


@bp.get("/auth/callback/<face>")
@limiter.limit(login_limit, key_func=browser)
@limiter.limit(login_address_limit, key_func=address)
def callback(face: str):
    client = _client(face)
    try:
        token = client.authorize_access_token()
    except OAuthError:
        current_app.logger.warning("login failed at the identity provider", extra={"face": face})
        flash(_("The login did not succeed. Please try again."), "error")
        return redirect(url_for("main.index"))
    claims = token.get("userinfo") or {}
    user = _user_from_claims(face, claims)
    if user is None:
        abort(403)
    next_path = session.get("next")
    log_in(user, sid=claims.get("sid"))
    return redirect(local_path(next_path, url_for(HOME_OF[face])))


def _user_from_claims(face: str, claims: dict) -> User | None:
    provider = _provider(face)
    role = claims.get(provider.claim_role) or face
    if role != face:
        return None
    name = visible_text(str(claims.get(provider.claim_name) or ""))
    subject = str(claims.get("sub"))
    if face == "citizen":
        citizen_id = identity.citizen_from_login(str(claims.get(provider.claim_cpr) or ""), name)
        if citizen_id is None:
            return None
        return User(role=face, name=name, subject=subject, citizen_id=citizen_id,
                    municipality=claims.get(provider.claim_municipality))
    if face == "employer":
        cvr = str(claims.get(provider.claim_cvr) or "")
        if not cvr:
            return None
        return User(role=face, name=name, subject=subject, cvr=cvr,
                    org_name=visible_text(claims.get(provider.claim_org_name)))
    municipality = claims.get(provider.claim_municipality)
    if not municipality:
        return None
    return User(role=face, name=name, subject=subject, municipality=str(municipality))


@bp.post("/session/forny")
def keep_alive():
    """The "stay logged in" button of the timeout warning: a request that renews the session."""
    if current_user() is None:
        abort(401)
    session.modified = True
    return "", 204


@bp.post("/log-ud")
def logout():
    user = current_user()
    log_out()
    if user is None:
        return redirect(url_for("main.index"))
    client = _client(user.role)
    metadata = client.load_server_metadata()
    end_session = metadata.get("end_session_endpoint")
    flash(_("You are logged out."), "success")
    if not end_session:
        return redirect(url_for("main.index"))
    # client_id rather than id_token_hint: the ID token carries the CPR number, and it must
    # never travel in a URL.
    query = urlencode({
        "client_id": _provider(user.role).client_id,
        "post_logout_redirect_uri": public_url("main.index"),
    })
    return redirect(f"{end_session}?{query}")

