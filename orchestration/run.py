"""``make run``: one whole pipeline run outside the UI, in the mode ``PERFPIPE_MODE`` says
(``make demo`` is this in sandbox mode).

Settings are checked before anything is opened. On a fresh warehouse the run loads the 12 whole
months before this one (``AS_OF`` sets "today"), on later runs the months not yet completely
loaded plus the current one; then the snapshots, the dbt build, the analytics and the
dashboards (skipped when the dbt build failed: the last good results are kept; ``ALLOW_SHRINK``
lets the snapshots of this run shrink, docs/bad-input.md), and when all of them succeeded the
analyst and HR copies. It runs against the Dagster instance in ``DAGSTER_HOME``, so its runs show in
``make dev``. Exit code 0 only when every step succeeded.
"""

from __future__ import annotations

import os
import sys
from contextlib import ExitStack

import dagster as dg

from sources import ACTIVITY_SOURCES
from sources.settings import SourceConfigError
from sources.snapshots import ALLOW_TAG

from .assets import analytics_assets
from .assets.copies import warehouse_copies
from .assets.dashboards import dashboard_site, dashboards_dir
from .assets.dbt import dbt_models
from .assets.raw import activity_assets, snapshot_assets
from .checks import activity_checks, analytics_checks, snapshot_checks
from .definitions import RESOURCES
from .partitions import months_to_load, range_tags
from .recovery import RunInProgress, process_tags, recover, sole_make_run
from .resources import WarehouseModeError, today
from .summary import summary


def main() -> int:
    systems, warehouse = RESOURCES["source_systems"], RESOURCES["warehouse"]
    with ExitStack() as held:
        try:
            print(f"==> mode {systems.mode}; checking the sources in use", flush=True)
            for line in systems.check():
                print(f"    {line}")
            for line in systems.warnings():
                print(f"    warning: {line}")
            instance = dg.DagsterInstance.get()
            held.enter_context(sole_make_run(instance))
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
        return _run(systems, warehouse, instance)


def _run(systems, warehouse, instance: dg.DagsterInstance) -> int:
    in_use = [m.Settings.SOURCE for m in ACTIVITY_SOURCES if m.Settings.SOURCE in systems.in_use()]
    first, last = months_to_load(warehouse.loads(), in_use, today())
    # ALLOW_SHRINK=bamboohr,reviews (or all): this run may load snapshots that are empty or shrank.
    allow = {ALLOW_TAG: os.environ["ALLOW_SHRINK"]} if os.environ.get("ALLOW_SHRINK") else {}
    steps = [
        ("snapshots (HRIS, review exports)", [*snapshot_assets, *snapshot_checks], allow),
        (f"activity {first[:7]} .. {last[:7]}", [*activity_assets, *activity_checks], range_tags(first, last)),
        ("the dbt models (staging, intermediate, marts) and their tests", [dbt_models], {}),
        (
            "decision analytics (calibration, merit, promotion, early signals, process health)",
            [*analytics_assets, *analytics_checks],
            {},
        ),
        ("dashboards", [dashboard_site], {}),
    ]
    results, stopped = [], False
    for title, assets, tags in steps:
        if stopped:  # nothing runs on a failed build or failed analytics: what follows stays as last built
            print(f"==> {title}: skipped, an earlier step failed; the last good results are kept", flush=True)
            continue
        print(f"==> {title}", flush=True)
        tags = tags | process_tags()  # the start-up check of a later run tells a dead run from a live one by them
        results.append(dg.materialize(assets, instance=instance, resources=RESOURCES, tags=tags, raise_on_error=False))
        # A partial load still builds on the last good data; a failed build or analytics step stops here.
        stopped = stopped or (dbt_models in assets or analytics_assets[0] in assets) and not results[-1].success
    # A failed ERROR check fails its step (the checks are blocking); a WARN one (load anomalies) only says so.
    for check in (e for result in results for e in result.get_asset_check_evaluations() if not e.passed):
        print(
            f"check {check.asset_key.to_user_string()} {check.check_name} ({check.severity.value}): {check.description}"
        )
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
