import math

import pandas as pd
import pytest

from analytics.load_anomalies import AnomalyRule, load_anomalies

LOADED = pd.Timestamp("2026-10-02", tz="UTC")


def months(values, measure="closed_won_revenue", table="salesforce_opportunities"):
    return pd.DataFrame(
        {
            "source": "salesforce",
            "table_name": table,
            "measure": measure,
            "window_start": pd.date_range("2026-01-01", periods=len(values), freq="MS", tz="UTC"),
            "loaded_at": LOADED,
            "value": values,
        }
    )


def by_month(judged):
    return judged.set_index(judged["window_start"].dt.strftime("%Y-%m"))


def test_a_month_ten_times_the_median_of_the_months_before_is_flagged_with_its_figures():
    judged = by_month(load_anomalies(months([2.4e6, 3.0e6, 2.7e6, 2.6e6, 26.8e6])))
    may = judged.loc["2026-05"]
    assert may["flagged"] and may["baseline"] == pytest.approx(2.65e6) and may["ratio"] == pytest.approx(26.8 / 2.65)
    assert not judged.loc["2026-04", "flagged"]  # 2.6 against a median of 2.7: normal


def test_a_drop_to_a_tenth_is_flagged_and_ordinary_wobble_is_not():
    judged = by_month(load_anomalies(months([1014, 918, 989, 1100, 700, 99], measure="rows", table="zendesk_tickets")))
    assert judged["flagged"].tolist() == [False, False, False, False, False, True]
    assert judged.loc["2026-06", "ratio"] == pytest.approx(99 / 989)


def test_too_few_previous_loads_are_not_judged():
    judged = load_anomalies(months([10, 1000, 100000]))
    assert judged["baseline"].isna().all() and not judged["flagged"].any()
    assert load_anomalies(months([10, 1000, 100000]), AnomalyRule(min_history=1))["flagged"].tolist() == [
        False,
        True,
        True,
    ]


def test_the_baseline_is_the_median_of_the_last_history_loads_only():
    judged = load_anomalies(months([1, 1, 1, 100, 100, 100, 100]), AnomalyRule(history=3, min_volume=0))
    assert judged["baseline"].tolist()[3:] == [1, 1, 100, 100]
    assert judged["flagged"].tolist() == [False, False, False, True, True, False, False]


def test_from_zero_is_infinite_and_flagged_and_tiny_volumes_are_not_judged():
    judged = load_anomalies(months([0, 0, 0, 0, 50, 0, 0, 0, 3], measure="rows"))
    assert math.isinf(judged["ratio"].iloc[4]) and judged["flagged"].iloc[4]
    assert judged["ratio"].iloc[3] == 1.0 and not judged["flagged"].iloc[3]
    assert not judged["flagged"].iloc[8]  # 3 rows against 0: both under min_volume


def test_snapshots_are_ordered_by_when_they_were_loaded_and_measures_apart():
    snapshots = pd.DataFrame(
        {
            "source": "bamboohr",
            "table_name": "bamboohr_employees",
            "measure": "rows",
            "window_start": pd.NaT,
            "loaded_at": pd.to_datetime(["2026-10-04", "2026-10-01", "2026-10-03", "2026-10-02"], utc=True),
            "value": [12, 500, 505, 498],
        }
    )
    judged = load_anomalies(pd.concat([snapshots, months([1, 2, 3, 4])]))
    employees = judged[judged["table_name"] == "bamboohr_employees"]
    assert employees["value"].tolist() == [500, 498, 505, 12]
    assert employees["flagged"].tolist() == [False, False, False, True]
    assert employees["baseline"].iloc[-1] == 500


@pytest.mark.parametrize("rule", [{"factor": 1}, {"min_history": 0}, {"history": 2, "min_history": 3}])
def test_a_rule_that_cannot_judge_is_refused(rule):
    with pytest.raises(ValueError):
        AnomalyRule(**rule)


def test_a_measure_missing_a_column_is_refused():
    with pytest.raises(ValueError, match="loaded_at"):
        load_anomalies(months([1, 2]).drop(columns="loaded_at"))
