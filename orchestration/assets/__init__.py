"""The asset graph: raw loads, the dbt project, the decision analytics and the dashboards."""

from .calibration import rating_calibration
from .health import process_health_check
from .merit import merit_budget
from .promotion import promotion_pipeline
from .signals import early_signals
from .thresholds import metric_threshold_proposal

analytics_assets = [
    rating_calibration,
    merit_budget,
    promotion_pipeline,
    early_signals,
    process_health_check,
    metric_threshold_proposal,
]
