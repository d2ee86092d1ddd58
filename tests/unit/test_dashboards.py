"""Dashboards: figure builders carry the data given, pages keep to their audience, the site is offline and safe.

A small synthetic organisation (no warehouse, no browser):

    90001 CEO (Executive)
    ├── 90002 engineering manager ── 90011..90016 engineers (IC2), 90099 left the company
    └── 90003 sales manager ──────── 90021..90023 sales (IC3); 90021 earns the distinctive salary 123457

90011 is named like an XSS probe, 90012 has a 360 comment that tries to close the <script> element.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from plotly.offline import get_plotlyjs

from dashboards import SiteData, SiteReport, build_site, cells
from dashboards import figures as fg
from dashboards.executive import executive
from dashboards.hr import hr_merit, hr_promotion, hr_unmatched
from dashboards.hr_calibration import hr_calibration
from dashboards.individual import individual
from dashboards.manager import manager
from dashboards.org import Org
from dashboards.site import PLOTLY_JS, figures_json, file_names, safe_name

XSS_NAME = "<img src=x onerror=alert(1)>"
XSS_COMMENT = "</script><script>alert(1)</script>"
SALARY = 123457.0
SALARY_TEXTS = ("123457", "123,457")
CYCLE, QUARTER = "2026-Q3", pd.Timestamp("2026-07-01")
QUARTERS = [pd.Timestamp("2026-01-01"), pd.Timestamp("2026-04-01"), QUARTER]
RUNNING_QUARTER = pd.Timestamp("2026-10-01")  # after the latest review cycle: still running, never shown
TARGET = pd.DataFrame(
    {
        "band": ["Exceptional", "Strong", "Meets", "Improvement"],
        "band_rank": [4, 3, 2, 1],
        "share": [0.10, 0.25, 0.50, 0.15],
    }
)

# employee_id, full_name, manager_id, department, role, level, level_group, job_title, active
PEOPLE = [
    ("90001", "Grace Hopper", None, "Executive", "executive", "VP", "senior", "Chief Executive Officer", True),
    ("90002", "Alan Turing", "90001", "Engineering", "engineering", "M1", "manager", "Engineering Manager", True),
    ("90003", "Ada Lovelace", "90001", "Sales", "sales", "M1", "manager", "Sales Manager", True),
    ("90011", XSS_NAME, "90002", "Engineering", "engineering", "IC2", "IC", "Software Engineer", True),
    ("90012", "Barbara Liskov", "90002", "Engineering", "engineering", "IC2", "IC", "Software Engineer", True),
    ("90013", "Edsger Dijkstra", "90002", "Engineering", "engineering", "IC2", "IC", "Software Engineer", True),
    ("90014", "Donald Knuth", "90002", "Engineering", "engineering", "IC2", "IC", "Software Engineer", True),
    ("90015", "Frances Allen", "90002", "Engineering", "engineering", "IC2", "IC", "Software Engineer", True),
    ("90016", "John Backus", "90002", "Engineering", "engineering", "IC2", "IC", "Software Engineer", True),
    ("90021", "Katherine Johnson", "90003", "Sales", "sales", "IC3", "IC", "Account Executive", True),
    ("90022", "Hedy Lamarr", "90003", "Sales", "sales", "IC3", "IC", "Account Executive", True),
    ("90023", "Radia Perlman", "90003", "Sales", "sales", "IC3", "IC", "Account Executive", True),
    ("90099", "Ken Thompson", "90002", "Engineering", "engineering", "IC2", "IC", "Software Engineer", False),
]
# latest-quarter performance score per person (bands follow the scores)
SCORES = {
    "90001": 61.0,
    "90002": 58.0,
    "90003": 66.0,
    "90011": 82.5,
    "90012": 71.25,
    "90013": 55.0,
    "90014": 47.5,
    "90015": 33.0,
    "90016": 64.0,
    "90021": 78.0,
    "90022": 52.0,
    "90023": 36.0,
    "90099": 50.0,
}
NAMES = {p[0]: p[1] for p in PEOPLE}
ACTIVE = [p[0] for p in PEOPLE if p[8]]
ENGINEERS = ["90011", "90012", "90013", "90014", "90015", "90016"]
SALES = ["90021", "90022", "90023"]
HIGH_ATTRITION = "90012"  # 'high' attrition risk (and a compa-ratio driver that must not leave the HR pages)
UNRATED = "90016"  # owed a 2026-Q3 rating by 90002, none submitted


def band(score: float) -> tuple[str, int]:
    return (
        ("Exceptional", 4)
        if score >= 77
        else ("Strong", 3)
        if score >= 62
        else ("Meets", 2)
        if score >= 40
        else ("Improvement", 1)
    )


def history_of(employee_id: str) -> list[float]:
    """The person's quarter scores, oldest first (the latest is SCORES)."""
    latest = SCORES[employee_id]
    return [latest - 6.0, latest + 3.5, latest]


def chain(employee_id: str) -> list[str]:
    managers, boss = [], {p[0]: p[2] for p in PEOPLE}[employee_id]
    while boss:
        managers.append(boss)
        boss = {p[0]: p[2] for p in PEOPLE}[boss]
    return managers


def make_data(**overrides) -> SiteData:
    employees = pd.DataFrame(
        [
            {
                "employee_id": e,
                "full_name": n,
                "manager_id": m,
                "department": d,
                "role": r,
                "level": lv,
                "level_group": g,
                "job_title": t,
                "is_active": a,
                "hire_date": pd.Timestamp("2022-03-01"),
                "termination_date": pd.NaT if a else pd.Timestamp("2026-08-15"),
                "is_regrettable_termination": not a,
                "salary": SALARY if e == "90021" else 100000.0 + 1000 * i,
                "pay_currency": "USD",
                "pay_range_min": 80000.0,
                "pay_range_midpoint": 100000.0,
                "pay_range_max": 120000.0,
                "compa_ratio": (SALARY if e == "90021" else 100000.0 + 1000 * i) / 100000.0,
            }
            for i, (e, n, m, d, r, lv, g, t, a) in enumerate(PEOPLE)
        ]
    )
    lines = pd.DataFrame(
        [{"manager_id": m, "employee_id": e, "distance": k + 1} for e in NAMES for k, m in enumerate(chain(e))]
    )
    perf_rows = []
    for e in NAMES:
        quarters = [*QUARTERS, RUNNING_QUARTER]
        for q, s in zip(quarters, [*history_of(e), 99.0]):
            b, rank = band(s)
            perf_rows.append(
                {
                    "employee_id": e,
                    "period_type": "quarter",
                    "period_start": q,
                    "output_score": s - 5,
                    "quality_score": s + 5,
                    "efficiency_score": s,
                    "impact_score": s - 2,
                    "performance_score": s,
                    "coverage": 0.5 if e == "90013" else 1.0,
                    "is_low_coverage": e == "90013",
                    "rating_band": b,
                    "band_rank": rank,
                }
            )
        perf_rows.append(
            {
                **perf_rows[-2],
                "period_type": "month",
                "period_start": pd.Timestamp("2026-09-01"),
                "performance_score": 11.0,
            }
        )
    performance = pd.DataFrame(perf_rows)
    metric_scores = pd.DataFrame(
        [
            {
                "employee_id": e,
                "period_type": "quarter",
                "period_start": QUARTER,
                "metric_key": key,
                "metric_name": name,
                "category": cat,
                "role": "engineering",
                "unit": unit,
                "direction": "higher",
                "weight": w,
                "metric_value": value + i,
                "threshold_meets": meets,
                "metric_score": score - 3 * i,
                "metric_band": band(score - 3 * i)[0],
            }
            for i, e in enumerate(ENGINEERS)
            for key, name, cat, unit, w, value, meets, score in (
                (
                    "story_points_delivered",
                    "Story points delivered",
                    "output",
                    "points per month",
                    0.25,
                    42.0,
                    40.0,
                    66.0,
                ),
                (
                    "code_review_participation",
                    "Code review participation",
                    "quality",
                    "reviews per month",
                    0.15,
                    14.0,
                    10.0,
                    77.0,
                ),
            )
        ]
    )
    competencies = pd.DataFrame(
        [
            {
                "cycle": CYCLE,
                "quarter_start": QUARTER,
                "employee_id": e,
                "competency": c.lower(),
                "competency_name": c,
                "others_level": level,
                "next_level": "IC3",
                "next_level_required": 3,
            }
            for e in ENGINEERS
            for c, level in (("Execution", 3.5), ("Collaboration", 2.5), ("Communication", 4.0))
        ]
    )
    comments = pd.DataFrame(
        [
            {
                "cycle": "2026-Q3",
                "employee_id": "90012",
                "rater_type": "peer",
                "competency_name": "Execution",
                "comment": XSS_COMMENT,
            },
            {
                "cycle": "2026-Q3",
                "employee_id": "90012",
                "rater_type": "manager",
                "competency_name": "Communication",
                "comment": "Clear writer & reviewer.",
            },
            {
                "cycle": "2025-Q4",
                "employee_id": "90012",
                "rater_type": "peer",
                "competency_name": "Execution",
                "comment": "An old comment from long ago.",
            },
            {
                "cycle": "2026-Q2",
                "employee_id": "90013",
                "rater_type": "peer",
                "competency_name": "Execution",
                "comment": "Ships reliably.",
            },
        ]
    )
    readiness = pd.DataFrame(
        [
            {
                "employee_id": e,
                "department": "Engineering",
                "level": "IC2",
                "next_level": "IC3",
                "performance_history_score": 70.0,
                "skill_gap_score": 50.0,
                "scope_score": None,
                "business_impact_score": 60.0,
                "composite_score": 60.0 + i,
                "factor_count": 3,
                "coverage": 0.8,
                "readiness": "Ready now" if i == 0 else "Ready in 12 months",
                "development_areas": "Leadership and mentorship; Below IC3 requirement: Collaboration" if i else "None",
            }
            for i, e in enumerate(ENGINEERS)
        ]
    )
    succession = pd.DataFrame(
        {
            "department": ["Engineering", "Sales"],
            "level": ["IC2", "IC3"],
            "headcount": [6, 3],
            "ready_now": [1, 0],
            "ready_in_6_months": [2, 1],
        }
    )
    rated = [e for e in ACTIVE if e != "90001" and e != UNRATED]
    calibrated = pd.DataFrame(
        [
            {
                "cycle": CYCLE,
                "employee_id": e,
                "manager_id": {p[0]: p[2] for p in PEOPLE}[e],
                "department": {p[0]: p[3] for p in PEOPLE}[e],
                "level_group": "IC",
                "gender": "Female",
                "submitted_rating": "Exceptional" if e in SALES else band(SCORES[e])[0],
                "performance_score": SCORES[e],
                "data_driven_band": band(SCORES[e])[0],
                "calibration_group": "Engineering / IC",
                "group_too_small": False,
                "calibration_score": SCORES[e],
                "score_position": position + 1,
                "group_ranked_count": len(rated),
                "suggested_rating": band(SCORES[e])[0],
                "suggested_rank": band(SCORES[e])[1],
                "is_changed": e in SALES,
                "is_unranked": False,
            }
            for position, e in enumerate(sorted(rated, key=lambda e: -SCORES[e]))
        ]
        + [  # the pipeline lists everyone employed at the cycle's end; the unrated with the reason
            {
                "cycle": CYCLE,
                "employee_id": UNRATED,
                "manager_id": "90002",
                "department": "Engineering",
                "level_group": "IC",
                "unrated_reason": "review outstanding with 90002",
            }
        ]  # fmt: skip
    )
    by_manager = pd.DataFrame(
        [
            {
                "cycle": CYCLE,
                "manager_id": m,
                "team_size": n,
                "rated_count": n,
                "inflation_before": infl,
                "inflation_after": 0.5,
                "leniency": 0.3,
                "distribution_pvalue": 0.2,
                "pvalue_corrected": 0.4,
                "target_distance": 0.3,
                "chance_distance": 0.25,
                **{
                    f"{k}_share_{b}": 0.25
                    for k in ("submitted", "suggested", "target")
                    for b in ("exceptional", "strong", "meets", "improvement")
                },
            }
            for m, n, infl in (("90002", 6, -4.0), ("90003", 3, 52.0))
        ]
    )
    by_group = pd.DataFrame(
        [
            {
                "cycle": CYCLE,
                "calibration_group": "All employees (small groups pooled)",
                "team_size": 3,
                "is_forced": False,
                "ties_off_target": 0,
                "rated_count": 3,
                "inflation_before": 52.0,
                "inflation_after": 0.0,
                **{
                    f"{k}_share_{b}": 0.25
                    for k in ("submitted", "suggested", "target")
                    for b in ("exceptional", "strong", "meets", "improvement")
                },
            }
        ]
    )
    outliers = pd.DataFrame(
        [
            {
                "cycle": CYCLE,
                "employee_id": "90023",
                "manager_id": "90003",
                "calibration_group": "Sales / IC",
                "submitted_rating": "Exceptional",
                "data_driven_band": "Improvement",
                "band_gap": 3,
                "performance_score": 36.0,
                "evidence": "Win rate 10/100 (0.12 ratio)",
            }
        ]
    )
    fairness = pd.DataFrame(
        [
            {
                "cycle": CYCLE,
                "attribute": "gender",
                "value": v,
                "count": 5,
                "top_count": 2,
                "top_rate": 0.4,
                "impact_ratio": ir,
                "fisher_pvalue": 0.5,
                "cmh_pvalue": 0.01,
                "pvalue_corrected": 0.02,
                "judgement": "adverse impact" if ir < 0.8 else "no adverse impact",
                "adverse_impact": ir < 0.8,
                "ratings": r,
            }
            for v, ir in (("Female", 1.0), ("Male", 0.7))
            for r in ("submitted", "suggested", "final")
        ]
    )
    summary = pd.DataFrame(
        [
            {
                "cycle": CYCLE,
                "rated": len(rated),
                "changes": 3,
                "outliers": 1,
                "inflation_before": 9.5,
                "inflation_after": 0.1,
                "variance_before": 20.0,
                "variance_after": 12.0,
                "adverse_impact_before": 1,
                "adverse_impact_after": 1,
            }
        ]
    )
    merit_plan = pd.DataFrame(
        [
            {
                "employee_id": e,
                "department": {p[0]: p[3] for p in PEOPLE}[e],
                "salary": float(employees.set_index("employee_id").loc[e, "salary"]),
                "rating": band(SCORES[e])[0],
                "compa_band": "mid",
                "matrix_pct": 0.03,
                "proration": 1.0,
                "merit_pct": 0.0371,
                "capped": False,
                "increase": 4580.25,
                "salary_increase": 4580.25,
                "lump_sum": 0.0,
                "new_salary": 128037.25,
                "note": None,
                "cycle": CYCLE,
            }
            for e in ACTIVE
            if e != "90001"
        ]
    )
    merit_pools = pd.DataFrame(
        [
            {
                "department": d,
                "headcount": 3,
                "payroll": 400000.0,
                "budget_share": 0.04,
                "budget": 16000.0,
                "spent": 15990.0,
                "used_pct": 99.94,
                "lump_sum_total": 0.0,
                "capped_count": 0,
                "scale": 1.2,
                "note": None,
                "cycle": CYCLE,
            }
            for d in ("Engineering", "Sales")
        ]
    )
    top_signals = pd.DataFrame(
        [
            {
                "employee_id": e,
                "as_of": pd.Timestamp("2026-11-01"),
                "probability": 0.9 if e == "90011" else 0.1,
                "potential": "high" if e == "90011" else "low",
                "drivers": "performance score averaging 80.0",
                "tenure_months": 40.0,
                "in_scope": True,
            }
            for e in ACTIVE
        ]
    )
    attrition = pd.DataFrame(
        [
            {
                "employee_id": e,
                "as_of": pd.Timestamp("2026-11-01"),
                "probability": 0.8 if e == HIGH_ATTRITION else 0.01,
                "risk": "high" if e == HIGH_ATTRITION else "low",
                "drivers": "compa-ratio 1.24 (above range); tenure 6.2 years",
                "tenure_months": 74.0,
            }
            for e in ACTIVE
        ]
    )
    signal_models = pd.DataFrame(
        [
            {
                "model": model,
                "auc": 0.86,
                "brier": 0.14,
                "brier_base_rate": 0.23,
                "n_test": 200,
                "n_test_positive": 70,
                "cutoff": "2026-07-01",
                "reason": None,
                "published": True,
            }
            for model in ("top_performer", "regrettable_attrition")
        ]
    )
    health = pd.DataFrame(
        [
            {
                "cycle": CYCLE,
                "metric": "manager_adoption",
                "name": "Manager adoption",
                "value": 0.5,
                "target": 0.95,
                "comparison": ">",
                "unit": "share of managers",
                "status": "at risk",
                "recommendation": "Follow up",
                "change": None,
                "trend": None,
                "detail": "1 of 2 managers submitted every rating they owe",
            },
            {
                "cycle": CYCLE,
                "metric": "appeal_rate",
                "name": "Appeal rate",
                "value": 0.02,
                "target": 0.05,
                "comparison": "<",
                "unit": "share of reviewed employees",
                "status": "healthy",
                "recommendation": None,
                "change": None,
                "trend": None,
                "detail": "0 of 10 appealed",
            },
            {
                "cycle": CYCLE,
                "metric": "employee_nps",
                "name": "Employee process score",
                "value": None,
                "target": 7.0,
                "comparison": ">",
                "unit": "mean score 0-10",
                "status": "no data",
                "recommendation": "No data for this cycle",
                "change": None,
                "trend": None,
                "detail": None,
            },
        ]
    )
    overall = pd.DataFrame(
        [
            {
                "cycle": CYCLE,
                "overall_status": "Needs attention",
                "at_risk": "Manager adoption",
                "no_data": "Employee process score",
            }
        ]
    )
    unmatched = pd.DataFrame(
        [
            {
                "source": "jira",
                "account_id": "acc-1",
                "account_name": "Mallory <b>",
                "account_email": None,
                "unmatched_reason": "no email in jira",
                "suggested_employee_id": "7",
                "suggested_employee_name": "Mallory <b> Jones",
                "suggestion_similarity": 0.93,
            }
        ]
    )
    threshold_fit = pd.DataFrame([
        {"cycle": CYCLE, "role": "support", "metric_key": "tickets_resolved", "metric_name": "Tickets resolved",
         "people": 6, "share_scored_0": 1.0, "share_scored_100": 0.0, "median_value": 6.0, "configured_meets": 100.0,
         "derived_meets": 4.0, "is_uninformative": True, "is_derivable": True, "scored_on": "derived"},
        {"cycle": CYCLE, "role": "support", "metric_key": "csat", "metric_name": "Customer satisfaction",
         "people": 6, "share_scored_0": 0.0, "share_scored_100": 0.2, "median_value": 4.6, "configured_meets": 4.5,
         "derived_meets": 4.4, "is_uninformative": False, "is_derivable": True, "scored_on": "configured"},
    ])  # fmt: skip
    coverage = pd.DataFrame([{"source": "jira", "accounts": 10, "matched_accounts": 9, "activity_records": 200,
                              "credited_records": 180, "uncredited_share": 0.1}])  # fmt: skip
    decided = rated[0]
    final_ratings = pd.DataFrame(
        [
            {
                "cycle": CYCLE,
                "employee_id": row["employee_id"],
                "final_rating": "Strong" if row["employee_id"] == decided else row.get("submitted_rating"),
                "rating_source": "decision" if row["employee_id"] == decided else (
                    "submitted" if isinstance(row.get("submitted_rating"), str) else "none"),
                "reason": "Impact beyond the team not reflected" if row["employee_id"] == decided else None,
            }
            for row in calibrated.to_dict("records")
        ]
    )  # fmt: skip
    rating_audit = pd.DataFrame(
        [
            {"employee_id": decided, "cycle": CYCLE, "stage": "submitted", "from_rating": None,
             "to_rating": "Meets", "proposed_by": "90002", "reason": "submitted by the manager",
             "proposed_at": pd.Timestamp("2026-10-05T10:00:00Z")},
            {"employee_id": decided, "cycle": CYCLE, "stage": "decided", "from_rating": "Meets",
             "to_rating": "Strong", "proposed_by": "committee:Engineering",
             "reason": "Impact beyond the team not reflected", "proposed_at": pd.Timestamp("2026-10-28T10:00:00Z")},
        ]
    )  # fmt: skip
    frames = {
        "employees": employees,
        "reporting_lines": lines,
        "performance": performance,
        "metric_scores": metric_scores,
        "competencies": competencies,
        "comments": comments,
        "readiness": readiness,
        "succession": succession,
        "calibrated": calibrated,
        "final_ratings": final_ratings,
        "rating_audit": rating_audit,
        "calibration_by_manager": by_manager,
        "calibration_by_group": by_group,
        "calibration_outliers": outliers,
        "calibration_fairness": fairness,
        "calibration_summary": summary,
        "merit_plan": merit_plan,
        "merit_pools": merit_pools,
        "top_signals": top_signals,
        "attrition_signals": attrition,
        "signal_models": signal_models,
        "process_health": health,
        "process_health_overall": overall,
        "unmatched_accounts": unmatched,
        "identity_coverage": coverage,
        "threshold_fit": threshold_fit,
        "target": TARGET,
        "cycles": pd.DataFrame({"cycle": [CYCLE], "quarter_start": [QUARTER], "cycle_state": ["calibrated"]}),
    }
    frames.update(overrides)
    return SiteData(**frames)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> tuple[Path, SiteReport]:
    out = tmp_path_factory.mktemp("published") / "dashboards"
    return out, build_site(make_data(), out)


def html_pages(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in sorted(root.rglob("*.html"))}


def without_style(html: str) -> str:
    return re.sub(r"<style>.*?</style>", "", html, flags=re.S)


def mentions_id(html: str, employee_id: str) -> bool:
    return re.search(rf"(?<![\w.]){re.escape(employee_id)}(?!\w)", without_style(html)) is not None


def figure_specs(html: str) -> dict[str, dict]:
    match = re.search(r'<script type="application/json" id="figures">(.*?)</script>', html, flags=re.S)
    assert match, "page has no figure JSON"
    spec = json.loads(match.group(1))
    return {f["id"].removeprefix("fig-"): f for f in spec["figures"]}


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs, self.srcs, self.tags = [], [], Counter()

    def handle_starttag(self, tag, attrs):
        self.tags[tag] += 1
        attrs = dict(attrs)
        if "href" in attrs:
            self.hrefs.append(attrs["href"])
        if "src" in attrs:
            self.srcs.append(attrs["src"])


def parsed(html: str) -> Links:
    links = Links()
    links.feed(html)
    return links


# --- figure builders -----------------------------------------------------------------------------------


def test_score_trend_plots_the_scores_given():
    history = pd.DataFrame(
        {
            "quarter": ["2026-Q1", "2026-Q2", "2026-Q3"],
            "performance_score": [55.0, 61.25, 70.5],
            "rating_band": ["Meets", "Meets", "Strong"],
        }
    )
    trace = fg.score_trend(history)["data"][0]
    assert trace["x"] == ["2026-Q1", "2026-Q2", "2026-Q3"]
    assert trace["y"] == pytest.approx([55.0, 61.25, 70.5], abs=0.05)  # rounded to 0.1 for display
    assert trace["text"] == ["Meets", "Meets", "Strong"]


def test_band_distribution_counts_match_the_frame_and_target_scales_to_the_team():
    bands = ["Meets", "Strong", "Meets", "Improvement", "Meets", None, "Exceptional", "Strong"]
    figure = fg.band_distribution(bands, TARGET)
    bars, target = figure["data"]
    counted = Counter(b for b in bands if b)
    assert bars["x"] == ["Exceptional", "Strong", "Meets", "Improvement"]
    assert bars["y"] == [counted[b] for b in bars["x"]]
    assert target["y"] == pytest.approx([0.10 * 7, 0.25 * 7, 0.50 * 7, 0.15 * 7], abs=0.006)
    percent = fg.band_distribution(bands, TARGET, percent=True)["data"]
    assert sum(percent[0]["y"]) == pytest.approx(100, abs=0.2)
    assert percent[1]["y"] == [10.0, 25.0, 50.0, 15.0]


def test_band_distribution_keeps_a_band_the_target_does_not_know():
    bars = fg.band_distribution(["Meets", "Outstanding"], TARGET)["data"][0]
    assert dict(zip(bars["x"], bars["y"])) == {
        "Exceptional": 0,
        "Strong": 0,
        "Meets": 1,
        "Improvement": 0,
        "Outstanding": 1,
    }


def test_top_bottom_shows_the_best_and_lowest_once_each():
    scores = pd.DataFrame(
        {"full_name": list("ABCDEFGHIJKL"), "performance_score": [50, 91, 12, 77, 64, 33, 88, 45, 70, np.nan, 20, 95]}
    )
    bottom, top = fg.top_bottom(scores, 3)["data"]
    assert top["y"][::-1] == ["L", "B", "G"] and top["x"][::-1] == [95, 91, 88]
    assert bottom["y"][::-1] == ["F", "K", "C"] and bottom["x"][::-1] == [33, 20, 12]
    small = fg.top_bottom(scores.head(3), 5)["data"]
    assert sorted(small[0]["y"] + small[1]["y"]) == ["A", "B", "C"]  # three people: nobody twice


def test_peer_benchmark_carries_only_summary_statistics():
    peers = [31.5, 44.0, 52.25, 58.0, 63.5, 70.0, 76.75, 90.0]
    figure = fg.peer_benchmark(peers, 61.0, "IC2 engineering")
    box, you = figure["data"]
    assert box["median"] == [pytest.approx(np.median(peers), abs=0.05)]
    assert box["q1"] == [pytest.approx(np.percentile(peers, 25), abs=0.05)]
    assert box["q3"] == [pytest.approx(np.percentile(peers, 75), abs=0.05)]
    assert "x" not in box and "y" in box and box["boxpoints"] is False  # no raw values to hover
    assert you["x"] == [61.0]
    text = json.dumps(figure)
    assert "31.5" not in text and "90.0" not in text  # neither the lowest nor the highest peer is readable


def test_metric_scores_plot_scores_and_label_value_against_target():
    metrics = pd.DataFrame(
        {
            "metric_name": ["Revenue closed", "Win rate"],
            "metric_score": [72.4, 51.0],
            "metric_band": ["Meets", "Improvement"],
            "metric_value": [186400.0, 0.27],
            "unit": ["USD per month", "ratio"],
            "threshold_meets": [165000.0, 0.30],
        }
    )
    trace = fg.metric_scores(metrics)["data"][0]
    assert trace["x"] == [72.4, 51.0]
    assert "186,400 USD per month, target 165,000" in trace["y"][0]
    assert "0.27 ratio, target 0.30" in trace["y"][1]
    assert trace["marker"]["color"] == [fg.BAND_COLOURS["Meets"], fg.BAND_COLOURS["Improvement"]]


def test_competency_radar_closes_the_outline_with_the_levels_given():
    competencies = pd.DataFrame(
        {
            "competency_name": ["Execution", "Collaboration", "Communication"],
            "others_level": [3.5, 2.25, 4.0],
            "next_level_required": [3, 4, 3],
        }
    )
    now, required = fg.competency_radar(competencies, "IC3")["data"]
    assert now["r"] == [3.5, 2.25, 4.0, 3.5] and now["theta"][0] == now["theta"][-1] == "Execution"
    assert required["r"] == [3, 4, 3, 3] and required["name"] == "Required for IC3"
    top_of_ladder = competencies.assign(next_level_required=pd.NA)
    assert len(fg.competency_radar(top_of_ladder, None)["data"]) == 1


def test_category_trend_has_one_line_per_score_with_the_team_means():
    trend = {"quarter": ["2026-Q2", "2026-Q3"], "output_score": [40.0, 45.5], "performance_score": [50.0, 52.0]}
    lines = {t["name"]: t for t in fg.category_trend(trend)["data"]}
    assert lines["Output"]["y"] == [40.0, 45.5] and lines["Performance score"]["y"] == [50.0, 52.0]


def test_labels_from_the_data_are_escaped_for_plotly():
    figure = fg.top_bottom(pd.DataFrame({"full_name": [XSS_NAME, "Bob"], "performance_score": [80.0, 20.0]}))
    labels = figure["data"][0]["y"] + figure["data"][1]["y"]
    assert "&lt;img src=x onerror=alert(1)&gt;" in labels
    assert all("<img" not in label for label in labels)


def test_every_figure_is_a_valid_plotly_figure():
    """The dict builders skip plotly's validation for speed; validate them once here."""
    org = Org(make_data())
    links = cells.Links(people=file_names(org.people.index, "people"), managers=file_names(org.managers, "managers"))
    contexts = [
        individual(org, "90012", links),
        manager(org, "90002", links),
        executive(org, links),
        hr_calibration(org, links),
        hr_merit(org, links),
        hr_promotion(org, links),
        hr_unmatched(org, links),
    ]
    checked = 0
    for context in contexts:
        for figure in context["figures"].values():
            go.Figure(figure)  # raises on any attribute plotly.js does not know
            assert figure["layout"]["title"]["text"]
            checked += 1
    assert checked >= 15


# --- the published site --------------------------------------------------------------------------------


def test_site_layout_and_report(site):
    root, report = site
    expected = {
        "index.html",
        "executive.html",
        "hr/calibration.html",
        "hr/calibration-pack-engineering-ic.html",
        "hr/merit.html",
        "hr/promotion.html",
        "hr/unmatched-accounts.html",
        "hr/metric-thresholds.html",
        "hr/process-health.html",
        *(f"people/{e}.html" for e in ACTIVE),
        "managers/90001.html",
        "managers/90002.html",
        "managers/90003.html",
    }
    assert set(html_pages(root)) == expected  # 90099 left: no page
    assert report.index == (root / "index.html").resolve() and report.index.is_file()
    assert report.pages == len(expected)
    largest = max(p.stat().st_size for p in (root / "people").glob("*.html"))
    assert report.largest_individual_kb == pytest.approx(largest / 1024, abs=0.05)
    total = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
    assert report.total_mb == pytest.approx(total / 1024 / 1024, abs=0.01)
    assert report.seconds > 0


def test_index_links_to_every_page_and_every_link_resolves(site):
    root, _ = site
    all_pages = html_pages(root)
    index_links = set(parsed(all_pages["index.html"]).hrefs)
    assert set(all_pages) - {"index.html"} <= index_links
    for name, html in all_pages.items():
        for href in parsed(html).hrefs:
            assert not re.match(r"^[a-z]+:|^//|^/", href), f"{name}: {href} is not a relative link"
            assert (root / name).parent.joinpath(href).resolve().is_file(), f"{name}: broken link {href}"


def test_plotly_js_is_shipped_once_and_referenced_locally(site):
    root, _ = site
    assert [p.name for p in root.rglob("*.js")] == [PLOTLY_JS]
    assert (root / PLOTLY_JS).read_text(encoding="utf-8") == get_plotlyjs()
    for name, html in html_pages(root).items():
        srcs = parsed(html).srcs
        if "figures" in html and name != "index.html":
            assert srcs, name
        for src in srcs:
            assert src.endswith(PLOTLY_JS) and (root / name).parent.joinpath(src).resolve() == (root / PLOTLY_JS)


def test_pages_are_offline(site):
    root, _ = site
    for name, html in html_pages(root).items():
        lowered = html.lower()
        for forbidden in (
            "http://",
            "https://",
            "http:\\u002f\\u002f",
            "https:\\u002f\\u002f",
            "cdn",
            "mathjax",
            "@import",
            "url(",
            "fonts.g",
        ):
            assert forbidden not in lowered, f"{name} contains {forbidden!r}"
        assert parsed(html).tags["link"] == 0 and parsed(html).tags["iframe"] == 0, name
        if "figures" in html:
            config = json.loads(re.search(r'id="figures">(.*?)</script>', html, re.S).group(1))["config"]
            assert config["displaylogo"] is False and config["typesetMath"] is False
            assert config["showSendToCloud"] is False and not config["topojsonURL"].startswith(("http", "//"))


def test_individual_pages_are_small(site):
    root, _ = site
    for page in (root / "people").glob("*.html"):
        assert page.stat().st_size < 100 * 1024, page.name


def test_individual_page_holds_only_that_persons_data(site):
    root, _ = site
    for employee_id in ACTIVE:
        html = (root / "people" / f"{employee_id}.html").read_text(encoding="utf-8")
        for other, name in NAMES.items():
            if other == employee_id:
                continue
            assert not mentions_id(html, other), f"{employee_id}'s page mentions {other}"
            assert name not in html and name.replace("<", "&lt;").replace(">", "&gt;") not in html, (
                f"{employee_id}'s page names {other}"
            )


def test_manager_page_stays_within_the_reporting_line(site):
    root, _ = site
    for manager_id in ("90001", "90002", "90003"):
        line = {e for e in NAMES if manager_id in chain(e) and e in ACTIVE} | {manager_id}
        html = (root / "managers" / f"{manager_id}.html").read_text(encoding="utf-8")
        for other, name in NAMES.items():
            if other in line:
                continue
            assert not mentions_id(html, other), f"manager {manager_id}'s page mentions {other}"
            assert name not in html, f"manager {manager_id}'s page names {other}"


def test_pay_appears_only_on_hr_pages(site):
    root, _ = site
    all_pages = html_pages(root)
    assert any(s in all_pages["hr/merit.html"] for s in SALARY_TEXTS)
    for name, html in all_pages.items():
        if name.startswith("hr/"):
            continue
        for forbidden in (*SALARY_TEXTS, "compa-ratio", "compa ratio", "pay range", "salary"):
            assert forbidden not in html.lower(), f"{name} shows {forbidden!r}"


def test_source_text_is_escaped_everywhere(site):
    root, _ = site
    all_pages = html_pages(root)
    for name, html in all_pages.items():
        assert XSS_NAME not in html, name
        assert XSS_COMMENT not in html, name
        assert "<img" not in html and "alert(1)</script>" not in html, name
        assert "<b>" not in html, name  # an account named 'Mallory <b>'
        assert html.count("</script>") == html.count("<script"), name
    person = all_pages["people/90011.html"]
    assert "&lt;img src=x onerror=alert(1)&gt;" in person  # the name is shown, as text
    comment_page = all_pages["people/90012.html"]
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in comment_page
    assert "Clear writer &amp; reviewer." in comment_page


def test_figure_json_cannot_close_its_script_element():
    markup = figures_json({"x": {"data": [{"type": "bar", "x": [XSS_COMMENT], "y": [1]}], "layout": {}}})
    assert "<" not in markup and ">" not in markup and "</" not in markup
    assert json.loads(str(markup))["figures"][0]["data"][0]["x"] == [XSS_COMMENT]


def test_individual_page_figures_show_the_persons_data(site):
    root, _ = site
    figures = figure_specs((root / "people" / "90012.html").read_text(encoding="utf-8"))
    trend = figures["trend"]["data"][0]
    assert trend["x"] == ["2026-Q1", "2026-Q2", "2026-Q3"]  # the running quarter 2026-Q4 is left out
    assert trend["y"] == pytest.approx(history_of("90012"), abs=0.05)
    metrics = figures["metrics"]["data"][0]
    assert metrics["x"] == [66.0 - 3, 77.0 - 3]  # 90012 is the second engineer: scores minus 3
    peers = [SCORES[e] for e in ENGINEERS if e != "90012"]
    box = figures["peers"]["data"][0]
    assert box["median"] == [pytest.approx(np.median(peers), abs=0.05)]
    assert figures["peers"]["data"][1]["x"] == [SCORES["90012"]]  # 71.25: two decimals kept
    radar = figures["competencies"]["data"]
    assert radar[0]["theta"] == ["Collaboration", "Communication", "Execution", "Collaboration"]
    assert radar[0]["r"] == [2.5, 4.0, 3.5, 2.5] and radar[1]["r"] == [3, 3, 3, 3]


def test_individual_page_text_sections(site):
    root, _ = site
    html = (root / "people" / "90012.html").read_text(encoding="utf-8")
    assert "Leadership and mentorship" in html and "Below IC3 requirement: Collaboration" in html
    assert "Ready in 12 months" in html
    assert "Clear writer &amp; reviewer." in html
    assert "An old comment from long ago." not in html  # only the organisation's two most recent cycles
    assert "Ships reliably." in (root / "people" / "90013.html").read_text(encoding="utf-8")
    lone = (root / "people" / "90021.html").read_text(encoding="utf-8")  # two sales peers: too few to compare
    assert "peers" not in figure_specs(lone) and "no benchmark is shown" in lone


def test_manager_page_lists_people_at_risk_missing_ratings_and_outliers(site):
    root, _ = site
    html = (root / "managers" / "90002.html").read_text(encoding="utf-8")
    figures = figure_specs(html)
    bars = figures["distribution"]["data"][0]
    expected = Counter(band(SCORES[e])[0] for e in ENGINEERS)
    assert dict(zip(bars["x"], bars["y"])) == {b: expected[b] for b in bars["x"]}
    top_bottom = figures["top_bottom"]["data"]
    assert sorted(top_bottom[0]["x"] + top_bottom[1]["x"]) == sorted(SCORES[e] for e in ENGINEERS)
    assert "Frances Allen" in html and "Improvement band this quarter" in html  # score 33
    assert "Barbara Liskov" in html and "high attrition risk" in html  # attrition 'high'
    assert f"Submit your {CYCLE} rating for John Backus." in html
    assert "Agree an improvement plan with Frances Allen" in html  # complete data: the plan stands
    assert "Check the data behind the scores of Edsger Dijkstra" in html  # low coverage
    ceo = (root / "managers" / "90001.html").read_text(encoding="utf-8")
    assert f"Ask Alan Turing to submit the {CYCLE} rating for John Backus." in ceo
    sales = (root / "managers" / "90003.html").read_text(encoding="utf-8")
    assert "Radia Perlman (rated Exceptional, data says Improvement)" in sales
    assert "Win rate 10/100 (0.12 ratio)" in sales


def test_manager_page_shows_the_whole_roster_and_the_managers_own_inflation(site):
    root, _ = site
    ceo = (root / "managers" / "90001.html").read_text(encoding="utf-8")
    roster = ceo.split("<h2>Everyone in my reporting line</h2>", 1)[1].split("<h2>", 1)[0]
    for employee_id in ENGINEERS:
        assert f"../people/{employee_id}.html" in roster  # everyone, not only those at risk
    assert 'href="../managers/90002.html"' in roster  # a sub-manager's page
    assert "Final rating" in roster and "incomplete: the score rests on data for 50%" in roster  # 90013
    ada = (root / "managers" / "90003.html").read_text(encoding="utf-8")
    assert "Your rating inflation" in ada and "+52.0%" in ada


def test_a_low_score_on_incomplete_data_waits_for_the_data_before_an_improvement_plan(tmp_path):
    data = make_data()
    performance = data.performance.copy()
    frances = performance["employee_id"] == "90015"
    performance.loc[frances, ["coverage", "is_low_coverage"]] = [0.4, True]
    build_site(make_data(performance=performance), tmp_path / "site")
    html = (tmp_path / "site" / "managers" / "90002.html").read_text(encoding="utf-8")
    assert "Agree an improvement plan with Frances Allen" not in html
    assert "Before any improvement plan, have HR complete the data of Frances Allen" in html
    person = (tmp_path / "site" / "people" / "90015.html").read_text(encoding="utf-8")
    assert "Your score may not tell the whole story: the score rests on data for 40% of its weight" in person


def test_executive_and_hr_pages(site):
    root, _ = site
    executive = (root / "executive.html").read_text(encoding="utf-8")
    assert "Needs attention" in executive
    assert '<span class="status at-risk">at risk</span>' in executive
    assert '<span class="status healthy">healthy</span>' in executive
    assert '<span class="status no-data">no data</span>' in executive
    figures = figure_specs(executive)
    assert {"distribution", "department_trend", "department_bands", "signals", "succession", "merit"} <= set(figures)
    # Ratings as submitted, final and the target side by side (not the score bands, on target by construction).
    submitted, final, target = figures["distribution"]["data"]
    assert [submitted["name"], final["name"], target["name"]] == ["Submitted by managers", "Final", "Target"]
    data = make_data()
    rated = data.calibrated["submitted_rating"].dropna()
    assert dict(zip(submitted["x"], submitted["y"])) == pytest.approx(
        {b: 100 * (rated == b).mean() for b in submitted["x"]}, abs=0.05
    )
    finals = data.final_ratings["final_rating"].dropna()
    assert dict(zip(final["x"], final["y"])) == pytest.approx(
        {b: 100 * (finals == b).mean() for b in final["x"]}, abs=0.05
    )
    assert "Merit by rating" in executive and "Merit budget used" not in executive
    assert "Ready for promotion now" in executive and "of the readiness factors on average" in executive
    assert "gender Male (see the HR calibration report)" in executive
    calibration = (root / "hr" / "calibration.html").read_text(encoding="utf-8")
    inflation = figure_specs(calibration)["inflation"]["data"][0]
    assert dict(zip(inflation["y"], inflation["x"])) == {"Ada Lovelace": 52.0, "Alan Turing": -4.0}
    assert "Katherine Johnson" in calibration and "adverse impact" in calibration  # a suggestion and a flag
    unmatched = (root / "hr" / "unmatched-accounts.html").read_text(encoding="utf-8")
    assert "Mallory &lt;b&gt;" in unmatched and "no email in jira" in unmatched
    assert "Mallory &lt;b&gt; Jones (7), 0.93" in unmatched and "10%" in unmatched
    calibration = (root / "hr" / "calibration.html").read_text(encoding="utf-8")
    assert "Not rated this cycle" in calibration and "review outstanding with 90002" in calibration
    assert "All employees (small groups pooled)" in calibration and "not forced" in calibration
    thresholds = (root / "hr" / "metric-thresholds.html").read_text(encoding="utf-8")
    assert "Tickets resolved" in thresholds and "derived thresholds" in thresholds and "100%" in thresholds
    promotion = (root / "hr" / "promotion.html").read_text(encoding="utf-8")
    assert "Ready now" in promotion and NAMES["90012"] in promotion


# --- publishing ----------------------------------------------------------------------------------------


def test_rebuild_replaces_the_site_without_leftovers(tmp_path):
    out = tmp_path / "site"
    build_site(make_data(), out)
    (out / "people" / "stale.html").write_text("old", encoding="utf-8")
    smaller = make_data(
        employees=make_data().employees.assign(is_active=lambda e: e["is_active"] & (e["employee_id"] != "90023"))
    )
    build_site(smaller, out)
    assert not (out / "people" / "stale.html").exists() and not (out / "people" / "90023.html").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no temporary or old folders left


def test_refuses_to_replace_a_folder_it_did_not_make(tmp_path):
    out = tmp_path / "data"
    out.mkdir()
    (out / "warehouse.duckdb").write_text("precious", encoding="utf-8")
    with pytest.raises(ValueError, match="not made by build_site"):
        build_site(make_data(), out)
    assert (out / "warehouse.duckdb").read_text(encoding="utf-8") == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]


def test_untrusted_ids_become_safe_file_names():
    assert safe_name("90012") == "90012" and safe_name("emp_7-b") == "emp_7-b"
    names = {bad: safe_name(bad) for bad in ("../etc/passwd", "a/b", "..", "", "x y", "é", "<b>")}
    for bad, name in names.items():
        assert re.fullmatch(r"[A-Za-z0-9_-]+", name) and name != bad
    assert len(set(names.values())) == len(names)


def test_two_ids_sharing_a_file_name_are_an_error(monkeypatch):
    monkeypatch.setattr("dashboards.site.safe_name", lambda employee_id: "same")
    with pytest.raises(ValueError, match="same file"):
        file_names(["a", "b"], "people")


def test_a_site_with_an_unsafe_id(tmp_path):
    data = make_data()
    weird = "../<b>9"
    renamed = {"90013": weird}
    frames = {}
    for field in dataclasses.fields(SiteData):
        frame = getattr(data, field.name).copy()
        for column in ("employee_id", "manager_id"):
            if column in frame.columns:
                frame[column] = frame[column].replace(renamed)
        frames[field.name] = frame
    out = tmp_path / "site"
    build_site(SiteData(**frames), out)
    page = out / "people" / f"{safe_name(weird)}.html"
    assert page.is_file() and "Edsger Dijkstra" in page.read_text(encoding="utf-8")
    assert all(p.resolve().is_relative_to(out.resolve()) for p in out.rglob("*"))
    index = (out / "index.html").read_text(encoding="utf-8")
    assert f'href="people/{safe_name(weird)}.html"' in index and "<b>9" not in index


def test_empty_analytics_still_build_a_site(tmp_path):
    data = make_data()
    empty = {
        f.name: getattr(data, f.name).iloc[0:0]
        for f in dataclasses.fields(SiteData)
        if f.name not in ("employees", "reporting_lines", "performance", "target")
    }
    report = build_site(
        SiteData(**{**{f.name: getattr(data, f.name) for f in dataclasses.fields(SiteData)}, **empty}),
        tmp_path / "site",
    )
    assert report.pages == len(ACTIVE) + 3 + 1 + 6 + 1  # people, managers, executive, HR, index
    executive = (tmp_path / "site" / "executive.html").read_text(encoding="utf-8")
    assert "Process health has not been measured" in executive


def test_an_empty_warehouse_builds_the_fixed_pages(tmp_path):
    data = make_data()
    empty = SiteData(**{f.name: getattr(data, f.name).iloc[0:0] for f in dataclasses.fields(SiteData)})
    report = build_site(empty, tmp_path / "site")
    assert report.pages == 1 + 1 + 6 and report.largest_individual_kb == 0
    assert "No complete quarter yet" in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")


def test_the_calibration_meeting_pack_has_what_the_meeting_decides_on(site):
    root, _ = site
    pack = (root / "hr" / "calibration-pack-engineering-ic.html").read_text(encoding="utf-8")
    for heading in ("Distribution against the target", "Boundary cases", "Outliers and their evidence",
                    "Managers furthest from the target", "Decisions still missing"):  # fmt: skip
        assert f"<h2>{heading}</h2>" in pack
    assert "@media print" in pack and "just above a lower band" in pack
    decided = make_data().final_ratings.query("rating_source == 'decision'")["employee_id"].iloc[0]
    pending = pack.split("<h2>Decisions still missing</h2>", 1)[1]
    assert f"people/{decided}.html" not in pending and "people/" in pending
    calibration = (root / "hr" / "calibration.html").read_text(encoding="utf-8")
    assert 'href="../hr/calibration-pack-engineering-ic.html"' in calibration
    assert "Rating history" in calibration and "committee:Engineering" in calibration
    assert "Final (meeting" in calibration


def test_attrition_risk_is_not_shown_from_a_model_that_does_not_beat_the_base_rate(tmp_path):
    data = make_data()
    models = data.signal_models.assign(
        published=lambda m: m["model"] != "regrettable_attrition",
        reason=lambda m: np.where(m["published"], None, "not published: does not beat the base rate"),
    )
    root = tmp_path / "site"
    build_site(make_data(signal_models=models), root)
    executive = (root / "executive.html").read_text(encoding="utf-8")
    assert "the model does not beat the base rate yet" in executive
    assert "High attrition risk" in executive
    pages = " ".join(p.read_text(encoding="utf-8") for p in (root / "managers").glob("*.html"))
    assert "high attrition risk" not in pages.replace("band or high attrition risk", "")
    build_site(make_data(), tmp_path / "published")
    published = " ".join(p.read_text(encoding="utf-8") for p in (tmp_path / "published" / "managers").glob("*.html"))
    assert "high attrition risk:" in published  # the same data with the model published does flag someone


def test_a_partial_quarter_is_marked_where_scores_are_shown(tmp_path):
    data = make_data()
    performance = data.performance.assign(
        is_partial_period=lambda f: (f["period_type"] == "quarter") & (f["period_start"] == QUARTERS[0])
    )
    build_site(make_data(performance=performance), tmp_path / "site")
    trend = figure_specs((tmp_path / "site" / "people" / "90012.html").read_text(encoding="utf-8"))["trend"]
    labels = [x for trace in trend["data"] for x in trace["x"]]
    assert "2026-Q1 (partial)" in labels and "2026-Q2" in labels and "2026-Q2 (partial)" not in labels
