"""Anomaly checks on the loads: per raw table, each month's row count and key totals (revenue,
tickets, story points...) against the months before it, and each snapshot's rows against the
snapshots before it (the rule: ``analytics.load_anomalies``). One Dagster multi-asset check per raw
source, a WARN check per raw table with the figures as metadata; every evaluation is appended to
``meta.load_anomalies`` for the process-health page.

The months judged are the complete months (loaded after they ended) of the source's last load, so
the month in progress is never compared with whole ones. Settings: ``LOAD_ANOMALY_FACTOR`` (3),
``LOAD_ANOMALY_HISTORY`` (6 previous loads), ``LOAD_ANOMALY_MIN_HISTORY`` (3).
"""

import os
from datetime import UTC, datetime

import dagster as dg
import pandas as pd

from analytics.load_anomalies import AnomalyRule, load_anomalies

from ..resources import Warehouse
from ..resources.warehouse import META

TABLE = "load_anomalies"
CHECK = "load_anomalies"
COLUMNS = ["source", "table_name", "window_start", "measure", "value", "baseline", "ratio", "flagged", "loaded_at"]
WON = "(payload->>'IsWon')::boolean and (payload->>'IsClosed')::boolean"
# The larger of an issue's story-point fields (a site may have several; one project fills one).
STORY_POINTS = (
    "list_max(list_transform(json_extract_string(payload, '$.custom_field_ids.story_points[*]'), "
    "lambda f: try_cast(json_extract_string(payload, '$.fields.' || f) as double)))"
)
ROWS = {"rows": "count(*)"}
# Activity table -> (the record's time a monthly load selects it by, measure -> aggregate).
ACTIVITY = {
    "salesforce_opportunities": (
        "payload->>'LastModifiedDate'",
        {**ROWS, "closed_won_revenue": f"sum(case when {WON} then try_cast(payload->>'Amount' as double) end)"},
    ),
    "jira_issues": ("payload->'fields'->>'updated'", {**ROWS, "story_points": f"sum({STORY_POINTS})"}),
    "github_pull_requests": ("payload->>'updatedAt'", {**ROWS, "merged": "count(payload->>'mergedAt')"}),
    "zendesk_tickets": (
        "payload->>'updated_at'",
        {**ROWS, "solved": "count(*) filter (where payload->>'status' in ('solved', 'closed'))"},
    ),
    "zendesk_satisfaction_ratings": ("payload->>'created_at'", ROWS),
    "pagerduty_incidents": ("payload->>'created_at'", ROWS),
    "sonarqube_measures": ("date", ROWS),
}


def rule_from_env() -> AnomalyRule:
    return AnomalyRule(
        factor=float(os.environ.get("LOAD_ANOMALY_FACTOR") or 3),
        history=int(os.environ.get("LOAD_ANOMALY_HISTORY") or 6),
        min_history=int(os.environ.get("LOAD_ANOMALY_MIN_HISTORY") or 3),
    )


def _tables(con) -> set[str]:
    rows = con.execute("select table_schema || '.' || table_name from information_schema.tables").fetchall()
    return {name for (name,) in rows}


def _monthly(con, source: str, table: str) -> pd.DataFrame:
    """Every complete month of the source's loads with the table's measures (0 for a month loaded
    with no records), marking the months of its last load."""
    moment, measures = ACTIVITY[table]
    aggregates = ", ".join(f"{sql} as {name}" for name, sql in measures.items())
    months = f"""
        select m.month, max(l.loaded_at) as loaded_at, bool_or(l.loaded_at = last.loaded_at) as in_last_load
        from {META}.loads as l,
             (select max(loaded_at) as loaded_at from {META}.loads where source = $1) as last,
             unnest(generate_series(l.window_start, l.window_end - interval 1 month, interval 1 month)) as m(month)
        where l.source = $1 and l.window_start is not null and l.loaded_at >= m.month + interval 1 month
        group by m.month"""
    frame = con.execute(
        f"""
        with months as ({months}),
        measured as (
            select date_trunc('month', try_cast({moment} as timestamptz)) as month, {aggregates}
            from raw.{table} group by 1
        )
        select m.month as window_start, m.loaded_at, m.in_last_load,
               {", ".join(f"coalesce(x.{name}, 0)::double as {name}" for name in measures)}
        from months as m left join measured as x using (month)""",
        [source],
    ).df()
    return frame.melt(
        id_vars=["window_start", "loaded_at", "in_last_load"], value_vars=list(measures), var_name="measure"
    )


def _snapshot(con, source: str, table: str, tables: set[str]) -> pd.DataFrame:
    """The table's rows now (the source's last load) and at the snapshots checked before
    (meta.load_anomalies)."""
    (loaded_at,) = con.execute(f"select max(loaded_at) from {META}.loads where source = ?", [source]).fetchone()
    if loaded_at is None:
        return pd.DataFrame(columns=["window_start", "loaded_at", "in_last_load", "measure", "value"])
    before = ""
    if f"{META}.{TABLE}" in tables:
        before = f"""union all
            select loaded_at, false, measure, arg_max(value, checked_at) from {META}.{TABLE}
            where source = $2 and table_name = $3 and window_start is null and loaded_at < $1
            group by loaded_at, measure"""
    return con.execute(
        f"""select null::timestamptz as window_start, *
        from (select $1::timestamptz as loaded_at, true as in_last_load, 'rows' as measure,
                     (select count(*) from raw.{table})::double as value
              {before})""",
        [loaded_at, source, table] if before else [loaded_at],
    ).df()


def evaluate(warehouse: Warehouse, source: str, table: str, rule: AnomalyRule) -> pd.DataFrame:
    """The table's measures in the source's last load, judged against the loads before (empty when
    the source has no recorded load or the table does not exist)."""
    with warehouse.connect() as con:
        con.execute("set timezone = 'UTC'")
        tables = _tables(con)
        if f"raw.{table}" not in tables or f"{META}.loads" not in tables:
            return pd.DataFrame(columns=COLUMNS)
        history = _monthly(con, source, table) if table in ACTIVITY else _snapshot(con, source, table, tables)
    if not history["in_last_load"].any():
        return pd.DataFrame(columns=COLUMNS)
    judged = load_anomalies(history.assign(source=source, table_name=table), rule)
    return judged[judged["in_last_load"].astype(bool)][COLUMNS].reset_index(drop=True)


def _month(value) -> str:
    return "snapshot" if pd.isna(value) else f"{pd.Timestamp(value):%Y-%m}"


def describe(row) -> str:
    ratio = "n/a" if pd.isna(row.ratio) else f"x{row.ratio:.2f}"
    return f"{_month(row.window_start)} {row.measure}: {row.value:,.0f} against a baseline of {row.baseline:,.0f} ({ratio})"


def check_result(key: dg.AssetCheckKey, figures: pd.DataFrame) -> dg.AssetCheckResult:
    """The WARN result of one table: failed when a measure of the last load is flagged."""
    flagged = figures[figures["flagged"]]
    metadata: dict[str, object] = {"loads_judged": int(figures["baseline"].notna().sum())}
    for row in figures.sort_values("window_start", na_position="first").itertuples():  # the latest month wins
        metadata[f"{row.measure}/window"] = _month(row.window_start)
        metadata[f"{row.measure}/value"] = float(row.value)
        metadata[f"{row.measure}/baseline"] = None if pd.isna(row.baseline) else float(row.baseline)
        metadata[f"{row.measure}/ratio"] = None if pd.isna(row.ratio) else float(row.ratio)
    if len(flagged):
        metadata["flagged"] = "; ".join(describe(row) for row in flagged.itertuples())
    return dg.AssetCheckResult(
        asset_key=key.asset_key,
        check_name=key.name,
        passed=flagged.empty,
        severity=dg.AssetCheckSeverity.WARN,
        description=metadata.get("flagged") or "every measure of the last load is near the loads before it",
        metadata={k: v for k, v in metadata.items() if v is not None},
    )


def load_checks(assets: dg.AssetsDefinition) -> dg.AssetChecksDefinition:
    """The anomaly checks of one raw source's tables."""
    source = assets.op.name.removeprefix("raw_")
    specs = [
        dg.AssetCheckSpec(
            CHECK,
            asset=key,
            description="Row count and key totals of the last load (per complete month, or the snapshot) against "
            "the median of the loads before it; warns at LOAD_ANOMALY_FACTOR times it or less than its inverse.",
        )
        for key in assets.keys
    ]

    @dg.multi_asset_check(name=f"{source}_load_anomalies", specs=specs, can_subset=True, pool="warehouse")
    def check(context: dg.AssetCheckExecutionContext, warehouse: Warehouse):
        rule, checked_at = rule_from_env(), datetime.now(UTC)
        evaluations = []
        for key in sorted(context.selected_asset_check_keys, key=lambda k: k.asset_key.path):
            figures = evaluate(warehouse, source, key.asset_key.path[-1], rule)
            evaluations.append(figures)
            result = check_result(key, figures)
            if not result.passed:
                context.log.warning(f"{source}.{key.asset_key.path[-1]}: {result.description}")
            yield result
        rows = pd.concat([f for f in evaluations if len(f)] or [pd.DataFrame(columns=COLUMNS)], ignore_index=True)
        if len(rows):
            warehouse.append_new(META, TABLE, rows.assign(checked_at=checked_at), same=[*COLUMNS, "checked_at"])

    return check
