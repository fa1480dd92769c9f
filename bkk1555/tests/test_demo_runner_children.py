"""The demo runner's children die with it, even when it is killed hard (no orphan on port 8000)."""

import os
import signal
import subprocess
import sys
import time

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux-only")

RUNNER = """
import os, subprocess, sys, time
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bkk1555.settings")
django.setup()
from bkk1555.management.commands.demo import _die_with_parent
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"],
                         start_new_session=True, preexec_fn=_die_with_parent)
print(child.pid, flush=True)
time.sleep(60)
"""


def test_a_child_dies_when_the_runner_is_killed():
    base = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    runner = subprocess.Popen(
        [sys.executable, "-c", RUNNER],
        stdout=subprocess.PIPE,
        text=True,
        cwd=base,
        env={**os.environ, "PYTHONPATH": base},
    )
    child_pid = int(runner.stdout.readline())
    runner.send_signal(signal.SIGKILL)
    runner.wait(5)
    for _ in range(50):
        try:
            os.kill(child_pid, 0)
        except ProcessLookupError:
            return
        # A zombie reaped by init also counts as gone; look at its state.
        try:
            with open(f"/proc/{child_pid}/stat") as f:
                if f.read().split()[2] == "Z":
                    return
        except FileNotFoundError:
            return
        time.sleep(0.1)
    os.kill(child_pid, signal.SIGKILL)
    pytest.fail("the child outlived the runner")
