"""``make erase EMPLOYEE=<id>``: remove a person from the warehouse, its copies and the dashboards,
and keep them out of every later load (docs/erasure.md).

The operator is ``ERASED_BY``, else ``$USER``. Steps: add the person's hashed identifiers to the
erasure list (first, so an interrupted erasure is still honoured by the next load); mask or delete
them in raw, the snapshot history, analytics and meta; drop dbt's models; record the erasure in
``meta.erasures``; rebuild dbt, the analytics, every dashboard page and the copies; rewrite the
warehouse file; delete dlt's working folder; mask them in the dashboards server's access log. Nothing personal is printed: only counts per table
and the placeholder.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from datetime import UTC, datetime

import dagster as dg

from dashboards.location import access_log_path

from .assets import analytics_assets
from .assets.copies import warehouse_copies
from .assets.dashboards import dashboard_site
from .assets.dbt import dbt_models
from .erasure import listing, logs
from .erasure import warehouse as erasing
from .erasure.masking import Masker

REBUILT = [dbt_models, *analytics_assets, dashboard_site, warehouse_copies]


@dataclass
class Erasure:
    placeholder: str
    removed: dict[str, dict[str, int]]  # table -> counts
    dropped_models: int
    rebuilt: bool


def operator() -> str:
    return os.environ.get("ERASED_BY") or os.environ.get("USER") or "unknown"


def erase(employee_id: str, erased_by: str, resources: dict, instance: dg.DagsterInstance) -> Erasure:
    """Erase ``employee_id`` from the warehouse of ``resources`` and rebuild what derives from it."""
    warehouse = resources["warehouse"]
    path = listing.list_path(warehouse.data_dir)
    erasures = listing.load(path)
    now = datetime.now(UTC)
    with warehouse.connect(read_only=False) as con:
        person = erasing.find_person(con, employee_id)
        placeholder = erasures.add(employee_id, person.accounts, now)
        listing.save(erasures, path)
        con.begin()
        removed = erasing.erase_raw(con, Masker(erasures))
        dropped = erasing.drop_models(con)
        removed |= erasing.erase_tables(con, person, placeholder)
        erasing.record(con, erasures.digest(employee_id), placeholder, erased_by, now, removed)
        con.commit()
    result = dg.materialize(REBUILT, resources=resources, instance=instance, raise_on_error=False)
    erasing.rewrite(warehouse.data_dir / os.path.basename(warehouse.absolute_path))
    shutil.rmtree(warehouse.data_dir / ".dlt", ignore_errors=True)  # load packages, extracted and normalised files
    removed["access log"] = {"masked": logs.scrub(access_log_path(warehouse.data_dir), person, placeholder)}
    return Erasure(placeholder, removed, len(dropped), result.success)


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not argv[0].strip():
        print(
            "usage: make erase EMPLOYEE=<employee id>   (python -m orchestration.erase <employee id>)", file=sys.stderr
        )
        return 2
    from .definitions import RESOURCES

    try:
        erasure = erase(argv[0].strip(), operator(), RESOURCES, dg.DagsterInstance.get())
    except erasing.UnknownEmployee as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for table, counts in sorted(erasure.removed.items()):
        print(f"    {table}: " + ", ".join(f"{k} {v}" for k, v in counts.items() if v))
    print(
        f"==> erased as {erasure.placeholder}; {erasure.dropped_models} dbt models rebuilt; recorded in {erasing.AUDIT}"
    )
    if not erasure.rebuilt:
        print(
            "error: the rebuild failed (see the run log); the person is gone from raw, run `make run` again",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
