"""Promotion readiness: the guide's factor formulas, renormalisation, readiness cut-offs, succession."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analytics.promotion import (
    PromotionConfig,
    competencies_below_requirement,
    performance_history_score,
    promotion_readiness,
    scope_score,
    skill_gap_score,
    succession,
)

SEEDS = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds"
CONFIG = PromotionConfig()


def employees(*ids, next_level="IC3", department="Engineering", level="IC2"):
    return pd.DataFrame(
        {
            "employee_id": list(ids),
            "department": department,
            "level": level,
            "next_level": next_level,
            "level_group": "IC",
        }
    )


def history(*rows):
    return pd.DataFrame(list(rows), columns=["employee_id", "cycle", "rating"])


def gaps(*rows):
    """rows: (employee_id, competency name, required level, gap)."""
    frame = pd.DataFrame(
        list(rows), columns=["employee_id", "competency_name", "next_level_required", "gap_to_next_level"]
    )
    return frame.assign(competency=frame["competency_name"].str.lower())


def scope(*rows):
    return pd.DataFrame(list(rows), columns=["employee_id", "projects_led", "mentees"])


def impact(*rows):
    return pd.DataFrame(list(rows), columns=["employee_id", "impact_score"])


def readiness_of(people, hist=(), gap_rows=(), scope_rows=(), impact_rows=(), config=CONFIG):
    return promotion_readiness(
        people, history(*hist), gaps(*gap_rows), scope(*scope_rows), impact(*impact_rows), config
    ).set_index("employee_id")


def test_seeds_mirror_the_guide_defaults():
    config = PromotionConfig.from_seeds(
        pd.read_csv(SEEDS / "promotion_factors.csv"),
        pd.read_csv(SEEDS / "readiness_levels.csv"),
        pd.read_csv(SEEDS / "promotion_parameters.csv"),
        pd.read_csv(SEEDS / "promotion_band_points.csv"),
    )
    # The guide's model, plus the evidence each readiness level needs (the guide sets none).
    assert config.model_copy(update={"readiness_min_coverage": {}}) == CONFIG
    assert config.readiness_min_coverage == {
        "Ready now": 0.75, "Ready in 6 months": 0.6, "Ready in 12 months": 0.4, "Not ready": 0.0,
    }  # fmt: skip
    assert config.history_weights == (0.5, 0.3, 0.2)
    assert config.levels_best_first == ["Ready now", "Ready in 6 months", "Ready in 12 months", "Not ready"]


def test_guide_example_factors_and_composite():
    out = readiness_of(
        employees("a"),
        hist=[("a", "2026-Q3", "Exceptional"), ("a", "2026-Q2", "Strong"), ("a", "2026-Q1", "Meets")],
        gap_rows=[("a", "Execution", 3, 1.0), ("a", "Communication", 3, 0.5)],
        scope_rows=[("a", 2, 3)],
        impact_rows=[("a", 70.0)],
    ).loc["a"]
    assert out["performance_history_score"] == pytest.approx(0.5 * 100 + 0.3 * 80 + 0.2 * 60)  # 86
    assert out["skill_gap_score"] == pytest.approx(100 * (1 - 1.5 / (2 * 2)))  # 62.5
    assert out["scope_score"] == pytest.approx(2 * 20 + 3 * 10)  # 70
    assert out["business_impact_score"] == 70
    assert out["composite_score"] == pytest.approx(0.40 * 86 + 0.25 * 62.5 + 0.20 * 70 + 0.15 * 70)  # 74.525
    assert out["readiness"] == "Ready in 6 months"
    assert out["factor_count"] == 4 and out["coverage"] == pytest.approx(1.0)
    assert out["development_areas"] == ("Technical/functional skills; Below IC3 requirement: Execution, Communication")


def test_scope_points_are_capped():
    points = scope_score(scope(("a", 5, 6), ("b", 0, 0), ("c", 3, 4)), CONFIG)
    assert points.to_dict() == {"a": 100.0, "b": 0.0, "c": 100.0}


def test_one_rating_counts_in_full_not_at_half_weight():
    score = performance_history_score(history(("a", "2026-Q3", "Strong")), CONFIG)
    assert score["a"] == pytest.approx(80.0)


def test_two_ratings_renormalise_over_the_weights_present():
    score = performance_history_score(history(("a", "2026-Q2", "Meets"), ("a", "2026-Q3", "Exceptional")), CONFIG)
    assert score["a"] == pytest.approx((0.5 * 100 + 0.3 * 60) / 0.8)


def test_only_the_three_most_recent_ratings_count_whatever_the_row_order():
    score = performance_history_score(
        history(
            ("a", "2026-Q1", "Meets"),
            ("a", "2025-Q4", "Improvement"),
            ("a", "2026-Q3", "Strong"),
            ("a", "2026-Q2", "Exceptional"),
            ("a", "2026-Q4", None),
        ),
        CONFIG,
    )
    assert score["a"] == pytest.approx(0.5 * 80 + 0.3 * 100 + 0.2 * 60)


def test_all_the_same_rating_scores_that_rating():
    score = performance_history_score(history(*[("a", f"2026-Q{q}", "Meets") for q in (1, 2, 3)]), CONFIG)
    assert score["a"] == pytest.approx(60.0)


def test_no_ratings_leave_history_missing_and_the_composite_renormalises():
    out = readiness_of(
        employees("a"), gap_rows=[("a", "Execution", 3, 0.0)], scope_rows=[("a", 3, 4)], impact_rows=[("a", 100.0)]
    ).loc["a"]
    assert np.isnan(out["performance_history_score"])
    assert out["composite_score"] == pytest.approx(100.0)  # not 60: the missing 40% is not a zero
    assert out["factor_count"] == 3 and out["coverage"] == pytest.approx(0.60)
    assert out["readiness"] == "Ready now"


def test_no_skills_leave_the_skill_factor_missing():
    out = readiness_of(
        employees("a"), hist=[("a", "2026-Q3", "Strong")], scope_rows=[("a", 1, 0)], impact_rows=[("a", 50.0)]
    ).loc["a"]
    assert np.isnan(out["skill_gap_score"])
    assert out["composite_score"] == pytest.approx((0.40 * 80 + 0.20 * 20 + 0.15 * 50) / 0.75)
    assert out["coverage"] == pytest.approx(0.75)
    assert "Below" not in out["development_areas"]


def test_no_data_at_all():
    out = readiness_of(employees("a")).loc["a"]
    assert out["readiness"] == "No data"
    assert np.isnan(out["composite_score"]) and out["factor_count"] == 0 and out["coverage"] == 0
    assert pd.isna(out["development_areas"])


def test_missing_scope_count_or_impact_is_missing_not_zero():
    out = readiness_of(
        employees("a"), hist=[("a", "2026-Q3", "Exceptional")], scope_rows=[("a", 2, None)], impact_rows=[("a", None)]
    ).loc["a"]
    assert np.isnan(out["scope_score"]) and np.isnan(out["business_impact_score"])
    assert out["composite_score"] == pytest.approx(100.0)


def test_skill_score_counts_only_shortfalls_and_clips_at_zero():
    score = skill_gap_score(
        gaps(
            ("ahead", "Execution", 3, -1.0),
            ("ahead", "Communication", 3, 0.0),
            ("far", "Execution", 5, 3.0),
            ("far", "Communication", 5, 2.5),
            ("top", "Execution", None, 0.0),
        ),
        CONFIG,
    )
    assert score.to_dict() == {"ahead": 100.0, "far": 0.0}  # 'top' has nothing required


def test_competencies_below_requirement_largest_shortfall_first_ties_by_name():
    below = competencies_below_requirement(
        gaps(
            ("a", "Execution", 3, 0.5),
            ("a", "Leadership", 3, 1.0),
            ("a", "Communication", 3, 1.0),
            ("a", "Collaboration", 3, 0.0),
            ("b", "Execution", 3, 0.0),
        )
    )
    assert below.to_dict() == {"a": "Communication, Leadership, Execution"}


def test_top_of_ladder_keeps_factor_scores_without_a_composite():
    out = readiness_of(
        employees("vp", next_level=None, level="VP"),
        hist=[("vp", "2026-Q3", "Strong")],
        gap_rows=[("vp", "Execution", None, 0.0)],
    ).loc["vp"]
    assert out["readiness"] == "Top of ladder"
    assert out["performance_history_score"] == 80
    assert np.isnan(out["composite_score"]) and pd.isna(out["development_areas"])


def test_a_composite_on_a_cut_off_reaches_that_level_despite_float_error():
    config = CONFIG.model_copy(update={"band_points": {"R85": 85.0}, "points_per_mentee": 12.5})
    # History, scope and impact of 85 without a skill score: (0.4 + 0.2 + 0.15) weighting gives
    # 84.99999999999999 in floating point.
    out = readiness_of(
        employees("a"),
        hist=[("a", "2026-Q3", "R85")],
        scope_rows=[("a", 3, 2)],
        impact_rows=[("a", 85.0)],
        config=config,
    ).loc["a"]
    assert out["composite_score"] == pytest.approx(85.0)
    assert out["readiness"] == "Ready now"


def test_readiness_boundaries():
    people = employees("a", "b", "c", "d")
    impact_rows = [("a", 85.0), ("b", 84.9), ("c", 55.0), ("d", 54.9)]
    out = readiness_of(people, impact_rows=impact_rows)
    assert out["readiness"].to_dict() == {
        "a": "Ready now",
        "b": "Ready in 6 months",
        "c": "Ready in 12 months",
        "d": "Not ready",
    }


def test_ties_get_identical_rows_and_output_is_sorted_and_order_independent():
    hist = [
        ("b", "2026-Q3", "Strong"),
        ("a", "2026-Q3", "Strong"),
        ("a", "2026-Q2", "Meets"),
        ("b", "2026-Q2", "Meets"),
    ]
    scope_rows, impact_rows = [("b", 1, 1), ("a", 1, 1)], [("a", 60.0), ("b", 60.0)]
    first = readiness_of(employees("b", "a"), hist=hist, scope_rows=scope_rows, impact_rows=impact_rows)
    again = readiness_of(
        employees("a", "b"), hist=hist[::-1], scope_rows=scope_rows[::-1], impact_rows=impact_rows[::-1]
    )
    assert list(first.index) == ["a", "b"]
    pd.testing.assert_frame_equal(first, again)
    assert first.loc["a"].drop(["development_areas"]).equals(first.loc["b"].drop(["development_areas"]))


def test_empty_input_gives_an_empty_frame_with_the_columns():
    out = promotion_readiness(employees().iloc[:0], history(), gaps(), scope(), impact())
    assert out.empty
    assert {"composite_score", "readiness", "development_areas", "coverage", "factor_count"} <= set(out.columns)
    assert succession(out, employees().iloc[:0]).empty


def test_one_person_with_the_worst_scores():
    out = readiness_of(
        employees("a"),
        hist=[("a", "2026-Q3", "Improvement")],
        gap_rows=[("a", "Execution", 4, 2.0)],
        scope_rows=[("a", 0, 0)],
        impact_rows=[("a", 0.0)],
    ).loc["a"]
    assert out["composite_score"] == pytest.approx(0.40 * 30)
    assert out["readiness"] == "Not ready"
    assert out["development_areas"] == (
        "Technical/functional skills; Leadership and mentorship; "
        "Business impact and strategic thinking; Below IC3 requirement: Execution"
    )


def test_no_development_area():
    out = readiness_of(
        employees("a"),
        hist=[("a", "2026-Q3", "Exceptional")],
        gap_rows=[("a", "Execution", 3, 0.0)],
        scope_rows=[("a", 3, 4)],
        impact_rows=[("a", 90.0)],
    ).loc["a"]
    assert out["development_areas"] == "None"
    assert out["readiness"] == "Ready now"


@pytest.mark.parametrize(
    ("frames", "message"),
    [
        ({"hist": [("a", "2026-Q3", "Great")]}, "rating band not in .*employee_id a"),
        ({"hist": [("a", "2026-Q3", "Strong"), ("a", "2026-Q3", "Meets")]}, "same cycle.*employee_id a"),
        ({"scope_rows": [("a", -1, 0)]}, "negative.*employee_id a"),
        ({"impact_rows": [("a", 101.0)]}, "outside 0-100.*employee_id a"),
        ({"gap_rows": [("a", "Execution", 3, 1.0), ("a", "Execution", 3, 0.0)]}, "single cycle.*employee_id a"),
    ],
)
def test_bad_input_names_the_employee(frames, message):
    with pytest.raises(ValueError, match=message):
        readiness_of(employees("a"), **frames)


def test_bad_employee_frames():
    with pytest.raises(ValueError, match="employees: more than one row.*employee_id a"):
        readiness_of(employees("a", "a"))
    with pytest.raises(ValueError, match="missing required column.*next_level"):
        promotion_readiness(employees("a").drop(columns="next_level"), history(), gaps(), scope(), impact())


def test_config_rejects_bad_seeds():
    with pytest.raises(ValueError, match="unknown parameter"):
        PromotionConfig.from_seeds(
            pd.read_csv(SEEDS / "promotion_factors.csv"),
            pd.read_csv(SEEDS / "readiness_levels.csv"),
            pd.DataFrame({"parameter": ["max_gap_per_skil"], "value": [2]}),
            pd.read_csv(SEEDS / "promotion_band_points.csv"),
        )
    with pytest.raises(ValueError, match="factor_weights"):
        PromotionConfig(factor_weights={"performance_history": 1.0})
    with pytest.raises(ValueError, match="lowest starting at 0"):
        PromotionConfig(readiness_levels={"Ready now": 85.0, "Later": 50.0})


def test_succession_counts_per_department_and_level():
    people = pd.concat(
        [employees("a", "b", "c"), employees("d", department="Sales"), employees("e", level="VP", next_level=None)],
        ignore_index=True,
    )
    out = readiness_of(people, impact_rows=[("a", 90.0), ("b", 75.0), ("c", 10.0), ("d", 90.0), ("e", 99.0)])
    table = succession(out.reset_index(), people)
    assert table.to_dict("records") == [
        {"department": "Engineering", "level": "IC2", "headcount": 3, "ready_now": 1, "ready_in_6_months": 1},
        {"department": "Engineering", "level": "VP", "headcount": 1, "ready_now": 0, "ready_in_6_months": 0},
        {"department": "Sales", "level": "IC2", "headcount": 1, "ready_now": 1, "ready_in_6_months": 0},
    ]


SEEDED = PromotionConfig.from_seeds(
    *(pd.read_csv(SEEDS / f"{n}.csv") for n in ("promotion_factors", "readiness_levels", "promotion_parameters",
                                                  "promotion_band_points"))
)  # fmt: skip


def test_thin_evidence_is_not_ready_now_and_has_no_claimed_development_area():
    # Scope data only (coverage 0.2) gave readiness 100, "Ready now", development areas "None".
    out = readiness_of(employees("a"), scope_rows=[("a", 3, 4)], config=SEEDED).loc["a"]
    assert out["composite_score"] == pytest.approx(100.0) and out["coverage"] == pytest.approx(0.2)
    assert out["readiness"] == "Not ready"
    assert out["readiness_note"] == "held below Ready now: data covers 20% of the factor weight, Ready now needs 75%"
    assert (
        out["development_areas"] != "None"
        and "not assessed for lack of data: rating history" in (out["development_areas"])
    )


def test_enough_coverage_reaches_the_level_its_score_does():
    out = readiness_of(
        employees("a"),
        hist=[("a", "2026-Q3", "Exceptional")],
        gap_rows=[("a", "Execution", 3, 0.0)],
        scope_rows=[("a", 3, 4)],
        config=SEEDED,
    ).loc["a"]
    assert out["coverage"] == pytest.approx(0.85) and out["readiness"] == "Ready now"
    assert pd.isna(out["readiness_note"])


def test_a_skill_gap_is_capped_per_competency():
    # Gaps [4, 0, 0] scored 33.3; with each shortfall capped at max_gap_per_skill = 2, 66.7.
    score = skill_gap_score(
        gaps(("a", "Execution", 5, 4.0), ("a", "Communication", 3, 0.0), ("a", "Collaboration", 3, 0.0)), CONFIG
    )
    assert score["a"] == pytest.approx(100 * (1 - 2 / 6))


def test_cycles_sort_by_date_not_as_text():
    # 'Q4-2025', 'Q1-2026', 'Q3-2025' sorted as text made Q4-2025 the latest.
    rows = history(("a", "Q4-2025", "Strong"), ("a", "Q1-2026", "Exceptional"), ("a", "Q3-2025", "Improvement"))
    assert performance_history_score(rows, CONFIG)["a"] == pytest.approx(0.5 * 100 + 0.3 * 80 + 0.2 * 30)
    with pytest.raises(ValueError, match=r"a cycle that is not a quarter like 2026-Q3 \(employee_id a\)"):
        performance_history_score(history(("a", "FY2026", "Strong")), CONFIG)
