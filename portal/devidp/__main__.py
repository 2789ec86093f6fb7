"""python -m portal.devidp [--host 127.0.0.1] [--port 5001]: the test provider on loopback."""
from __future__ import annotations

import argparse
import os

from werkzeug.serving import run_simple

from . import LOOPBACK_HOSTS, create_idp_app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5001)
    args = parser.parse_args()
    if args.host not in LOOPBACK_HOSTS:
        raise SystemExit("the development identity provider serves loopback only")
    issuer = os.environ.get("PORTAL_DEV_IDP_ISSUER", f"http://{args.host}:{args.port}")
    run_simple(args.host, args.port, create_idp_app(issuer), threaded=True)


if __name__ == "__main__":
    main()
