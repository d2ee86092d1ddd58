"""Asset checks on the decision analytics: rules whose breach means wrong decisions (ERROR, and
blocking, so the dashboards and copies downstream are not built on them in the same run). They
reuse the analytics' own rules: the largest-remainder allocation of ``analytics.calibration``."""

import dagster as dg
import numpy as np
import pandas as pd

from analytics.calibration import largest_remainder_counts

from ..assets.analytics_tables import GROUP, TARGET_SQL, key
from ..resources import Warehouse

SHOWN = 5  # offending rows named in a failed check's description


def _result(passed: bool, ok: str, failure: str, metadata: dict) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        passed=passed, severity=dg.AssetCheckSeverity.ERROR, description=ok if passed else failure, metadata=metadata
    )


@dg.asset_check(asset=key(GROUP, "merit_pools"), blocking=True, pool="warehouse")
def merit_pools_within_budget(warehouse: Warehouse) -> dg.AssetCheckResult:
    """No merit pool spends more than its budget (to the cent), in any cycle stored."""
    pools = warehouse.read(
        f"select cycle, department, budget, spent from {GROUP}.merit_pools order by cycle, department"
    )
    over = pools[pools["spent"] > pools["budget"]].assign(over=lambda f: f["spent"] - f["budget"])
    listed = "; ".join(
        f"{r.cycle} {r.department}: spent {r.spent:,.2f} of a budget of {r.budget:,.2f} (+{r.over:,.2f})"
        for r in over.head(SHOWN).itertuples()
    )
    return _result(
        over.empty,
        f"{len(pools)} pools, none over budget",
        f"{len(over)} merit pool(s) over budget: {listed}",
        {
            "pools": len(pools),
            "pools_over_budget": len(over),
            "largest_overspend": float(over["over"].max()) if len(over) else 0.0,
            "budget": float(pools["budget"].sum()),
            "spent": float(pools["spent"].sum()),
        },
    )


@dg.asset_check(
    asset=key(GROUP, "final_ratings"),
    additional_deps=[key("marts", "fct_cycle_population")],
    blocking=True,
    pool="warehouse",
)
def final_ratings_cover_population(warehouse: Warehouse) -> dg.AssetCheckResult:
    """Everyone employed at a cycle's end (marts.fct_cycle_population) has exactly one final-ratings
    row in that cycle (a rating, or none with the reason), so merit and promotion leave nobody out."""
    frames = warehouse.frames(
        {
            "missing": f"""select p.cycle, p.employee_id from marts.fct_cycle_population as p
                anti join {GROUP}.final_ratings as f using (cycle, employee_id) order by 1, 2""",
            "repeated": f"""select cycle, employee_id, count(*) as rows from {GROUP}.final_ratings
                group by all having count(*) > 1 order by 1, 2""",
            "population": "select count(*) as people from marts.fct_cycle_population",
        }
    )
    missing, repeated = frames["missing"], frames["repeated"]
    problems = [
        *(f"{r.employee_id} missing in {r.cycle}" for r in missing.head(SHOWN).itertuples()),
        *(f"{r.employee_id} {r.rows} times in {r.cycle}" for r in repeated.head(SHOWN).itertuples()),
    ]
    return _result(
        missing.empty and repeated.empty,
        "every person of every cycle's population has one final rating row",
        f"{len(missing)} people without a final rating row, {len(repeated)} with several: {'; '.join(problems)}",
        {
            "population": int(frames["population"]["people"].iloc[0]),
            "missing": len(missing),
            "repeated": len(repeated),
        },
    )


def target_deviations(calibrated: pd.DataFrame, target: pd.DataFrame) -> pd.DataFrame:
    """Per cycle and forced calibration group: people whose suggested band is off the largest-remainder
    allocation of the target, and how many that ties (equal scores share a band) and people kept at
    their submitted rating (no score) allow."""
    bands = target.sort_values("band_rank", ascending=False)
    shares = bands["share"].to_numpy(float)
    rows = []
    forced = calibrated[calibrated["calibration_group"].notna() & ~calibrated["group_too_small"].fillna(True)]
    for (cycle, group), people in forced.groupby(["cycle", "calibration_group"], sort=True):
        expected = largest_remainder_counts(int(people["group_size"].iloc[0]), shares)
        got = people["suggested_rating"].value_counts().reindex(bands["band"], fill_value=0).to_numpy()
        rows.append(
            {
                "cycle": cycle,
                "calibration_group": group,
                "expected": ", ".join(f"{b} {n}" for b, n in zip(bands["band"], expected)),
                "suggested": ", ".join(f"{b} {n}" for b, n in zip(bands["band"], got)),
                "off_target": int(np.abs(got - expected).sum() // 2),
                "allowed": int(
                    people["tied_across_bands"].fillna(False).sum() + people["is_unranked"].fillna(False).sum()
                ),
            }
        )
    return pd.DataFrame(rows, columns=["cycle", "calibration_group", "expected", "suggested", "off_target", "allowed"])


@dg.asset_check(
    asset=key(GROUP, "calibrated_ratings"),
    additional_deps=[key("framework", "target_distribution"), key("framework", "rating_bands")],
    blocking=True,
    pool="warehouse",
)
def suggestions_follow_target(warehouse: Warehouse) -> dg.AssetCheckResult:
    """In every calibration group large enough to force, the suggested ratings per band are the
    largest-remainder allocation of the target distribution, off by no more than the group's ties and
    people without a score allow. Closed cycles were checked when computed and are not re-judged
    against today's target."""
    frames = warehouse.frames(
        {
            "calibrated": f"""select cycle, calibration_group, group_size, group_too_small, suggested_rating,
                tied_across_bands, is_unranked from {GROUP}.calibrated_ratings
                where cycle_state is distinct from 'closed'""",
            "target": TARGET_SQL,
        }
    )
    groups = target_deviations(frames["calibrated"], frames["target"])
    off = groups[groups["off_target"] > groups["allowed"]]
    listed = "; ".join(
        f"{r.cycle} {r.calibration_group}: suggested {r.suggested}, the target gives {r.expected}"
        for r in off.head(SHOWN).itertuples()
    )
    return _result(
        off.empty,
        f"{len(groups)} calibration groups follow the target distribution",
        f"{len(off)} calibration group(s) off the target distribution: {listed}",
        {
            "groups": len(groups),
            "groups_off_target": len(off),
            "people_off_target": int(groups["off_target"].sum()) if len(groups) else 0,
        },
    )


analytics_checks = [merit_pools_within_budget, final_ratings_cover_population, suggestions_follow_target]
