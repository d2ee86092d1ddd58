"""Early signals: likely top performers and regrettable-attrition risk (logistic regressions).

- `predict_top_performers`: from the monthly scores of months [t, t + feature_months) (rolling anchors t),
  will the person be top rated (data-driven band_rank >= `top_band_rank`) in the first quarter that starts
  at or after t + feature_months + gap_months? People early in their tenure are preferred (see
  `TopPerformerConfig.early_tenure_months`).
- `predict_regrettable_attrition`: from what is known at snapshot date t (the first day of a month; features
  use the months before it), will the person leave regrettably in (t, t + horizon_months]?

Each example row has an `as_of` date (its features use only months before it; t + feature_months for the
anchors) and a `label_end` (when its outcome is known). Evaluation is rolling-origin: from the latest
snapshot month that leaves at least `test_share` of the rows on or after it, at up to `max_origins`
origins the model is trained on the rows whose outcome was known by then and scores the snapshots up to
the next origin, so every departure is tested from the snapshots before it. The metrics pool those
scores, with bootstrap intervals; a model that does not beat the base rate is not published. The model
behind the current predictions is refit on every labelled row. Features are standardised (mean-imputed first); drivers are the features with the
largest standardised value x coefficient.

Inputs mirror the marts: `monthly` and `quarterly` are fct_performance_scores rows of one period_type,
`employees` is dim_employees, `ratings` is fct_manager_ratings (employee_id, quarter_start, submitted_rank).
The data ends with the last month in `monthly`: the current population is whoever is active the day after.
"""

from analytics.prediction.attrition import predict_regrettable_attrition
from analytics.prediction.config import AttritionConfig, TopPerformerConfig
from analytics.prediction.early_signal import EarlySignal
from analytics.prediction.features import PROTECTED, check_no_protected
from analytics.prediction.top_performer import predict_top_performers

__all__ = [
    "PROTECTED",
    "AttritionConfig",
    "EarlySignal",
    "TopPerformerConfig",
    "check_no_protected",
    "predict_regrettable_attrition",
    "predict_top_performers",
]
