"""The portal as an OpenID Connect client (Authlib): discovery, authorization code with PKCE
(S256), state and nonce, ID token validation, and RP-initiated logout.

Each face (citizen, employer, caseworker) has its own provider settings (see config.py), so
NemLog-in, MitID Erhverv and a municipality's own provider can be set without code changes."""
from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from datetime import UTC, datetime
from urllib.parse import quote_plus, urlencode

from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.flask_client import OAuth
from authlib.oauth2.rfc7523 import PrivateKeyJWT, private_key_jwt_sign
from flask import Blueprint, Flask, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, RSAKey

from ..cases import identity
from ..cases.jobcenter import register_caseworker
from ..config import FACES, OIDCProvider, loa_rank
from ..db import get_session
from ..extensions import csrf
from ..forms import visible_text
from ..limits import address, browser, limiter, login_address_limit, login_limit
from ..web import local_path, public_url
from .server_session import end_sessions
from .session import User, current_user, log_in, log_out, return_cookie_name

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
            client_auth_methods=([ShortLivedKeyJWT(_key_id(provider))] if key_jwt
                                 else [("client_secret_basic", _basic_form_encoded)]),
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


def _key_id(provider: OIDCProvider) -> str:
    """The kid the provider finds the client's key by in the JWKS registered with it: the one the
    operator configured, else the key's RFC 7638 thumbprint (what most tools and brokers use)."""
    return provider.private_key_id or RSAKey.import_key(_private_key(provider)).thumbprint()


def client_jwks(providers: dict[str, OIDCProvider]) -> dict:
    """The public keys of the faces that use private_key_jwt, as a JWKS to register with the
    provider: each with the kid the portal's assertions carry."""
    keys = {}
    for provider in providers.values():
        if provider.token_auth_method == "private_key_jwt":  # nosec B105 (a method's name, not a secret)
            public = RSAKey.import_key(_private_key(provider)).as_dict(private=False)
            keys[_key_id(provider)] = {**public, "kid": _key_id(provider), "use": "sig", "alg": ShortLivedKeyJWT.alg}
    return {"keys": list(keys.values())}


CLIENT_ASSERTION_LIFETIME = 90  # seconds: long enough for one token request, too short to be reused


class ShortLivedKeyJWT(PrivateKeyJWT):
    """private_key_jwt with a kid header and a short life. Authlib's own names no key (a provider
    holding the old and the new key during a rotation cannot tell which) and lives an hour, so a
    leaked assertion would be good for an hour. iat and a fresh jti come from Authlib."""

    def __init__(self, kid: str):
        super().__init__()
        self.kid = kid

    def sign(self, auth, token_endpoint):
        key = RSAKey.import_key(auth.client_secret)
        return private_key_jwt_sign(key, client_id=auth.client_id, token_endpoint=token_endpoint, alg=self.alg,
                                    header={"kid": self.kid}, expires_in=CLIENT_ASSERTION_LIFETIME)


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
    if face in (session.get(FRESH_LOGIN) or []):
        # After a refusal for too low a level: without these the provider reuses its single sign-on
        # session at the low level, and the citizen is refused again with no way forward.
        extra.update(prompt="login", max_age="0", acr_values=provider.acr_values or provider.min_loa)
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
    refused = _check_response_issuer(face, client, provider)
    if refused is not None:
        return refused
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
        return _refuse_low_loa(face, provider)
    if face in (session.get(FRESH_LOGIN) or []):
        session[FRESH_LOGIN] = [f for f in session[FRESH_LOGIN] if f != face]
    user, problem = _user_from_claims(face, claims)
    if user is None:
        # Never the claim's value (a CPR number) in the log: only which claim was missing.
        current_app.logger.warning("login refused: " + problem, extra={
            "face": face, "provider": provider.issuer, "error": "claims_unusable"})
        abort(403)
    next_path = request.cookies.get(return_cookie_name())
    if face == "caseworker":  # the team's list of colleagues a case can be given to
        register_caseworker(get_session(), user.subject, user.municipality, user.name)
    log_in(user, sid=claims.get("sid"), id_token=id_token)
    response = redirect(local_path(next_path, url_for(HOME_OF[face])))
    if next_path is not None:
        response.delete_cookie(return_cookie_name(), path="/", secure=current_app.config["SESSION_COOKIE_SECURE"],
                               httponly=True, samesite="Lax")
    return response


# Session key: the faces whose next login must be a fresh one (after a refusal for too low a level).
# Whether the fresh login reached the level is read from its claims, as for any login.
FRESH_LOGIN = "auth.fresh_login"


def _refuse_low_loa(face: str, provider: OIDCProvider):
    """The refusal page, with a button that logs in again; that login must be a fresh one."""
    current_app.logger.warning("login refused: level of assurance too low", extra={
        "face": face, "provider": provider.issuer, "error": "loa_too_low"})
    session[FRESH_LOGIN] = sorted({*(session.get(FRESH_LOGIN) or []), face})
    return render_template("errors/loa.html", required=provider.min_loa, face=face), 403


def _check_response_issuer(face: str, client, provider: OIDCProvider):
    """RFC 9207: the authorization response names the provider that issued it, so a code from
    another provider (a mix-up attack) is never sent to this one's token endpoint. Required when
    the provider's discovery says it sends iss; compared whenever present (§ 2.4)."""
    if "code" not in request.values and "error" not in request.values:
        return None  # no authorization response at all: Authlib refuses it as a failed login
    try:
        metadata = client.load_server_metadata()
    except Exception:  # noqa: BLE001 (the provider unreachable from this instance: a failed login, not a 500)
        current_app.logger.error("login refused: the provider's discovery could not be read",
                                 extra={"face": face, "provider": provider.issuer, "error": "metadata_unavailable"})
        flash(_("The login did not succeed. Please try again."), "error")
        return redirect(url_for("main.index"))
    given = request.values.get("iss")
    if given is None and not metadata.get("authorization_response_iss_parameter_supported"):
        return None
    if given == metadata.get("issuer"):
        return None
    code = "iss_missing" if given is None else "iss_mismatch"
    current_app.logger.error("login refused: the authorization response names no or another issuer",
                             extra={"face": face, "provider": provider.issuer, "error": code})
    return render_template("errors/login_issuer.html", face=face), 400


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
LOGOUT_ALGORITHMS = ("RS256", "PS256", "ES256")
# The provider's signing keys are read at most once a minute (a token naming a key not yet seen,
# after a key rotation) and are used for an hour; a stream of made-up tokens reads them no more.
KEYS_REREAD_AFTER = 60
KEYS_KEPT_FOR = 3600


@bp.post("/auth/backchannel-logout/<face>")
@csrf.exempt
def backchannel_logout(face: str):
    """OpenID Connect Back-Channel Logout 1.0: the provider says a single sign-on session ended
    (MitID's logout elsewhere); the portal ends its own sessions for that sid or sub, on the server."""
    client, provider = _client(face), _provider(face)
    try:
        claims = _logout_claims(face, client, provider, request.form.get("logout_token", ""))
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


def _unverified(logout_token: str) -> tuple[dict, dict]:
    """The token's header and claims as written, before any key is looked at: what cannot be a
    logout token is refused without a request to the provider."""
    try:
        header, payload, _signature = logout_token.split(".")
        return json.loads(_b64(header)), json.loads(_b64(payload))
    except (ValueError, TypeError) as error:
        raise ValueError("not a JWT") from error


def _b64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _logout_claims(face: str, client, provider: OIDCProvider, logout_token: str) -> dict:
    """The logout token's claims, checked as § 2.6 of the spec says; ValueError names what failed.
    The claims are checked before the signature too, so only a plausible token costs a key look-up."""
    if not logout_token:
        raise ValueError("no logout_token")
    header, unverified = _unverified(logout_token)
    if header.get("alg") not in LOGOUT_ALGORITHMS:
        raise ValueError("alg")
    _check_logout_claims(provider, unverified)
    keys = _provider_keys(face, client, header.get("kid"))
    claims = jwt.decode(logout_token, keys, algorithms=list(LOGOUT_ALGORITHMS)).claims
    _check_logout_claims(provider, claims)
    _refuse_a_replay(provider, claims)
    return claims


def _check_logout_claims(provider: OIDCProvider, claims: dict) -> None:
    if not isinstance(claims, dict):
        raise ValueError("claims")
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if str(claims.get("iss", "")).rstrip("/") != provider.issuer.rstrip("/"):
        raise ValueError("iss")
    if provider.client_id not in audiences:
        raise ValueError("aud")
    try:
        issued, expires = float(claims.get("iat", 0)), float(claims.get("exp", "inf"))
    except (TypeError, ValueError) as error:
        raise ValueError("iat or exp") from error
    now = time.time()
    if abs(now - issued) > LOGOUT_TOKEN_MAX_AGE:
        raise ValueError("iat")
    if expires < now:
        raise ValueError("exp")
    if BACKCHANNEL_EVENT not in (claims.get("events") or {}):
        raise ValueError("events")
    if "nonce" in claims:
        raise ValueError("nonce")
    if not claims.get("sub") and not claims.get("sid"):
        raise ValueError("sub or sid")
    if not claims.get("jti") or not isinstance(claims["jti"], str):
        raise ValueError("jti")


_KEYS_LOCK = threading.Lock()


def _provider_keys(face: str, client, kid: str | None) -> KeySet:
    """The provider's signing keys, kept for an hour. A key id not among them reads the keys again
    (the provider rotated), but not within a minute of the last read."""
    kept = current_app.extensions.setdefault("portal.logout_keys", {})
    with _KEYS_LOCK:
        read_at, keys = kept.get(face, (None, None))
        age = time.monotonic() - read_at if read_at is not None else None
        known = keys is not None and (kid is None or any(key.kid == kid for key in keys.keys))
        if age is not None and (age < KEYS_REREAD_AFTER or (known and age < KEYS_KEPT_FOR)):
            return keys
        keys = KeySet.import_key_set(client.fetch_jwk_set(force=True))
        kept[face] = (time.monotonic(), keys)
        return keys


def _refuse_a_replay(provider: OIDCProvider, claims: dict) -> None:
    """Each token acts once: its jti is kept until the token would be refused anyway (its exp, or
    LOGOUT_TOKEN_MAX_AGE after iat, whichever comes first); the primary key refuses a second use."""
    from sqlalchemy import delete
    from sqlalchemy.exc import IntegrityError

    from ..models import LogoutTokenSeen, utcnow

    accepted_until = min(float(claims.get("exp", "inf")), float(claims["iat"]) + LOGOUT_TOKEN_MAX_AGE)
    seen = LogoutTokenSeen(id=hashlib.sha256(f"{provider.issuer}\n{claims['jti']}".encode()).hexdigest(),
                           expires_at=datetime.fromtimestamp(accepted_until + 60, UTC))
    db = get_session()
    db.exec(delete(LogoutTokenSeen).where(LogoutTokenSeen.expires_at < utcnow()))
    db.add(seen)
    try:
        db.commit()
    except IntegrityError as error:
        db.rollback()
        raise ValueError("jti replayed") from error


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

