"""Promotion readiness per active employee, and the succession pipeline it adds up to."""

import dagster as dg

from analytics import promotion

from ..resources import Warehouse
from .analytics_tables import GROUP, key, keys, results, seeds, specs

TABLES = {
    "promotion_readiness": "Per active employee: the four readiness factors (rating history, skill gap to the next "
    "level, scope, business impact), the composite, the readiness level and development areas.",
    "succession_pipeline": "Per department and level: headcount, ready now and ready in six months.",
}
SEEDS = ("promotion_factors", "readiness_levels", "promotion_parameters", "promotion_band_points")
DEPS = [
    key(GROUP, "final_ratings"),
    *keys("marts", ["dim_employees", "fct_competency_ratings", "fct_promotion_evidence"]),
    *keys("framework", [*SEEDS, "next_level_requirements"]),
]


@dg.multi_asset(specs=specs(TABLES, DEPS), pool="warehouse")
def promotion_pipeline(context: dg.AssetExecutionContext, warehouse: Warehouse):
    """Score promotion readiness from the final rating history, 360 skills, scope and impact."""
    config = promotion.PromotionConfig.from_seeds(*seeds(warehouse, *SEEDS))
    inputs = warehouse.frames(
        {
            "employees": """
            select e.employee_id, e.department, e.level, n.next_level, e.level_group
            from marts.dim_employees as e
            left join (select distinct level, next_level from framework.next_level_requirements) as n using (level)
            where e.is_active""",
            "history": f"select employee_id, cycle, final_rating as rating from {GROUP}.final_ratings "
            f"where final_rating is not null",
            "gaps": """
            select employee_id, competency, competency_name, next_level_required, gap_to_next_level
            from marts.fct_competency_ratings
            where cycle = (select max(cycle) from marts.fct_competency_ratings) and next_level_required is not null""",
            "evidence": "select employee_id, projects_led, mentees, business_impact_score as impact_score "
            "from marts.fct_promotion_evidence",
        }
    )
    evidence = inputs["evidence"]
    readiness = promotion.promotion_readiness(
        inputs["employees"],
        inputs["history"],
        inputs["gaps"],
        evidence.dropna(subset=["projects_led", "mentees"]),
        evidence.dropna(subset=["impact_score"]),
        config,
    )
    tables = {
        "promotion_readiness": readiness,
        "succession_pipeline": promotion.succession(readiness, inputs["employees"], config),
    }
    warehouse.replace_tables(GROUP, tables)
    counts = readiness["readiness"].value_counts()
    context.log.info(f"readiness: {counts.to_dict()}")
    yield from results(tables, {"promotion_readiness": {f"count/{k}": int(v) for k, v in counts.items()}})
