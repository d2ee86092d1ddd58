"""``make demo``: load the whole history of the sandbox org (or the live sources) into DuckDB,
build the dbt models on it, run the decision analytics and publish the dashboards.

Runs against the Dagster instance in ``DAGSTER_HOME``, so the runs show up in ``make dev``.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import dagster as dg
import pandas as pd
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG
from scipy.stats import spearmanr

from .assets.analytics import analytics_assets
from .assets.dashboards import dashboard_site, dashboards_dir
from .assets.dbt import dbt_models
from .assets.raw import activity_assets, snapshot_assets
from .definitions import RESOURCES
from .resources import first_of_this_month

HISTORY_MONTHS = 12


def history_partitions(as_of: date, months: int = HISTORY_MONTHS) -> tuple[str, str]:
    """The first and last monthly partition keys of the ``months`` whole months before ``as_of``."""
    end = as_of.replace(day=1)
    index = end.year * 12 + end.month - 1
    first, last = index - months, index - 1
    return (f"{first // 12:04d}-{first % 12 + 1:02d}-01", f"{last // 12:04d}-{last % 12 + 1:02d}-01")


def row_counts(warehouse) -> list[tuple[str, int]]:
    with warehouse.connect() as con:
        tables = con.execute(
            "select table_name from information_schema.tables "
            "where table_schema = 'raw' and table_name not like '\\_dlt%' escape '\\' order by 1"
        ).fetchall()
        return [(t, con.execute(f'select count(*) from raw."{t}"').fetchone()[0]) for (t,) in tables]


def summary(warehouse) -> list[str]:
    """The data-driven rating bands of the latest review cycle, and unmatched accounts per source."""
    with warehouse.connect() as con:
        bands = con.execute(
            "select rating_band, count(*), round(100.0 * count(*) / sum(count(*)) over (), 1) "
            "from marts.fct_performance_scores where period_type = 'quarter' "
            "and period_start = (select max(quarter_start) from marts.fct_manager_ratings) "
            "group by 1 order by min(band_rank) desc"
        ).fetchall()
        unmatched = con.execute(
            "select source, count(*) from marts.rpt_unmatched_accounts group by 1 order by 1"
        ).fetchall()
    lines = [f"    {band:<12} {count:>6,}  {share:>5}%" for band, count, share in bands]
    lines.append("    unmatched accounts: " + (", ".join(f"{s} {n}" for s, n in unmatched) or "none"))
    return lines


def analytics_summary(warehouse, ground_truth: Path) -> list[str]:
    """Key figures of the analytics tables; on the sandbox, how close ratings are to the latent truth."""
    with warehouse.connect() as con:
        c = con.execute("select * from analytics.calibration_summary order by cycle desc limit 1").df().iloc[0]
        pools = con.execute("select department, used_pct from analytics.merit_pools order by 1").fetchall()
        models = con.execute("select model, auc, brier from analytics.early_signal_models order by 1").fetchall()
        status = con.execute("select overall_status, at_risk from analytics.process_health_overall "
                             "order by cycle desc limit 1").fetchone()
        lines = [
            f"    calibration {c.cycle}: {c.changes} suggested changes, {c.outliers} outliers; inflation "
            f"{c.inflation_before:+.1f}% -> {c.inflation_after:+.1f}%, variance {c.variance_before:.1f}% -> "
            f"{c.variance_after:.1f}%",
            "    merit budget used: " + ", ".join(f"{d} {u:.2f}%" for d, u in pools),
            "    early signals (held-out): " + ", ".join(f"{m} AUC {a:.2f} Brier {b:.3f}" for m, a, b in models),
            f"    process health: {status[0]} ({status[1]} metrics at risk)",
        ]
        ratings = con.execute("select employee_id, submitted_rank, suggested_rank from analytics.calibrated_ratings "
                              "where cycle = ? and suggested_rank is not null", [c.cycle]).df()
    if ground_truth.exists():
        truth = pd.read_csv(ground_truth, dtype={"employee_id": str}).merge(ratings, on="employee_id")
        before, after = (spearmanr(truth["true_performance"], truth[f"{stage}_rank"]).statistic
                         for stage in ("submitted", "suggested"))
        lines.append(f"    rank correlation with the sandbox's latent performance ({len(truth)} people): "
                     f"submitted ratings {before:.3f}, calibrated {after:.3f}")
    return lines


def main() -> int:
    systems, warehouse = RESOURCES["source_systems"], RESOURCES["warehouse"]
    as_of = date.fromisoformat(systems.sandbox_as_of) if systems.sandbox_as_of else first_of_this_month()
    first, last = history_partitions(as_of)
    instance = dg.DagsterInstance.get()
    print(f"==> loading snapshots (HRIS, review exports), then activity {first[:7]} .. {last[:7]}", flush=True)
    results = [
        dg.materialize(snapshot_assets, instance=instance, resources=RESOURCES, raise_on_error=False),
        dg.materialize(
            activity_assets,
            instance=instance,
            resources=RESOURCES,
            tags={ASSET_PARTITION_RANGE_START_TAG: first, ASSET_PARTITION_RANGE_END_TAG: last},
            raise_on_error=False,
        ),
    ]
    print("==> building the dbt models (staging, intermediate, marts) and running their tests", flush=True)
    results.append(dg.materialize([dbt_models], instance=instance, resources=RESOURCES, raise_on_error=False))
    print("==> decision analytics (calibration, merit, promotion, early signals, process health)", flush=True)
    results.append(dg.materialize(analytics_assets, instance=instance, resources=RESOURCES, raise_on_error=False))
    print("==> dashboards", flush=True)
    results.append(dg.materialize([dashboard_site], instance=instance, resources=RESOURCES, raise_on_error=False))
    print("\n==> raw tables")
    for table, count in row_counts(warehouse):
        print(f"    raw.{table:<32} {count:>9,}")
    failed = [event.step_key for r in results for event in r.all_events if event.is_step_failure]
    if "dbt_models" not in failed:
        print("\n==> data-driven rating bands, latest review cycle (marts.fct_performance_scores)")
        print("\n".join(summary(warehouse)))
    if not failed:
        print("\n==> decision analytics, latest review cycle (schema analytics)")
        print("\n".join(analytics_summary(warehouse, Path(systems.sandbox_dir) / "ground_truth.csv")))
    print(f"\nwarehouse: {Path(warehouse.path).resolve()}")
    print(f"dashboards: {dashboards_dir(warehouse) / 'index.html'}")
    if failed:
        print(f"FAILED steps: {', '.join(failed)} (see the log above)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
