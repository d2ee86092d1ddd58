"""Health of the performance process itself (guide, "Performance System Metrics").

Each metric function turns one input into a frame of cycle, value, detail (detail says what the
value rests on). `process_health` compares them with the targets seed (process_health_targets.csv)
and adds status, recommendation and the change since the previous cycle; `overall_health` rolls
each cycle up to 'Healthy' or 'Needs attention'. An input passed as None is "not measured" (every
cycle 'no data'); an empty frame is "measured, nothing happened" (e.g. no appeals: rate 0).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.validation import reject_rows, require_columns

METRICS = (
    "manager_adoption",
    "data_freshness_hours",
    "employee_nps",
    "review_hours_per_employee",
    "calibration_variance_pct",
    "appeal_rate",
    "data_completeness",
)
TARGET_COLUMNS = ("metric", "name", "target", "comparison", "unit", "why", "recommendation")
HEALTHY, AT_RISK, NO_DATA = "healthy", "at risk", "no data"
NO_DATA_RECOMMENDATION = "No data for this cycle: check that the source is loaded"
MEASURED_COLUMNS = ["cycle", "value", "detail"]
# The review tool records only when a review was opened and submitted, and reviews stay open for
# days: longer spans are counted as one session of this length (an upper bound on active time).
DEFAULT_MAX_SESSION_HOURS = 4.0


def manager_adoption(expected_reviews: pd.DataFrame, manager_ratings: pd.DataFrame) -> pd.DataFrame:
    """Per cycle: managers who submitted every rating they owe / managers who owe at least one.

    A rating counts when manager_ratings has the same (cycle, employee_id, manager_id) with a
    submitted_at; ratings nobody owed (e.g. from a manager with no reports) are ignored.
    """
    keys = ["cycle", "employee_id", "manager_id"]
    require_columns(expected_reviews, keys, "expected_reviews")
    require_columns(manager_ratings, [*keys, "submitted_at"], "manager_ratings")
    owed = expected_reviews.loc[expected_reviews["manager_id"].notna(), keys].drop_duplicates()
    submitted = manager_ratings.loc[manager_ratings["submitted_at"].notna(), keys].drop_duplicates()
    owed = owed.merge(submitted.assign(done=True), on=keys, how="left")
    owed["done"] = owed["done"].eq(True)
    per_manager = owed.groupby(["cycle", "manager_id"])["done"].all()
    counts = per_manager.groupby("cycle").agg(complete="sum", managers="size").reset_index()
    return counts.assign(
        value=counts["complete"] / counts["managers"],
        detail=counts["complete"].astype(str)
        + " of "
        + counts["managers"].astype(str)
        + " managers submitted every rating they owe",
    )[MEASURED_COLUMNS]


def review_hours_per_employee(
    completions: pd.DataFrame, max_session_hours: float = DEFAULT_MAX_SESSION_HOURS
) -> pd.DataFrame:
    """Per cycle: mean review hours per reviewed employee (summed over reviewers), finished reviews only.

    A review counts the active minutes the tool recorded (optional column active_minutes); without
    them, finished_at - started_at capped at `max_session_hours`, an upper bound since the review stays
    open between sessions. The detail says how many reviews had active time and how many hit the cap.
    """
    if max_session_hours <= 0:
        raise ValueError("max_session_hours must be positive")
    require_columns(completions, ["cycle", "employee_id", "reviewer_id", "started_at", "finished_at"], "completions")
    finished_at = _utc_times(completions["finished_at"])
    started_at = _utc_times(completions["started_at"])
    done = finished_at.notna()
    reject_rows(completions, done & started_at.isna(), "a finished review without started_at", name="completions")
    span = (finished_at - started_at).dt.total_seconds() / 3600
    reject_rows(completions, span < 0, "finished_at before started_at", name="completions")
    active = (
        pd.to_numeric(
            completions.get("active_minutes", pd.Series(np.nan, index=completions.index)), errors="coerce"
        ).astype(float)
        / 60
    )
    reject_rows(completions, active < 0, "negative active_minutes", name="completions")
    timed = active.notna()
    hours = active.where(timed, span.clip(upper=max_session_hours))
    reviews = completions.loc[done, ["cycle", "employee_id"]].assign(
        hours=hours[done], timed=timed[done], capped=~timed[done] & (span[done] >= max_session_hours)
    )
    per_employee = reviews.groupby(["cycle", "employee_id"], as_index=False)["hours"].sum()
    counts = (
        completions[["cycle"]]
        .assign(unfinished=~done)
        .groupby("cycle")[["unfinished"]]
        .sum()
        .join(
            reviews.groupby("cycle").agg(finished=("hours", "size"), timed=("timed", "sum"), capped=("capped", "sum"))
        )
        .join(per_employee.groupby("cycle")["hours"].mean().rename("value"))
        .fillna({"finished": 0, "timed": 0, "capped": 0})
        .astype({"finished": int, "timed": int, "capped": int})
        .reset_index()
    )
    detail = (
        counts["finished"].astype(str)
        + " finished reviews ("
        + counts["unfinished"].astype(str)
        + " unfinished left out); "
        + counts["timed"].astype(str)
        + " with active time recorded, "
        + counts["capped"].astype(str)
        + f" without it open longer than {max_session_hours:g} h "
        + f"(counted as {max_session_hours:g} h)"
    )
    return counts.assign(detail=detail)[MEASURED_COLUMNS]


def employee_process_score(survey_responses: pd.DataFrame) -> pd.DataFrame:
    """Per cycle: the mean 0-10 process survey score (the guide's 'NPS' target of 7.0 reads it as a mean).

    It is not a net promoter score (promoters minus detractors); blank scores are left out.
    """
    require_columns(survey_responses, ["cycle", "score"], "survey_responses")
    scores = survey_responses.loc[survey_responses["score"].notna(), ["cycle", "score"]]
    reject_rows(
        scores,
        ~scores["score"].astype(float).between(0, 10),
        "a score outside 0-10",
        name="survey_responses",
        key="cycle",
    )
    stats = scores.groupby("cycle")["score"].agg(value="mean", responses="size").reset_index()
    return stats.assign(
        value=stats["value"].astype(float), detail="mean of " + stats["responses"].astype(str) + " responses"
    )[MEASURED_COLUMNS]


def appeal_rate(appeals: pd.DataFrame, manager_ratings: pd.DataFrame) -> pd.DataFrame:
    """Per cycle: employees who appealed / employees with a submitted rating (0 when nobody appealed)."""
    require_columns(appeals, ["cycle", "employee_id"], "appeals")
    require_columns(manager_ratings, ["cycle", "employee_id", "submitted_at"], "manager_ratings")
    rated = manager_ratings.loc[manager_ratings["submitted_at"].notna()]
    reviewed = rated.groupby("cycle")["employee_id"].nunique().rename("reviewed")
    appealed = appeals.groupby("cycle")["employee_id"].nunique().rename("appealed")
    counts = pd.concat([reviewed, appealed], axis=1).fillna(0).astype(int).reset_index(names="cycle")
    return counts.assign(
        value=counts["appealed"] / counts["reviewed"].where(counts["reviewed"] > 0),
        detail=counts["appealed"].astype(str)
        + " of "
        + counts["reviewed"].astype(str)
        + " reviewed employees appealed",
    )[MEASURED_COLUMNS]


def data_completeness(metric_scores: pd.DataFrame) -> pd.DataFrame:
    """Per cycle: share of the cycle quarter's (employee, metric) rows of fct_metric_scores that have a
    metric_value (``metric_scores``: cycle, metric_value, one row per employee and metric)."""
    require_columns(metric_scores, ["cycle", "metric_value"], "metric_scores")
    counts = (
        metric_scores[["cycle"]]
        .assign(present=metric_scores["metric_value"].notna())
        .groupby("cycle")["present"]
        .agg(["sum", "size"])
        .reset_index()
    )
    return counts.assign(
        value=counts["sum"] / counts["size"],
        detail=counts["sum"].astype(str) + " of " + counts["size"].astype(str) + " employee-metric values present",
    )[MEASURED_COLUMNS]


def calibration_variance(variance: pd.DataFrame) -> pd.DataFrame:
    """Per cycle: the calibration variance (percent) computed by the calibration module, passed through."""
    require_columns(variance, ["cycle", "calibration_variance_pct"], "calibration_variance")
    reject_rows(
        variance,
        variance["cycle"].duplicated(keep=False),
        "more than one value",
        name="calibration_variance",
        key="cycle",
    )
    return variance.assign(value=variance["calibration_variance_pct"].astype(float), detail=None)[
        MEASURED_COLUMNS
    ].dropna(subset=["value"])


def source_freshness(source_loads: pd.DataFrame, as_of: pd.Timestamp | str) -> pd.DataFrame:
    """Per source: newest load time and hours from it to `as_of`, stalest first."""
    require_columns(source_loads, ["source", "loaded_at"], "source_loads")
    loaded_at = _utc_times(source_loads["loaded_at"])
    reject_rows(source_loads, loaded_at.isna(), "a row without loaded_at", name="source_loads", key="source")
    as_of = _utc(as_of)
    newest = (
        source_loads[["source"]].assign(newest_load=loaded_at).groupby("source", as_index=False)["newest_load"].max()
    )
    newest["hours_since_load"] = (as_of - newest["newest_load"]).dt.total_seconds() / 3600
    reject_rows(newest, newest["hours_since_load"] < 0, "a load after as_of", name="source_loads", key="source")
    return newest.sort_values(["hours_since_load", "source"], ascending=[False, True], ignore_index=True)


def process_health(
    targets: pd.DataFrame,
    *,
    expected_reviews: pd.DataFrame | None = None,
    manager_ratings: pd.DataFrame | None = None,
    completions: pd.DataFrame | None = None,
    survey_responses: pd.DataFrame | None = None,
    appeals: pd.DataFrame | None = None,
    calibration_variance_pct: pd.DataFrame | None = None,
    metric_scores: pd.DataFrame | None = None,
    source_loads: pd.DataFrame | None = None,
    as_of: pd.Timestamp | str | None = None,
    max_session_hours: float = DEFAULT_MAX_SESSION_HOURS,
) -> pd.DataFrame:
    """One row per cycle and metric: cycle, metric, name, value, target, comparison, unit, status,
    recommendation, change, trend, detail; sorted by cycle, then the targets' metric order.

    Cycles are those found in the review-process inputs (only without any, the quarters of
    metric_scores); completeness of other quarters is left out. Data freshness is one value per run
    (the stalest source, named in detail) reported on the latest cycle only. change is value minus
    the previous cycle's; trend says whether it moved toward the target ('better', 'worse',
    'unchanged'). Times without a zone are taken to be UTC.
    """
    targets = _validated_targets(targets)
    measured = {
        metric: frame.assign(metric=metric)
        for metric, frame in {
            "manager_adoption": _if_given(manager_adoption, expected_reviews, manager_ratings),
            "employee_nps": _if_given(employee_process_score, survey_responses),
            "review_hours_per_employee": _if_given(review_hours_per_employee, completions, max_session_hours),
            "calibration_variance_pct": _if_given(calibration_variance, calibration_variance_pct),
            "appeal_rate": _if_given(appeal_rate, appeals, manager_ratings),
            "data_completeness": _if_given(data_completeness, metric_scores),
        }.items()
    }
    # Review cycles come from the review process; metric quarters (e.g. the running quarter) do not add any.
    review_metrics = [frame for metric, frame in measured.items() if metric != "data_completeness"]
    cycles = sorted(
        set().union(*(frame["cycle"].dropna() for frame in review_metrics))
        or set(measured["data_completeness"]["cycle"].dropna())
    )
    if not cycles:
        return _empty_health()
    if source_loads is not None:
        if as_of is None:
            raise ValueError("source_loads needs as_of (the time freshness is measured at)")
        stalest = source_freshness(source_loads, as_of).head(1)
        measured["data_freshness_hours"] = pd.DataFrame(
            {
                "cycle": cycles[-1],
                "metric": "data_freshness_hours",
                "value": stalest["hours_since_load"],
                "detail": "stalest source: "
                + stalest["source"].astype(str)
                + ", loaded "
                + stalest["newest_load"].dt.strftime("%Y-%m-%d %H:%M UTC"),
            }
        )

    grid = pd.MultiIndex.from_product([cycles, targets["metric"]], names=["cycle", "metric"]).to_frame(index=False)
    grid = grid[(grid["metric"] != "data_freshness_hours") | (grid["cycle"] == cycles[-1])]
    values = pd.concat([frame for frame in measured.values() if not frame.empty] or [_empty_measured()])
    health = grid.merge(values, on=["cycle", "metric"], how="left", validate="one_to_one").merge(
        targets, on="metric", how="left"
    )
    health = _judge(health)
    order = {metric: position for position, metric in enumerate(targets["metric"])}
    health = health.sort_values(
        ["cycle", "metric"], key=lambda c: c.map(order) if c.name == "metric" else c, ignore_index=True
    )
    return health[
        [
            "cycle",
            "metric",
            "name",
            "value",
            "target",
            "comparison",
            "unit",
            "status",
            "recommendation",
            "change",
            "trend",
            "detail",
        ]
    ]


def overall_health(health: pd.DataFrame) -> pd.DataFrame:
    """Per cycle: 'Healthy' when every metric is healthy, else 'Needs attention', naming the metrics."""
    require_columns(health, ["cycle", "name", "status"], "health")
    names = health["name"].astype(str)
    rollup = (
        health.assign(
            healthy=health["status"] == HEALTHY,
            at_risk=names.where(health["status"] == AT_RISK),
            no_data=names.where(health["status"] == NO_DATA),
        )
        .groupby("cycle")
        .agg(healthy=("healthy", "all"), at_risk=("at_risk", _join_names), no_data=("no_data", _join_names))
        .reset_index()
    )
    rollup.insert(1, "overall_status", np.where(rollup["healthy"], "Healthy", "Needs attention"))
    return rollup.drop(columns="healthy").astype({"overall_status": "str"})


def _judge(health: pd.DataFrame) -> pd.DataFrame:
    value, target = health["value"].astype(float), health["target"].astype(float)
    higher_is_better = health["comparison"].eq(">")
    met = value.gt(target).where(higher_is_better, value.lt(target))
    missing = value.isna()
    change = health.sort_values("cycle").groupby("metric")["value"].diff().reindex(health.index)
    toward_target = np.sign(change).where(higher_is_better, -np.sign(change))
    recommendation = health["recommendation"].where(~met, None).where(~missing, NO_DATA_RECOMMENDATION)
    trend = pd.Series(
        np.select([toward_target > 0, toward_target < 0, toward_target == 0], ["better", "worse", "unchanged"], ""),
        index=health.index,
    )
    return health.assign(
        value=value,
        target=target,
        change=change,
        status=pd.Series(np.select([missing, met], [NO_DATA, HEALTHY], AT_RISK), index=health.index, dtype="str"),
        recommendation=recommendation.astype("str"),
        trend=trend.where(trend != "").astype("str"),
        detail=health["detail"].astype("str"),
    )


def _validated_targets(targets: pd.DataFrame) -> pd.DataFrame:
    require_columns(targets, list(TARGET_COLUMNS), "process_health_targets")
    metrics = targets["metric"]
    problems = [f"unknown metric {m!r}" for m in sorted(set(metrics) - set(METRICS))]
    problems += [f"no target for {m!r}" for m in METRICS if m not in set(metrics)]
    problems += [f"{m!r} listed twice" for m in sorted(set(metrics[metrics.duplicated()]))]
    problems += [
        f"{m!r} has comparison {c!r} (use '>' or '<')"
        for m, c in zip(metrics, targets["comparison"], strict=True)
        if c not in (">", "<")
    ]
    problems += [f"{m!r} has no target" for m in metrics[targets["target"].isna()]]
    if problems:
        raise ValueError("process_health_targets: " + "; ".join(problems))
    return targets[["metric", "name", "target", "comparison", "unit", "recommendation"]]


def _if_given(metric, *inputs) -> pd.DataFrame:
    """The metric's frame, or an empty one when any of its frame inputs is None (not measured)."""
    if any(frame is None for frame in inputs):
        return _empty_measured()
    return metric(*inputs)


def _empty_measured() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "cycle": pd.Series(dtype="str"),
            "metric": pd.Series(dtype="str"),
            "value": pd.Series(dtype=float),
            "detail": pd.Series(dtype="str"),
        }
    )


def _empty_health() -> pd.DataFrame:
    columns = {
        "cycle": "str",
        "metric": "str",
        "name": "str",
        "value": float,
        "target": float,
        "comparison": "str",
        "unit": "str",
        "status": "str",
        "recommendation": "str",
        "change": float,
        "trend": "str",
        "detail": "str",
    }
    return pd.DataFrame({column: pd.Series(dtype=dtype) for column, dtype in columns.items()})


def _join_names(names: pd.Series) -> str | None:
    present = names.dropna()
    return ", ".join(present) if len(present) else None


def _utc_times(times: pd.Series) -> pd.Series:
    """Timestamps or ISO 8601 strings as UTC; times without a zone are taken to be UTC."""
    return pd.to_datetime(times, utc=True, format="ISO8601")


def _utc(moment: pd.Timestamp | str) -> pd.Timestamp:
    moment = pd.Timestamp(moment)
    return moment.tz_localize("UTC") if moment.tzinfo is None else moment.tz_convert("UTC")
