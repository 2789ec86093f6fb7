"""The provider in a thread on a free loopback port, for tests."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from werkzeug.serving import make_server

from . import create_idp_app

RUNNING: dict = {}  # issuer -> the provider's app, so a test can act as the provider (its key)


@contextmanager
def running_idp(host: str = "127.0.0.1", port: int = 0, alg: str = "RS256",
                iss_parameter: bool = True) -> Iterator[str]:
    server = make_server(host, port, None, threaded=True)
    issuer = f"http://{host}:{server.server_port}"
    server.app = create_idp_app(issuer, alg=alg, iss_parameter=iss_parameter)
    RUNNING[issuer] = server.app
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield issuer
    finally:
        server.shutdown()
        thread.join(timeout=5)
