"""The framework's own limit: the smallest Flask page, served by the same gunicorn settings."""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "<!DOCTYPE html><html lang='da'><title>ok</title><p>ok</p></html>"
