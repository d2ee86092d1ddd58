"""``make bench-reads``: a whole sandbox run (``make run``) on a fresh warehouse while an analyst
queries the published analyst copy, against the same run with nobody reading.

Each call is one run (so ``farm-bench`` can pair the two: ``--reader`` and without). The analyst
opens a read-only connection, asks a question of the views and closes it, every 0.2 s, from
before the run starts until it ends, and holds a second connection open the whole time; the
copy is the one the earlier run published (the first call publishes it). Prints the run's wall
time and the reader's queries and errors.

``python -m benchmarks.concurrent_reads --loop PATH SECONDS`` is the reader alone.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
QUESTION = "select department, avg(performance_score) from views.quarter_scores group by department"


def reader_loop(path: Path, seconds: float, stop: threading.Event, pause: float = 0.2) -> tuple[int, int]:
    """Queries run and errors met, asking ``QUESTION`` of ``path`` on a new connection each time,
    for ``seconds`` or until ``stop`` is set."""
    queries = errors = 0
    held = duckdb.connect(str(path), read_only=True)
    end = time.monotonic() + seconds
    while time.monotonic() < end and not stop.is_set():
        try:
            with duckdb.connect(str(path), read_only=True) as con:
                con.execute(QUESTION).fetchall()
            queries += 1
        except duckdb.Error as exc:
            errors += 1
            print(f"reader error: {exc}", file=sys.stderr)
        time.sleep(pause)
    held.execute(QUESTION).fetchall()  # the file it opened before the publish still reads
    held.close()
    return queries, errors


def run(reader: bool, copy: Path, employees: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder) / "dagster_home"
        home.mkdir()
        shutil.copy(ROOT / "dagster_home" / "dagster.yaml", home)
        env = {
            **os.environ,
            "PERFPIPE_MODE": "sandbox",
            "WAREHOUSE_PATH": f"{folder}/warehouse.duckdb",
            "ANALYST_WAREHOUSE_PATH": str(copy),
            "HR_WAREHOUSE_PATH": f"{folder}/warehouse_hr.duckdb",
            "DAGSTER_HOME": str(home),
            "SANDBOX_EMPLOYEES": str(employees),
            "AS_OF": "2026-11-01",
        }
        analyst = None
        if reader and copy.exists():
            loop = [sys.executable, "-m", "benchmarks.concurrent_reads", "--loop", str(copy), "3600"]
            analyst = subprocess.Popen(loop, cwd=ROOT, stdout=subprocess.PIPE, text=True)
            time.sleep(1)
        started = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "orchestration.run"], cwd=ROOT, env=env, capture_output=True)
        wall = time.perf_counter() - started
        line = f"run {'with' if analyst else 'without'} a reader: exit {result.returncode}, {wall:.1f} s"
        if analyst:
            analyst.terminate()
            queries, errors = analyst.communicate(timeout=30)[0].split()
            line += f"; reader: {queries} queries, {errors} errors"
        print(line)
        if result.returncode:
            sys.stderr.write(result.stderr.decode()[-3000:])
            sys.exit(result.returncode)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reader", action="store_true", help="query the analyst copy during the run")
    parser.add_argument("--copy", type=Path, default=ROOT / "data" / "bench" / "warehouse_analyst.duckdb")
    parser.add_argument("--employees", type=int, default=500)
    parser.add_argument("--loop", nargs=2, metavar=("PATH", "SECONDS"), help="be the reader alone")
    args = parser.parse_args()
    if args.loop:
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        print(*reader_loop(Path(args.loop[0]), float(args.loop[1]), stop))
        return
    run(args.reader, args.copy.resolve(), args.employees)


if __name__ == "__main__":
    main()
