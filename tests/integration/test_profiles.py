"""The pipeline on companies whose systems are configured differently (sandbox profiles), each result
checked against that company's own ground truth: what the sandbox generated, not what it served."""

import numpy as np
import pandas as pd

WINDOW = (pd.Timestamp("2026-07-01", tz="UTC").timestamp(), pd.Timestamp("2026-10-01", tz="UTC").timestamp())


def frame(warehouse, sql: str) -> pd.DataFrame:
    with warehouse.connect() as con:
        return con.execute(sql).df()


def test_story_points_come_from_the_field_each_project_fills(profiled):
    company, warehouse = profiled
    issues = company.tables["jira_issues"]
    loaded = issues[(issues["updated"] >= WINDOW[0]) & (issues["updated"] < WINDOW[1])]
    total = frame(warehouse, "select sum(story_points) as points from intermediate.int_jira_issues_estimated")
    assert abs(total["points"][0] - np.nansum(loaded["points"])) <= 0.02 * np.nansum(loaded["points"])
    chosen = frame(warehouse, "select project_key, field_id from intermediate.int_story_point_fields_ranked "
                              "where is_chosen").set_index("project_key")["field_id"].to_dict()  # fmt: skip
    filled = company.profile.story_points_filled
    expected = {key: filled[p % len(filled)] for p, key in enumerate(company.jira_projects)}
    assert chosen == {key: field for key, field in expected.items() if key in chosen} and chosen


def test_every_ticket_has_its_metrics_however_the_export_pages(profiled):
    company, warehouse = profiled
    tickets = frame(
        warehouse, "select status, first_reply_minutes, full_resolution_minutes from staging.stg_zendesk__tickets"
    )
    live = tickets[tickets["status"] != "deleted"]
    truth = company.tables["tickets"]
    replied = truth["reply_min"].notna().mean()  # the share of tickets the simulated agents replied to
    assert live["first_reply_minutes"].notna().mean() >= 0.95 * replied
    assert (tickets["status"] == "deleted").any() == (company.profile.zendesk_deleted_share > 0)


def true_owner(company, source: str) -> dict[str, str]:
    """Each account of a source system -> the employee the sandbox created it for."""
    accounts = company.accounts[source]
    ids = accounts["account_id"].astype(str)
    ids = ids.str.lower() if source == "github" else ids
    return dict(zip(ids, company.people["employee_id"].to_numpy()[accounts["person"].to_numpy()]))


def test_accounts_match_their_owner_or_nobody_and_names_only_suggest(profiled):
    company, warehouse = profiled
    resolved = frame(
        warehouse, "select source, account_id, employee_id, match_method from intermediate.int_accounts_resolved"
    )
    for source, accounts in resolved.groupby("source"):
        owner = accounts["account_id"].map(true_owner(company, source))
        matched = accounts["employee_id"].notna()
        assert (accounts.loc[matched, "employee_id"] == owner[matched]).all(), f"{source}: an account matched wrongly"
        if source == "github" and company.profile.github_sso:
            assert (accounts["employee_id"] == owner).mean() >= 0.8
    assert set(resolved["match_method"].dropna()) <= {"override", "sso identity", "email", "commit email"}
    unmatched = frame(warehouse, "select * from marts.rpt_unmatched_accounts")
    suggested = unmatched[unmatched["suggested_employee_id"].notna()]
    assert len(suggested) > 0 and suggested["suggestion_similarity"].between(0, 1).all()
    coverage = frame(warehouse, "select * from marts.rpt_identity_coverage").set_index("source")
    assert set(coverage.index) == {"jira", "github", "salesforce", "zendesk", "pagerduty"}
    assert coverage["uncredited_share"].between(0, 1).all()


def test_hris_custom_fields_are_read_in_the_companys_formats(profiled):
    company, warehouse = profiled
    employees = frame(warehouse, "select employee_id, compa_ratio, level, is_active from marts.dim_employees")
    assert employees["compa_ratio"].notna().mean() >= 0.95 and employees["level"].notna().all()
    hris = frame(warehouse, "select employee_id, is_regrettable_termination from staging.stg_bamboohr__employees "
                            "where termination_date is not null")  # fmt: skip
    truth = company.people.set_index("employee_id")["regrettable"]
    assert hris["is_regrettable_termination"].notna().all()
    assert (hris["is_regrettable_termination"] == hris["employee_id"].map(truth).astype(bool)).all()


def test_360_ratings_land_under_the_frameworks_competencies(profiled):
    company, warehouse = profiled
    landed = set(frame(warehouse, "select distinct competency from marts.fct_competency_ratings")["competency"])
    defined = set(frame(warehouse, "select competency from framework.competency_definitions")["competency"])
    assert landed and landed <= defined
    assert set(company.profile.competency_keys.values()) - defined or company.profile.name == "default"


def test_metrics_whose_thresholds_clamp_the_company_are_scored_on_its_own_percentiles(profiled):
    company, warehouse = profiled
    fit = frame(warehouse, "select * from marts.rpt_metric_threshold_fit").set_index(["role", "metric_key"])
    assert fit["share_scored_0"].between(0, 1).all() and fit["share_scored_100"].between(0, 1).all()
    tickets = fit.loc[("support", "tickets_resolved")]
    if company.profile.scale("tickets") < 0.5:  # six tickets a month against a "meets" of 100
        assert tickets["share_scored_0"] > 0.9 and tickets["is_uninformative"] and tickets["scored_on"] == "derived"
        scores = frame(warehouse, "select metric_score, threshold_source from marts.fct_metric_scores "
                                  "where metric_key = 'tickets_resolved' and period_type = 'quarter'")  # fmt: skip
        assert (scores["threshold_source"] == "derived").all() and scores["metric_score"].std() > 10
    else:
        assert not tickets["is_uninformative"] and tickets["scored_on"] == "configured"


def test_everyone_employed_at_a_cycles_end_is_rated_or_says_why_not(profiled):
    company, warehouse = profiled
    rows = frame(warehouse, "select cycle, employee_id, submitted_rating, suggested_rating, unrated_reason "
                            "from analytics.calibrated_ratings")  # fmt: skip
    cycles = frame(warehouse, "select cycle, quarter_end from marts.dim_review_cycles")
    people = company.people
    for cycle, end in zip(cycles["cycle"], pd.to_datetime(cycles["quarter_end"])):
        employed = people[(pd.to_datetime(people["hire_date"]) <= end)
                          & (pd.to_datetime(people["termination_date"]).isna()
                             | (pd.to_datetime(people["termination_date"]) > end))]  # fmt: skip
        listed = rows[rows["cycle"] == cycle].set_index("employee_id")
        assert set(employed["employee_id"]) <= set(listed.index), cycle
        unrated = listed[listed["submitted_rating"].isna()]
        assert unrated["unrated_reason"].notna().all() and unrated["suggested_rating"].isna().all()
    reasons = rows["unrated_reason"].dropna()
    assert reasons.str.startswith("joined after the cut-off").any()
    if company.profile.ratings_wait_for_finished_reviews:
        assert reasons.str.startswith("review outstanding with ").any()
