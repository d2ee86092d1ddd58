"""Asset checks: anomalies in the raw loads (``loads``) and the rules the decision analytics must
keep (``analytics``); they show in the Dagster UI and run with the assets they check."""

from ..assets.raw import activity_assets, snapshot_assets
from .analytics import analytics_checks
from .loads import load_checks

activity_checks = [load_checks(assets) for assets in activity_assets]
snapshot_checks = [load_checks(assets) for assets in snapshot_assets]

__all__ = ["activity_checks", "analytics_checks", "snapshot_checks"]
