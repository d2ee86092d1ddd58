"""``make bench-ingest``: wall time and requests per employee-month of the full 12-month ingest.

For each org size, every raw asset is materialised (snapshots, then the 12 monthly partitions
as one backfill run) into a fresh warehouse, against the sandbox either in this process (as
``make demo`` runs it) or as a separate process (as a real vendor would be: its work does not
compete with the connectors for this process's interpreter).
"""

import argparse
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import dagster as dg
import requests
from dagster_dlt import DagsterDltResource

from orchestration.assets.raw import activity_assets, snapshot_assets
from orchestration.partitions import month_key, range_tags
from orchestration.resources import SourceSystems, Warehouse
from orchestration.resources.sandbox import embedded

AS_OF = date(2026, 11, 1)
HISTORY_MONTHS = 12


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _sandbox_process(employees: int, directory: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sandbox",
            "serve",
            "--port",
            str(port),
            "--employees",
            str(employees),
            "--as-of",
            AS_OF.isoformat(),
            "--reviews-dir",
            str(directory / "reviews"),
        ],
        stdout=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    while True:
        try:
            if requests.get(f"{url}/_sandbox/info", timeout=1).ok:
                return process, url
        except requests.ConnectionError:
            if process.poll() is not None:
                raise RuntimeError("the sandbox process exited") from None
            time.sleep(0.5)


def run(employees: int, separate_process: bool) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        started = time.perf_counter()
        if separate_process:
            process, url = _sandbox_process(employees, directory)
        else:
            process, url = None, embedded(42, employees, "default", AS_OF, str(directory / "sandbox"))["url"]
        ready = time.perf_counter()
        resources = {
            "dlt": DagsterDltResource(),
            "warehouse": Warehouse(path=str(directory / "warehouse.duckdb")),
            "source_systems": SourceSystems(mode="sandbox", sandbox_url=url),
        }
        instance = dg.DagsterInstance.ephemeral()
        try:
            ok = dg.materialize(snapshot_assets, resources=resources, instance=instance).success
            ok &= dg.materialize(
                activity_assets,
                resources=resources,
                instance=instance,
                tags=range_tags(month_key(AS_OF, -HISTORY_MONTHS), month_key(AS_OF, -1)),
            ).success
            done = time.perf_counter()
            stats = requests.get(f"{url}/_sandbox/stats", timeout=10).json()["request_counts"]
        finally:
            if process:
                process.terminate()
                process.wait()
    requests_made = sum(stats.values())
    return {
        "employees": employees,
        "sandbox": "separate process" if separate_process else "in-process",
        "ok": ok,
        "sandbox_start_s": round(ready - started, 1),
        "ingest_s": round(done - ready, 1),
        "requests": requests_made,
        "requests_per_employee_month": round(requests_made / (employees * HISTORY_MONTHS), 3),
        "by_source": stats,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--employees", type=int, nargs="+", default=[500, 5000])
    parser.add_argument("--modes", nargs="+", choices=["in-process", "separate"], default=["in-process", "separate"])
    args = parser.parse_args()
    results = [run(n, mode == "separate") for n in args.employees for mode in args.modes]
    print("\nemployees  sandbox            ingest (s)  requests  per employee-month")
    for r in results:
        print(
            f"{r['employees']:>9,}  {r['sandbox']:<17} {r['ingest_s']:>10}  {r['requests']:>8,}  {r['requests_per_employee_month']:>18}"
            f"{'' if r['ok'] else '  FAILED'}"
        )
    for r in results:
        print(f"{r['employees']:,} {r['sandbox']}: {r['by_source']}")


if __name__ == "__main__":
    main()
