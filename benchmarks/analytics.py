"""``make bench-analytics``: wall time of the decision-analytics layer on 100,000 employees.

The inputs are the marts of a loaded org (``make demo``'s 500 people) copied until the target
headcount is reached, every id given a ``<copy>-`` prefix so each copy is a separate team tree
(departments stay shared, so merit pools and calibration groups grow). Each stage calls the same
functions, with the same frames, as its Dagster asset; the warehouse reads are not timed.
"""

import argparse
import time
from contextlib import contextmanager
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from analytics import compensation, health, prediction, promotion
from analytics.calibration import run_workflow

ID_COLUMNS = ("employee_id", "manager_id", "reviewer_id")
QUERIES = {
    "employees": "select * from marts.dim_employees",
    "ratings": """select r.cycle, r.quarter_start, r.employee_id, r.manager_id, e.department, e.level_group,
                         e.gender, r.submitted_rating, r.submitted_rank, r.submitted_at, r.performance_score,
                         r.data_driven_band
                  from marts.fct_manager_ratings as r join marts.dim_employees as e using (employee_id)""",
    "metric_scores": "select * from marts.fct_metric_scores where period_type = 'quarter'",
    "scores": "select * from marts.fct_performance_scores",
    "gaps": """select employee_id, competency, competency_name, next_level_required, gap_to_next_level
               from marts.fct_competency_ratings
               where cycle = (select max(cycle) from marts.fct_competency_ratings) and next_level_required is not null""",
    "evidence": "select * from marts.fct_promotion_evidence",
    "completions": "select * from marts.fct_review_completions",
    "survey": "select cycle, score from marts.fct_process_survey_responses",
    "appeals": "select cycle, employee_id from marts.fct_rating_appeals",
    "cycles": "select * from marts.dim_review_cycles",
    "decisions": "select * from marts.fct_calibration_decisions",
    "unrated": """select cycle, employee_id, manager_id, department, level_group, unrated_reason
                  from marts.fct_cycle_population where not is_rated""",
}
ORG_WIDE = {"cycles"}  # frames not copied: one row per review cycle
SEEDS = (
    "target_distribution",
    "rating_bands",
    "calibration_parameters",
    "merit_matrix",
    "compa_ratio_bands",
    "merit_budgets",
    "merit_parameters",
    "promotion_factors",
    "readiness_levels",
    "promotion_parameters",
    "promotion_band_points",
    "next_level_requirements",
    "process_health_targets",
)


def copied(frame: pd.DataFrame, copies: int) -> pd.DataFrame:
    """``copies`` copies of a frame with every id column prefixed by the copy number."""
    big = pd.concat([frame] * copies, ignore_index=True)
    copy = np.repeat(np.arange(copies), len(frame)).astype(str)
    for column in ID_COLUMNS:
        if column in big:
            ids = big[column]
            big[column] = (pd.Series(copy) + "-" + ids.astype(str)).where(ids.notna(), None)
    return big


def load(warehouse: Path, employees: int) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame], int]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        frames = {name: con.execute(sql).df() for name, sql in QUERIES.items()}
        seeds = {seed: con.execute(f"select * from framework.{seed}").df() for seed in SEEDS}
    copies = -(-employees // len(frames["employees"]))
    return {name: frame if name in ORG_WIDE else copied(frame, copies) for name, frame in frames.items()}, seeds, copies


@contextmanager
def timed(label: str, timings: dict[str, float]):
    started = time.perf_counter()
    yield
    timings[label] = time.perf_counter() - started
    print(f"{timings[label]:7.2f} s  {label}", flush=True)


def run(frames: dict[str, pd.DataFrame], seeds: dict[str, pd.DataFrame]) -> dict[str, float]:
    timings: dict[str, float] = {}
    target = seeds["target_distribution"].merge(seeds["rating_bands"][["band", "band_rank"]], on="band")
    params = dict(zip(seeds["calibration_parameters"]["parameter"], seeds["calibration_parameters"]["value"]))
    ratings, metric_scores, employees = frames["ratings"], frames["metric_scores"], frames["employees"]
    latest = ratings.sort_values("quarter_start")["cycle"].iloc[-1]
    evidence = metric_scores.merge(
        ratings[["cycle", "quarter_start"]].drop_duplicates(), left_on="period_start", right_on="quarter_start"
    )[["cycle", "employee_id", "metric_name", "metric_score", "metric_value", "unit"]]  # the asset's columns
    now = pd.Timestamp.now(tz="UTC")

    def workflow(frozen: set[str]) -> dict[str, pd.DataFrame]:
        return run_workflow(
            ratings.drop(columns=["quarter_start", "submitted_rank"]),
            evidence,
            frames["unrated"],
            frames["decisions"],
            frames["cycles"].sort_values("quarter_start"),
            target,
            params,
            now,
            frozen,
        )

    earlier = set(ratings["cycle"]) - {latest}
    with timed("calibration workflow, latest cycle (earlier ones closed)", timings):
        workflow(earlier)
    with timed("calibration workflow, every cycle", timings):
        tables = workflow(set())
    final = tables["final_ratings"]

    merit_staff = (
        employees[employees["is_active"]]
        .merge(final.loc[final["cycle"] == latest, ["employee_id", "final_rating"]], on="employee_id")
        .rename(columns={"final_rating": "rating"})
        .dropna(subset=["rating"])
    )
    window = frames["cycles"].set_index("cycle").loc[latest]
    start, end = window["merit_window_start"], window["merit_window_end"]
    with timed("merit plan and cells", timings):
        plan, _ = compensation.plan_merit(
            merit_staff,
            *(seeds[s] for s in ("merit_matrix", "compa_ratio_bands", "merit_budgets", "merit_parameters")),
            start,
            end,
        )
        compensation.merit_cells(plan)

    active = employees[employees["is_active"]].merge(
        seeds["next_level_requirements"][["level", "next_level"]].drop_duplicates(), on="level", how="left"
    )
    with timed("promotion readiness and succession", timings):
        config = promotion.PromotionConfig.from_seeds(
            *(
                seeds[s]
                for s in ("promotion_factors", "readiness_levels", "promotion_parameters", "promotion_band_points")
            )
        )
        readiness = promotion.promotion_readiness(
            active[["employee_id", "department", "level", "next_level", "level_group"]],
            final[["employee_id", "cycle", "final_rating"]].rename(columns={"final_rating": "rating"}).dropna(),
            frames["gaps"],
            frames["evidence"].dropna(subset=["projects_led", "mentees"]),
            frames["evidence"]
            .rename(columns={"business_impact_score": "impact_score"})
            .dropna(subset=["impact_score"]),
            config,
        )
        promotion.succession(readiness, active, config)

    scores = frames["scores"]
    monthly = scores[scores["period_type"] == "month"].drop(columns="period_type")
    quarterly = scores.loc[scores["period_type"] == "quarter", ["employee_id", "period_start", "band_rank"]]
    protected = employees[["employee_id", "gender"]]
    with timed("early signals: top-performer model", timings):
        prediction.predict_top_performers(monthly, quarterly, employees, protected=protected)
    with timed("early signals: attrition model", timings):
        prediction.predict_regrettable_attrition(
            monthly,
            employees,
            ratings[["employee_id", "quarter_start", "submitted_rank"]],
            bands=seeds["rating_bands"],
            protected=protected,
        )

    expected = ratings[["cycle", "employee_id", "manager_id"]]
    with timed("process health", timings):
        report = health.process_health(
            seeds["process_health_targets"],
            expected_reviews=expected,
            manager_ratings=ratings[["cycle", "employee_id", "manager_id", "submitted_at"]],
            completions=frames["completions"],
            survey_responses=frames["survey"],
            appeals=frames["appeals"],
            calibration_variance_pct=pd.DataFrame({"cycle": [latest], "calibration_variance_pct": [15.0]}),
            metric_scores=evidence[["cycle", "metric_value"]],
            source_loads=pd.DataFrame({"source": ["hris"], "loaded_at": [now]}),
            as_of=now,
        )
        health.overall_health(report)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--source", type=Path, default=Path("data/warehouse.duckdb"), help="a warehouse make demo built"
    )
    parser.add_argument("--employees", type=int, default=100_000)
    args = parser.parse_args()
    frames, seeds, copies = load(args.source, args.employees)
    print(
        f"{len(frames['employees']):,} employees ({copies} copies), {len(frames['ratings']):,} ratings, "
        f"{len(frames['scores']):,} score rows, {len(frames['metric_scores']):,} quarterly metric scores"
    )
    timings = run(frames, seeds)
    print(f"{sum(timings.values()):7.2f} s  whole analytics layer")


if __name__ == "__main__":
    main()
