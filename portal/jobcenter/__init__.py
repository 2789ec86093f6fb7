"""The caseworkers' face: the queue, the case view, conversations and the audit log."""
from flask import Flask

from .views import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
