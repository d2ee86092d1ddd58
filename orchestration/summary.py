"""What ``make run`` prints at the end: the raw row counts and the key figures of each layer.

Every figure may be missing (a layer that failed, a model with nothing to evaluate yet, a
source not in use): a missing figure reads "n/a", never a crash.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
from scipy.stats import spearmanr

from .resources import Warehouse


def figure(value, spec: str = "") -> str:
    return "n/a" if value is None or pd.isna(value) else format(value, spec)


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[tuple]:
    """The query's rows, or none when a table it reads does not exist (its layer did not run)."""
    try:
        return con.execute(sql, params).fetchall()
    except duckdb.CatalogException:
        return []


def raw_counts(con: duckdb.DuckDBPyConnection) -> list[str]:
    tables = _rows(
        con,
        "select table_name from information_schema.tables where table_schema = 'raw' "
        "and table_name not like '\\_dlt%' escape '\\' order by 1",
    )
    return [f"    raw.{t:<32} {con.execute(f'select count(*) from raw.{t}').fetchone()[0]:>9,}" for (t,) in tables]


def rating_bands(con: duckdb.DuckDBPyConnection) -> list[str]:
    bands = _rows(
        con,
        """
        select rating_band, count(*), 100.0 * count(*) / sum(count(*)) over ()
        from marts.fct_performance_scores
        where period_type = 'quarter' and period_start = (select max(quarter_start) from marts.fct_manager_ratings)
        group by 1 order by min(band_rank) desc""",
    )
    unmatched = _rows(con, "select source, count(*) from marts.rpt_unmatched_accounts group by 1 order by 1")
    held = _rows(
        con, "select table_name, reason, count(*) from marts.rpt_quarantined_activity group by all order by 1, 2"
    )
    return [f"    {figure(band):<12} {count:>6,}  {figure(share, '5.1f')}%" for band, count, share in bands] + [
        "    unmatched accounts: " + (", ".join(f"{s} {n}" for s, n in unmatched) or "none"),
        "    activity held back (outside employment): " + (", ".join(f"{t} {n} {r}" for t, r, n in held) or "none"),
    ]


def analytics_figures(con: duckdb.DuckDBPyConnection, ground_truth: Path | None) -> list[str]:
    lines = []
    for cycle, changes, outliers, before, after, var_before, var_after in _rows(
        con,
        """
            select cycle, changes, outliers, inflation_before, inflation_after, variance_before, variance_after
            from analytics.calibration_summary order by cycle desc limit 1""",
    ):
        lines.append(
            f"    calibration {cycle}: {changes} suggested changes, {outliers} outliers; inflation "
            f"{figure(before, '+.1f')}% -> {figure(after, '+.1f')}%, variance {figure(var_before, '.1f')}% "
            f"-> {figure(var_after, '.1f')}%"
        )
        lines += truth_correlation(con, cycle, ground_truth)
    pools = _rows(con, "select department, used_pct from analytics.merit_pools order by 1")
    lines.append("    merit budget used: " + (", ".join(f"{d} {figure(u, '.2f')}%" for d, u in pools) or "n/a"))
    models = _rows(
        con, "select model, auc, brier, brier_base_rate, published from analytics.early_signal_models order by 1"
    )
    lines.append(
        "    early signals (held-out): "
        + (
            ", ".join(
                f"{m} AUC {figure(a, '.2f')} Brier {figure(b, '.4f')} (base rate {figure(base, '.4f')}"
                + ("" if published else ", not published: does not beat the base rate")
                + ")"
                for m, a, b, base, published in models
            )
            or "n/a"
        )
    )
    for status, at_risk in _rows(
        con, "select overall_status, at_risk from analytics.process_health_overall order by cycle desc limit 1"
    ):
        lines.append(f"    process health: {status} (at risk: {at_risk or 'none'})")
    return lines


def truth_correlation(con: duckdb.DuckDBPyConnection, cycle: str, ground_truth: Path | None) -> list[str]:
    """On the sandbox, how close the ratings are to the simulated people's latent performance."""
    if ground_truth is None or not ground_truth.exists():
        return []
    columns = ["employee_id", "submitted_rank", "suggested_rank", "final_rank"]
    ratings = pd.DataFrame(
        _rows(
            con,
            "select c.employee_id, c.submitted_rank, c.suggested_rank, b.band_rank "
            "from analytics.calibrated_ratings as c join analytics.final_ratings as f using (cycle, employee_id) "
            "left join framework.rating_bands as b on b.band = f.final_rating "
            "where c.cycle = ? and c.suggested_rank is not null",
            [cycle],
        ),
        columns=columns,
    )
    truth = pd.read_csv(ground_truth, dtype={"employee_id": str}).merge(ratings, on="employee_id")
    if len(truth) < 3:
        return []
    submitted, suggested, final = (spearmanr(truth["true_performance"], truth[c]).statistic for c in columns[1:])
    return [
        f"    rank correlation with the sandbox's latent performance ({len(truth)} people): "
        f"submitted ratings {figure(submitted, '.3f')}, suggested {figure(suggested, '.3f')}, "
        f"final {figure(final, '.3f')}"
    ]


def summary(warehouse: Warehouse, ground_truth: Path | None) -> list[str]:
    if not Path(warehouse.path).exists():
        return ["(no warehouse yet)"]
    with warehouse.connect() as con:
        return [
            "==> raw tables",
            *raw_counts(con),
            "",
            "==> data-driven rating bands, latest review cycle (marts.fct_performance_scores)",
            *rating_bands(con),
            "",
            "==> decision analytics, latest review cycle (schema analytics)",
            *analytics_figures(con, ground_truth),
        ]
