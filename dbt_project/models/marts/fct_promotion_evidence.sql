-- The warehouse's evidence for promotion readiness over the twelve months up to the latest scored
-- month. Scope ("projects led and mentoring") comes from the systems that can show it and is null
-- where the person has no account in them, so the factor is left out rather than counted as zero.
-- Business impact is what the person delivered (output) beside what their team delivered
-- (impact, the team outcome), averaged over the window's quarters.
with scored_window as (
    select {{ dbt.dateadd('month', 1, 'max(period_start)') }} as window_end,
           {{ dbt.dateadd('month', -11, 'max(period_start)') }} as window_start
    from {{ ref('fct_performance_scores') }}
    where period_type = 'month'
),

contributions as (
    -- Story points resolved per Jira project and pull requests merged per repository.
    select i.employee_id, 'jira:' || i.project_key as project, sum(coalesce(i.story_points, 1)) as contribution
    from ({{ attributed_to_employees('jira_issues') }}) as i, scored_window as w
    where i.is_done and i.resolved_at >= w.window_start and i.resolved_at < w.window_end
    group by 1, 2
    union all
    select p.employee_id, 'github:' || p.repository, count(*)
    from ({{ attributed_to_employees('github_pull_requests') }}) as p, scored_window as w
    where p.is_merged and p.merged_at >= w.window_start and p.merged_at < w.window_end
    group by 1, 2
),

projects_led as (
    -- The lead of a project is its largest contributor (ties all lead).
    select employee_id, count(*) as projects_led
    from (
        select employee_id, rank() over (partition by project order by contribution desc) as standing
        from contributions
    ) as ranked
    where standing = 1
    group by employee_id
),

mentees as (
    -- Colleagues at a lower level whose pull requests the person reviewed.
    select r.employee_id, count(distinct author.employee_id) as mentees
    from ({{ attributed_to_employees('github_reviews') }}) as r
    join {{ ref('int_accounts_resolved') }} as author
        on author.source = 'github' and author.account_id = r.pr_author_login
    join {{ ref('dim_employees') }} as reviewer on reviewer.employee_id = r.employee_id
    join {{ ref('dim_employees') }} as junior on junior.employee_id = author.employee_id
    cross join scored_window as w
    where junior.level_rank < reviewer.level_rank
      and r.submitted_at >= w.window_start and r.submitted_at < w.window_end
    group by r.employee_id
),

business_impact as (
    select p.employee_id, avg((coalesce(p.output_score, p.impact_score) + coalesce(p.impact_score, p.output_score)) / 2)
        as business_impact_score
    from {{ ref('fct_performance_scores') }} as p, scored_window as w
    where p.period_type = 'quarter' and p.period_start >= w.window_start and p.period_start < w.window_end
    group by p.employee_id
),

measurable as (
    select distinct employee_id
    from {{ ref('int_accounts_resolved') }}
    where source in ('jira', 'github') and employee_id is not null
)

select
    e.employee_id,
    w.window_start::date as window_start,
    cast({{ dbt.dateadd('day', -1, 'w.window_end') }} as date) as window_end,
    cast(case when m.employee_id is not null then coalesce(p.projects_led, 0) end as integer) as projects_led,
    cast(case when m.employee_id is not null then coalesce(t.mentees, 0) end as integer) as mentees,
    b.business_impact_score
from {{ ref('dim_employees') }} as e
cross join scored_window as w
left join measurable as m on m.employee_id = e.employee_id
left join projects_led as p on p.employee_id = e.employee_id
left join mentees as t on t.employee_id = e.employee_id
left join business_impact as b on b.employee_id = e.employee_id
