"""`make run`: migrate, seed the demo, start the bundled identity provider and serve the portal.

Everything on loopback. Stops both servers on Ctrl-C. (Bandit B404/B603/B310 are marked below: this
development launcher runs our own commands with fixed arguments and polls our own servers.)"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess  # nosec B404
import sys
import time
import urllib.request


def wait_for(url: str, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=1).close()  # nosec B310
            return
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit(f"{url} did not answer within {seconds} s") from None
            time.sleep(0.2)


def set_up(env: dict) -> None:
    """Migrate, seed the demo, sweep it so the queue is alive, and send what the sweep wrote."""
    for command in ("migrate", "seed-demo", "sweep", "send-outbox"):
        # Messages go to files under instance/outbox/: the Digital Post, NemSMS and paper requests as
        # .xml, the e-mails as .eml, to read in any mail program.
        subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", command], env=env, check=True)  # nosec B603


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--idp-port", type=int, default=5001)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (each loads the app)")
    parser.add_argument("--no-setup", action="store_true",
                        help="serve the database as it is: already migrated, seeded and swept")
    args = parser.parse_args()

    env = dict(os.environ)
    env.setdefault("PORTAL_DEV_IDP", "1")
    issuer = env.setdefault("PORTAL_DEV_IDP_ISSUER", f"http://127.0.0.1:{args.idp_port}")
    env.setdefault("PORTAL_OIDC_ISSUER", issuer)
    env.setdefault("PORTAL_PUBLIC_URL", f"http://127.0.0.1:{args.port}")

    python = sys.executable
    if not args.no_setup:
        set_up(env)

    children = []
    if env["PORTAL_DEV_IDP"] == "1":
        children.append(subprocess.Popen(
            [python, "-m", "portal.devidp", "--host", "127.0.0.1", "--port", str(args.idp_port)], env=env))  # nosec B603
        wait_for(issuer + "/.well-known/openid-configuration")
    children.append(subprocess.Popen(
        [os.path.join(os.path.dirname(python), "gunicorn"), "wsgi:app",
         "--bind", f"127.0.0.1:{args.port}", "--workers", str(args.workers), "--threads", "4",
         "--access-logfile", "-"], env=env))  # nosec B603
    print(f"\n  The portal: http://127.0.0.1:{args.port}    test login: {issuer}\n", flush=True)

    def stop(*_):
        for child in children:
            child.terminate()
        for child in children:
            child.wait(timeout=10)
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while all(child.poll() is None for child in children):
        time.sleep(0.5)
    stop()


if __name__ == "__main__":
    main()
