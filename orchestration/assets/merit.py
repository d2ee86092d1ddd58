"""The merit plan of the latest review cycle from its final ratings, each department pool spent to
the cent; once the cycle is closed its stored plan is kept as it is."""

import dagster as dg

from analytics import compensation

from ..resources import Warehouse
from .analytics_tables import GROUP, key, keys, results, seeds, specs

TABLES = {
    "merit_plan": "Per employee: the merit increase of the latest cycle's final rating and compa-ratio band, "
    "scaled so each department pool is spent as fully as the caps allow, with lump sums above "
    "the range maximum.",
    "merit_pools": "Per department pool: payroll, the budget its own share of payroll gives, the budget allocated "
    "(pools sharing one budget share get the company budget in proportion to their matrix cost), spent and share used.",
    "merit_cells": "Per pool, final rating and compa band: people and the merit % they get (mean, range, capped).",
}
SEEDS = ("merit_matrix", "compa_ratio_bands", "merit_budgets", "merit_parameters")
DEPS = [
    key(GROUP, "final_ratings"),
    *keys("marts", ["dim_employees", "fct_manager_ratings", "dim_review_cycles"]),
    *keys("framework", SEEDS),
]


@dg.multi_asset(specs=specs(TABLES, DEPS), pool="warehouse")
def merit_budget(context: dg.AssetExecutionContext, warehouse: Warehouse):
    """Plan merit increases for the active employees with a final rating in the latest review cycle."""
    (cycle,) = warehouse.read("""
        select c.* from marts.dim_review_cycles as c
        where c.cycle = (select cycle from marts.fct_manager_ratings order by quarter_start desc limit 1)
    """).itertuples(index=False)
    frozen = warehouse.frozen_cycles(GROUP, "merit_plan")
    if cycle.cycle in frozen:
        context.log.info(f"cycle {cycle.cycle} is closed: its stored merit plan is kept")
        for table in TABLES:
            yield dg.MaterializeResult(asset_key=key(GROUP, table), metadata={"cycle": cycle.cycle, "frozen": True})
        return
    employees = warehouse.read(
        f"""
        select e.employee_id, e.department, e.salary, e.pay_currency, f.final_rating as rating, e.compa_ratio,
               e.pay_range_max, e.hire_date
        from marts.dim_employees as e
        join {GROUP}.final_ratings as f on f.employee_id = e.employee_id and f.cycle = ?
        where e.is_active and f.final_rating is not null""",
        [cycle.cycle],
    )
    plan, pools = compensation.plan_merit(
        employees, *seeds(warehouse, *SEEDS), cycle_start=cycle.merit_window_start, cycle_end=cycle.merit_window_end
    )
    tables = {
        name: frame.assign(cycle=cycle.cycle, cycle_state=cycle.cycle_state)
        for name, frame in (
            ("merit_plan", plan),
            ("merit_pools", pools),
            ("merit_cells", compensation.merit_cells(plan)),
        )
    }
    warehouse.replace_cycles(GROUP, tables, frozen)
    used = {row.department: round(float(row.used_pct), 4) for row in pools.itertuples()}
    context.log.info(f"cycle {cycle.cycle}: budget used per pool (%): {used}")
    yield from results(
        tables,
        {
            "merit_pools": {
                "cycle": cycle.cycle,
                "budget": float(pools["budget"].sum()),
                "spent": float(pools["spent"].sum()),
                "lowest_pool_used_pct": float(pools["used_pct"].min()),
                **{f"used_pct/{d}": v for d, v in used.items()},
            }
        },
    )
