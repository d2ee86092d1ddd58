"""Rating outliers: people rated far from their data-driven band, with their weakest metric scores as evidence."""

from __future__ import annotations

import pandas as pd

from analytics.validation import require_columns


def _format_value(value: float) -> str:
    decimals = 0 if abs(value) >= 100 else 1 if abs(value) >= 10 else 2
    text = f"{value:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _evidence_by_employee(metric_scores: pd.DataFrame, employees: pd.Series, max_metrics: int | None) -> pd.Series:
    """'Metric 42/100 (118,000 USD per month); ...' per employee, lowest metric scores first."""
    require_columns(
        metric_scores, ("employee_id", "metric_name", "metric_score", "metric_value", "unit"), "metric_scores"
    )
    wanted = metric_scores["employee_id"].isin(employees) & metric_scores["metric_score"].notna()
    relevant = metric_scores[wanted]
    # Several periods per metric (months of a quarter) collapse to their mean.
    per_metric = (
        relevant.groupby(["employee_id", "metric_name"], dropna=False)
        .agg(
            metric_score=("metric_score", "mean"),
            metric_value=("metric_value", "mean"),
            unit=("unit", "first"),
        )
        .reset_index()
        .sort_values(["employee_id", "metric_score", "metric_name"])
    )
    if max_metrics is not None:
        per_metric = per_metric.groupby("employee_id").head(max_metrics)
    value = per_metric["metric_value"].map(_format_value, na_action="ignore").astype("str")
    detail = (" (" + value + " " + per_metric["unit"].fillna("").astype("str")).str.rstrip() + ")"
    line = (
        per_metric["metric_name"].astype("str")
        + " "
        + per_metric["metric_score"].round().astype(int).astype("str")
        + "/100"
        + detail.fillna("")
    )
    # One column per position (lowest score first), joined column by column: no Python loop per employee.
    by_position = (
        per_metric[["employee_id"]]
        .assign(position=per_metric.groupby("employee_id").cumcount(), line=line)
        .pivot(index="employee_id", columns="position", values="line")
    )
    evidence = pd.Series("", index=by_position.index, dtype="str")
    for position in by_position.columns:
        separator = "" if position == 0 else "; "
        evidence = evidence + (separator + by_position[position]).fillna("")
    return evidence


def rating_outliers(
    calibrated: pd.DataFrame,
    metric_scores: pd.DataFrame,
    min_band_gap: int = 2,
    max_metrics: int | None = 3,
) -> pd.DataFrame:
    """People whose submitted rank is at least `min_band_gap` bands from their data-driven rank.

    Columns: employee_id, manager_id, calibration_group, submitted_rating, data_driven_band, band_gap
    (submitted minus data-driven: > 0 rated above the evidence), performance_score, evidence (the
    lowest `max_metrics` metric scores, all when None). Largest gaps first, then employee_id.
    """
    if min_band_gap < 1:
        raise ValueError(f"min_band_gap must be at least 1, got {min_band_gap}")
    if max_metrics is not None and max_metrics < 1:
        raise ValueError(f"max_metrics must be at least 1 or None, got {max_metrics}")
    columns = ["employee_id", "manager_id", "calibration_group", "submitted_rating", "data_driven_band"]
    needed = [*columns, "submitted_rank", "data_driven_rank", "performance_score"]
    require_columns(calibrated, needed, "calibrated")
    gap = (calibrated["submitted_rank"] - calibrated["data_driven_rank"]).astype("Float64")
    is_outlier = (gap.abs() >= min_band_gap).fillna(False).to_numpy(dtype=bool)
    outliers = calibrated.loc[is_outlier, columns].assign(
        band_gap=gap[is_outlier].astype("Int64").to_numpy(),
        performance_score=calibrated["performance_score"].to_numpy()[is_outlier],
    )
    evidence = _evidence_by_employee(metric_scores, outliers["employee_id"], max_metrics)
    outliers["evidence"] = outliers["employee_id"].map(evidence).fillna("no metric scores").astype("str")
    order = outliers.assign(_gap=outliers["band_gap"].abs()).sort_values(
        ["_gap", "employee_id"], ascending=[False, True]
    )
    return order.drop(columns="_gap").reset_index(drop=True)
