"""Merit planning: pools spend their budget (never more), the matrix's order holds, edge cases behave."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analytics.compensation import (
    CELL_COLUMNS,
    PLAN_COLUMNS,
    POOL_COLUMNS,
    merit_cells,
    plan_merit,
    service_proration,
)

SEEDS = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds"
CYCLE = ("2025-11-01", "2026-10-31")
RANK = {"Exceptional": 4, "Strong": 3, "Meets": 2, "Improvement": 1}


def seed(name: str) -> pd.DataFrame:
    return pd.read_csv(SEEDS / f"{name}.csv")


def config(budgets: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    return {
        "matrix": seed("merit_matrix"),
        "compa_bands": seed("compa_ratio_bands"),
        "budgets": seed("merit_budgets") if budgets is None else budgets,
        "parameters": seed("merit_parameters"),
    }


def team(*people: tuple, department: str = "Eng") -> pd.DataFrame:
    """People as (employee_id, salary, rating, compa_ratio[, pay_range_max[, hire_date]])."""
    defaults = (None, "2020-01-01")  # no range max, hired long before the cycle
    rows = [person + defaults[len(person) - 4 :] for person in people]
    columns = ["employee_id", "salary", "rating", "compa_ratio", "pay_range_max", "hire_date"]
    return pd.DataFrame(rows, columns=columns).assign(department=department)


def plan(employees: pd.DataFrame, budgets: pd.DataFrame | None = None):
    return plan_merit(employees, **config(budgets), cycle_start=CYCLE[0], cycle_end=CYCLE[1])


GUIDE_TEAM = team(
    ("alice", 120_000, "Exceptional", 0.85),
    ("bob", 100_000, "Strong", 1.00),
    ("carol", 90_000, "Meets", 0.95),
    ("david", 110_000, "Improvement", 1.15),
)


def cents(values) -> np.ndarray:
    return np.round(np.asarray(values, float) * 100).astype(np.int64)


def random_company(seed_value: int, size: int, departments: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed_value)
    salary = rng.uniform(30_000, 250_000, size).round(2)
    compa = rng.normal(1.0, 0.2, size).clip(0.5)
    compa[rng.random(size) < 0.05] = np.nan
    return pd.DataFrame(
        {
            "employee_id": [f"E{i:05d}" for i in range(size)],
            "department": rng.choice([f"D{d}" for d in range(departments)], size),
            "salary": salary,
            "rating": rng.choice(list(RANK), size, p=[0.10, 0.25, 0.50, 0.15]),
            "compa_ratio": compa,
            "pay_range_max": np.where(rng.random(size) < 0.2, np.nan, salary * rng.uniform(0.95, 1.3, size)),
            "hire_date": pd.Timestamp("2018-01-01") + pd.to_timedelta(rng.integers(0, 3300, size), "D"),
        }
    )


# --- seeds -------------------------------------------------------------------------------------------


def test_seed_matrix_is_the_guides_base_merit_times_compa_adjustment():
    matrix = seed("merit_matrix").set_index(["band", "compa_band"])["merit_pct"]
    base = {"Exceptional": 0.06, "Strong": 0.04, "Meets": 0.03, "Improvement": 0.0}
    adjustment = {"low": 1.5, "mid": 1.0, "high": 0.5}
    assert len(matrix) == 12
    for (band, compa_band), pct in matrix.items():
        assert pct == pytest.approx(base[band] * adjustment[compa_band])


def test_seed_defaults_budget_and_cap_and_unix_line_endings():
    assert seed("merit_budgets").to_dict("records") == [{"department": "*", "budget_share": 0.04}]
    parameters = seed("merit_parameters").set_index("parameter")["value"]
    assert parameters["cap_multiple"] == 2.0
    for name in ("merit_matrix", "compa_ratio_bands", "merit_budgets", "merit_parameters"):
        assert b"\r" not in (SEEDS / f"{name}.csv").read_bytes()


@pytest.mark.parametrize(
    ("ratio", "band"),
    [
        (0.0, "low"),
        (0.7999, "low"),
        (0.80, "mid"),
        (1.0, "mid"),
        (1.20, "mid"),
        (1.2001, "high"),
        (3.0, "high"),
    ],
)
def test_compa_band_edges_follow_the_guide(ratio, band):
    result, _ = plan(team(("x", 100_000, "Meets", ratio)))
    assert result.loc[0, "compa_band"] == band


# --- the guide's example ---------------------------------------------------------------------------


def test_guide_example_spends_the_whole_budget_not_82_percent():
    result, pools = plan(GUIDE_TEAM)
    pool = pools.iloc[0]
    assert pool["payroll"] == 420_000 and pool["budget"] == 16_800
    assert 99.5 <= pool["used_pct"] <= 100
    assert pool["spent"] <= pool["budget"]
    assert cents(result["increase"]).sum() == cents(pool["spent"])
    # The unscaled matrix would spend 13,900 (82.7%): the plan scales it up, it does not just cap.
    assert pool["scale"] > 1
    by_id = result.set_index("employee_id")
    assert by_id.loc["david", "increase"] == 0
    assert by_id.loc["alice", "merit_pct"] > by_id.loc["bob", "merit_pct"] > by_id.loc["carol", "merit_pct"] > 0
    assert (by_id["merit_pct"] <= 0.08).all()
    assert list(result.columns) == list(PLAN_COLUMNS) and list(pools.columns) == list(POOL_COLUMNS)


def test_new_salary_is_salary_plus_the_part_added_to_base():
    result, _ = plan(GUIDE_TEAM)
    assert cents(result["new_salary"]).tolist() == cents(result["salary"] + result["salary_increase"]).tolist()
    assert cents(result["increase"]).tolist() == cents(result["salary_increase"] + result["lump_sum"]).tolist()


# --- edge cases --------------------------------------------------------------------------------------


def test_empty_team_gives_empty_plan_and_no_pool_rows():
    result, pools = plan(team())
    assert result.empty and pools.empty
    assert list(result.columns) == list(PLAN_COLUMNS) and list(pools.columns) == list(POOL_COLUMNS)


def test_one_person_gets_exactly_the_budget():
    result, pools = plan(team(("solo", 100_000, "Strong", 1.0)))
    assert result.loc[0, "increase"] == 4_000
    assert result.loc[0, "merit_pct"] == pytest.approx(0.04)
    assert pools.loc[0, "used_pct"] == pytest.approx(100)


def test_all_same_rating_everyone_gets_the_budget_share():
    result, pools = plan(team(*[(f"m{i}", 50_000 + 10_000 * i, "Meets", 1.0) for i in range(5)]))
    assert result["merit_pct"].to_numpy() == pytest.approx(0.04)
    assert pools.loc[0, "spent"] == pools.loc[0, "budget"]


def test_everyone_improvement_spends_nothing():
    result, pools = plan(team(("a", 80_000, "Improvement", 1.0), ("b", 90_000, "Improvement", 0.7)))
    assert (result["increase"] == 0).all() and (result["merit_pct"] == 0).all()
    assert pools.loc[0, "spent"] == 0 and pools.loc[0, "used_pct"] == 0
    assert "no one eligible" in pools.loc[0, "note"]


def test_zero_budget_gives_all_zero():
    budgets = pd.DataFrame({"department": ["*", "Eng"], "budget_share": [0.04, 0.0]})
    result, pools = plan(GUIDE_TEAM, budgets)
    assert (result[["merit_pct", "increase", "salary_increase", "lump_sum"]] == 0).all().all()
    assert not result["capped"].any()
    assert pools.loc[0, "budget"] == 0 and pools.loc[0, "used_pct"] == 0 and pools.loc[0, "note"] == "no budget"


def test_ties_get_identical_increases_and_input_order_does_not_matter():
    people = team(("b", 100_000, "Strong", 1.0), ("a", 100_000, "Strong", 1.0), ("c", 90_000, "Meets", 1.0))
    result, _ = plan(people)
    assert result["employee_id"].tolist() == ["a", "b", "c"]
    assert result.loc[0, "increase"] == result.loc[1, "increase"]
    reversed_result, _ = plan(people.iloc[::-1])
    pd.testing.assert_frame_equal(result, reversed_result)


def test_missing_compa_ratio_is_treated_as_mid_band_and_noted():
    result, _ = plan(team(("known", 100_000, "Strong", 1.0), ("unknown", 100_000, "Strong", None)))
    unknown = result.set_index("employee_id").loc["unknown"]
    assert unknown["compa_band"] == "mid" and unknown["matrix_pct"] == 0.04
    assert "compa_ratio missing" in unknown["note"]
    assert pd.isna(result.set_index("employee_id").loc["known", "note"])


def test_new_hire_half_way_through_the_cycle_costs_half():
    people = team(
        ("veteran", 100_000, "Strong", 1.0, None, "2019-03-01"), ("new", 100_000, "Strong", 1.0, None, "2026-05-01")
    )
    result = plan(people)[0].set_index("employee_id")
    assert result.loc["new", "proration"] == 0.5 and result.loc["veteran", "proration"] == 1
    assert result.loc["new", "merit_pct"] == result.loc["veteran", "merit_pct"]
    assert abs(result.loc["new", "increase"] - result.loc["veteran", "increase"] / 2) <= 0.01


def test_service_proration_counts_calendar_months_and_clips():
    hires = pd.Series(pd.to_datetime(["2020-01-01", "2025-11-01", "2026-05-16", "2026-10-31", "2026-11-01"]))
    proration = service_proration(hires, *CYCLE)
    assert proration == pytest.approx([1, 1, (6 - 15 / 31) / 12, (1 / 31) / 12, 0])
    with pytest.raises(ValueError, match="before cycle_start"):
        service_proration(hires, "2026-10-31", "2025-11-01")


def test_raise_above_range_max_is_paid_as_lump_sum():
    people = team(("near_max", 100_000, "Strong", 1.0, 102_000), ("above_max", 100_000, "Strong", 1.0, 95_000))
    result, pools = plan(people)
    by_id = result.set_index("employee_id")
    assert by_id.loc["near_max", "increase"] == 4_000
    assert by_id.loc["near_max", "salary_increase"] == 2_000 and by_id.loc["near_max", "lump_sum"] == 2_000
    assert by_id.loc["near_max", "new_salary"] == 102_000
    assert by_id.loc["above_max", "salary_increase"] == 0 and by_id.loc["above_max", "lump_sum"] == 4_000
    assert by_id.loc["above_max", "new_salary"] == 100_000
    assert pools.loc[0, "lump_sum_total"] == 6_000


def test_cap_binds_and_the_rest_of_the_pool_absorbs_the_budget():
    people = team(("star", 100_000, "Exceptional", 0.7), *[(f"m{i}", 100_000, "Meets", 1.0) for i in range(6)])
    result, pools = plan(people)
    star = result.set_index("employee_id").loc["star"]
    assert star["capped"] and star["merit_pct"] == pytest.approx(0.08) and "capped at 8.00%" in star["note"]
    # What the cap holds back goes to the others: 28,000 - 8,000 over 600,000 of Meets payroll.
    assert result.loc[result["rating"] == "Meets", "merit_pct"].to_numpy() == pytest.approx(20_000 / 600_000)
    assert pools.loc[0, "capped_count"] == 1 and 99.5 <= pools.loc[0, "used_pct"] <= 100


def test_when_everyone_eligible_is_capped_the_pool_stays_under_budget():
    people = team(("star", 100_000, "Exceptional", 0.7), *[(f"i{i}", 100_000, "Improvement", 1.0) for i in range(3)])
    result, pools = plan(people)
    assert result.set_index("employee_id").loc["star", "increase"] == 8_000
    assert pools.loc[0, "spent"] == 8_000 and pools.loc[0, "used_pct"] == pytest.approx(50)
    assert "everyone eligible is capped" in pools.loc[0, "note"]


# --- pools and invariants ------------------------------------------------------------------------------


def test_each_department_spends_its_own_budget_share():
    budgets = pd.DataFrame({"department": ["*", "Sales"], "budget_share": [0.04, 0.03]})
    people = pd.concat(
        [GUIDE_TEAM, team(("s1", 80_000, "Strong", 1.0), ("s2", 70_000, "Meets", 0.9), department="Sales")]
    )
    _, pools = plan(people, budgets)
    pools = pools.set_index("department")
    assert pools.loc["Sales", "budget_share"] == 0.03 and pools.loc["Sales", "budget"] == 4_500
    assert pools.loc["Eng", "budget"] == 16_800
    assert (pools["used_pct"] >= 99.5).all() and (pools["spent"] <= pools["budget"]).all()


@pytest.mark.parametrize("seed_value", [1, 2, 3])
def test_random_company_never_overspends_and_keeps_the_matrix_order(seed_value):
    result, pools = plan(random_company(seed_value, 3_000))
    assert (cents(pools["spent"]) <= cents(pools["budget"])).all()
    assert (pools["used_pct"] >= 99.5).all()
    assert (pools.set_index("department")["spent"] == result.groupby("department")["increase"].sum().round(2)).all()
    assert (result.loc[result["rating"] == "Improvement", "increase"] == 0).all()
    assert ((result["proration"] >= 0) & (result["proration"] <= 1)).all()
    # Within a pool and compa band, a higher rating never gets a smaller merit %.
    ranked = result.assign(rank=result["rating"].map(RANK))
    per_rank = ranked.groupby(["department", "compa_band", "rank"])["merit_pct"].agg(["min", "max"])
    for _, cells in per_rank.groupby(level=["department", "compa_band"]):
        assert (cells["min"].to_numpy()[1:] >= cells["max"].to_numpy()[:-1] - 1e-12).all()


def test_scale_is_exact_on_its_segment():
    """Spend at the solved scale equals the budget before rounding to cents (not just within 0.5%)."""
    result, pools = plan(random_company(9, 2_000, departments=3))
    unrounded = (result["merit_pct"] * result["proration"] * result["salary"]).groupby(result["department"]).sum()
    assert unrounded.to_numpy() == pytest.approx(pools["budget"].to_numpy(), abs=0.01)  # allocated in cents
    assert unrounded.sum() == pytest.approx(pools["payroll_budget"].sum(), rel=1e-9)


def test_pools_sharing_one_budget_share_pay_the_same_cell_the_same():
    # One scale per pool made a Sales Meets get 5.33% while an Engineering Exceptional got 5.05%.
    eng = team(
        ("e1", 100_000, "Exceptional", 1.0),
        ("e2", 100_000, "Exceptional", 1.0),
        ("e3", 100_000, "Strong", 1.0),
        ("e4", 100_000, "Meets", 1.0),
        department="Engineering",
    )
    sales = team(("s1", 100_000, "Meets", 1.0), ("s2", 100_000, "Meets", 1.0), ("s3", 100_000, "Improvement", 1.0),
                 department="Sales")  # fmt: skip
    result, pools = plan(pd.concat([eng, sales], ignore_index=True))
    per_cell = result.groupby(["rating", "compa_band"])["merit_pct"].nunique()
    assert (per_cell == 1).all()
    merit = result.set_index("employee_id")["merit_pct"]
    assert merit["e1"] > merit["e3"] > merit["s1"] == merit["e4"]
    pools = pools.set_index("department")
    assert pools["allocation"].unique().tolist() == ["company budget by matrix cost"]
    assert pools["budget"].sum() == pytest.approx(pools["payroll_budget"].sum(), abs=0.02)
    assert pools.loc["Engineering", "budget"] > pools.loc["Engineering", "payroll_budget"]  # more good ratings
    assert (pools["spent"] <= pools["budget"]).all() and (pools["used_pct"] >= 99.5).all()


def test_pools_with_their_own_budget_share_fill_it_and_the_cells_show_the_difference():
    budgets = pd.DataFrame({"department": ["*", "Sales"], "budget_share": [0.04, 0.02]})
    sales = team(("s1", 80_000, "Strong", 1.0), ("s2", 70_000, "Meets", 0.9), department="Sales")
    result, pools = plan(pd.concat([GUIDE_TEAM, sales]), budgets)
    assert set(pools["allocation"]) == {"own budget"}
    cells = merit_cells(result).set_index(["department", "rating", "compa_band"])
    assert cells.loc[("Sales", "Strong", "mid"), "merit_pct"] < cells.loc[("Eng", "Strong", "mid"), "merit_pct"]
    assert list(merit_cells(result).columns) == list(CELL_COLUMNS)


def test_a_budget_share_in_percent_is_rejected():
    # budget_share = 4 (meaning 4%) gave 725% raises.
    with pytest.raises(ValueError, match=r"budget_share 4 for '\*' is above 1: .* \(0\.04 for 4%\)"):
        plan(GUIDE_TEAM, pd.DataFrame({"department": ["*"], "budget_share": [4.0]}))


def test_mixed_currencies_are_refused_naming_the_employees():
    people = GUIDE_TEAM.assign(pay_currency=["USD", "USD", "EUR", "USD"])
    with pytest.raises(ValueError, match=r"another currency.*found EUR, USD\) \(employee_id carol\)"):
        plan(people)


# --- validation --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"salary": -1.0}, r"has a negative salary \(employee_id bob\)"),
        ({"salary": None}, r"has no salary \(employee_id bob\)"),
        ({"rating": "Superstar"}, r"has a missing or unknown rating \(employee_id bob\)"),
        ({"rating": None}, r"has a missing or unknown rating \(employee_id bob\)"),
        ({"compa_ratio": -0.5}, r"has a negative compa_ratio \(employee_id bob\)"),
        ({"salary": 0.0}, r"has a salary of 0 \(employee_id bob\)"),
        ({"hire_date": None}, r"has a missing or invalid hire_date \(employee_id bob\)"),
        ({"department": None}, r"has no department \(employee_id bob\)"),
        ({"employee_id": "alice"}, r"appears more than once \(employee_id alice\)"),
    ],
)
def test_bad_employee_raises_naming_the_employee(change, message):
    people = GUIDE_TEAM.astype(object)
    for column, value in change.items():
        people.loc[people["employee_id"] == "bob", column] = value
    with pytest.raises(ValueError, match=message):
        plan(people)


def test_bad_config_raises():
    with pytest.raises(ValueError, match="missing required column.*hire_date"):
        plan(GUIDE_TEAM.drop(columns="hire_date"))
    with pytest.raises(ValueError, match="no row for department"):
        plan(GUIDE_TEAM, pd.DataFrame({"department": ["Sales"], "budget_share": [0.04]}))
    with pytest.raises(ValueError, match="budget_share must be >= 0"):
        plan(GUIDE_TEAM, pd.DataFrame({"department": ["*"], "budget_share": [-0.01]}))
    incomplete = config()
    incomplete["matrix"] = incomplete["matrix"].iloc[1:]
    with pytest.raises(ValueError, match="no merit_pct for"):
        plan_merit(GUIDE_TEAM, **incomplete, cycle_start=CYCLE[0], cycle_end=CYCLE[1])
    no_cap = config()
    no_cap["parameters"] = no_cap["parameters"].query("parameter != 'cap_multiple'")
    with pytest.raises(ValueError, match="cap_multiple"):
        plan_merit(GUIDE_TEAM, **no_cap, cycle_start=CYCLE[0], cycle_end=CYCLE[1])


def test_differentiation_is_kept_under_the_cap():
    # Clipping at the cap tied every Exceptional at 8% (low and mid compa bands alike) once the
    # budget pushed the scale up; compressed under the cap, the matrix keeps its order.
    people = team(
        ("x_low", 100_000, "Exceptional", 0.7),
        ("x_mid", 100_000, "Exceptional", 1.0),
        ("x_mid2", 100_000, "Exceptional", 1.0),
        ("s_mid", 100_000, "Strong", 1.0),
        ("m_mid", 100_000, "Meets", 1.0),
        *[(f"i{i}", 150_000, "Improvement", 1.0) for i in range(3)],
    )  # the scale the budget needs, 38,000 / 28,000, would put both Exceptional cells above the 8% cap
    result, pools = plan(people)
    merit = result.set_index("employee_id")["merit_pct"]
    assert merit["x_low"] == pytest.approx(0.08) and merit["x_low"] > merit["x_mid"] > merit["s_mid"] > merit["m_mid"]
    assert result.set_index("employee_id").loc["x_mid", "capped"] == False  # noqa: E712
    assert 0 < pools.loc[0, "compression"] < 1 and 99.5 <= pools.loc[0, "used_pct"] <= 100
