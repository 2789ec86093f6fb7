"""OAuth 2 client credentials for the municipalities' case systems (Authlib).

The portal is its own authorisation server for this one grant: a municipality registers its case
system once (`flask api-client add`), gets a client id and a secret, and exchanges them at
/api/v1/oauth/token for an access token that lives an hour. The resource protector checks the
token and its scopes on every call. A client belongs to one municipality and the API never lets it
see another's cases."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import NamedTuple

from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector
from authlib.integrations.flask_oauth2.signals import token_authenticated
from authlib.oauth2.rfc6749 import ClientMixin, InvalidScopeError, TokenMixin
from authlib.oauth2.rfc6749.grants import ClientCredentialsGrant
from authlib.oauth2.rfc6750 import BearerTokenValidator
from flask import Flask, abort, g, request
from sqlalchemy import bindparam
from sqlalchemy import select as sa_select
from sqlmodel import Session, select
from werkzeug.security import check_password_hash, generate_password_hash

from .. import driver_statement
from ..db import get_session
from ..limits import remember_client
from ..models import ApiClient, ApiToken, AuditEntry, utcnow
from .connection import api_connection
from .problems import problem

SCOPES = {
    "handovers:read": "List the municipality's handovers (no personal data).",
    "cases:read": "Read a handover's case package: CPR number, name, the questionnaire's health answers.",
    "handovers:write": "Acknowledge pick-up and report a conversation's outcome.",
}
TOKEN_SECONDS = 3600


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class RegisteredClient(ClientMixin):
    """Authlib's view of a registered case system: confidential, client credentials only."""

    def __init__(self, row: ApiClient):
        self.row = row

    def get_client_id(self) -> str:
        return self.row.client_id

    def get_default_redirect_uri(self) -> None:
        return None

    def get_allowed_scope(self, scope: str | None) -> str:
        allowed = self.row.scope.split()
        if not scope:
            return " ".join(allowed)
        return " ".join(s for s in scope.split() if s in allowed)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return False

    def check_client_secret(self, client_secret: str) -> bool:
        return check_password_hash(self.row.secret_hash, client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return endpoint == "token" and method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return False

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "client_credentials"


class IssuedToken(TokenMixin):
    """A stored token and its client, as read by StoredTokenValidator: plain rows with the columns the
    checks need (the token's client_id, scope, issued_at, expires_in and revoked; the client's id,
    client_id, name, municipality_code, scope and revoked_at), not ORM entities."""

    def __init__(self, row, client):
        self.row, self.client = row, client

    def check_client(self, client: RegisteredClient) -> bool:
        return client.row.id == self.row.client_id

    def get_scope(self) -> str:
        return self.row.scope

    def get_expires_in(self) -> int:
        return self.row.expires_in

    def is_expired(self) -> bool:
        return self.row.issued_at + timedelta(seconds=self.row.expires_in) <= utcnow()

    def is_revoked(self) -> bool:
        return self.row.revoked or self.client.revoked_at is not None

    def get_client(self) -> RegisteredClient:
        return RegisteredClient(self.client)  # no secret_hash: a token's client is never asked for its secret

    def get_user(self) -> None:
        return None


class _TokenRow(NamedTuple):
    client_id: int
    scope: str
    issued_at: datetime
    expires_in: int
    revoked: bool


class _ClientRow(NamedTuple):
    """What an API call needs of its client (g.api_client): the audit row, the municipality, the limits."""
    id: int
    client_id: str
    name: str
    municipality_code: str
    scope: str
    revoked_at: datetime | None


_TOKEN, _CLIENT = ApiToken.__table__, ApiClient.__table__
# Every API call's first statement, built once: the columns only (Core), no ORM entities to build.
_TOKEN_AND_CLIENT = (
    sa_select(*(_TOKEN.c[name] for name in _TokenRow._fields),
              *(_CLIENT.c[name].label(f"c_{name}") for name in _ClientRow._fields))
    .select_from(_TOKEN.join(_CLIENT, _CLIENT.c.id == _TOKEN.c.client_id))
    .where(_TOKEN.c.token_hash == bindparam("token_hash")))
_TOKEN_COLUMNS = len(_TokenRow._fields)


class StoredTokenValidator(BearerTokenValidator):
    def authenticate_token(self, token_string: str) -> IssuedToken | None:
        # On the call's own connection (api_connection), which its reads and its audit row use too.
        rows = driver_statement.fetch_all(api_connection(), _TOKEN_AND_CLIENT, {"token_hash": token_hash(token_string)})
        if not rows:
            return None
        row = rows[0]
        token, client = _TokenRow._make(row[:_TOKEN_COLUMNS]), _ClientRow._make(row[_TOKEN_COLUMNS:])
        # Known from here on, even if the scope then falls short: the call is audited in its name.
        g.api_client = client
        remember_client(request.headers.get("Authorization", ""), client.id)
        return IssuedToken(token, client)


def _query_client(client_id: str) -> RegisteredClient | None:
    row = get_session().exec(select(ApiClient).where(ApiClient.client_id == client_id,
                                                     ApiClient.revoked_at.is_(None))).first()
    return RegisteredClient(row) if row else None


def _save_token(token: dict, request) -> None:
    db = get_session()
    client = request.client.row
    db.add(ApiToken(token_hash=token_hash(token["access_token"]), client_id=client.id,
                    scope=token.get("scope", ""), expires_in=token["expires_in"]))
    db.add(AuditEntry(actor=f"api:{client.client_id}", actor_name=client.name,
                      municipality_code=client.municipality_code, action="api_token_issued",
                      detail=f"scope {token.get('scope', '')}"[:200]))
    db.commit()


class _BearerRequest:
    """What the bearer token's checks read of the request: its headers. Authlib's own request object
    (FlaskJsonRequest) also built the request's full URL on every call, a few per cent of a list call's
    CPU; the method and the URL are still there for a check that asks."""

    __slots__ = ("_request",)

    def __init__(self, request):
        self._request = request

    @property
    def headers(self):
        return self._request.headers

    @property
    def method(self):
        return self._request.method

    @property
    def uri(self):
        return self._request.url


class ProblemResourceProtector(ResourceProtector):
    """Authlib's checks, answered as problem details (with the WWW-Authenticate header RFC 6750 asks for)."""

    def acquire_token(self, scopes=None, **kwargs):
        """Authlib's acquire_token (flask_oauth2.ResourceProtector), with the lighter request object."""
        kwargs["scopes"] = scopes
        for claim in kwargs:
            if isinstance(kwargs[claim], str):
                kwargs[claim] = [kwargs[claim]]
        token = self.validate_request(request=_BearerRequest(request), **kwargs)
        token_authenticated.send(self, token=token)
        g.authlib_server_oauth2_token = token
        return token

    def raise_error_response(self, error):
        if error.error == "insufficient_scope":
            kind, detail = "insufficient-scope", ("The client is not registered for the scope this call needs "
                                                  "(see the call's security in /api/v1/openapi.json).")
        elif error.error == "missing_authorization":
            kind, detail = "invalid-token", ("Send an access token from /api/v1/oauth/token in the header "
                                             "Authorization: Bearer <token>.")
        else:
            kind, detail = "invalid-token", "The access token is unknown, expired or revoked: get a new one."
        headers = {name: value for name, value in error.get_headers() if name.lower() == "www-authenticate"}
        if error.error == "insufficient_scope":  # RFC 6750 § 3.1: say which error, and the scope needed
            needed = " ".join(getattr(error, "scopes", None) or [])
            headers["WWW-Authenticate"] = 'Bearer realm="api", error="insufficient_scope"' + (
                f', scope="{needed}"' if needed else "")
        headers.setdefault("WWW-Authenticate", 'Bearer realm="api"')
        abort(problem(error.status_code, kind, detail, headers))


class CaseSystemGrant(ClientCredentialsGrant):
    # The secret in the Authorization header (preferred) or in the form, as many client libraries send it.
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

    def validate_requested_scope(self):
        """A scope the client is not registered for is refused (RFC 6749 § 5.2, invalid_scope), not
        quietly left out: a 200 token without it only fails later, at the call that needs it."""
        super().validate_requested_scope()  # unknown to the server at all
        registered = set(self.request.client.row.scope.split())
        lacking = [s for s in (self.request.payload.scope or "").split() if s not in registered]
        if lacking:
            raise InvalidScopeError(f"The client is not registered for: {' '.join(lacking)}")


def audit_refused_token(status: int) -> None:
    """A refused token request naming a registered client (a wrong or old secret, say) goes into that
    municipality's audit log: someone may be trying its case system's identity."""
    credentials = request.authorization
    client_id = (credentials.username if credentials and credentials.type == "basic" else None) \
        or request.form.get("client_id")
    if not client_id or len(client_id) > 64:
        return
    db = get_session()
    db.rollback()
    client = db.exec(select(ApiClient).where(ApiClient.client_id == client_id)).first()
    if client is not None:
        db.add(AuditEntry(actor=f"api:{client.client_id}", actor_name=client.name,
                          municipality_code=client.municipality_code, action="api_token_refused",
                          detail=f"POST {request.path} {status}"))
        db.commit()


require_token = ProblemResourceProtector()
require_token.register_token_validator(StoredTokenValidator(realm="api"))


def init_app(app: Flask) -> AuthorizationServer:
    app.config.setdefault("OAUTH2_TOKEN_EXPIRES_IN", {"client_credentials": TOKEN_SECONDS})
    app.config.setdefault("OAUTH2_SCOPES_SUPPORTED", list(SCOPES))
    server = AuthorizationServer(app, query_client=_query_client, save_token=_save_token)
    server.register_grant(CaseSystemGrant)
    app.extensions["portal.oauth_server"] = server
    return server


def register_client(db: Session, name: str, municipality: str, scope: str | None = None) -> tuple[ApiClient, str]:
    """A new client for a municipality's case system. The secret is returned once and only its
    hash is kept: lost, it cannot be shown again, only replaced by a new client."""
    wanted = (scope or " ".join(SCOPES)).split()
    unknown = [s for s in wanted if s not in SCOPES]
    if unknown:
        raise ValueError(f"unknown scope: {' '.join(unknown)}")
    secret = secrets.token_urlsafe(32)
    client = ApiClient(client_id=f"{municipality}-{secrets.token_hex(8)}", name=name, municipality_code=municipality,
                       secret_hash=generate_password_hash(secret), scope=" ".join(wanted))
    db.add(client)
    db.commit()
    db.refresh(client)
    return client, secret


def revoke_client(db: Session, client_id: str) -> bool:
    client = db.exec(select(ApiClient).where(ApiClient.client_id == client_id)).first()
    if client is None or client.revoked_at is not None:
        return False
    client.revoked_at = utcnow()
    for token in db.exec(select(ApiToken).where(ApiToken.client_id == client.id, ApiToken.revoked.is_(False))):
        token.revoked = True
        db.add(token)
    db.add(client)
    db.commit()
    return True


def purge_expired_tokens(db: Session, older_than: timedelta = timedelta(days=1)) -> int:
    """Tokens an hour old are useless; the rows go after a day (the audit log keeps who got one)."""
    from sqlalchemy import delete

    cutoff = utcnow() - older_than - timedelta(seconds=TOKEN_SECONDS)
    return db.exec(delete(ApiToken).where(ApiToken.issued_at < cutoff)).rowcount
