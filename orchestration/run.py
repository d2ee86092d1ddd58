"""``make run``: one whole pipeline run outside the UI, in the mode ``PERFPIPE_MODE`` says
(``make demo`` is this in sandbox mode).

Settings are checked before anything is opened. On a fresh warehouse the run loads the 12 whole
months before this one (``AS_OF`` sets "today"), on later runs the months not yet completely
loaded plus the current one; then the snapshots, the dbt build, the analytics and the
dashboards, and when all of them succeeded the analyst and HR copies. It runs against the Dagster instance in ``DAGSTER_HOME``, so its runs show in
``make dev``. Exit code 0 only when every step succeeded.
"""

from __future__ import annotations

import sys

import dagster as dg

from sources import ACTIVITY_SOURCES
from sources.settings import SourceConfigError

from .assets import analytics_assets
from .assets.copies import warehouse_copies
from .assets.dashboards import dashboard_site, dashboards_dir
from .assets.dbt import dbt_models
from .assets.raw import activity_assets, snapshot_assets
from .definitions import RESOURCES
from .partitions import months_to_load, range_tags
from .recovery import RunInProgress, process_tags, recover
from .resources import WarehouseModeError, today
from .summary import summary


def main() -> int:
    systems, warehouse = RESOURCES["source_systems"], RESOURCES["warehouse"]
    try:
        print(f"==> mode {systems.mode}; checking the sources in use", flush=True)
        for line in systems.check():
            print(f"    {line}")
        for line in systems.warnings():
            print(f"    warning: {line}")
        instance = dg.DagsterInstance.get()
        print("==> runs left by a crash", flush=True)
        for line in recover(instance) or ["none"]:
            print(f"    {line}")
        warehouse.claim(systems.mode)
    except (SourceConfigError, WarehouseModeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except RunInProgress as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    in_use = [m.Settings.SOURCE for m in ACTIVITY_SOURCES if m.Settings.SOURCE in systems.in_use()]
    first, last = months_to_load(warehouse.loads(), in_use, today())
    steps = [
        ("snapshots (HRIS, review exports)", snapshot_assets, {}),
        (f"activity {first[:7]} .. {last[:7]}", activity_assets, range_tags(first, last)),
        ("the dbt models (staging, intermediate, marts) and their tests", [dbt_models], {}),
        ("decision analytics (calibration, merit, promotion, early signals, process health)", analytics_assets, {}),
        ("dashboards", [dashboard_site], {}),
    ]
    results = []
    for title, assets, tags in steps:
        print(f"==> {title}", flush=True)
        tags |= process_tags()  # the start-up check of a later run tells a dead run from a live one by them
        results.append(dg.materialize(assets, instance=instance, resources=RESOURCES, tags=tags, raise_on_error=False))
    if all(result.success for result in results):
        print("==> the analyst and HR copies of the warehouse", flush=True)
        results.append(
            dg.materialize(
                [warehouse_copies], instance=instance, resources=RESOURCES, tags=process_tags(), raise_on_error=False
            )
        )
    else:
        print("==> the analyst and HR copies stay as last published: this run did not succeed", flush=True)
    print("\n" + "\n".join(summary(warehouse, systems.ground_truth())))
    print(f"\nwarehouse: {warehouse.absolute_path}")
    print(f"dashboards: {dashboards_dir(warehouse) / 'index.html'}")
    print(f"analyst copy: {warehouse.copies.analyst}  (make sql)")
    failed = [event.step_key for result in results for event in result.all_events if event.is_step_failure]
    if failed or not all(result.success for result in results):
        print(f"FAILED steps: {', '.join(failed) or 'see the log above'}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
