"""The HR pages (calibration, merit, promotion, unmatched accounts): the only page builders that read pay."""

from __future__ import annotations

import pandas as pd

from . import figures as fg
from .cells import Cell, Links, Table, kpi, person_cell
from .formatting import count, missing, money, number, pct, pct_points, score, signed_pct, text, unique_labels
from .org import Org, plain_frame

MOST_INFLATED = 20  # managers shown in the HR inflation chart (all are in the table below it)


def hr_calibration(org: Org, links: Links) -> dict:
    data, root = org.data, "../"
    cycle_rows = org.calibrated[org.calibrated["cycle"] == org.cycle]
    figures: dict[str, dict] = {}
    if len(cycle_rows):
        order = list(org.target["band"]) if org.target is not None else list(fg.BAND_COLOURS)
        shares = pd.DataFrame({"band": order})
        for column, name in (("submitted_rating", "submitted"), ("suggested_rating", "suggested")):
            shares[name] = shares["band"].map(cycle_rows[column].value_counts(normalize=True)).fillna(0) * 100
        shares["target"] = shares["band"].map(data.target.set_index("band")["share"]).fillna(0) * 100
        figures["distribution"] = fg.grouped_counts(
            shares, "band", {"submitted": "Submitted by managers", "suggested": "Suggested after calibration",
                             "target": "Target"},
            title=f"Rating distribution {org.cycle}: submitted, suggested and target (% of rated people)",
            axis="% of rated people", colours=(fg.OTHER_COLOUR, fg.ACCENT, "#111827"))
    by_manager = plain_frame(data.calibration_by_manager, manager_id=True)
    by_manager = by_manager[by_manager["cycle"] == org.cycle].copy()
    by_manager["label"] = unique_labels(by_manager["manager_id"].map(org.name), by_manager["manager_id"])
    by_manager = by_manager.sort_values("inflation_before", ascending=False)
    if len(by_manager):
        furthest = by_manager.reindex(by_manager["inflation_before"].abs().sort_values(ascending=False).index)
        furthest = furthest.head(MOST_INFLATED).sort_values("inflation_before", ascending=False)
        figures["inflation"] = fg.signed_bars(
            furthest, "label", "inflation_before",
            title=f"Rating inflation, {len(furthest)} managers furthest from target (%)",
            axis="Average submitted rating vs target average (%)")

    summary = Table(["Cycle", "Rated", "Changes suggested", "Outliers", "Inflation before → after",
                     "Variance from target before → after", "Adverse-impact flags before → after"],
                    numeric=(1, 2, 3))
    for row in data.calibration_summary.sort_values("cycle", ascending=False).itertuples():
        summary.rows.append([text(row.cycle), count(row.rated), count(row.changes), count(row.outliers),
                             f"{signed_pct(row.inflation_before)} → {signed_pct(row.inflation_after)}",
                             f"{pct_points(row.variance_before)} → {pct_points(row.variance_after)}",
                             f"{count(row.adverse_impact_before)} → {count(row.adverse_impact_after)}"])

    managers = Table(["Manager", "Team", "Rated", "Inflation before", "Inflation after", "Leniency (bands)",
                      "Distribution test p-value"], numeric=(1, 2, 3, 4, 5, 6))
    for row in by_manager.itertuples():
        href = links.managers.get(row.manager_id)
        managers.rows.append([Cell(row.label, href=f"{root}{href}" if href else None), count(row.team_size),
                              count(row.rated_count), signed_pct(row.inflation_before), signed_pct(row.inflation_after),
                              number(row.leniency), number(row.chi2_pvalue, 3)])

    groups = Table(["Department", "Level group", "Rated", "Inflation before", "Inflation after",
                    "Exceptional / Strong / Meets / Improvement submitted", "after calibration"], numeric=(2, 3, 4))
    by_group = data.calibration_by_group
    for row in by_group[by_group["cycle"] == org.cycle].itertuples():
        groups.rows.append([text(row.department), text(row.level_group), count(row.rated_count),
                            signed_pct(row.inflation_before), signed_pct(row.inflation_after),
                            _shares(row, "submitted"), _shares(row, "suggested")])

    suggestions = Table(["Person", "Manager", "Group", "Score (0-100)", "Submitted", "Suggested"],
                        empty="No change suggested.", numeric=(3,))
    changed = cycle_rows[cycle_rows["is_changed"].fillna(False).astype(bool)].sort_values(
        ["calibration_group", "performance_score"], ascending=[True, False])
    for row in changed.itertuples():
        suggestions.rows.append([person_cell(org, row.employee_id, links, root), org.name(row.manager_id),
                                 text(row.calibration_group), score(row.performance_score),
                                 text(row.submitted_rating), text(row.suggested_rating)])

    outliers = Table(["Person", "Manager", "Group", "Submitted", "The data says", "Evidence"],
                     empty="No outlier.")
    for row in org.outliers.sort_values("band_gap", key=lambda s: -s.abs()).itertuples():
        outliers.rows.append([person_cell(org, row.employee_id, links, root), org.name(row.manager_id),
                              text(row.calibration_group), text(row.submitted_rating), text(row.data_driven_band),
                              text(row.evidence)])

    fairness = Table(["Ratings", "Attribute", "Group", "People", "Top-rated share", "Impact ratio",
                      "Fisher p-value", "Adverse impact"], numeric=(3, 4, 5, 6))
    fair = data.calibration_fairness
    for row in fair[fair["cycle"] == org.cycle].itertuples():
        flagged = bool(row.adverse_impact) if not missing(row.adverse_impact) else False
        fairness.rows.append([text(row.ratings), text(row.attribute), text(row.value), count(row.count),
                              pct(row.top_rate, 1), number(row.impact_ratio), number(row.fisher_pvalue, 3),
                              Cell("yes" if flagged else "no", status="at-risk" if flagged else "healthy")])

    latest = data.calibration_summary[data.calibration_summary["cycle"] == org.cycle]
    kpis = []
    if len(latest):
        s = latest.iloc[0]
        kpis = [kpi("Rated", count(s["rated"], "person"), org.cycle or ""),
                kpi("Changes suggested", count(s["changes"], "rating")),
                kpi("Outliers to discuss", count(s["outliers"], "rating")),
                kpi("Inflation", f"{signed_pct(s['inflation_before'])} → {signed_pct(s['inflation_after'])}",
                    "before → after calibration"),
                kpi("Adverse-impact flags",
                    f"{count(s['adverse_impact_before'])} → {count(s['adverse_impact_after'])}",
                    "groups, before → after", "at-risk" if s["adverse_impact_after"] else "healthy")]
    return {"kind": "hr_calibration", "title": f"Calibration report {text(org.cycle)}", "root": root,
            "subtitle": "HR", "period": org.period_note(), "kpis": kpis, "figures": figures,
            "summary": summary, "managers": managers, "groups": groups, "suggestions": suggestions,
            "outliers": outliers, "fairness": fairness}


def _shares(row, kind: str) -> str:
    return " / ".join(pct(getattr(row, f"{kind}_share_{band}", None))
                      for band in ("exceptional", "strong", "meets", "improvement"))


def hr_merit(org: Org, links: Links) -> dict:
    data, root = org.data, "../"
    pools, plan = data.merit_pools, plain_frame(data.merit_plan, employee_id=True)
    figures: dict[str, dict] = {}
    if len(pools):
        figures["pools"] = fg.grouped_counts(pools, "department", {"budget": "Budget", "spent": "Spent"},
                                             title="Merit budget and spend by pool (currency units)",
                                             axis="Amount (pay currency)", colours=(fg.NEUTRAL, fg.ACCENT))
    if len(plan):
        order = [b for b in (org.target["band"] if org.target is not None else fg.BAND_COLOURS)
                 if b in set(plan["rating"])]
        by_rating = plan.assign(merit=plan["merit_pct"] * 100).pivot_table(
            index="rating", columns="department", values="merit", aggfunc="mean").reindex(order).reset_index()
        departments = [c for c in by_rating.columns if c != "rating"]
        figures["by_rating"] = fg.grouped_counts(
            by_rating, "rating", {d: str(d) for d in departments},
            title="Average merit increase by rating and pool (% of salary)", axis="Merit increase (% of salary)")
    pool_table = Table(["Pool", "People", "Payroll", "Budget", "Spent", "Used", "Lump sums", "Capped", "Note"],
                       numeric=(1, 2, 3, 4, 5, 6, 7))
    for row in pools.itertuples():
        currency = org.currency(row.department)
        pool_table.rows.append([text(row.department), count(row.headcount), money(row.payroll, currency),
                                money(row.budget, currency), money(row.spent, currency), pct_points(row.used_pct, 2),
                                money(row.lump_sum_total, currency), count(row.capped_count), text(row.note)])
    sections = []
    for department, rows in plan.sort_values(["department", "merit_pct"], ascending=[True, False]).groupby(
            "department", sort=True):
        currency = org.currency(department)
        table = Table(["Person", "Rating", "Pay position", "Salary", "Merit", "Increase", "Salary increase",
                       "Lump sum", "New salary", "Note"], numeric=(3, 4, 5, 6, 7, 8))
        for row in rows.itertuples():
            table.rows.append([person_cell(org, row.employee_id, links, root), text(row.rating),
                               text(row.compa_band), money(row.salary, currency), pct(row.merit_pct, 2),
                               money(row.increase, currency), money(row.salary_increase, currency),
                               money(row.lump_sum, currency), money(row.new_salary, currency), text(row.note)])
        sections.append({"title": f"{department}: {count(len(rows), 'person')}", "table": table})
    budget, spent = pools["budget"].sum(), pools["spent"].sum()
    currency = org.currency(None)
    cycle = text(pools["cycle"].iloc[0]) if len(pools) and "cycle" in pools else ""
    kpis = [kpi("Budget", money(budget, currency), f"{count(len(pools), 'pool')}"),
            kpi("Spent", money(spent, currency), pct(spent / budget if budget else None, 2) + " of budget"),
            kpi("People in the plan", count(len(plan), "person")),
            kpi("Capped increases", count(plan["capped"].fillna(False).astype(bool).sum() if len(plan) else 0,
                                          "person"))]
    return {"kind": "hr_merit", "title": f"Merit plan {cycle}".strip(), "root": root,
            "subtitle": "HR · confidential: contains pay", "period": org.period_note(), "kpis": kpis,
            "figures": figures, "pools": pool_table, "sections": sections}


def hr_promotion(org: Org, links: Links) -> dict:
    data, root = org.data, "../"
    readiness = plain_frame(data.readiness, employee_id=True)
    active = readiness[readiness["employee_id"].isin(org.people.index)]
    figures: dict[str, dict] = {}
    # Readiness levels best first: by their average composite score (levels without one go last).
    order = list(active.groupby("readiness")["composite_score"].mean().sort_values(ascending=False, na_position="last")
                 .index)
    if len(active):
        counts = active.pivot_table(index="department", columns="readiness", values="employee_id",
                                    aggfunc="count", fill_value=0).reindex(columns=order, fill_value=0).reset_index()
        figures["readiness"] = fg.grouped_counts(
            counts, "department", {r: str(r) for r in order}, title="Promotion readiness by department (people)",
            stacked=True, colours=(fg.GOOD, "#65a30d", fg.ACCENT, fg.NEUTRAL, "#475569", fg.OTHER_COLOUR))
    pipeline = Table(["Person", "Department", "Level", "Next level", "Readiness", "Readiness score (0-100)",
                      "Performance history", "Competencies", "Scope", "Business impact", "Development areas"],
                     numeric=(5, 6, 7, 8, 9), empty="Nobody has a readiness score.")
    ranked = active.dropna(subset=["composite_score"]).sort_values(["composite_score", "employee_id"],
                                                                    ascending=[False, True])
    for row in ranked.itertuples():
        pipeline.rows.append([person_cell(org, row.employee_id, links, root), text(row.department), text(row.level),
                              text(row.next_level), text(row.readiness), score(row.composite_score),
                              score(row.performance_history_score), score(row.skill_gap_score), score(row.scope_score),
                              score(row.business_impact_score), text(row.development_areas).replace("None", "")])
    succession = Table(["Department", "Level", "People", "Ready now", "Ready in 6 months"], numeric=(2, 3, 4))
    for row in data.succession.itertuples():
        succession.rows.append([text(row.department), text(row.level), count(row.headcount), count(row.ready_now),
                                count(row.ready_in_6_months)])
    kpis = [kpi(str(level), count(n, "person")) for level, n in active["readiness"].value_counts()
            .reindex(order).items()]
    return {"kind": "hr_promotion", "title": "Promotion pipeline", "root": root, "subtitle": "HR",
            "period": org.period_note(), "kpis": kpis, "figures": figures,
            "pipeline": pipeline, "succession": succession}


def hr_unmatched(org: Org, links: Links) -> dict:
    accounts = org.data.unmatched_accounts
    figures: dict[str, dict] = {}
    if len(accounts):
        counts = accounts.pivot_table(index="source", columns="unmatched_reason", values="account_id",
                                      aggfunc="count", fill_value=0).reset_index()
        reasons = [c for c in counts.columns if c != "source"]
        figures["by_source"] = fg.grouped_counts(counts, "source", {r: str(r) for r in reasons},
                                                 title="Unmatched accounts by source and reason (accounts)",
                                                 axis="Accounts", stacked=True)
    table = Table(["Source", "Account id", "Name", "Email", "Why it did not match"], empty="Every account matched.")
    for row in accounts.sort_values(["source", "account_name"]).itertuples():
        table.rows.append([text(row.source), text(row.account_id), text(row.account_name), text(row.account_email),
                           text(row.unmatched_reason)])
    kpis = [kpi("Unmatched accounts", count(len(accounts), "account"), "activity not credited to anyone",
                "at-risk" if len(accounts) else "healthy")]
    kpis += [kpi(text(source), count(n, "account")) for source, n in accounts["source"].value_counts().items()]
    return {"kind": "hr_unmatched", "title": "Unmatched accounts", "root": "../",
            "subtitle": "HR · identity resolution", "period": org.period_note(), "kpis": kpis,
            "figures": figures, "accounts": table,
            "help": "Add a row to the identity_overrides seed to map an account to an employee."}
