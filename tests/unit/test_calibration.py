"""Rating calibration: the guide's worked examples, small teams, ties, missing data and bad input."""

from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analytics.calibration import (
    audit_rows,
    calibration_report,
    calibration_score,
    calibration_variance,
    chance_distance,
    default_target,
    distrusted_ratings,
    evidence_agreement,
    evidence_weight,
    fairness_report,
    final_ratings,
    largest_remainder_counts,
    leniency,
    manager_bias,
    rating_inflation,
    rating_outliers,
    suggest_ratings,
    workflow_audit_rows,
)

TARGET = default_target()
RANK = {"Exceptional": 4, "Strong": 3, "Meets": 2, "Improvement": 1}
PROPOSED_AT = datetime(2026, 10, 15, 9, 30, tzinfo=UTC)


def ratings_frame(submitted, scores, **columns) -> pd.DataFrame:
    """One team (manager M1, Engineering / IC) with employee ids E1, E2, ... in the given order."""
    n = len(submitted)
    frame = pd.DataFrame(
        {
            "employee_id": [f"E{i + 1}" for i in range(n)],
            "manager_id": "M1",
            "department": "Engineering",
            "level_group": "IC",
            "submitted_rating": submitted,
            "performance_score": scores,
            "data_driven_band": submitted,
        }
    )
    return frame.assign(**columns)


def guide_team() -> pd.DataFrame:
    """The guide's Manager A: six people, submitted ratings and scores from its usage example."""
    return ratings_frame(
        ["Strong", "Exceptional", "Strong", "Meets", "Strong", "Meets"], [85.0, 95.0, 82.0, 75.0, 88.0, 72.0]
    )


def forced(ratings: pd.DataFrame, target: pd.DataFrame = TARGET, **options) -> pd.DataFrame:
    """The guide's mechanics: every group forced into the target, whatever its size."""
    return suggest_ratings(ratings, target, min_group_size=1, **options)


def suggested(calibrated: pd.DataFrame) -> dict:
    return dict(zip(calibrated["employee_id"], calibrated["suggested_rating"]))


# --- rating_inflation -----------------------------------------------------------------------------


def test_inflation_matches_the_guide_example():
    ranks = [RANK[r] for r in ["Strong", "Exceptional", "Strong", "Meets", "Strong", "Meets"]]
    assert rating_inflation(ranks, TARGET) == pytest.approx(23.188, abs=1e-3)
    assert round(rating_inflation(ranks, TARGET), 1) == 23.2


def test_inflation_is_zero_on_the_target_distribution_and_negative_when_harsh():
    on_target = [4] * 10 + [3] * 25 + [2] * 50 + [1] * 15
    assert rating_inflation(on_target, TARGET) == pytest.approx(0.0, abs=1e-12)
    assert rating_inflation([1, 1, 2], TARGET) < 0


def test_inflation_ignores_missing_and_is_nan_without_ratings():
    assert rating_inflation(pd.Series([3, None, 4], dtype="Int64"), TARGET) == pytest.approx(
        rating_inflation([3, 4], TARGET)
    )
    assert np.isnan(rating_inflation([], TARGET))
    assert np.isnan(rating_inflation([None, np.nan], TARGET))


def test_inflation_rejects_a_rank_outside_the_target():
    with pytest.raises(ValueError, match="rank 5"):
        rating_inflation([3, 5], TARGET)


# --- largest_remainder_counts ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, [0, 0, 0, 0]),
        (1, [0, 0, 1, 0]),
        (2, [0, 1, 1, 0]),
        (4, [0, 1, 2, 1]),
        (6, [1, 1, 3, 1]),
        (10, [1, 3, 5, 1]),
        (20, [2, 5, 10, 3]),
    ],
)
def test_largest_remainder_counts_known_sizes(n, expected):
    assert largest_remainder_counts(n, [0.10, 0.25, 0.50, 0.15]).tolist() == expected


def test_largest_remainder_counts_sum_to_n_and_stay_within_one_of_the_quota():
    rng = np.random.default_rng(3)
    for shares in ([0.10, 0.25, 0.50, 0.15], rng.dirichlet(np.ones(4)), rng.dirichlet(np.ones(7))):
        for n in range(0, 301):
            counts = largest_remainder_counts(n, shares)
            assert counts.sum() == n
            quota = n * np.asarray(shares)
            assert np.all(counts >= np.floor(quota - 1e-9)) and np.all(counts <= np.ceil(quota + 1e-9))


def test_largest_remainder_ties_go_to_the_band_listed_first():
    assert largest_remainder_counts(2, [0.25, 0.25, 0.25, 0.25]).tolist() == [1, 1, 0, 0]
    assert largest_remainder_counts(1, [0.5, 0.5]).tolist() == [1, 0]


@pytest.mark.parametrize("shares", [[0.1, 0.25, 0.5], [0.2, 0.3, 0.6], [1.2, -0.2], [], [np.nan, 1.0]])
def test_largest_remainder_rejects_shares_that_do_not_sum_to_one(shares):
    with pytest.raises(ValueError, match="shares"):
        largest_remainder_counts(5, shares)


@pytest.mark.parametrize("n", [-1, 2.5, True])
def test_largest_remainder_rejects_a_bad_n(n):
    with pytest.raises(ValueError, match="n must be"):
        largest_remainder_counts(n, [0.5, 0.5])


# --- suggest_ratings ------------------------------------------------------------------------------


def test_guide_example_gives_everyone_a_rating():
    calibrated = forced(guide_team())
    assert suggested(calibrated) == {
        "E2": "Exceptional",  # 95
        "E5": "Strong",  # 88
        "E1": "Meets",  # 85
        "E3": "Meets",  # 82
        "E4": "Meets",  # 75
        "E6": "Improvement",  # 72
    }
    assert calibrated["suggested_rating"].notna().all()
    assert calibrated["is_changed"].tolist() == [True, False, True, False, False, True]
    assert calibrated["score_position"].tolist() == [3, 1, 4, 5, 2, 6]
    assert calibrated["group_ranked_count"].tolist() == [6] * 6
    assert rating_inflation(calibrated["submitted_rank"], TARGET) == pytest.approx(23.188, abs=1e-3)
    assert rating_inflation(calibrated["suggested_rank"], TARGET) == pytest.approx(1.449, abs=1e-3)


def test_keeps_input_columns_and_adds_ranks():
    calibrated = forced(guide_team().assign(gender="Female"))
    assert {"gender", "department", "submitted_rating"} <= set(calibrated.columns)
    assert calibrated["submitted_rank"].tolist() == [3, 4, 3, 2, 3, 2]
    assert calibrated["calibration_group"].unique().tolist() == ["Engineering / IC"]
    assert not calibrated["is_unranked"].any()


def test_a_lone_person_keeps_their_rating_by_default():
    calibrated = suggest_ratings(ratings_frame(["Exceptional"], [99.0]), TARGET)
    assert suggested(calibrated) == {"E1": "Exceptional"}
    assert calibrated["group_too_small"].all() and not calibrated["is_changed"].any()


def test_a_group_of_four_is_not_forced_and_anyone_can_stay_exceptional():
    team = ratings_frame(["Exceptional", "Strong", "Meets", "Meets"], [90.0, 80.0, 70.0, 60.0])
    calibrated = suggest_ratings(team, TARGET)
    assert "Improvement" not in suggested(calibrated).values()
    assert suggested(calibrated)["E1"] == "Exceptional"
    assert calibrated["group_size"].tolist() == [4] * 4


def test_small_groups_are_pooled_into_their_department_then_the_company():
    def team(department, level_group, n, prefix):
        scores = np.random.default_rng(len(prefix) + ord(prefix)).uniform(20, 90, n)
        frame = ratings_frame(["Meets"] * n, list(scores), department=department)
        return frame.assign(level_group=level_group, employee_id=[f"{prefix}{i}" for i in range(n)])

    people = pd.concat(
        [
            team("Engineering", "IC", 12, "A"),
            team("Engineering", "Manager", 4, "B"),
            team("Engineering", "Executive", 3, "C"),
            team("Sales", "IC", 2, "D"),
            team("Support", "IC", 8, "E"),
        ],
        ignore_index=True,
    )
    calibrated = suggest_ratings(people, TARGET, min_group_size=10).set_index("employee_id")
    assert calibrated.loc["A0", "calibration_group"] == "Engineering / IC"
    # Managers and executives of Engineering: 7 together, still too few, so they join the company's rest.
    pooled = calibrated.loc[["B0", "C0", "D0", "E0"], "calibration_group"]
    assert pooled.unique().tolist() == ["All employees (small groups pooled)"]
    assert calibrated.loc["B0", "group_size"] == 17
    assert not calibrated["group_too_small"].any()
    counts = calibrated.loc[calibrated["group_size"] == 17, "suggested_rank"].value_counts()
    assert counts.reindex([4, 3, 2, 1]).tolist() == largest_remainder_counts(17, TARGET["share"]).tolist()


def test_team_of_two_gets_strong_and_meets():
    calibrated = forced(ratings_frame(["Meets", "Meets"], [40.0, 90.0]))
    assert suggested(calibrated) == {"E1": "Meets", "E2": "Strong"}


@pytest.mark.parametrize("n", [1, 2, 3, 5, 6, 7, 11, 40])
def test_every_ranked_person_is_rated_and_counts_follow_largest_remainder(n):
    calibrated = forced(ratings_frame(["Meets"] * n, list(np.linspace(10, 90, n))), TARGET)
    assert calibrated["suggested_rating"].notna().all()
    counts = calibrated["suggested_rank"].value_counts().reindex([4, 3, 2, 1], fill_value=0)
    assert counts.tolist() == largest_remainder_counts(n, TARGET["share"]).tolist()


def test_equal_evidence_gets_the_same_suggestion_and_is_flagged():
    # Six people with identical evidence were split Exceptional, Strong, 3 x Meets, Improvement by id.
    team = ratings_frame(["Meets"] * 6, [70.0] * 6).iloc[::-1]
    calibrated = forced(team)
    assert set(suggested(calibrated).values()) == {"Meets"}
    assert calibrated["tied_across_bands"].all()


def test_a_tie_takes_the_band_of_the_middle_of_its_positions():
    calibrated = forced(ratings_frame(["Meets"] * 10, [99, 90, 90, 90, 60, 50, 40, 30, 20, 10]))
    # Target seats 1 / 3 (rounded) / 5 / 1: the tie at positions 2-4 sits in Strong.
    assert list(suggested(calibrated).values())[:4] == ["Exceptional", "Strong", "Strong", "Strong"]
    assert calibrated["tied_across_bands"].sum() == 0


def test_ties_inside_one_band_are_not_flagged():
    calibrated = forced(ratings_frame(["Meets"] * 6, [95, 88, 80, 80, 80, 10]))
    assert not calibrated["tied_across_bands"].any()


def test_all_same_rating_is_spread_over_the_target():
    calibrated = forced(ratings_frame(["Strong"] * 10, list(range(50, 60))), TARGET)
    assert calibrated["suggested_rank"].value_counts().to_dict() == {4: 1, 3: 3, 2: 5, 1: 1}
    assert calibrated["is_changed"].sum() == 7


def test_missing_scores_keep_the_submitted_rating_and_are_not_ranked():
    team = ratings_frame(["Exceptional", "Strong", None, "Meets"], [None, 80.0, None, 60.0])
    calibrated = forced(team).set_index("employee_id")
    assert calibrated.loc["E1", "suggested_rating"] == "Exceptional"
    assert pd.isna(calibrated.loc["E3", "suggested_rating"])
    assert calibrated.loc[["E1", "E3"], "is_unranked"].all()
    assert not calibrated.loc[["E1", "E3"], "is_changed"].any()
    assert calibrated.loc[["E1", "E3"], "score_position"].isna().all()
    # The kept Exceptional takes its seat of the three; the two scored people share the others.
    assert calibrated.loc[["E2", "E4"], "suggested_rating"].tolist() == ["Strong", "Meets"]
    assert calibrated.loc[["E2", "E4"], "group_ranked_count"].tolist() == [2, 2]


def test_a_missing_score_does_not_move_anyone_else():
    # Five people, one without a score who keeps Meets: the best (90) was demoted to Strong because the
    # four scored people absorbed the whole distribution of a team of four.
    scores = [90.0, 80.0, 70.0, 60.0]
    team = ratings_frame(["Strong", "Strong", "Meets", "Meets", "Meets"], [*scores, None])
    with_gap = suggested(forced(team))
    everyone = suggested(forced(team.assign(performance_score=[*scores, 65.0])))
    assert with_gap["E1"] == everyone["E1"] == "Exceptional"
    assert with_gap["E5"] == "Meets"


def test_unrated_person_with_a_score_gets_a_suggestion_and_counts_as_changed():
    calibrated = forced(ratings_frame([None], [50.0]))
    assert calibrated["suggested_rating"].tolist() == ["Meets"]
    assert calibrated["is_changed"].tolist() == [True]


def test_empty_frame_gives_an_empty_result_with_the_output_columns():
    calibrated = forced(guide_team().iloc[:0])
    assert calibrated.empty
    assert {"suggested_rating", "suggested_rank", "is_changed", "is_unranked"} <= set(calibrated.columns)


def test_groups_are_calibrated_separately():
    sales = ratings_frame(["Meets"] * 2, [10.0, 20.0], department="Sales")
    sales["employee_id"] = ["S1", "S2"]
    calibrated = forced(pd.concat([guide_team(), sales], ignore_index=True), TARGET)
    assert suggested(calibrated)["S2"] == "Strong"  # best of Sales, though below everyone in Engineering
    assert calibrated.loc[calibrated["department"] == "Sales", "calibration_group"].iloc[0] == "Sales / IC"
    assert calibrated.loc[calibrated["department"] == "Sales", "group_ranked_count"].tolist() == [2, 2]


def test_one_group_for_the_whole_table():
    sales = ratings_frame(["Meets"] * 2, [10.0, 20.0], department="Sales")
    sales["employee_id"] = ["S1", "S2"]
    calibrated = forced(pd.concat([guide_team(), sales], ignore_index=True), TARGET, group_by=())
    assert calibrated["group_ranked_count"].unique().tolist() == [8]
    assert suggested(calibrated)["S1"] == "Improvement"
    assert calibrated["calibration_group"].unique().tolist() == ["All employees"]


def test_configurable_group_columns_and_missing_group_values():
    team = guide_team().assign(location=["Berlin", "Berlin", "Austin", "Austin", None, None])
    calibrated = forced(team, TARGET, group_by=["location"])
    assert set(calibrated["calibration_group"]) == {"Berlin", "Austin", "(none)"}
    assert calibrated["group_ranked_count"].tolist() == [2] * 6


def test_result_does_not_depend_on_row_order_or_target_order():
    team = guide_team()
    first = forced(team).set_index("employee_id")["suggested_rating"]
    shuffled = forced(team.sample(frac=1, random_state=4), TARGET.iloc[[2, 0, 3, 1]])
    assert shuffled.set_index("employee_id")["suggested_rating"].sort_index().equals(first.sort_index())


def test_unknown_band_name_names_the_employee():
    team = guide_team()
    team.loc[3, "submitted_rating"] = "Outstanding"
    with pytest.raises(ValueError, match=r"unknown submitted_rating 'Outstanding'.*\(employee_id E4\)"):
        forced(team)
    team = guide_team()
    team.loc[1, "data_driven_band"] = "strong"
    with pytest.raises(ValueError, match=r"unknown data_driven_band 'strong'.*\(employee_id E2\)"):
        forced(team)


@pytest.mark.parametrize("score", [-5.0, 100.5, np.inf])
def test_score_outside_0_100_names_the_employee(score):
    team = guide_team()
    team.loc[2, "performance_score"] = score
    with pytest.raises(ValueError, match=r"performance_score outside 0-100 \(employee_id E3\)"):
        forced(team)


def test_non_numeric_score_names_the_employee():
    team = guide_team().astype({"performance_score": object})
    team.loc[0, "performance_score"] = "high"
    with pytest.raises(ValueError, match=r"performance_score is not a number \(employee_id E1\)"):
        forced(team)


def test_duplicate_or_missing_employee_id_is_rejected():
    team = guide_team()
    team.loc[5, "employee_id"] = "E1"
    with pytest.raises(ValueError, match=r"appears more than once.*\(employee_id E1\)"):
        forced(team)
    team.loc[5, "employee_id"] = None
    with pytest.raises(ValueError, match="no employee_id"):
        forced(team)


def test_missing_column_is_named():
    with pytest.raises(ValueError, match="missing required column.*level_group"):
        forced(guide_team().drop(columns="level_group"))


def test_target_must_sum_to_one_and_have_unique_bands():
    with pytest.raises(ValueError, match="sum to 1"):
        forced(guide_team(), TARGET.assign(share=[0.1, 0.25, 0.5, 0.25]))
    with pytest.raises(ValueError, match="twice"):
        forced(guide_team(), TARGET.assign(band_rank=[4, 3, 3, 1]))
    with pytest.raises(ValueError, match="band_rank"):
        forced(guide_team(), TARGET.drop(columns="band_rank"))


# --- calibration_report ---------------------------------------------------------------------------


def test_report_per_manager_on_the_guide_example():
    report = calibration_report(forced(guide_team()), TARGET)
    row = report.set_index("manager_id").loc["M1"]
    assert row["team_size"] == 6 and row["rated_count"] == 6
    assert row["inflation_before"] == pytest.approx(23.188, abs=1e-3)
    assert row["inflation_after"] == pytest.approx(1.449, abs=1e-3)
    assert row["submitted_share_strong"] == pytest.approx(0.5)
    assert row["submitted_share_improvement"] == 0
    assert row["suggested_share_meets"] == pytest.approx(0.5)
    assert row["target_share_exceptional"] == pytest.approx(0.10)
    # Expected counts 0.6 / 1.5 / 3 / 0.9: the exact multinomial test, not chi-square.
    outcomes = [(a, b, c, 6 - a - b - c) for a in range(7) for b in range(7 - a) for c in range(7 - a - b)]
    pmf = stats.multinomial.pmf(outcomes, 6, TARGET["share"])
    observed = stats.multinomial.pmf([1, 3, 2, 0], 6, TARGET["share"])
    assert row["distribution_pvalue"] == pytest.approx(pmf[pmf <= observed * (1 + 1e-9)].sum())
    assert row["target_distance"] == pytest.approx(0.5 * (abs(1 / 6 - 0.1) + abs(0.5 - 0.25) + abs(1 / 3 - 0.5) + 0.15))
    assert row["leniency"] == 0


def test_report_counts_unrated_people_and_gives_nan_without_ratings():
    team = guide_team()
    team["manager_id"] = ["M1", "M1", "M1", "M1", "M2", "M2"]
    team.loc[[4, 5], "submitted_rating"] = None
    report = calibration_report(forced(team), TARGET).set_index("manager_id")
    assert report.loc["M2", "team_size"] == 2
    assert report.loc["M2", "rated_count"] == 0
    assert np.isnan(report.loc["M2", "distribution_pvalue"])
    assert np.isnan(report.loc["M2", "inflation_before"])
    assert np.isnan(report.loc["M2", "submitted_share_meets"])
    assert not np.isnan(report.loc["M2", "inflation_after"])


def test_report_leniency_is_positive_for_a_lenient_manager():
    team = guide_team().assign(data_driven_band=["Meets", "Strong", "Meets", "Meets", "Improvement", None])
    report = calibration_report(forced(team), TARGET)
    # Differences 1, 1, 1, 0, 2 over the five people with both ratings.
    assert report["leniency"].iloc[0] == pytest.approx(1.0)


def test_report_per_calibration_group():
    sales = ratings_frame(["Exceptional"] * 2, [10.0, 20.0], department="Sales", manager_id="M9")
    sales["employee_id"] = ["S1", "S2"]
    calibrated = forced(pd.concat([guide_team(), sales], ignore_index=True), TARGET)
    report = calibration_report(calibrated, TARGET, by=["department", "level_group"])
    assert report[["department", "level_group"]].values.tolist() == [["Engineering", "IC"], ["Sales", "IC"]]
    assert report["team_size"].tolist() == [6, 2]
    assert report.loc[1, "inflation_before"] == pytest.approx((4 - 2.3) / 2.3 * 100)


def test_report_of_an_empty_frame_is_empty():
    report = calibration_report(forced(guide_team().iloc[:0]), TARGET)
    assert report.empty and "distribution_pvalue" in report.columns


def test_a_one_person_team_rated_exceptional_is_not_significant():
    # Chi-square on an expected count of 0.1 gave p = 0.029; the exact test gives 0.10.
    team = ratings_frame(["Exceptional"], [90.0])
    row = calibration_report(forced(team), TARGET).iloc[0]
    assert row["distribution_pvalue"] == pytest.approx(0.10)


def test_manager_p_values_are_corrected_for_the_number_of_managers():
    rng = np.random.default_rng(3)
    teams = [
        ratings_frame(list(rng.choice(TARGET["band"], 5, p=TARGET["share"])), [50.0] * 5, manager_id=f"M{m}")
        .assign(employee_id=[f"M{m}E{i}" for i in range(5)])
        for m in range(80)
    ]  # fmt: skip
    report = calibration_report(forced(pd.concat(teams, ignore_index=True)), TARGET)
    assert (report["pvalue_corrected"] >= report["distribution_pvalue"] - 1e-12).all()
    assert (report["pvalue_corrected"] < 0.05).sum() == 0  # ratings drawn from the target: nobody stands out


# --- calibration_variance -------------------------------------------------------------------------


def variance_teams(ratings_per_team: list[list[str]]) -> pd.DataFrame:
    return pd.concat(
        [ratings_frame(r, [50.0] * len(r), manager_id=f"M{i}").assign(employee_id=[f"M{i}E{j}" for j in range(len(r))])
         for i, r in enumerate(ratings_per_team)],
        ignore_index=True,
    )  # fmt: skip


def test_variance_of_random_teams_rated_from_the_target_is_about_zero():
    # The coefficient of variation of manager means read 17.6% for perfectly calibrated teams of four.
    rng = np.random.default_rng(5)
    teams = variance_teams([list(rng.choice(TARGET["band"], 4, p=TARGET["share"])) for _ in range(400)])
    assert abs(calibration_variance(suggest_ratings(teams, TARGET), TARGET)) < 3


def test_variance_when_everyone_is_rated_strong_is_the_distance_from_the_target():
    # Everyone Strong read 0% (all managers' means equal); it is as far from the target as can be.
    teams = variance_teams([["Strong"] * 40, ["Strong"] * 40])
    assert calibration_variance(suggest_ratings(teams, TARGET), TARGET) == pytest.approx(
        75 - 100 * chance_distance(40, TARGET["share"]), abs=1e-6
    )


def test_variance_is_nan_without_ratings():
    empty = pd.DataFrame({"manager_id": ["A"], "submitted_rank": pd.array([None], dtype="Int64")})
    assert np.isnan(calibration_variance(empty, TARGET))


def test_variance_drops_after_rebalancing():
    team = pd.concat(
        [
            ratings_frame(["Exceptional"] * 4, [60, 61, 62, 63], manager_id="Lenient"),
            ratings_frame(["Improvement"] * 4, [64, 65, 66, 67], manager_id="Harsh"),
        ],
        ignore_index=True,
    ).assign(employee_id=[f"E{i}" for i in range(8)])
    calibrated = forced(team)
    before = calibration_variance(calibrated, TARGET)
    after = calibration_variance(calibrated, TARGET, rank_column="suggested_rank")
    assert before > 40 and after < before


# --- rating_outliers ------------------------------------------------------------------------------


def outlier_team() -> pd.DataFrame:
    return guide_team().assign(data_driven_band=["Improvement", "Meets", "Strong", "Exceptional", "Meets", None])


METRICS = pd.DataFrame(
    {
        "employee_id": ["E1", "E1", "E1", "E1", "E1", "E4"],
        "metric_name": [
            "Win rate",
            "Revenue closed",
            "Revenue closed",
            "Pipeline generation",
            "Customer retention",
            "Win rate",
        ],
        "metric_score": [35.0, 40.0, 44.0, 90.0, 70.0, 95.0],
        "metric_value": [0.35, 110_000.0, 126_000.0, 400_000.0, 0.92, 0.6],
        "unit": ["ratio", "USD per month", "USD per month", "USD per month", "ratio", "ratio"],
    }
)


def test_outliers_are_two_or_more_bands_apart_with_readable_evidence():
    outliers = rating_outliers(forced(outlier_team()), METRICS)
    assert outliers["employee_id"].tolist() == ["E1", "E2", "E4"]  # E5 is one band off
    assert outliers["band_gap"].tolist() == [2, 2, -2]
    by_id = outliers.set_index("employee_id")["evidence"]
    # Revenue closed: two months averaged (42/100, 118,000); lowest scores first, three metrics at most.
    assert by_id["E1"] == (
        "Win rate 35/100 (0.35 ratio); Revenue closed 42/100 (118,000 USD per month); "
        "Customer retention 70/100 (0.92 ratio)"
    )
    assert by_id["E2"] == "no metric scores"


def test_outlier_threshold_is_configurable_and_evidence_can_list_every_metric():
    outliers = rating_outliers(forced(outlier_team()), METRICS, min_band_gap=1, max_metrics=None)
    gaps = outliers.set_index("employee_id")["band_gap"]
    assert gaps.to_dict() == {"E1": 2, "E2": 2, "E4": -2, "E5": 1}
    assert outliers["employee_id"].tolist() == ["E1", "E2", "E4", "E5"]
    assert outliers.set_index("employee_id").loc["E1", "evidence"].count(";") == 3
    assert outliers.set_index("employee_id").loc["E4", "evidence"] == "Win rate 95/100 (0.6 ratio)"


def test_outlier_evidence_without_a_metric_value():
    metrics = METRICS.assign(metric_value=np.nan, unit=None)
    outliers = rating_outliers(forced(outlier_team()), metrics, max_metrics=1)
    assert outliers.set_index("employee_id").loc["E1", "evidence"] == "Win rate 35/100"


def test_no_outliers_when_ratings_match_the_data():
    outliers = rating_outliers(forced(guide_team()), METRICS)
    assert outliers.empty and "evidence" in outliers.columns


def test_outliers_reject_a_bad_threshold_or_metric_frame():
    calibrated = forced(outlier_team())
    with pytest.raises(ValueError, match="min_band_gap"):
        rating_outliers(calibrated, METRICS, min_band_gap=0)
    with pytest.raises(ValueError, match="metric_scores is missing required column.*unit"):
        rating_outliers(calibrated, METRICS.drop(columns="unit"))


# --- fairness_report ------------------------------------------------------------------------------


def fairness_frame() -> pd.DataFrame:
    # Women: 2 of 6 top (rank >= 3); men: 4 of 4 top; one person without a gender; one unrated.
    return pd.DataFrame(
        {
            "employee_id": [f"E{i}" for i in range(12)],
            "gender": ["F"] * 6 + ["M"] * 4 + [None, "M"],
            "submitted_rank": pd.array([4, 3, 2, 2, 1, 2, 4, 3, 3, 4, 4, None], dtype="Int64"),
            "suggested_rank": pd.array([3, 3, 3, 2, 2, 1, 4, 2, 2, 2, 3, 2], dtype="Int64"),
        }
    )


def test_fairness_impact_ratio_and_fisher_test():
    report = fairness_report(fairness_frame(), rank_column="submitted_rank", min_group_size=1).set_index("value")
    assert report["attribute"].unique().tolist() == ["gender"]
    assert report.loc["F", "count"] == 6 and report.loc["F", "top_count"] == 2
    assert report.loc["M", "count"] == 4 and report.loc["M", "top_count"] == 4
    assert report.loc["M", "impact_ratio"] == 1.0  # all top ratings
    assert report.loc["F", "impact_ratio"] == pytest.approx(1 / 3)
    assert report.loc["F", "fisher_pvalue"] == pytest.approx(stats.fisher_exact([[2, 4], [4, 0]]).pvalue)
    # Below four-fifths, but ten people cannot show it is more than chance.
    assert report["adverse_impact"].to_dict() == {"F": False, "M": False}
    assert report.loc["F", "judgement"] == "below four-fifths, not significant"
    assert fairness_report(fairness_frame(), rank_column="submitted_rank")["judgement"].eq("too few to judge").all()


def top_rated(groups) -> pd.DataFrame:
    """People per (department, gender, size, top-rated count)."""
    rows = []
    for department, gender, size, top in groups:
        rows += [{"department": department, "gender": gender, "suggested_rank": 3 if i < top else 2}
                 for i in range(size)]  # fmt: skip
    frame = pd.DataFrame(rows)
    return frame.assign(employee_id=[f"E{i}" for i in range(len(frame))], level_group="IC")


def test_a_tiny_group_at_100_percent_flags_no_one():
    # Two 100-person groups at 30% were flagged against a 2-person group at 100% (p 0.55 / 0.88).
    report = fairness_report(
        top_rated([("Sales", "F", 100, 30), ("Sales", "M", 100, 30), ("Sales", "X", 2, 2)])
    ).set_index("value")
    assert not report["adverse_impact"].any()
    assert report.loc["X", "judgement"] == "too few to judge"
    assert report.loc[["F", "M"], "impact_ratio"].tolist() == [1.0, 1.0]


def test_equal_rates_inside_every_department_are_not_flagged_when_pooled_rates_differ():
    # Simpson's paradox: men work mostly where top ratings are rarer; within each department the
    # rates are the same, so the pooled test's "men" flag (ratio 0.59, p 0.011) is about departments.
    people = top_rated(
        [("Support", "M", 80, 8), ("Support", "F", 20, 2), ("Sales", "M", 20, 8), ("Sales", "F", 80, 32)]
    )
    report = fairness_report(people).set_index("value")
    assert report.loc["M", "impact_ratio"] < 0.8 and report.loc["M", "fisher_pvalue"] < 0.05
    assert report.loc["M", "cmh_pvalue"] > 0.5
    assert not report["adverse_impact"].any()


def test_a_real_gap_inside_departments_is_flagged_after_correction():
    people = top_rated(
        [("Support", "M", 60, 30), ("Support", "F", 60, 8), ("Sales", "M", 60, 30), ("Sales", "F", 60, 9)]
    )
    report = fairness_report(people).set_index("value")
    assert report.loc["F", "adverse_impact"] and report.loc["F", "judgement"] == "adverse impact"
    assert report.loc["F", "pvalue_corrected"] >= report.loc["F", "cmh_pvalue"]
    assert report.loc["F", "pvalue_corrected"] < 0.05


def test_fairness_on_suggested_ratings_and_configurable_thresholds():
    report = fairness_report(fairness_frame(), top_rank=3).set_index("value")
    assert report.loc["F", "top_count"] == 3 and report.loc["M", "count"] == 5
    assert report.loc["M", "top_rate"] == pytest.approx(0.2)
    assert report.loc["M", "impact_ratio"] == pytest.approx(0.4)
    strict = fairness_report(fairness_frame(), min_impact_ratio=0.3).set_index("value")
    assert not strict["adverse_impact"].any()


def test_fairness_skips_absent_attributes_and_empty_groups():
    frame = fairness_frame().assign(gender=pd.Categorical(fairness_frame()["gender"], categories=["F", "M", "X"]))
    report = fairness_report(frame, attributes=["gender", "ethnicity"])
    assert report["value"].tolist() == ["F", "M"]
    assert fairness_report(frame, attributes=["ethnicity"]).empty


def test_fairness_when_nobody_or_everybody_gets_a_top_rating():
    nobody = fairness_report(fairness_frame(), top_rank=5)
    assert (nobody["impact_ratio"] == 1.0).all() and not nobody["adverse_impact"].any()
    everybody = fairness_report(fairness_frame(), top_rank=1)
    assert (everybody["impact_ratio"] == 1.0).all()


def test_fairness_of_an_empty_frame():
    assert fairness_report(fairness_frame().iloc[:0]).empty


# --- audit_rows -----------------------------------------------------------------------------------


def test_audit_rows_for_the_guide_example():
    rows = audit_rows(forced(guide_team()), "2026-Q3", PROPOSED_AT)
    assert list(rows.columns) == [
        "employee_id",
        "cycle",
        "stage",
        "from_rating",
        "to_rating",
        "proposed_by",
        "reason",
        "proposed_at",
    ]
    assert rows["employee_id"].tolist() == ["E1", "E3", "E6"]
    assert set(rows["stage"]) == {"suggested"}
    assert rows["from_rating"].tolist() == ["Strong", "Strong", "Meets"]
    assert rows["to_rating"].tolist() == ["Meets", "Meets", "Improvement"]
    assert rows["reason"].tolist() == [
        "performance score 85.0 ranks 3 of 6 in Engineering / IC",
        "performance score 82.0 ranks 4 of 6 in Engineering / IC",
        "performance score 72.0 ranks 6 of 6 in Engineering / IC",
    ]
    assert (rows["cycle"] == "2026-Q3").all()
    assert (rows["proposed_by"] == "calibration:rebalance").all()
    assert (rows["proposed_at"] == PROPOSED_AT).all()


def test_audit_reason_rounds_the_score_and_names_an_unrated_start():
    team = ratings_frame([None, "Meets"], [71.24, 30.0])
    rows = audit_rows(forced(team), "2026-Q3", PROPOSED_AT, proposed_by="calibration:manual")
    assert rows["reason"].tolist() == ["performance score 71.2 ranks 1 of 2 in Engineering / IC"]
    assert rows["from_rating"].isna().all() and rows["proposed_by"].tolist() == ["calibration:manual"]


def test_no_audit_rows_without_changes():
    calibrated = forced(ratings_frame(["Strong", "Meets"], [80.0, 50.0]))
    rows = audit_rows(calibrated, "2026-Q3", PROPOSED_AT)
    assert rows.empty and len(rows.columns) == 8


def _two_teams(lenient_shift: int) -> pd.DataFrame:
    """Two managers of three with the same performance; manager B rates `lenient_shift` bands higher."""
    bands = ["Improvement", "Meets", "Strong", "Exceptional"]
    rows = []
    for manager, shift in (("A", 0), ("B", lenient_shift)):
        for i, score in enumerate([30.0, 50.0, 65.0]):
            rows.append(
                {
                    "employee_id": f"{manager}{i}",
                    "manager_id": manager,
                    "department": "D",
                    "level_group": "IC",
                    "performance_score": score,
                    "submitted_rating": bands[min(i + shift, 3)],
                    "data_driven_band": bands[i],
                }
            )
    return pd.DataFrame(rows)


def test_calibration_score_corrects_a_lenient_managers_ratings():
    scores = calibration_score(_two_teams(lenient_shift=1), default_target())
    a, b = scores.iloc[:3].to_numpy(), scores.iloc[3:].to_numpy()
    # Same performance, one band more lenient every time: that is habit, wholly corrected.
    assert np.allclose(a, b)
    assert (np.diff(a) > 0).all() and scores.between(0, 100).all()


def test_leniency_is_shrunk_by_how_much_managers_really_differ():
    rng = np.random.default_rng(2)
    managers = pd.Series(np.repeat([f"M{i}" for i in range(300)], 4))
    noise = pd.Series(rng.choice([-1.0, 0.0, 1.0], len(managers)))  # no manager is lenient: gaps are noise
    raw = noise.groupby(managers).mean()
    shrunk = leniency(noise, managers).groupby(managers).first()
    # A fixed 2 pseudo-ratings kept two thirds of each team of four's noise as "leniency".
    assert raw.abs().max() >= 0.75 and shrunk.abs().max() < raw.abs().max() * 4 / 6 / 2
    # Where half the managers do rate a band high, their leniency stands.
    teams = pd.Series(np.repeat([f"L{i}" if i % 2 else f"F{i}" for i in range(20)], 6))
    gaps = pd.Series(rng.choice([-1.0, 0.0, 0.0, 0.0, 1.0], len(teams))) + teams.str.startswith("L")
    lenient = leniency(gaps, teams).groupby(teams).first()
    assert lenient[lenient.index.str.startswith("L")].mean() > 0.8
    assert lenient[lenient.index.str.startswith("F")].abs().mean() < 0.2


def _biased_company(rng) -> pd.DataFrame:
    """Three cycles of ten managers of ten; manager B0 rates women one band lower at equal evidence."""
    rows = []
    for cycle in ("2026-Q1", "2026-Q2", "2026-Q3"):
        for m in range(10):
            for i in range(10):
                evidence = rng.uniform(20, 90)
                rank = 1 + round(3 * (evidence - 20) / 70 + rng.normal(0, 0.3))
                gender = "Female" if i % 2 else "Male"
                if m == 0 and gender == "Female":
                    rank -= 1
                rows.append({"cycle": cycle, "employee_id": f"B{m}E{i}", "manager_id": f"B{m}", "gender": gender,
                             "performance_score": evidence, "submitted_rank": int(np.clip(rank, 1, 4))})  # fmt: skip
    return pd.DataFrame(rows)


def test_a_manager_who_rates_one_group_lower_is_flagged_and_their_ratings_leave_the_blend():
    people = _biased_company(np.random.default_rng(8))
    bias = manager_bias(people, min_people=8).set_index("manager_id")
    assert bias.index.tolist() == [f"B{m}" for m in range(10)] and len(bias) == 10  # one test per manager
    assert bias["flagged"].tolist() == [True] + [False] * 9
    b0 = bias.loc["B0"]
    assert b0["value"] == "Female" and b0["gap"] < -0.5 and b0["ci_high"] < 0
    assert (bias["pvalue_corrected"] >= bias["pvalue"]).all()
    distrusted = distrusted_ratings(people, bias.reset_index())
    assert set(people.loc[distrusted, "employee_id"]) == {f"B0E{i}" for i in (1, 3, 5, 7, 9)}


def test_a_distrusted_rating_does_not_move_the_calibration_score():
    ratings = _two_teams(lenient_shift=0).assign(rating_distrusted=[False, False, False, True, True, True])
    before = calibration_score(ratings, default_target())
    ratings.loc[3, "submitted_rating"] = "Exceptional"
    after = calibration_score(ratings, default_target())
    assert after.iloc[3] == pytest.approx(before.iloc[3])


def test_managers_with_too_few_people_are_not_tested():
    people = _biased_company(np.random.default_rng(8))
    few = people[people["employee_id"].str[-1].isin(["0", "1", "2", "3"])]
    assert manager_bias(few, min_people=8).empty


def test_calibration_score_without_judgement_keeps_the_performance_order():
    ratings = _two_teams(lenient_shift=1)
    scores = calibration_score(ratings, default_target(), judgement_weight=0)
    assert (scores.rank().to_numpy() == ratings["performance_score"].rank().to_numpy()).all()


def test_calibration_score_needs_a_performance_score_but_not_a_submitted_rating():
    ratings = _two_teams(lenient_shift=0)
    ratings.loc[0, "performance_score"] = np.nan
    ratings.loc[1, "submitted_rating"] = None
    scores = calibration_score(ratings, default_target())
    assert np.isnan(scores.iloc[0]) and not np.isnan(scores.iloc[1])
    with pytest.raises(ValueError, match="judgement_weight"):
        calibration_score(ratings, default_target(), judgement_weight=1.5)


def test_suggestions_rank_by_the_chosen_score_column():
    ratings = _two_teams(lenient_shift=0).assign(evidence=[90.0, 10, 20, 30, 40, 50])
    suggested = forced(ratings, default_target(), group_by=(), score_column="evidence")
    assert suggested.loc[suggested["employee_id"] == "A0", "suggested_rating"].item() == "Exceptional"
    audit = audit_rows(suggested, "2026-Q3", PROPOSED_AT, score_column="evidence")
    assert audit["reason"].str.startswith("evidence ").all()


def _team_of(n: int, agreement: str) -> pd.DataFrame:
    """n people of one manager; their performance scores follow the submitted ratings ('agree') or
    run against them ('against', evidence measuring the systems rather than the people)."""
    bands = ["Improvement", "Meets", "Strong", "Exceptional"]
    submitted = [bands[i * 4 // n] for i in range(n)]
    scores = np.linspace(20, 90, n) if agreement == "agree" else np.linspace(90, 20, n)
    return pd.DataFrame(
        {
            "employee_id": [f"e{i}" for i in range(n)],
            "manager_id": "M",
            "department": "D",
            "level_group": "IC",
            "performance_score": scores,
            "submitted_rating": submitted,
            "data_driven_band": [bands[min(3, int(s // 25))] for s in scores],
        }
    )


def test_evidence_is_trusted_as_far_as_it_agrees_with_ratings_and_covers_the_person():
    agree, against = _team_of(12, "agree"), _team_of(12, "against")
    assert evidence_agreement(agree, default_target()) > 0.9 and evidence_agreement(against, default_target()) == 0
    assert (evidence_weight(agree, default_target()) == 1).all()
    assert (evidence_weight(against, default_target()) == 0).all()
    thin = agree.assign(coverage=0.5, credited_share=[1.0] * 6 + [0.2] * 6)
    assert evidence_weight(thin, default_target()).tolist() == [0.5] * 6 + [0.1] * 6


def test_evidence_that_cannot_be_trusted_does_not_move_anyone():
    against = _team_of(12, "against")
    scores = calibration_score(against, default_target())
    submitted = against["submitted_rating"].map({"Improvement": 1, "Meets": 2, "Strong": 3, "Exceptional": 4})
    assert scores.rank().corr(submitted.rank(), method="spearman") > 0.95  # the managers' order, not the data's
    # Trusted evidence moves a person the manager underrated; the same evidence without coverage does not.
    underrated = _team_of(12, "agree")
    underrated.loc[0, "performance_score"] = 95.0
    assert calibration_score(underrated, default_target())[0] > calibration_score(underrated, default_target())[3]
    uncovered = underrated.assign(coverage=[0.0] + [1.0] * 11)
    assert calibration_score(uncovered, default_target())[0] < calibration_score(uncovered, default_target())[3]


# --- final ratings --------------------------------------------------------------------------------


def population_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "cycle": "2026-Q3",
            "employee_id": ["E1", "E2", "E3"],
            "submitted_rating": ["Strong", "Meets", None],
            "unrated_reason": [None, None, "review outstanding with M1"],
        }
    )


def decision_frame(employee_id="E1", rating="Exceptional", reason=None) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "cycle": ["2026-Q3"],
            "employee_id": [employee_id],
            "final_rating": [rating],
            "reason": [reason],
            "decided_by": ["committee:Engineering"],
            "decided_at": [PROPOSED_AT],
        }
    )


def test_final_rating_is_the_decision_else_the_submitted_else_none_with_the_reason():
    final = final_ratings(population_frame(), decision_frame(), TARGET).set_index("employee_id")
    assert final["final_rating"].tolist()[:2] == ["Exceptional", "Meets"]
    assert pd.isna(final.loc["E3", "final_rating"])
    assert final["rating_source"].tolist() == ["decision", "submitted", "none"]
    assert final.loc["E1", "reason"] == "decided by the calibration meeting"
    assert final.loc["E3", "reason"] == "review outstanding with M1"


def test_a_decision_on_someone_outside_the_cycle_or_with_an_unknown_band_is_rejected():
    with pytest.raises(ValueError, match=r"not employed at the cycle's end \(employee_id E9\)"):
        final_ratings(population_frame(), decision_frame("E9"), TARGET)
    with pytest.raises(ValueError, match=r"unknown final_rating 'Outstanding'.*employee_id E1"):
        final_ratings(population_frame(), decision_frame(rating="Outstanding"), TARGET)


def test_the_workflow_audit_has_the_submission_the_decision_and_the_final_of_a_closed_cycle():
    ratings = population_frame().assign(manager_id="M1", submitted_at=PROPOSED_AT)
    final = final_ratings(population_frame(), decision_frame(reason="impact beyond the team"), TARGET)
    rows = workflow_audit_rows(ratings, final, {"2026-Q3": PROPOSED_AT})
    assert rows["stage"].value_counts().to_dict() == {"submitted": 2, "decided": 1, "final": 2}
    decided = rows[rows["stage"] == "decided"].iloc[0]
    assert (decided["from_rating"], decided["to_rating"], decided["proposed_by"], decided["reason"]) == (
        "Strong", "Exceptional", "committee:Engineering", "impact beyond the team",
    )  # fmt: skip
    assert workflow_audit_rows(ratings, final, {})["stage"].value_counts().to_dict() == {"submitted": 2, "decided": 1}


def test_the_manager_gap_is_statsmodels_ols_with_errors_clustered_by_person():
    import statsmodels.api as sm

    people = _biased_company(np.random.default_rng(8))
    bias = manager_bias(people, min_people=8).set_index("manager_id")
    for manager in ("B0", "B3"):
        team = people[people["manager_id"] == manager]
        design = sm.add_constant(
            pd.DataFrame({"evidence": team["performance_score"], "group": (team["gender"] == "Female").astype(float)})
        )
        fit = sm.OLS(team["submitted_rank"].astype(float), design).fit(
            cov_type="cluster", cov_kwds={"groups": pd.factorize(team["employee_id"])[0]}, use_t=True
        )
        low, high = fit.conf_int().loc["group"]
        row = bias.loc[manager]
        assert row["gap"] == pytest.approx(fit.params["group"])
        assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high))
        assert row["pvalue"] == pytest.approx(fit.pvalues["group"])
