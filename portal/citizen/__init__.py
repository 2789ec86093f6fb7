"""The citizen's face: Mit sygefravær, report sickness, the questionnaire, and the ongoing case
(hours, standby, fast track, conversation, check-ins, recovery)."""
from flask import Flask

from . import ongoing  # noqa: F401  (registers the ongoing case's routes on the blueprint)
from .views import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
