"""A test run that is stopped (Ctrl-C, `kill`, CI's time limit, or killed outright) leaves no server
behind that it started: fixtures tear down on SIGTERM as on Ctrl-C, and what a run killed with no
chance to tear down leaves is ended by the kernel (tests/processes.py)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ")[1][0] != "Z"  # a zombie has ended
    except FileNotFoundError:
        return False


def _gone_within(pid: int, seconds: float) -> bool:
    """A bound on a hang, not on speed: a stopped server goes in well under a second."""
    deadline = time.monotonic() + seconds
    while _alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


@pytest.mark.slow
@pytest.mark.parametrize("how, workers", [(signal.SIGTERM, "0"), (signal.SIGINT, "0"), (signal.SIGKILL, "0"),
                                          (signal.SIGTERM, "1")])
def test_a_stopped_run_leaves_no_server_running(tmp_path, how, workers):
    report, output = tmp_path / "report.json", open(tmp_path / "inner-run.log", "wb")
    run = subprocess.Popen([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", workers,
                            "tests/suite/stopped_run.py"],
                           cwd=ROOT, env={**os.environ, "STOPPED_RUN_REPORT": str(report)},
                           stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
                           # As in a terminal: a script's background job inherits SIGINT ignored.
                           preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 180
        while not report.exists() or not report.read_text():
            assert run.poll() is None and time.monotonic() < deadline, "the inner run did not start its server"
            time.sleep(0.2)
        server = json.loads(report.read_text())
        assert _alive(server["pid"])
        if how == signal.SIGINT:  # Ctrl-C: the terminal signals the run's whole process group
            os.killpg(run.pid, how)
        else:  # to pytest's main process only, as make passes it on: under xdist its workers must follow
            run.send_signal(how)
        try:
            run.wait(timeout=300)  # a bound on a hang, not on speed
        except subprocess.TimeoutExpired:
            raise AssertionError(f"the run did not end after {how.name}: "
                                 + (tmp_path / "inner-run.log").read_text()[-3000:]) from None
        assert _gone_within(server["pid"], 60), f"the server the run started is still running after {how.name}"
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
        output.close()
