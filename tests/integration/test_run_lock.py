"""Two ``make run`` started together: the second refuses at once, naming the first, which the start-up
check alone could not tell (neither has a run in progress yet); a holder killed with SIGKILL leaves no
stale lock behind."""

import os
import subprocess
import sys

import dagster as dg
import pytest

from orchestration.recovery import RunInProgress, sole_make_run

HOLDER = """
import sys, time
import dagster as dg
from orchestration.recovery import sole_make_run
with sole_make_run(dg.DagsterInstance.local_temp(sys.argv[1])):
    print("holding", flush=True)
    time.sleep(600)
"""


def test_a_second_make_run_is_refused_while_one_holds_the_instance_and_a_killed_one_frees_it(tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        instance = dg.DagsterInstance.local_temp(str(tmp_path))
        refused = rf"another run is in progress.*make run, pid {holder.pid} on "
        with pytest.raises(RunInProgress, match=refused), sole_make_run(instance):
            pytest.fail("entered while another make run holds the instance")
    finally:
        holder.kill()
        holder.wait()
    with sole_make_run(instance):
        assert (tmp_path / "make-run.lock").read_text().startswith(f"pid {os.getpid()} on ")
