"""``make bench-truth``: how well the pipeline recovers each sandbox company's latent truth.

For each company profile (sandbox/profiles.py) the whole pipeline runs on a fresh warehouse (the
12 months before ``--as-of``, then dbt and the analytics), and the results are set against what the
sandbox generated: the rank correlation with the true performance of the submitted ratings, the
calibrated ratings and the performance score, per review cycle and over all cycles; and the checks
that each source was read right (story points, ticket metrics, identities, pay ranges, everyone in
the cycle's ratings).
"""

from __future__ import annotations

import argparse
import tempfile
from datetime import date
from pathlib import Path

import dagster as dg
import numpy as np
import pandas as pd
from dagster_dlt import DagsterDltResource
from scipy.stats import spearmanr

from orchestration.assets import analytics_assets
from orchestration.assets.dbt import dbt_models
from orchestration.assets.raw import activity_assets, snapshot_assets
from orchestration.definitions import RESOURCES
from orchestration.partitions import month_key, range_tags
from orchestration.resources import SourceSystems, Warehouse
from sandbox import SandboxServer, generate_company
from sandbox.profiles import PROFILES


def run_pipeline(company, directory: Path) -> Warehouse:
    company.write_review_exports(directory / "reviews")
    warehouse = Warehouse(path=str(directory / "warehouse.duckdb"))
    with SandboxServer(company, port=0, reviews_dir=directory / "reviews") as server:
        resources = {
            "dlt": DagsterDltResource(),
            "dbt": RESOURCES["dbt"],
            "warehouse": warehouse,
            "source_systems": SourceSystems(mode="sandbox", sandbox_url=server.url),
        }
        instance = dg.DagsterInstance.ephemeral()
        tags = range_tags(month_key(company.as_of, -12), month_key(company.as_of, -1))
        steps = [(snapshot_assets, {}), (activity_assets, tags), ([dbt_models], {}), (analytics_assets, {})]
        for assets, run_tags in steps:
            result = dg.materialize(assets, resources=resources, instance=instance, tags=run_tags, raise_on_error=False)
            if not result.success:
                failed = [e.step_key for e in result.all_events if e.is_step_failure]
                raise RuntimeError(f"{company.profile.name}: failed steps {failed}")
    return warehouse


def correlation(truth: pd.Series, values: pd.Series) -> float:
    both = pd.concat([truth, values], axis=1).dropna()
    return float(spearmanr(both.iloc[:, 0], both.iloc[:, 1]).statistic) if len(both) > 2 else float("nan")


def truth_table(company, warehouse: Warehouse) -> pd.DataFrame:
    """Per cycle and over all: rank correlations with the true performance."""
    with warehouse.connect() as con:
        ratings = con.execute(
            "select c.cycle, c.employee_id, c.submitted_rank, c.suggested_rank, b.band_rank as final_rank, "
            "p.performance_score "
            "from analytics.calibrated_ratings as c join marts.dim_review_cycles as r using (cycle) "
            "join analytics.final_ratings as f using (cycle, employee_id) "
            "left join framework.rating_bands as b on b.band = f.final_rating "
            "left join marts.fct_performance_scores as p on p.employee_id = c.employee_id "
            "and p.period_type = 'quarter' and p.period_start = r.quarter_start where c.submitted_rank is not null"
        ).df()
    truth = company.people.set_index("employee_id")["true_performance"]
    ratings["truth"] = ratings["employee_id"].map(truth)
    rows = []
    for cycle, group in [*ratings.groupby("cycle"), ("all", ratings)]:
        rows.append({
            "cycle": cycle, "people": len(group),
            "submitted": correlation(group["truth"], group["submitted_rank"]),
            "calibrated": correlation(group["truth"], group["suggested_rank"]),
            "final": correlation(group["truth"], group["final_rank"]),
            "performance score": correlation(group["truth"], group["performance_score"]),
        })  # fmt: skip
    return pd.DataFrame(rows)


def source_checks(company, warehouse: Warehouse) -> dict[str, str]:
    """Each source read right, against the generated truth."""
    with warehouse.connect() as con:
        points = con.execute("select sum(story_points) from intermediate.int_jira_issues_estimated").fetchone()[0]
        tickets = con.execute(
            "select avg((first_reply_minutes is not null)::int) from staging.stg_zendesk__tickets "
            "where status <> 'deleted'"
        ).fetchone()[0]
        github = con.execute(
            "select account_id, employee_id from intermediate.int_accounts_resolved where source = 'github'"
        ).df()
        compa = con.execute("select avg((compa_ratio is not null)::int) from marts.dim_employees").fetchone()[0]
        unlisted = con.execute(
            "select count(*) from marts.fct_cycle_population as p left join analytics.calibrated_ratings as c "
            "using (cycle, employee_id) where c.employee_id is null"
        ).fetchone()[0]
    issues = company.tables["jira_issues"]
    true_points = np.nansum(issues["points"])
    accounts = company.accounts["github"]
    owner = dict(zip(accounts["account_id"].str.lower(), company.people["employee_id"].to_numpy()[accounts["person"]]))
    right = (github["employee_id"] == github["account_id"].map(owner)).mean()
    wrong = int((github["employee_id"].notna() & (github["employee_id"] != github["account_id"].map(owner))).sum())
    return {
        "story points vs truth": f"{points / true_points - 1:+.2%}",
        "tickets with metrics": f"{tickets:.1%}",
        "GitHub accounts matched right": f"{right:.0%}" + (" (SSO on)" if company.profile.github_sso else ""),
        "GitHub accounts matched wrong": str(wrong),
        "employees with a compa-ratio": f"{compa:.1%}",
        "cycle population missing from the ratings": str(unlisted),
    }


def analytics_checks(warehouse: Warehouse) -> dict[str, str]:
    """The decision analytics' own figures: forcing in small groups, fairness flags with their corrected
    p-values, merit per cell, and the early-signal models' held-out metrics with intervals."""
    with warehouse.connect() as con:
        forced = con.execute(
            "select count(*) from analytics.calibrated_ratings where group_too_small and is_changed"
        ).fetchone()[0]
        fairness = con.execute(
            "select ratings, attribute, value, round(impact_ratio, 2), round(pvalue_corrected, 3), judgement "
            "from analytics.calibration_fairness where cycle = (select max(cycle) from analytics.calibration_fairness) "
            "order by ratings, attribute, value"
        ).fetchall()
        cells = con.execute(
            "select rating, compa_band, string_agg(department || ' ' || round(100 * merit_pct, 2) || '%', ', ' "
            "order by department) from analytics.merit_cells group by all order by 1, 2"
        ).fetchall()
        models = con.execute(
            "select model, auc, auc_ci_low, auc_ci_high, brier, brier_base_rate, published from "
            "analytics.early_signal_models order by model"
        ).fetchall()
        bias = con.execute("select count(*), count(*) filter (where flagged) from analytics.manager_bias").fetchone()
    checks = {"people whose band was forced in groups below the minimum size": str(forced)}
    for ratings, attribute, value, ratio, p, judgement in fairness:
        checks[f"fairness {ratings} {attribute} {value}"] = f"impact ratio {ratio}, corrected p {p}: {judgement}"
    for rating, band, text in cells:
        checks[f"merit {rating} / {band}"] = text
    for model, auc, low, high, brier, base, published in models:
        checks[f"model {model}"] = (
            f"AUC {auc:.3f} (95% {low:.3f}-{high:.3f}), Brier {brier:.4f} vs base rate {base:.4f}, "
            f"{'published' if published else 'not published'}"
        )
    checks["managers tested for bias / flagged"] = f"{bias[0]} / {bias[1]}"
    return checks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--employees", type=int, default=500)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 11, 1))
    parser.add_argument("--profiles", nargs="+", choices=sorted(PROFILES), default=sorted(PROFILES))
    args = parser.parse_args()
    for name in args.profiles:
        company = generate_company(seed=args.seed, employees=args.employees, as_of=args.as_of, profile=name)
        with tempfile.TemporaryDirectory() as tmp:
            warehouse = run_pipeline(company, Path(tmp))
            table, checks = (
                truth_table(company, warehouse),
                source_checks(company, warehouse) | analytics_checks(warehouse),
            )
        print(f"\n== profile {name} ({args.employees} employees, seed {args.seed}): rank correlation with the "
              f"latent true performance")  # fmt: skip
        print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
        for check, figure in checks.items():
            print(f"   {check}: {figure}")


if __name__ == "__main__":
    main()
