"""The HR pages for merit, promotion and unmatched accounts (calibration: ``hr_calibration``): the only page
builders that read pay."""

from __future__ import annotations

from . import figures as fg
from .cells import Cell, Links, Table, kpi, person_cell
from .formatting import count, missing, money, number, pct, pct_points, score, text
from .org import Org, plain_frame


def hr_merit(org: Org, links: Links) -> dict:
    data, root = org.data, "../"
    pools, plan = data.merit_pools, plain_frame(data.merit_plan, employee_id=True)
    figures: dict[str, dict] = {}
    if len(pools):
        figures["pools"] = fg.grouped_counts(
            pools,
            "department",
            {"budget": "Budget", "spent": "Spent"},
            title="Merit budget and spend by pool (currency units)",
            axis="Amount (pay currency)",
            colours=(fg.NEUTRAL, fg.ACCENT),
        )
    if len(plan):
        order = [
            b for b in (org.target["band"] if org.target is not None else fg.BAND_COLOURS) if b in set(plan["rating"])
        ]
        by_rating = (
            plan.assign(merit=plan["merit_pct"] * 100)
            .pivot_table(index="rating", columns="department", values="merit", aggfunc="mean")
            .reindex(order)
            .reset_index()
        )
        departments = [c for c in by_rating.columns if c != "rating"]
        figures["by_rating"] = fg.grouped_counts(
            by_rating,
            "rating",
            {d: str(d) for d in departments},
            title="Average merit increase by rating and pool (% of salary)",
            axis="Merit increase (% of salary)",
        )
    pool_table = Table(
        ["Pool", "People", "Payroll", "Budget", "Spent", "Used", "Lump sums", "Capped", "Note"],
        numeric=(1, 2, 3, 4, 5, 6, 7),
    )
    for row in pools.itertuples():
        currency = org.currency(row.department)
        pool_table.rows.append(
            [
                text(row.department),
                count(row.headcount),
                money(row.payroll, currency),
                money(row.budget, currency),
                money(row.spent, currency),
                pct_points(row.used_pct, 2),
                money(row.lump_sum_total, currency),
                count(row.capped_count),
                text(row.note),
            ]
        )
    sections = []
    for department, rows in plan.sort_values(["department", "merit_pct"], ascending=[True, False]).groupby(
        "department", sort=True
    ):
        currency = org.currency(department)
        table = Table(
            [
                "Person",
                "Rating",
                "Pay position",
                "Salary",
                "Merit",
                "Increase",
                "Salary increase",
                "Lump sum",
                "New salary",
                "Note",
            ],
            numeric=(3, 4, 5, 6, 7, 8),
        )
        for row in rows.itertuples():
            table.rows.append(
                [
                    person_cell(org, row.employee_id, links, root),
                    text(row.rating),
                    text(row.compa_band),
                    money(row.salary, currency),
                    pct(row.merit_pct, 2),
                    money(row.increase, currency),
                    money(row.salary_increase, currency),
                    money(row.lump_sum, currency),
                    money(row.new_salary, currency),
                    text(row.note),
                ]
            )
        sections.append({"title": f"{department}: {count(len(rows), 'person')}", "table": table})
    budget, spent = pools["budget"].sum(), pools["spent"].sum()
    currency = org.currency(None)
    cycle = text(pools["cycle"].iloc[0]) if len(pools) and "cycle" in pools else ""
    kpis = [
        kpi("Budget", money(budget, currency), f"{count(len(pools), 'pool')}"),
        kpi("Spent", money(spent, currency), pct(spent / budget if budget else None, 2) + " of budget"),
        kpi("People in the plan", count(len(plan), "person")),
        kpi("Capped increases", count(plan["capped"].fillna(False).astype(bool).sum() if len(plan) else 0, "person")),
    ]
    return {
        "kind": "hr_merit",
        "title": f"Merit plan {cycle}".strip(),
        "root": root,
        "subtitle": "HR · confidential: contains pay",
        "period": org.period_note(),
        "kpis": kpis,
        "figures": figures,
        "pools": pool_table,
        "sections": sections,
    }


def hr_promotion(org: Org, links: Links) -> dict:
    data, root = org.data, "../"
    readiness = plain_frame(data.readiness, employee_id=True)
    active = readiness[readiness["employee_id"].isin(org.people.index)]
    figures: dict[str, dict] = {}
    # Readiness levels best first: by their average composite score (levels without one go last).
    order = list(
        active.groupby("readiness")["composite_score"].mean().sort_values(ascending=False, na_position="last").index
    )
    if len(active):
        counts = (
            active.pivot_table(
                index="department", columns="readiness", values="employee_id", aggfunc="count", fill_value=0
            )
            .reindex(columns=order, fill_value=0)
            .reset_index()
        )
        figures["readiness"] = fg.grouped_counts(
            counts,
            "department",
            {r: str(r) for r in order},
            title="Promotion readiness by department (people)",
            stacked=True,
            colours=(fg.GOOD, "#65a30d", fg.ACCENT, fg.NEUTRAL, "#475569", fg.OTHER_COLOUR),
        )
    pipeline = Table(
        [
            "Person",
            "Department",
            "Level",
            "Next level",
            "Readiness",
            "Readiness score (0-100)",
            "Data coverage",
            "Performance history",
            "Competencies",
            "Scope",
            "Business impact",
            "Development areas",
        ],
        numeric=(5, 6, 7, 8, 9, 10),
        empty="Nobody has a readiness score.",
    )
    ranked = active.dropna(subset=["composite_score"]).sort_values(
        ["composite_score", "employee_id"], ascending=[False, True]
    )
    for row in ranked.itertuples():
        pipeline.rows.append(
            [
                person_cell(org, row.employee_id, links, root),
                text(row.department),
                text(row.level),
                text(row.next_level),
                text(row.readiness)
                + (f" ({row.readiness_note})" if not missing(getattr(row, "readiness_note", None)) else ""),
                score(row.composite_score),
                pct(row.coverage),
                score(row.performance_history_score),
                score(row.skill_gap_score),
                score(row.scope_score),
                score(row.business_impact_score),
                text(row.development_areas).replace("None", ""),
            ]
        )
    succession = Table(["Department", "Level", "People", "Ready now", "Ready in 6 months"], numeric=(2, 3, 4))
    for row in data.succession.itertuples():
        succession.rows.append(
            [
                text(row.department),
                text(row.level),
                count(row.headcount),
                count(row.ready_now),
                count(row.ready_in_6_months),
            ]
        )
    kpis = [
        kpi(str(level), count(n, "person")) for level, n in active["readiness"].value_counts().reindex(order).items()
    ]
    return {
        "kind": "hr_promotion",
        "title": "Promotion pipeline",
        "root": root,
        "subtitle": "HR",
        "period": org.period_note(),
        "kpis": kpis,
        "figures": figures,
        "pipeline": pipeline,
        "succession": succession,
    }


def hr_unmatched(org: Org, links: Links) -> dict:
    accounts = org.data.unmatched_accounts
    figures: dict[str, dict] = {}
    if len(accounts):
        counts = accounts.pivot_table(
            index="source", columns="unmatched_reason", values="account_id", aggfunc="count", fill_value=0
        ).reset_index()
        reasons = [c for c in counts.columns if c != "source"]
        figures["by_source"] = fg.grouped_counts(
            counts,
            "source",
            {r: str(r) for r in reasons},
            title="Unmatched accounts by source and reason (accounts)",
            axis="Accounts",
            stacked=True,
        )
    table = Table(
        ["Source", "Account id", "Name", "Email", "Why it did not match", "Suggested employee (name similarity)"],
        empty="Every account matched.",
    )
    for row in accounts.sort_values(["source", "account_name"]).itertuples():
        suggestion = (
            f"{text(row.suggested_employee_name)} ({text(row.suggested_employee_id)}), "
            f"{number(row.suggestion_similarity)}"
            if not missing(row.suggested_employee_id)
            else ""
        )
        table.rows.append(
            [
                text(row.source),
                text(row.account_id),
                text(row.account_name),
                text(row.account_email),
                text(row.unmatched_reason),
                suggestion,
            ]
        )
    kpis = [
        kpi(
            "Unmatched accounts",
            count(len(accounts), "account"),
            "activity not credited to anyone",
            "at-risk" if len(accounts) else "healthy",
        )
    ]
    kpis += [
        kpi(text(row.source), pct(row.uncredited_share), "of its activity credited to nobody")
        for row in org.data.identity_coverage.sort_values("source").itertuples()
    ]
    return {
        "kind": "hr_unmatched",
        "title": "Unmatched accounts",
        "root": "../",
        "subtitle": "HR · identity resolution",
        "period": org.period_note(),
        "kpis": kpis,
        "figures": figures,
        "accounts": table,
        "help": "A suggested employee is only a suggestion from the names: nothing is credited until HR adds a row "
        "to the identity_overrides seed mapping the account to the employee.",
    }


def hr_thresholds(org: Org, links: Links) -> dict:
    """Do the metric thresholds fit the company? Per role and metric of the latest cycle with values."""
    fit = org.data.threshold_fit
    latest = fit[fit["cycle"] == fit["cycle"].max()] if len(fit) else fit
    table = Table(
        [
            "Role",
            "Metric",
            "People",
            "Scored 0",
            "Scored 100",
            "Median",
            "Configured meets",
            "Derived meets",
            "Scored on",
        ],
        empty="No review cycle with metric values yet.",
        numeric=(2, 3, 4, 5, 6, 7),
    )
    for row in latest.sort_values(["role", "metric_key"]).itertuples():
        derived = row.scored_on == "derived"
        table.rows.append(
            [
                text(row.role),
                text(row.metric_name),
                count(row.people),
                pct(row.share_scored_0),
                pct(row.share_scored_100),
                number(row.median_value),
                number(row.configured_meets),
                number(row.derived_meets) if row.is_derivable else "n/a",
                Cell("derived thresholds", status="watch") if derived else Cell("configured", status="healthy"),
            ]
        )
    flagged = latest[latest["is_uninformative"].fillna(False).astype(bool)] if len(latest) else latest
    on_derived = int((latest["scored_on"] == "derived").sum()) if len(latest) else 0
    return {
        "kind": "hr_thresholds",
        "title": "Metric thresholds",
        "root": "../",
        "subtitle": "HR · does the scoring fit the company",
        "period": f"Review cycle {text(latest['cycle'].iloc[0])}" if len(latest) else org.period_note(),
        "kpis": [
            kpi(
                "Uninformative metrics",
                count(len(flagged), "metric"),
                "configured thresholds clamp most people",
                "at-risk" if len(flagged) else "healthy",
            ),
            kpi("Scored on derived thresholds", count(on_derived, "metric"), "the role's own percentiles this cycle"),
        ],  # fmt: skip
        "figures": {},
        "fit": table,
        "help": "A metric whose configured thresholds score most people 0 or 100 cannot tell them apart; it is scored "
        "on thresholds derived from the role's own values that cycle (fixed once the cycle is stored). To adopt them, "
        "copy data/framework/metric_definitions.<cycle>.csv over dbt_project/seeds/metric_definitions.csv, or set "
        "your own thresholds there.",
    }
