#!/usr/bin/env python3
"""The dbt executable the runs use: the real dbt, tied to the life of the run process that started it.

Run as a program (DbtCliResource's ``dbt_executable`` is this file), it asks the kernel to SIGKILL
it when its parent dies (Linux ``prctl(PR_SET_PDEATHSIG)``, kept across ``exec``), then becomes
the real dbt in the same process. So a run killed even with SIGKILL, which runs no clean-up of its
own, takes its dbt with it at once: no dbt keeps writing the warehouse (or holding DuckDB's one
writer lock) behind a run marked failed. A process group would need someone to kill it later (the
next run, maybe hours later); dagster-dbt offers no hook into its ``Popen``, hence a wrapper.

Standard library only: it may run under any ``python3``. The real dbt is ``PERFPIPE_DBT``, which
``dbt_executable()`` sets to the dbt beside the run's interpreter unless the environment sets it.
"""

import ctypes
import os
import signal
import sys
from pathlib import Path

PR_SET_PDEATHSIG = 1


def dbt_executable() -> str:
    """The path to give DbtCliResource (this file), with the real dbt recorded for the child."""
    os.environ.setdefault("PERFPIPE_DBT", str(Path(sys.executable).parent / "dbt"))
    return str(Path(__file__).resolve())


def main() -> None:
    parent = os.getppid()
    if ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL) != 0:
        sys.exit(f"dbt_child: prctl(PR_SET_PDEATHSIG) failed: {os.strerror(ctypes.get_errno())}")
    if os.getppid() != parent:  # the run died before the request took effect
        sys.exit(1)
    real = os.environ.get("PERFPIPE_DBT")
    if not real:
        sys.exit("dbt_child: PERFPIPE_DBT (the real dbt executable) is not set")
    os.execv(real, [real, *sys.argv[1:]])


if __name__ == "__main__":
    main()
