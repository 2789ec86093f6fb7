"""Rate limits (Flask-Limiter): the login by address, every form by person.

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


def api_caller() -> str:
    """An API call counts against its token (many municipalities' case systems may share one
    hosting address); a call without one, against its address."""
    authorization = request.headers.get("Authorization", "")
    if authorization:
        return "api:" + hashlib.sha256(authorization.encode()).hexdigest()[:24]
    return address()


def api_limit() -> str:
    return current_app.config["PORTAL_RATELIMIT_API"]


def form_limit() -> str:
    return current_app.config["PORTAL_RATELIMIT_FORMS"]


def login_limit() -> str:
    return current_app.config["PORTAL_RATELIMIT_LOGIN"]


def is_reading() -> bool:
    return request.method in UNLIMITED_METHODS or request.endpoint == "static"


# Every form (any method that changes something) is limited per person and per route; the login
# routes carry a limit of their own by address (portal.auth.oidc).
limiter = Limiter(key_func=person_or_address, default_limits=[form_limit],
                  default_limits_exempt_when=is_reading)


def init_app(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["PORTAL_RATELIMIT_STORAGE_URI"])
    app.config.setdefault("RATELIMIT_ENABLED", app.config["PORTAL_RATELIMIT_ENABLED"])
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "portal")
    limiter.init_app(app)

