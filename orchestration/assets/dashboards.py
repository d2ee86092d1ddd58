"""The published dashboards: every page built from the warehouse into ``DASHBOARDS_DIR``."""

import os
from pathlib import Path

import dagster as dg
import duckdb

from dashboards import SiteData, build_site

from ..resources import Warehouse
from .analytics import GROUP as ANALYTICS, TARGET_SQL, analytics_assets

TABLES = {
    "employees": "select * from marts.dim_employees",
    "reporting_lines": "select manager_id, employee_id, distance from intermediate.int_reporting_lines_flattened",
    "performance": "select * from marts.fct_performance_scores",
    "metric_scores": "select * from marts.fct_metric_scores where period_type = 'quarter'",
    "competencies": "select * from marts.fct_competency_ratings "
                    "where cycle = (select max(cycle) from marts.fct_competency_ratings)",
    "comments": "select c.cycle, c.employee_id, c.rater_type, d.competency_name, c.comment "
                "from staging.stg_reviews__competency_ratings as c "
                "join (select distinct competency, competency_name from framework.competency_definitions) as d "
                "using (competency) where c.comment is not null and c.rater_type <> 'self'",
    "readiness": f"select * from {ANALYTICS}.promotion_readiness",
    "succession": f"select * from {ANALYTICS}.succession_pipeline",
    "calibrated": f"select * from {ANALYTICS}.calibrated_ratings",
    "calibration_by_manager": f"select * from {ANALYTICS}.calibration_by_manager",
    "calibration_by_group": f"select * from {ANALYTICS}.calibration_by_group",
    "calibration_outliers": f"select * from {ANALYTICS}.calibration_outliers",
    "calibration_fairness": f"select * from {ANALYTICS}.calibration_fairness",
    "calibration_summary": f"select * from {ANALYTICS}.calibration_summary",
    "merit_plan": f"select * from {ANALYTICS}.merit_plan",
    "merit_pools": f"select * from {ANALYTICS}.merit_pools",
    "top_signals": f"select * from {ANALYTICS}.top_performer_signals",
    "attrition_signals": f"select * from {ANALYTICS}.attrition_risk_signals",
    "signal_models": f"select * from {ANALYTICS}.early_signal_models",
    "process_health": f"select * from {ANALYTICS}.process_health",
    "process_health_overall": f"select * from {ANALYTICS}.process_health_overall",
    "unmatched_accounts": "select * from marts.rpt_unmatched_accounts",
    "target": TARGET_SQL,
}


def site_data(con: duckdb.DuckDBPyConnection) -> SiteData:
    return SiteData(**{name: con.execute(sql).df() for name, sql in TABLES.items()})


def dashboards_dir(warehouse: Warehouse) -> Path:
    return Path(os.environ.get("DASHBOARDS_DIR") or warehouse.data_dir / "dashboards").resolve()


@dg.asset(
    key=["dashboards", "site"],
    group_name="dashboards",
    kinds={"python", "html"},
    owners=["team:people-analytics"],
    deps=[*(dg.AssetKey(["marts", m]) for m in ("dim_employees", "fct_performance_scores", "fct_metric_scores",
                                                  "fct_competency_ratings", "rpt_unmatched_accounts")),
          *(key for asset in analytics_assets for key in asset.keys)],
    pool="warehouse",
)
def dashboard_site(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """Individual, manager, executive and HR pages as offline HTML with an index."""
    with warehouse.connect() as con:
        data = site_data(con)
    report = build_site(data, dashboards_dir(warehouse))
    context.log.info(f"{report.pages} pages written to {report.index}")
    return dg.MaterializeResult(metadata={
        "index": dg.MetadataValue.path(str(report.index)), "pages": report.pages,
        "largest_individual_page_kb": report.largest_individual_kb, "total_mb": report.total_mb,
        "seconds": report.seconds})
