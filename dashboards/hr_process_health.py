"""The data-health page (HR): when each source last loaded and how stale it is, what each load
landed, accepted and quarantined, why records were quarantined, and the loads the anomaly checks
flagged, with their figures."""

from __future__ import annotations

import pandas as pd

from analytics.staleness import stale_after_hours, staleness

from . import figures as fg
from .cells import Cell, Links, Table, kpi
from .formatting import count, missing, text
from .org import Org

LOADS_PER_TABLE = 5  # the most recent loads listed per table


def last_loads(loads: pd.DataFrame, now: pd.Timestamp, stale_after: float) -> pd.DataFrame:
    """Per source: its last successful load, that load's window, the time since, and whether that
    makes it stale (the rule of ``analytics.staleness``)."""
    columns = ["source", "loaded_at", "window_start", "window_end", "age", "stale"]
    if loads.empty:
        return pd.DataFrame(columns=columns)
    last = loads.sort_values("loaded_at").groupby("source", as_index=False).tail(1).sort_values("source")
    judged = {s.source: s for s in staleness(loads, list(last["source"]), now.to_pydatetime(), stale_after)}
    return last.assign(
        age=[pd.Timedelta(hours=judged[s].hours) for s in last["source"]],
        stale=[judged[s].stale for s in last["source"]],
    ).reset_index(drop=True)[columns]


def age(delta: pd.Timedelta) -> str:
    hours = delta / pd.Timedelta(hours=1)
    return f"{hours:.1f} hours" if hours < 48 else f"{hours / 24:.1f} days"


def moment(value) -> str:
    return "" if missing(value) else f"{pd.Timestamp(value).tz_convert('UTC'):%Y-%m-%d %H:%M} UTC"


def month(value) -> str:
    return "snapshot" if missing(value) else f"{pd.Timestamp(value).tz_convert('UTC'):%Y-%m}"


def span(start, end) -> str:
    if missing(start):
        return "snapshot"
    return f"{pd.Timestamp(start).tz_convert('UTC'):%Y-%m-%d} .. {pd.Timestamp(end).tz_convert('UTC'):%Y-%m-%d}"


def figure_value(value) -> str:
    return "n/a" if missing(value) else f"{float(value):,.0f}"


def ratio(value) -> str:
    return "n/a" if missing(value) else ("from 0" if value == float("inf") else f"x{float(value):.2f}")


def _sources_table(stale: pd.DataFrame) -> Table:
    table = Table(
        ["Source", "Last successful load", "Window loaded", "Since then", "Status"],
        empty="No load recorded yet.",
        numeric=(3,),
    )
    for row in stale.itertuples():
        late = row.stale
        table.rows.append(
            [
                text(row.source),
                moment(row.loaded_at),
                span(row.window_start, row.window_end),
                age(row.age),
                Cell("stale", status="at-risk") if late else Cell("fresh", status="healthy"),
            ]
        )
    return table


def _counts_table(counts: pd.DataFrame) -> Table:
    table = Table(
        ["Source", "Table", "Window", "Loaded", "Landed", "Accepted", "Quarantined", "Adds up"],
        empty="No per-load counts recorded yet.",
        numeric=(4, 5, 6),
    )
    recent = counts.sort_values("loaded_at", ascending=False).groupby(["source", "table_name"]).head(LOADS_PER_TABLE)
    for row in recent.sort_values(["source", "table_name", "loaded_at"], ascending=[True, True, False]).itertuples():
        adds_up = row.landed == row.accepted + row.quarantined
        table.rows.append(
            [
                text(row.source),
                text(row.table_name),
                span(row.window_start, row.window_end),
                moment(row.loaded_at),
                count(row.landed),
                count(row.accepted),
                Cell(count(row.quarantined), status="watch") if row.quarantined else count(row.quarantined),
                Cell("yes", status="healthy") if adds_up else Cell("no", status="at-risk"),
            ]
        )
    return table


def _reasons_table(reasons: pd.DataFrame) -> Table:
    table = Table(
        ["Source", "Table", "Reason", "Records", "Last quarantined"], empty="Nothing quarantined.", numeric=(3,)
    )
    for row in reasons.sort_values(["source", "records"], ascending=[True, False]).itertuples():
        table.rows.append(
            [text(row.source), text(row.table_name), text(row.reason), count(row.records), moment(row.last_loaded_at)]
        )
    return table


def _anomalies_table(flagged: pd.DataFrame) -> Table:
    table = Table(
        [
            "Source",
            "Table",
            "Month",
            "Measure",
            "This load",
            "Baseline (median of the loads before)",
            "Ratio",
            "Checked",
        ],
        empty="No load was flagged: every row count and key total is near the loads before it.",
        numeric=(4, 5, 6),
    )
    for row in flagged.sort_values(["source", "table_name", "window_start", "measure"]).itertuples():
        table.rows.append(
            [
                text(row.source),
                text(row.table_name),
                month(row.window_start),
                text(row.measure),
                figure_value(row.value),
                figure_value(row.baseline),
                Cell(ratio(row.ratio), status="at-risk"),
                moment(row.checked_at),
            ]
        )
    return table


def hr_process_health(org: Org, links: Links) -> dict:
    data, now = org.data, pd.Timestamp.now(tz="UTC")  # staleness as of the build
    stale_after = stale_after_hours()
    stale = last_loads(data.loads, now, stale_after)
    anomalies = data.load_anomalies
    flagged = anomalies[anomalies["flagged"].fillna(False).astype(bool)] if len(anomalies) else anomalies
    counts = data.load_counts
    reasons = pd.concat([data.quarantine_reasons, data.activity_quarantine], ignore_index=True)
    late = int(stale["stale"].sum()) if len(stale) else 0
    quarantined = int(reasons["records"].sum()) if len(reasons) else 0
    figures: dict[str, dict] = {}
    if quarantined:
        by_reason = reasons.pivot_table(
            index="source", columns="reason", values="records", aggfunc="sum", fill_value=0
        ).reset_index()
        figures["quarantine"] = fg.grouped_counts(
            by_reason,
            "source",
            {r: str(r) for r in by_reason.columns if r != "source"},
            title="Quarantined records by source and reason (records)",
            axis="Records",
            stacked=True,
        )
    return {
        "kind": "hr_process_health",
        "title": "Data health",
        "root": "../",
        "subtitle": "HR · are the loads behind these pages complete and current",
        "period": f"As of {moment(now)}",
        "kpis": [
            kpi("Sources loaded", count(len(stale), "source"), "with a successful load recorded"),
            kpi(
                "Stale sources",
                count(late, "source"),
                f"last load over {age(pd.Timedelta(hours=stale_after))} ago",
                "at-risk" if late else "healthy",
            ),
            kpi(
                "Quarantined records",
                count(quarantined, "record"),
                "held back with a reason",
                "watch" if quarantined else "healthy",
            ),
            kpi(
                "Flagged loads",
                count(len(flagged), "measure"),
                "row counts or totals far from the loads before",
                "at-risk" if len(flagged) else "healthy",
            ),
        ],
        "figures": figures,
        "sources": _sources_table(stale),
        "counts": _counts_table(counts),
        "reasons": _reasons_table(reasons),
        "anomalies": _anomalies_table(flagged),
        "help": "A source is stale when its last successful load is more than "
        f"{age(pd.Timedelta(hours=stale_after))} old. A load is flagged when a row count or key total of a month (or of a "
        "snapshot) is three times the median of the loads before it or less than a third of it "
        "(LOAD_ANOMALY_FACTOR): check the source system before trusting the pages built on it. Records are quarantined "
        "as they load (a row that breaks a rule), and activity is held back from every metric when the models are "
        "built if it is dated before the person's hire or after their exit in the HRIS.",
    }
