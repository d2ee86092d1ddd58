"""Early signals: who is likely to become a top performer, and who is at risk of leaving."""

from datetime import date

import dagster as dg
import pandas as pd

from analytics import prediction

from ..resources import Warehouse
from .analytics_tables import GROUP, keys, results, specs

TABLES = {
    "top_performer_signals": "Per active employee: the chance of being rated Strong or better in a coming quarter, "
    "from their early months of scores, with the drivers in plain words.",
    "attrition_risk_signals": "Per active employee: the chance of a regrettable departure within the horizon, "
    "with the drivers in plain words.",
    "early_signal_models": "Per model: held-out AUC and Brier score of the time-based split with bootstrap 95% "
    "intervals, sizes and base rates, whether it beats the base rate (only then are its predictions published), "
    "the features left out as proxies of protected attributes, and the share rated high per group.",
    "early_signal_coefficients": "Per model and feature: the logistic-regression coefficient per standard deviation.",
}
DEPS = [
    *keys("marts", ["fct_performance_scores", "dim_employees", "fct_manager_ratings"]),
    *keys("framework", ["rating_bands"]),
]


class EarlySignalConfig(dg.Config):
    """The knobs analysts tune; the rest are the models' defaults (analytics/prediction/config.py)."""

    feature_months: int = 3
    attrition_horizon_months: int = 6
    regularisation_c: float = 1.0


def _model_row(model: str, metrics: dict[str, object]) -> dict[str, object]:
    return {
        "model": model,
        **{k: (None if v is None else str(v) if isinstance(v, (date, tuple)) else v) for k, v in metrics.items()},
    }


@dg.multi_asset(specs=specs(TABLES, DEPS), pool="warehouse")
def early_signals(context: dg.AssetExecutionContext, config: EarlySignalConfig, warehouse: Warehouse):
    """Train the top-performer and regrettable-attrition models on a time-based split and score everyone."""
    inputs = warehouse.frames(
        {
            "scores": """
            select employee_id, period_type, period_start, performance_score, objective_score, output_score,
                   quality_score, efficiency_score, impact_score, competency_score, coverage, band_rank
            from marts.fct_performance_scores""",
            "employees": "select * from marts.dim_employees",
            "ratings": "select employee_id, quarter_start, submitted_rank from marts.fct_manager_ratings",
            "bands": "select band, band_rank from framework.rating_bands",
        }
    )
    scores, employees = inputs["scores"], inputs["employees"]
    protected = employees[["employee_id", *(c for c in prediction.PROTECTED if c in employees)]]
    monthly = scores[scores["period_type"] == "month"].drop(columns="period_type")
    quarterly = scores.loc[scores["period_type"] == "quarter", ["employee_id", "period_start", "band_rank"]]
    top = prediction.predict_top_performers(
        monthly,
        quarterly,
        employees,
        prediction.TopPerformerConfig(feature_months=config.feature_months, C=config.regularisation_c),
        protected=protected,
    )
    attrition = prediction.predict_regrettable_attrition(
        monthly,
        employees,
        inputs["ratings"],
        prediction.AttritionConfig(horizon_months=config.attrition_horizon_months, C=config.regularisation_c),
        bands=inputs["bands"],
        protected=protected,
    )
    models = {"top_performer": top, "regrettable_attrition": attrition}
    # The models score whoever was active in the last scored month; only current staff are listed.
    current = set(employees.loc[employees["is_active"], "employee_id"])
    tables = {
        "top_performer_signals": top.predictions[top.predictions["employee_id"].isin(current)],
        "attrition_risk_signals": attrition.predictions[attrition.predictions["employee_id"].isin(current)],
        "early_signal_models": pd.DataFrame([_model_row(m, s.metrics) for m, s in models.items()]),
        "early_signal_coefficients": pd.concat(
            [s.coefficients.assign(model=m) for m, s in models.items()], ignore_index=True
        ),
    }
    warehouse.replace_tables(GROUP, tables)
    # A model without a held-out evaluation (no positive example yet) has no AUC: say so, don't invent one.
    figures = {
        f"{m}/{k}": float(s.metrics[k])
        for m, s in models.items()
        for k in ("auc", "brier", "brier_base_rate", "auc_ci_low", "auc_ci_high")
        if s.metrics.get(k) is not None
    }
    context.log.info(f"held-out metrics: {figures or 'none (too few labelled examples)'}")
    yield from results(tables, {"early_signal_models": figures})
