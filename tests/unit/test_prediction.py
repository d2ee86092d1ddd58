"""Early-signal models: learning, the time split, predictions and drivers, fairness guard, bad input."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest

from analytics.prediction import (
    AttritionConfig,
    TopPerformerConfig,
    check_no_protected,
    predict_regrettable_attrition,
    predict_top_performers,
)

START = pd.Timestamp("2025-11-01")
MONTHS = pd.date_range(START, periods=12, freq="MS")  # the sandbox's 2025-11 .. 2026-10
QUARTERS = pd.date_range("2025-10-01", periods=5, freq="QS")  # 2025-Q4 .. the partial 2026-Q4
END = pd.Timestamp("2026-11-01")
SCORES = [
    "performance_score",
    "objective_score",
    "output_score",
    "quality_score",
    "efficiency_score",
    "impact_score",
    "competency_score",
]
BANDS = pd.DataFrame({"band": ["Exceptional", "Strong", "Meets", "Improvement"], "band_rank": [4, 3, 2, 1]})


def make_org(n: int = 600, seed: int = 7, recent_share: float = 0.5) -> dict[str, pd.DataFrame]:
    """n people scored monthly; latent ability drives scores, quarterly bands and ratings."""
    rng = np.random.default_rng(seed)
    ability = rng.standard_normal(n)
    recent = rng.random(n) < recent_share
    days_before_start = np.where(recent, rng.integers(0, 240, n), rng.integers(500, 3000, n))
    mid = rng.choice([90_000.0, 130_000.0], n)
    salary = np.round(mid * rng.uniform(0.85, 1.15, n), -2)
    employees = pd.DataFrame(
        {
            "employee_id": [f"E{i:04d}" for i in range(n)],
            "hire_date": START - pd.to_timedelta(days_before_start, unit="D"),
            "termination_date": pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]"),
            "is_regrettable_termination": pd.array([pd.NA] * n, dtype="boolean"),
            "level_group": rng.choice(["IC", "manager"], n, p=[0.8, 0.2]),
            "role": rng.choice(["engineering", "sales", "support"], n),
            "gender": rng.choice(["Female", "Male", "Non-binary"], n),
            "salary": salary,
            "pay_range_min": mid * 0.8,
            "pay_range_max": mid * 1.2,
            "compa_ratio": salary / mid,
        }
    )
    person = np.repeat(np.arange(n), len(MONTHS))
    month = np.tile(np.arange(len(MONTHS)), n)
    ids = employees["employee_id"].to_numpy()
    monthly = pd.DataFrame({"employee_id": ids[person], "period_start": MONTHS[month]})
    for column in SCORES:
        monthly[column] = np.clip(55 + 12 * ability[person] + 6 * rng.standard_normal(len(person)), 0, 100)
    monthly["coverage"] = rng.uniform(0.8, 1.0, len(person))
    noisy = ability[:, None] + 0.4 * rng.standard_normal((n, len(QUARTERS)))
    band_rank = np.select([noisy > 1.3, noisy > 0.3, noisy > -1.0], [4, 3, 2], 1)
    quarterly = pd.DataFrame(
        {
            "employee_id": np.repeat(ids, len(QUARTERS)),
            "period_start": np.tile(QUARTERS, n),
            "band_rank": band_rank.ravel(),
        }
    )
    ratings = quarterly[quarterly["period_start"] < QUARTERS[-1]].rename(
        columns={"period_start": "quarter_start", "band_rank": "submitted_rank"}
    )
    return {"monthly": monthly, "quarterly": quarterly, "employees": employees, "ratings": ratings}


def make_flight_org(n: int = 1500, seed: int = 11) -> dict[str, pd.DataFrame]:
    """make_org plus regrettable leavers: underpaid people whose scores climb 3 points a month."""
    org = make_org(n, seed)
    rng = np.random.default_rng(seed + 1)
    employees, monthly = org["employees"], org["monthly"]
    flight = rng.random(n) < 0.3
    mid = employees["pay_range_min"] / 0.8
    employees["salary"] = np.where(flight, np.round(mid * rng.uniform(0.8, 0.9, n), -2), employees["salary"])
    employees["compa_ratio"] = employees["salary"] / mid
    leaves = flight & (rng.random(n) < 0.5)
    term = START + pd.to_timedelta(rng.integers(15, 360, n), unit="D")
    employees["termination_date"] = pd.Series(term).where(leaves)
    employees["is_regrettable_termination"] = pd.array(np.where(leaves, True, pd.NA), dtype="boolean")
    climbing = flight[np.repeat(np.arange(n), len(MONTHS))]
    step = np.tile(np.arange(len(MONTHS)), n) * 3.0
    monthly["objective_score"] = np.clip(monthly["objective_score"] + np.where(climbing, step - 15, 0), 0, 100)
    # Nobody is scored after leaving.
    left = monthly["period_start"].to_numpy() >= np.repeat(employees["termination_date"].to_numpy(), len(MONTHS))
    org["monthly"] = monthly[~left].reset_index(drop=True)
    org["ratings"] = org["ratings"][org["ratings"]["employee_id"].isin(org["monthly"]["employee_id"])]
    return org


def top(org: dict[str, pd.DataFrame], config: TopPerformerConfig | None = None):
    return predict_top_performers(org["monthly"], org["quarterly"], org["employees"], config)


def attrition(org: dict[str, pd.DataFrame], config: AttritionConfig | None = None):
    return predict_regrettable_attrition(org["monthly"], org["employees"], org["ratings"], config, BANDS)


@pytest.fixture(scope="module")
def org() -> dict[str, pd.DataFrame]:
    return make_org()


@pytest.fixture(scope="module")
def flight_org() -> dict[str, pd.DataFrame]:
    return make_flight_org()


# --- learning a real signal -----------------------------------------------------------------------------


def test_top_performer_model_separates_top_from_the_rest_on_the_held_out_quarter(org):
    result = top(org)
    m = result.metrics
    assert m["reason"] is None
    assert m["n_train"] > 0 and m["n_test"] > 0 and m["n_test_positive"] > 0
    assert m["auc"] > 0.85
    assert m["brier"] < m["brier_base_rate"]
    assert 0 < m["base_rate_train"] < 1 and 0 < m["base_rate_test"] < 1
    probability = result.predictions["probability"]
    assert probability.between(0, 1).all() and probability.std() > 0.2  # not a constant
    ability_order = org["monthly"].groupby("employee_id")["performance_score"].mean()
    best, worst = ability_order.idxmax(), ability_order.idxmin()
    by_person = result.predictions.set_index("employee_id")
    assert by_person.loc[best, "potential"] == "high" and by_person.loc[worst, "potential"] == "low"


def test_attrition_model_finds_the_climbers_without_reading_todays_pay(flight_org):
    result = attrition(flight_org)
    m = result.metrics
    assert m["n_test_positive"] >= 5 and m["auc"] > 0.6
    assert m["auc_ci_low"] <= m["auc"] <= m["auc_ci_high"]
    assert m["brier_ci_low"] <= m["brier"] <= m["brier_ci_high"]
    coefficients = result.coefficients.set_index("feature")["coefficient"]
    # Pay is not a feature: today's compa-ratio on past snapshots lifted the AUC by leaking the future.
    assert "compa_ratio" not in coefficients.index and coefficients["objective_score_change"] > 0
    assert m["published"] and m["brier"] < m["brier_base_rate"]
    assert result.predictions["probability"].std() > 0.02


# --- time split -----------------------------------------------------------------------------------------


def test_top_performer_split_trains_only_on_quarters_closed_by_the_cutoff(org):
    result = top(org)
    examples, cutoff = result.examples, pd.Timestamp(result.metrics["cutoff"])
    train, test = examples[examples["split"] == "train"], examples[examples["split"] == "test"]
    assert train["label_end"].max() <= cutoff < test["label_end"].min()
    assert train["as_of"].min() < test["as_of"].min()
    assert train["probability"].isna().all() and test["probability"].notna().all()
    assert len(train) == result.metrics["n_train"] and len(test) == result.metrics["n_test"]


def test_changing_the_held_out_outcomes_does_not_change_held_out_predictions(org):
    first = top(org)
    test_quarters = first.examples.loc[first.examples["split"] == "test", "label_end"] - pd.DateOffset(months=3)
    flipped = dict(org)
    quarterly = org["quarterly"].copy()
    in_test = quarterly["period_start"].isin(test_quarters.unique())
    quarterly.loc[in_test, "band_rank"] = 5 - quarterly.loc[in_test, "band_rank"]
    flipped["quarterly"] = quarterly
    second = top(flipped)
    held_out = first.examples["split"] == "test"
    np.testing.assert_allclose(
        second.examples.loc[held_out, "probability"], first.examples.loc[held_out, "probability"]
    )
    assert second.metrics["auc"] < 0.5 < first.metrics["auc"]


def test_attrition_is_tested_from_rolling_origins_and_every_later_departure_is_scored(flight_org):
    result = attrition(flight_org)
    first = pd.Timestamp(result.metrics["cutoff"])
    assert result.metrics["origins"] > 1
    employees = flight_org["employees"]
    examples = result.examples.merge(employees[["employee_id", "termination_date", "is_regrettable_termination"]])
    test = examples[examples["split"] == "test"]
    # Each tested row was trained without its own outcome: its window ends after its origin, and a
    # departure known by the origin is never scored again.
    assert (test["label_end"] > test["origin"]).all()
    assert (test["termination_date"].isna() | (test["termination_date"] > test["origin"])).all()
    # Every regrettable departure after the first origin is scored from a snapshot before it.
    horizon_end = examples["label_end"].max()
    later = employees[employees["is_regrettable_termination"].fillna(False).astype(bool)
                      & (employees["termination_date"] > first) & (employees["termination_date"] <= horizon_end)]  # fmt: skip
    scored_positive = set(test.loc[test["label"], "employee_id"])
    assert len(later) > 0 and set(later["employee_id"]) <= scored_positive
    assert result.metrics["n_test_positive"] >= len(later)


def test_label_is_the_first_quarter_after_the_window_and_never_the_partial_one(org):
    examples = top(org).examples
    windows = examples.drop_duplicates("as_of").set_index("as_of")["label_end"]
    # Window Nov-Jan ends 2026-02-01: the label quarter is 2026-Q2 (known 2026-07-01).
    assert windows[pd.Timestamp("2026-02-01")] == pd.Timestamp("2026-07-01")
    assert windows[pd.Timestamp("2026-05-01")] == pd.Timestamp("2026-10-01")
    assert windows.max() <= END  # 2026-Q4 has a row in `quarterly` but ends after the data
    gapped = top(org, TopPerformerConfig(gap_months=2)).examples.drop_duplicates("as_of").set_index("as_of")
    assert gapped.loc[pd.Timestamp("2026-02-01"), "label_end"] == pd.Timestamp("2026-07-01")
    assert gapped.loc[pd.Timestamp("2026-03-01"), "label_end"] == pd.Timestamp("2026-10-01")


# --- early tenure ----------------------------------------------------------------------------------------


def test_early_tenure_is_preferred_when_there_is_enough_of_it(org):
    result = top(org)
    assert result.metrics["tenure_limit_months"] == 12
    predictions = result.predictions
    assert (predictions["in_scope"] == (predictions["tenure_months"] <= 12)).all()
    assert predictions["in_scope"].any() and not predictions["in_scope"].all()


def test_early_tenure_widens_when_too_few_recent_hires():
    veterans = make_org(n=400, recent_share=0.02)
    limit = top(veterans).metrics["tenure_limit_months"]
    assert limit is None or limit > 12
    assert top(veterans).metrics["n_labelled"] > 200


# --- predictions and drivers ----------------------------------------------------------------------------


def test_predictions_cover_each_active_person_once_at_the_end_of_the_data(flight_org):
    employees = flight_org["employees"]
    active = employees.loc[employees["termination_date"].isna(), "employee_id"]
    for result in (top(flight_org), attrition(flight_org)):
        predictions = result.predictions
        assert predictions["employee_id"].is_unique
        assert set(predictions["employee_id"]) == set(active)
        assert (predictions["as_of"] == END).all()
        assert predictions["employee_id"].is_monotonic_increasing


def test_levels_follow_the_configured_cutoffs(org):
    config = TopPerformerConfig(high_cutoff=0.7, medium_cutoff=0.2)
    predictions = top(org, config).predictions
    p = predictions["probability"]
    expected = np.select([p >= 0.7, p >= 0.2], ["high", "medium"], "low")
    assert (predictions["potential"].to_numpy() == expected).all()
    assert set(predictions["potential"]) == {"high", "medium", "low"}
    with pytest.raises(ValueError, match="medium_cutoff"):
        AttritionConfig(high_cutoff=0.1, medium_cutoff=0.2)


def test_drivers_are_at_most_three_plain_words_reasons(org):
    predictions = top(org).predictions
    parts = predictions["drivers"].str.split("; ")
    assert parts.map(len).max() <= 3
    high = predictions[predictions["potential"] == "high"]
    assert high["drivers"].str.contains(r"score averaging \d+\.\d", regex=True).all()
    assert not predictions["drivers"].str.contains("nan").any()
    single = top(org, TopPerformerConfig(n_drivers=1)).predictions["drivers"]
    assert not single.str.contains("; ").any() and (single != "").any()


def test_attrition_drivers_spell_out_the_score_trend():
    org = make_flight_org()
    employees, monthly = org["employees"], org["monthly"]
    who = employees.loc[employees["termination_date"].isna(), "employee_id"].iloc[0]
    rows = monthly["employee_id"] == who
    monthly.loc[rows, "objective_score"] = 40 + 2.7 * np.arange(rows.sum())
    result = attrition(org)
    predictions = result.predictions.set_index("employee_id")
    assert result.metrics["published"]
    assert "objective score rising (+8.1 points over 3 months)" in predictions.loc[who, "drivers"]
    assert "compa-ratio" not in predictions.loc[who, "drivers"]


def test_rating_names_come_from_the_bands_frame(flight_org):
    config = AttritionConfig(n_drivers=10)  # every positive push, so ratings show up
    drivers = attrition(flight_org, config).predictions["drivers"]
    ratings = drivers.str.extractall(r"latest manager rating (\w+)")[0]
    assert len(ratings) and set(ratings) <= set(BANDS["band"])


def test_people_who_left_before_a_snapshot_are_not_in_it(flight_org):
    examples = attrition(flight_org).examples.merge(flight_org["employees"])
    assert (examples["termination_date"].isna() | (examples["termination_date"] > examples["as_of"])).all()
    positive = examples[examples["label"]]
    assert (positive["termination_date"] <= positive["as_of"] + pd.DateOffset(months=6)).all()
    assert positive["is_regrettable_termination"].all()


# --- fairness guard -------------------------------------------------------------------------------------


def test_protected_attributes_cannot_be_features(org):
    with pytest.raises(ValueError, match="gender"):
        TopPerformerConfig(categorical_features=("level_group", "gender"))
    with pytest.raises(ValueError, match="ethnicity"):
        AttritionConfig(categorical_features=("Ethnicity",))
    with pytest.raises(ValueError, match="gender"):
        check_no_protected(["role=sales", "gender=Female"])
    check_no_protected(["role=sales", "level_group=IC", "compa_ratio"])
    features = set(top(org).coefficients["feature"]) | set(attrition(org).coefficients["feature"])
    assert not any(f.split("=")[0] in {"gender", "age", "ethnicity"} for f in features)


# --- degenerate input ------------------------------------------------------------------------------------


def test_a_missing_class_reports_nan_metrics_and_a_reason(org):
    nobody_top = dict(org, quarterly=org["quarterly"].assign(band_rank=2))
    result = top(nobody_top)
    assert math.isnan(result.metrics["auc"]) and math.isnan(result.metrics["brier"])
    assert "all have label False" in result.metrics["reason"] and "no model" in result.metrics["reason"]
    assert result.predictions["probability"].isna().all() and result.predictions["potential"].isna().all()
    assert (result.predictions["drivers"] == "").all()
    stayers = attrition(org)  # make_org has no leavers at all
    assert math.isnan(stayers.metrics["auc"]) and "no model" in stayers.metrics["reason"]


def test_no_positive_in_the_test_period_keeps_brier_but_not_auc(flight_org):
    early = flight_org["employees"]["termination_date"] < pd.Timestamp("2026-06-01")
    employees = flight_org["employees"].assign(
        termination_date=flight_org["employees"]["termination_date"].where(early),
        is_regrettable_termination=flight_org["employees"]["is_regrettable_termination"].where(early),
    )
    result = attrition(dict(flight_org, employees=employees))
    assert result.metrics["n_test_positive"] == 0
    assert math.isnan(result.metrics["auc"]) and not math.isnan(result.metrics["brier"])
    assert result.metrics["reason"] == "test rows all have label False"
    assert result.predictions["probability"].notna().all()


def test_empty_input_returns_empty_frames_with_the_usual_columns(org):
    empty = dict(org, monthly=org["monthly"].iloc[0:0])
    full_top, full_attrition = top(org), attrition(org)
    for result, full in ((top(empty), full_top), (attrition(empty), full_attrition)):
        assert result.predictions.empty and result.examples.empty
        assert list(result.predictions.columns) == list(full.predictions.columns)
        assert list(result.examples.columns) == list(full.examples.columns)
        assert result.metrics["reason"] and math.isnan(result.metrics["auc"])


def test_one_person_does_not_crash(org):
    one = {
        "monthly": org["monthly"][org["monthly"]["employee_id"] == "E0001"],
        "quarterly": org["quarterly"][org["quarterly"]["employee_id"] == "E0001"],
        "employees": org["employees"].head(2),
        "ratings": org["ratings"][org["ratings"]["employee_id"] == "E0001"],
    }
    for result in (top(one), attrition(one)):
        assert len(result.predictions) == 1
        assert math.isnan(result.metrics["auc"]) and result.metrics["reason"]


def test_identical_people_get_identical_predictions_and_input_order_does_not_matter(org):
    twin = {
        name: pd.concat([frame, frame[frame["employee_id"] == "E0005"].assign(employee_id="E9999")])
        for name, frame in org.items()
    }
    result = top(twin)
    rows = result.predictions.set_index("employee_id").loc[["E0005", "E9999"]]
    assert rows["probability"].iloc[0] == pytest.approx(rows["probability"].iloc[1], rel=1e-12)
    assert rows["drivers"].nunique() == 1
    shuffled = {name: frame.sample(frac=1, random_state=3) for name, frame in twin.items()}
    again = top(shuffled)
    pd.testing.assert_frame_equal(result.predictions, again.predictions)
    pd.testing.assert_frame_equal(result.examples, again.examples)
    assert result.metrics == again.metrics


def test_everyone_scoring_the_same_still_runs_and_scores_explain_nothing(org):
    flat = org["monthly"].copy()
    flat[SCORES] = 60.0
    result = top(dict(org, monthly=flat))
    assert result.predictions["probability"].between(0, 1).all()
    assert not result.predictions["drivers"].str.contains("score").any()


def test_missing_scores_are_imputed_and_never_quoted(org):
    holes = org["monthly"].copy()
    holes.loc[holes["employee_id"] < "E0300", "output_score"] = np.nan
    holes = holes[~((holes["employee_id"] == "E0400") & (holes["period_start"] == MONTHS[-2]))]
    predictions = top(dict(org, monthly=holes)).predictions.set_index("employee_id")
    assert not predictions.loc[predictions.index < "E0300", "drivers"].str.contains("output score").any()
    assert "E0400" in predictions.index  # two of the last three months are enough


# --- bad input -------------------------------------------------------------------------------------------


def set_for(frame: pd.DataFrame, who: str, column: str, value) -> pd.DataFrame:
    """`frame` with `column` set to `value` on the rows of employee `who`."""
    return frame.assign(**{column: frame[column].where(frame["employee_id"] != who, value)})


@pytest.mark.parametrize(
    ("frame", "change", "message"),
    [
        ("monthly", lambda f: f.drop(columns="coverage"), "monthly is missing required column(s): coverage"),
        (
            "monthly",
            lambda f: set_for(f, "E0003", "employee_id", "X9"),
            "monthly row has no employee record (employee_id X9)",
        ),
        ("monthly", lambda f: pd.concat([f, f.head(1)]), "monthly has two rows for one period (employee_id E0000)"),
        (
            "monthly",
            lambda f: set_for(f, "E0002", "quality_score", 120.0),
            "monthly quality_score outside ... (employee_id E0002)",
        ),
        ("monthly", lambda f: set_for(f, "E0012", "coverage", 1.5), "monthly coverage outside ... (employee_id E0012)"),
        ("employees", lambda f: set_for(f, "E0004", "hire_date", pd.NaT), "hire_date is missing (employee_id E0004)"),
        ("employees", lambda f: pd.concat([f, f.iloc[[6]]]), "listed twice in employees (employee_id E0006)"),
        ("quarterly", lambda f: f.assign(period_start=f["period_start"] + pd.DateOffset(months=1)), "quarter start"),
    ],
)
def test_top_performer_bad_input_names_the_record(org, frame, change, message):
    bad = dict(org, **{frame: change(org[frame])})
    with pytest.raises(ValueError, match=".*".join(map(re.escape, message.split("...")))):
        top(bad)


@pytest.mark.parametrize(
    ("frame", "change", "message"),
    [
        (
            "employees",
            lambda f: set_for(f, "E0009", "termination_date", f["hire_date"] - pd.Timedelta(days=1)),
            "termination_date before hire_date (employee_id E0009)",
        ),
        (
            "employees",
            lambda f: f.drop(columns="is_regrettable_termination"),
            "employees is missing required column(s): is_regrettable_termination",
        ),
        ("ratings", lambda f: set_for(f, "E0010", "submitted_rank", 0), "submitted_rank below 1 (employee_id E0010)"),
        (
            "ratings",
            lambda f: set_for(f, "E0011", "employee_id", "nobody"),
            "ratings row has no employee record (employee_id nobody)",
        ),
    ],
)
def test_attrition_bad_input_names_the_record(org, frame, change, message):
    bad = dict(org, **{frame: change(org[frame])})
    with pytest.raises(ValueError, match=re.escape(message)):
        attrition(bad)


def test_training_beyond_the_row_cap_uses_a_seeded_sample_and_still_learns(org):
    capped = top(org, TopPerformerConfig(max_train_rows=150))
    assert capped.metrics["n_train"] > 150  # the split still counts every row; the fit sees a sample
    assert capped.metrics["auc"] > 0.8
    again = top(org, TopPerformerConfig(max_train_rows=150))
    pd.testing.assert_frame_equal(capped.predictions, again.predictions)
    assert not capped.predictions["probability"].equals(top(org).predictions["probability"])


def test_a_model_that_does_not_beat_the_base_rate_is_not_published(flight_org):
    # The attrition Brier 0.0061 was worse than the base rate's 0.0053, yet 4 people were shown as high risk.
    noisy = dict(flight_org)
    employees = flight_org["employees"].copy()
    rng = np.random.default_rng(4)
    leavers = employees["termination_date"].notna()
    employees.loc[leavers, "termination_date"] = employees.loc[leavers, "hire_date"] + pd.to_timedelta(
        rng.integers(200, 900, leavers.sum()), "D"
    )  # departures at random: nothing in the scores foretells them
    noisy["employees"] = employees
    result = attrition(noisy)
    m = result.metrics
    assert m["brier"] >= m["brier_base_rate"] and m["brier_gain_ci_low"] < 0
    assert not m["published"] and "does not beat the base rate" in m["reason"]
    assert result.predictions["probability"].isna().all() and result.predictions["risk"].isna().all()


def test_a_close_proxy_of_a_protected_attribute_is_left_out(org):
    employees, monthly = org["employees"], org["monthly"]
    early = employees["hire_date"] < employees["hire_date"].median()  # tenure stands in for this "gender"
    protected = pd.DataFrame({"employee_id": employees["employee_id"], "gender": np.where(early, "F", "M")})
    config = TopPerformerConfig(max_proxy_correlation=0.2)  # tenure correlates 0.25 with it, the scores < 0.1
    result = predict_top_performers(monthly, org["quarterly"], employees, config, protected)
    assert result.metrics["proxies_left_out"] == "tenure_in_scope_months"
    assert "tenure_in_scope_months" not in set(result.coefficients["feature"])
    assert "gender F" in result.metrics["high_share_by_group"] and 0 <= result.metrics["disparity_ratio"] <= 1
