"""``make run`` killed with SIGKILL, as a crash or an out-of-memory kill would: during a raw load and
during the dbt build. Its dbt dies with it, the next run fails the dead run, frees its pool slot and
finishes in its normal time, and the warehouse ends with the rows of an uninterrupted run. A run
started while another is alive refuses at once instead of waiting on it.

The runs use the instance settings of ``dagster_home/dagster.yaml`` (one ``warehouse`` pool slot),
where a dead run's slot used to block every later run forever."""

import functools
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration import recovery

ROOT = Path(__file__).resolve().parents[2]
# Small, but every source, model and page still has rows. The real clock ("today"), as the nightly run.
SETTINGS = {"PERFPIPE_MODE": "sandbox", "SANDBOX_EMPLOYEES": "20", "SANDBOX_SEED": "42"}
TIMEOUT = 900
# When a row was written differs between runs by design: load metadata (its time and window, dlt's
# ids: columns starting with "_"), the HRIS snapshot's validity and the time of the last load.
WRITE_TIMES = {"valid_from", "valid_to", "last_loaded_at"}
FLOATS = {"DOUBLE", "FLOAT", "REAL"}
SANDBOX_URL = r"http://127\.0\.0\.1:[0-9]+"  # the payloads' links name the embedded sandbox's port, new each run


def environment(folder: Path) -> dict[str, str]:
    home = folder / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("PERFPIPE_", "SANDBOX_")) and k != "AS_OF"}
    return environ | SETTINGS | {
        "WAREHOUSE_PATH": str(folder / "data" / "warehouse.duckdb"), "DAGSTER_HOME": str(home),
        "DASHBOARDS_DIR": str(folder / "dashboards"), "SANDBOX_DIR": str(folder / "sandbox"),
    }  # fmt: skip


def make_run(folder: Path) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "orchestration.run"], cwd=ROOT, env=environment(folder),
                            capture_output=True, text=True, timeout=TIMEOUT)  # fmt: skip
    return result, time.monotonic() - started


class Running:
    """A ``make run`` in the background, its output (stdout and stderr) read line by line."""

    def __init__(self, folder: Path):
        self.process = subprocess.Popen([sys.executable, "-m", "orchestration.run"], cwd=ROOT,
                                        env=environment(folder) | {"PYTHONUNBUFFERED": "1"}, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True)  # fmt: skip
        self.lines: queue.Queue[str] = queue.Queue()
        self.output: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line)

    def wait_for(self, text: str, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                line = self.lines.get(timeout=1)
            except queue.Empty:
                continue
            self.output.append(line)
            if text in line:
                return
        pytest.fail(f"make run never printed {text!r}:\n{''.join(self.output[-40:])}")

    def kill(self) -> list[int]:
        """SIGKILL the run process alone; the processes it had started."""
        children = descendants(self.process.pid)
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        return children


def descendants(pid: int) -> list[int]:
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = [], [pid]
    while frontier:
        children = [child for child, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def building(command_line: str) -> bool:
    """Whether a command line is the dbt build of the models (the seed check builds seeds alone)."""
    return " build " in command_line and "dbt" in command_line and "resource_type:seed" not in command_line


def state(folder: Path) -> dict[str, tuple[int, int]]:
    """Per raw and marts table: rows, and a checksum of every row's values (write times left out)."""
    tables = {}
    with duckdb.connect(str(folder / "data" / "warehouse.duckdb"), read_only=True) as con:
        names = con.execute("""
            select table_schema, table_name from information_schema.tables
            where table_schema in ('raw', 'marts') and table_type = 'BASE TABLE' and table_name not like '_dlt%'
            order by 1, 2""").fetchall()
        for schema, table in names:
            columns = [
                # Floating sums are rounded: DuckDB's parallel aggregation may add in another order.
                f"""regexp_replace(cast({f'round("{name}", 9)' if kind in FLOATS else f'"{name}"'} as varchar), """
                f"""'{SANDBOX_URL}', '', 'g')"""
                for name, kind in con.execute(
                    "select column_name, data_type from information_schema.columns "
                    "where table_schema = ? and table_name = ? order by ordinal_position",
                    [schema, table],
                ).fetchall()
                if not name.startswith("_") and name not in WRITE_TIMES
            ]
            rows, checksum = con.execute(
                f"select count(*), coalesce(sum(hash({', '.join(columns)})::hugeint), 0) from {schema}.{table}"
            ).fetchone()
            tables[f"{schema}.{table}"] = (rows, int(checksum))
    return tables


def instance_of(folder: Path) -> dg.DagsterInstance:
    return dg.DagsterInstance.from_config(str(folder / "dagster_home"))


def assert_recovered(folder: Path, killed: Running, children: list[int], baseline) -> None:
    """The killed run's processes are gone, the next run fails it and finishes as usual, and the
    warehouse holds what the uninterrupted run wrote."""
    deadline = time.monotonic() + 2
    while any(alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [command(pid) for pid in children if alive(pid)], "processes of the killed run outlived it"

    result, seconds = make_run(folder)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "its process is gone; marked failed" in result.stdout
    assert seconds < 2 * baseline.seconds + 60, f"the run after the crash took {seconds:.0f} s"
    with instance_of(folder) as instance:
        dead = [r.dagster_run for r in instance.get_run_records() if r.dagster_run.tags.get("perfpipe/pid")
                == str(killed.process.pid)]  # fmt: skip
        assert dead and all(run.is_finished for run in dead)
        assert dg.DagsterRunStatus.FAILURE in {run.status for run in dead}
        assert not instance.event_log_storage.get_concurrency_info("warehouse").claimed_slots
    after, expected = state(folder), baseline.tables
    assert after.keys() == expected.keys()
    differences = {table: (expected[table], after[table]) for table in after if after[table] != expected[table]}
    assert not differences
    print(f"\n{len(after)} tables ({sum(rows for rows, _ in after.values())} rows) equal to the uninterrupted run; "
          f"the run after the crash took {seconds:.0f} s, the uninterrupted one {baseline.seconds:.0f} s")  # fmt: skip


def uninterrupted(folder: Path, copy_to: Path | None = None) -> float:
    """One ``make run`` that nothing interrupts; its seconds. ``copy_to``: where to copy its folder after."""
    result, seconds = make_run(folder)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "==> runs left by a crash\n    none" in result.stdout
    if copy_to:
        shutil.copytree(folder, copy_to, dirs_exist_ok=True)
    return seconds


class Baseline:
    """Two uninterrupted runs on a fresh warehouse (the first loads the 12 whole months before this
    one, the next the month in progress as well, which a run after a crash does too), made in a
    thread while the kill tests start theirs in folders of their own: a run spends much of its time
    waiting on one subprocess or another, and the machine has more than one core. ``first``: a copy
    of the warehouse and instance after the first run; ``seconds``: the slower run's; ``tables``:
    the state after the second."""

    def __init__(self, folder: Path, first: Path):
        self._folder, self._first = folder, first
        self.runs = ThreadPoolExecutor(max_workers=1)  # one after the other
        self._timings = [self.runs.submit(uninterrupted, folder, first), self.runs.submit(uninterrupted, folder)]

    @property
    def first(self) -> Path:
        self._timings[0].result()
        return self._first

    @property
    def seconds(self) -> float:
        return max(timing.result() for timing in self._timings)

    @functools.cached_property
    def tables(self) -> dict[str, tuple[int, int]]:
        for timing in self._timings:
            timing.result()  # both runs done, and passed
        return state(self._folder)


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    baseline = Baseline(tmp_path_factory.mktemp("uninterrupted"), tmp_path_factory.mktemp("first_run"))
    yield baseline
    baseline.runs.shutdown(cancel_futures=True)


@pytest.fixture
def instance(tmp_path):
    """An instance with this project's settings, one run of it holding the warehouse pool's slot."""
    environment(tmp_path)  # writes dagster.yaml
    with instance_of(tmp_path) as instance:
        instance.event_log_storage.set_concurrency_slots("warehouse", 1)
        yield instance


def holding_the_slot(instance: dg.DagsterInstance, tags: dict[str, str]) -> dg.DagsterRun:
    run = instance.add_run(dg.DagsterRun(job_name="refresh_job", status=dg.DagsterRunStatus.STARTED, tags=tags))
    assert instance.event_log_storage.claim_concurrency_slot("warehouse", run.run_id, "dbt_models").is_claimed
    return run


def test_the_start_up_check_fails_a_dead_run_and_frees_its_slot(instance):
    dead = subprocess.Popen(["true"])
    tags = recovery.process_tags() | {recovery.PID: str(dead.pid)}  # this host, a process that has exited
    dead.wait()
    run = holding_the_slot(instance, tags)
    done = recovery.recover(instance)
    assert done == [
        f"run {run.run_id} (refresh_job, STARTED, pid {dead.pid} on {tags[recovery.HOST]}): its process is gone; marked failed",
        f"freed the pool slots of run {run.run_id} (refresh_job, FAILURE, pid {dead.pid} on {tags[recovery.HOST]})",
    ]
    failed = instance.get_run_by_id(run.run_id)
    assert failed.status == dg.DagsterRunStatus.FAILURE
    assert "is gone: it was killed or crashed" in instance.all_logs(run.run_id)[-1].message
    assert not instance.event_log_storage.get_concurrency_info("warehouse").claimed_slots
    assert recovery.recover(instance) == []


def test_under_the_daemon_a_sensor_fails_a_dead_make_run_and_leaves_a_live_one(instance):
    """A make run killed while make dev runs: the close_dead_make_runs sensor fails it and frees its slot,
    so the nightly runs never wait on it; a live run beside it is untouched."""
    dead = subprocess.Popen(["true"])
    dead.wait()
    run = holding_the_slot(instance, recovery.process_tags() | {recovery.PID: str(dead.pid)})
    with subprocess.Popen(["sleep", "60"]) as live:
        alive = instance.add_run(
            dg.DagsterRun(
                job_name="ingest",
                status=dg.DagsterRunStatus.STARTED,
                tags=recovery.process_tags()
                | {recovery.PID: str(live.pid), recovery.PROCESS: recovery._identity(live.pid)},
            )
        )
        skipped = recovery.close_dead_make_runs(dg.build_sensor_context(instance=instance))
        live.kill()
    assert f"run {run.run_id}" in skipped.skip_message and "marked failed" in skipped.skip_message
    assert instance.get_run_by_id(run.run_id).status == dg.DagsterRunStatus.FAILURE
    assert "Marked failed by the close_dead_make_runs sensor" in instance.all_logs(run.run_id)[-1].message
    assert instance.get_run_by_id(alive.run_id).status == dg.DagsterRunStatus.STARTED
    assert not instance.event_log_storage.get_concurrency_info("warehouse").claimed_slots


@pytest.mark.parametrize("where", ["alive here", "pid reused", "another host", "launched by the daemon"])
def test_the_start_up_check_never_fails_a_run_that_may_be_alive_and_refuses_to_wait_on_it(instance, where):
    with subprocess.Popen(["sleep", "60"]) as live:
        tags = recovery.process_tags() | {recovery.PID: str(live.pid), recovery.PROCESS: recovery._identity(live.pid)}
        if where == "pid reused":  # the run's process is gone, another one has its pid: dead
            tags[recovery.PROCESS] = "another boot:1"
        elif where == "another host":
            tags |= {recovery.HOST: "elsewhere", recovery.PROCESS: "x"}
        elif where == "launched by the daemon":
            tags = {}
        run = holding_the_slot(instance, tags)
        if where == "pid reused":
            assert "marked failed" in recovery.recover(instance)[0]
        else:
            with pytest.raises(recovery.RunInProgress, match=f"another run is in progress.*run {run.run_id}"):
                recovery.recover(instance)
            assert instance.get_run_by_id(run.run_id).status == dg.DagsterRunStatus.STARTED
            assert instance.event_log_storage.get_concurrency_info("warehouse").claimed_slots
        live.kill()


def test_a_run_killed_during_a_raw_load_blocks_nothing_and_leaves_no_partial_load(baseline, tmp_path):
    killed = Running(tmp_path)
    killed.wait_for("==> activity")
    killed.wait_for("salesforce: loading")  # github, jira and pagerduty are loaded, salesforce is being loaded
    time.sleep(0.5)
    children = killed.kill()
    # The rerun loads the 12 months and the month in progress in one window, the uninterrupted runs in
    # two: the marts are equal all the same, the months measured coming from the load ledger (meta.loads),
    # whatever the windows and although the sandbox's month in progress has no rows.
    assert_recovered(tmp_path, killed, children, baseline)


def test_a_run_killed_during_the_dbt_build_takes_dbt_with_it_and_a_live_run_is_never_waited_on(baseline, tmp_path):
    # The next nightly run after the first uninterrupted one.
    shutil.copytree(baseline.first, tmp_path, dirs_exist_ok=True)
    killed = Running(tmp_path)
    killed.wait_for("==> runs left by a crash")  # it holds the instance: a second make run is refused at once

    started = time.monotonic()
    refused, _ = make_run(tmp_path)
    assert refused.returncode == 3 and time.monotonic() - started < 120, refused.stdout + refused.stderr
    assert "another run is in progress" in refused.stderr and f"pid {killed.process.pid}" in refused.stderr
    assert killed.process.poll() is None, "the live run was disturbed"

    # Killed while the build writes: its dbt (not the seed check's) is running and has started a model.
    dbt = []
    while not dbt and killed.process.poll() is None:
        time.sleep(0.05)
        dbt = [pid for pid in descendants(killed.process.pid) if building(command(pid))]
    assert dbt, "the run ended with no dbt build seen under it"
    killed.wait_for("START sql")
    children = killed.kill()
    assert set(dbt) <= set(children)
    assert_recovered(tmp_path, killed, children, baseline)
