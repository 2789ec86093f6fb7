"""Static files: served by WhiteNoise under hashed names, cached for a year, precompressed; pages
compressed on the way out.

`asset('css/portal.css')` gives the hashed URL from static/manifest.json (written by `make assets`);
without a manifest (assets not built) it falls back to the plain name."""
from __future__ import annotations

import json
import os
import re

from flask import Flask, Response, url_for
from flask.globals import _cv_request  # Flask's own request context variable (flask.globals)
from flask_compress import Compress
from jinja2 import pass_context
from whitenoise import WhiteNoise

HASHED = re.compile(r"\.[0-9a-f]{12}\.\w+$")
compress = Compress()


def _headers(headers, _path, _url) -> None:
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Cross-Origin-Resource-Policy"] = "same-origin"


def init_app(app: Flask) -> None:
    manifest_path = os.path.join(app.static_folder, "manifest.json")
    manifest = {}
    if os.path.exists(manifest_path):
        with open(manifest_path, encoding="utf-8") as file:
            manifest = json.load(file)

    built = {}

    def asset(name: str) -> str:
        # Four a page, the same for everyone: built once per script root.
        context = _cv_request.get(None)
        if context is None:
            return url_for("static", filename=manifest.get(name, name))
        key = (context.request.script_root, name)
        found = built.get(key)
        if found is None:
            found = built[key] = url_for("static", filename=manifest.get(name, name))
        return found

    app.jinja_env.globals["asset"] = asset
    # What asset('literal') compiles to (web.DirectLinks); pass_context, or Jinja would fold it into
    # the compiled template with the script root of the first request.
    app.jinja_env.filters["portal_asset"] = pass_context(lambda _template_context, name: asset(name))
    # A hashed name never changes its content: a year, immutable. Other files: an hour, then revalidate.
    app.wsgi_app = WhiteNoise(app.wsgi_app, root=app.static_folder, prefix="static/", max_age=3600,
                              immutable_file_test=lambda _path, url: bool(HASHED.search(url)),
                              add_headers_function=_headers)

    # Pages are compressed only in answer to GET: a POST's answer may echo what was typed next to the
    # CSRF token, the pattern a compression side channel (BREACH) needs.
    app.config.setdefault("COMPRESS_REGISTER", False)
    app.config.setdefault("COMPRESS_MIMETYPES", ["text/html", "application/json"])
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_MIN_SIZE", 500)
    compress.init_app(app)

    @app.after_request
    def _compress(response: Response) -> Response:
        # Not the API: its answers put personal data beside text the caller chose (a case number),
        # and they go between servers, where a few kilobytes do not matter.
        request = _cv_request.get().request  # read once, not through the proxy twice
        if request.method == "GET" and not request.path.startswith("/api/"):
            return compress.after_request(response)
        return response
