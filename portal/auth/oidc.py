"""The portal as an OpenID Connect client (Authlib): discovery, authorization code with PKCE
(S256), state and nonce, ID token validation, and RP-initiated logout.

Each face (citizen, employer, caseworker) has its own provider settings (see config.py), so
NemLog-in, MitID Erhverv and a municipality's own provider can be set without code changes."""
from __future__ import annotations

import base64
import time
from urllib.parse import quote_plus, urlencode

from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.flask_client import OAuth
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from flask import Blueprint, Flask, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from ..cases import identity
from ..cases.jobcenter import register_caseworker
from ..config import FACES, OIDCProvider, loa_rank
from ..db import get_session
from ..extensions import csrf
from ..forms import visible_text
from ..limits import address, browser, limiter, login_address_limit, login_limit
from ..web import local_path, public_url
from .server_session import end_sessions
from .session import User, current_user, log_in, log_out

bp = Blueprint("auth", __name__)

HOME_OF = {"citizen": "citizen.overview", "employer": "employer.overview", "caseworker": "jobcenter.queue"}


def init_app(app: Flask) -> None:
    # One OAuth registry per app (not a module global): each app may point at its own issuers.
    registry = OAuth(app)
    for face, provider in app.config["PORTAL_OIDC"].items():
        # private_key_jwt: the client signs a JWT with its own key instead of sending a secret.
        key_jwt = provider.token_auth_method == "private_key_jwt"  # nosec B105 (a method's name, not a secret)
        registry.register(
            name=face,
            client_id=provider.client_id,
            client_secret=_private_key(provider) if key_jwt else provider.client_secret,
            client_auth_methods=[PrivateKeyJWT()] if key_jwt else [("client_secret_basic", _basic_form_encoded)],
            server_metadata_url=provider.metadata_url,
            client_kwargs={
                "scope": provider.scope,
                "code_challenge_method": "S256",
                "token_endpoint_auth_method": provider.token_auth_method,
                "timeout": 10,
            },
        )
    app.extensions["portal.oauth"] = registry


def _basic_form_encoded(client, method, uri, headers, body):
    """client_secret_basic as RFC 6749 § 2.3.1 says: id and secret form-urlencoded before base64.
    Authlib sends them raw, so a secret holding + or % failed at a provider that decodes them."""
    text = f"{quote_plus(client.client_id)}:{quote_plus(client.client_secret)}"
    headers["Authorization"] = "Basic " + base64.b64encode(text.encode()).decode()
    return uri, headers, body


def _private_key(provider: OIDCProvider) -> str:
    with open(provider.private_key_file, encoding="ascii") as pem:
        return pem.read()


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
    provider = _provider(face)
    refused = _check_issuer(face, client, provider)
    if refused is not None:
        return refused
    redirect_uri = public_url("auth.callback", face=face)
    extra = dict(provider.auth_params)
    if provider.acr_values:
        extra["acr_values"] = provider.acr_values
    # portal_role lets the bundled test provider list only the identities for this face;
    # a real provider ignores the unknown parameter.
    return client.authorize_redirect(redirect_uri, portal_role=face, **extra)


def _check_issuer(face: str, client, provider: OIDCProvider):
    """OpenID Connect Discovery § 4.3: the discovery document's issuer must be the one configured
    (localhost is not 127.0.0.1). Metadata is read afresh when it was left stale by a failure."""
    metadata = client.load_server_metadata()
    if str(metadata.get("issuer", "")).rstrip("/") == provider.issuer.rstrip("/"):
        return None
    current_app.logger.error("login refused: the provider's discovery names another issuer",
                             extra={"face": face, "provider": provider.issuer, "error": "issuer_mismatch"})
    client.server_metadata = {}
    flash(_("The login is not available right now. Please try again later, or call your jobcenter."), "error")
    return redirect(url_for("main.index"))


@bp.get("/auth/callback/<face>")
@limiter.limit(login_limit, key_func=browser)
@limiter.limit(login_address_limit, key_func=address)
def callback(face: str):
    client = _client(face)
    provider = _provider(face)
    try:
        token = client.authorize_access_token()
    except OAuthError as error:
        current_app.logger.warning("login refused at the identity provider", extra={
            "face": face, "provider": provider.issuer, "error": error.error})
        flash(_("The login did not succeed. Please try again."), "error")
        return redirect(url_for("main.index"))
    except Exception as error:  # noqa: BLE001 (a token the portal cannot verify: a changed key or algorithm)
        # Forget the provider's metadata and keys: the next login reads them afresh, so a provider
        # that changed its signing algorithm does not fail every login until a restart.
        client.server_metadata = {}
        current_app.logger.error("login refused: the ID token could not be verified", extra={
            "face": face, "provider": provider.issuer, "error": type(error).__name__})
        flash(_("The login did not succeed. Please try again."), "error")
        return redirect(url_for("main.index"))
    claims = dict(token.get("userinfo") or {})
    personal = {provider.claim_cpr, "cpr", "dk.cpr"} & set(claims)
    id_token = token.get("id_token") if not personal else None
    if provider.use_userinfo:
        extra = client.userinfo(token=token)
        if str(extra.get("sub")) != str(claims.get("sub")):
            current_app.logger.error("login refused: userinfo names another subject", extra={
                "face": face, "provider": provider.issuer, "error": "userinfo_sub_mismatch"})
            abort(403)
        claims = {**claims, **extra}
    if provider.min_loa and loa_rank(claims.get(provider.claim_loa) or claims.get("acr")) < loa_rank(provider.min_loa):
        current_app.logger.warning("login refused: level of assurance too low", extra={
            "face": face, "provider": provider.issuer, "error": "loa_too_low"})
        return render_template("errors/loa.html", required=provider.min_loa), 403
    user, problem = _user_from_claims(face, claims)
    if user is None:
        # Never the claim's value (a CPR number) in the log: only which claim was missing.
        current_app.logger.warning("login refused: " + problem, extra={
            "face": face, "provider": provider.issuer, "error": "claims_unusable"})
        abort(403)
    next_path = session.get("next")
    if face == "caseworker":  # the team's list of colleagues a case can be given to
        register_caseworker(get_session(), user.subject, user.municipality, user.name)
    log_in(user, sid=claims.get("sid"), id_token=id_token)
    return redirect(local_path(next_path, url_for(HOME_OF[face])))


def _user_from_claims(face: str, claims: dict) -> tuple[User | None, str]:
    """The user the claims describe for this face, or None and why (never a claim's value)."""
    provider = _provider(face)
    # The face decides the role. A provider's own role claim only counts when it names another of
    # the portal's faces (one provider for several faces); a broker's "user" or "person" does not.
    role = claims.get(provider.claim_role)
    if role in FACES and role != face:
        return None, f"the identity is for the {role} login"
    name = visible_text(str(claims.get(provider.claim_name) or ""))
    subject = str(claims.get("sub"))
    if face == "citizen":
        citizen_id = identity.citizen_from_login(str(claims.get(provider.claim_cpr) or ""), name)
        if citizen_id is None:
            return None, f"no CPR number in the claim {provider.claim_cpr!r}"
        return User(role=face, name=name, subject=subject, citizen_id=citizen_id,
                    municipality=claims.get(provider.claim_municipality)), ""
    if face == "employer":
        cvr = str(claims.get(provider.claim_cvr) or "")
        if not cvr:
            return None, f"no CVR number in the claim {provider.claim_cvr!r}"
        return User(role=face, name=name, subject=subject, cvr=cvr,
                    org_name=visible_text(claims.get(provider.claim_org_name))), ""
    municipality = claims.get(provider.claim_municipality) or provider.fixed_municipality
    if not municipality:
        return None, f"no municipality in the claim {provider.claim_municipality!r} and none configured"
    return User(role=face, name=name, subject=subject, municipality=str(municipality)), ""


BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout"
LOGOUT_TOKEN_MAX_AGE = 300


@bp.post("/auth/backchannel-logout/<face>")
@csrf.exempt
def backchannel_logout(face: str):
    """OpenID Connect Back-Channel Logout 1.0: the provider says a single sign-on session ended
    (MitID's logout elsewhere); the portal ends its own sessions for that sid or sub, on the server."""
    client, provider = _client(face), _provider(face)
    try:
        claims = _logout_claims(client, provider, request.form.get("logout_token", ""))
    except (ValueError, JoseError) as error:
        current_app.logger.warning("back-channel logout refused", extra={
            "face": face, "provider": provider.issuer, "error": str(error)[:80]})
        return _no_store({"error": "invalid_request"}), 400
    ended = end_sessions(current_app._get_current_object(), face, subject=claims.get("sub"), sid=claims.get("sid"),
                         reason="backchannel")
    current_app.logger.info("back-channel logout", extra={"face": face, "provider": provider.issuer,
                                                          "ended": ended})
    return _no_store({}), 200


def _no_store(body: dict):
    from flask import jsonify

    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response


def _logout_claims(client, provider: OIDCProvider, logout_token: str) -> dict:
    """The logout token's claims, checked as § 2.6 of the spec says; ValueError names what failed."""
    if not logout_token:
        raise ValueError("no logout_token")
    keys = KeySet.import_key_set(client.fetch_jwk_set(force=True))
    claims = jwt.decode(logout_token, keys, algorithms=["RS256", "PS256", "ES256"]).claims
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if str(claims.get("iss", "")).rstrip("/") != provider.issuer.rstrip("/"):
        raise ValueError("iss")
    if provider.client_id not in audiences:
        raise ValueError("aud")
    if abs(time.time() - float(claims.get("iat", 0))) > LOGOUT_TOKEN_MAX_AGE:
        raise ValueError("iat")
    if BACKCHANNEL_EVENT not in (claims.get("events") or {}):
        raise ValueError("events")
    if "nonce" in claims:
        raise ValueError("nonce")
    if not claims.get("sub") and not claims.get("sid"):
        raise ValueError("sub or sid")
    return claims


@bp.post("/session/forny")
def keep_alive():
    """The "stay logged in" button of the timeout warning: a request that renews the session."""
    if current_user() is None:
        abort(401)
    session.modified = True
    return "", 204


@bp.get("/logget-ud")
def logged_out():
    """Where the timeout warning goes at expiry: a clear page saying the person is logged out. The
    server has ended an idle session by then; one that is somehow still alive is ended here, so the
    page never says something untrue."""
    if current_user() is not None:
        log_out()
    session.pop("_flashes", None)  # "you were logged out because ..." is this page's own text
    response = current_app.make_response(render_template("errors/logged_out.html"))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/log-ud")
def logout():
    user = current_user()
    id_token = session.get("id_token")
    log_out()
    if user is None:
        return redirect(url_for("main.index"))
    client = _client(user.role)
    metadata = client.load_server_metadata()
    end_session = metadata.get("end_session_endpoint")
    flash(_("You are logged out."), "success")
    if not end_session:
        return redirect(url_for("main.index"))
    # id_token_hint only when the ID token carries no personal number (a broker's, whose claims
    # are in userinfo): a CPR number must never travel in a URL. Otherwise client_id alone.
    query = urlencode({
        "client_id": _provider(user.role).client_id,
        "post_logout_redirect_uri": public_url("main.index"),
        **({"id_token_hint": id_token} if id_token else {}),
    })
    return redirect(f"{end_session}?{query}")

