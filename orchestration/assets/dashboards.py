"""The published dashboards: every page built from the warehouse into ``DASHBOARDS_DIR``, and beside it the
access map the server authorises by (``dashboards.access``)."""

import re
from pathlib import Path

import dagster as dg
import duckdb

from dashboards import SiteData, build_site
from dashboards.access import AccessSettings, access_map, write_access_map
from dashboards.location import access_map_path, site_dir

from ..resources import Warehouse
from .analytics_tables import TARGET_SQL, key

TABLE_NAME = re.compile(r"\b(marts|analytics|framework)\.(\w+)")

# SiteData field -> its query. The tables the queries name are the asset's upstream.
TABLES = {
    "employees": "select * from marts.dim_employees",
    "reporting_lines": "select * from marts.dim_reporting_lines",
    "performance": "select * from marts.fct_performance_scores",
    "metric_scores": "select * from marts.fct_metric_scores where period_type = 'quarter'",
    "competencies": "select * from marts.fct_competency_ratings "
    "where cycle = (select max(cycle) from marts.fct_competency_ratings)",
    "comments": "select * from marts.fct_competency_comments",
    "readiness": "select * from analytics.promotion_readiness",
    "succession": "select * from analytics.succession_pipeline",
    "calibrated": "select * from analytics.calibrated_ratings",
    "final_ratings": "select * from analytics.final_ratings",
    "rating_audit": "select * from analytics.rating_audit",
    "calibration_by_manager": "select * from analytics.calibration_by_manager",
    "calibration_by_group": "select * from analytics.calibration_by_group",
    "calibration_outliers": "select * from analytics.calibration_outliers",
    "calibration_fairness": "select * from analytics.calibration_fairness",
    "calibration_summary": "select * from analytics.calibration_summary",
    "merit_plan": "select * from analytics.merit_plan",
    "merit_pools": "select * from analytics.merit_pools",
    "top_signals": "select * from analytics.top_performer_signals",
    "attrition_signals": "select * from analytics.attrition_risk_signals",
    "signal_models": "select * from analytics.early_signal_models",
    "process_health": "select * from analytics.process_health",
    "process_health_overall": "select * from analytics.process_health_overall",
    "unmatched_accounts": "select * from marts.rpt_unmatched_accounts",
    "activity_quarantine": "select source, table_name, reason, count(*) as records, max(loaded_at) as last_loaded_at "
    "from marts.rpt_quarantined_activity group by all",
    "identity_coverage": "select * from marts.rpt_identity_coverage",
    "threshold_fit": "select * from marts.rpt_metric_threshold_fit",
    "target": TARGET_SQL,
    "cycles": "select * from marts.dim_review_cycles",
}
# SiteData field -> (table, query) for the data-health page: the load ledger, the quarantine and the
# anomaly checks' evaluations. A table not written yet leaves the field empty (SiteData's default).
LEDGER = {
    "loads": ("meta.loads", "select source, window_start, window_end, loaded_at from meta.loads"),
    "load_counts": (
        "meta.load_counts",
        "select source, table_name, window_start, window_end, landed, accepted, quarantined, loaded_at "
        "from meta.load_counts",
    ),
    "quarantine_reasons": (
        "raw.quarantine",
        "select source, table_name, reason, count(*) as records, max(loaded_at) as last_loaded_at "
        "from raw.quarantine group by all",
    ),
    "load_anomalies": (
        "meta.load_anomalies",
        "select source, table_name, window_start, measure, value, baseline, ratio, flagged, checked_at "
        "from meta.load_anomalies "
        "qualify row_number() over (partition by source, table_name, window_start, measure order by checked_at desc) = 1",
    ),
}
DEPS = sorted({key(*table) for sql in TABLES.values() for table in TABLE_NAME.findall(sql)})


def site_data(con: duckdb.DuckDBPyConnection) -> SiteData:
    present = {
        f"{s}.{t}" for s, t in con.execute("select table_schema, table_name from information_schema.tables").fetchall()
    }
    ledger = {name: con.execute(sql).df() for name, (table, sql) in LEDGER.items() if table in present}
    return SiteData(**{name: con.execute(sql).df() for name, sql in TABLES.items()}, **ledger)


def dashboards_dir(warehouse: Warehouse) -> Path:
    return site_dir(warehouse.data_dir)


@dg.asset(
    key=["dashboards", "site"],
    group_name="dashboards",
    kinds={"python", "html"},
    owners=["team:people-analytics"],
    deps=DEPS,
    pool="warehouse",
)
def dashboard_site(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """Individual, manager, executive and HR pages as offline HTML with an index."""
    with warehouse.connect() as con:
        data = site_data(con)
    access = access_map(data, AccessSettings.from_env())  # before the swap: a bad map leaves the old site
    site = dashboards_dir(warehouse)
    report = build_site(data, site)
    write_access_map(access, access_map_path(site))
    context.log.info(f"{report.pages} pages written to {report.index}; {len(access['users'])} people may sign in")
    return dg.MaterializeResult(
        metadata={
            "index": dg.MetadataValue.path(str(report.index)),
            "pages": report.pages,
            "largest_individual_page_kb": report.largest_individual_kb,
            "total_mb": report.total_mb,
            "seconds": report.seconds,
            "access_map": dg.MetadataValue.path(str(access_map_path(site))),
            "users": len(access["users"]),
        }
    )
