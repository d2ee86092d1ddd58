"""Merit planning: a rating x compa-ratio matrix, scaled so the budget is spent and the same cell
pays the same wherever it can.

Every department is one pool. When the pools share one budget share (the default), the company's
budget (``budget_share x payroll``) is spent with one scale ``k`` for everyone, and each pool is
allocated its matrix cost at that scale: a Meets in Sales and a Meets in Engineering of the same compa
band get the same %. When HR sets pools their own shares, each pool spends its own budget with its own
``k``, and ``merit_cells`` shows per cell how the pools differ. No one's % exceeds ``cap_multiple x
budget_share``: where ``k`` would push cells above it the matrix is compressed under the cap instead
(``_scaled``), so cells above it are not tied. The spend is solved exactly (the guide's optimiser only
ever scaled down and left money unspent), and the matrix's order holds strictly: within a compa band a
higher rating never gets less. Hires during the cycle cost in proportion to their months of service.

Configuration arrives as DataFrames mirroring the dbt seeds ``merit_matrix``, ``compa_ratio_bands``,
``merit_budgets`` and ``merit_parameters``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

import numpy as np
import pandas as pd

from analytics.validation import reject_rows, require_columns

EMPLOYEE_COLUMNS = ("employee_id", "department", "salary", "rating", "compa_ratio", "pay_range_max", "hire_date")
PLAN_COLUMNS = (
    "employee_id",
    "department",
    "salary",
    "rating",
    "compa_band",
    "matrix_pct",
    "proration",
    "merit_pct",
    "capped",
    "increase",
    "salary_increase",
    "lump_sum",
    "new_salary",
    "note",
)
POOL_COLUMNS = (
    "department",
    "headcount",
    "payroll",
    "budget_share",
    "payroll_budget",
    "allocation",
    "budget",
    "spent",
    "used_pct",
    "lump_sum_total",
    "capped_count",
    "scale",
    "compression",
    "note",
)
CELL_COLUMNS = ("department", "rating", "compa_band", "people", "merit_pct", "min_merit_pct", "max_merit_pct", "capped")
DEFAULT_BUDGET_ROW = "*"
_BISECTIONS = 60  # halvings of the compression interval: far below a cent on any payroll  # merit_budgets row that applies to every department without its own row
_INTERVAL_CLOSED = ("left", "right", "both", "neither")  # pandas.Interval's vocabulary


class MeritPlan(NamedTuple):
    """Per-employee plan and per-pool (department) summary; unpacks as ``plan, pools``."""

    plan: pd.DataFrame
    pools: pd.DataFrame


@dataclass(frozen=True)
class MeritParameters:
    """Named numbers of the merit plan (seed ``merit_parameters``)."""

    cap_multiple: float
    missing_compa_ratio: float

    @classmethod
    def from_frame(cls, parameters: pd.DataFrame) -> MeritParameters:
        require_columns(parameters, ("parameter", "value"), "merit_parameters")
        values = parameters.set_index("parameter")["value"]
        missing = [name for name in cls.__dataclass_fields__ if name not in values.index]
        if missing:
            raise ValueError(f"merit_parameters is missing parameter(s): {', '.join(missing)}")
        chosen = pd.to_numeric(values[list(cls.__dataclass_fields__)], errors="coerce")
        if chosen.isna().any() or (chosen <= 0).any():
            bad = ", ".join(chosen.index[chosen.isna() | (chosen <= 0)])
            raise ValueError(f"merit_parameters: {bad} must be a positive number")
        return cls(**chosen.astype(float).to_dict())


def plan_merit(
    employees: pd.DataFrame,
    matrix: pd.DataFrame,
    compa_bands: pd.DataFrame,
    budgets: pd.DataFrame,
    parameters: pd.DataFrame,
    cycle_start: date | str | pd.Timestamp,
    cycle_end: date | str | pd.Timestamp,
) -> MeritPlan:
    """Plan merit increases that spend each department's budget as fully as the caps allow, never more.

    ``employees``: employee_id, department, salary, rating (band name), compa_ratio (null = treated as
    ``missing_compa_ratio``, 1.0 = the mid band), pay_range_max (null = no range limit), hire_date.
    ``cycle_end`` is the cycle's last day (inclusive). Fractions (``*_pct`` of pay, proration) are
    0-1 except ``pools.used_pct``, which is spent / budget in percent (0 when the budget is 0).
    Money is in cents, rounded down, so no pool's ``spent`` exceeds its ``budget``. Departments
    without employees get no pool row; an empty ``employees`` gives an empty plan and pools.
    """
    params = MeritParameters.from_frame(parameters)
    staff = _validated_employees(employees)
    compa_band = _compa_band(staff, compa_bands, params.missing_compa_ratio)
    matrix_pct = _matrix_pct(staff, compa_band, matrix, compa_bands)
    proration = service_proration(staff["hire_date"], cycle_start, cycle_end)
    salary = staff["salary"].to_numpy(float)

    pool_codes, departments = pd.factorize(staff["department"], sort=True)
    budget_share = _budget_shares(pd.Index(departments), budgets)
    payroll = np.bincount(pool_codes, salary, len(departments))
    payroll_budget = _floor_cents(budget_share * payroll) / 100
    cap = params.cap_multiple * budget_share
    weight = proration * salary  # what a merit % of 1.0 would cost, per employee
    shared = len(departments) > 1 and np.unique(budget_share).size == 1
    if shared:  # one company budget, one scale: each pool gets what its people's cells cost
        total = _floor_cents(budget_share[0] * payroll.sum()) / 100
        everyone = np.zeros(len(staff), dtype=np.int64)
        merit_pct, scale, compression = _scaled(everyone, matrix_pct, weight, cap[:1], np.array([total]))
        scale, compression = np.repeat(scale, len(departments)), np.repeat(compression, len(departments))
        cost = np.bincount(pool_codes, merit_pct * weight, len(departments))
        budget = _floor_cents(total * cost / cost.sum()) / 100 if cost.sum() > 0 else payroll_budget
    else:
        budget = payroll_budget
        merit_pct, scale, compression = _scaled(pool_codes, matrix_pct, weight, cap, budget)
    employee_cap = cap[pool_codes]
    capped = (matrix_pct > 0) & (employee_cap > 0) & (merit_pct >= employee_cap * (1 - 1e-9))

    increase = _floor_cents(merit_pct * weight)
    range_room = _floor_cents(np.maximum(staff["pay_range_max"].to_numpy(float) - salary, 0))
    salary_increase = np.where(np.isnan(range_room), increase, np.minimum(increase, range_room))
    missing_note = f"compa_ratio missing: treated as {params.missing_compa_ratio:g} ("
    cap_note = np.array([f"capped at {c:.2%} ({params.cap_multiple:g} x budget share)" for c in cap], dtype=object)
    plan = pd.DataFrame(
        {
            "employee_id": staff["employee_id"].to_numpy(),
            "department": staff["department"].to_numpy(),
            "salary": salary,
            "rating": staff["rating"].to_numpy(),
            "compa_band": compa_band,
            "matrix_pct": matrix_pct,
            "proration": proration,
            "merit_pct": merit_pct,
            "capped": capped,
            "increase": increase / 100,
            "salary_increase": salary_increase / 100,
            "lump_sum": (increase - salary_increase) / 100,
            "new_salary": np.round(salary + salary_increase / 100, 2),
            "note": _joined_notes(
                np.where(staff["compa_ratio"].isna(), missing_note + compa_band + " band)", None),
                np.where(capped, cap_note[pool_codes], None),
            ),
        },
        columns=list(PLAN_COLUMNS),
    )
    pools = pd.DataFrame(
        {
            "department": departments,
            "payroll": payroll,
            "budget_share": budget_share,
            "payroll_budget": payroll_budget,
            "allocation": "company budget by matrix cost" if shared else "own budget",
            "budget": budget,
            "scale": scale,
            "compression": compression,
        }
    )
    return MeritPlan(plan, _pool_summary(plan, pools, eligible=(matrix_pct > 0) & (weight > 0)))


def merit_cells(plan: pd.DataFrame) -> pd.DataFrame:
    """Per pool, rating and compa band: people, the mean merit % (and its range) and how many were
    capped; with shared budgets a cell pays the same in every pool, with pools' own budgets this shows
    how they differ."""
    if plan.empty:
        return pd.DataFrame(columns=list(CELL_COLUMNS))
    cells = plan.groupby(["department", "rating", "compa_band"], as_index=False).agg(
        people=("employee_id", "size"),
        merit_pct=("merit_pct", "mean"),
        min_merit_pct=("merit_pct", "min"),
        max_merit_pct=("merit_pct", "max"),
        capped=("capped", "sum"),
    )
    return cells[list(CELL_COLUMNS)]


def _pool_summary(plan: pd.DataFrame, pools: pd.DataFrame, eligible: np.ndarray) -> pd.DataFrame:
    """Per pool: headcount, what was spent of the budget, lump sums, caps, and a note when not fully spent."""
    totals = (
        plan.assign(eligible=eligible, capped_eligible=plan["capped"] & eligible)
        .groupby("department")
        .agg(
            headcount=("employee_id", "size"),
            spent=("increase", "sum"),
            lump_sum_total=("lump_sum", "sum"),
            capped_count=("capped", "sum"),
            eligible=("eligible", "sum"),
            capped_eligible=("capped_eligible", "sum"),
        )
    )
    summary = pools.join(totals, on="department")
    # Sums of whole cents, rounded back so float noise cannot show as a spend above the budget.
    summary[["spent", "lump_sum_total"]] = summary[["spent", "lump_sum_total"]].round(2)
    spent, budget = summary["spent"].to_numpy(float), summary["budget"].to_numpy(float)
    summary["used_pct"] = np.divide(spent * 100, budget, out=np.zeros_like(spent), where=budget > 0)
    summary["note"] = pd.Series(
        np.select(
            [
                budget == 0,
                summary["eligible"] == 0,
                (summary["capped_eligible"] == summary["eligible"]) & (spent < budget),
            ],
            [
                "no budget",
                "no one eligible (the matrix gives 0% or no service in the cycle)",
                "everyone eligible is capped: budget not fully spent",
            ],
            default=None,
        ),
        dtype="str",
    )
    return summary.loc[:, list(POOL_COLUMNS)]


def service_proration(
    hire_date: pd.Series, cycle_start: date | str | pd.Timestamp, cycle_end: date | str | pd.Timestamp
) -> np.ndarray:
    """Months of service in the cycle / months in the cycle, clipped to [0, 1].

    Months are calendar months, a partial month counting by its share of days, so someone hired on
    the first day of the cycle's second half gets exactly 0.5. ``cycle_end`` is the last day (inclusive).
    """
    start, end = pd.Timestamp(cycle_start), pd.Timestamp(cycle_end) + pd.Timedelta(days=1)
    if end <= start:
        raise ValueError(f"cycle_end {cycle_end} is before cycle_start {cycle_start}")
    start_pos, end_pos = _month_position(pd.Series([start, end])).to_numpy()
    service_start = _month_position(pd.to_datetime(hire_date).clip(lower=start)).to_numpy(float)
    return np.clip((end_pos - service_start) / (end_pos - start_pos), 0.0, 1.0)


def _month_position(days: pd.Series) -> pd.Series:
    """Months since year 0 as a real number: 2026-05-16 is 2026*12 + 4 + 15/31."""
    return days.dt.year * 12 + days.dt.month - 1 + (days.dt.day - 1) / days.dt.days_in_month


def _scaled(
    pool: np.ndarray, matrix_pct: np.ndarray, weight: np.ndarray, cap: np.ndarray, budget: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each person's merit % so each pool spends its budget, never above its cap, keeping the matrix's
    order strictly: (merit %, per pool the scale k and the compression exponent).

    The matrix is scaled by one k per pool (k = budget / cost of the matrix). When that would put the
    pool's top cell above the cap, the matrix is instead compressed under it, cap x (pct / top)^g with
    g in (0, 1] solved for the budget: the top cell reaches the cap, every other cell keeps its place
    below it (clipping at the cap would tie every cell above it). If even everyone at the cap cannot
    spend the budget, everyone eligible gets the cap and the pool stays under (g = 0).
    """
    pools = len(budget)
    cost = np.bincount(pool, weight * matrix_pct, pools)
    top = np.zeros(pools)
    np.maximum.at(top, pool, np.where(weight > 0, matrix_pct, 0))
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(cost > 0, budget / cost, 0.0)
        share = np.where(top[pool] > 0, matrix_pct / top[pool], 0.0)  # 0-1, the top cell at 1
    linear = scale * top <= cap
    at_cap_spend = np.bincount(pool, weight * (share > 0), pools) * cap
    low, high = np.zeros(pools), np.ones(pools)
    for _ in range(_BISECTIONS):  # spend falls as g grows: bisect every pool at once
        middle = (low + high) / 2
        spend = np.bincount(pool, weight * cap[pool] * np.where(share > 0, share ** middle[pool], 0), pools)
        too_much = spend > budget
        low, high = np.where(too_much, middle, low), np.where(too_much, high, middle)
    compression = np.where(linear, 1.0, np.where(at_cap_spend <= budget, 0.0, low))
    compressed = cap[pool] * np.where(share > 0, share ** compression[pool], 0)
    merit = np.where(linear[pool], scale[pool] * matrix_pct, compressed)
    return merit, np.where(linear, scale, cap / np.where(top > 0, top, 1)), compression


def _floor_cents(amount: np.ndarray) -> np.ndarray:
    """Amount in whole cents, rounded down; the tiny pre-rounding absorbs binary noise (16799.999999999996)."""
    return np.floor(np.round(np.asarray(amount, float) * 100, 6))


def _validated_employees(employees: pd.DataFrame) -> pd.DataFrame:
    """The required columns, typed and checked, sorted by department and employee_id (for determinism)."""
    require_columns(employees, EMPLOYEE_COLUMNS, "employees")
    staff = employees.loc[:, list(EMPLOYEE_COLUMNS)].copy()
    if staff["employee_id"].isna().any():
        raise ValueError(f"employees: {int(staff['employee_id'].isna().sum())} row(s) without employee_id")
    reject_rows(staff, staff["employee_id"].duplicated(keep=False), "appears more than once", name="employees")
    reject_rows(staff, staff["department"].isna(), "has no department", name="employees")
    for column in ("salary", "compa_ratio", "pay_range_max"):
        given = staff[column].notna()
        staff[column] = pd.to_numeric(staff[column], errors="coerce").astype(float)
        reject_rows(staff, given & staff[column].isna(), f"has a non-numeric {column}", name="employees")
    reject_rows(staff, staff["salary"].isna(), "has no salary", name="employees")
    reject_rows(staff, staff["salary"] < 0, "has a negative salary", name="employees")
    reject_rows(staff, staff["salary"] == 0, "has a salary of 0", name="employees")
    reject_rows(staff, staff["compa_ratio"] < 0, "has a negative compa_ratio", name="employees")
    if "pay_currency" in employees:
        currencies = employees["pay_currency"].dropna().unique()
        if len(currencies) > 1:
            minority = employees["pay_currency"] != pd.Series(employees["pay_currency"]).mode().iloc[0]
            reject_rows(
                employees,
                minority & employees["pay_currency"].notna(),
                f"is paid in another currency: pools add salaries, so a plan needs one currency "
                f"(found {', '.join(sorted(map(str, currencies)))})",
                name="employees",
            )
    staff["hire_date"] = pd.to_datetime(staff["hire_date"], errors="coerce")
    reject_rows(staff, staff["hire_date"].isna(), "has a missing or invalid hire_date", name="employees")
    return staff.sort_values(["department", "employee_id"], kind="stable", ignore_index=True)


def _compa_band(staff: pd.DataFrame, compa_bands: pd.DataFrame, missing_ratio: float) -> np.ndarray:
    """Each employee's compa band name; a missing compa-ratio counts as ``missing_ratio``.

    Each band says which of its bounds it includes (``closed``, pandas.Interval's vocabulary), so the
    seed can follow the guide exactly: low [0, 0.80), mid [0.80, 1.20], high (1.20, inf); an empty
    max_ratio means no upper bound.
    """
    require_columns(compa_bands, ("compa_band", "min_ratio", "max_ratio", "closed"), "compa_ratio_bands")
    bands = compa_bands.reset_index(drop=True)
    unknown_closed = ~bands["closed"].isin(_INTERVAL_CLOSED)
    if unknown_closed.any():
        raise ValueError(
            f"compa_ratio_bands: closed must be one of {_INTERVAL_CLOSED}, "
            f"not {bands.loc[unknown_closed, 'closed'].tolist()}"
        )
    low = pd.to_numeric(bands["min_ratio"], errors="coerce").to_numpy(float)
    high = pd.to_numeric(bands["max_ratio"], errors="coerce").fillna(np.inf).to_numpy(float)
    if np.isnan(low).any() or (low > high).any() or bands["compa_band"].duplicated().any():
        raise ValueError("compa_ratio_bands: each band needs a unique name and min_ratio <= max_ratio")

    ratio = staff["compa_ratio"].fillna(missing_ratio).to_numpy(float)[:, None]
    closed = bands["closed"].to_numpy()
    above_low = np.where(np.isin(closed, ("left", "both")), ratio >= low, ratio > low)
    below_high = np.where(np.isin(closed, ("right", "both")), ratio <= high, ratio < high)
    inside = above_low & below_high
    matches = inside.sum(axis=1)
    reject_rows(staff, matches == 0, "has a compa_ratio in no compa band", name="employees")
    reject_rows(
        staff, matches > 1, "has a compa_ratio in several compa bands (overlapping compa_ratio_bands)", name="employees"
    )
    return bands["compa_band"].to_numpy()[inside.argmax(axis=1)]


def _matrix_pct(
    staff: pd.DataFrame, compa_band: np.ndarray, matrix: pd.DataFrame, compa_bands: pd.DataFrame
) -> np.ndarray:
    """Each employee's merit % from the rating x compa-band matrix (which must be complete)."""
    require_columns(matrix, ("band", "compa_band", "merit_pct"), "merit_matrix")
    cells = matrix.set_index(["band", "compa_band"])["merit_pct"]
    cells = pd.to_numeric(cells, errors="coerce")
    if cells.index.duplicated().any():
        raise ValueError(f"merit_matrix: duplicate cells {cells.index[cells.index.duplicated()].tolist()}")
    if cells.isna().any() or (cells < 0).any():
        raise ValueError(f"merit_matrix: merit_pct must be >= 0 in {cells.index[~(cells >= 0)].tolist()}")
    full = pd.MultiIndex.from_product([cells.index.unique("band"), compa_bands["compa_band"].unique()])
    holes = full.difference(cells.index)
    if len(holes):
        raise ValueError(f"merit_matrix has no merit_pct for {holes.tolist()}")

    reject_rows(
        staff, ~staff["rating"].isin(cells.index.unique("band")), "has a missing or unknown rating", name="employees"
    )
    return cells.reindex(pd.MultiIndex.from_arrays([staff["rating"], compa_band])).to_numpy(float)


def _budget_shares(departments: pd.Index, budgets: pd.DataFrame) -> np.ndarray:
    """Each department's budget share: its own merit_budgets row, else the ``*`` row."""
    require_columns(budgets, ("department", "budget_share"), "merit_budgets")
    shares = pd.to_numeric(budgets.set_index("department")["budget_share"], errors="coerce")
    if shares.index.duplicated().any():
        raise ValueError(f"merit_budgets: duplicate departments {shares.index[shares.index.duplicated()].tolist()}")
    if shares.isna().any() or (shares < 0).any():
        raise ValueError(f"merit_budgets: budget_share must be >= 0 for {shares.index[~(shares >= 0)].tolist()}")
    if (shares > 1).any():
        raise ValueError(
            f"merit_budgets: budget_share {shares[shares > 1].iloc[0]:g} for {shares.index[shares > 1][0]!r} is "
            "above 1: a budget share is a fraction of payroll (0.04 for 4%)"
        )
    chosen = shares.reindex(departments).fillna(shares.get(DEFAULT_BUDGET_ROW, np.nan))
    if chosen.isna().any():
        raise ValueError(
            f"merit_budgets has no row for department(s) {chosen.index[chosen.isna()].tolist()} "
            f"and no '{DEFAULT_BUDGET_ROW}' row"
        )
    return chosen.to_numpy(float)


def _joined_notes(*notes: np.ndarray) -> pd.Series:
    """Per row, the non-null notes joined with '; ' (null when there are none)."""
    joined = pd.Series(pd.NA, index=range(len(notes[0])), dtype="str")
    for values in notes:  # a few kinds of note, not rows
        note = pd.Series(values, dtype="str")
        joined = (joined + "; " + note).fillna(joined).fillna(note)
    return joined
