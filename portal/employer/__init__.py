"""The employer's face (MitID Erhverv): report an employee sick, request fast track, answer the
employer questions, and the list of the company's own reports. virk.dk's theme of DKFDS."""
from flask import Flask

from .views import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
