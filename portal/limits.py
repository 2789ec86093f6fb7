"""Rate limits (Flask-Limiter): the login by browser and (generously) by address, every form by
person, the API by client and its refused calls by address.

Counters live in Redis in production, so every instance behind the load balancer counts the same
requests; on a laptop they live in memory. If Redis is away the limiter falls back to memory
rather than refusing citizens."""
from __future__ import annotations

import hashlib

from flask import Flask, current_app, request, session
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

# Reading is never limited: a sick citizen reloading a page must not be locked out.
UNLIMITED_METHODS = ("GET", "HEAD", "OPTIONS")


def person_or_address() -> str:
    """A logged-in person is counted as themself (many share one office address), others by
    address. The subject is hashed so no identifier of a person sits in Redis."""
    user = session.get("user")
    if user:
        digest = hashlib.sha256(f"{user['role']}:{user['subject']}".encode()).hexdigest()[:24]
        return f"person:{digest}"
    return f"address:{get_remote_address()}"


def address() -> str:
    return f"address:{get_remote_address()}"


# Which client a token belongs to, learnt when a token was accepted (portal.api.oauth). Only
# sha256 digests of tokens are kept; a forgotten entry just counts one call under the token.
_CLIENT_OF_TOKEN: dict[str, int] = {}
_REMEMBERED = 10_000


def remember_client(authorization: str, client_id: int) -> None:
    if len(_CLIENT_OF_TOKEN) >= _REMEMBERED:
        _CLIENT_OF_TOKEN.clear()
    _CLIENT_OF_TOKEN[hashlib.sha256(authorization.encode()).hexdigest()] = client_id


def api_caller() -> str:
    """An API call counts against its client (a municipality's case system), whichever of its tokens
    it uses; a token not yet seen counts as itself until the validator has placed it."""
    authorization = request.headers.get("Authorization", "")
    if authorization:
        digest = hashlib.sha256(authorization.encode()).hexdigest()
        client = _CLIENT_OF_TOKEN.get(digest)
        return f"api-client:{client}" if client is not None else "api-token:" + digest[:24]
    return address()


def refused_api_call(response) -> bool:
    """A call refused for its token: counted against the address, so a stream of made-up tokens
    stops at the limit instead of costing a database look-up each."""
    return response.status_code == 401


def api_refused_limit() -> str:
    return current_app.config["PORTAL_RATELIMIT_API_REFUSED"]


def browser() -> str:
    """One browser: its session cookie (hashed), or its address before it has one."""
    token = request.cookies.get(current_app.config["SESSION_COOKIE_NAME"])
    if token:
        return "browser:" + hashlib.sha256(token.encode()).hexdigest()[:24]
    return address()


def login_address_limit() -> str:
    return current_app.config["PORTAL_RATELIMIT_LOGIN_ADDRESS"]


def api_limit() -> str:
    return current_app.config["PORTAL_RATELIMIT_API"]


def form_limit() -> str:
    """Caseworkers working a queue send many forms a minute (claims, bookings): their own limit."""
    user = session.get("user") or {}
    if user.get("role") == "caseworker":
        return current_app.config["PORTAL_RATELIMIT_CASEWORKER_FORMS"]
    return current_app.config["PORTAL_RATELIMIT_FORMS"]


def login_limit() -> str:
    return current_app.config["PORTAL_RATELIMIT_LOGIN"]


def is_reading() -> bool:
    return request.method in UNLIMITED_METHODS or request.endpoint == "static"


# The blueprints whose reading routes carry limits of their own: the login and its callback
# (portal.auth.oidc) and every API call (portal.api.views). tests/web/test_security.py checks no
# other blueprint has a limited route.
READING_LIMITED_BLUEPRINTS = frozenset({"auth", "api"})


def is_unlimited_reading() -> bool:
    """A page read outside those blueprints has no limit to count, so the limiter is skipped
    before it resolves the route's limits (a tenth of an empty page's CPU here)."""
    return request.method in UNLIMITED_METHODS and request.blueprint not in READING_LIMITED_BLUEPRINTS


# Every form (any method that changes something) is limited per person and per route; the login
# routes carry a limit of their own by address (portal.auth.oidc).
limiter = Limiter(key_func=person_or_address, default_limits=[form_limit],
                  default_limits_exempt_when=is_reading)
limiter.request_filter(is_unlimited_reading)


def init_app(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["PORTAL_RATELIMIT_STORAGE_URI"])
    app.config.setdefault("RATELIMIT_ENABLED", app.config["PORTAL_RATELIMIT_ENABLED"])
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "portal")
    limiter.init_app(app)

