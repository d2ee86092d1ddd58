"""A metric_definitions seed with the thresholds fitted to the company, offered for HR to adopt."""

import dagster as dg

from analytics.thresholds import proposed_metric_definitions

from ..resources import Warehouse
from .analytics_tables import GROUP, KINDS, OWNER, key, seeds


@dg.asset(
    key=key(GROUP, "metric_threshold_proposal"),
    group_name=GROUP,
    kinds=KINDS | {"csv"},
    owners=[OWNER],
    deps=[key("marts", "rpt_metric_threshold_fit"), key("framework", "metric_definitions")],
    pool="warehouse",
)
def metric_threshold_proposal(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """The latest review cycle's metric_definitions with derived thresholds for the metrics its scores used
    them for, as data/framework/metric_definitions.<cycle>.csv: copy it over dbt_project/seeds to adopt
    them (the pipeline never writes the seeds itself)."""
    fit = warehouse.read("select * from marts.rpt_metric_threshold_fit")
    (definitions,) = seeds(warehouse, "metric_definitions")
    if fit.empty:
        context.log.info("no review cycle with metric values yet: no thresholds to propose")
        return dg.MaterializeResult(metadata={"metrics_on_derived": 0})
    cycle = fit["cycle"].max()
    proposal = proposed_metric_definitions(definitions, fit, cycle)
    path = warehouse.data_dir / "framework" / f"metric_definitions.{cycle}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    proposal.to_csv(path, index=False)
    derived = fit[(fit["cycle"] == cycle) & (fit["scored_on"] == "derived")]
    names = ", ".join(f"{r.role}/{r.metric_key}" for r in derived.itertuples()) or "none"
    context.log.info(f"cycle {cycle}: metrics scored on derived thresholds: {names}; proposal at {path}")
    return dg.MaterializeResult(
        metadata={"cycle": cycle, "path": dg.MetadataValue.path(str(path)), "metrics_on_derived": len(derived)}
    )
