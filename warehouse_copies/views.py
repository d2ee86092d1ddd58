"""The views analysts ask for first, in schema ``views`` of both copies: by person, department,
level and manager. The analyst copy's ids are pseudonyms already; the HR copy adds names.
Quarter views read the latest *complete* quarter (every month loaded), cycle views the latest
cycle with ratings."""

from __future__ import annotations

ANALYST_PERSON = "p.employee_id, p.department, p.level, p.level_group, p.manager_id"
HR_PERSON = "p.employee_id, p.full_name, p.department, p.level, p.level_group, p.manager_id, p.manager_name"

# name -> (description, select). Later views may read earlier ones.
VIEWS = {
    "latest_complete_quarter": (
        "The latest quarter every source was loaded for in all three months (a quarter in progress "
        "or one loaded only in part is never chosen).",
        "select max(period_start) as quarter_start, "
        "cast(max(period_start) + interval 3 month - interval 1 day as date) as quarter_end "
        "from marts.fct_performance_scores where period_type = 'quarter' and not is_partial_period",
    ),
    "latest_cycle": (
        "The latest review cycle with final ratings, and its state (open, calibrated, closed).",
        "select c.cycle, c.cycle_state from marts.dim_review_cycles as c "
        "where c.cycle = (select max(cycle) from analytics.final_ratings)",
    ),
    "people": (
        "Everyone in the HRIS, active or not: organisation, level, manager and tenure.",
        "select {person}, p.role, p.job_title, p.location, p.gender, p.hire_date, p.termination_date, "
        "p.is_active, p.compa_ratio from marts.dim_employees as p",
    ),
    "quarter_scores": (
        "Each person's composite and category scores (0-100) in the latest complete quarter.",
        "select {person}, q.quarter_start, s.performance_score, s.rating_band, s.output_score, s.quality_score, "
        "s.efficiency_score, s.impact_score, s.objective_score, s.competency_score, s.coverage, s.is_low_coverage "
        "from marts.fct_performance_scores as s "
        "join views.latest_complete_quarter as q on s.period_type = 'quarter' and s.period_start = q.quarter_start "
        "join views.people as p using (employee_id)",
    ),
    "quarter_metric_scores": (
        "Each person's metrics in the latest complete quarter: value, score (0-100) and band.",
        "select {person}, q.quarter_start, s.metric_key, s.metric_name, s.category, s.unit, s.metric_value, "
        "s.metric_score, s.metric_band from marts.fct_metric_scores as s "
        "join views.latest_complete_quarter as q on s.period_type = 'quarter' and s.period_start = q.quarter_start "
        "join views.people as p using (employee_id)",
    ),
    "cycle_ratings": (
        "Each person's ratings in the latest cycle: the manager's, the calibration's suggestion and the final one.",
        "select l.cycle, l.cycle_state, {person}, m.submitted_rating, c.suggested_rating, f.final_rating, "
        "f.rating_source from analytics.final_ratings as f join views.latest_cycle as l using (cycle) "
        "join views.people as p using (employee_id) "
        "left join marts.fct_manager_ratings as m on m.cycle = f.cycle and m.employee_id = f.employee_id "
        "left join analytics.calibrated_ratings as c on c.cycle = f.cycle and c.employee_id = f.employee_id",
    ),
    "rating_distribution": (
        "Final ratings of the latest cycle per department and band: people, share and the target share, "
        "both in percent (0-100).",
        "with departments as (select distinct department from views.cycle_ratings), "
        "counts as (select department, final_rating as band, count(*) as people from views.cycle_ratings "
        "where final_rating is not null group by department, final_rating) "
        "select d.department, b.band, b.band_rank, coalesce(n.people, 0) as people, "
        "round(100.0 * coalesce(n.people, 0) / sum(coalesce(n.people, 0)) over (partition by d.department), 1) "
        "as share_pct, round(100.0 * t.share, 1) as target_pct "
        "from departments as d cross join framework.rating_bands as b "
        "left join framework.target_distribution as t on t.band = b.band "
        "left join counts as n on n.department = d.department and n.band = b.band",
    ),
    "promotion_pipeline": (
        "Each person's promotion readiness for the next level, with its composite score (0-100) and coverage.",
        "select {person}, r.next_level, r.readiness, r.composite_score, r.coverage, r.development_areas "
        "from analytics.promotion_readiness as r join views.people as p using (employee_id)",
    ),
}


def view_statements(person: str) -> list[tuple[str, str, str]]:
    """(name, create statement, description) of every view, for a copy whose person columns are ``person``."""
    return [
        (name, f"create view views.{name} as " + sql.format(person=person), description)
        for name, (description, sql) in VIEWS.items()
    ]
