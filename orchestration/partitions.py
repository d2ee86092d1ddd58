"""Time partitions: activity is loaded per calendar month (UTC)."""

import os

import dagster as dg

# end_offset=1 keeps the month in progress as a partition, so the nightly run refreshes it.
monthly = dg.MonthlyPartitionsDefinition(
    start_date=os.environ.get("PARTITIONS_START", "2025-01-01"), end_offset=1, timezone="UTC"
)
