"""The start-up check of ``make run``: a run whose process died never blocks the next one.

``make run`` executes its runs in its own process, with no daemon watching them (``dagster dev``'s
run monitoring covers the runs the daemon launches: ``dagster_home/dagster.yaml``). So each run it
starts carries the process's identity in its tags, and before its first step the next ``make run``
looks at every run still in progress on the instance:

- a run of this machine whose process is gone (killed, crashed, the machine rebooted) is marked
  failed, saying so, and the pool slots it held are freed;
- a run that may still be alive (its process exists, it runs on another host, or the daemon
  launched it) is left alone, and this ``make run`` refuses to start rather than wait on it;
- a finished run still holding pool slots (a worker killed after Dagster marked it failed) has
  them freed.

Two ``make run`` started together would both find nothing in progress, so each holds the
instance's run lock (``sole_make_run``) from before that check to its end; the kernel releases
it when the process dies, so a crash leaves no stale lock behind.

Under the daemon, the ``close_dead_make_runs`` sensor does the same for a ``make run`` killed
while ``make dev`` runs, so the nightly runs never wait on its slot.

The dbt process a run starts dies with it (``orchestration/dbt_child.py``), so nothing of a dead
run is left writing. Manual recovery: ``docs/recovery.md``.
"""

from __future__ import annotations

import fcntl
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
from dagster._core.events import JobFailureData, RunFailureReason

HOST, PID, PROCESS = "perfpipe/host", "perfpipe/pid", "perfpipe/process"
# Runs that may hold a worker or a slot; NOT_STARTED counts only when make run tagged it (it died
# between creating the run and starting it), otherwise it waits on a launcher.
UNFINISHED = [
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.CANCELING,
]


class RunInProgress(RuntimeError):
    """Another run that may be alive is in progress: starting now would only wait on it."""


def process_tags() -> dict[str, str]:
    """Tags naming this process, for the runs it starts."""
    pid = os.getpid()
    return {HOST: socket.gethostname(), PID: str(pid), PROCESS: _identity(pid) or ""}


@contextmanager
def sole_make_run(instance: dg.DagsterInstance) -> Iterator[None]:
    """Hold the instance's run lock while the block runs; raises ``RunInProgress`` naming the
    holder when another ``make run`` holds it."""
    path = Path(instance.root_directory) / "make-run.lock"
    with path.open("a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            raise RunInProgress(
                f"another run is in progress on this Dagster instance: make run, {lock.read().strip()} "
                f"(it holds {path}). Wait for it to finish."
            ) from None
        lock.truncate(0)
        lock.write(f"pid {os.getpid()} on {socket.gethostname()}")
        lock.flush()
        yield


def _identity(pid: int) -> str | None:
    """The boot and the start time of process ``pid`` (None when there is none): a pid reused by
    another process after the run's died, or after a reboot, has another identity."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return None
    return f"{boot}:{stat.rsplit(')', 1)[1].split()[19]}"  # field 22, starttime, after "pid (comm)"


def _is_dead(run: dg.DagsterRun) -> bool:
    """Whether the run's process is known to be gone: only a run tagged on this host (with a
    process identity, which needs Linux's /proc) can tell."""
    tags = run.tags
    if tags.get(HOST) != socket.gethostname() or not tags.get(PID, "").isdigit() or not tags.get(PROCESS):
        return False
    return _identity(int(tags[PID])) != tags.get(PROCESS)


def _describe(run: dg.DagsterRun) -> str:
    tags = run.tags
    where = f"pid {tags[PID]} on {tags[HOST]}" if PID in tags else "launched by the Dagster daemon"
    return f"run {run.run_id} ({run.job_name}, {run.status.value}, {where})"


def close_dead_runs(instance: dg.DagsterInstance, by: str) -> tuple[list[str], list[dg.DagsterRun]]:
    """Fail the dead runs and free the slots no live run holds, saying ``by`` whom: what was done,
    one line each, and the runs in progress that may be alive."""
    done, alive = [], []
    for record in instance.get_run_records(dg.RunsFilter(statuses=UNFINISHED)):
        run = record.dagster_run
        if run.status == dg.DagsterRunStatus.NOT_STARTED and PID not in run.tags:
            continue
        if not _is_dead(run):
            alive.append(run)
            continue
        message = (
            f"The process of this run (pid {run.tags[PID]} on {run.tags[HOST]}) is gone: it was killed or crashed. "
            f"Marked failed by {by}."
        )
        instance.report_run_failed(
            run, message, JobFailureData(error=None, failure_reason=RunFailureReason.UNEXPECTED_TERMINATION)
        )
        done.append(f"{_describe(run)}: its process is gone; marked failed")
    storage = instance.event_log_storage
    if storage.supports_global_concurrency_limits:
        holders = storage.get_concurrency_run_ids()
        for record in instance.get_run_records(dg.RunsFilter(run_ids=list(holders))) if holders else []:
            if record.dagster_run.is_finished:
                storage.free_concurrency_slots_for_run(record.dagster_run.run_id)
                done.append(f"freed the pool slots of {_describe(record.dagster_run)}")
    return done, alive


def recover(instance: dg.DagsterInstance) -> list[str]:
    """The start-up check: fail the dead runs, free the slots no live run holds; what was done.

    Raises ``RunInProgress`` naming the runs that may be alive."""
    done, alive = close_dead_runs(instance, f"the start-up check of make run (pid {os.getpid()})")
    if alive:
        raise RunInProgress(
            "another run is in progress on this Dagster instance: "
            + "; ".join(_describe(run) for run in alive)
            + ". Wait for it to finish, or if it is dead, see docs/recovery.md."
        )
    return done


@dg.sensor(
    name="close_dead_make_runs",
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Under the daemon, mark failed every run of make run on this host whose process is gone "
    "(killed or crashed) and free its pool slots, so the nightly runs never wait on it.",
)
def close_dead_make_runs(context: dg.SensorEvaluationContext):
    done, _ = close_dead_runs(context.instance, "the close_dead_make_runs sensor")
    for line in done:
        context.log.info(line)
    return dg.SkipReason("; ".join(done) or "no run of make run left by a crash")
