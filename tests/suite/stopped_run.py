"""Not collected by itself (its name is not test_*): tests/suite/test_clean_stop.py runs it as a test
run of its own and stops that run from outside, as Ctrl-C, `kill` or CI's limit would."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from tests import processes
from tests.conftest import free_port, wait_until_answering


@pytest.fixture
def server():
    port = free_port()
    process = processes.start([sys.executable, "-m", "portal.devidp", "--host", "127.0.0.1", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_until_answering(f"http://127.0.0.1:{port}/.well-known/openid-configuration", 120)
        yield process.pid, port
    finally:
        processes.stop(process)


def test_waits_to_be_stopped(server):
    pid, port = server
    with open(os.environ["STOPPED_RUN_REPORT"], "w") as report:
        json.dump({"pid": pid, "port": port}, report)
    time.sleep(600)
