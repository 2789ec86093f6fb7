"""A small OpenID Connect provider for development and tests, built on Authlib's server side.

It runs as its own Flask app on loopback (`python -m portal.devidp`), lists the test identities
on its login page, and speaks the real protocol: discovery, authorization code with PKCE (S256,
required), nonce, RS256-signed ID tokens, userinfo, RP-initiated logout and the authorization
response's iss (RFC 9207, as panva's oidc-provider sends it). Codes and tokens live
in memory: it is a single-process development tool and the portal refuses it in production."""
from __future__ import annotations

import hmac
import secrets
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from authlib.common.urls import add_params_to_uri
from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector, current_token
from authlib.oauth2.rfc6749 import ClientMixin, grants
from authlib.oauth2.rfc6750 import BearerTokenValidator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from flask import Flask, abort, jsonify, redirect, render_template_string, request, session
from joserfc.jwk import ECKey, RSAKey

from .identities import BY_SUB, IDENTITIES, ROLE_TITLES

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
CODE_LIFETIME = 60


def is_loopback_http(uri: str, path_prefix: str = "") -> bool:
    parts = urlsplit(uri or "")
    return (parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS
            and parts.path.startswith(path_prefix))


@dataclass
class DevClient(ClientMixin):
    client_id: str = "portal-dev"
    client_secret: str = "portal-dev-secret"  # noqa: S105 (public test secret)
    redirect_path_prefix: str = "/auth/callback"
    scope: str = "openid profile"

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return None

    def get_allowed_scope(self, scope):
        allowed = set(self.scope.split())
        return " ".join(s for s in (scope or "").split() if s in allowed)

    def check_redirect_uri(self, redirect_uri):
        # Loopback only, any port: tests and `make run` pick their own ports.
        return is_loopback_http(redirect_uri, self.redirect_path_prefix)

    def check_client_secret(self, client_secret):
        return hmac.compare_digest(self.client_secret, client_secret or "")

    def check_endpoint_auth_method(self, method, endpoint):
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type == "authorization_code"


@dataclass
class Code:
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    sub: str
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_nonce(self):
        return self.nonce

    def get_auth_time(self):
        return self.auth_time

    def get_acr(self):
        return None

    def get_amr(self):
        return None

    def is_expired(self):
        return time.time() > self.auth_time + CODE_LIFETIME


@dataclass
class Token:
    access_token: str
    client_id: str
    scope: str
    sub: str
    expires_at: float

    def get_scope(self):
        return self.scope

    def is_expired(self):
        return time.time() > self.expires_at

    def is_revoked(self):
        return False

    def check_client(self, client):
        return client.get_client_id() == self.client_id


@dataclass
class User:
    sub: str

    def get_user_id(self):
        return self.sub


class Store:
    """Codes and tokens, in memory, behind a lock (werkzeug serves threads)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.codes: dict[str, Code] = {}
        self.tokens: dict[str, Token] = {}


def claims_of(sub: str) -> dict:
    return dict(BY_SUB[sub])


def create_idp_app(issuer: str, clients: list[DevClient] | None = None, alg: str = "RS256",
                   iss_parameter: bool = True) -> Flask:
    """`alg`: RS256, or ES256 for the test of a provider that changes its signing algorithm.
    `iss_parameter`: False for an older provider that neither sends nor advertises RFC 9207's iss."""
    app = Flask(__name__)
    app.config["SECRET_KEY"] = secrets.token_hex(32)
    app.config["SESSION_COOKIE_NAME"] = "devidp_session"  # apart from the portal's cookie on 127.0.0.1
    issuer = issuer.rstrip("/")
    registry = {c.client_id: c for c in (clients or [DevClient()])}
    store = Store()
    key = (ECKey.generate_key("P-256", private=True, auto_kid=True) if alg == "ES256"
           else RSAKey.generate_key(2048, private=True, auto_kid=True))
    app.extensions["devidp.key"] = key  # tests sign back-channel logout tokens with it

    class CodeGrant(grants.AuthorizationCodeGrant):
        TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

        def save_authorization_code(self, code, req):
            data = req.payload.data
            with store.lock:
                store.codes[code] = Code(
                    code=code, client_id=req.client.get_client_id(), redirect_uri=req.payload.redirect_uri,
                    scope=req.scope, sub=req.user.sub, nonce=data.get("nonce"),
                    code_challenge=data.get("code_challenge"),
                    code_challenge_method=data.get("code_challenge_method"))

        def query_authorization_code(self, code, client):
            with store.lock:
                item = store.codes.get(code)
            if item and item.client_id == client.get_client_id() and not item.is_expired():
                return item
            return None

        def delete_authorization_code(self, authorization_code):
            with store.lock:  # single use
                store.codes.pop(authorization_code.code, None)

        def authenticate_user(self, authorization_code):
            return User(authorization_code.sub)

    class IdToken(OpenIDCode):
        def exists_nonce(self, nonce, req):
            with store.lock:
                return any(c.nonce == nonce for c in store.codes.values())

        def resolve_client_private_key(self, client):
            return key

        def get_client_algorithm(self, client):
            return alg

        def get_client_claims(self, client):
            return {"iss": issuer, "aud": [client.get_client_id()]}

        def get_encode_header(self, client):
            return {"alg": alg, "kid": key.kid}

        def generate_user_info(self, user, scope):
            return UserInfo(claims_of(user.sub))

    def save_token(token, req):
        with store.lock:
            store.tokens[token["access_token"]] = Token(
                access_token=token["access_token"], client_id=req.client.get_client_id(),
                scope=token.get("scope", ""), sub=req.user.sub,
                expires_at=time.time() + token.get("expires_in", 3600))

    server = AuthorizationServer(app, query_client=registry.get, save_token=save_token)
    server.register_grant(CodeGrant, [CodeChallenge(required=True), IdToken(require_nonce=True)])

    class Validator(BearerTokenValidator):
        def authenticate_token(self, token_string):
            with store.lock:
                return store.tokens.get(token_string)

    protect = ResourceProtector()
    protect.register_token_validator(Validator())

    @app.get("/.well-known/openid-configuration")
    def discovery():
        return jsonify({
            "issuer": issuer,
            "authorization_endpoint": f"{issuer}/authorize",
            "token_endpoint": f"{issuer}/token",
            "jwks_uri": f"{issuer}/jwks",
            "userinfo_endpoint": f"{issuer}/userinfo",
            "end_session_endpoint": f"{issuer}/logout",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": [alg],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "scopes_supported": ["openid", "profile"],
            "claims_supported": ["sub", "name", "role", "cpr", "cvr", "org_name", "municipality",
                                 "municipality_name"],
            **({"authorization_response_iss_parameter_supported": True} if iss_parameter else {}),
        })

    @app.get("/jwks")
    def jwks():
        # Counted, so a test can see how often a client reads the keys.
        app.extensions["devidp.jwks_served"] = app.extensions.get("devidp.jwks_served", 0) + 1
        return jsonify({"keys": [key.as_dict(private=False)]})

    def csrf_token() -> str:
        if "csrf" not in session:
            session["csrf"] = secrets.token_urlsafe(24)
        return session["csrf"]

    @app.route("/authorize", methods=["GET", "POST"])
    def authorize():
        # PKCE is required here, and only S256: the portal must never fall back to plain codes.
        if request.values.get("code_challenge_method") != "S256" or not request.values.get("code_challenge"):
            return _error_page("PKCE (code_challenge, S256) is required."), 400
        try:
            grant = server.get_consent_grant(end_user=None)
        except Exception as exc:  # an invalid client or redirect_uri: say so, never redirect there
            return _error_page(getattr(exc, "description", None) or str(exc)), 400
        if request.method == "GET":
            role = request.args.get("portal_role")
            shown = [i for i in IDENTITIES if not role or i["role"] == role]
            return render_template_string(LOGIN_PAGE, identities=shown, titles=ROLE_TITLES,
                                          csrf=csrf_token(), client_id=grant.client.get_client_id())
        if not hmac.compare_digest(request.form.get("csrf", ""), session.get("csrf", "-")):
            return _error_page("The login form expired. Go back and try again."), 400
        sub = request.form.get("identity")
        if sub not in BY_SUB:
            abort(400)
        response = server.create_authorization_response(grant_user=User(sub), grant=grant)
        if iss_parameter and response.location:
            # RFC 9207 § 2 (Authlib's IssuerParameter extension is never called by its server).
            response.location = add_params_to_uri(response.location, [("iss", issuer)])
        return response

    @app.post("/token")
    def token():
        return server.create_token_response()

    @app.get("/userinfo")
    @protect("openid")
    def userinfo():
        return jsonify(claims_of(current_token.sub))

    @app.get("/logout")
    def logout():
        session.clear()
        target = request.args.get("post_logout_redirect_uri", "")
        if target and is_loopback_http(target):
            state = request.args.get("state")
            return redirect(target + (("&" if "?" in target else "?") + urlencode({"state": state})
                                      if state else ""))
        return render_template_string(LOGGED_OUT_PAGE)

    def _error_page(message: str) -> str:
        return render_template_string(ERROR_PAGE, message=message)

    return app


_HEAD = """<!DOCTYPE html><html lang="da"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title>
<style>
body{{font-family:system-ui,sans-serif;margin:0;color:#1a1a1a;line-height:1.5}}
header{{background:#1a1a1a;color:#fff;padding:1rem}}
main{{max-width:40rem;margin:0 auto;padding:1rem}}
h1{{font-size:1.6rem;margin:.5rem 0}} h2{{font-size:1.2rem;margin-top:1.5rem}}
.warning{{background:#fff4d6;border-left:6px solid #b27400;padding:.75rem 1rem}}
ul{{list-style:none;padding:0}} li{{margin:.5rem 0}}
button{{font:inherit;width:100%;text-align:left;padding:.75rem 1rem;border:2px solid #0059b3;
background:#fff;color:#0059b3;border-radius:4px;cursor:pointer}}
button:hover{{background:#e6f0fa}}
button:focus{{outline:3px solid #b27400;outline-offset:2px}}
.detail{{display:block;color:#333;font-size:.9rem}}
</style></head><body>"""

LOGIN_PAGE = _HEAD.format(title="Testlogin – kun til udvikling") + """
<header><p><strong>Testlogin</strong> · kun til udvikling / development only</p></header>
<main>
<h1>Testlogin – kun til udvikling</h1>
<p class="warning" lang="da">Dette er ikke MitID. Vælg en fiktiv testperson.
<span lang="en">This is not MitID. Choose a fictitious test person.</span></p>
{% for role, title in titles.items() %}
  {% set group = identities|selectattr('role', 'equalto', role)|list %}
  {% if group %}
  <h2>{{ title }}</h2>
  <ul>
  {% for identity in group %}
    <li><form method="post" aria-label="Log ind som {{ identity.name }}">
      <input type="hidden" name="csrf" value="{{ csrf }}">
      <button type="submit" name="identity" value="{{ identity.sub }}" data-identity="{{ identity.sub }}">
        Log ind som {{ identity.name }}
        <span class="detail">{% if identity.cpr %}CPR {{ identity.cpr[:6] }}-{{ identity.cpr[6:] }} (fiktivt){% endif %}
        {% if identity.cvr %}{{ identity.org_name }}, CVR {{ identity.cvr }}{% endif %}
        {% if identity.municipality %}{{ identity.municipality_name }} Kommune
        ({{ identity.municipality }}){% endif %}</span>
      </button></form></li>
  {% endfor %}
  </ul>
  {% endif %}
{% endfor %}
</main></body></html>"""

LOGGED_OUT_PAGE = _HEAD.format(title="Logget ud") + """
<main><h1>Du er logget ud af testlogin</h1><p lang="en">You are logged out of the test login.</p></main>
</body></html>"""

ERROR_PAGE = _HEAD.format(title="Testlogin – fejl") + """
<main><h1>Testlogin kan ikke gennemføres</h1><p lang="en">{{ message }}</p></main></body></html>"""
