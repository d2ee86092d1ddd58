"""Process health: each metric from its input, status against the targets seed, trend, overall status."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analytics.health import (
    NO_DATA_RECOMMENDATION,
    appeal_rate,
    data_completeness,
    employee_process_score,
    manager_adoption,
    overall_health,
    process_health,
    review_hours_per_employee,
    source_freshness,
)

SEEDS = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds"
TARGETS = pd.read_csv(SEEDS / "process_health_targets.csv")
AS_OF = "2026-10-02T12:00:00Z"


def frame(columns, *rows):
    return pd.DataFrame(list(rows), columns=columns)


def expected(*rows):
    return frame(["cycle", "employee_id", "manager_id"], *rows)


def ratings(*rows):
    return frame(["cycle", "employee_id", "manager_id", "submitted_at"], *rows)


def completions(*rows):
    return frame(["cycle", "employee_id", "reviewer_id", "started_at", "finished_at"], *rows)


def surveys(*rows):
    return frame(["cycle", "score"], *rows)


def appeals(*rows):
    return frame(["cycle", "employee_id"], *rows)


def metric_scores(*rows):
    return frame(["cycle", "metric_value"], *rows)


def loads(*rows):
    return frame(["source", "loaded_at"], *rows)


def by_cycle(measured):
    return measured.set_index("cycle")["value"].to_dict()


def healthy_cycle(cycle="2026-Q3"):
    """Inputs that meet every target in one cycle."""
    return {
        "expected_reviews": expected((cycle, "e1", "m1")),
        "manager_ratings": ratings((cycle, "e1", "m1", "2026-10-01")),
        "completions": completions((cycle, "e1", "m1", "2026-10-01 09:00", "2026-10-01 10:00")),
        "survey_responses": surveys((cycle, 9)),
        "appeals": appeals(),
        "calibration_variance_pct": frame(["cycle", "calibration_variance_pct"], (cycle, 5.0)),
        "metric_scores": metric_scores((cycle, 1.0)),
        "source_loads": loads(("jira", "2026-10-02T06:00:00Z")),
        "as_of": AS_OF,
    }


def test_the_seed_targets_are_the_guides():
    targets = TARGETS.set_index("metric")
    assert targets["target"].to_dict() == {
        "manager_adoption": 0.95,
        "data_freshness_hours": 24,
        "employee_nps": 7.0,
        "review_hours_per_employee": 2,
        "calibration_variance_pct": 10,
        "appeal_rate": 0.05,
        "data_completeness": 0.90,
    }
    assert targets["comparison"].to_dict() == {
        "manager_adoption": ">",
        "data_freshness_hours": "<",
        "employee_nps": ">",
        "review_hours_per_employee": "<",
        "calibration_variance_pct": "<",
        "appeal_rate": "<",
        "data_completeness": ">",
    }
    assert targets["recommendation"].notna().all()


def test_adoption_counts_managers_who_submitted_every_rating_they_owe():
    owed = expected(("Q", "e1", "m1"), ("Q", "e2", "m1"), ("Q", "e3", "m2"), ("Q", "e4", "m3"), ("Q", "e5", "m4"))
    submitted = ratings(
        ("Q", "e1", "m1", "2026-10-01"),
        ("Q", "e2", "m1", "2026-10-02"),  # m1: all submitted
        ("Q", "e3", "m2", None),  # m2: started, not submitted
        ("Q", "e4", "m9", "2026-10-01"),  # m3: someone else rated their report
        ("Q", "e5", "m4", "2026-10-01"),
        ("Q", "e5", "m4", "2026-10-03"),  # m4: resubmitted
        ("Q", "x1", "m5", "2026-10-01"),
    )  # m5 owes nothing (no reports): not counted
    out = manager_adoption(owed, submitted)
    assert by_cycle(out) == {"Q": pytest.approx(2 / 4)}
    assert out["detail"].iloc[0] == "2 of 4 managers submitted every rating they owe"


def test_review_hours_cap_sessions_sum_reviewers_and_skip_unfinished():
    out = review_hours_per_employee(
        completions(
            ("Q", "e1", "m1", "2026-10-01 09:00", "2026-10-01 10:30"),  # 1.5 h
            ("Q", "e1", "m2", "2026-10-01 09:00", "2026-10-05 09:00"),  # 96 h open: counts as 4
            ("Q", "e2", "m1", "2026-10-01 09:00", "2026-10-01 09:30"),  # 0.5 h
            ("Q", "e3", "m1", "2026-10-01 09:00", None),
        )
    )  # unfinished: left out
    assert by_cycle(out) == {"Q": pytest.approx(((1.5 + 4) + 0.5) / 2)}
    assert out["detail"].iloc[0] == (
        "3 finished reviews (1 unfinished left out); 0 with active time recorded, "
        "1 without it open longer than 4 h (counted as 4 h)"
    )
    assert by_cycle(
        review_hours_per_employee(
            completions(("Q", "e1", "m1", "2026-10-01 09:00", "2026-10-05 09:00")), max_session_hours=8
        )
    ) == {"Q": 8.0}


def test_review_hours_use_the_active_time_the_tool_records():
    rows = completions(
        ("Q", "e1", "m1", "2026-10-01 09:00", "2026-10-09 09:00"),  # open 8 days, 45 min of work
        ("Q", "e2", "m1", "2026-10-01 09:00", "2026-10-03 09:00"),  # open 2 days, 135 min of work
        ("Q", "e3", "m1", "2026-10-01 09:00", "2026-10-01 10:00"),
    )  # no active time recorded: 1 h span
    out = review_hours_per_employee(rows.assign(active_minutes=[45, 135, None]))
    assert by_cycle(out) == {"Q": pytest.approx((0.75 + 2.25 + 1.0) / 3)}
    assert "2 with active time recorded, 0 without it open longer than 4 h" in out["detail"].iloc[0]
    with pytest.raises(ValueError, match="negative active_minutes.*employee_id e1"):
        review_hours_per_employee(rows.assign(active_minutes=[-5, 1, 1]))


def test_review_hours_reject_time_travel():
    with pytest.raises(ValueError, match="finished_at before started_at.*employee_id e7"):
        review_hours_per_employee(completions(("Q", "e7", "m1", "2026-10-02", "2026-10-01")))


def test_survey_mean_and_bad_scores():
    assert by_cycle(employee_process_score(surveys(("Q", 10), ("Q", 6), ("Q", None), ("R", 0)))) == {"Q": 8.0, "R": 0.0}
    with pytest.raises(ValueError, match="outside 0-10.*cycle Q"):
        employee_process_score(surveys(("Q", 11)))


def test_appeal_rate_counts_people_and_is_zero_without_appeals():
    rated = ratings(
        *[("Q", f"e{i}", "m1", "2026-10-01") for i in range(10)],
        ("R", "e1", "m1", "2027-01-01"),
        ("R", "e2", "m1", None),
    )
    out = appeal_rate(appeals(("Q", "e1"), ("Q", "e1"), ("Q", "e2")), rated)
    assert by_cycle(out) == {"Q": pytest.approx(2 / 10), "R": 0.0}
    assert by_cycle(appeal_rate(appeals(), rated)) == {"Q": 0.0, "R": 0.0}


def test_completeness_is_the_share_of_values_present_per_cycle():
    out = data_completeness(metric_scores(("2026-Q3", 1.0), ("2026-Q3", None), ("2026-Q3", 0.0), ("2025-Q4", None)))
    assert by_cycle(out) == {"2026-Q3": pytest.approx(2 / 3), "2025-Q4": 0.0}


def test_freshness_names_the_stalest_source():
    out = source_freshness(
        loads(("jira", "2026-10-02T06:00:00Z"), ("jira", "2026-09-30T06:00:00Z"), ("github", "2026-10-01T12:00:00Z")),
        "2026-10-02 12:00",
    )
    assert out[["source", "hours_since_load"]].to_dict("records") == [
        {"source": "github", "hours_since_load": 24.0},
        {"source": "jira", "hours_since_load": 6.0},
    ]
    with pytest.raises(ValueError, match="load after as_of.*source jira"):
        source_freshness(loads(("jira", "2026-10-03")), "2026-10-02")


def test_all_targets_met_is_healthy_with_no_recommendation():
    health = process_health(TARGETS, **healthy_cycle())
    assert list(health["metric"]) == list(TARGETS["metric"])
    assert (health["status"] == "healthy").all(), health[["metric", "value", "status"]]
    assert health["recommendation"].isna().all()
    assert health.set_index("metric").loc["data_freshness_hours", "detail"] == (
        "stalest source: jira, loaded 2026-10-02 06:00 UTC"
    )
    assert overall_health(health).to_dict("records") == [
        {"cycle": "2026-Q3", "overall_status": "Healthy", "at_risk": None, "no_data": None}
    ]


def test_a_value_on_its_target_is_at_risk_and_gets_the_seed_recommendation():
    inputs = healthy_cycle() | {
        "calibration_variance_pct": frame(["cycle", "calibration_variance_pct"], ("2026-Q3", 10.0))
    }
    health = process_health(TARGETS, **inputs).set_index("metric")
    assert health.loc["calibration_variance_pct", "status"] == "at risk"
    assert (
        health.loc["calibration_variance_pct", "recommendation"]
        == (TARGETS.set_index("metric").loc["calibration_variance_pct", "recommendation"])
    )
    rollup = overall_health(health.reset_index())
    assert rollup["overall_status"].tolist() == ["Needs attention"]
    assert rollup["at_risk"].tolist() == ["Calibration variance"]


def test_cycle_without_survey_is_no_data_and_freshness_only_on_the_latest_cycle():
    earlier, latest = healthy_cycle("2026-Q2"), healthy_cycle("2026-Q3")
    inputs = {
        key: pd.concat([earlier[key], latest[key]], ignore_index=True)
        for key in latest
        if isinstance(latest[key], pd.DataFrame) and key != "source_loads"
    }
    inputs["survey_responses"] = surveys(("2026-Q2", 8))
    health = process_health(TARGETS, **inputs, source_loads=latest["source_loads"], as_of=AS_OF)
    q3 = health[health["cycle"] == "2026-Q3"].set_index("metric")
    assert q3.loc["employee_nps", "status"] == "no data"
    assert np.isnan(q3.loc["employee_nps", "value"])
    assert q3.loc["employee_nps", "recommendation"] == NO_DATA_RECOMMENDATION
    assert health.loc[health["metric"] == "data_freshness_hours", "cycle"].tolist() == ["2026-Q3"]
    assert overall_health(health).set_index("cycle")["overall_status"].to_dict() == {
        "2026-Q2": "Healthy",
        "2026-Q3": "Needs attention",
    }


def test_change_and_trend_follow_the_direction_of_the_target():
    inputs = healthy_cycle("2026-Q3")
    inputs["survey_responses"] = surveys(("2026-Q2", 8), ("2026-Q3", 7.5))
    inputs["calibration_variance_pct"] = frame(
        ["cycle", "calibration_variance_pct"], ("2026-Q2", 12.0), ("2026-Q3", 9.0)
    )
    health = process_health(TARGETS, **inputs).set_index(["cycle", "metric"])
    assert health.loc[("2026-Q3", "employee_nps"), "change"] == pytest.approx(-0.5)
    assert health.loc[("2026-Q3", "employee_nps"), "trend"] == "worse"
    assert health.loc[("2026-Q3", "calibration_variance_pct"), "change"] == pytest.approx(-3.0)
    assert health.loc[("2026-Q3", "calibration_variance_pct"), "trend"] == "better"
    assert pd.isna(health.loc[("2026-Q2", "employee_nps"), "trend"])
    # adoption has no Q2 value: no change to report
    assert np.isnan(health.loc[("2026-Q3", "manager_adoption"), "change"])


def test_inputs_not_given_are_no_data_and_metric_quarters_add_no_cycle():
    health = process_health(
        TARGETS,
        survey_responses=surveys(("2026-Q3", 8)),
        metric_scores=metric_scores(("2026-Q3", 1.0), ("2026-Q4", 1.0)),
    )
    assert set(health["cycle"]) == {"2026-Q3"}
    status = health.set_index("metric")["status"]
    assert status["employee_nps"] == "healthy" and status["data_completeness"] == "healthy"
    assert (status.drop(["employee_nps", "data_completeness"]) == "no data").all()  # freshness too


def test_empty_inputs_give_empty_frames():
    empty = healthy_cycle()
    empty = {key: value.iloc[:0] if isinstance(value, pd.DataFrame) else value for key, value in empty.items()}
    health = process_health(TARGETS, **empty)
    assert health.empty and "status" in health.columns
    assert overall_health(health).empty
    assert manager_adoption(expected(), ratings()).empty
    assert review_hours_per_employee(completions()).empty


def test_bad_targets_and_missing_columns_are_reported():
    with pytest.raises(ValueError, match="no target for 'appeal_rate'"):
        process_health(TARGETS[TARGETS["metric"] != "appeal_rate"])
    with pytest.raises(ValueError, match="comparison '>='"):
        process_health(TARGETS.assign(comparison=TARGETS["comparison"].where(TARGETS.index != 0, ">=")))
    with pytest.raises(ValueError, match="unknown metric 'nps'"):
        process_health(pd.concat([TARGETS, TARGETS.head(1).assign(metric="nps")]))
    with pytest.raises(ValueError, match="manager_ratings is missing required column.*submitted_at"):
        manager_adoption(expected(), ratings().drop(columns="submitted_at"))
    with pytest.raises(ValueError, match="as_of"):
        process_health(TARGETS, **(healthy_cycle() | {"as_of": None}))
