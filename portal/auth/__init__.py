"""Login over OpenID Connect, roles, access checks and the session's idle timeout."""
from flask import Flask

from . import oidc, session


def init_app(app: Flask) -> None:
    oidc.init_app(app)
    session.init_app(app)
    app.register_blueprint(oidc.bp)
