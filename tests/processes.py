"""The servers a test starts (the portal under gunicorn, identity providers, the Nu HTML Checker)
die with the test run, however it ends.

Each is started in a process group of its own, so that stopping it stops its workers too, and with
Linux's parent-death signal, so that a test run killed without a chance to tear down (SIGKILL, a
crash) still leaves nothing behind: the kernel sends the server SIGTERM when pytest goes."""
from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # runs in the child, between fork and exec
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def start(args: list[str], **popen) -> subprocess.Popen:
    return subprocess.Popen(args, start_new_session=True, preexec_fn=_die_with_parent, **popen)  # noqa: PLW1509


def stop(process: subprocess.Popen, seconds: float = 20, first: int = signal.SIGTERM) -> None:
    """`first` to the whole group (SIGTERM: a clean shutdown; SIGINT: gunicorn's quick one), SIGKILL
    to whatever is left after `seconds`."""
    for sig, wait in ((first, seconds), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue
    # The group may outlive its leader by a moment (gunicorn's workers): kill what is left.
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
