"""What the analyst copy may hold, column by column: one home for the rule.

Person ids become pseudonyms; names, emails, account logins, free text and money amounts of
a person are left out; sensitive attributes are generalised where fewer than k people of a
department share the value. Ratios (compa-ratio), scores, ratings, bands and dates stay.
Rules go by column name, so a new table is covered by the names it uses; the test suite scans
the copy for every name, email, login, salary and comment of the sandbox org.
"""

from __future__ import annotations

SCHEMAS = ("marts", "analytics", "framework")

PERSON_IDS = {"employee_id", "manager_id", "reviewer_id", "suggested_employee_id"}
# An employee id, or a tag such as "calibration:rebalance" or "committee:Sales".
PERSON_OR_TAG = {"proposed_by", "decided_by"}
IDENTIFYING = {
    "full_name",
    "work_email",
    "manager_name",
    "management_chain",
    "account_id",
    "account_name",
    "account_email",
    "suggested_employee_name",
    "record",  # a quarantined record as read: account ids, titles
}
FREE_TEXT = {"comment", "reason", "evidence"}
MONEY = {
    "salary",
    "pay_range_min",
    "pay_range_midpoint",
    "pay_range_max",
    "increase",
    "salary_increase",
    "lump_sum",
    "new_salary",
    "payroll",
    "payroll_budget",
    "budget",
    "spent",
    "lump_sum_total",
}
# In rows of a metric measured in money (unit "USD per month"), every figure computed from people's
# amounts: their revenue, and medians and thresholds derived from a role's revenue (with few people
# in the role, a percentile is one person's revenue). Configured thresholds are the framework's.
MONEY_BY_UNIT = {
    "numerator",
    "denominator",
    "metric_value",
    "median_value",
    *(
        f"{prefix}_{band}"
        for prefix in ("derived", "threshold")
        for band in ("exceptional", "strong", "meets", "improvement")
    ),
}
MONEY_UNIT = r"^[A-Z]{3}\b"
SENSITIVE = ("gender", "location")
GROUP_COUNTS = ("count", "people")
WITHHELD = "withheld"

PSEUDONYMISED_NOTE = " Pseudonymised in the analyst copy (the same person has the same pseudonym everywhere)."


def analyst_columns(columns: list[str], k: int) -> list[tuple[str, str]]:
    """(column, select expression) of the analyst copy for a table of ``columns`` read as ``t``,
    joined to the generalised attributes ``g`` on employee_id when it has any; left-out columns
    are absent."""
    has = set(columns)
    group_count = next((c for c in GROUP_COUNTS if c in has), None)
    selected = []
    for column in columns:
        expression = _expression(column, has, group_count, k)
        if expression is not None:
            selected.append((column, expression))
    return selected


def _expression(column: str, has: set[str], group_count: str | None, k: int) -> str | None:
    quoted = f't."{column}"'
    if column in IDENTIFYING or column in FREE_TEXT or column in MONEY:
        return None
    if column in PERSON_IDS:
        return f"pseudonym({quoted})"
    if column in PERSON_OR_TAG:
        return (
            f"case when {quoted} in (select employee_id from people) then pseudonym({quoted}) "
            f"when {quoted} like '%@%' then '{WITHHELD}' else {quoted} end"
        )
    if column in SENSITIVE:
        return f"g.{column}" if "employee_id" in has else None
    if column == "value" and "attribute" in has and group_count:
        sensitive = ", ".join(f"'{a}'" for a in SENSITIVE)
        return (
            f"case when t.attribute in ({sensitive}) and t.\"{group_count}\" < {k} then '{WITHHELD}' else {quoted} end"
        )
    if column in MONEY_BY_UNIT and "unit" in has:
        return f"case when regexp_matches(t.unit, '{MONEY_UNIT}') then null else {quoted} end"
    return quoted


def needs_attributes(columns: list[str]) -> bool:
    return "employee_id" in columns and any(c in SENSITIVE for c in columns)


def generalised_attributes_sql(k: int) -> str:
    """Per employee, each sensitive attribute as shown in the analyst copy: the value when at
    least ``k`` people of the department share it, else withheld."""
    shown = ",\n".join(
        f"case when count(*) over (partition by department, {a}) >= {k} then {a} else '{WITHHELD}' end as {a}"
        for a in SENSITIVE
    )
    return f"select employee_id,\n{shown}\nfrom wh.marts.dim_employees"
